"""The entities of a parsed document, indexed once for the extraction steps.

spaCy makes ``doc.ents`` and ``span.ents`` anew on every access (a ``Span`` for every entity of the
document, the whole list scanned for one sentence's), so steps that ask, sentence after sentence,
for a sentence's entities or for the entity a token is in pay for the document's length each time:
the cost of an article grew with the square of its entities.  These lookups build the index on the
first call for a document and answer from it after.  They are for the extraction steps, which run
after the pipeline and never change a document's entities (the pipeline's components, which do,
use ``doc.ents`` themselves).
"""
from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Span, Token

_last: tuple[Doc, tuple[Span, ...], list[int], dict[int, Span]] | None = None  # one document at a time


def _index(doc: Doc) -> tuple[Doc, tuple[Span, ...], list[int], dict[int, Span]]:
    global _last
    last = _last
    if last is None or last[0] is not doc:
        ents = tuple(doc.ents)
        last = (doc, ents, [e.start for e in ents], {i: e for e in ents for i in range(e.start, e.end)})
        _last = last
    return last


def ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, made once."""
    return _index(doc)[1]


def sent_ents(span: Span) -> list[Span]:
    """``span.ents``: the entities wholly inside ``span``."""
    _, all_ents, starts, _ = _index(span.doc)
    out = []
    for e in all_ents[bisect_left(starts, span.start):]:
        if e.start >= span.end:
            break
        if e.end <= span.end:
            out.append(e)
    return out


def ent_of(tok: Token) -> Span | None:
    """The entity ``tok`` is part of, or None."""
    return _index(tok.doc)[3].get(tok.i)
