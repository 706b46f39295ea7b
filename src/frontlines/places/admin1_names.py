"""The names first-level divisions are written under.

GeoNames' admin1 names are often transliterations or adjectival forms ("Kharkivska oblast",
"Ash Shamali", "Tarabulus") where reports and ACLED write "Kharkiv", "Northern District",
"Tripoli".  ``english`` gives every division the name of ``admin1_english.tsv`` where it has one,
else GeoNames' name without its type word ("Western Province" -> "Western"), so places, divisions,
outlines and exports all carry one name per division.  The GeoNames names stay searchable.
"""
from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

# type words a division's name can end with, which the name is written without
TYPE_SUFFIXES = (" Oblast", " oblast", " Province", " Regional State", " Region", " Governorate")


@lru_cache(maxsize=1)
def overrides() -> dict[str, str]:
    f = resources.files("frontlines.data.places").joinpath("admin1_english.tsv")
    if not f.is_file():
        return {}
    lines = [ln for ln in f.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return {row["code"]: row["name"] for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t")
            if row.get("code") and row.get("name")}


def plain(name: str) -> str:
    """'Western Province' -> 'Western'; a name that is only its type word stays as it is."""
    for suf in TYPE_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 2:
            return name[: -len(suf)]
    return name


def english(geonames: dict[str, str]) -> dict[str, str]:
    """{'UA.07': 'Kharkivska oblast', ...} -> {'UA.07': 'Kharkiv', ...}."""
    table = overrides()
    return {code: table.get(code) or plain(name) for code, name in geonames.items()}


def renaming(geonames: dict[str, str]) -> dict[tuple[str, str], str]:
    """(country code, GeoNames name) -> the division's name, for rows that carry GeoNames' name
    as text (the curated table, older stores)."""
    out = {}
    for code, new in english(geonames).items():
        old = geonames[code]
        if old != new:
            out[(code.split(".")[0], old)] = new
    return out
