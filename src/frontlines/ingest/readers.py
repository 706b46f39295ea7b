"""Turn a path into raw pages: one per file, per JSON line, per WARC response or per feed item.

Nothing here interprets the page; it only finds the bytes, an id and what the container
says about them (url, title, published date).  Problems become ``IngestError`` s carrying a
one-line reason, so the batch can record them and go on.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .errors import IngestError

MAX_BYTES = 10 * 1024 * 1024

MEDIA_TYPES = {
    ".html": "text/html", ".htm": "text/html",
    ".md": "text/markdown", ".markdown": "text/markdown",
    ".txt": "text/plain", ".text": "text/plain",
    ".jsonl": "application/jsonl", ".ndjson": "application/jsonl",
    ".warc": "application/warc", ".warc.gz": "application/warc",
    ".xml": "application/feed", ".rss": "application/feed", ".atom": "application/feed",
}


@dataclass
class RawPage:
    doc_id: str
    raw: bytes
    media_type: str  # text/html, text/markdown or text/plain
    source_path: str
    hints: dict = field(default_factory=dict)  # url, title, published, site from the container


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


def read_path(path: str | Path, max_bytes: int = MAX_BYTES) -> Iterator[RawPage | IngestError]:
    path = Path(path)
    src = str(path)
    suffix = suffix_of(path)
    if suffix not in MEDIA_TYPES:
        yield IngestError(src, f"unknown file type '{suffix or '(none)'}'; expected one of "
                               + ", ".join(sorted(MEDIA_TYPES)))
        return
    try:
        size = path.stat().st_size
    except OSError as e:
        yield IngestError(src, f"cannot read: {e.strerror or e}")
        return
    if size == 0:
        yield IngestError(src, "empty file")
        return
    kind = MEDIA_TYPES[suffix]
    if size > max_bytes and kind not in ("application/jsonl", "application/warc"):
        yield IngestError(src, f"too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit)")
        return
    raw = path.read_bytes()
    stem = path.name[: -len(suffix)] if suffix else path.name
    if kind == "application/jsonl":
        yield from _jsonl(raw, src, max_bytes)
    elif kind == "application/warc":
        yield from _warc(raw, src, max_bytes)
    elif kind == "application/feed":
        yield from _feed(raw, src)
    else:
        yield RawPage(stem, raw, kind, src, sidecar(path, stem))


SIDECAR_KEYS = ("url", "title", "published", "site", "author")


def sidecar(path: Path, stem: str) -> dict:
    """Metadata saved beside a page as ``NAME.meta.json`` (url, title, published, site, author)."""
    meta = path.with_name(stem + ".meta.json")
    if not meta.is_file():
        return {}
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(data[k]) for k in SIDECAR_KEYS if isinstance(data, dict) and data.get(k)}


def _jsonl(raw: bytes, src: str, max_bytes: int) -> Iterator[RawPage | IngestError]:
    for n, line in enumerate(raw.splitlines(), 1):
        where = f"{src}:{n}"
        if not line.strip():
            continue
        if len(line) > max_bytes:
            yield IngestError(where, f"line too large ({len(line) / 1e6:.1f} MB)")
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            yield IngestError(where, f"not valid JSON ({e.__class__.__name__}: {str(e)[:80]})")
            continue
        if not isinstance(obj, dict):
            yield IngestError(where, "a JSON line must be an object with url and html or text")
            continue
        body = obj.get("html") if obj.get("html") else obj.get("text")
        if not isinstance(body, str) or not body.strip():
            yield IngestError(where, "no 'html' or 'text' field")
            continue
        doc_id = str(obj.get("url") or obj.get("id") or f"{Path(src).stem}-{n}")
        media = "text/html" if obj.get("html") else "text/plain"
        hints = {k: obj.get(k) for k in ("url", "title", "published", "site", "author") if obj.get(k)}
        yield RawPage(doc_id, body.encode("utf-8"), media, where, hints)


def _warc(raw: bytes, src: str, max_bytes: int) -> Iterator[RawPage | IngestError]:
    from warcio.archiveiterator import ArchiveIterator

    try:
        for rec in ArchiveIterator(io.BytesIO(raw)):
            if rec.rec_type != "response":
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI") or ""
            ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
            body = rec.content_stream().read()
            if "html" not in ctype and not body.lstrip()[:200].lower().startswith((b"<!doctype", b"<html")):
                continue
            if len(body) > max_bytes:
                yield IngestError(f"{src}#{url}", f"too large ({len(body) / 1e6:.1f} MB)")
                continue
            date = rec.rec_headers.get_header("WARC-Date")
            yield RawPage(url, body, "text/html", f"{src}#{url}", {"url": url, "crawled": date})
    except Exception as e:  # warcio raises several kinds on damaged archives
        yield IngestError(src, f"damaged WARC archive ({e.__class__.__name__}: {str(e)[:80]})")


def _feed(raw: bytes, src: str) -> Iterator[RawPage | IngestError]:
    import feedparser

    feed = feedparser.parse(raw)
    if not feed.entries:
        reason = str(getattr(feed, "bozo_exception", "")) or "no items"
        yield IngestError(src, f"not a readable RSS/Atom feed ({reason[:80]})")
        return
    site = feed.feed.get("title")
    for i, e in enumerate(feed.entries, 1):
        content = ""
        if e.get("content"):
            content = e.content[0].get("value", "")
        content = content or e.get("summary", "") or ""
        if not content.strip():
            yield IngestError(f"{src}#{i}", "feed item without content")
            continue
        url = e.get("link") or f"{Path(src).stem}-{i}"
        title = e.get("title")
        html = f"<html><head><title>{_esc(title or '')}</title></head><body><article><h1>{_esc(title or '')}</h1>{content}</article></body></html>"
        hints = {"url": url, "title": title, "published": e.get("published") or e.get("updated"), "site": site,
                 "author": e.get("author")}
        yield RawPage(url, html.encode("utf-8"), "text/html", f"{src}#{i}", {k: v for k, v in hints.items() if v})


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
