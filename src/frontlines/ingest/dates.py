"""Publication dates: from metadata, an option, or a dateline near the top of the page."""
from __future__ import annotations

import re
from datetime import date

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
# "January 11, 2019" / "10 January 2019" / "2019-01-10"
DATELINE = re.compile(
    rf"\b(?:(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+(?:19|20)\d\d"
    rf"|(?:19|20)\d\d-[01]\d-[0-3]\d)\b")
MONTH_DAY_NO_YEAR = re.compile(rf"\b(?:(?:{MONTHS})\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?:{MONTHS}))\b")

_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False, "DATE_ORDER": "DMY"}


def parse_date(text: str | None) -> date | None:
    """Parse one date string (ISO, '10 January 2019', 'Thu, 10 Jan 2019 08:00:00 GMT', ...)."""
    if not text:
        return None
    text = str(text).strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})", text)
    if m:
        try:
            return date.fromisoformat(m.group(1))
        except ValueError:
            return None
    if len(text) > 200:  # not a date; dateparser's cost grows with the length
        return None
    import dateparser  # half a second to import: only when a date is not ISO

    dt = dateparser.parse(text, languages=["en"], settings=_SETTINGS)
    return dt.date() if dt else None


def find_datelines(text: str) -> list[tuple[int, date]]:
    """All full dates (with a year) in ``text``, as (offset, date)."""
    out = []
    for m in DATELINE.finditer(text):
        d = parse_date(m.group(0))
        if d:
            out.append((m.start(), d))
    return out


def has_yearless_dates(text: str) -> bool:
    return bool(MONTH_DAY_NO_YEAR.search(text))
