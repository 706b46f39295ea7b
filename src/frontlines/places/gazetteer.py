"""The gazetteer: GeoNames rows plus curated Syrian places, indexed by folded name.

Built-in data (``frontlines/data/places``): the regional and large-city rows of GeoNames'
cities500 (CC BY 4.0), GeoNames' admin1 codes, and a curated table of Syrian villages,
districts and landmarks.  Rows loaded by ``frontlines gazetteer load`` live in the store
and are added on top.
"""
from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator

from rapidfuzz import fuzz, process

from ..names import fold
from ..records import Place
from .countries import country_names

COUNTRIES = country_names()  # iso2 -> ACLED country name, from data/places/countries.tsv

GEONAMES_COLUMNS = ["geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
                    "feature_class", "feature_code", "country_code", "cc2", "admin1_code", "admin2_code",
                    "admin3_code", "admin4_code", "population", "elevation", "dem", "timezone",
                    "modification_date"]
FUZZY_THRESHOLD = 88


def parse_admin1(lines: Iterable[str]) -> dict[str, str]:
    """GeoNames admin1CodesASCII.txt: 'SY.09<TAB>Aleppo<TAB>Aleppo<TAB>170063' -> {'SY.09': 'Aleppo'}."""
    out = {}
    for line in lines:
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2 and "." in parts[0]:
            out[parts[0]] = parts[1]
    return out


def parse_geonames(lines: Iterable[str], admin1: dict[str, str], source: str) -> Iterator[Place]:
    """Rows of a GeoNames dump (country file, cities500, allCountries) as Places."""
    for line in lines:
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 15 or not parts[0].isdigit():
            continue
        try:
            lat, lon = float(parts[4]), float(parts[5])
            population = int(parts[14] or 0)
        except ValueError:
            continue
        cc = parts[8]
        alts = [a for a in parts[3].split(",") if a and a.isascii()] if parts[3] else []
        yield Place(id=f"geonames:{parts[0]}", name=parts[1], latitude=lat, longitude=lon,
                    feature_class=parts[6] or "P", feature_code=parts[7] or "PPL", country_code=cc,
                    country=COUNTRIES.get(cc, cc), admin1=admin1.get(f"{cc}.{parts[10]}", ""),
                    population=population, source=source,
                    alternate_names=sorted({parts[2], *alts} - {parts[1], ""}))


def parse_curated(text: str, source_file: str) -> Iterator[Place]:
    for row in csv.DictReader(io.StringIO(text), delimiter="\t"):
        if not row.get("id") or not row.get("latitude"):
            continue
        cc = row.get("country_code") or "SY"
        yield Place(id=row["id"], name=row["name"], latitude=float(row["latitude"]),
                    longitude=float(row["longitude"]), feature_class=row.get("feature_class") or "P",
                    feature_code=row.get("feature_code") or "PPL", country_code=cc,
                    country=COUNTRIES.get(cc, cc), admin1=row.get("admin1") or "", admin2=row.get("admin2") or "",
                    population=int(row.get("population") or 0),
                    source=row.get("source") or source_file,
                    alternate_names=[a for a in (row.get("alternate_names") or "").split("|") if a])


class Gazetteer:
    def __init__(self, places: Iterable[Place] = ()):
        self.places: dict[str, Place] = {}
        self.index: dict[str, list[str]] = defaultdict(list)
        self._by_len: dict[int, list[str]] | None = None
        self._cache: dict[str, list[tuple[Place, float]]] = {}
        self._admin1_rows: dict[tuple[str, str], Place] | None = None
        self.add(places)

    def add(self, places: Iterable[Place]) -> int:
        n = 0
        for p in places:
            old = self.places.get(p.id)
            if old is not None:  # a curated row re-listing a GeoNames place adds spellings and detail
                p = old.model_copy(update={
                    "alternate_names": sorted(set(old.alternate_names) | set(p.alternate_names) | {p.name} - {old.name}),
                    "admin2": p.admin2 or old.admin2, "admin1": p.admin1 or old.admin1,
                    "source": old.source if p.source == old.source else f"{old.source}; {p.source}"})
            self.places[p.id] = p
            for name in {p.name, *p.alternate_names}:
                key = fold(name)
                if key and p.id not in self.index[key]:
                    self.index[key].append(p.id)
            n += 1
        self._by_len = None
        self._cache = {}
        self._admin1_rows = None
        return n

    def __len__(self) -> int:
        return len(self.places)

    def get(self, place_id: str | None) -> Place | None:
        return self.places.get(place_id or "")

    def exact(self, name: str) -> list[Place]:
        return [self.places[i] for i in self.index.get(fold(name), [])]

    def candidates(self, name: str, limit: int = 10) -> list[tuple[Place, float]]:
        """Places a name may refer to: exact folded matches (score 100), else close fuzzy ones."""
        key = fold(name)
        if not key:
            return []
        if key in self._cache:
            return self._cache[key]
        hits = [(self.places[i], 100.0) for i in self.index.get(key, [])]
        if not hits and len(key) >= 5:
            if self._by_len is None:
                self._by_len = defaultdict(list)
                for k in self.index:
                    self._by_len[len(k)].append(k)
            # a ratio of 88+ needs lengths within about a quarter of each other: search only those keys
            found: list[tuple[str, float]] = []
            for length in range(int(len(key) * 0.78), int(len(key) * 1.28) + 1):
                bucket = self._by_len.get(length)
                if bucket:
                    found += [(k, sc) for k, sc, _ in process.extract(key, bucket, scorer=fuzz.ratio,
                                                                      score_cutoff=FUZZY_THRESHOLD, limit=limit)]
            for k, score in sorted(found, key=lambda x: -x[1])[:limit]:
                hits += [(self.places[i], float(score)) for i in self.index[k]]
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key] = hits
        return hits

    def admin1_place(self, admin1: str, country_code: str = "SY") -> Place | None:
        """The governorate itself (its ADM1 row, whatever the row is called), for region-level precision."""
        if self._admin1_rows is None:
            self._admin1_rows = {(p.country_code, p.admin1): p for p in self.places.values()
                                 if p.feature_code == "ADM1" and p.admin1}
        return self._admin1_rows.get((country_code, admin1))

    def pattern_names(self, countries: tuple[str, ...] = ("SY",), min_population: int = 100_000) -> Iterator[tuple[str, str]]:
        """(surface name, place id) for the entity ruler: every name of places in ``countries``
        and the main name of large places elsewhere."""
        for p in self.places.values():
            if p.country_code in countries:
                for n in {p.name, *p.alternate_names}:
                    yield n, p.id
            elif p.population >= min_population or p.feature_code in ("PCLI", "ADM1"):
                yield p.name, p.id


def _data(name: str):
    return resources.files("frontlines.data.places").joinpath(name)


def builtin_places() -> Iterator[Place]:
    admin1_file = _data("admin1CodesASCII.txt")
    admin1 = parse_admin1(admin1_file.read_text(encoding="utf-8").splitlines()) if admin1_file.is_file() else {}
    cities = _data("cities500_region.txt.gz")
    if cities.is_file():
        with gzip.open(io.BytesIO(cities.read_bytes()), "rt", encoding="utf-8") as fh:
            yield from parse_geonames(fh, admin1, "GeoNames cities500")
    curated = _data("syria_curated.tsv")
    if curated.is_file():
        yield from parse_curated(curated.read_text(encoding="utf-8"), "syria_curated.tsv")


@lru_cache(maxsize=1)
def builtin_gazetteer() -> Gazetteer:
    return Gazetteer(builtin_places())
