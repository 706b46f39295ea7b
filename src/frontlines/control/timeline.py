"""Territorial control intervals per place, derived from events and control statements.

A territorial event (overtakes/regains territory, non-violent transfer) at a place on a day
starts an interval for its actor1; the interval before it ends that day, and its holder is
the event's actor2 when the report names one.  A statement ("still in the hands of the NFL")
confirms or starts an interval.  Where sources disagree about the holder on the same day or a
statement contradicts the interval in force, the interval is marked disputed with both pieces
of evidence kept.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..gcpause import paused
from ..names import fold
from ..records import ControlInterval, ControlStatement, Event, Evidence


@dataclass
class Change:
    place_key: str
    place: str
    on: date
    holder: str
    previous: str | None
    evidence: list[Evidence]
    event_id: str | None
    latitude: float | None
    longitude: float | None
    place_id: str | None


class ControlTimeline:
    def __init__(self, intervals: dict[str, list[ControlInterval]], changes: list[Change]):
        self.intervals = intervals
        self.changes = changes

    def at(self, day: date) -> list[dict]:
        with paused():  # a row and its evidence dicts per place: gcpause.py
            return self._at(day)

    def _at(self, day: date) -> list[dict]:
        rows = []
        for ivs in self.intervals.values():
            current = None
            for iv in ivs:
                if (iv.start is None or iv.start <= day) and (iv.end is None or day < iv.end):
                    current = iv
            if current is None:
                continue
            rows.append({"place": current.place, "place_id": current.place_id, "latitude": current.latitude,
                         "longitude": current.longitude, "holder": current.holder,
                         "since": current.start.isoformat() if current.start else None, "previous": current.previous,
                         "disputed": current.disputed, "basis": current.basis,
                         "evidence": [e.model_dump() for e in current.evidence]})
        rows.sort(key=lambda r: r["place"])
        return rows

    def between(self, start: date, end: date) -> list[dict]:
        with paused():
            return self._between(start, end)

    def _between(self, start: date, end: date) -> list[dict]:
        return [{"place": c.place, "date": c.on.isoformat(), "holder": c.holder, "previous": c.previous,
                 "event_id": c.event_id, "latitude": c.latitude, "longitude": c.longitude,
                 "evidence": [e.model_dump() for e in c.evidence]}
                for c in sorted(self.changes, key=lambda c: (c.on, c.place)) if start <= c.on <= end]

    def history(self, place: str) -> list[ControlInterval]:
        key = fold(place)
        for k, ivs in self.intervals.items():
            if k == key or (ivs and fold(ivs[0].place) == key):
                return ivs
        return []


def _in_force(ivs: list[ControlInterval], day: date) -> ControlInterval | None:
    """The interval of ``ivs`` (one place's, in order of start, each ending where the next starts)
    in force on ``day``: found by bisection, as a place's history grows with the corpus."""
    i = bisect_right(ivs, day, key=lambda iv: iv.start or date.min) - 1
    if i < 0 or (ivs[i].end is not None and day >= ivs[i].end):
        return None
    return ivs[i]


def build_timeline(events: list[Event], statements: list[ControlStatement | dict] = ()) -> ControlTimeline:
    """The timeline of ``events`` and ``statements``, built with the collector paused (gcpause.py): it
    builds a change and an interval per territorial event while the events it reads stay alive, and
    the collector's passes over those made it grow twice as fast as the events (x10 for x4)."""
    with paused():
        return _build(events, statements)


def _build(events: list[Event], statements: list[ControlStatement | dict]) -> ControlTimeline:
    changes: list[Change] = []
    for e in events:
        if not e.territorial or e.regional():
            continue  # a region-level report does not say who holds which village
        key = e.place_id or fold(e.location)
        changes.append(Change(key, e.location, e.event_date, e.actor1, e.actor2 or None, list(e.evidence),
                              e.event_id, e.latitude, e.longitude, e.place_id))
    by_place: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by_place[c.place_key].append(c)
    intervals: dict[str, list[ControlInterval]] = {}
    for key, cs in by_place.items():
        cs.sort(key=lambda c: c.on)
        ivs: list[ControlInterval] = []
        for c in cs:
            if ivs and ivs[-1].start == c.on and ivs[-1].holder != c.holder:
                ivs[-1].disputed = True  # two sources, two holders, same day
                ivs[-1].evidence += c.evidence
                continue
            if ivs and ivs[-1].holder == c.holder:
                ivs[-1].evidence += c.evidence  # a later report of the same holder confirms it
                continue
            previous = c.previous or (ivs[-1].holder if ivs else None)
            if ivs:
                ivs[-1].end = c.on
            ivs.append(ControlInterval(place=c.place, place_id=c.place_id, latitude=c.latitude,
                                       longitude=c.longitude, holder=c.holder, start=c.on, previous=previous,
                                       evidence=list(c.evidence)))
        intervals[key] = ivs
    by_name: dict[str, str] = {}  # folded place name -> the first interval key with that name
    for k, ivs in intervals.items():
        if ivs:
            by_name.setdefault(fold(ivs[0].place), k)
    for s in statements:
        st = s if isinstance(s, ControlStatement) else ControlStatement.model_validate(s)
        key = by_name.get(fold(st.place), fold(st.place))
        ivs = intervals.setdefault(key, [])
        by_name.setdefault(fold(st.place), key)
        current = _in_force(ivs, st.on)
        if current is None:
            first = ivs[0].start if ivs else None
            ivs.insert(0, ControlInterval(place=st.place, place_id=st.place_id, latitude=st.latitude,
                                          longitude=st.longitude, holder=st.holder, start=st.on, end=first,
                                          evidence=[st.evidence], basis="statement"))
        elif current.holder == st.holder:
            current.evidence.append(st.evidence)
        else:
            current.disputed = True
            current.evidence.append(st.evidence)
    return ControlTimeline(intervals, changes)
