"""Events out: ACLED's CSV (ACLED's columns, order, spellings and labels), JSON Lines, GeoJSON, Parquet.

One row shape (``acled_row``) feeds the CSV, the GeoJSON properties and the typed Parquet
columns, so the three say the same thing:

* actors as ACLED spells them (the registry's ``acled_name``), ``inter1``/``inter2``/``interaction``
  as ACLED's text labels ("State forces", "Rebel group-Civilians", "Protesters only"), or the old
  numeric codes with ``numeric_inter``;
* ``event_id_cnty`` = ISO3 + a number derived from the event's stable id (the same across runs;
  the rare collision within one export moves the later id, in id order, to the next free number);
* ``location`` the gazetteer's spelling of the place (ASCII) when the event has a place id;
* ``notes`` in ACLED's prose ("On 12 June 2019, ..."), the pipeline's reasoning in
  ``frontlines_reasoning``; ``source_scale``, ``tags`` and ``timestamp`` filled;
* no field holds a line break (Excel and line-based tools read one row per line).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, TextIO

from anyascii import anyascii

from ..places.countries import by_name
from ..records import Event

# ACLED's export columns, in ACLED's order.
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp"]
EXTRA_COLUMNS = ["frontlines_reasoning", "review_status", "confidence", "event_id", "place_id", "evidence_doc_id",
                 "evidence_start", "evidence_end", "evidence_text"]
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
FORMATS = ("jsonl", "csv", "geojson", "parquet")
# ACLED's actor categories (codebook 2023 on); the numbers are the older numeric codes
INTER_LABELS = {1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia", 5: "Rioters",
                6: "Protesters", 7: "Civilians", 8: "External/Other forces"}
INT_COLUMNS = {"year", "time_precision", "iso", "geo_precision", "fatalities", "timestamp", "evidence_start",
               "evidence_end"}
FLOAT_COLUMNS = {"latitude", "longitude", "confidence"}
INTER_COLUMNS = {"inter1", "inter2", "interaction"}
_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")

# what each sub-event type says in ACLED-like prose: (with actor2, without)
_PROSE = {
    "Armed clash": ("clashed with {b}", "were involved in an armed clash"),
    "Government regains territory": ("regained {l} from {b}", "regained {l}"),
    "Non-state actor overtakes territory": ("took control of {l} from {b}", "took control of {l}"),
    "Chemical weapon": ("used chemical weapons against {b}", "used chemical weapons"),
    "Air/drone strike": ("carried out an air/drone strike against {b}", "carried out an air/drone strike"),
    "Suicide bomb": ("carried out a suicide bombing against {b}", "carried out a suicide bombing"),
    "Shelling/artillery/missile attack": ("shelled {b}", "carried out a shelling/artillery/missile attack"),
    "Remote explosive/landmine/IED": ("detonated an explosive device against {b}", "detonated an explosive device"),
    "Grenade": ("threw a grenade at {b}", "threw a grenade"),
    "Sexual violence": ("committed sexual violence against {b}", "committed sexual violence"),
    "Attack": ("attacked {b}", "carried out an attack"),
    "Abduction/forced disappearance": ("abducted {b}", "abducted people"),
    "Peaceful protest": ("demonstrated against {b}", "demonstrated"),
    "Protest with intervention": ("demonstrated and were met by {b}", "demonstrated and were dispersed"),
    "Excessive force against protesters": ("used excessive force against {b}", "used excessive force against protesters"),
    "Violent demonstration": ("rioted against {b}", "rioted"),
    "Mob violence": ("engaged in mob violence against {b}", "engaged in mob violence"),
    "Agreement": ("reached an agreement with {b}", "reached an agreement"),
    "Arrests": ("arrested {b}", "made arrests"),
    "Change to group/activity": ("changed group or activity with {b}", "changed group or activity"),
    "Disrupted weapons use": ("disrupted weapons use by {b}", "disrupted weapons use"),
    "Headquarters or base established": ("established a base in the area of {b}", "established a headquarters or base"),
    "Looting/property destruction": ("looted or destroyed property of {b}", "looted or destroyed property"),
    "Non-violent transfer of territory": ("took over {l} from {b} without fighting", "took over {l} without fighting"),
    "Other": ("were involved in a strategic development with {b}", "were involved in a strategic development"),
}
_SCALE = [(re.compile(r"\b(reuters|afp|agence france|associated press|\bap\b|bbc|al jazeera|anadolu|xinhua|"
                      r"cnn|guardian|new york times|washington post|rudaw|north press)\b", re.I), "International"),
          (re.compile(r"\b(sana|enab baladi|syrian observatory|sohr|al-watan|syria direct|smart news|"
                      r"step news|baladi)\b", re.I), "National"),
          (re.compile(r"\b(twitter|telegram|facebook|youtube|x\.com)\b", re.I), "New media")]


def _iso(country_name: str) -> int | str:
    """ACLED's numeric ISO 3166 code of the event's country ('' when unknown)."""
    c = by_name(country_name) if country_name else None
    return c.numeric if c and c.numeric is not None else ""


def _region(country_name: str) -> str:
    c = by_name(country_name) if country_name else None
    return c.region if c else ""


def place_name(place_id: str | None, extra: dict[str, str] | None = None) -> str | None:
    """The one spelling of a gazetteer place (its name, in ASCII as ACLED writes names)."""
    if not place_id:
        return None
    name = (extra or {}).get(place_id)
    if name is None:
        from ..places.gazetteer import builtin_gazetteer  # the shipped rows, from the gazetteer's index
        place = builtin_gazetteer().get(place_id)
        name = place.name if place is not None else None
    return anyascii(name) if name else None


@dataclass
class ExportContext:
    """What an export needs beyond the events: the actor registry, the store's extra places,
    reviews (for the status column and analysts' notes) and per-event timestamps."""
    registry: object = None
    places: dict[str, str] = field(default_factory=dict)
    reviews: dict[str, list[dict]] = field(default_factory=dict)
    timestamps: dict[str, int] = field(default_factory=dict)
    numeric_inter: bool = False
    exported_at: int = field(default_factory=lambda: int(time.time()))
    ids: dict[str, str] = field(default_factory=dict)

    def reg(self):
        if self.registry is None:
            from ..actors.registry import default_registry
            self.registry = default_registry()
        return self.registry


def acled_id_number(event_id: str) -> int:
    """An 8-digit number derived from the event's stable id."""
    return 10_000_000 + int(hashlib.sha256(event_id.encode()).hexdigest(), 16) % 90_000_000


def assign_ids(events: Iterable[Event]) -> dict[str, str]:
    """event_id -> event_id_cnty (ISO3 + number), unique within the export and stable across runs."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for ev in sorted(events, key=lambda e: e.event_id):
        c = by_name(ev.country) if ev.country else None
        iso3 = c.iso3 if c else "XXX"
        n = acled_id_number(ev.event_id)
        while f"{iso3}{n}" in taken:
            n = 10_000_000 + (n - 10_000_000 + 1) % 90_000_000
        out[ev.event_id] = f"{iso3}{n}"
        taken.add(out[ev.event_id])
    return out


def acled_actor(name: str, registry) -> str:
    """ACLED's spelling of a registered actor; a former name (what ACLED calls it then) and
    names the registry does not know stay as they are."""
    if not name or registry is None:
        return name
    actor_id, score = registry.lookup(name)
    actor = registry.get(actor_id) if score >= 100 else None
    if actor is None or not actor.acled_name:
        return name
    from ..names import fold
    if fold(name) in {fold(f.name) for f in actor.former_names}:
        return name
    return actor.acled_name


def inter_label(code: int | None) -> str | None:
    return INTER_LABELS.get(code) if code is not None else None


def interaction_label(i1: int | None, i2: int | None) -> str | None:
    if i1 is None or i1 not in INTER_LABELS:
        return None
    if i2 is None or i2 not in INTER_LABELS:
        return f"{INTER_LABELS[i1]} only"
    a, b = sorted((i1, i2))
    return f"{INTER_LABELS[a]}-{INTER_LABELS[b]}"


def acled_notes(ev: Event, actor1: str, actor2: str, location: str) -> str:
    """ACLED-style prose: 'On 12 June 2019, X shelled Y in Z (Idlib). 3 fatalities were reported.'"""
    d = ev.event_date
    when = f"{d.day} {d:%B %Y}" if ev.time_precision == 1 else (
        f"around {d.day} {d:%B %Y}" if ev.time_precision == 2 else f"in {d:%B %Y}")
    with_b, without_b = _PROSE.get(ev.sub_event_type, ("{b}", ""))
    verb = (with_b if actor2 else without_b).format(b=actor2, l=location)
    where = f" ({ev.admin1})" if ev.admin1 and ev.admin1 != location else ""
    text = f"On {when}, {actor1} {verb}".rstrip()
    text += f"{where}." if "{l}" in (with_b if actor2 else without_b) else f" in {location}{where}."
    if ev.fatalities:
        text += f" {ev.fatalities} {'fatality was' if ev.fatalities == 1 else 'fatalities were'} reported."
    return text


def source_scale(ev: Event) -> str:
    if ev.source_scale:
        return ev.source_scale
    scales = [scale for rx, scale in _SCALE if rx.search(ev.source or "")]
    order = ["Local partner", "Subnational", "National", "Regional", "International", "New media"]
    scales = sorted(set(scales), key=order.index)
    return "-".join(scales) if scales else "Other"


def _flat(value):
    """No line breaks inside a field: a CSV row is one line for Excel, grep and wc."""
    return _BREAKS.sub(" ", value).strip() if isinstance(value, str) else value


def acled_row(ev: Event, ctx: ExportContext | None = None) -> dict:
    """One event as ACLED's columns plus frontlines' own, typed (None where there is no value)."""
    ctx = ctx or ExportContext()
    reg = ctx.reg()
    first = ev.evidence[0] if ev.evidence else None
    actor1, actor2 = acled_actor(ev.actor1, reg), acled_actor(ev.actor2, reg)
    assoc1 = "; ".join(acled_actor(a.strip(), reg) for a in ev.assoc_actor_1.split(";") if a.strip())
    assoc2 = "; ".join(acled_actor(a.strip(), reg) for a in ev.assoc_actor_2.split(";") if a.strip())
    location = place_name(ev.place_id, ctx.places) or ev.location
    reviews = ctx.reviews.get(ev.event_id, [])
    analyst_notes = [r["new_value"] for r in reviews if r["action"] == "correct" and r["field"] == "notes"]
    from ..review import status
    if ctx.numeric_inter:
        inter1, inter2, interaction = ev.inter1, ev.inter2, ev.interaction
    else:
        inter1, inter2 = inter_label(ev.inter1), inter_label(ev.inter2)
        interaction = interaction_label(ev.inter1, ev.inter2)
    row = {
        "event_id_cnty": ctx.ids.get(ev.event_id) or assign_ids([ev])[ev.event_id],
        "event_date": ev.event_date, "year": ev.event_date.year,
        "time_precision": ev.time_precision, "disorder_type": DISORDER.get(ev.event_type, ""),
        "event_type": ev.event_type, "sub_event_type": ev.sub_event_type, "actor1": actor1,
        "assoc_actor_1": assoc1, "inter1": inter1, "actor2": actor2, "assoc_actor_2": assoc2, "inter2": inter2,
        "interaction": interaction, "civilian_targeting": ev.civilian_targeting,
        "iso": _iso(ev.country), "region": _region(ev.country),
        "country": ev.country, "admin1": ev.admin1, "admin2": ev.admin2, "admin3": "", "location": location,
        "latitude": None if ev.latitude is None else round(ev.latitude, 4),
        "longitude": None if ev.longitude is None else round(ev.longitude, 4),
        "geo_precision": ev.geo_precision, "source": ev.source, "source_scale": source_scale(ev),
        "notes": analyst_notes[-1] if analyst_notes else acled_notes(ev, actor1, actor2, location),
        "fatalities": ev.fatalities,
        "tags": "crowd size=no report" if ev.event_type in ("Protests", "Riots") else "",
        "timestamp": ctx.timestamps.get(ev.event_id, ctx.exported_at),
        "frontlines_reasoning": ev.notes, "review_status": status(reviews), "confidence": ev.confidence,
        "event_id": ev.event_id, "place_id": ev.place_id,
        "evidence_doc_id": first.doc_id if first else None, "evidence_start": first.start if first else None,
        "evidence_end": first.end if first else None, "evidence_text": first.text if first else None,
    }
    for k in ("iso",):
        if row[k] == "":
            row[k] = None
    return {k: _flat(v) for k, v in row.items()}


def event_json(ev: Event) -> dict:
    return json.loads(ev.model_dump_json())


def _jsonable(row: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def geojson(events: Iterable[Event], ctx: ExportContext | None = None) -> tuple[dict, int]:
    """A FeatureCollection with the CSV's columns as properties and event_id_cnty as feature id,
    and how many events were left out for want of coordinates."""
    ctx = ctx or ExportContext()
    feats, missing = [], 0
    for ev in events:
        if ev.latitude is None or ev.longitude is None:
            missing += 1
            continue
        props = _jsonable(acled_row(ev, ctx))
        feats.append({"type": "Feature", "id": props["event_id_cnty"],
                      "geometry": {"type": "Point", "coordinates": [ev.longitude, ev.latitude]},
                      "properties": props})
    return {"type": "FeatureCollection", "features": feats}, missing


def parquet_schema(numeric_inter: bool = False):
    import pyarrow as pa
    def typ(c: str):
        if c == "event_date":
            return pa.date32()
        if c in INT_COLUMNS or (numeric_inter and c in INTER_COLUMNS):
            return pa.int64()
        if c in FLOAT_COLUMNS:
            return pa.float64()
        return pa.string()
    return pa.schema([(c, typ(c)) for c in ACLED_COLUMNS + EXTRA_COLUMNS])


class ExportError(ValueError):
    """A user's mistake in asking for an export (a format, a missing --out)."""


def write_events(events: list[Event], fmt: str, out: TextIO | None = None, path: str | None = None,
                 ctx: ExportContext | None = None, warn=None) -> str | None:
    """Write events in ``fmt``; text formats go to ``out`` (or are returned), Parquet needs ``path``.
    ``warn`` (a callable) hears about events a format cannot hold (GeoJSON without coordinates)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet" and not path:
        raise ExportError("Parquet output needs a file: add --out FILE.parquet")
    ctx = ctx or ExportContext()
    if fmt != "jsonl":
        ctx.ids = {**assign_ids(events), **ctx.ids}
    if fmt == "jsonl":
        text = "".join(json.dumps(event_json(e), ensure_ascii=False) + "\n" for e in events)
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS + EXTRA_COLUMNS, lineterminator="\r\n")
        w.writeheader()
        for e in events:
            w.writerow({k: "" if v is None else v for k, v in acled_row(e, ctx).items()})
        text = buf.getvalue()
    elif fmt == "geojson":
        fc, missing = geojson(events, ctx)
        if missing and warn:
            warn(f"{missing} event(s) without coordinates are not in the GeoJSON (they are in the CSV and JSON Lines)")
        text = json.dumps(fc, ensure_ascii=False) + "\n"
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq
        rows = [acled_row(e, ctx) for e in events]
        schema = parquet_schema(ctx.numeric_inter)
        table = pa.table({f.name: pa.array([r[f.name] for r in rows], type=f.type) for f in schema}, schema=schema)
        pq.write_table(table, path)
        return None
    if path:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return None
    if out is not None:
        out.write(text)
        return None
    return text
