"""Place names the gazetteer may lack, recognised from the frame they stand in.

Runs before the tagger and parser, on tokens alone, like the entity ruler: "the village of
Kafr Batikh", "the towns of A, B and C", "Nyaung Kone village", "Pale Township", "Borno State".
Each name becomes one PLACE entity (merged into one token later), so the parser sees a proper
noun and the extractor keeps the place even when no gazetteer row has it.  Names the ruler
already matched (actors, known places) are left as they are.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .lexicon import cues

# connectors inside a transliterated name: "Ras al-Ayn", "Deir ez-Zor", "Mocimboa da Praia", "Bin Jawad"
CONNECTORS = {"al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ath", "adh", "ed", "ez", "es", "er", "um", "umm",
              "bin", "ibn", "bani", "beni", "de", "da", "do", "dos", "das", "du", "la", "le", "di", "del", "of"}
_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
MAX_NAME_TOKENS = 6
LOCATIVE = {"in", "near", "on", "at", "around", "outside"}


def _word(tok) -> bool:
    """A capitalised word that can be part of a name (not a stop word, date word or number)."""
    t = tok.text
    return (t[:1].isupper() and any(c.isalpha() for c in t) and t.lower() not in _CALENDAR and not tok.like_num
            and not tok.is_stop)


def name_at(doc: Doc, i: int, taken: set[int], stop: set[str] = frozenset()) -> int | None:
    """End (exclusive) of a place name starting at token ``i``, or None when none starts there;
    ``stop``: feature nouns that end a name ("Pale" + "Township")."""
    if i >= len(doc) or i in taken:
        return None
    first = doc[i]
    if first.lower_ in CONNECTORS and first.lower_ != "of" and i + 2 < len(doc) and doc[i + 1].text == "-":
        j = i + 2  # "al-Bab"
    elif _word(first):
        j = i + 1
    else:
        return None
    if j > i + 1 and (j >= len(doc) or not doc[j].text[:1].isalpha()):
        return None
    if j > i + 1:
        j += 1
    n = 1
    while j < len(doc) and n < MAX_NAME_TOKENS and j not in taken:
        t = doc[j]
        prev = doc[j - 1]
        if t.text == "-" and j + 1 < len(doc) and not prev.whitespace_ and doc[j + 1].text[:1].isalpha():
            j += 2  # "Sabon-Gida", "al-Ayn"
            continue
        if t.lower_ in CONNECTORS and t.lower_ != "of" and prev.whitespace_ and j + 1 < len(doc) and \
                (doc[j + 1].text == "-" or _word(doc[j + 1])) and doc[j + 1].i not in taken:
            j += 1
            continue
        if _word(t) and prev.whitespace_ and prev.text not in (",", ";") and t.lower_ not in stop:
            j += 1
            n += 1
            continue
        break
    return j


def frame_spans(doc: Doc) -> list[Span]:
    c = cues()
    frame_nouns = set(c["frame_nouns"])
    suffix_nouns = {w.lower() for w in c["suffix_frame_nouns"]}
    # actors stop a name; a known place inside a longer written name is absorbed by it
    # ("Umm" + the gazetteer's "Batna"): filter_spans keeps the longer span
    taken = {t.i for e in doc.ents if e.label_ != "PLACE" for t in e}
    out: list[Span] = []
    for tok in doc:
        low = tok.lower_
        # "the village(s) of A, B and C"
        if low in frame_nouns and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of":
            i = tok.i + 2
            while i < len(doc):
                if i in taken:  # an actor the ruler matched: keep it, go on with the list
                    ent = next(e for e in doc.ents if e.start <= i < e.end)
                    i = ent.end
                else:
                    end = name_at(doc, i, taken, suffix_nouns)
                    if end is None:
                        break
                    out.append(Span(doc, i, end, label="PLACE"))
                    i = end
                if i < len(doc) and doc[i].text == ",":
                    i += 1
                if i < len(doc) and doc[i].lower_ in ("and", "or"):
                    i += 1
                elif i < len(doc) and doc[i - 1].text != ",":
                    break
        # "struck targets in Souaneh, Aadchit, Jabal al-Braij and Kfar Dunin": a list after a locative
        # preposition (three names, or two joined by 'and') is a list of places
        elif low in LOCATIVE and tok.i + 1 < len(doc):
            items, i, joined = [], tok.i + 1, False
            while i < len(doc):
                if i in taken:
                    break
                end = name_at(doc, i, taken, suffix_nouns)
                if end is None:
                    break
                items.append((i, end))
                i = end
                if i < len(doc) and doc[i].text == ",":
                    i += 1
                if i < len(doc) and doc[i].lower_ in ("and", "or"):
                    i += 1
                    joined = True
                    continue
                if i < len(doc) and doc[i - 1].text == ",":
                    continue
                break
            if len(items) >= 3 or (len(items) == 2 and joined):
                out += [Span(doc, a, b, label="PLACE") for a, b in items]
        # "Nyaung Kone village", "Pale Township", "Borno State": a name and its feature noun
        # (also "the Sabon-Gida community of the Bungudu area": a feature noun can do both)
        if low in suffix_nouns and tok.i > 0 and tok.i - 1 not in taken:
            j = tok.i - 1
            start = None
            while j >= 0 and tok.i - j <= MAX_NAME_TOKENS and j not in taken:
                if doc[j].lower_ == "of":
                    break  # "the market of Wad Sabir village": the name starts after "of"
                if _word(doc[j]) or (doc[j].text == "-" and j > 0) or (doc[j].lower_ in CONNECTORS and j < tok.i - 1):
                    if _word(doc[j]) or doc[j].lower_ in CONNECTORS:
                        start = j
                    j -= 1
                else:
                    break
            if start is not None and doc[start].lower_ not in CONNECTORS | {"-"} and _word(doc[start]):
                end = name_at(doc, start, taken, suffix_nouns)
                if end == tok.i:
                    out.append(Span(doc, start, end, label="PLACE"))
    return out


@Language.component("place_frames")
def place_frames(doc: Doc) -> Doc:
    spans = frame_spans(doc)
    if spans:
        doc.ents = filter_spans(list(doc.ents) + spans)
    return doc
