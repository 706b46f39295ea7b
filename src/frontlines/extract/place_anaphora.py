"""Step — place anaphora: "the village", "the two towns", "the prison" point back to places just named.

Reads the sentence's tokens and the places the document named before it (each with the feature noun
that introduced it: "the village of X", "X town", "Ghwayran Prison"); adds a ``PlaceMention`` on the
feature noun for the most recent place(s) of that kind, so an event whose clause says only "the
village" is placed where the article said.  A plural ("the villages", "the two towns") takes the last
places named together; a noun that names its own place ("the village of Y") is not anaphoric.
"""
from __future__ import annotations

from typing import Callable

from spacy.tokens import Span

from .doc_index import span_lemmas
from .place_mentions import PlaceMention

NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}
LOOKBACK = 6  # sentences


def _kind(pm: PlaceMention) -> str | None:
    if pm.feature:
        return pm.feature
    last = pm.name.split()[-1].lower() if pm.name.split() else ""
    return last if last in ANAPHORIC_NOUNS else None


ANAPHORIC_NOUNS = {"village", "town", "city", "camp", "prison", "base", "airport", "hospital", "market", "district",
                   "neighbourhood", "neighborhood", "hill", "checkpoint", "area"}


BARE_LOOKBACK = 3  # sentences: "the town" for the last settlement named without a feature noun
SETTLEMENT_NOUNS = {"town", "village", "city"}


def anaphoric_places(sent: Span, history: list[tuple[int, PlaceMention]], index: int,
                     named: list[PlaceMention] = (), settlement: Callable[[PlaceMention], bool] | None = None
                     ) -> list[PlaceMention]:
    """``history``: (sentence index, mention) of the places named so far, in order; ``named``: this
    sentence's own mentions ("a resident of Dessie saw soldiers leave the town": the town is Dessie).
    ``settlement`` tells a town or village from a region or country: "attacks in Malam Fatori ... an
    attack on the base and the town" points back to the last settlement named, with or without its
    feature noun, when no place was introduced as a town."""
    if not span_lemmas(sent) & ANAPHORIC_NOUNS:
        return []  # no "the town", "the base": nothing points back (and the history is not read)
    kinds = {pm.name: _kind(pm) for _, pm in history}
    out = []
    taken = set()
    for tok in sent:
        noun = tok.lemma_.lower()
        if noun not in ANAPHORIC_NOUNS or tok.pos_ != "NOUN":
            continue
        dets = [c for c in tok.children if c.dep_ in ("det", "nummod", "predet")]
        if not any(c.lower_ in ("the", "this", "that", "these", "those", "both") or c.lower_ in NUMBERS for c in dets):
            continue
        if any(c.dep_ in ("prep", "compound", "appos") and c.lower_ != "in" for c in tok.children) or \
                tok.ent_type_ == "PLACE":
            continue  # "the village of Y", "the Ghwayran prison": a name of its own
        here = [pm for pm in reversed(named) if pm.token.i < tok.i and (kinds.get(pm.name) or _kind(pm)) == noun]
        recent = here + [pm for si, pm in reversed(history) if index - si <= LOOKBACK and _kind(pm) == noun
                         and pm.name not in taken and pm not in here]
        plural = tok.tag_ in ("NNS", "NNPS")
        if not recent and settlement is not None and noun in SETTLEMENT_NOUNS and not plural:
            recent = [pm for si, pm in reversed(history) if index - si <= BARE_LOOKBACK and pm.feature is None
                      and pm.name not in taken and settlement(pm)][:1]
        if not recent:
            continue
        n = next((NUMBERS[c.lower_] for c in dets if c.lower_ in NUMBERS), len(recent) if plural else 1)
        for ante in recent[:n]:
            taken.add(ante.name)
            out.append(PlaceMention(tok, ante.name, ante.feature, ante.region_text, tok.idx, tok.idx + len(tok.text)))
    return out
