"""The country table (``data/places/countries.tsv``): ISO codes, ACLED's name and region,
other names and short forms, demonyms and state adjectives, capital.

Country facts live in that file, not here: adding or correcting a country is a data change.
All lookups are case-insensitive and cached; the table is read once per process.
"""
from __future__ import annotations

import re

from functools import lru_cache
from importlib import resources

from pydantic import Field

from ..records import Record


class Country(Record):
    iso2: str
    iso3: str
    numeric: int | None = None
    name: str  # as ACLED writes it
    article: str = ""  # "the" where ACLED writes "Military Forces of the United States"
    region: str = ""  # ACLED's region
    capital: str = ""
    names: list[str] = Field(default_factory=list)  # other names and short forms
    demonyms: list[str] = Field(default_factory=list)  # demonyms and state adjectives
    city: bool = False  # a territory that is one city (Singapore, Hong Kong): naming it names the city


def _key(text: str) -> str:
    return " ".join(text.replace(".", "").replace("’", "'").lower().split())


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Country], dict[str, str], dict[str, str]]:
    text = resources.files("frontlines.data.places").joinpath("countries.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    by_iso: dict[str, Country] = {}
    names: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    for ln in lines[1:]:
        row = dict(zip(header, ln.split("\t")))
        c = Country(iso2=row["iso2"], iso3=row["iso3"], numeric=int(row["numeric"]) if row["numeric"] else None,
                    name=row["name"], article=row.get("article", ""), region=row["region"], capital=row["capital"].split("|")[0],
                    names=[n for n in row["names"].split("|") if n],
                    demonyms=[d for d in row["demonyms"].split("|") if d], city=row.get("city") == "1")
        by_iso[c.iso2] = c
    # the ACLED names first, so no alias of another country can take one
    for c in by_iso.values():
        names.setdefault(_key(c.name), c.iso2)
    for c in by_iso.values():
        for n in (*c.names, c.iso3):
            names.setdefault(_key(n), c.iso2)
        for d in c.demonyms:  # the first country listing a word owns it ("Congolese" -> CD)
            demonyms.setdefault(_key(d), c.iso2)
    return by_iso, names, demonyms


def of_name(c: Country) -> str:
    """The name after "of": 'the United States', 'Sudan'."""
    return f"{c.article} {c.name}" if c.article else c.name


def all_countries() -> list[Country]:
    return list(_table()[0].values())


def country(iso2: str | None) -> Country | None:
    return _table()[0].get((iso2 or "").upper())


@lru_cache(maxsize=16384)  # every capitalised run of an article is looked up: the same few, again and again
def by_name(text: str | None) -> Country | None:
    """'Sudan', 'the DRC', 'U.S.', 'Burma', 'Côte d'Ivoire', 'SDN' -> the country; also an ISO2 code."""
    k = _key(text or "")
    k = re.sub(r"^(?:the )?republic of |(?<=\w) republic$", "", k) if k not in _table()[1] else k  # "Niger Republic"
    if k.startswith("the "):
        k = k[4:] if _key(k[4:]) in _table()[1] else k
    iso = _table()[1].get(k)
    if iso is None and len(k) == 2 and k.upper() in _table()[0]:
        iso = k.upper()
    return country(iso)


def by_demonym(word: str | None) -> Country | None:
    """'Sudanese' -> Sudan, 'Burmese' -> Myanmar, 'U.S.' -> United States (state adjectives too)."""
    return country(_table()[2].get(_key(word or "")))


def iso2_of(name: str | None) -> str | None:
    """The ISO2 code of a country name as ACLED (or reporting) writes it."""
    c = by_name(name)
    return c.iso2 if c else None


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """iso2 -> ACLED country name, for every country in the table."""
    return {c.iso2: c.name for c in all_countries()}
