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


_words: tuple[Doc, dict] | None = None  # one document at a time, like _last


def span_lemmas(span: Span, skip: str | None = None) -> frozenset[str]:
    """The lowercased lemmas of ``span``'s tokens (but those whose lowercased text is ``skip``), made
    once per span: the steps ask for a sentence's words for every trigger and every cue list."""
    global _words
    last = _words
    if last is None or last[0] is not span.doc:
        last = _words = (span.doc, {})
    key = (span.start, span.end, skip)
    got = last[1].get(key)
    if got is None:
        got = last[1][key] = frozenset(t.lemma_.lower() for t in span) if skip is None else \
            frozenset(t.lemma_.lower() for t in span if t.lower_ != skip)
    return got


_text: tuple[Doc, str] | None = None


def span_text(span: Span) -> str:
    """``span.text``, cut from the document's text made once (spaCy joins the span's tokens on every
    access, and a sentence's text is asked for by most steps)."""
    global _text
    last = _text
    if last is None or last[0] is not span.doc:
        last = _text = (span.doc, span.doc.text)
    return last[1][span.start_char:span.end_char]
