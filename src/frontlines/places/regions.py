"""Directional regions ("northwestern Hama", "the western Aleppo countryside") placed in that part
of the governorate, from the governorate outlines that ship with the package (Natural Earth)."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from .gazetteer import _read_admin1

# where in the governorate's bounding box each direction points (x: west->east, y: south->north)
DIRECTIONS = {"north": (0.5, 0.85), "south": (0.5, 0.15), "east": (0.85, 0.5), "west": (0.15, 0.5),
              "northeast": (0.85, 0.85), "northwest": (0.15, 0.85), "southeast": (0.85, 0.15),
              "southwest": (0.15, 0.15), "central": (0.5, 0.5)}


def direction_of(word: str) -> str | None:
    w = word.lower().replace("-", "")
    w = w[:-3] if w.endswith("ern") else w
    return w if w in DIRECTIONS else None


@lru_cache(maxsize=1)
def _outlines() -> dict[str, list[list[tuple[float, float]]]]:
    path = resources.files("frontlines.data.places").joinpath("syria_admin1.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[list[tuple[float, float]]]] = {}
    names = _read_admin1()  # keyed by the name the division's places carry
    for f in data.get("features", []):
        name = f.get("properties", {}).get("name")
        name = names.get(f.get("properties", {}).get("geonames_admin1") or "", name)
        geom = f.get("geometry") or {}
        if not name or f["properties"].get("level") == "country":
            continue
        polys = geom["coordinates"] if geom.get("type") == "MultiPolygon" else [geom.get("coordinates", [])]
        out[name] = [[(x, y) for x, y in poly[0]] for poly in polys if poly]
    return out


@lru_cache(maxsize=1024)
def region_point(admin1: str, direction: str) -> tuple[float, float] | None:
    """(lat, lon) in the ``direction`` part of the governorate, inside its outline; None if unknown.
    Found once per (governorate, direction): every report of "northern Hama" asks for the same point."""
    rings = _outlines().get(admin1)
    if not rings or direction not in DIRECTIONS:
        return None
    from shapely.geometry import Point, Polygon  # only when a directional region is placed
    ring = max(rings, key=len)
    outline = Polygon(ring)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    fx, fy = DIRECTIONS[direction]
    x, y = min(xs) + fx * (max(xs) - min(xs)), min(ys) + fy * (max(ys) - min(ys))
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    for step in range(11):  # walk towards the middle until the point is inside the outline
        px, py = x + (cx - x) * step / 10, y + (cy - y) * step / 10
        if outline.contains(Point(px, py)):
            return round(py, 4), round(px, 4)
    return None
