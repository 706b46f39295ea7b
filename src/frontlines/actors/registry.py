"""The actor knowledge base: canonical names, aliases, former names and dated relations.

Registries are YAML files (schema in ``data/actors/SOURCES.md``).  The built-in one covers
the Syrian conflict; users add their own with ``--actors FILE`` or ``$FRONTLINES_ACTORS``
(several files separated by ``:``), with no code change.
"""
from __future__ import annotations

import os
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

import yaml
from rapidfuzz import fuzz, process

from ..memo import Memo
from ..names import fold
from ..records import Actor, FormerName, Relation, Stronghold
from .generic import generic_by_id

FORCE_NOUNS = ("forces", "troops", "army", "military", "soldiers", "units", "warplanes", "jets",
               "aircraft", "drones", "helicopters", "artillery", "navy", "air force", "military police")
FUZZY_THRESHOLD = 88
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses the registries ~5x faster
COUNTRY_SHORT = {"US": "United States", "USA": "United States", "UK": "United Kingdom", "UAE": "United Arab Emirates",
                 "KSA": "Saudi Arabia", "DRC": "Democratic Republic of Congo"}


def _date(v, end: bool = False) -> date | None:
    """ISO date, or a year-month / year.  A coarse *end* date means the end of that month or
    year (the relation held at some point in it), a coarse start its beginning."""
    if v in (None, "", "null"):
        return None
    if isinstance(v, date):
        return v
    parts = str(v).split("-")
    y = int(parts[0])
    if len(parts) > 2:
        return date(y, int(parts[1]), int(parts[2]))
    if len(parts) == 2:
        m = int(parts[1])
        if not end:
            return date(y, m, 1)
        return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return date(y, 12, 31) if end else date(y, 1, 1)


def _actor(entry: dict) -> Actor:
    return Actor(
        id=entry["id"], name=entry["name"], acled_name=entry.get("acled_name"), inter=int(entry.get("inter", 8)),
        type=entry.get("type", "other"), country=entry.get("country") or "", demonym=entry.get("demonym"),
        aliases=[str(a) for a in entry.get("aliases") or []],
        former_names=[FormerName(name=f["name"], start=_date(f.get("from")), end=_date(f.get("until"), end=True))
                      for f in entry.get("former_names") or []],
        descriptors=[str(d) for d in entry.get("descriptors") or []],
        relations=[Relation(type=r["type"], target=r["target"], start=_date(r.get("from")),
                            end=_date(r.get("until"), end=True), source=str(r.get("source") or ""))
                   for r in entry.get("relations") or []],
        dominant_in=[Stronghold(admin1=[str(a) for a in d.get("admin1") or []], start=_date(d.get("from")),
                                end=_date(d.get("until"), end=True), source=str(d.get("source") or ""),
                                unclaimed_attacks=bool(d.get("unclaimed_attacks")))
                     for d in entry.get("dominant_in") or []],
        sources=[str(s) for s in entry.get("sources") or []])


def _extend(base: Actor, extra: Actor) -> Actor:
    """An overlay entry (``extend: true``) adds aliases, former names and relations to an actor;
    a relation it repeats with an end date ends the base relation then (the user's file wins)."""
    ends = {(r.type, r.target): r.end for r in extra.relations if r.end}
    base = base.model_copy(update={"relations": [
        r.model_copy(update={"end": ends[(r.type, r.target)]}) if (r.type, r.target) in ends else r
        for r in base.relations]})
    return base.model_copy(update={
        "aliases": list(dict.fromkeys(base.aliases + extra.aliases)),
        "former_names": base.former_names + [f for f in extra.former_names
                                              if f.name not in {x.name for x in base.former_names}],
        "relations": base.relations + [r for r in extra.relations
                                        if (r.type, r.target) not in {(x.type, x.target) for x in base.relations}],
        "descriptors": list(dict.fromkeys(base.descriptors + extra.descriptors)),
        "dominant_in": base.dominant_in + extra.dominant_in,
        "sources": list(dict.fromkeys(base.sources + extra.sources))})


def user_registry_files(paths: Iterable[str | Path] | None = None) -> list[Path]:
    """The registry files a user adds: those named by ``FRONTLINES_ACTORS``, then ``paths``."""
    env = os.environ.get("FRONTLINES_ACTORS")
    return [Path(p) for p in (env.split(os.pathsep) if env else []) if p] + [Path(p) for p in paths or []]


class Registry:
    def __init__(self, actors: list[Actor], extensions: list[Actor] = ()):
        self.actors: dict[str, Actor] = {}
        for a in actors:
            self.actors[a.id] = a  # a later file overrides an earlier entry with the same id
        for e in extensions:
            self.actors[e.id] = _extend(self.actors[e.id], e) if e.id in self.actors else e
        self._forms: dict[str, str] = {}
        for a in self.actors.values():
            for form in self.surface_forms(a):
                self._forms.setdefault(fold(form), a.id)
        self._keys = list(self._forms)
        # names looked up again and again (every actor phrase of every article): indexed or memoised once
        self._fuzzy = Memo(65536)  # folded name -> best fuzzy match
        self._by_descriptor = Memo(65536)  # folded phrase -> the actors it describes
        self._demonyms: dict[str, str] = {}
        states: dict[str, list[Actor]] = {}
        self._incoming: dict[str, list[tuple[str, Relation]]] = {}  # target -> (source, relation), in load order
        for a in self.actors.values():
            if a.demonym:
                self._demonyms.setdefault(a.demonym.lower(), a.id)
            if a.type == "state force":
                states.setdefault(a.country.lower(), []).append(a)
            for r in a.relations:
                self._incoming.setdefault(r.target, []).append((a.id, r))
        # a country's national forces (the one with a demonym) before its police, units and regional forces
        self._national = {c: sorted(v, key=lambda a: a.demonym is None)[0].id for c, v in states.items()}
        self._strongholds = [(a.id, a.country.lower(), {fold(x) for x in d.admin1}, d)
                             for a in self.actors.values() for d in a.dominant_in]
        # folded once: by_descriptor runs for every descriptive noun phrase of every article
        self._descriptors = [(a.id, [fold(d) for d in a.descriptors]) for a in self.actors.values() if a.descriptors]

    # ---- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, paths: list[str | Path] | None = None, builtin: bool = True, texts: Iterable[str] = (),
             env: bool = True) -> "Registry":
        """The built-in registries, then the files named by ``FRONTLINES_ACTORS`` (unless not ``env``),
        then ``paths``, then ``texts`` (registry YAML already read, e.g. sent to a Dask worker)."""
        actors: list[Actor] = []
        extensions: list[Actor] = []
        files: list = []
        if builtin:
            files += sorted(p for p in resources.files("frontlines.data.actors").iterdir()
                            if p.name.endswith((".yaml", ".yml")))
        files += user_registry_files(paths) if env else [Path(p) for p in paths or []]
        for text in [f.read_text(encoding="utf-8") for f in files] + list(texts):
            data = yaml.load(text, Loader=_Loader) or {}
            for e in data.get("actors", []) or []:
                if e.get("extend"):
                    extensions.append(_actor({"name": e.get("name", e["id"]), **e}))
                else:
                    actors.append(_actor(e))
        return cls(actors, extensions)

    # ---- names ---------------------------------------------------------------------------
    @staticmethod
    def surface_forms(a: Actor) -> list[str]:
        forms = [a.name, *a.aliases, *(f.name for f in a.former_names)]
        if a.acled_name:
            forms.append(a.acled_name)
        if a.demonym:
            forms += [f"{a.demonym} {noun}" for noun in FORCE_NOUNS]
        return [f for f in forms if f and f.strip()]

    def get(self, actor_id: str | None) -> Actor | None:
        """A listed actor, or one of ACLED's generic actors by its id ('military:SD', 'civilians:ML'),
        made on demand from the country table (they are not listed in ``self.actors``)."""
        return self.actors.get(actor_id or "") or generic_by_id(actor_id)

    def name(self, actor_id: str | None) -> str:
        a = self.get(actor_id)
        return a.name if a else ""

    def lookup(self, text: str) -> tuple[str | None, float]:
        """The actor a name refers to: exact folded match, else the best fuzzy one above threshold."""
        key = fold(text)
        if not key:
            return None, 0.0
        if key in self._forms:
            return self._forms[key], 100.0
        if len(key) < 6:  # short acronyms and words must match exactly
            return None, 0.0
        return self._fuzzy.get_or(key, lambda: self._fuzzy_match(key))

    def _fuzzy_match(self, key: str) -> tuple[str | None, float]:
        hit = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        return (self._forms[hit[0]], float(hit[1])) if hit else (None, 0.0)

    def by_descriptor(self, phrase: str) -> list[str]:
        p = fold(phrase)
        return list(self._by_descriptor.get_or(
            p, lambda: [aid for aid, ds in self._descriptors if any(d == p or d in p for d in ds)]))

    # ---- relations -----------------------------------------------------------------------
    @staticmethod
    def _active(r: Relation, on: date | None) -> bool:
        return on is None or ((r.start is None or r.start <= on) and (r.end is None or on < r.end))

    def relations(self, actor_id: str, on: date | None = None, kind: str | None = None) -> list[Relation]:
        a = self.get(actor_id)
        return [r for r in (a.relations if a else []) if (kind is None or r.type == kind) and self._active(r, on)]

    def dominant_group(self, country: str, admin1: str, on: date | None = None,
                       unclaimed_attacks: bool = False) -> str | None:
        """The one armed group that is the insurgency in ``admin1`` of ``country`` on ``on`` (the
        registry's ``dominant_in``), or None where none or several are; with ``unclaimed_attacks``, only
        one whose stronghold says the attacks left unclaimed there are its."""
        c, a1 = country.lower(), fold(admin1)
        hits = [(aid, d) for aid, country_, places, d in self._strongholds if country_ == c and a1 in places
                and (on is None or ((d.start is None or d.start <= on) and (d.end is None or on <= d.end)))]
        if len({aid for aid, _ in hits}) != 1 or unclaimed_attacks and not any(d.unclaimed_attacks for _, d in hits):
            return None
        return hits[0][0]

    def related_to(self, target_id: str, kind: str, on: date | None = None) -> list[str]:
        """The actors with a ``kind`` relation to ``target_id`` on ``on`` (each once, in load order)."""
        out: list[str] = []
        for source, r in self._incoming.get(target_id, ()):
            if r.type == kind and self._active(r, on) and source not in out:
                out.append(source)
        return out

    def backed_by(self, sponsor_id: str, on: date | None = None) -> list[str]:
        return self.related_to(sponsor_id, "backed_by", on)

    def members(self, coalition_id: str, on: date | None = None) -> list[str]:
        return self.related_to(coalition_id, "member_of", on)

    def by_demonym(self, word: str) -> str | None:
        w = word.lower().strip()
        # else a country name used attributively ("Turkey-backed"): its national forces
        return self._demonyms.get(w) or self._national.get(w)

    def actors_of_country(self, country: str) -> list[str]:
        """Ids of the actors whose ``country`` is ``country`` (case-insensitive), in load order."""
        c = country.lower().strip()
        return [a.id for a in self.actors.values() if a.country.lower() == c]

    def sponsor(self, word: str) -> str | None:
        """The state behind 'X-backed': a demonym ('Turkish'), a country ('Turkey') or its short form ('US')."""
        w = word.strip().strip(".")
        country = COUNTRY_SHORT.get(w.upper().replace(".", ""), w)
        return self.by_demonym(w) or self.by_demonym(country) or self.lookup(w)[0]

    def allied(self, a: str, b: str, on: date | None = None) -> bool:
        if a == b:
            return True
        linked = {"member_of", "allied_with", "backed_by", "merged_into"}
        return any(r.target == b and r.type in linked for r in self.relations(a, on)) or \
            any(r.target == a and r.type in linked for r in self.relations(b, on))


@lru_cache(maxsize=8)
def default_registry(extra: tuple[str, ...] = ()) -> Registry:
    return Registry.load(list(extra))
