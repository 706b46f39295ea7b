"""Step — sentence dates: the day each sentence speaks of.

Reads the sentence's text, the publication date and the document context's last dates; gives
the sentence a ``When``: its own date ("on Tuesday", "two days later" after the last one), else
the paragraph's ("earlier" keeps its day at a coarser precision), else the publication date,
marked implicit.  Explicit dates are kept on the context for the sentences that follow.
"""
from __future__ import annotations

import re

from .context import DocContext, SentenceContext
from .grammar import Clause
from .timex import When, anaphoric_when, find_when
from .doc_index import sent_ents

EARLIER = re.compile(r"^\s*(earlier|previously|before that|prior to that)\b", re.I)


def sentence_when(dc: DocContext, text: str, para: int) -> When | None:
    published = dc.document.meta.published
    para_when = dc.para_when
    when = anaphoric_when(text, dc.last_when) or find_when(text, published)
    if when:
        para_when[para] = when
        dc.last_when = when
    elif EARLIER.match(text) and para_when.get(para):
        when = When(para_when[para].day, 2, "earlier")
    elif para in para_when:
        p = para_when[para]  # the paragraph's date, not this sentence's own
        when = When(p.day, p.precision, p.text, explicit=False)
    elif dc.last_when is not None and published and 0 <= (published - dc.last_when.day).days <= 7:
        # a sentence that says no day, after the lede has named one: that day, not the page's
        when = When(dc.last_when.day, dc.last_when.precision, dc.last_when.text, explicit=False)
    elif published:
        when = When(published, 2, "publication date", explicit=False)
    return when


# "four-day", "two weeks", "a year", "10-hour": one word (a number, an article) and a unit of time
DURATION = re.compile(r"(?:\w+[- ])?(?:day|week|month|year|hour)s?(?:-long)?", re.I)


def clause_when(dc: DocContext, s: SentenceContext, cl: Clause) -> When:
    """A sentence with two dates ("claimed on Tuesday an attack late on Sunday"): the one in the
    event's own words — the event noun's phrase or the verb's clause — dates it."""
    if s.when is None or not s.when.explicit:
        return s.when
    published = dc.document.meta.published
    # the entities that name a time: "a four-day offensive", "for two weeks" say how long, not when
    dates = [e for e in sent_ents(s.sent) if e.label_ == "DATE" and not DURATION.fullmatch(e.text)]
    trig = cl.trigger.token
    toks = list(trig.subtree) if trig != cl.trigger.verb else cl.tokens
    if not dates or not toks:
        return s.when
    # the clause's own words only: a relative clause inside it ("which the army had regained earlier this
    # month") is not read as its date
    own = find_when("".join(t.text_with_ws for t in sorted(toks, key=lambda t: t.i)), published)
    if own:
        return own
    inside = {t.i for t in toks}
    verb = cl.trigger.verb

    def subordinate(e) -> bool:  # the date sits in a clause of its own ("which troops entered last week")
        return any(a.dep_ in ("relcl", "advcl", "acl") and a.i != verb.i and verb not in a.ancestors
                   for a in [e.root, *e.root.ancestors] if a.pos_ in ("VERB", "AUX"))
    if cl.trigger.token == verb and all(e.root.i not in inside and subordinate(e) for e in dates):
        # "captured X, near Y, which troops entered last week": the date is the relative clause's
        fallback = s.context_when
        if fallback is not None:
            return When(fallback.day, fallback.precision, fallback.text, explicit=False)
        if published:
            return When(published, 2, "publication date", explicit=False)
    return s.when
