"""When did it happen: dates in a sentence, resolved against the publication date.

Returns ACLED time precision: 1 = the day is known, 2 = within a week, 3 = within a month.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import dateparser

from ..ingest.dates import MONTHS

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1, "few": 3, "several": 3}
_FULL = re.compile(rf"\b(?:(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?"
                   rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})(?:,?\s+(?:19|20)\d\d)?)\b", re.I)
_MONTH_ONLY = re.compile(rf"\b(?:in|during|since|early|late|mid-?)\s+({MONTHS})\b(?:\s+((?:19|20)\d\d))?", re.I)
_RELATIVE = [
    (re.compile(r"\byesterday\b|\blast night\b", re.I), lambda p, m: (p - timedelta(days=1), 1)),
    (re.compile(r"\btoday\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b", re.I), lambda p, m: (p, 1)),
    (re.compile(r"\b(\w+) days? ago\b", re.I), lambda p, m: (p - timedelta(days=_NUM.get(m.group(1).lower(), int(m.group(1)) if m.group(1).isdigit() else 2)), 1 if m.group(1).isdigit() or m.group(1).lower() in _NUM else 2)),
    (re.compile(r"\b(?:earlier|late|later) this week\b|\bthis week\b|\bin recent days\b|\bover the (?:past|last) (?:few )?days\b", re.I), lambda p, m: (p, 2)),
    (re.compile(r"\blast week\b|\ba week ago\b|\bthe previous week\b", re.I), lambda p, m: (p - timedelta(days=7), 2)),
    (re.compile(r"\b(?:earlier|late|later) this month\b|\bthis month\b", re.I), lambda p, m: (p, 3)),
    (re.compile(r"\blast month\b", re.I), lambda p, m: ((p.replace(day=1) - timedelta(days=1)).replace(day=15), 3)),
]
_YEAR_ONLY = re.compile(r"\b(?:in|since|during|by|from|until|of)\s+(?:early |late |mid-)?((?:19|20)\d\d)\b", re.I)
_WEEKDAY = re.compile(r"\b(?:on|last|this|since|late on|early on)\s+(" + "|".join(WEEKDAYS) + r")\b", re.I)
_LEADING = re.compile(r"^\s*(?:late |early )?on (" + "|".join(WEEKDAYS) + r")\b[^,]{0,20},", re.I)
_BARE_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)  # "said Saturday", "Saturday's attack"
# "occupied since 2014", "the biggest gain since the invasion began on Wednesday": the start of a state or a
# comparison, not when this sentence's event happened; masked up to the clause's end
_DATE_WORD = rf"(?:{MONTHS}|" + "|".join(WEEKDAYS) + r"|(?:19|20)\d\d|yesterday|week|month|year)"
_SINCE = re.compile(rf"\bsince\s+(?:(?:the|early|late|mid-?)\s+)?(?:[\w'’-]+\s+){{0,5}}?(?:(?:on|in|last)\s+)?"
                    rf"{_DATE_WORD}\b(?:\s+\d{{1,2}}\b)?(?:,?\s+(?:19|20)\d\d\b)?", re.I)


# "BEIRUT, May 9, 2019 (Reuters) — ": when the report was filed, not when the event happened
DATELINE_PREFIX = re.compile(rf"^\s*[A-Z][A-Za-z .'’-]{{1,40}},\s+(?:(?:{MONTHS})\.?\s+\d{{1,2}},?\s+(?:19|20)\d\d|"
                             rf"\d{{1,2}}\s+(?:{MONTHS})\.?\s+(?:19|20)\d\d)\s*(?:\([^)]{{1,40}}\))?\s*[—–-]+\s*")


@dataclass(frozen=True)
class When:
    day: date
    precision: int
    text: str
    explicit: bool = True


def _full_date(text: str, published: date | None) -> date | None:
    has_year = re.search(r"(?:19|20)\d\d", text)
    if not has_year and not published:
        return None
    return _parse_date(text, published, published or date.today())


@lru_cache(maxsize=4096)
def _parse_date(text: str, published: date | None, base: date) -> date | None:
    """dateparser (about 2 ms a call) once per phrase and base: reports repeat their dates."""
    has_year = re.search(r"(?:19|20)\d\d", text)
    dt = dateparser.parse(text, languages=["en"],
                          settings={"PREFER_DATES_FROM": "past", "RELATIVE_BASE": _dt(base), "DATE_ORDER": "MDY"})
    if not dt:
        return None
    d = dt.date()
    if not has_year and published:
        d = d.replace(year=published.year)
        if d > published + timedelta(days=2):  # "December 30" in a January report is last year's
            d = d.replace(year=published.year - 1)
    return d


def _dt(d: date):
    from datetime import datetime
    return datetime(d.year, d.month, d.day, 12)


# "later that day", "a day earlier", "the next day": relative to the last date the article named
_ANAPHORIC = [
    (re.compile(r"\b(?:later|earlier)? ?(?:that|the same) (?:day|morning|afternoon|evening|night)\b", re.I), 0),
    (re.compile(r"\b(?:hours|minutes) (?:later|earlier)\b", re.I), 0),
    (re.compile(r"\b(?:the (?:next|following) day|a day later|the day after)\b", re.I), 1),
    (re.compile(r"\b(?:a day earlier|the (?:previous|preceding) day|the day before)\b", re.I), -1),
    (re.compile(r"\b(?:two|2) days (?:later)\b", re.I), 2),
    (re.compile(r"\b(?:two|2) days earlier\b", re.I), -2),
]


# every pattern above has one of these as a whole word in its match: one search rules them all out for
# most sentences (as whole words: "Monday" and "yesterday", in most sentences of a report, are not)
_ANAPHORIC_WORDS = re.compile(r"\b(?:day|morning|afternoon|evening|night|later|earlier)\b", re.I)


def anaphoric_when(text: str, last: When | None) -> When | None:
    if last is None or not _ANAPHORIC_WORDS.search(text):
        return None
    for rx, delta in _ANAPHORIC:
        m = rx.search(text)
        if m:
            return When(last.day + timedelta(days=delta), last.precision, m.group(0))
    return None


@lru_cache(maxsize=8192)
def find_when(text: str, published: date | None) -> When | None:
    """The most specific date expression in ``text`` (a sentence), a leading dateline aside.
    Memoised: a clause is often its whole sentence, read again for its own date."""
    text = DATELINE_PREFIX.sub("", text)
    text = _SINCE.sub(lambda m: " " * len(m.group(0)), text)
    lead = _LEADING.match(text)
    if lead and published:
        # "On Friday, Russia announced a ceasefire, which took effect on August 31": the sentence's own
        # day is the one it opens with, not one in a clause further on
        target = WEEKDAYS.index(lead.group(1).lower())
        return When(published - timedelta(days=(published.weekday() - target) % 7), 1, lead.group(0).strip(" ,"))
    m = _FULL.search(text)
    if m:
        d = _full_date(m.group(0), published)
        if d:
            return When(d, 1, m.group(0))
    if published:
        m = _WEEKDAY.search(text) or _BARE_WEEKDAY.search(text)
        if m:
            target = WEEKDAYS.index(m.group(1).lower())
            back = (published.weekday() - target) % 7
            return When(published - timedelta(days=back), 1, m.group(0))
        for rx, fn in _RELATIVE:
            m = rx.search(text)
            if m:
                d, prec = fn(published, m)
                return When(d, prec, m.group(0))
    m = _MONTH_ONLY.search(text)
    if m and (m.group(2) or published):
        d = _full_date(f"{m.group(1)} 15 {m.group(2) or ''}".strip(), published)
        if d:
            return When(d, 3, m.group(0))
    m = _YEAR_ONLY.search(text)
    if m:  # "in 2015": a year only; ACLED has no coarser precision than a month, so this marks background
        return When(date(int(m.group(1)), 7, 1), 3, m.group(0))
    return None
