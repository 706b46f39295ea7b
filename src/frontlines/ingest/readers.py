"""Turn a path into raw pages: one per file, per JSON line, per WARC response or per feed item.

Nothing here interprets the page; it only finds the bytes, an id and what the container
says about them (url, title, published date).  Problems become ``IngestError`` s carrying a
one-line reason, so the batch can record them and go on.

Every limit is enforced while reading, never after: a page is read with at most
``max_bytes + 1`` bytes, a JSON line with at most that many, and a WARC archive is
decompressed through a counter that stops at ``max_decompressed`` bytes (or an
implausible compression ratio), so a small bomb costs seconds and megabytes, not gigabytes.
Symlinks are followed only when they stay inside ``root`` (the folder the user gave);
FIFOs, sockets, devices, loops and dangling links are reported, never opened.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import IngestError

MAX_BYTES = 10 * 1024 * 1024
MAX_DECOMPRESSED = 512 * 1024 * 1024  # per WARC archive
MAX_RATIO = 100  # decompressed / compressed, checked once past 64 MB
MAX_ID = 512

MEDIA_TYPES = {
    ".html": "text/html", ".htm": "text/html",
    ".md": "text/markdown", ".markdown": "text/markdown",
    ".txt": "text/plain", ".text": "text/plain",
    ".jsonl": "application/jsonl", ".ndjson": "application/jsonl",
    ".warc": "application/warc", ".warc.gz": "application/warc",
    ".xml": "application/feed", ".rss": "application/feed", ".atom": "application/feed",
}
HINT_KEYS = ("url", "title", "published", "site", "author")
SIDECAR_KEYS = HINT_KEYS


@dataclass
class RawPage:
    doc_id: str
    raw: bytes
    media_type: str  # text/html, text/markdown or text/plain
    source_path: str
    hints: dict = field(default_factory=dict)  # url, title, published, site from the container
    name: str | None = None  # the file name, suffix included (tells a.md from a.txt)


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(s: str) -> str:
    """A string safe to store anywhere: no NULs, no lone surrogates (odd file names, JSON escapes)."""
    if "\x00" in s:
        s = s.replace("\x00", "")
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        try:  # a file name's undecodable bytes (surrogateescape) -> U+FFFD
            return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # lone surrogates from JSON escapes -> U+FFFD
            return _SURROGATE.sub("\ufffd", s)


def make_id(value: str) -> str:
    value = clean_text(value).strip()
    if len(value) > MAX_ID:  # a megabyte of 'url' is not an id; keep it readable and unique
        value = value[:MAX_ID - 18] + "#" + hashlib.sha1(value.encode()).hexdigest()[:16]
    return value


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


def _kind_of_mode(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def check_file(path: Path, root: Path | None = None) -> tuple[os.stat_result | None, str | None]:
    """(stat, None) for a regular file that may be read, or (None, the reason it may not)."""
    try:
        lst = path.lstat()
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    if stat.S_ISLNK(lst.st_mode):
        try:
            target = path.resolve(strict=True)
        except RuntimeError:
            return None, "symlink loop"
        except OSError as e:
            if e.errno == 40:  # ELOOP
                return None, "symlink loop"
            return None, f"dangling symlink (target missing: {clean_text(os.readlink(path))[:120]})"
        base = (root or path.parent).resolve()
        if target != base and base not in target.parents:
            return None, f"symlink points outside {clean_text(str(base))[:120]}; not followed"
    try:
        st = path.stat()
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    if not stat.S_ISREG(st.st_mode):
        return None, f"{_kind_of_mode(st.st_mode)}, not a page; skipped"
    return st, None


def read_path(path: str | Path, max_bytes: int = MAX_BYTES, root: Path | None = None,
              max_decompressed: int = MAX_DECOMPRESSED) -> Iterator[RawPage | IngestError]:
    path = Path(path)
    src = clean_text(str(path))
    suffix = suffix_of(path)
    if suffix not in MEDIA_TYPES:
        yield IngestError(src, f"unknown file type '{clean_text(suffix[:40]) or '(none)'}'; expected one of "
                               + ", ".join(sorted(MEDIA_TYPES)))
        return
    st, why = check_file(path, root)
    if st is None:
        yield IngestError(src, why or "cannot read")
        return
    if st.st_size == 0:
        yield IngestError(src, "empty file")
        return
    kind = MEDIA_TYPES[suffix]
    if st.st_size > max_bytes and kind not in ("application/jsonl", "application/warc"):
        yield IngestError(src, f"too large ({st.st_size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit)")
        return
    stem = path.name[: -len(suffix)] if suffix else path.name
    try:
        fh = open(path, "rb")
    except OSError as e:
        yield IngestError(src, f"cannot read: {e.strerror or e}")
        return
    with fh:
        try:
            if kind == "application/jsonl":
                yield from _jsonl(fh, src, max_bytes, clean_text(stem))
            elif kind == "application/warc":
                yield from _warc(fh, src, max_bytes, max_decompressed, st.st_size)
            else:
                raw = fh.read(max_bytes + 1)
                if len(raw) > max_bytes:  # the file grew since stat
                    yield IngestError(src, f"too large (> {max_bytes / 1e6:.0f} MB limit)")
                elif kind == "application/feed":
                    yield from _feed(raw, src, max_bytes)
                else:
                    yield RawPage(make_id(stem), raw, kind, src, sidecar(path, stem), name=clean_text(path.name))
        except OSError as e:
            yield IngestError(src, f"read error: {e.strerror or e}")


def sidecar(path: Path, stem: str) -> dict:
    """Metadata saved beside a page as ``NAME.meta.json`` (url, title, published, site, author)."""
    try:
        meta = path.with_name(stem + ".meta.json")
        if not meta.is_file() or meta.stat().st_size > 1_000_000:
            return {}
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # a name too long for a sidecar, a broken one
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: clean_text(data[k])[:2000] for k in SIDECAR_KEYS if isinstance(data.get(k), str) and data.get(k)}


def _lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) with at most ``limit`` bytes held; None for a line over the limit."""
    n = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line in bounded reads
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield n, None
            continue
        yield n, line


def _jsonl(fh: BinaryIO, src: str, max_bytes: int, stem: str) -> Iterator[RawPage | IngestError]:
    for n, line in _lines(fh, max_bytes):
        where = f"{src}:{n}"
        if line is None:
            yield IngestError(where, f"line too large (> {max_bytes / 1e6:.0f} MB limit)")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except RecursionError:
            yield IngestError(where, "JSON nested too deeply")
            continue
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            yield IngestError(where, f"not valid JSON ({e.__class__.__name__}: {clean_text(str(e))[:80]})")
            continue
        if not isinstance(obj, dict):
            yield IngestError(where, "a JSON line must be an object with url and html or text")
            continue
        bad = next((k for k in (*HINT_KEYS, "html", "text") if obj.get(k) is not None and not isinstance(obj[k], str)),
                   None)
        if bad:
            yield IngestError(where, f"field '{bad}' must be a string, not {type(obj[bad]).__name__}")
            continue
        body = obj.get("html") if obj.get("html") else obj.get("text")
        if not isinstance(body, str) or not body.strip():
            yield IngestError(where, "no 'html' or 'text' field")
            continue
        ident = obj.get("url") or obj.get("id")
        if ident is not None and not isinstance(ident, (str, int)):
            yield IngestError(where, f"field 'id' must be a string or a number, not {type(ident).__name__}")
            continue
        doc_id = make_id(str(ident) if ident not in (None, "") else f"{stem}-{n}")
        if not doc_id:
            doc_id = f"{stem}-{n}"
        media = "text/html" if obj.get("html") else "text/plain"
        hints = {k: clean_text(obj[k])[:2000] for k in HINT_KEYS if obj.get(k)}
        yield RawPage(doc_id, clean_text(body).encode("utf-8"), media, where, hints)


class _TooBig(Exception):
    pass


class _Counted(io.RawIOBase):
    """A decompressed stream that refuses to give more than ``limit`` bytes (or an absurd ratio)."""

    def __init__(self, inner, limit: int, compressed: int):
        self.inner, self.limit, self.compressed, self.n = inner, limit, max(compressed, 1), 0

    def readable(self) -> bool:
        return True

    def _count(self, k: int) -> None:
        self.n += k
        if self.n > self.limit:
            raise _TooBig(f"decompresses to more than {self.limit / 1e6:.0f} MB")
        if self.n > 64 * 1024 * 1024 and self.n / self.compressed > MAX_RATIO:
            raise _TooBig(f"compression ratio over {MAX_RATIO}:1 (a decompression bomb?)")

    def readinto(self, b) -> int:
        data = self.inner.read(len(b))
        self._count(len(data))
        b[:len(data)] = data
        return len(data)


def _read_limited(stream, limit: int) -> bytes | None:
    buf = bytearray()
    while True:
        chunk = stream.read(min(65536, limit + 1 - len(buf)))
        if not chunk:
            return bytes(buf)
        buf += chunk
        if len(buf) > limit:
            return None


_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)


def _warc(fh: BinaryIO, src: str, max_bytes: int, max_decompressed: int,
          size: int) -> Iterator[RawPage | IngestError]:
    import gzip

    from warcio.archiveiterator import ArchiveIterator

    head = fh.read(2)
    fh.seek(0)
    stream = gzip.GzipFile(fileobj=fh) if head == b"\x1f\x8b" else fh
    counted = io.BufferedReader(_Counted(stream, max_decompressed, size), 1 << 16)
    pages = skipped = 0
    try:
        for rec in ArchiveIterator(counted):
            if rec.rec_type != "response":
                continue
            url = clean_text(rec.rec_headers.get_header("WARC-Target-URI") or "")
            where = f"{src}#{url[:300]}"
            ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
            body = _read_limited(rec.content_stream(), max_bytes)
            if body is None:
                yield IngestError(where, f"too large (> {max_bytes / 1e6:.0f} MB limit)")
                pages += 1
                continue
            if "html" not in ctype.lower() and not body.lstrip()[:200].lower().startswith((b"<!doctype", b"<html")):
                skipped += 1
                continue
            hints = {"url": url, "crawled": rec.rec_headers.get_header("WARC-Date")}
            m = _CHARSET.search(ctype)
            if m:
                hints["charset"] = m.group(1)
            pages += 1
            yield RawPage(make_id(url) or f"{src}#{pages}", body, "text/html", where, hints)
    except _TooBig as e:
        yield IngestError(src, f"WARC archive refused: {e}")
        return
    except Exception as e:  # warcio, gzip and zlib raise several kinds on damaged archives
        yield IngestError(src, f"damaged WARC archive ({e.__class__.__name__}: {clean_text(str(e))[:80]})")
        return
    if not pages:
        yield IngestError(src, f"no HTML response records in the WARC archive ({skipped} other response(s))"
                          if skipped else "no response records in the WARC archive (empty or not a WARC file)")
    elif skipped:
        yield IngestError(src, f"{skipped} non-HTML response record(s) in the archive skipped")


def _feed(raw: bytes, src: str, max_bytes: int) -> Iterator[RawPage | IngestError]:
    import feedparser

    try:
        feed = feedparser.parse(raw)
    except Exception as e:  # feedparser is lenient, but not on everything
        yield IngestError(src, f"not a readable RSS/Atom feed ({e.__class__.__name__})")
        return
    if not feed.entries:
        reason = clean_text(str(getattr(feed, "bozo_exception", ""))) or "no items"
        yield IngestError(src, f"not a readable RSS/Atom feed ({reason[:80]})")
        return
    site = feed.feed.get("title")
    for i, e in enumerate(feed.entries, 1):
        content = ""
        if e.get("content"):
            content = e.content[0].get("value", "")
        content = content or e.get("summary", "") or ""
        if not isinstance(content, str) or not content.strip():
            yield IngestError(f"{src}#{i}", "feed item without content")
            continue
        url = e.get("link") or f"{Path(src).stem}-{i}"
        title = e.get("title")
        html = (f"<html><head><title>{_esc(title or '')}</title></head><body><article><h1>{_esc(title or '')}</h1>"
                f"{content}</article></body></html>")
        hints = {"url": url, "title": title, "published": e.get("published") or e.get("updated"), "site": site,
                 "author": e.get("author")}
        yield RawPage(make_id(url), html.encode("utf-8", "replace"), "text/html", f"{src}#{i}",
                      {k: clean_text(str(v))[:2000] for k, v in hints.items() if v})


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
