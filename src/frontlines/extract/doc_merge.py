"""Step — document merge: one event per place and day within a document.

Reads the sentence's events (assemble.py), its text and the document context's events so far;
gives the fatalities a sentence names to its first event (or, for "... were killed in the
fighting" with no event of its own, to the previous sentence's event), folds an event into the
document's event at the same place on the same day (every sentence kept as evidence), gives an event
a later sentence places the earlier placeless sentence's toll and evidence (``placed_earlier``), and keeps
the sentence's events on the context as the previous events.
"""
from __future__ import annotations

import re

from ..places.resolve import km
from ..records import Event, Evidence
from . import coding
from .context import DocContext, SentenceContext
from .doc_index import span_text


def merge_sentence_events(dc: DocContext, s: SentenceContext, sent_events: list[Event]) -> None:
    sent, si = s.sent, s.index
    # fatalities named in the sentence go to its first event; "... were killed in the fighting"
    # with no event of its own goes to the previous sentence's event in the same paragraph
    deaths = coding.fatalities(span_text(sent))
    tolls = tolls_by_place(span_text(sent), sent_events) if deaths and len(sent_events) > 1 else None
    if tolls:
        for ev, n in zip(sent_events, tolls):
            ev.fatalities = max(ev.fatalities, n)
    elif deaths and sent_events:
        sent_events[0].fatalities = max(sent_events[0].fatalities, deaths)
    elif deaths and dc.prev_events and si - dc.prev_si <= 2 and coding.ANAPHORIC_FIGHT.search(span_text(sent)):
        prev = dc.prev_events[0]
        prev.fatalities = max(prev.fatalities, deaths)
        # the sentence that gives the toll reports the event too: it is part of its evidence
        if all(e.start != sent.start_char for e in prev.evidence):
            prev.evidence.append(Evidence(doc_id=dc.document.id, start=sent.start_char, end=sent.end_char,
                                          text=span_text(sent)))
    if s.placeless is not None and sent_events:
        placed_earlier(dc, s.placeless, sent_events[0])
    elif sent_events and restates(dc, s, sent_events[0]):
        placed_earlier(dc, dc.placeless, sent_events[0])
    if s.antecedent is not None:
        sent_events = [ev for ev in sent_events if not _same_as_antecedent(dc, s.antecedent, ev)]
    for ev in sent_events:
        key = place_day(ev)
        if key in dc.doc_events:
            kept = dc.doc_events[key]
            if kept.event_id in dc.inferred_side and ev.actor2.startswith("Civilians") and \
                    ev.event_id not in dc.inferred_side:
                # "three civilians were killed in the strike": the victims the text names, not the side
                # the headline's event was given from the rest of the article
                kept.actor2, kept.inter2 = ev.actor2, ev.inter2
                kept.interaction = coding.interaction(kept.inter1, kept.inter2)
                dc.inferred_side.discard(kept.event_id)
            absorb(kept, ev)
        else:
            dc.doc_events[key] = ev
    if sent_events:
        dc.prev_events, dc.prev_si = sent_events, si


def restates(dc: DocContext, s, ev: Event) -> bool:
    """'Rebels seized a district capital on Monday. ... the fighters seized the police station in X on
    Monday': a lede told without a place, and the next placed event (in one of the two sentences after
    it, none placed between) of the same kind, day and side, are one event."""
    pl = dc.placeless
    if pl is None or not 0 < s.index - pl.index <= 2 or dc.prev_si >= pl.index:
        return False
    if (pl.event_type, pl.sub_event_type) != (ev.event_type, ev.sub_event_type) or pl.day != ev.event_date:
        return False
    # the same side ("Unidentified Armed Group" is completed with the country where the event is placed),
    # or the lede's, where the restatement leaves it vague ("the fighters")
    return ev.actor1 == pl.actor1 or ev.actor1.startswith(f"{coding.GENERIC_ARMED} (") and (
        pl.actor1.startswith(coding.GENERIC_ARMED) or pl.inter1 is not None)


def placed_earlier(dc: DocContext, pl, ev: Event) -> None:
    """The event a later sentence places ("The confrontation occurred near X" after "Troops killed 19
    gunmen in a shootout"): the earlier sentence is its first evidence and gives it its toll, and its
    side where this one has only a vague one."""
    text = span_text(pl.sent)
    if pl.inter1 is not None and ev.actor1.startswith(f"{coding.GENERIC_ARMED} ("):
        ev.actor1, ev.inter1 = pl.actor1, pl.inter1
        ev.interaction = coding.interaction(ev.inter1, ev.inter2)
    ev.fatalities = max(ev.fatalities, coding.fatalities(text))
    if all(e.start != pl.sent.start_char for e in ev.evidence):
        ev.evidence.insert(0, Evidence(doc_id=dc.document.id, start=pl.sent.start_char, end=pl.sent.end_char, text=text))
    for skip in dc.out.skipped:
        if skip["sentence"] == text and skip["why"] == "no place":
            skip["why"] = "no place; placed by a later sentence"
    dc.placeless = None


_CLAUSES = re.compile(r";|,\s+(?:and|while|whereas)\s+|\s+(?:while|whereas)\s+", re.I)


def tolls_by_place(text: str, events: list[Event]) -> list[int] | None:
    """'Three people were killed in A, and four were later killed in B': each event's own toll, where
    the sentence's coordinated clauses each name one of its places and two or more give a toll."""
    parts = _CLAUSES.split(text)
    if len(parts) < 2:
        return None
    where = []
    for ev in events:
        hits = [k for k, part in enumerate(parts) if ev.location and ev.location.lower() in part.lower()]
        if len(hits) != 1:
            return None
        where.append(hits[0])
    if len(set(where)) != len(where):
        return None
    tolls = [coding.fatalities(parts[k]) for k in where]
    return tolls if sum(1 for n in tolls if n) >= 2 else None


def place_day(ev: Event) -> tuple:
    """One event per place and day: the gazetteer's place ("al-Bukamal" and "Albu Kamal" are one town),
    else the name as written."""
    # (a province and its capital share a name: "the province of Daraa" is not "Daraa city")
    return (ev.place_id if ev.place_id and ev.geo_precision == 1 else ev.location.lower(), ev.event_date,
            (ev.geo_precision or 1) >= 3)


NEAR_KM = 25
# an event told twice: the report that says how it was done codes it
GENERIC_SUBS = {"Attack", "Armed clash"}
SPECIFIC_SUBS = {"Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
                 "Suicide bomb", "Grenade", "Arrests", "Abduction/forced disappearance", "Sexual violence",
                 "Looting/property destruction"}


def _same_as_antecedent(dc: DocContext, ante: Event, ev: Event) -> bool:
    """'The bomb went off in the Barzeh neighbourhood': the blast just reported in the city, placed more
    precisely.  Folded into the earlier event, which takes the finer place; True when folded."""
    if ev.event_type != ante.event_type or abs((ev.event_date - ante.event_date).days) > 1:
        return False
    if None in (ev.latitude, ante.latitude) or km((ev.latitude, ev.longitude), (ante.latitude, ante.longitude)) > NEAR_KM:
        return False
    if ev.geo_precision == 1 and ev.location != ante.location and ev.place_id != ante.place_id:
        old_key = place_day(ante)
        for f in ("location", "latitude", "longitude", "place_id", "admin1", "admin2", "geo_precision"):
            setattr(ante, f, getattr(ev, f))
        if dc.doc_events.get(old_key) is ante:
            del dc.doc_events[old_key]
            dc.doc_events[place_day(ante)] = ante
    absorb(ante, ev)
    return True


def take_named_attacker(kept: Event, new: Event) -> None:
    """'The attack was carried out by CODECO': the retelling that names who did it codes the event."""
    if kept.actor1.startswith("Unidentified") and new.actor1 and not new.actor1.startswith("Unidentified"):
        kept.actor1, kept.inter1 = new.actor1, new.inter1


def absorb(kept: Event, new: Event) -> None:
    """Same place, same day, same document: one event, every sentence kept as evidence.  A report that
    names the weapon ("an Israeli strike hit X") codes the event better than one that counts its dead
    ("three people were killed in X"): the more specific coding is kept."""
    if kept.sub_event_type in GENERIC_SUBS and new.sub_event_type in SPECIFIC_SUBS and new.actor1 and (
            not new.actor1.startswith("Unidentified") or kept.actor1.startswith("Unidentified")):
        kept.event_type, kept.sub_event_type = new.event_type, new.sub_event_type
        kept.actor1, kept.inter1 = new.actor1, new.inter1
    if kept.sub_event_type == "Change to group/activity" and new.territorial:
        # "soldiers retreated from the town" and "the rebels seized the town": a transfer of territory to
        # the side that entered, not a change of activity
        for f in ("event_type", "sub_event_type", "actor1", "inter1", "actor2", "inter2", "interaction", "territorial"):
            setattr(kept, f, getattr(new, f))
    take_named_attacker(kept, new)
    for e in new.evidence:
        if all(e.start != k.start for k in kept.evidence):
            kept.evidence.append(e)
    kept.actor2 = kept.actor2 or new.actor2
    kept.inter2 = kept.inter2 if kept.inter2 is not None else new.inter2
    kept.fatalities = max(kept.fatalities, new.fatalities)
    srcs = [s for s in (kept.source.split("; ") + new.source.split("; ")) if s]
    kept.source = "; ".join(dict.fromkeys(srcs))
    kept.confidence = round(min(0.95, max(kept.confidence, new.confidence) + 0.05), 2)

