"""First-level divisions of every country as places: "Gezira province", "Borno State", "Sagaing Region".

The names come from the built-in admin1 table (GeoNames admin1 codes, every country) and the point
from the division's shipped outline (Natural Earth, ``world_admin1.geojson``): a point inside it, at
ACLED's region precision (3).  Used when a report names a province the gazetteer has no row for.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from anyascii import anyascii

from ..names import fold
from .countries import country
from .gazetteer import _read_admin1, _read_admin1_geonames

GENERIC_WORDS = ("province", "state", "region", "governorate", "district", "oblast", "county", "prefecture",
                 "department", "division", "territory")


@dataclass(frozen=True)
class Division:
    code: str        # GeoNames admin1 code, "SD.38"
    name: str        # "Gezira"
    country_code: str
    latitude: float | None
    longitude: float | None


# French and Portuguese compass words in division names ("Nord-Kivu" is reported as "North Kivu")
COMPASS = {"nord": "north", "sud": "south", "est": "east", "ouest": "west", "centre": "central", "norte": "north",
           "sul": "south", "leste": "east", "oeste": "west", "haut": "upper", "bas": "lower", "extreme": "far"}


def _key(name: str) -> str:
    words = [COMPASS.get(w, w) for w in anyascii(name).lower().replace("-", " ").split() if w not in GENERIC_WORDS]
    return fold(" ".join(words))


@lru_cache(maxsize=1)
def _outlines() -> dict[str, dict]:
    """admin1 code -> its outline feature (parsed once; a point is made only for the codes asked)."""
    path = resources.files("frontlines.data.places").joinpath("world_admin1.geojson")
    if not path.is_file():
        return {}
    return {f["properties"]["geonames_admin1"]: f
            for f in json.loads(path.read_text(encoding="utf-8")).get("features", [])
            if (f.get("properties") or {}).get("geonames_admin1")}


@lru_cache(maxsize=4096)
def _point(code: str) -> tuple[float | None, float | None]:
    f = _outlines().get(code)
    if not f or not f.get("geometry"):
        return None, None
    from shapely.geometry import shape
    try:
        pt = shape(f["geometry"]).representative_point()
    except (ValueError, TypeError):
        return None, None
    return round(pt.y, 4), round(pt.x, 4)


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], str]:
    """(country code, folded name) -> admin1 code: the division's name as written first, then
    GeoNames' own ("Kharkivska oblast"), then the outline's."""
    out = {}
    for names in (_read_admin1(), _read_admin1_geonames(), _outline_names()):
        for code, name in names.items():
            key = _key(name)
            if key:
                out.setdefault((code.split(".")[0], key), code)
    return out


def _outline_names() -> dict[str, str]:
    return {code: f["properties"]["name"] for code, f in _outlines().items() if f["properties"].get("name")}


def division(name: str, country_code: str | None) -> Division | None:
    """The first-level division of ``country_code`` called ``name`` ("Gezira", "Borno State"), or None."""
    if not country_code or country(country_code) is None:
        return None
    code = _index().get((country_code, _key(name)))
    if code is None:
        return None
    lat, lon = _point(code)
    # one name per division, the one its places carry (admin1_names: "North Kivu", "Kharkiv")
    return Division(code, _read_admin1()[code], country_code, lat, lon)


@lru_cache(maxsize=1)
def _countries_by_name() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for (cc, key) in _index():
        out.setdefault(key, set()).add(cc)
    return out


def prepare() -> None:
    """Read the divisions and build their indexes now: a pipeline does it before the worker pool is
    forked, so the workers share them instead of each reading every country's outlines (0.5 CPU-s)."""
    _countries_by_name()


def countries_of_division(name: str) -> set[str]:
    """The countries with a first-level division of this name ("Ituri" -> {"CD"}, "Borno" -> {"NG"})."""
    return _countries_by_name().get(_key(name), set())
