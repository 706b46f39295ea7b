"""HTML pages: trafilatura separates the article from navigation, sidebars and comments."""
from __future__ import annotations

from dataclasses import dataclass, field

from datetime import date as _date

import trafilatura
from lxml import etree

from .errors import IngestError


@dataclass
class HtmlPage:
    title: str | None
    article: list[str]
    comments: list[str]
    author: str | None = None
    site: str | None = None
    published: str | None = None
    url: str | None = None
    warnings: list[str] = field(default_factory=list)


def parse_errors(html: str) -> int:
    parser = etree.HTMLParser(recover=True)
    try:
        etree.fromstring(html.encode("utf-8", "replace"), parser)
    except etree.XMLSyntaxError:
        return 1_000
    return len([e for e in parser.error_log if e.level >= 2])


def date_params() -> dict:
    """htmldate without its extensive search: that scans every text node for date-like strings and
    costs seconds on a page with a malformed meta date; the metadata and the page's own date
    markup (which htmldate still reads) or the dateline are what we trust anyway."""
    return {"original_date": True, "extensive_search": False, "max_date": _date.today().isoformat()}


def extract_html(html: str, source: str, url: str | None = None) -> HtmlPage:
    result = trafilatura.bare_extraction(html, url=url, include_comments=True, with_metadata=True,
                                         favor_precision=False, date_extraction_params=date_params())
    text = (getattr(result, "text", None) or "").strip() if result is not None else ""
    if not text:
        raise IngestError(source, "no article text could be extracted from the HTML (broken or empty page?)")
    title = getattr(result, "title", None)
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if title and paras and paras[0].strip() == title.strip():
        paras = paras[1:]
    comments = [c.strip() for c in (getattr(result, "comments", None) or "").split("\n") if c.strip()]
    page = HtmlPage(title=title, article=paras, comments=comments, author=getattr(result, "author", None),
                    site=getattr(result, "sitename", None), published=getattr(result, "date", None),
                    url=url or getattr(result, "url", None))
    errors = parse_errors(html)
    if errors:
        page.warnings.append(f"malformed HTML ({errors} parse errors); the article was recovered as far as possible")
    return page
