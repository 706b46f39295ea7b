"""ACLED's generic actors for every country, made from the country table, not listed per country.

"Military Forces of Sudan", "Police Forces of Sudan", "Government of Sudan",
"Unidentified Armed Group (Sudan)", "Civilians (Sudan)", "Protesters (Sudan)", "Rioters (Sudan)":
the patterns, inter codes and the nouns that name each kind after a state adjective are in
``data/actors/generic.tsv``; the countries, their names and demonyms in
``data/places/countries.tsv``.  Ids are stable: ``military:SD``, ``civilians:SD``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..places.countries import Country, by_demonym, by_name, country, of_name
from ..records import Actor

KINDS = ("military", "police", "government", "unidentified_armed_group", "civilians", "protesters", "rioters")


@dataclass(frozen=True)
class Pattern:
    kind: str
    name: str
    inter: int
    type: str
    nouns: tuple[str, ...]


@lru_cache(maxsize=1)
def patterns() -> dict[str, Pattern]:
    text = resources.files("frontlines.data.actors").joinpath("generic.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    out = {}
    for ln in lines[1:]:
        row = dict(zip(header, ln.split("\t")))
        out[row["kind"]] = Pattern(row["kind"], row["name"], int(row["inter"]), row["type"],
                                   tuple(n for n in (row.get("nouns") or "").split("|") if n))
    return out


def generic_id(kind: str, iso2: str) -> str:
    return f"{kind}:{iso2.upper()}"


def generic_name(kind: str, c: Country) -> str:
    return patterns()[kind].name.format(of=of_name(c), country=c.name)


@lru_cache(maxsize=4096)
def generic_actor(kind: str, iso2: str) -> Actor | None:
    """The ACLED generic actor of ``kind`` (one of ``KINDS``) for the country ``iso2``; None if unknown."""
    p = patterns().get(kind)
    c = country(iso2)
    if p is None or c is None:
        return None
    demonym = c.demonyms[0] if c.demonyms else None
    aliases = [f"{d} {n}" for d in c.demonyms for n in p.nouns] if p.nouns else []
    return Actor(id=generic_id(kind, c.iso2), name=generic_name(kind, c), acled_name=generic_name(kind, c),
                 inter=p.inter, type=p.type, country=c.name,
                 demonym=demonym if kind == "military" else None, aliases=aliases,
                 sources=["ACLED Codebook: generic actor names", "data/places/countries.tsv"])


def is_generic_id(actor_id: str | None) -> bool:
    kind, _, iso2 = (actor_id or "").partition(":")
    return kind in KINDS and len(iso2) == 2


def generic_by_id(actor_id: str | None) -> Actor | None:
    """``military:SD`` -> the Military Forces of Sudan; None for any other id."""
    if not is_generic_id(actor_id):
        return None
    kind, _, iso2 = actor_id.partition(":")
    return generic_actor(kind, iso2)


@lru_cache(maxsize=1)
def _nouns() -> dict[str, str]:
    out: dict[str, str] = {}
    for p in patterns().values():
        for n in p.nouns:
            out.setdefault(n.lower(), p.kind)
    return out


def state_actor_for_adjective(phrase: str) -> tuple[str, str] | None:
    """'Russian forces' -> ('RU', 'military'), 'Sudanese police' -> ('SD', 'police'), 'Israeli strike' ->
    ('IL', 'military'), 'Malian government' -> ('ML', 'government'); a bare 'Ukrainian' -> ('UA', 'military'),
    a bare 'Sri Lanka' -> None (the country, not its forces).
    Also a country name used attributively ('Sudan army', 'U.S. troops').  None when the words are not
    a state adjective (+ a noun of a state kind)."""
    words = phrase.replace("’s", "").replace("'s", "").split()
    if not words:
        return None
    nouns = _nouns()
    for cut in range(min(3, len(words)), 0, -1):  # the longest adjective first ("South Sudanese army")
        adj, rest = " ".join(words[:cut]), " ".join(words[cut:]).lower().strip(".,;:")
        dem = by_demonym(adj)
        c = dem or by_name(adj)
        if c is None:
            continue
        if not rest:  # "the Ukrainian" is a soldier; "Sri Lanka", a country's name alone, is the country
            return (c.iso2, "military") if dem else None
        if rest in nouns:
            return c.iso2, nouns[rest]
        if rest.split()[-1] in nouns:  # "Sudanese regular army", "Russian fighter jets"
            return c.iso2, nouns[rest.split()[-1]]
        return None
    return None


def generic_for_adjective(phrase: str) -> Actor | None:
    hit = state_actor_for_adjective(phrase)
    return generic_actor(hit[1], hit[0]) if hit else None


def generic_for_country_name(kind: str, name: str) -> Actor | None:
    """``generic_actor`` by a country's name or short form ('Sudan', 'DRC')."""
    c = by_name(name)
    return generic_actor(kind, c.iso2) if c else None
