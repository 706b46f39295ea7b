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
from dataclasses import replace

from spacy.tokens import Span

from ..places.gazetteer import COUNTRIES
from ..records import Document, Event, Evidence, ResolvedPlace
from . import coding
from .context import DocContext, Placeless, Resources, SentenceContext, para_of
from .doc_index import span_text
from .event_places import event_places, resolve_place
from .place_mentions import regional
from .grammar import Clause
from .roles_step import clause_roles, definite
from .sentence_dates import clause_when
from .timex import When


def clause_events(res: Resources, dc: DocContext, s: SentenceContext, cl: Clause,
                  whole_sentence: bool = False) -> list[Event]:
    """The clause's events; with ``whole_sentence`` its places may be anywhere in the sentence."""
    coded = clause_roles(res, dc, s, cl, whole_sentence)
    if coded is None:
        return []
    roles, ev_type, sub = coded
    sent, used_places = s.sent, s.used_places
    places = event_places(res, cl, s.mentions, whole_sentence)
    # a place already given an event of this type ("stormed houses in X and kidnapped six": a raid and an abduction)
    places = [(pm, a) for pm, a in places if (pm.token.i, sub) not in used_places]
    if not places:
        carried = [] if whole_sentence else carried_places(res, dc, s, cl, roles, ev_type, sub)
        if carried:
            return carried
        if not whole_sentence:
            dc.out.skipped.append({"sentence": span_text(sent), "trigger": cl.trigger.token.text, "why": "no place"})
            if dc.placeless is None or dc.placeless.index != s.index:  # the sentence's first such clause
                a1 = res.actors.registry.get(roles.actor1) if roles.actor1 else None
                name1 = a1.name if a1 else (roles.actor1_name or coding.default_actor(ev_type, sub, ""))
                dc.placeless = Placeless(s.index, roles, ev_type, sub, sent, s.when.day if s.when else None, name1,
                                         a1.inter if a1 else None)
        return []
    events = []
    for pm, anchor in places:
        used_places.add((pm.token.i, sub))
        rp = resolve_place(res, dc, s, pm, anchor)
        if pm.near and rp.geo_precision == 1:
            rp = rp.model_copy(update={"geo_precision": 2, "note": f"{pm.near} {rp.location}"})
        if rp.place_id:
            place = res.places.gaz.get(rp.place_id)
            if place is not None and rp.geo_precision == 1:
                dc.place_context.note(place)
            elif rp.place_id.startswith("admin1:") and rp.admin1:
                dc.place_context.admin1[rp.admin1] += 1  # "Zamfara State": its villages rank first
        when = clause_when(dc, s, cl)
        events.append(make_event(res, dc.document, sent, cl, unclaimed(res, dc, sent, roles, rp, when, ev_type),
                                 rp, when, ev_type, sub, COUNTRIES.get(dc.country or "")))
        if not when.explicit:
            dc.undated.add(events[-1].event_id)
        if pm.region_text or regional(res, pm):
            dc.regional.add(events[-1].event_id)
        if roles.actor2_inferred:
            dc.inferred_side.add(events[-1].event_id)
    return events


def carried_places(res: Resources, dc: DocContext, s: SentenceContext, cl: Clause, roles, ev_type: str,
                   sub: str) -> list[Event]:
    """'It was confirmed that the patrols arrested many young men': a sentence that names no place goes on
    reporting the one before it, in the same paragraph — its events' places, with this sentence's coding."""
    if s.when is None or cl.trigger.verb.dep_ not in ("ROOT", "conj", "ccomp") and not cl.trigger.nominal:
        return []  # a relative or adverbial clause is about something else the sentence names
    if s.used_places:
        return []  # another clause of the sentence placed its event: the sentence names its own place
    anaphoric = cl.trigger.nominal and definite(cl.trigger.token)
    if dc.prev_events and (anaphoric and s.index - dc.prev_si <= 3 or s.index - dc.prev_si == 1 and
                           para_of(dc.prev_events[0].evidence[-1].start, dc.paragraphs) == s.para):
        # the next sentence of the same paragraph, or "the clashes were between X and Y" a little later
        before = dc.prev_events
    else:
        return []
    out = []
    for pe in before:
        rp = ResolvedPlace(mention=pe.location, location=pe.location, place_id=pe.place_id, latitude=pe.latitude,
                           longitude=pe.longitude, admin1=pe.admin1, admin2=pe.admin2, country=pe.country,
                           geo_precision=pe.geo_precision, note=f"place of the sentence before: {pe.location}")
        when = clause_when(dc, s, cl) if s.when.explicit else When(pe.event_date, pe.time_precision, "the sentence before")
        ev = make_event(res, dc.document, s.sent, cl, unclaimed(res, dc, s.sent, roles, rp, when, ev_type), rp,
                        when, ev_type, sub, COUNTRIES.get(dc.country or ""))
        ev.evidence = pe.evidence[:1] + ev.evidence
        out.append(ev)
    return out


def unclaimed(res: Resources, dc: DocContext, sent: Span, roles, rp: ResolvedPlace, when: When, ev_type: str):
    """The roles of a ground attack no clause attributes, at its place: the province's insurgency when
    the registry codes unclaimed attacks there to it and the article speaks of it
    (``ActorResolver.insurgency``); else the roles as they are (an unidentified armed group)."""
    if roles.actor1 is not None or roles.actor1_name or ev_type not in ("Battles", "Violence against civilians"):
        return roles
    country = rp.country or COUNTRIES.get(dc.country or "") or ""
    if not country or not rp.admin1:
        return roles
    grp = res.actors.insurgency(dc.actor_state, sent.doc, country, rp.admin1, when.day)
    if grp is None or res.actors.same_actor(grp, roles.actor2):
        return roles
    return replace(roles, actor1=grp, actor1_inferred=f"the insurgency the registry has in {rp.admin1}")


def make_event(res: Resources, document: Document, sent: Span, cl: Clause, roles, rp: ResolvedPlace, when: When,
               ev_type: str, sub: str, article_country: str | None = None) -> Event:
    reg = res.actors.registry
    a1, a2 = reg.get(roles.actor1), reg.get(roles.actor2)
    # ACLED names generic actors by the country the event happened in: the place's, else the article's
    country = rp.country or article_country or ""
    actor1 = a1.name if a1 else (roles.actor1_name or coding.default_actor(ev_type, sub, country))
    if actor1 == coding.GENERIC_ARMED:
        actor1 = coding.default_actor("Battles", "", country)
    inter1 = a1.inter if a1 else coding.default_inter(actor1)
    actor2 = a2.name if a2 else (roles.actor2_name or "")
    if actor2 == "Civilians":
        actor2 = f"Civilians ({country})" if country else "Civilians"
    inter2 = a2.inter if a2 else (coding.default_inter(actor2) if actor2 else None)
    ev_id = hashlib.sha1(f"{document.id}|{sent.start_char}|{rp.location}|{sub}".encode()).hexdigest()[:16]
    cited = coding.cited_sources(sent)
    src = [s for s in [document.meta.author or document.meta.site, *cited] if s]
    conf = 0.4 + 0.15 * bool(a1 and not roles.actor1_inferred) + 0.15 * bool(rp.place_id) + 0.1 * when.explicit \
        + 0.05 * bool(a2) + 0.1 * (rp.geo_precision == 1)
    return Event(
        event_id=ev_id, event_date=when.day, time_precision=when.precision, event_type=ev_type,
        sub_event_type=sub, actor1=actor1, inter1=inter1, actor2=actor2, inter2=inter2,
        assoc_actor_1="; ".join(reg.name(a) for a in roles.assoc1 if reg.name(a)),
        assoc_actor_2="; ".join(reg.name(a) for a in roles.assoc2 if reg.name(a)),
        interaction=coding.interaction(inter1, inter2),
        civilian_targeting="Civilian targeting" if ev_type == "Violence against civilians" else "",
        location=rp.location, admin1=rp.admin1, admin2=rp.admin2, country=country,
        latitude=rp.latitude, longitude=rp.longitude, geo_precision=rp.geo_precision, place_id=rp.place_id,
        source="; ".join(dict.fromkeys(src)),
        notes=coding.notes(when, actor1, cl, rp, actor2, sub, roles.actor2_inferred, roles.actor1_inferred),
        confidence=round(min(conf, 0.95), 2),
        evidence=[Evidence(doc_id=document.id, start=sent.start_char, end=sent.end_char, text=span_text(sent))],
        territorial=sub in coding.TERRITORIAL)
