"""RawPage -> Document: decode, split article/comments/boilerplate, find metadata and the date."""
from __future__ import annotations

import codecs
import re
from datetime import date

from ..records import Document, DocumentMeta
from .dates import find_datelines, has_yearless_dates, parse_date
from .errors import IngestError
from .readers import RawPage
from .textpage import split_page

_CONTROL = re.compile(rb"[\x01-\x08\x0e-\x1f]")
_STOP = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "by", "as", "at",
         "from", "have", "has", "were", "are", "it", "its", "their", "after"}
# longest first: the UTF-32 LE mark begins with the UTF-16 LE one
BOMS = [(codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
        (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16")]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
WESTERN = ("cp1252", "latin_1", "iso8859_15")
# spaCy refuses texts over nlp.max_length (1,000,000) and needs about 1 GB per 100,000 characters
# parsed; a news article is rarely half of this (a long feature: 30,000)
MAX_ARTICLE_CHARS = 50_000


def _declared(raw: bytes, hint: str | None) -> str | None:
    """The charset an HTTP header (``hint``) or the page's own <meta> declares, if Python knows it."""
    names = [hint] if hint else []
    m = _META_CHARSET.search(raw[:4096])
    if m:
        names.append(m.group(1).decode("ascii", "ignore"))
    for name in names:
        try:
            return codecs.lookup(name.strip()).name
        except (LookupError, TypeError, ValueError):
            continue
    return None


def _detect(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding) from charset-normalizer; among equally plausible single-byte code pages
    the Western one (cp1252/latin-1), which is what an English-language page most often is."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw[:1_000_000]))
    if not matches:
        return None
    best = min(matches, key=lambda m: m.chaos)
    close = [m for m in matches if m.chaos <= best.chaos + 0.02]
    pick = next((m for m in close if m.encoding in WESTERN), close[0] if best in close else best)
    try:
        return raw.decode(pick.encoding), pick.encoding
    except (UnicodeDecodeError, LookupError):
        return str(pick), pick.encoding


def decode(raw: bytes, source: str, hint: str | None = None, html: bool = False) -> tuple[str, list[str]]:
    """Bytes -> text: a byte-order mark, else UTF-8, else the declared charset, else a detector.
    The choice is recorded as a warning whenever it is not plain UTF-8."""
    if not raw.strip():
        raise IngestError(source, "empty file")
    warnings: list[str] = []
    for bom, codec, label in BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise IngestError(source, f"starts with a {label} byte-order mark but is not valid {label}") from None
            if label != "UTF-8":
                warnings.append(f"decoded as {label} (byte-order mark)")
            return _strip_nul(text, warnings, source)
    sample = raw[:65536]
    nul = sample.count(b"\x00")
    if nul + len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise IngestError(source, "binary data, not a text or HTML page")
    if b"\x00" in raw:
        n = raw.count(b"\x00")
        raw = raw.replace(b"\x00", b"")
        warnings.append(f"{n} NUL byte(s) removed")
    try:
        return raw.decode("utf-8"), warnings
    except UnicodeDecodeError:
        pass
    declared = _declared(raw, hint) if (html or hint) else None
    if declared and declared not in ("utf-8",):
        try:
            text = raw.decode(declared)
            warnings.append(f"not UTF-8: decoded as {declared} (charset declared by the page)")
            return text, warnings
        except UnicodeDecodeError:
            warnings.append(f"the page declares {declared} but is not valid {declared}")
    found = _detect(raw)
    if found is None:
        raise IngestError(source, "not UTF-8 and no text encoding could be recognised")
    text, enc = found
    warnings.append(f"not UTF-8: decoded as {enc} (detected)")
    return text, warnings


def _strip_nul(text: str, warnings: list[str], source: str) -> tuple[str, list[str]]:
    if not text.strip():
        raise IngestError(source, "empty file")
    if "\x00" in text:
        warnings.append(f"{text.count(chr(0))} NUL character(s) removed")
        text = text.replace("\x00", "")
    return text, warnings


_LONG_RUN = re.compile(r"\S{500,}")


def cap_article(article: str, warnings: list[str], limit: int = MAX_ARTICLE_CHARS) -> str:
    """Cut an over-long article at the last paragraph or sentence end before ``limit``, with a warning;
    shorten runs of 500+ characters without a space (no word is that long, and spaCy's tokenizer
    spends quadratic time on them) to their first 100."""
    runs = _LONG_RUN.findall(article)
    if runs:
        article = _LONG_RUN.sub(lambda m: m.group(0)[:100] + "\u2026", article)
        warnings.append(f"{len(runs)} run(s) of 500+ characters without a space shortened to 100")
    if len(article) <= limit:
        return article
    cut = article.rfind("\n\n", 0, limit)
    if cut < limit // 2:
        cut = max(article.rfind(". ", 0, limit) + 1, 0)
    if cut < limit // 2:
        cut = article.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit
    warnings.append(f"article truncated to {cut:,} of {len(article):,} characters (the limit is {limit:,}); "
                    "events after that point are not extracted")
    return article[:cut].rstrip()


def looks_english(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(text) > 2000 and sum(map(len, words)) < len(text) * 0.3:
        return False  # mostly punctuation, digits or symbols: not prose in any language
    if len(words) < 20:
        return True
    latin = sum(w.isascii() for w in words) / len(words)
    stop = sum(w in _STOP for w in words) / len(words)
    return latin > 0.7 and stop > 0.08


def build_document(page: RawPage, published: date | None = None) -> Document:
    text, warnings = decode(page.raw, page.source_path, page.hints.get("charset"),
                            html=page.media_type == "text/html")
    hints = page.hints
    meta = DocumentMeta(url=hints.get("url"), title=hints.get("title"), site=hints.get("site"),
                        author=hints.get("author"))
    comments: list[str]
    boilerplate: list[str] = []
    header_text = ""
    if page.media_type == "text/html":
        from .htmlpage import extract_html  # trafilatura loads in a second: only when there is HTML
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
    article = cap_article(article, warnings)
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
