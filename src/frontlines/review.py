"""Analysts' reviews: checked field by field, then applied on top of the extraction.

A review is a row beside the event (store/db.py ``ReviewRow``): accept, reject, or correct one
field to a new value (kept as text, with the extracted value as ``old_value``).  The extraction
is never edited; every reader (exports, filters, the control timeline, the API) sees the event
with its corrections applied, and rejected events left out, unless it asks for the raw extraction.

``check_correction`` turns what an analyst typed into the rows to store, or raises
``ReviewError`` with a message that says what a valid value looks like.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Callable

import yaml
from anyascii import anyascii

from .records import Event, Place
from .acled_codes import interaction

EDITABLE = ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "latitude",
            "longitude", "fatalities", "notes")
# fields a location correction sets together (from the gazetteer row, or from the given coordinates)
PLACE_FIELDS = ("place_id", "location", "latitude", "longitude", "admin1", "admin2", "country", "geo_precision")
INT_FIELDS = {"fatalities", "geo_precision", "inter1", "inter2", "interaction"}
FLOAT_FIELDS = {"latitude", "longitude"}


class ReviewError(ValueError):
    """A correction that cannot be stored; the message says why (served as a 422)."""


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, list[str]]:
    text = resources.files("frontlines.data").joinpath("acled_taxonomy.yaml").read_text(encoding="utf-8")
    return {k: list(v) for k, v in yaml.safe_load(text).items()}


def type_of(sub_event_type: str) -> str | None:
    return next((t for t, subs in taxonomy().items() if sub_event_type in subs), None)


def _canonical(value: str, choices) -> str | None:
    return next((c for c in choices if c.lower() == value.strip().lower()), None)




def check_correction(ev: Event, field: str, value: str, *, registry=None,
                     place: Callable[[str], Place | None] | None = None, confirm_new: bool = False,
                     latitude: float | None = None, longitude: float | None = None) -> list[tuple[str, str]]:
    """The (field, new value as text) rows a correction of ``field`` to ``value`` stores.

    ``ev`` is the event as currently reviewed; ``registry`` the actor registry; ``place`` looks a
    gazetteer id up.  Raises ReviewError when the value is not valid for the field.
    """
    v = value.strip()
    if field == "fatalities":
        if not re.fullmatch(r"\d{1,7}", v):
            raise ReviewError(f"fatalities must be a whole number 0 or more, not {value!r}")
        return [(field, str(int(v)))]
    if field == "event_date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                raise ValueError
            date.fromisoformat(v)
        except ValueError:
            raise ReviewError(f"event_date must be a date YYYY-MM-DD, not {value!r}") from None
        return [(field, v)]
    if field in ("latitude", "longitude"):
        limit = 90 if field == "latitude" else 180
        try:
            x = float(v)
        except ValueError:
            x = float("nan")
        if not -limit <= x <= limit:
            raise ReviewError(f"{field} must be a number between -{limit} and {limit}, not {value!r}")
        return [(field, repr(x)), ("place_id", ""), ("geo_precision", "1")]
    if field == "sub_event_type":
        subs = [s for ss in taxonomy().values() for s in ss]
        sub = _canonical(v, subs)
        if sub is None:
            raise ReviewError(f"unknown sub_event_type {value!r}; ACLED's are: {', '.join(subs)}")
        rows = [(field, sub)]
        parent = type_of(sub)
        if parent != ev.event_type:
            rows.append(("event_type", parent))  # the sub-type names its type
        return rows
    if field == "event_type":
        t = _canonical(v, taxonomy())
        if t is None:
            raise ReviewError(f"unknown event_type {value!r}; ACLED's are: {', '.join(taxonomy())}")
        if ev.sub_event_type not in taxonomy()[t]:
            raise ReviewError(f"the sub_event_type {ev.sub_event_type!r} is not a {t} sub-type; correct "
                              f"sub_event_type to one of {', '.join(taxonomy()[t])} (it sets the type too)")
        return [(field, t)]
    if field in ("actor1", "actor2"):
        n = field[-1]
        if not v:
            if field == "actor1":
                raise ReviewError("actor1 cannot be empty")
            return [(field, ""), ("inter2", ""), ("interaction", _text(interaction(ev.inter1, None)))]
        actor = None
        if registry is not None:
            actor_id, score = registry.lookup(v)
            actor = registry.get(actor_id) if score >= 100 else None
        if actor is None and not confirm_new:
            raise ReviewError(f"{v!r} is not in the actor registry; use a registered name or alias, or send "
                              f'"confirm_new": true to record a new actor')
        name = actor.name if actor else v
        inter = actor.inter if actor else None
        i1, i2 = (inter, ev.inter2) if n == "1" else (ev.inter1, inter)
        return [(field, name), (f"inter{n}", _text(inter)), ("interaction", _text(interaction(i1, i2)))]
    if field == "location":
        p = place(v) if place is not None and v else None
        if p is not None:
            return [("location", anyascii(p.name)), ("place_id", p.id), ("latitude", repr(p.latitude)),
                    ("longitude", repr(p.longitude)), ("admin1", p.admin1), ("admin2", p.admin2),
                    ("country", p.country or ev.country), ("geo_precision", "1")]
        if latitude is None or longitude is None:
            raise ReviewError(f"location must be a gazetteer place id (e.g. geonames:170905) or a name with "
                              f"latitude and longitude; {value!r} is neither")
        if not v:
            raise ReviewError("location cannot be empty")
        rows = [("location", v)]
        rows += check_correction(ev, "latitude", str(latitude))[:1]
        rows += check_correction(ev, "longitude", str(longitude))
        return rows
    if field == "admin1":
        if not v:
            raise ReviewError("admin1 cannot be empty")
        return [(field, v)]
    if field == "notes":
        return [(field, value)]
    raise ReviewError(f"{field!r} cannot be corrected; correctable fields: {', '.join(EDITABLE)}")


def _text(x) -> str:
    return "" if x is None else str(x)


def _typed(field: str, value: str | None):
    if field in INT_FIELDS:
        return int(value) if value not in (None, "") else None
    if field in FLOAT_FIELDS:
        return float(value) if value not in (None, "") else None
    if field == "place_id":
        return value or None
    return value if value is not None else ""


def status(reviews: list[dict]) -> str:
    """The latest action: corrected, accepted or rejected; unreviewed when there is none."""
    out = "unreviewed"
    for r in reviews:
        out = {"correct": "corrected", "accept": "accepted", "reject": "rejected"}.get(r["action"], out)
    return out


def apply(ev: Event, reviews: list[dict]) -> Event:
    """The event with its corrections applied in order (the latest correction of a field wins)."""
    update = {}
    for r in reviews:
        if r["action"] == "correct" and r["field"]:
            update[r["field"]] = _typed(r["field"], r["new_value"])
    if not update:
        return ev
    if "fatalities" in update and update["fatalities"] is None:
        update["fatalities"] = 0
    data = ev.model_dump()
    data.update(update)
    return Event.model_validate(data)
