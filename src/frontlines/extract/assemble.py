"""Step — event assembly: one ACLED-coded ``Event`` per place of a clause.

Reads the clause's roles and type (roles_step.py), its places (event_places.py), the sentence's
date (sentence_dates.py) and the document's metadata; adds one ``Event`` per place the clause
names and no earlier clause of the sentence used — ACLED actor names and inter codes, location,
precision, sources, notes, a confidence and the sentence as evidence — and notes each precisely
placed event's place on the article's place context.  A clause with no place is recorded on
``Extraction.skipped``.
"""
from __future__ import annotations

import hashlib

from spacy.tokens import Span

from ..places.gazetteer import COUNTRIES
from ..records import Document, Event, Evidence, ResolvedPlace
from . import coding
from .context import DocContext, Resources, SentenceContext
from .event_places import event_places, resolve_place
from .grammar import Clause
from .roles_step import clause_roles
from .timex import When, find_when


def clause_events(res: Resources, dc: DocContext, s: SentenceContext, cl: Clause,
                  whole_sentence: bool = False) -> list[Event]:
    """The clause's events; with ``whole_sentence`` its places may be anywhere in the sentence."""
    coded = clause_roles(res, dc, s, cl, whole_sentence)
    if coded is None:
        return []
    roles, ev_type, sub = coded
    sent, used_places = s.sent, s.used_places
    places = event_places(res, cl, s.mentions, whole_sentence)
    places = [(pm, a) for pm, a in places if pm.token.i not in used_places]
    if not places:
        if not whole_sentence:
            dc.out.skipped.append({"sentence": sent.text, "trigger": cl.trigger.token.text, "why": "no place"})
        return []
    events = []
    for pm, anchor in places:
        used_places.add(pm.token.i)
        rp = resolve_place(res, dc, s, pm, anchor)
        if pm.near and rp.geo_precision == 1:
            rp = rp.model_copy(update={"geo_precision": 2, "note": f"{pm.near} {rp.location}"})
        if rp.place_id:
            place = res.places.gaz.get(rp.place_id)
            if place is not None and rp.geo_precision == 1:
                dc.place_context.note(place)
        events.append(make_event(res, dc.document, sent, cl, roles, rp, clause_when(dc, s, cl), ev_type, sub,
                                 COUNTRIES.get(dc.country or "")))
    return events


def clause_when(dc: DocContext, s: SentenceContext, cl: Clause) -> When:
    """A sentence with two dates ("claimed on Tuesday an attack late on Sunday"): the one in the
    event's own words — the event noun's phrase or the verb's clause — dates it."""
    if s.when is None or sum(1 for e in s.sent.ents if e.label_ == "DATE") < 2:
        return s.when
    trig = cl.trigger.token
    toks = list(trig.subtree) if trig is not cl.trigger.verb else cl.tokens
    if not toks:
        return s.when
    lo, hi = min(t.i for t in toks), max(t.i for t in toks)
    own = find_when(s.sent.doc[lo:hi + 1].text, dc.document.meta.published)
    return own or s.when


def make_event(res: Resources, document: Document, sent: Span, cl: Clause, roles, rp: ResolvedPlace, when: When,
               ev_type: str, sub: str, article_country: str | None = None) -> Event:
    reg = res.actors.registry
    a1, a2 = reg.get(roles.actor1), reg.get(roles.actor2)
    # ACLED names generic actors by the country the event happened in: the place's, else the article's
    country = rp.country or article_country or ""
    actor1 = a1.name if a1 else (roles.actor1_name or coding.default_actor(ev_type, sub, country))
    if actor1 == "Unidentified Armed Group":
        actor1 = coding.default_actor("Battles", "", country)
    inter1 = a1.inter if a1 else coding.default_inter(actor1)
    actor2 = a2.name if a2 else (roles.actor2_name or "")
    if actor2 == "Civilians":
        actor2 = f"Civilians ({country})" if country else "Civilians"
    inter2 = a2.inter if a2 else (coding.default_inter(actor2) if actor2 else None)
    ev_id = hashlib.sha1(f"{document.id}|{sent.start_char}|{rp.location}|{sub}".encode()).hexdigest()[:16]
    cited = coding.cited_sources(sent)
    src = [s for s in [document.meta.author or document.meta.site, *cited] if s]
    conf = 0.4 + 0.15 * bool(a1) + 0.15 * bool(rp.place_id) + 0.1 * when.explicit + 0.05 * bool(a2) \
        + 0.1 * (rp.geo_precision == 1)
    return Event(
        event_id=ev_id, event_date=when.day, time_precision=when.precision, event_type=ev_type,
        sub_event_type=sub, actor1=actor1, inter1=inter1, actor2=actor2, inter2=inter2,
        assoc_actor_1="; ".join(reg.name(a) for a in roles.assoc1 if reg.name(a)),
        assoc_actor_2="; ".join(reg.name(a) for a in roles.assoc2 if reg.name(a)),
        interaction=coding.interaction(inter1, inter2),
        civilian_targeting="Civilian targeting" if ev_type == "Violence against civilians" else "",
        location=rp.location, admin1=rp.admin1, admin2=rp.admin2, country=rp.country or "",
        latitude=rp.latitude, longitude=rp.longitude, geo_precision=rp.geo_precision, place_id=rp.place_id,
        source="; ".join(dict.fromkeys(src)), notes=coding.notes(when, actor1, cl, rp, actor2, sub, roles.actor2_inferred),
        confidence=round(min(conf, 0.95), 2),
        evidence=[Evidence(doc_id=document.id, start=sent.start_char, end=sent.end_char, text=sent.text)],
        territorial=sub in coding.TERRITORIAL)
