"""Split a plain-text or markdown page into title, article, reader comments and boilerplate.

Web pages saved as text keep everything around the article: a headline and a photo
caption, bylines and datelines, share prompts, copyright notices, disclaimers, and the
reader-comment thread (a short name line, then the reply).  Only the article is reporting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import DATELINE

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_HEAD = re.compile(r"^(#{1,6}\s+|>\s?)")
# emphasis only as paired markers around text, so 'window.__name' or '5 * 3' stay as written
_MD_EMPH = [re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
            re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
            re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")]

# Lines that belong to the site, not the article.  Each is a pattern a reader would
# recognise on many sites, not a phrase of one page.
BOILERPLATE = [re.compile(p, re.I) for p in (
    r"^(note to readers|please (click|share)|share (this|on)|forward this article|crosspost)",
    r"share buttons|follow us on|subscribe to (our|the)|sign up for|newsletter",
    r"^(copyright|©|\(c\))|copyright ©|all rights reserved",
    r"^the original source of this article is",
    r"^(articles?|posts?) by:",
    r"^disclaimer\b",
    r"^(comment on|become a member|support (us|our)|donate\b|for media inquiries|contact:)",
    r"contains copyrighted material|fair use",
    r"^(region|theme|topics?|tags?|categories|in-depth report|filed under|related( articles| posts)?)\s*:",
    r"^(by|written by|author:?)\s+\S",
    r"^(read more|continue reading|click here|advertisement|sponsored)\b",
    r"^(photo|image|video|source)\s*:",
    r"^\*+$|^-{3,}$|^_{3,}$",
)]
# a photo caption: a sentence or two, then the picture's credit ("... on Friday. AFP", "Jane Roe/AFP",
# "(AP Photo/John Doe)", "REUTERS/John Doe", "Photo: Reuters"); a paragraph citing an agency ends in
# its full stop ("..., the governor told AFP.")
_AGENCY = r"(?:AFP|AP|Reuters|REUTERS|EPA|EPA-EFE|Getty Images|Anadolu(?: Agency)?|Xinhua|dpa|ANSA|UPI)"
CAPTION = re.compile(r"[.!?\"”’]\s+(?:"
                     r"\(?(?i:photo|picture|image|file photo)\s*[:/]\s*[^()\n]{1,60}?\)?"
                     r"|(?:[A-Z][\w.'-]*\s+){0,3}[A-Z][\w.'-]*\s*/\s*" + _AGENCY +
                     r"|\(?" + _AGENCY + r"(?:\s+(?i:photo))?(?:\s*/\s*[^()\n]{1,60}?)?\)?"
                     r")\s*$")
COMMENT_HEADERS = re.compile(r"^(\d+\s+)?(comments?|responses?|replies|leave a (reply|comment)|"
                             r"join the discussion|reader comments)\b.*$", re.I)
FOOTER_START = re.compile(r"^(note to readers|the original source of this article|copyright|©|"
                          r"disclaimer|articles? by:|related( articles| posts)?\s*:)", re.I)


LONG_LINE = 20_000  # longer lines are not prose with markup; the patterns below would cost O(n^2) on them


def clean_markdown(line: str) -> str:
    if len(line) > LONG_LINE:
        return line.strip()
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_HEAD.sub("", line)
    if line.count("*") + line.count("_") > 200:  # a run of markers, not emphasis: skip the lazy patterns
        return line.strip()
    for _ in range(3):  # nested emphasis ("*text with *a title* inside*") needs another pass
        before = line
        for rx in _MD_EMPH:
            line = rx.sub(r"\1", line)
        if line == before:
            break
    if re.fullmatch(r"[*_\-\s]+", line):  # a lone '*' or '---' separator line
        return ""
    return line.strip()


def is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in BOILERPLATE)


def is_caption(block: str) -> bool:
    return len(block) <= 600 and bool(CAPTION.search(block))


def is_dateline(line: str) -> bool:
    """A line that is little more than a date (and an outlet name)."""
    m = DATELINE.search(line)
    return bool(m) and len(line) - len(m.group(0)) <= 40 and not line.rstrip().endswith(".")


def is_prose(block: str) -> bool:
    words = block.split()
    return len(words) >= 8 and bool(re.search(r"[.!?][\"”’')\]]*$", block.strip()))


def is_name_line(block: str) -> bool:
    """A commenter's name: one short line with no sentence punctuation."""
    if "\n" in block or not re.search(r"[A-Za-z]", block):
        return False
    words = block.split()
    return (1 <= len(words) <= 5 and len(block) <= 40 and not re.search(r"[.!?:;,]$", block)
            and not is_boilerplate(block) and not DATELINE.search(block))


@dataclass
class SplitPage:
    title: str | None = None
    article: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)  # outlet names from bylines / source lines


def _blocks(text: str, markdown: bool) -> list[str]:
    blocks, cur = [], []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = clean_markdown(raw) if markdown else raw.strip()
        if markdown and raw.lstrip().startswith("#") and line:
            # a markdown heading is its own block and never a commenter's name
            if cur:
                blocks.append("\n".join(cur))
                cur = []
            blocks.append("\x00" + line)
            continue
        if line:
            cur.append(line)
        elif cur:
            blocks.append("\n".join(cur))
            cur = []
    if cur:
        blocks.append("\n".join(cur))
    return blocks


def _thread_starts_at(blocks: list[str], i: int) -> bool:
    """Block i opens a comment thread: a name line with a reply, and another such pair soon after."""
    if not (is_name_line(blocks[i]) and i + 1 < len(blocks) and not is_name_line(blocks[i + 1])):
        return False
    for j in range(i + 2, min(i + 8, len(blocks) - 1)):
        if is_name_line(blocks[j]) and not is_name_line(blocks[j + 1]):
            return True
    return False


def split_page(text: str, markdown: bool = False) -> SplitPage:
    blocks = _blocks(text, markdown)
    page = SplitPage()
    i, n = 0, len(blocks)
    # Header: headline, caption, bylines and datelines before the first paragraph of prose.
    while i < n and not is_prose(blocks[i].lstrip("\x00")):
        b = blocks[i].lstrip("\x00")
        if page.title is None and not _CREDIT.match(b) and not is_dateline(b):
            page.title = b
        elif is_boilerplate(b) or is_dateline(b):
            page.boilerplate.append(b)
            _credit(b, page)
        else:
            page.header.append(b)
        i += 1
    in_footer = False
    thread = False
    current: list[str] = []
    while i < n:
        b = blocks[i].lstrip("\x00")
        heading = blocks[i].startswith("\x00")
        if thread:
            if is_boilerplate(b):
                page.boilerplate.append(b)
            elif is_name_line(b) and not heading:
                if current:
                    page.comments.append("\n".join(current))
                current = [b]
            else:
                current.append(b)
        elif COMMENT_HEADERS.match(b) or (page.article and not heading and _thread_starts_at(blocks, i)):
            thread = True
            if COMMENT_HEADERS.match(b):
                page.boilerplate.append(b)
            else:
                current = [b]
        elif FOOTER_START.match(b) or in_footer:
            in_footer = True
            page.boilerplate.append(b)
            _credit(b, page)
        elif is_boilerplate(b):
            page.boilerplate.append(b)
            _credit(b, page)
        elif is_caption(b):
            page.boilerplate.append(b)  # a photo's caption between paragraphs: it shows, it does not report
        elif page.article and not re.search(r"[.!?:][\"”’')\]]*$", page.article[-1]) and b[:1].islower():
            page.article[-1] += " " + b  # a paragraph broken by a stray blank line
        else:
            page.article.append(b)
        i += 1
    if current:
        page.comments.append("\n".join(current))
    if not page.article and (page.header or page.title):
        # no paragraph looked like prose (a page without sentence punctuation, another script):
        # keep the text as the article rather than lose it
        page.article = page.header or [page.title]
        page.header = []
        if page.article == [page.title]:
            page.title = None
    return page


_CREDIT = re.compile(r"^(?:by|written by|author:?|the original source of this article is|articles? by:)\s+(.+?)\.?$"
                     r"|^(.+?),?\s+" + DATELINE.pattern, re.I)


def _credit(line: str, page: SplitPage) -> None:
    m = _CREDIT.match(line.strip())
    if m:
        name = (m.group(1) or m.group(2) or "").strip(" ,")
        if name and len(name.split()) <= 6 and name not in page.credits:
            page.credits.append(name)
