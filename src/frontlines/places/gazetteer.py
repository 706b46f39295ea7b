"""The gazetteer: GeoNames rows plus curated Syrian places, indexed by folded name.

Built-in data (``frontlines/data/places``): every row of GeoNames' cities500 worldwide
(CC BY 4.0), GeoNames' admin1 names for every country, and a curated table of Syrian
villages, districts and landmarks.  Rows loaded by ``frontlines gazetteer load`` live in
the store and are laid on top (``Gazetteer.with_extra``).

About 200,000 built-in rows are too many to hold as ``Place`` objects in every process, so
they are indexed once into a SQLite file in the user's cache folder (``$FRONTLINES_CACHE``,
else ``$XDG_CACHE_HOME/frontlines`` or ``~/.cache/frontlines``; rebuilt when the data or
the name folding changes) and read from there: a row becomes a ``Place`` only when it is
looked up.  Exact names are found everywhere; fuzzy spellings only in the countries the
caller asks for.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import sqlite3
import tempfile
import time
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from rapidfuzz import fuzz, process

from .. import names as _names_module
from ..memo import Memo
from ..names import fold
from ..records import Place
from .admin1_names import english, renaming
from .countries import by_demonym, country_names

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
    renamed = renaming(_read_admin1_geonames())  # rows written with GeoNames' division names
    for row in csv.DictReader(io.StringIO(text), delimiter="\t"):
        if not row.get("id") or not row.get("latitude"):
            continue
        cc = row.get("country_code") or "SY"
        if row.get("admin1"):
            row["admin1"] = renamed.get((cc, row["admin1"]), row["admin1"])
        yield Place(id=row["id"], name=row["name"], latitude=float(row["latitude"]),
                    longitude=float(row["longitude"]), feature_class=row.get("feature_class") or "P",
                    feature_code=row.get("feature_code") or "PPL", country_code=cc,
                    country=COUNTRIES.get(cc, cc), admin1=row.get("admin1") or "", admin2=row.get("admin2") or "",
                    population=int(row.get("population") or 0),
                    source=row.get("source") or source_file,
                    alternate_names=[a for a in (row.get("alternate_names") or "").split("|") if a])


SCHEMA = 1
# Where a caller names no country, fuzzy spellings are searched where the built-in data used to
# reach: the Levant and its neighbours, and large places everywhere (plus any rows laid on top).
DEFAULT_FUZZY_COUNTRIES = ("SY", "IQ", "TR", "LB", "JO", "IL", "PS")
BIG = 100_000
EVERYWHERE = "*"  # ``exact(name, countries=EVERYWHERE)``: every country's rows
# admin1 names that are ordinary English words, or too generic to tag as a place on their own
_GENERIC_ADMIN1 = {"centre", "center", "central", "north", "south", "east", "west", "northern", "southern",
                   "eastern", "western", "capital", "coast", "lakes", "upper", "lower", "delta", "plateau",
                   "valley", "sea", "lake", "river", "orange", "nord", "sud", "est", "ouest", "littoral",
                   "maritime", "plateaux", "savanes", "national", "federal", "islands", "island", "mountain",
                   "highlands", "lowlands", "interior", "border", "frontier", "bay", "gulf", "city", "district",
                   "province", "region", "state", "north east", "north west", "south east", "south west",
                   "far north", "adamawa", "distrito federal", "capital district", "federal district", "nile",
                   "red sea", "white nile", "blue nile", "la paz", "victoria", "georgia", "jordan", "mexico",
                   "washington", "lima", "panama", "guatemala", "kuwait", "djibouti", "luxembourg", "singapore"}
_ADMIN1_SUFFIXES = (" Region", " Province", " Governorate", " State", " Oblast", " Oblast'", " Division",
                    " Department", " Prefecture", " District", " County", " Municipality")
_COLS = "id, name, latitude, longitude, fclass, fcode, cc, admin1, admin2, population, source, alts"


def _place(row) -> Place:
    pid, name, lat, lon, fclass, fcode, cc, admin1, admin2, pop, source, alts = row
    return Place(id=pid, name=name, latitude=lat, longitude=lon, feature_class=fclass, feature_code=fcode,
                 country_code=cc, country=COUNTRIES.get(cc, cc), admin1=admin1, admin2=admin2, population=pop,
                 source=source, alternate_names=alts.split("|") if alts else [])


def _row(p: Place) -> tuple:
    return (p.id, p.name, p.latitude, p.longitude, p.feature_class, p.feature_code, p.country_code, p.admin1,
            p.admin2, p.population, p.source, "|".join(p.alternate_names))


def _merge(old: Place, p: Place) -> Place:
    """A curated row re-listing a GeoNames place adds spellings and detail."""
    return old.model_copy(update={
        "alternate_names": sorted(set(old.alternate_names) | set(p.alternate_names) | {p.name} - {old.name}),
        "admin2": p.admin2 or old.admin2, "admin1": p.admin1 or old.admin1,
        "source": old.source if p.source == old.source else f"{old.source}; {p.source}"})


def _keys(p: Place) -> list[str]:
    return list(dict.fromkeys(k for k in (fold(n) for n in (p.name, *p.alternate_names)) if k))


def _big(p: Place) -> bool:
    return p.population >= BIG or p.feature_code in ("PCLI", "ADM1")


class _Builtin:
    """The built-in rows, read from their SQLite index (one connection per process, so forked
    workers each open their own)."""

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._rows: dict[str, Place] = {}
        self._ids = Memo(50_000)  # folded name -> place ids: reports name the same places again
        self._domains: dict[tuple, dict[int, list[str]]] = {}
        self._adm1: dict[tuple[str, str], str | None] = {}  # (country, division code) -> its ADM1 row's id
        self._len: int | None = None

    def __getstate__(self) -> dict:  # a connection does not travel to another process; it is reopened there
        return {**self.__dict__, "_conn": None, "_pid": 0}

    @property
    def db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._conn

    def __len__(self) -> int:
        if self._len is None:
            self._len = self.db.execute("SELECT count(*) FROM places").fetchone()[0]
        return self._len

    def get(self, pid: str) -> Place | None:
        p = self._rows.get(pid)
        if p is None:
            row = self.db.execute(f"SELECT {_COLS} FROM places WHERE id = ?", (pid,)).fetchone()
            if row is None:
                return None
            p = self._rows[pid] = _place(row)
            if len(self._rows) > 20_000:
                self._rows.clear()
        return p

    def ids(self, key: str) -> list[str]:
        return list(self._ids.get_or(key, lambda: [r[0] for r in self.db.execute(
            "SELECT id FROM names WHERE key = ? ORDER BY rowid", (key,))]))

    def fuzzy_keys(self, countries: tuple[str, ...] | None) -> dict[int, list[str]]:
        """Folded names by length: of ``countries``, or (None) of the default fuzzy domain."""
        dom = self._domains.get(countries)
        if dom is None:
            cs = countries or DEFAULT_FUZZY_COUNTRIES
            q = ",".join("?" * len(cs))
            where = f"cc IN ({q})" if countries else f"cc IN ({q}) OR big = 1"
            dom = defaultdict(list)
            for (k,) in self.db.execute(f"SELECT DISTINCT key FROM names WHERE {where}", cs):
                dom[len(k)].append(k)
            self._domains[countries] = dom
        return dom

    def all(self) -> Iterator[Place]:
        for row in self.db.execute(f"SELECT {_COLS} FROM places ORDER BY rowid"):
            yield _place(row)

    def for_patterns(self, countries: tuple[str, ...], min_population: int) -> Iterator[Place]:
        q = ",".join("?" * len(countries))
        for row in self.db.execute(f"SELECT {_COLS} FROM places WHERE cc IN ({q}) OR population >= ? "
                                   "OR fcode IN ('PCLI', 'ADM1') ORDER BY rowid", (*countries, min_population)):
            yield _place(row)

    def admin1_names(self) -> list[tuple[str, str, str]]:
        return list(self.db.execute("SELECT code, name, asciiname FROM admin1 ORDER BY code"))

    def admin1_row(self, cc: str, admin1: str) -> Place | None:
        key = (cc, admin1)  # a few thousand divisions in all, asked for again for every event placed
        if key not in self._adm1:
            row = self.db.execute("SELECT id FROM places WHERE fcode = 'ADM1' AND cc = ? AND admin1 = ? "
                                  "ORDER BY rowid DESC LIMIT 1", key).fetchone()
            self._adm1[key] = row[0] if row else None
        pid = self._adm1[key]
        return self.get(pid) if pid else None


class _PlacesView(Mapping):
    """``gazetteer.places``: every place by id, built-in rows read on demand."""

    def __init__(self, gaz: "Gazetteer"):
        self.gaz = gaz

    def __getitem__(self, pid: str) -> Place:
        p = self.gaz.get(pid)
        if p is None:
            raise KeyError(pid)
        return p

    def __iter__(self) -> Iterator[str]:
        for p in self.gaz.iter_places():
            yield p.id

    def __len__(self) -> int:
        return len(self.gaz)

    def values(self):  # one pass, not a lookup per id
        return list(self.gaz.iter_places())


class Gazetteer:
    """Places by folded name.  ``Gazetteer(places)`` holds its rows in memory; the built-in one
    (``builtin_gazetteer()``) reads the world's rows from their index and keeps in memory only
    the rows laid on top of it (``add``, ``with_extra``).

    ``default_countries``: what an exact lookup that names no country searches; None (the
    default, and the built-in gazetteer's) is every country.  A tuple of ISO2 codes limits such
    lookups to those countries, places of 100,000 or more and the rows laid on top, as the
    former built-in data did (``DEFAULT_FUZZY_COUNTRIES``).  Fuzzy spellings are always looked
    for only in the countries asked (or, with none asked, in that former domain)."""

    def __init__(self, places: Iterable[Place] = (), base: _Builtin | None = None,
                 default_countries: tuple[str, ...] | None = None):
        self.base = base
        self.default_countries = default_countries
        self._extra: dict[str, Place] = {}
        self.index: dict[str, list[str]] = defaultdict(list)  # the rows held in memory only
        self._by_len: dict[int, list[str]] | None = None
        self._cache: dict[tuple, list[tuple[Place, float]]] = {}
        self._admin1_rows: dict[tuple[str, str], Place] | None = None
        self.add(places)

    @property
    def places(self) -> Mapping[str, Place]:
        return _PlacesView(self) if self.base is not None else self._extra

    def with_extra(self, places: Iterable[Place]) -> "Gazetteer":
        """A gazetteer with ``places`` laid on top of this one's, sharing its built-in index."""
        g = Gazetteer(base=self.base, default_countries=self.default_countries)
        g.add(self._extra.values())
        g.add(places)
        return g

    def add(self, places: Iterable[Place]) -> int:
        n = 0
        for p in places:
            old = self._extra.get(p.id) or (self.base.get(p.id) if self.base is not None else None)
            if old is not None:
                p = _merge(old, p)
                if self.base is not None:  # its built-in spellings are found through the index already
                    for key in _keys(p):
                        if p.id in self.base.ids(key) and p.id not in self.index.get(key, ()):
                            self.index[key].append(p.id)
            self._extra[p.id] = p
            for key in _keys(p):
                if p.id not in self.index[key]:
                    self.index[key].append(p.id)
            n += 1
        self._by_len = None
        self._cache = {}
        self._admin1_rows = None
        return n

    def __len__(self) -> int:
        if self.base is None:
            return len(self._extra)
        return len(self.base) + sum(1 for i in self._extra if self.base.get(i) is None)

    def iter_places(self) -> Iterator[Place]:
        if self.base is not None:
            for p in self.base.all():
                yield self._extra.get(p.id, p)
            yield from (p for i, p in self._extra.items() if self.base.get(i) is None)
        else:
            yield from self._extra.values()

    def get(self, place_id: str | None) -> Place | None:
        pid = place_id or ""
        p = self._extra.get(pid)
        if p is None and self.base is not None:
            p = self.base.get(pid)
        return p

    def _ids(self, key: str) -> list[str]:
        ids = self.base.ids(key) if self.base is not None else []
        return list(dict.fromkeys([*ids, *self.index.get(key, ())]))

    def exact(self, name: str, countries: Iterable[str] | str | None = None) -> list[Place]:
        """Places whose name or alternate name folds to ``name``'s key: in ``countries`` (ISO2
        codes), in every country (``EVERYWHERE``), or (None) in ``default_countries``."""
        hits = [p for p in (self.get(i) for i in self._ids(fold(name))) if p is not None]
        if countries == EVERYWHERE:
            return hits
        if countries is not None:
            cs = {c.upper() for c in countries}
            return [p for p in hits if p.country_code in cs]
        return [p for p in hits if self._in_domain(p, None)]

    def _fuzzy_keys(self, countries: tuple[str, ...] | None) -> dict[int, list[str]]:
        if self._by_len is None:
            self._by_len = defaultdict(list)
            for k in self.index:
                self._by_len[len(k)].append(k)
        if self.base is None:
            return self._by_len
        base = self.base.fuzzy_keys(countries)
        if not self._by_len:
            return base
        merged = defaultdict(list, {n: list(ks) for n, ks in base.items()})
        for n, ks in self._by_len.items():
            merged[n] += [k for k in ks if k not in set(base.get(n, ()))]
        return merged

    def _in_domain(self, p: Place, countries: tuple[str, ...] | None) -> bool:
        if countries:
            return p.country_code in countries
        return self.default_countries is None or p.id in self._extra or p.country_code in self.default_countries \
            or _big(p)

    def candidates(self, name: str, limit: int = 10, countries: Iterable[str] | None = None,
                   ) -> list[tuple[Place, float]]:
        """Places a name may refer to: exact folded matches (score 100) in every country (with
        ``countries`` None: as ``exact``), else close fuzzy spellings among the places of
        ``countries`` (ISO2 codes; with None, the former built-in region and large places)."""
        key = fold(name)
        if not key:
            return []
        cs = tuple(sorted({c.upper() for c in countries if c})) or None if countries is not None else None
        ck = (key, cs)
        if ck in self._cache:
            return self._cache[ck]
        hits = [(p, 100.0) for p in self.exact(name, EVERYWHERE if cs else None)]
        if not hits and len(key) >= 5:
            by_len = self._fuzzy_keys(cs)
            # a ratio of 88+ needs lengths within about a quarter of each other: search only those keys
            found: list[tuple[str, float]] = []
            for length in range(int(len(key) * 0.78), int(len(key) * 1.28) + 1):
                bucket = by_len.get(length)
                if bucket:
                    found += [(k, sc) for k, sc, _ in process.extract(key, bucket, scorer=fuzz.ratio,
                                                                      score_cutoff=FUZZY_THRESHOLD, limit=limit)]
            for k, score in sorted(found, key=lambda x: -x[1])[:limit]:
                hits += [(p, float(score)) for p in (self.get(i) for i in self._ids(k))
                         if p is not None and self._in_domain(p, cs)]
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[ck] = hits
        return hits

    def admin1_place(self, admin1: str, country_code: str = "SY") -> Place | None:
        """The governorate itself (its ADM1 row, whatever the row is called), for region-level precision."""
        if self._admin1_rows is None:
            self._admin1_rows = {(p.country_code, p.admin1): p for p in self._extra.values()
                                 if p.feature_code == "ADM1" and p.admin1}
        hit = self._admin1_rows.get((country_code, admin1))
        if hit is None and self.base is not None:
            hit = self.base.admin1_row(country_code, admin1)
            if hit is not None:
                hit = self._extra.get(hit.id, hit)
        return hit

    def pattern_names(self, countries: tuple[str, ...] = ("SY",), min_population: int = BIG) -> Iterator[tuple[str, str]]:
        """(surface name, place id) for the entity ruler: every name of places in ``countries``,
        the main name of large places elsewhere, and every country's admin1 names (id
        ``admin1:CC.code``) that are not common words."""
        seen = set()
        rows = self.base.for_patterns(countries, min_population) if self.base is not None else ()
        for p in [*rows, *self._extra.values()]:
            p = self._extra.get(p.id, p)
            if p.id in seen:
                continue
            seen.add(p.id)
            if p.country_code in countries:
                for n in {p.name, *p.alternate_names}:
                    yield n, p.id
            elif p.population >= min_population or p.feature_code in ("PCLI", "ADM1"):
                yield p.name, p.id
        if self.base is not None:
            from spacy.lang.en.stop_words import STOP_WORDS
            for code, name, asciiname in self.base.admin1_names():
                if code[:2] in countries:
                    continue  # their curated names are above
                for n in {name if name.isascii() else asciiname, *_admin1_short(asciiname)}:
                    if len(n) >= 4 and n.lower() not in STOP_WORDS and n.lower() not in _GENERIC_ADMIN1 \
                            and by_demonym(n) is None \
                            and n[:1].isupper():
                        yield n, f"admin1:{code}"


def _admin1_short(name: str) -> list[str]:
    """'Sagaing Region' -> ['Sagaing']: the name reporting uses with its own noun after it."""
    for suf in _ADMIN1_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 3:
            return [name[: -len(suf)].rstrip("'")]
    return []


def _data(name: str):
    return resources.files("frontlines.data.places").joinpath(name)


BUILTIN_FILES = ("cities500.txt.gz", "admin1CodesASCII.txt", "admin1_english.tsv", "syria_curated.tsv")


@lru_cache(maxsize=1)
def _read_admin1_geonames() -> dict[str, str]:
    f = _data("admin1CodesASCII.txt")
    return parse_admin1(f.read_text(encoding="utf-8").splitlines()) if f.is_file() else {}


@lru_cache(maxsize=1)
def _read_admin1() -> dict[str, str]:
    """Admin1 code -> the division's name as written ("UA.07" -> "Kharkiv"; see admin1_names).
    Read once per process (every division a report names asks for it); callers do not mutate it."""
    return english(_read_admin1_geonames())


def builtin_places() -> Iterator[Place]:
    """Every built-in row as a ``Place`` (cities500 worldwide, then curated rows): slow and
    large, for building the index; lookups go through ``builtin_gazetteer()``."""
    admin1 = _read_admin1()
    cities = _data("cities500.txt.gz")
    if cities.is_file():
        with gzip.open(io.BytesIO(cities.read_bytes()), "rt", encoding="utf-8") as fh:
            yield from parse_geonames(fh, admin1, "GeoNames cities500")
    curated = _data("syria_curated.tsv")
    if curated.is_file():
        yield from parse_curated(curated.read_text(encoding="utf-8"), "syria_curated.tsv")


def _fingerprint() -> str:
    """What the index was made from: each data file's size and modification time (reading 8 MB
    to hash it would cost more than opening the index) and the name folding's source."""
    h = hashlib.sha256(f"schema {SCHEMA}".encode())
    for name in BUILTIN_FILES:
        f = _data(name)
        st = os.stat(str(f)) if f.is_file() else None
        h.update(f"{name} {st.st_size if st else -1} {st.st_mtime_ns if st else -1}".encode())
    h.update(Path(_names_module.__file__).read_bytes())  # the folding the keys were made with
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    env = os.environ.get("FRONTLINES_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "frontlines"


def build_index(path: Path) -> None:
    """Index the built-in rows into a SQLite file at ``path`` (written beside it, then moved in)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE places (id TEXT PRIMARY KEY, name TEXT, latitude REAL, longitude REAL, fclass TEXT,
                                 fcode TEXT, cc TEXT, admin1 TEXT, admin2 TEXT, population INTEGER, source TEXT,
                                 alts TEXT);
            CREATE TABLE names (key TEXT, id TEXT, cc TEXT, big INTEGER);
            CREATE TABLE admin1 (code TEXT PRIMARY KEY, name TEXT, asciiname TEXT);
        """)
        curated = {p.id: p for p in parse_curated(_data("syria_curated.tsv").read_text(encoding="utf-8"),
                                                  "syria_curated.tsv")} if _data("syria_curated.tsv").is_file() else {}
        admin1 = _read_admin1()
        cities = _data("cities500.txt.gz")

        def rows() -> Iterator[Place]:
            if cities.is_file():
                with gzip.open(io.BytesIO(cities.read_bytes()), "rt", encoding="utf-8") as fh:
                    for p in parse_geonames(fh, admin1, "GeoNames cities500"):
                        yield _merge(p, curated.pop(p.id)) if p.id in curated else p
            yield from list(curated.values())

        batch_p, batch_n = [], []
        for p in rows():
            batch_p.append(_row(p))
            big = int(_big(p))
            batch_n += [(k, p.id, p.country_code, big) for k in _keys(p)]
            if len(batch_p) >= 20_000:
                db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch_p)
                db.executemany("INSERT INTO names VALUES (?,?,?,?)", batch_n)
                batch_p, batch_n = [], []
        db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch_p)
        db.executemany("INSERT INTO names VALUES (?,?,?,?)", batch_n)
        f = _data("admin1CodesASCII.txt")
        if f.is_file():
            names = _read_admin1()  # the name divisions are written under, GeoNames' ASCII name beside it
            a1 = [(code, names.get(code, name), ascii_name) for code, name, ascii_name, *_ in
                  (ln.split("\t") for ln in f.read_text(encoding="utf-8").splitlines() if ln.count("\t") >= 2)]
            db.executemany("INSERT OR REPLACE INTO admin1 VALUES (?,?,?)", a1)
        db.executescript("CREATE INDEX names_key ON names(key); CREATE INDEX names_cc ON names(cc, key); "
                         "CREATE INDEX places_adm1 ON places(fcode, cc, admin1); ANALYZE;")
        db.commit()
        db.close()
        os.replace(tmp, path)
        drop_stale_indexes(path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


STALE_DAYS = 7  # an index no process has opened for this long is removed when another is built


def drop_stale_indexes(path: Path, days: float = STALE_DAYS) -> list[Path]:
    """Remove the indexes beside ``path`` (of former data or code) that no process opened in ``days``.
    Two installations share the cache folder (two checkouts, an upgrade while an ingest runs): each
    builds its own index, and removing the other's at once broke the other's running ingest, whose
    forked workers open the index by its path (they failed with "unable to open database file")."""
    cutoff = time.time() - days * 86400
    gone = []
    for stale in path.parent.glob("gazetteer-*.sqlite"):
        try:
            if stale != path and stale.stat().st_mtime < cutoff:
                stale.unlink()
                gone.append(stale)
        except OSError:
            continue
    return gone


def builtin_index() -> Path:
    """The built-in rows' SQLite index, built on first use (about half a minute) and reused; each
    use marks it as in use (its modification time) so that another installation keeps it."""
    name = f"gazetteer-{_fingerprint()}.sqlite"
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / f"frontlines-{os.getuid()}"):
        path = folder / name
        if path.is_file():
            try:
                os.utime(path)
            except OSError:  # a read-only cache: used as it is
                pass
            return path
        try:
            build_index(path)
            return path
        except OSError:
            continue
    raise OSError("no writable folder for the gazetteer index: set FRONTLINES_CACHE")


@lru_cache(maxsize=1)
def builtin_gazetteer() -> Gazetteer:
    return Gazetteer(base=_Builtin(builtin_index()))
