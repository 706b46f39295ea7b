"""Step — sentence dates: the day each sentence speaks of.

Reads the sentence's text, the publication date and the document context's last dates; gives
the sentence a ``When``: its own date ("on Tuesday", "two days later" after the last one), else
the paragraph's ("earlier" keeps its day at a coarser precision), else the publication date,
marked implicit.  Explicit dates are kept on the context for the sentences that follow.
"""
from __future__ import annotations

import re

from .context import DocContext
from .timex import When, anaphoric_when, find_when

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
