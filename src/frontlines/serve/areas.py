"""Control areas: the places' holders on a day drawn as shaded areas, so the front line shows.

Each controlled place gets its Voronoi cell (the ground nearer to it than to any other
controlled place), cut to the country outline and to ``REACH_DEG`` around the place (a village
held does not say who holds the desert 100 km away); the cells of one holder are merged into
one area.  Disputed places keep their own cell, marked ``disputed``.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

REACH_DEG = 0.3  # about 30 km


@lru_cache(maxsize=1)
def outline():
    from shapely.geometry import shape
    from shapely.ops import unary_union
    data = json.loads(resources.files("frontlines.data.places").joinpath("syria_admin1.geojson").read_text("utf-8"))
    country = [shape(f["geometry"]) for f in data["features"] if f["properties"].get("level") == "country"]
    return unary_union(country or [shape(f["geometry"]) for f in data["features"]]).buffer(0)


def control_areas(rows: list[dict], reach: float = REACH_DEG) -> dict:
    """A GeoJSON FeatureCollection of areas by holder from ``/api/control`` rows."""
    from shapely.geometry import MultiPoint, Point, mapping
    from shapely.ops import unary_union, voronoi_diagram
    land = outline()
    cells: dict[tuple, dict] = {}
    points = {}
    for r in rows:
        if r.get("latitude") is None or r.get("longitude") is None:
            continue
        key = (round(r["longitude"], 5), round(r["latitude"], 5))
        points.setdefault(key, r)  # two rows at one point: the first (by place name) speaks for it
    if not points:
        return {"type": "FeatureCollection", "features": []}
    if len(points) == 1:
        regions = [land.envelope.buffer(1)]
    else:
        regions = list(voronoi_diagram(MultiPoint([Point(k) for k in points]), envelope=land.envelope.buffer(1)).geoms)
    for key, r in points.items():
        p = Point(key)
        cell = next((g for g in regions if g.covers(p)), None)
        if cell is None:
            continue
        area = cell.intersection(land).intersection(p.buffer(reach))
        if area.is_empty:
            continue
        group = (r["holder"] or "unknown", bool(r.get("disputed")), r["place"] if r.get("disputed") else "")
        c = cells.setdefault(group, {"geoms": [], "places": []})
        c["geoms"].append(area)
        c["places"].append(r["place"])
    feats = []
    for (holder, disputed, _), c in sorted(cells.items()):
        geom = unary_union(c["geoms"]).simplify(0.002)
        feats.append({"type": "Feature", "id": f"{holder}{' (disputed: ' + c['places'][0] + ')' if disputed else ''}",
                      "geometry": mapping(geom),
                      "properties": {"holder": holder, "disputed": disputed, "places": sorted(c["places"])}})
    return {"type": "FeatureCollection", "features": feats}
