"""What the extraction steps ask of a parsed document again and again, worked out once for it.

spaCy makes ``doc.ents`` and ``span.ents`` anew on every access (a ``Span`` for every entity of the
document, the whole list scanned for one sentence's), so steps that ask, sentence after sentence,
for a sentence's entities or for the entity a token is in pay for the document's length each time:
the cost of an article grew with the square of its entities.  A span's ``.text`` joins its tokens
on every access, and the steps ask for a sentence's text and its set of lemmas for every trigger and
every cue list.  These lookups answer from an index of the current document, each part built on its
first call.  They are for the extraction steps, which run after the pipeline and never change a
document (the pipeline's components, which do, use spaCy's own attributes).
"""
from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Span, Token


class _DocIndex:
    __slots__ = ("doc", "ents", "starts", "by_token", "text", "lemmas")

    def __init__(self, doc: Doc):
        self.doc = doc
        self.ents: tuple[Span, ...] | None = None
        self.starts: list[int] = []
        self.by_token: dict[int, Span] = {}
        self.text: str | None = None
        self.lemmas: dict[tuple, frozenset[str]] = {}  # (start, end, skip) -> lemma set


_current: _DocIndex | None = None  # one document at a time


def _of(doc: Doc) -> _DocIndex:
    global _current
    cur = _current
    if cur is None or cur.doc is not doc:
        cur = _current = _DocIndex(doc)
    return cur


def _entities(doc: Doc) -> _DocIndex:
    cur = _of(doc)
    if cur.ents is None:
        cur.ents = tuple(doc.ents)
        cur.starts = [e.start for e in cur.ents]
        cur.by_token = {i: e for e in cur.ents for i in range(e.start, e.end)}
    return cur


def ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, made once."""
    return _entities(doc).ents


def sent_ents(span: Span) -> list[Span]:
    """``span.ents``: the entities wholly inside ``span``."""
    cur = _entities(span.doc)
    out = []
    for e in cur.ents[bisect_left(cur.starts, span.start):]:
        if e.start >= span.end:
            break
        if e.end <= span.end:
            out.append(e)
    return out


def ent_of(tok: Token) -> Span | None:
    """The entity ``tok`` is part of, or None."""
    return _entities(tok.doc).by_token.get(tok.i)


def span_text(span: Span) -> str:
    """``span.text``, cut from the document's text made once."""
    cur = _of(span.doc)
    if cur.text is None:
        cur.text = span.doc.text
    return cur.text[span.start_char:span.end_char]


def span_lemmas(span: Span, skip: str | None = None) -> frozenset[str]:
    """The lowercased lemmas of ``span``'s tokens (but those whose lowercased text is ``skip``), made
    once per span."""
    memo = _of(span.doc).lemmas
    key = (span.start, span.end, skip)
    got = memo.get(key)
    if got is None:
        got = memo[key] = frozenset(t.lemma_.lower() for t in span) if skip is None else \
            frozenset(t.lemma_.lower() for t in span if t.lower_ != skip)
    return got
