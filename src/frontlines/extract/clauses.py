"""Step — clauses: the sentence's event triggers that are news and real.

Reads the parsed sentence and its date (sentence_dates.py); finds the triggers (grammar.py),
drops the planned, rumoured, negated or conditional ones, and builds a ``Clause`` for each of the
rest.  A sentence with no date, or dated long before the report (background), codes none of
them.  Every trigger dropped is recorded, with why, on ``Extraction.skipped``.
"""
from __future__ import annotations

from .context import DocContext, SentenceContext
from .grammar import Clause, build_clause, find_triggers, is_irrealis

# a report's past events older than this are background, not news: they are not coded again
BACKGROUND_DAYS = 60


def sentence_clauses(dc: DocContext, s: SentenceContext) -> list[Clause]:
    """The clauses of the sentence to code as events (none for an undated or background sentence)."""
    sent, when, out = s.sent, s.when, dc.out
    published = dc.document.meta.published
    clauses = []
    for trig in find_triggers(sent):
        why = is_irrealis(trig, sent)
        if why:
            out.skipped.append({"sentence": sent.text, "trigger": trig.token.text, "why": why})
            continue
        clauses.append(build_clause(trig))
    background = bool(when and published and (published - when.day).days > BACKGROUND_DAYS)
    if when is None:
        why = "no date: the page has no publication date"
    elif background:
        why = f"background: dated {when.text!r}, long before the report"
    else:
        return clauses
    for cl in clauses:
        out.skipped.append({"sentence": sent.text, "trigger": cl.trigger.token.text, "why": why})
    return []
