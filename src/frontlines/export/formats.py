"""Events out: ACLED-compatible CSV (ACLED's column names and order), JSON Lines, GeoJSON, Parquet."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, TextIO

from ..places.countries import by_name
from ..records import Event

# ACLED's export columns, in ACLED's order, where frontlines has the field.
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp"]
EXTRA_COLUMNS = ["confidence", "place_id", "evidence_doc_id", "evidence_start", "evidence_end", "evidence_text"]
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
FORMATS = ("jsonl", "csv", "geojson", "parquet")


def _iso(country_name: str) -> int | str:
    """ACLED's numeric ISO 3166 code of the event's country ('' when unknown)."""
    c = by_name(country_name) if country_name else None
    return c.numeric if c and c.numeric is not None else ""


def _region(country_name: str) -> str:
    c = by_name(country_name) if country_name else None
    return c.region if c else ""


def acled_row(ev: Event) -> dict:
    first = ev.evidence[0] if ev.evidence else None
    return {
        "event_id_cnty": ev.event_id, "event_date": ev.event_date.isoformat(), "year": ev.event_date.year,
        "time_precision": ev.time_precision, "disorder_type": DISORDER.get(ev.event_type, ""),
        "event_type": ev.event_type, "sub_event_type": ev.sub_event_type, "actor1": ev.actor1,
        "assoc_actor_1": ev.assoc_actor_1, "inter1": ev.inter1 if ev.inter1 is not None else "",
        "actor2": ev.actor2, "assoc_actor_2": ev.assoc_actor_2, "inter2": ev.inter2 if ev.inter2 is not None else "",
        "interaction": ev.interaction if ev.interaction is not None else "", "civilian_targeting": ev.civilian_targeting,
        "iso": _iso(ev.country), "region": _region(ev.country),
        "country": ev.country, "admin1": ev.admin1, "admin2": ev.admin2, "admin3": "", "location": ev.location,
        "latitude": "" if ev.latitude is None else round(ev.latitude, 4),
        "longitude": "" if ev.longitude is None else round(ev.longitude, 4),
        "geo_precision": ev.geo_precision or "", "source": ev.source, "source_scale": ev.source_scale,
        "notes": ev.notes, "fatalities": ev.fatalities, "tags": "", "timestamp": "",
        "confidence": ev.confidence, "place_id": ev.place_id or "",
        "evidence_doc_id": first.doc_id if first else "", "evidence_start": first.start if first else "",
        "evidence_end": first.end if first else "", "evidence_text": first.text if first else "",
    }


def event_json(ev: Event) -> dict:
    return json.loads(ev.model_dump_json())


def geojson(events: Iterable[Event]) -> dict:
    feats = []
    for ev in events:
        if ev.latitude is None or ev.longitude is None:
            continue
        props = event_json(ev)
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [ev.longitude, ev.latitude]},
                      "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def write_events(events: list[Event], fmt: str, out: TextIO | None = None, path: str | None = None) -> str | None:
    """Write events in ``fmt``; text formats go to ``out`` (or are returned), Parquet needs ``path``."""
    if fmt == "jsonl":
        text = "".join(json.dumps(event_json(e), ensure_ascii=False) + "\n" for e in events)
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS + EXTRA_COLUMNS, lineterminator="\n")
        w.writeheader()
        for e in events:
            w.writerow(acled_row(e))
        text = buf.getvalue()
    elif fmt == "geojson":
        text = json.dumps(geojson(events), ensure_ascii=False) + "\n"
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq
        if not path:
            raise ValueError("Parquet output needs a file path (--out FILE)")
        rows = [acled_row(e) for e in events]
        cols = ACLED_COLUMNS + EXTRA_COLUMNS
        table = pa.table({c: [str(r[c]) if r[c] != "" else None for r in rows] for c in cols})
        pq.write_table(table, path)
        return None
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return None
    if out is not None:
        out.write(text)
        return None
    return text
