"""Step — control statements: a holder stated without an event.

Reads the sentence's ACTOR entities, its place mentions (place_mentions.py) and its date
(sentence_dates.py); for "X, which is still in the hands of the NFL" adds a ``ControlStatement``
(the place before the phrase, the holder, the day) to ``Extraction.control`` for the control stage.
"""
from __future__ import annotations

import re

from ..records import ControlStatement, Evidence
from .context import DocContext, Resources, SentenceContext
from .event_places import resolve
from .doc_index import sent_ents, span_text

STILL_HELD = re.compile(r"\b(?:still |remains? |remained )?(?:in the hands of|under the control of|held by|controlled by)(?:\s+the)?\s*$",
                        re.I)


def control_statements(res: Resources, dc: DocContext, s: SentenceContext) -> None:
    """'X, which is still in the hands of the NFL': a holder stated without an event."""
    sent, when, document, out = s.sent, s.when, dc.document, dc.out
    if when is None:
        return
    for ent in sent_ents(sent):
        if ent.label_ != "ACTOR":
            continue
        before = sent.doc[max(sent.start, ent.start - 8):ent.start].text
        if not STILL_HELD.search(before + " "):
            continue
        holder = res.actors.token_actor(sent.doc[ent.start], dc.actor_state)
        # the place the statement is about: the nearest place mention before the phrase
        cands = [pm for pm in s.mentions if pm.token.i < ent.start]
        if not holder or not cands:
            continue
        pm = cands[-1]
        rp = resolve(res, dc, s, pm)
        out.control.append(ControlStatement(
            place=rp.location, holder=res.actors.registry.name(holder), on=when.day, place_id=rp.place_id,
            latitude=rp.latitude, longitude=rp.longitude,
            evidence=Evidence(doc_id=document.id, start=sent.start_char, end=sent.end_char, text=span_text(sent))))
