"""Benchmark: load a GeoNames-format dump into the store, then resolve place names against it.

    python bench/places_bench.py [--rows 10000] [--queries 5000] [--seed 7]

Writes a synthetic Syrian dump (names built from Arabic transliteration syllables, in
GeoNames' own style with ‘ ’ and macrons, points inside Syria's governorate outlines),
times ``load_dump`` into a fresh SQLite store, then times ``PlaceResolver`` over the
built-in gazetteer plus the loaded rows on a mix of exact names, respellings (apostrophes
and articles changed) and misspellings.  Prints timings, accuracy and peak RSS.
No network, nothing written outside a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from frontlines.places.gazetteer import builtin_gazetteer
from frontlines.places.geonames import load_dump
from frontlines.places.resolve import PlaceContext, PlaceResolver
from frontlines.store.db import Store

ID_BASE = 50_000_000  # far above real geonameids, so nothing collides with the built-in rows

# (GeoNames spelling, ASCII spelling, a common news spelling)
CONSONANTS = [("b", "b", "b"), ("t", "t", "t"), ("th", "th", "th"), ("j", "j", "j"), ("ḩ", "h", "h"),
              ("kh", "kh", "kh"), ("d", "d", "d"), ("r", "r", "r"), ("z", "z", "z"), ("s", "s", "s"),
              ("sh", "sh", "sh"), ("ş", "s", "s"), ("ḑ", "d", "d"), ("ţ", "t", "t"), ("‘", "`", "'"),
              ("gh", "gh", "gh"), ("f", "f", "f"), ("q", "q", "q"), ("k", "k", "k"), ("l", "l", "l"),
              ("m", "m", "m"), ("n", "n", "n"), ("h", "h", "h"), ("w", "w", "w"), ("y", "y", "y")]
VOWELS = [("a", "a", "a"), ("a", "a", "a"), ("ā", "a", "a"), ("i", "i", "e"), ("ī", "i", "ee"),
          ("u", "u", "ou"), ("ū", "u", "ou"), ("ay", "ay", "ei")]
PREFIXES = [("Kafr", "Kafr", "Kafr"), ("Tall", "Tall", "Tal"), ("Dayr", "Dayr", "Deir"), ("‘Ayn", "`Ayn", "Ain"),
            ("Khirbat", "Khirbat", "Khirbet"), ("Bi’r", "Bi'r", "Bir"), ("Jisr", "Jisr", "Jisr"),
            ("Qal‘at", "Qal`at", "Qalaat"), ("Umm", "Umm", "Umm"), ("Abū", "Abu", "Abu"), ("Bayt", "Bayt", "Beit"),
            ("Marj", "Marj", "Marj"), ("Ra’s", "Ra's", "Ras"), ("Wādī", "Wadi", "Wadi"), ("Jabal", "Jabal", "Jebel"),
            ("Mazra‘at", "Mazra`at", "Mazraat"), ("Ma‘arrat", "Ma`arrat", "Maarat")]
SUN_LETTERS = {"t", "th", "d", "r", "z", "s", "sh", "ş", "ḑ", "ţ", "l", "n"}
FEATURES = [("P", "PPL")] * 14 + [("P", "PPLA3"), ("S", "FRM"), ("H", "WAD"), ("T", "HLL"), ("S", "AIRB"),
                                  ("L", "AREA")]
SY_BOX = (32.3, 37.35, 35.6, 42.4)  # lat, lat, lon, lon


@dataclass
class Row:
    gid: int
    name: str      # GeoNames style, with diacritics
    ascii: str
    news: str      # how an English-language report might spell it
    alternates: list[str]


def _word(rng: random.Random) -> tuple[list[tuple[str, str, str]], tuple[str, str, str]]:
    """A transliterated word as (geonames, ascii, news) pieces, and its first consonant."""
    parts: list[tuple[str, str, str]] = []
    first = rng.choice(CONSONANTS)
    for i in range(rng.choice((2, 2, 3))):
        c = first if i == 0 else rng.choice(CONSONANTS)
        if parts and parts[-1][0] == "ay" and c[0] in ("y", "w"):
            c = rng.choice(CONSONANTS[:10])  # no "ayy"/"ayw" runs
        parts += [c, rng.choice(VOWELS)]
        if rng.random() < 0.35:
            parts.append(rng.choice(CONSONANTS[:-2]))
    if rng.random() < 0.3:  # a common ending in place of the last vowel
        parts[-1:] = [rng.choice([("ah", "ah", "eh"), ("īyah", "iyah", "iyeh"), ("ān", "an", "an")])]
    return parts, first


def _render(parts: list[tuple[str, str, str]], k: int) -> str:
    text = "".join(p[k] for p in parts)
    return text[:1].upper() + text[1:] if text[0] not in "‘`'" else text[0] + text[1:2].upper() + text[2:]


def make_row(gid: int, rng: random.Random) -> Row:
    words = []  # (geonames, ascii, news)
    if rng.random() < 0.55:
        words.append(rng.choice(PREFIXES))
    parts, first = _word(rng)
    body = tuple(_render(parts, k) for k in range(3))
    if rng.random() < 0.35:  # the article, assimilated to a sun letter as GeoNames writes it ("Ash Shaykh")
        sun = first[0] in SUN_LETTERS
        art = ("A" + first[0], "A" + first[1], "a" + first[2] + "-") if sun else ("Al", "Al", "al-")
        words.append((f"{art[0]} {body[0]}", f"{art[1]} {body[1]}", f"{art[2]}{body[2]}"))
    else:
        words.append(body)
    if rng.random() < 0.15:
        second, _ = _word(rng)
        words.append(tuple(_render(second, k) for k in range(3)))
    name, ascii_, news = (" ".join(w[k] for w in words) for k in range(3))
    alternates = [news] if rng.random() < 0.5 else []
    if rng.random() < 0.2:
        alternates.append(news.replace("Kafr", "Kfar").replace("Deir", "Dair").replace("al-", "el-"))
    return Row(gid, name, ascii_, news, sorted(set(alternates) - {name, ascii_}))


# ---- coordinates inside Syria ---------------------------------------------------------------

def _governorates() -> list[tuple[str, tuple[float, float, float, float], list[list[tuple[float, float]]]]]:
    """(admin1 code, bbox, rings) per governorate from the packaged outline, if present."""
    try:
        data = json.loads(resources.files("frontlines.data.places").joinpath("syria_admin1.geojson").read_text())
    except (FileNotFoundError, OSError, ValueError):
        return []
    out = []
    for f in data["features"]:
        if not f["properties"].get("geonames_admin1"):  # the country outline
            continue
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        rings = [[(x, y) for x, y in poly[0]] for poly in polys]  # outer rings
        xs = [x for r in rings for x, _ in r]
        ys = [y for r in rings for _, y in r]
        code = f["properties"]["geonames_admin1"].split(".")[1]
        out.append((code, (min(ys), max(ys), min(xs), max(xs)), rings))
    return out


def _inside(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


def random_point(rng: random.Random, govs: list) -> tuple[float, float, str]:
    """A point inside Syria and its admin1 code (rejection sampling in the outline)."""
    if not govs:  # no outline shipped: a box well inside the country
        return round(rng.uniform(34.5, 36.5), 5), round(rng.uniform(36.8, 40.0), 5), "11"
    while True:
        lat, lon = rng.uniform(*SY_BOX[:2]), rng.uniform(*SY_BOX[2:])
        for code, (y0, y1, x0, x1), rings in govs:
            if y0 <= lat <= y1 and x0 <= lon <= x1 and any(_inside(lon, lat, r) for r in rings):
                return round(lat, 5), round(lon, 5), code


def write_dump(path: Path, rows: list[Row], rng: random.Random) -> None:
    govs = _governorates()
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            lat, lon, adm = random_point(rng, govs)
            fclass, fcode = rng.choice(FEATURES)
            pop = int(rng.lognormvariate(7, 1.5)) if fclass == "P" and rng.random() < 0.6 else 0
            cols = [str(r.gid), r.name, r.ascii, ",".join(r.alternates), f"{lat}", f"{lon}", fclass, fcode, "SY",
                    "", adm, "", "", "", str(pop), "", str(rng.randint(0, 1200)), "Asia/Damascus", "2024-03-01"]
            fh.write("\t".join(cols) + "\n")


# ---- queries ------------------------------------------------------------------------------

def respell(r: Row, rng: random.Random) -> str:
    """The name with apostrophes and articles written differently."""
    s = rng.choice((r.name, r.ascii, r.news))
    s = s.replace("‘", rng.choice(("'", "’", ""))).replace("’", rng.choice(("'", "")))
    s = s.replace("`", rng.choice(("'", "")))
    for art in ("Al ", "As ", "Ash ", "Ad ", "Ar ", "At ", "Az ", "An ", "Adh ", "Ath ", "Al-", "al-"):
        if art in s:
            s = s.replace(art, rng.choice(("al-", "el-", "Al-", "")), 1)
            break
    return s


def misspell(r: Row, rng: random.Random) -> str:
    """One typing slip in the ASCII name: a letter dropped, doubled, swapped or replaced."""
    s = r.ascii.replace("`", "'")
    i = rng.randrange(1, len(s) - 1)
    op = rng.choice(("drop", "double", "swap", "replace"))
    if op == "drop":
        return s[:i] + s[i + 1:]
    if op == "double":
        return s[:i] + s[i] + s[i:]
    if op == "swap":
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + rng.choice("aeiouyhklmnrst") + s[i + 1:]


def queries(rows: list[Row], n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, text, intended id), a third of each kind."""
    out = []
    for i in range(n):
        r = rng.choice(rows)
        kind = ("exact", "respelt", "misspelt")[i % 3]
        text = {"exact": lambda: rng.choice((r.name, r.ascii)), "respelt": lambda: respell(r, rng),
                "misspelt": lambda: misspell(r, rng)}[kind]()
        out.append((kind, text, f"geonames:{r.gid}"))
    return out


# ---- run ----------------------------------------------------------------------------------

def peak_rss_mib() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return kib / 1024 / (1024 if sys.platform == "darwin" else 1)


def report(results: list[tuple[str, str]]) -> None:
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        table = Table(title="places benchmark")
        table.add_column("measure")
        table.add_column("value", justify="right")
        for k, v in results:
            table.add_row(k, v)
        Console().print(table)
    else:
        width = max(len(k) for k, _ in results)
        for k, v in results:
            print(f"{k:<{width}}  {v}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    rows = [make_row(ID_BASE + i, rng) for i in range(args.rows)]
    with tempfile.TemporaryDirectory(prefix="places-bench-") as tmp:
        dump = Path(tmp) / "SY.txt"
        write_dump(dump, rows, rng)
        store = Store(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        loaded = load_dump(store, dump)
        load_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        builtin = builtin_gazetteer()
        gaz = builtin.with_extra(store.places())
        resolver = PlaceResolver(gaz)
        build_s = time.perf_counter() - t0

        qs = queries(rows, args.queries, rng)
        hits: dict[str, list[int]] = {"exact": [0, 0], "respelt": [0, 0], "misspelt": [0, 0]}
        by_path: dict[str, list[float]] = {"exact-key lookup": [], "fuzzy fallback": []}
        ctx = PlaceContext()
        ctx.countries["SY"] += 1  # the articles are about Syria
        clock = time.perf_counter
        for kind, text, want in qs:
            t0 = clock()
            got = resolver.resolve(text, ctx).place_id
            spent = clock() - t0
            by_path["exact-key lookup" if gaz.exact(text) else "fuzzy fallback"].append(spent)
            hits[kind][0] += got == want
            hits[kind][1] += 1
        resolve_s = sum(sum(v) for v in by_path.values())

    results = [
        ("rows loaded", f"{loaded:,}"),
        ("load seconds", f"{load_s:.2f}"),
        ("load rows/s", f"{loaded / load_s:,.0f}"),
        ("gazetteer build s (built-in + loaded)", f"{build_s:.2f} ({len(gaz):,} places, {len(gaz.index):,} keys)"),
        ("names resolved", f"{len(qs):,} in {resolve_s:.2f} s"),
        ("names/s resolved", f"{len(qs) / resolve_s:,.0f}"),
        *((f"  {k}", f"{len(v):,} names, {1000 * sum(v) / max(1, len(v)):.2f} ms each")
          for k, v in by_path.items()),
        *((f"top-1 correct, {k}", f"{h[0] / max(1, h[1]):.1%} of {h[1]:,}") for k, h in hits.items()),
        ("peak RSS", f"{peak_rss_mib():,.0f} MiB"),
    ]
    report(results)


if __name__ == "__main__":
    main()
