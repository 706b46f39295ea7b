"""RawPage -> Document: decode, split article/comments/boilerplate, find metadata and the date."""
from __future__ import annotations

import re
from datetime import date

from charset_normalizer import from_bytes

from ..records import Document, DocumentMeta
from .dates import find_datelines, has_yearless_dates, parse_date
from .errors import IngestError
from .htmlpage import extract_html
from .readers import RawPage
from .textpage import split_page

_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_STOP = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "by", "as", "at",
         "from", "have", "has", "were", "are", "it", "its", "their", "after"}


def decode(raw: bytes, source: str) -> tuple[str, list[str]]:
    if not raw.strip():
        raise IngestError(source, "empty file")
    sample = raw[:65536]
    if b"\x00" in sample or len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise IngestError(source, "binary data, not a text or HTML page")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None:
        raise IngestError(source, "not UTF-8 and no text encoding could be recognised")
    return str(best), [f"not UTF-8: decoded as {best.encoding}"]


def looks_english(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 20:
        return True
    latin = sum(w.isascii() for w in words) / len(words)
    stop = sum(w in _STOP for w in words) / len(words)
    return latin > 0.7 and stop > 0.08


def build_document(page: RawPage, published: date | None = None) -> Document:
    text, warnings = decode(page.raw, page.source_path)
    hints = page.hints
    meta = DocumentMeta(url=hints.get("url"), title=hints.get("title"), site=hints.get("site"),
                        author=hints.get("author"))
    comments: list[str]
    boilerplate: list[str] = []
    header_text = ""
    if page.media_type == "text/html":
        hp = extract_html(text, page.source_path, url=hints.get("url"))
        paragraphs, comments = hp.article, hp.comments
        warnings += hp.warnings
        meta.title = meta.title or hp.title
        meta.site = meta.site or hp.site
        meta.author = meta.author or hp.author
        meta.url = meta.url or hp.url
        page_date = parse_date(hp.published)
    else:
        # markdown syntax (links, emphasis) turns up in saved .txt pages too, so always clean it
        sp = split_page(text, markdown=True)
        paragraphs, comments, boilerplate = sp.article, sp.comments, sp.boilerplate
        meta.title = meta.title or sp.title
        header_text = "\n".join(sp.boilerplate + sp.header)
        if sp.credits:
            meta.author = meta.author or sp.credits[0]
            sites = [c for c in sp.credits if c != sp.credits[0]]
            meta.site = meta.site or ", ".join(sites) or sp.credits[0]
            meta.cited_outlets = sp.credits
        page_date = None
    article = "\n\n".join(paragraphs)
    if not article.strip():
        raise IngestError(page.source_path, "no article text found")
    # Published date: explicit option > container metadata > page metadata > dateline.
    if published:
        meta.published, meta.published_from = published, "option"
    elif parse_date(hints.get("published")) or page_date:
        meta.published, meta.published_from = parse_date(hints.get("published")) or page_date, "metadata"
    else:
        # the earliest full date in the header is the original publication (a repost adds a later one)
        lines = find_datelines(header_text) or find_datelines(article[:400])
        if lines:
            meta.published, meta.published_from = min(d for _, d in lines), "dateline"
        else:
            why = "the text names days without a year" if has_yearless_dates(article) else "no date found"
            warnings.append(f"no publication date ({why}); pass --published YYYY-MM-DD to date its events")
    meta.language = "en" if looks_english(article) else "unknown"
    if meta.language != "en":
        warnings.append("the article does not look like English; no events were extracted")
    return Document(id=page.doc_id, source_path=page.source_path, media_type=page.media_type, raw=page.raw,
                    sha256=Document.digest(page.raw), article=article, comments=comments,
                    boilerplate=boilerplate, meta=meta, warnings=warnings)
