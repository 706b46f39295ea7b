"""A generated corpus of hostile inputs (for test_hostile.py and bench/): every kind issue 11 lists.

``make_corpus(folder, outside, seed, lines)`` writes files into ``folder`` and returns the list of
input sources that must each end as a stored document or a failure row: a file's path, a JSON
line's ``path:N``, or (for containers that may hold several pages) the container's path as a prefix.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import zlib
from pathlib import Path

GOOD = ("On May {d}, 2019, government forces captured the village of Kafr Nabl from rebels after heavy "
        "clashes, local sources said. Three fighters were killed in the fighting near Saraqib. {tag}")


def _good(rng: random.Random, tag: str) -> str:
    return GOOD.format(d=rng.randint(1, 28), tag=tag)


def _warc(records: list[tuple[str, bytes, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for url, body, ctype in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


def _bomb_gz(header: bytes, zeros: int) -> bytes:
    """A gzip member whose tail decompresses to ``zeros`` zero bytes: a WARC decompression bomb."""
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [co.compress(header)]
    chunk = b"\0" * (1 << 20)
    for _ in range(zeros >> 20):
        out.append(co.compress(chunk))
    out.append(co.flush())
    return b"".join(out)


def make_corpus(folder: Path, outside: Path, seed: int = 11, lines: int = 1900) -> tuple[list[str], list[str]]:
    """Write the corpus; return (exact sources, prefix sources)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    exact: list[str] = []
    prefix: list[str] = []

    def put(name: str | bytes, data: bytes, container: bool = False) -> None:
        path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else name.encode())
        with open(path, "wb") as fh:
            fh.write(data)
        src = os.fsdecode(path)
        from frontlines.ingest.readers import clean_text
        (prefix if container else exact).append(clean_text(src))

    n = 0
    def nm(ext: str) -> str:
        nonlocal n
        n += 1
        return f"h{n:04d}{ext}"

    for i in range(10):
        put(nm(".txt"), b"")
        put(nm(".md"), b" \n\t\n " * rng.randint(1, 50))
        put(nm(rng.choice([".html", ".txt", ".md"])), rng.randbytes(rng.randint(1, 5000)))
        put(nm(".txt"), _good(rng, f"nul {i}").encode().replace(b" ", b" \x00", 3))
        put(nm(".txt"), b"\xff\xfe" + _good(rng, f"utf16 {i}").encode("utf-16-le"))
        put(nm(".txt"), b"\xff\xfe\x00\x00" + _good(rng, f"utf32 {i}").encode("utf-32-le"))
        put(nm(".md"), b"\xef\xbb\xbf" + _good(rng, f"bom8 {i} caf\u00e9").encode())
        put(nm(".txt"), (_good(rng, f"latin {i}") + " Le caf\u00e9 \u00e9tait ferm\u00e9, \u00e0 c\u00f4t\u00e9 "
                         "de l'h\u00f4tel.").encode("latin-1"))
        put(nm(".html"), ("<html><head><meta charset='windows-1251'></head><body><article><p>"
                          + _good(rng, f"cp1251 {i} \u0410\u043b\u0435\u043f\u043f\u043e") + "</p></article></body></html>")
            .encode("cp1251"))
        put(nm(".txt"), b"\xfe\xff\x00" + rng.randbytes(9))  # a UTF-16 mark on an odd number of bytes
        put(nm(".html"), b"<div>" * rng.randint(1000, 100_000) + _good(rng, f"deep {i}").encode())
        put(nm(".md"), rng.choice([b"**[", b"_*", b"[](", b"!["]) * rng.randint(1000, 100_000))
        put(nm(rng.choice([".pdf", ".docx", "", ".exe"])), b"%PDF-1.4 " + rng.randbytes(100))
        put(nm(".xml"), rng.choice([b"<rss><channel>", b"<?xml version='1.0'?><x/>", rng.randbytes(200)]))
        put(nm(".warc.gz"), rng.randbytes(rng.randint(10, 3000)), container=True)
        warc = _warc([(f"https://example.org/w{i}", f"<html><body><article><p>{_good(rng, f'warc {i}')}</p>"
                       "</article></body></html>".encode(), "text/html; charset=utf-8")])
        put(nm(".warc.gz"), warc[: rng.randint(20, len(warc) - 1)], container=True)  # truncated
        put(nm(".txt"), _good(rng, f"plain {i}").encode())
    # one page in a given name and another with the same stem
    put("same.txt", _good(rng, "same stem, text").encode())
    put("same.md", _good(rng, "same stem, markdown").encode())
    # one-line pages of several megabytes (spaCy refused them: E088), one over the size limit
    put(nm(".txt"), ("war " * (5 * 1024 * 1024 // 4)).encode())
    put(nm(".txt"), ((_good(rng, "long") + " ") * 30_000).encode())
    put(nm(".html"), b"<html><body><p>" + b"x" * (11 * 1024 * 1024) + b"</p></body></html>")
    # a name too long for its sidecar, a name that is not UTF-8
    put("n" * 246 + ".txt", _good(rng, "long name").encode())
    put(b"bad-\xff\xfe-name.txt", _good(rng, "odd bytes in the name").encode())
    # WARCs: only non-HTML records; a record over the size limit; a decompression bomb
    put(nm(".warc.gz"), _warc([("https://example.org/img", b"\x89PNG" + rng.randbytes(500), "image/png")]),
        container=True)
    put(nm(".warc.gz"), _warc([("https://example.org/big", b"<html>" + b"a" * (11 * 1024 * 1024), "text/html")]),
        container=True)
    header = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/bomb\r\n"
              b"Content-Type: application/http; msgtype=response\r\nContent-Length: 999999999999\r\n\r\n"
              b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>")
    put(nm(".warc.gz"), _bomb_gz(header, 200 * 1024 * 1024), container=True)
    # a billion-laughs feed
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol">' + b"".join(
        b'<!ENTITY %s "%s">' % (chr(98 + k).encode(), (b"&" + chr(97 + k).encode() + b";") * 10) for k in range(9)) + \
        b']><rss><channel><item><title>&j;</title><description>&j;</description></item></channel></rss>'
    put(nm(".rss"), laughs, container=True)
    # links: out of the folder, a loop, dangling, a FIFO, a linked folder
    secret = outside / "secret.txt"
    secret.write_text(_good(rng, "outside the folder"))
    for name, target in (("out.txt", secret), ("loop-a.txt", folder / "loop-b.txt"),
                         ("loop-b.txt", folder / "loop-a.txt"), ("dangling.txt", folder / "missing.txt"),
                         ("linked-dir", outside)):
        os.symlink(target, folder / name)
        exact.append(str(folder / name))
    inside = folder / "inside.txt"
    os.symlink(folder / f"h{n:04d}.txt" if (folder / f"h{n:04d}.txt").exists() else folder / "same.txt", inside)
    exact.append(str(inside))
    os.mkfifo(folder / "pipe.txt")
    exact.append(str(folder / "pipe.txt"))

    # a JSON Lines file of hostile lines
    jl = folder / "hostile.jsonl"
    with open(jl, "wb") as fh:
        for k in range(1, lines + 1):
            kind = k % 12
            if kind in (3, 4, 5, 9) and (k // 12) % 8:
                kind = 0  # most lines fail; one in eight of the kinds that are pages stays a page
            if kind == 0:
                line = json.dumps({"url": f"https://example.org/j{k}", "title": ["a", "list"], "text": _good(rng, str(k))})
            elif kind == 1:
                line = "[" * 100_000 + "]" * 100_000
            elif kind == 2:
                line = "{}"
            elif kind == 3:
                line = json.dumps({"url": f"https://example.org/j{k}", "text": _good(rng, f"json {k}")})
            elif kind == 4:
                line = '{"url": "u' + str(k) + '", "text": "\\ud800 lone surrogate ' + _good(rng, str(k)) + '"}'
            elif kind == 5:
                line = json.dumps({"url": "https://example.org/" + "u" * rng.randint(600, 100_000), "text": _good(rng, str(k))})
            elif kind == 6:
                line = json.dumps({"url": f"x{k}", "text": 12345})
            elif kind == 7:
                line = "x" + rng.randbytes(rng.randint(1, 300)).decode("latin-1").replace("\n", " ")
            elif kind == 8:
                line = json.dumps([1, 2, 3])
            elif kind == 9:
                line = json.dumps({"url": f"https://example.org/j{k}", "html": "<p>" + _good(rng, f"html {k}") + "\x00</p>"})
            elif kind == 10:
                line = '{"a":' * 50_000 + "1" + "}" * 50_000
            else:
                line = json.dumps({"url": f"https://example.org/j{k}", "published": {"x": 1}, "text": "t"})
            fh.write(line.encode("utf-8", "surrogatepass") + b"\n")
            exact.append(f"{jl}:{k}")
        fh.write(b'{"url": "too-long", "text": "' + b"a" * (11 * 1024 * 1024) + b'"}\n')
        exact.append(f"{jl}:{lines + 1}")
    return exact, prefix
