"""Loading GeoNames dumps into the store, and fetching them.

GeoNames (https://www.geonames.org/) publishes its gazetteer as tab-separated dumps
under https://download.geonames.org/export/dump/: one file per country (``SY.zip``),
``allCountries.zip``, the ``cities500``/``1000``/``5000``/``15000`` extracts,
``admin1CodesASCII.txt`` (governorate names) and the alternate-name files
(``alternatenames/SY.zip``, ``alternateNamesV2.zip``).  The data is © GeoNames,
licensed under Creative Commons Attribution 4.0 (CC BY 4.0); anything built from
it must credit GeoNames.

The pieces here:

* ``read_dump`` streams the text lines of a dump, plain or zipped;
* ``read_alternate_names`` picks the Latin-script spellings out of an alternate-names file;
* ``load_dump`` turns a dump into ``Place`` rows (with governorate names and extra
  spellings) and writes them to the store in bulk;
* ``fetch`` downloads the files for some country codes into a folder, in the layout
  ``load_dump`` looks for.
"""
from __future__ import annotations

import http.client
import io
import logging
import os
import re
import sys
import tempfile
import unicodedata
import urllib.error
import urllib.request
import zipfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..records import Place
from .admin1_names import english
from .gazetteer import _read_admin1, parse_admin1, parse_geonames

if TYPE_CHECKING:
    from rich.progress import Progress

    from ..store.db import Store

log = logging.getLogger(__name__)

BASE_URL = "https://download.geonames.org/export/dump/"
ADMIN1_FILE = "admin1CodesASCII.txt"
SPECIAL_DUMPS = ("allCountries", "cities500", "cities1000", "cities5000", "cities15000")
# Spellings for these languages are kept: unspecified, English, romanised Arabic, French
# (Mandate-era maps and many reports use French transliterations).
DEFAULT_LANGUAGES: tuple[str, ...] = ("", "en", "ar-Latn", "fr")
# Pseudo-languages of alternateNamesV2 whose "names" are links, codes or postcodes.
SKIPPED_LANGUAGES = frozenset({"link", "post", "iata", "icao", "faac", "wkdt", "unlc"})
BATCH = 5000
CHUNK = 1 << 16
USER_AGENT = "frontlines-geonames/0.1 (+https://www.geonames.org/export/)"
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


class FetchError(Exception):
    """A download that did not complete: HTTP error, network failure or a broken file."""


# ---- reading ------------------------------------------------------------------------------

def _zip_member(zf: zipfile.ZipFile, stem: str) -> zipfile.ZipInfo:
    """The data file inside a GeoNames zip: ``<stem>.txt``, else the largest .txt that is not a readme."""
    texts = [i for i in zf.infolist() if i.filename.lower().endswith(".txt") and not i.is_dir()]
    for info in texts:
        if Path(info.filename).name == f"{stem}.txt":
            return info
    data = [i for i in texts if not Path(i.filename).name.lower().startswith("readme")]
    if not data:
        raise ValueError(f"{zf.filename}: no data file (.txt) inside")
    return max(data, key=lambda i: i.file_size)


def read_dump(path: str | Path) -> Iterator[str]:
    """Yield the lines of a GeoNames text file given as ``.txt`` or ``.zip``, one at a time.

    Nothing is read ahead, so ``allCountries.zip`` streams in constant memory.  Bytes
    that are not UTF-8 are replaced rather than aborting a long load.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf, zf.open(_zip_member(zf, path.stem)) as raw:
            yield from io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="\n")
    else:
        with path.open(encoding="utf-8", errors="replace", newline="\n") as fh:
            yield from fh


def is_latin_name(name: str) -> bool:
    """True for a name in Latin script: at least one ASCII letter and no letter of another script
    ("Ḩalab" yes, "حلب" no, mixed garbage like "ladhqyہ" no)."""
    if name.isascii():
        return any(c.isalpha() for c in name)
    has_ascii_letter = False
    for c in name:
        if not c.isalpha():
            continue
        if c.isascii():
            has_ascii_letter = True
        elif not unicodedata.name(c, "").startswith("LATIN"):
            return False
    return has_ascii_letter


def read_alternate_names(path: str | Path, languages: Collection[str] | None = DEFAULT_LANGUAGES,
                         ids: Collection[str] | None = None) -> dict[str, list[str]]:
    """Map geonameid -> Latin-script alternate names from ``alternateNamesV2.txt`` (or a zip of it).

    Columns: alternateNameId, geonameid, isolanguage, name, isPreferredName, isShortName,
    isColloquial, isHistoric, from, to.  Rows for links, postcodes and airport/UN codes are
    skipped, as are names in other scripts.  ``languages=None`` keeps every language;
    ``ids`` limits the result to those geonameids (keeps memory small for big files).
    """
    wanted = None if languages is None else frozenset(languages)
    out: dict[str, list[str]] = {}
    for line in read_dump(path):
        parts = line.rstrip("\r\n").split("\t")
        if len(parts) < 4:
            continue
        gid, lang, name = parts[1], parts[2], parts[3].strip()
        if lang in SKIPPED_LANGUAGES or (wanted is not None and lang not in wanted):
            continue
        if not name or (ids is not None and gid not in ids) or not is_latin_name(name):
            continue
        names = out.setdefault(gid, [])
        if name not in names:
            names.append(name)
    return out


# ---- loading ------------------------------------------------------------------------------

def _beside(dump: Path, *names: str) -> Path | None:
    """The first of ``names`` that exists in the dump's folder."""
    for name in names:
        candidate = dump.parent / name
        if candidate.is_file():
            return candidate
    return None


def _alternate_names_file(code: str) -> str | None:
    """Where GeoNames keeps the alternate names matching a dump, relative to the dump folder."""
    if _COUNTRY.match(code):
        return f"alternatenames/{code.upper()}.zip"
    if code == "allCountries":
        return "alternateNamesV2.zip"
    return None


def _find_alternate_names(dump: Path) -> Path | None:
    name = _alternate_names_file(dump.stem)
    if name is None:
        return None
    return _beside(dump, name, str(Path(name).with_suffix(".txt")))


def _geonameids(lines: Iterable[str], country: str | None) -> set[str]:
    """The ids a dump holds (of one country, if given): the only ones whose spellings we need."""
    ids = set()
    for line in lines:
        parts = line.split("\t", 9)
        if len(parts) > 8 and (country is None or parts[8] == country):
            ids.add(parts[0])
    return ids


def parse_rows(lines: Iterable[str], admin1: dict[str, str], source: str) -> Iterator[Place]:
    """``parse_geonames`` made robust: a row it cannot read (missing columns, bad numbers,
    coordinates off the globe) is logged and skipped instead of ending the load."""
    skipped = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            places = list(parse_geonames((line,), admin1, source))
        except ValueError as exc:  # pydantic's ValidationError is a ValueError too
            log.debug("%s line %d: %s", source, number, exc)
            places = []
        place = places[0] if places else None
        if place is None or not (-90 <= place.latitude <= 90 and -180 <= place.longitude <= 180):
            skipped += 1
            continue
        yield place
    if skipped:
        log.warning("%s: skipped %d malformed row(s)", source, skipped)


def _with_alternates(places: Iterable[Place], extra: dict[str, list[str]]) -> Iterator[Place]:
    for p in places:
        more = extra.get(p.id.removeprefix("geonames:"))
        if more:
            names = set(p.alternate_names) | set(more)
            names.discard(p.name)
            p = p.model_copy(update={"alternate_names": sorted(names)})
        yield p


def _country(code: str | None) -> str | None:
    if code is None:
        return None
    if not _COUNTRY.match(code):
        raise ValueError(f"not a two-letter country code: {code!r}")
    return code.upper()


def read_places(path: str | Path, admin1_path: str | Path | None = None,
                alternate_names_path: str | Path | None = None, country: str | None = None) -> Iterator[Place]:
    """The places of a GeoNames dump, as ``load_dump`` reads them, without a store."""
    path = Path(path)
    country = _country(country)
    admin1_file = Path(admin1_path) if admin1_path else _beside(path, ADMIN1_FILE)
    admin1 = english(parse_admin1(read_dump(admin1_file))) if admin1_file else _read_admin1()
    alt_file = Path(alternate_names_path) if alternate_names_path else _find_alternate_names(path)
    extra: dict[str, list[str]] = {}
    if alt_file:
        extra = read_alternate_names(alt_file, ids=_geonameids(read_dump(path), country))
    places = parse_rows(read_dump(path), admin1, f"GeoNames {path.name}")
    if country:
        places = (p for p in places if p.country_code == country)
    return _with_alternates(places, extra)


def load_dump(store: Store, path: str | Path, admin1_path: str | Path | None = None,
              alternate_names_path: str | Path | None = None, country: str | None = None) -> int:
    """Parse a GeoNames dump and bulk-write its places to ``store``; return how many were stored.

    ``admin1_path`` defaults to ``admin1CodesASCII.txt`` beside the dump, else the built-in
    table of every country's first-level names; ``alternate_names_path`` defaults to the file ``fetch``
    puts beside it (``alternatenames/SY.zip`` for ``SY.zip``).  ``country`` keeps only one
    country's rows, e.g. ``"SY"`` out of ``allCountries.zip``.  Malformed rows are skipped.
    """
    return store.add_places(read_places(path, admin1_path, alternate_names_path, country), batch=BATCH)


# ---- fetching -----------------------------------------------------------------------------

def dump_name(code: str) -> str:
    """A validated dump name: a two-letter country code (upper-cased) or one of ``SPECIAL_DUMPS``."""
    if code in SPECIAL_DUMPS:
        return code
    if isinstance(code, str) and _COUNTRY.match(code):
        return code.upper()
    raise ValueError(f"not a GeoNames dump: {code!r} (use a two-letter country code or one of "
                     f"{', '.join(SPECIAL_DUMPS)})")


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A Rich progress display on stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                               TransferSpeedColumn)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True)) as progress:
        yield progress


def _open(url: str, timeout: float) -> http.client.HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (http/https only)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise FetchError(f"download of {url} failed: HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise FetchError(f"download of {url} failed: {exc.reason}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"download of {url} failed: {str(exc) or type(exc).__name__}") from exc


def _copy(response: http.client.HTTPResponse, url: str, fh: io.BufferedWriter,
          progress: Progress | None) -> int:
    total = int(response.headers.get("Content-Length") or 0) or None
    task = progress.add_task(url.rsplit("/", 1)[-1], total=total) if progress else None
    written = 0
    try:
        while chunk := response.read(CHUNK):
            fh.write(chunk)
            written += len(chunk)
            if progress is not None:
                progress.update(task, advance=len(chunk))
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"download of {url} failed: {str(exc) or type(exc).__name__}") from exc
    if total is not None and written != total:
        raise FetchError(f"download of {url} failed: got {written} of {total} bytes")
    return written


def download(url: str, target: Path, timeout: float = 60, progress: Progress | None = None) -> Path:
    """Download ``url`` to ``target`` through a temporary file that is renamed on success,
    so a failed download never leaves a partial file behind."""
    response = _open(url, timeout)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with response, os.fdopen(fd, "wb") as fh:
            _copy(response, url, fh, progress)
        if target.suffix == ".zip" and not zipfile.is_zipfile(tmp):
            raise FetchError(f"download of {url} failed: not a zip file")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _not_found(exc: FetchError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, urllib.error.HTTPError) and cause.code == 404


def fetch(codes: Iterable[str], dest_dir: str | Path, base_url: str = BASE_URL,
          timeout: float = 60) -> list[Path]:
    """Download ``<CC>.zip`` for each code, ``admin1CodesASCII.txt``, and the matching
    alternate-names file where GeoNames has one (a 404 there is fine) into ``dest_dir``,
    mirroring the server's layout.  Every code is validated before the first request.
    Returns the files written."""
    names = list(dict.fromkeys(dump_name(c) for c in codes))
    if not names:
        raise ValueError("no GeoNames dump named")
    dest = Path(dest_dir)
    base = base_url if base_url.endswith("/") else base_url + "/"
    files: list[Path] = []
    with _progress() as progress:
        for name in names:
            files.append(download(f"{base}{name}.zip", dest / f"{name}.zip", timeout, progress))
        files.append(download(base + ADMIN1_FILE, dest / ADMIN1_FILE, timeout, progress))
        for name in names:
            alt = _alternate_names_file(name)
            if alt is None:
                continue
            try:
                files.append(download(base + alt, dest / alt, timeout, progress))
            except FetchError as exc:
                if not _not_found(exc):  # GeoNames has no alternate names for some codes
                    raise
    return files
