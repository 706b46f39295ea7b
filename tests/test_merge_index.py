"""The indexed merge gives exactly what the scanning merge gave, on generated events with shared
places, region-level reports, several pages, reposts and every time precision."""
from __future__ import annotations

import random
from datetime import date, timedelta

from frontlines.merge import merge_events
from frontlines.records import Event, Evidence

from .merge_reference import reference_merge

PLACES = [("Kafr Nabl", "Idlib", "p1"), ("Saraqib", "Idlib", "p2"), ("Khan Shaykhun", "Idlib", "p3"),
          ("Hama", "Hama", "p4"), ("Idlib Governorate", "Idlib", "r1"), ("western Aleppo", "Aleppo", "r2"), ("Aleppo", "Aleppo", None)]
TYPES = [("Battles", "Armed clash"), ("Battles", "Government regains territory"),
         ("Battles", "Non-state actor overtakes territory"), ("Explosions/Remote violence", "Air/drone strike")]


def _events(rng: random.Random, n: int) -> list[Event]:
    out = []
    for i in range(n):
        loc, admin1, pid = rng.choice(PLACES)
        etype, sub = rng.choice(TYPES)
        doc = f"d{rng.randrange(n // 3 + 1)}"
        start = rng.randrange(0, 2000)
        out.append(Event(
            event_id=f"e{i:05d}", event_date=date(2019, 1, 1) + timedelta(days=rng.randrange(120)),
            time_precision=rng.choice([1, 1, 1, 2, 3]), event_type=etype, sub_event_type=sub,
            actor1=rng.choice(["Military Forces of Syria", "HTS"]), inter1=1,
            actor2=rng.choice(["", "HTS", "NLF"]), location=loc, admin1=admin1, country="Syria",
            geo_precision=3 if (pid or "").startswith("r") else rng.choice([1, 2]), place_id=pid, latitude=None, longitude=None, source="s",
            notes="", fatalities=rng.randrange(5), confidence=0.5,
            evidence=[Evidence(doc_id=doc, start=start, end=start + 10, text="t")],
            territorial=sub != "Armed clash" and "strike" not in sub))
    return out


def _dump(result):
    return ([e.model_dump() for e in result.events], result.links)


def test_indexed_merge_equals_the_scanning_merge():
    for seed in range(25):
        rng = random.Random(seed)
        evs = _events(rng, rng.randint(5, 400))
        reposts = [(f"d{a}", f"d{a + 1}", 0.9) for a in range(0, 30, 7)]
        before = [e.model_dump() for e in evs]
        got = merge_events(evs, reposts)
        assert [e.model_dump() for e in evs] == before  # the inputs are not changed
        assert _dump(got) == _dump(reference_merge(evs, reposts)), seed
        assert any(e.regional() for e in evs) and len(got.events) < len(evs)
