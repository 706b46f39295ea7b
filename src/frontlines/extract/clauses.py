"""Step — clauses: the sentence's event triggers that are news and real.

Reads the parsed sentence and its date (sentence_dates.py); finds the triggers (grammar.py),
drops the planned, rumoured, negated or conditional ones, and builds a ``Clause`` for each of the
rest.  A sentence with no date, or dated long before the report (background), codes none of
them.  Every trigger dropped is recorded, with why, on ``Extraction.skipped``.
"""
from __future__ import annotations

import re

from .context import DocContext, SentenceContext
from .doc_index import span_text
from .grammar import Clause, build_clause, find_triggers, is_irrealis
from .sentence_dates import clause_when

# a report's past events older than this are background, not news: they are not coded again
BACKGROUND_DAYS = 60


HABITUAL = {"frequently", "regularly", "often", "repeatedly", "routinely", "usually", "constantly", "periodically",
            "sometimes", "occasionally", "increasingly"}
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def habitual(verb, published) -> str | None:
    """'have frequently attacked Tillaberi since 2017', 'has been fighting the army since 2012': a state of
    affairs, not an event.  Only the verb's own 'since' counts: a relative clause ("occupied since 2014")
    leaves its main clause alone."""
    kids = list(verb.children)
    if any(c.dep_ == "advmod" and c.lower_ in HABITUAL for c in kids):
        return "habitual, not one event"
    for c in kids:
        if c.dep_ == "prep" and c.lower_ == "since":
            years = [t for t in c.subtree if _YEAR.match(t.text)]
            if years and (published is None or published.year - int(years[0].text) >= 1):
                return f"background: going on since {years[0].text}"
            if any(t.dep_ == "aux" and t.lower_ in ("have", "has") for t in kids):
                return "background: going on since then, not one event"  # "have occupied ... since the start of"
    return None


def title_case_headline(sent) -> bool:
    """'Gaza Rescuers Say Children Among 20 Killed In Israeli Strikes': every word capitalised and no full
    stop — the tagger reads such a line as one long name, so it is left to the article's own sentences."""
    if span_text(sent).rstrip().endswith((".", "!", "?", '"', "”")):
        return False
    words = [t for t in sent if t.is_alpha and len(t.text) > 3]
    if len(words) < 5:
        return False
    return sum(t.text[:1].isupper() for t in words) >= 0.8 * len(words)


def sentence_clauses(dc: DocContext, s: SentenceContext) -> list[Clause]:
    """The clauses of the sentence to code as events (none for an undated or background sentence)."""
    sent, when, out = s.sent, s.when, dc.out
    published = dc.document.meta.published
    if title_case_headline(sent):
        for trig in find_triggers(sent):
            out.skipped.append({"sentence": span_text(sent), "trigger": trig.token.text,
                                "why": "headline in title case: the article below reports it"})
        return []
    clauses = []
    for trig in find_triggers(sent):
        why = is_irrealis(trig, sent) or habitual(trig.verb, published)
        if why:
            out.skipped.append({"sentence": span_text(sent), "trigger": trig.token.text, "why": why})
            continue
        clauses.append(build_clause(trig))
    if when is None:
        for cl in clauses:
            out.skipped.append({"sentence": span_text(sent), "trigger": cl.trigger.token.text,
                                "why": "no date: the page has no publication date"})
        return []
    kept = []
    for cl in clauses:
        # the clause's own date: "X is the first town seized ... after the junta ousted the government in
        # February 2021" — the year belongs to the ousting, not to the seizure
        own = clause_when(dc, s, cl)
        if published and (published - own.day).days > BACKGROUND_DAYS:
            out.skipped.append({"sentence": span_text(sent), "trigger": cl.trigger.token.text,
                                "why": f"background: dated {own.text!r}, long before the report"})
        else:
            kept.append(cl)
    return kept
