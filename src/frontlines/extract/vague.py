"""Summary events: a country- or region-level report of what the article also reports place by place.

Reports open with a summary ("Turkish troops pressed their offensive in north-eastern Syria") and then
name the places; an analyst codes the places, not the summary.  Run on one document's events:

- an event placed only at a country ("Syria", "eastern Syria") is not coded (ACLED codes a place);
- an event placed at a region or governorate is folded into an event of the same type (or one of the
  same violence told by its dead rather than its weapon), around the same day, at a named place inside
  that region: its sentence becomes more evidence of that event;
- one sentence naming several regions and no place ("an offensive in A, B and C provinces") yields no event.

Every dropped event is recorded with the reason, so the analyst can see what was left out.
"""
from __future__ import annotations

from collections import defaultdict

from ..names import fold
from ..places.gazetteer import Gazetteer
from ..places.countries import by_name, country
from ..places.resolve import km
from ..records import Event
from .doc_merge import GENERIC_SUBS, SPECIFIC_SUBS, take_named_attacker

REGION_CODES = {"ADM1", "ADM2", "ADM3", "RGN", "RGNE", "PCLI", "VAL", "PLN"}


def _kind(ev: Event, gaz: Gazetteer, countries: set[str], regional_ids: set[str] = frozenset()) -> str:
    """'country', 'region' or 'place'."""
    place = gaz.get(ev.place_id)
    if place is not None and place.feature_class == "P" and getattr(country(place.country_code), "city", False):
        return "place"  # "in central Singapore": a territory that is one city names the city
    if place is not None and place.feature_code.startswith("PCL"):
        return "country"
    if by_name(ev.location) is not None:
        return "country"  # "Niger Republic", "the DRC"
    words = fold(ev.location).split()
    # "Syria", "eastern Syria", "north-eastern Syria", "the south of Lebanon"
    if words and (" ".join(words) in countries or (len(words) <= 4 and (words[-1] in countries or
                                                                       " ".join(words[-2:]) in countries))):
        return "country"
    # a region the text names ("the northern Hama countryside", "Gezira province"); a village the
    # gazetteer lacks, placed in its region for want of better, is still a place
    if place is not None and ((ev.geo_precision or 1) >= 3 or place.feature_code in REGION_CODES):
        return "region"
    if (ev.place_id or "").startswith("admin1:") or ev.event_id in regional_ids:
        return "region"
    return "place"


RESTATED_DAYS = 7
CROWD_KM = 5  # one protest in a city: its square and its streets are one event
DISTRICT_KM = 40  # "X district", placed at its seat X: the places inside it lie about this close
VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def _compatible(a: Event, b: Event) -> bool:
    """The same event told twice may be coded once from its dead ("killed five") and once from its
    weapon ("shelling of the city"): both are political violence."""
    return a.event_type == b.event_type or (a.event_type in VIOLENT and b.event_type in VIOLENT and
                                            (a.sub_event_type in GENERIC_SUBS or b.sub_event_type in GENERIC_SUBS))


def _same_place(a: Event, b: Event) -> bool:
    if fold(a.location) == fold(b.location):
        return True
    if a.event_type in ("Protests", "Riots") and a.event_type == b.event_type:
        if None in (a.latitude, b.latitude):
            return True  # a landmark of the protest the gazetteer lacks ("the police headquarters")
        return km((a.latitude, a.longitude), (b.latitude, b.longitude)) <= CROWD_KM
    return False  # a report without a date of its own restates one up to a week apart


def _other_district(region: Event, place: Event) -> bool:
    """'In Lakki Marwat district' (a region placed at its seat) and a town of another district: the
    district report is not a summary of that town's event."""
    if region.admin2 and place.admin2:
        return region.admin2 != place.admin2
    if region.geo_precision == 1 and None not in (region.latitude, place.latitude):
        return km((region.latitude, region.longitude), (place.latitude, place.longitude)) > DISTRICT_KM
    return False


def fold_restatements(events: list[Event], published, undated: set[str] = frozenset(),
                      regional: set[str] = frozenset(), inferred: set[str] = frozenset()) -> list[Event]:
    """The headline and the lede, or the lede and a later recap, report the same event at the same
    place a day apart (one dated "on Monday", the other only by the page): one event, every sentence
    kept as evidence, dated by the sentence that names its day.  A report about the province ("in the
    province of Daraa") is not one about its capital of the same name, and an attack that hit other
    men ("two soldiers killed" beside "an attack on the Peshmerga late on Sunday") is another attack;
    ``inferred``: events whose second actor came from the rest of the article, not their sentence."""
    keep: list[Event] = []

    def other_sides(a: Event, b: Event) -> bool:
        return bool(a.actor2 and b.actor2 and a.actor2 != b.actor2 and a.event_id not in inferred
                    and b.event_id not in inferred)
    for ev in events:
        def window(k: Event) -> int:
            # two sentences that each name their day ("late Friday", "on Saturday") report two days
            return RESTATED_DAYS if k.event_id in undated or ev.event_id in undated else 0
        twin = next((k for k in keep if _compatible(k, ev) and _same_place(k, ev)
                     and (k.event_id in regional) == (ev.event_id in regional) and not other_sides(k, ev)
                     and abs((k.event_date - ev.event_date).days) <= window(k)), None)
        if twin is None:
            keep.append(ev)
            continue
        if twin.sub_event_type in GENERIC_SUBS and ev.sub_event_type in SPECIFIC_SUBS:
            twin.event_type, twin.sub_event_type = ev.event_type, ev.sub_event_type
            twin.actor1, twin.inter1 = ev.actor1, ev.inter1
        if twin.event_date == published and ev.event_date != published and ev.event_id not in undated:
            twin.event_date, twin.time_precision = ev.event_date, ev.time_precision
            twin.sub_event_type, twin.actor1, twin.inter1 = ev.sub_event_type, ev.actor1, ev.inter1
        take_named_attacker(twin, ev)
        for e in ev.evidence:
            if all(e.start != k.start for k in twin.evidence):
                twin.evidence.append(e)
        twin.evidence.sort(key=lambda e: e.start)
        twin.fatalities = max(twin.fatalities, ev.fatalities)
        twin.actor2 = twin.actor2 or ev.actor2
    return keep


def drop_vague(events: list[Event], gaz: Gazetteer, country_names: set[str], skipped: list[dict],
               regional_ids: set[str] = frozenset(), undated: set[str] = frozenset()) -> list[Event]:
    """``regional_ids``: events whose place the text names as a region ("Borno State", "Tell Abyad area");
    ``undated``: events dated only by the page (a lede's summary restates what happened days before)."""
    kinds = {id(ev): _kind(ev, gaz, country_names, regional_ids) for ev in events}
    keep: list[Event] = []
    by_sentence: dict[tuple, list[Event]] = defaultdict(list)
    for ev in events:
        by_sentence[(ev.evidence[0].doc_id, ev.evidence[0].start)].append(ev)
    for ev in events:
        kind = kinds[id(ev)]
        text = ev.evidence[0].text if ev.evidence else ""
        if kind in ("country", "region"):
            days = RESTATED_DAYS if ev.event_id in undated else 1
            finer = [o for o in events if kinds[id(o)] == "place" and _compatible(o, ev)
                     and abs((o.event_date - ev.event_date).days) <= days
                     and (kind == "country" or (ev.admin1 and o.admin1 == ev.admin1))  # a region we cannot place folds nowhere
                     and not (kind == "region" and _other_district(ev, o))]
            same = [o for o in finer if (o.event_type, o.sub_event_type) == (ev.event_type, ev.sub_event_type)]
            if len(same) == 1:
                finer = same  # "a battle near the border" beside a battle and an attack on civilians in one town
            if kind == "country" and len(finer) != 1:
                # a country-level report is the detailed one only when the article has just one such event
                skipped.append({"sentence": text, "trigger": ev.sub_event_type,
                                "why": f"too vague: placed only at the country ('{ev.location}')"})
                continue
            if finer:
                target = finer[0]
                for e in ev.evidence:
                    if all(e.start != k.start for k in target.evidence):
                        target.evidence.append(e)
                target.fatalities = max(target.fatalities, ev.fatalities)
                skipped.append({"sentence": text, "trigger": ev.sub_event_type,
                                "why": f"summary: '{ev.location}' is reported place by place (kept as evidence "
                                       f"of the event at {target.location})"})
                continue
            siblings = by_sentence[(ev.evidence[0].doc_id, ev.evidence[0].start)]
            if len(siblings) >= 2 and all(kinds[id(o)] != "place" for o in siblings):
                skipped.append({"sentence": text, "trigger": ev.sub_event_type,
                                "why": "too vague: several regions named and no place"})
                continue
        keep.append(ev)
    return keep
