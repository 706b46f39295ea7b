"""Structural and content checks for the actor registries (YAML data only).

These tests need only pytest and PyYAML: they read the files by path and do
not import the frontlines package, so they stay valid whatever the loader
looks like. ``validate_registry`` is applied to both the built-in Syria
registry and the user-style Sudan fixture.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).parent
SYRIA = Path(__file__).parents[1] / "src/frontlines/data/actors/syria.yaml"
SUDAN = HERE / "fixtures/actors_sudan.yaml"

INTER_CODES = {1, 2, 3, 4, 5, 6, 7, 8}
ACTOR_TYPES = {
    "state force",
    "rebel group",
    "militia",
    "coalition",
    "external force",
    "political group",
    "civilians",
    "other",
}
RELATION_TYPES = {
    "member_of",
    "backed_by",
    "allied_with",
    "fighting",
    "split_from",
    "merged_into",
    "affiliated_with",
}
SYMMETRIC_RELATIONS = {"fighting", "allied_with"}
REQUIRED_ACTOR_KEYS = {"id", "name", "inter", "type", "country", "aliases", "relations", "sources"}
ALLOWED_ACTOR_KEYS = REQUIRED_ACTOR_KEYS | {"acled_name", "demonym", "former_names", "descriptors", "dominant_in"}
ID_RE = re.compile(r"^[a-z0-9_]+$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
APOSTROPHES = str.maketrans("", "", "'\u2018\u2019\u02bc\u02bd\u02be\u02bf`\u00b4")


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------
def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def norm(text: str) -> str:
    """Key used to compare names: apostrophes removed, case-folded, spaces collapsed."""
    return " ".join(text.translate(APOSTROPHES).casefold().split())


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Earliest and latest day covered by "YYYY", "YYYY-MM" or "YYYY-MM-DD"."""
    if not isinstance(value, str):
        raise ValueError(f"date {value!r} must be a quoted string, not {type(value).__name__}")
    m = DATE_RE.match(value)
    if not m:
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(m.group(1))
    if m.group(3):
        day = dt.date(year, int(m.group(2)), int(m.group(3)))  # raises on bad day
        return day, day
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"date {value!r} has month {month}")
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _check_period(where: str, start, end, errors: list[str]) -> None:
    bounds = {}
    for label, value in (("from", start), ("until", end)):
        if value is None:
            continue
        try:
            bounds[label] = date_bounds(value)
        except ValueError as exc:
            errors.append(f"{where}: {label}: {exc}")
    if "from" in bounds and "until" in bounds and bounds["from"][0] > bounds["until"][1]:
        errors.append(f"{where}: from {start!r} is after until {end!r}")


def _nonempty_str(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def name_keys(actor: dict) -> list[str]:
    """Every name-like string of an actor (name, ACLED name, aliases, former names)."""
    out = [actor.get("name"), actor.get("acled_name")]
    out += list(actor.get("aliases") or [])
    out += [fn.get("name") for fn in actor.get("former_names") or [] if isinstance(fn, dict)]
    return [s for s in out if _nonempty_str(s)]


def validate_registry(data, other_ids: set[str] = frozenset()) -> list[str]:
    """Return a list of human-readable problems; an empty list means valid.
    ``other_ids``: ids defined in the other files loaded with this one, which relations may target."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return ["top level must be a mapping"]
    if not (_nonempty_str(data.get("registry")) and ID_RE.match(data["registry"])):
        errors.append("registry: missing or not [a-z0-9_]+")
    if not _nonempty_str(data.get("description")):
        errors.append("description: missing")
    actors = data.get("actors")
    if not isinstance(actors, list) or not actors:
        return errors + ["actors: must be a non-empty list"]

    ids: dict[str, int] = {}
    for i, actor in enumerate(actors):
        if not isinstance(actor, dict):
            errors.append(f"actors[{i}]: not a mapping")
            continue
        aid = actor.get("id")
        if not (_nonempty_str(aid) and ID_RE.match(aid)):
            errors.append(f"actors[{i}]: bad id {aid!r}")
            continue
        if aid in ids:
            errors.append(f"{aid}: duplicate id (entries {ids[aid]} and {i})")
        ids[aid] = i
    known = set(ids) | set(other_ids)

    demonyms: dict[str, str] = {}
    for i, actor in enumerate(actors):
        if not isinstance(actor, dict):
            continue
        aid = actor.get("id", f"actors[{i}]")
        missing = REQUIRED_ACTOR_KEYS - actor.keys()
        if missing:
            errors.append(f"{aid}: missing keys {sorted(missing)}")
        unknown = actor.keys() - ALLOWED_ACTOR_KEYS
        if unknown:
            errors.append(f"{aid}: unknown keys {sorted(unknown)}")
        for key in ("name", "country"):
            if key in actor and not _nonempty_str(actor[key]):
                errors.append(f"{aid}: {key} must be a non-empty string")
        if actor.get("acled_name") is not None and not _nonempty_str(actor["acled_name"]):
            errors.append(f"{aid}: acled_name must be a non-empty string or absent")

        inter = actor.get("inter")
        if isinstance(inter, bool) or inter not in INTER_CODES:
            errors.append(f"{aid}: inter {inter!r} not in {sorted(INTER_CODES)}")
        atype = actor.get("type")
        if atype not in ACTOR_TYPES:
            errors.append(f"{aid}: type {atype!r} not allowed")
        if (atype == "civilians") != (inter == 7):
            errors.append(f"{aid}: type 'civilians' and inter 7 must go together")

        demonym = actor.get("demonym")
        if demonym is not None:
            if not _nonempty_str(demonym):
                errors.append(f"{aid}: demonym must be a non-empty string or null")
            elif atype != "state force":
                errors.append(f"{aid}: demonym given for a non-state force")
            elif norm(demonym) in demonyms:
                errors.append(f"{aid}: demonym {demonym!r} already used by {demonyms[norm(demonym)]}")
            else:
                demonyms[norm(demonym)] = aid

        for key in ("aliases", "descriptors"):
            value = actor.get(key, [])
            if not isinstance(value, list) or not all(_nonempty_str(v) for v in value):
                errors.append(f"{aid}: {key} must be a list of non-empty strings")

        former = actor.get("former_names", [])
        if not isinstance(former, list):
            errors.append(f"{aid}: former_names must be a list")
            former = []
        for j, fn in enumerate(former):
            where = f"{aid}: former_names[{j}]"
            if not isinstance(fn, dict) or not _nonempty_str(fn.get("name")):
                errors.append(f"{where}: needs a name")
                continue
            if not {"from", "until"} <= fn.keys():
                errors.append(f"{where}: needs from and until (null allowed)")
            _check_period(where, fn.get("from"), fn.get("until"), errors)

        for j, d in enumerate(actor.get("dominant_in") or []):
            where = f"{aid}: dominant_in[{j}]"
            if not isinstance(d, dict) or not d.get("admin1") or not all(_nonempty_str(a) for a in d["admin1"]):
                errors.append(f"{where}: needs a list of admin1 names")
                continue
            if not {"from", "until", "source"} <= d.keys() or not _nonempty_str(d.get("source")):
                errors.append(f"{where}: needs from, until (null allowed) and a source")
            if not isinstance(d.get("unclaimed_attacks", False), bool):
                errors.append(f"{where}: unclaimed_attacks must be true or false")
            _check_period(where, d.get("from"), d.get("until"), errors)

        sources = actor.get("sources")
        if not isinstance(sources, list) or not sources or not all(_nonempty_str(s) for s in sources):
            errors.append(f"{aid}: needs at least one source")

        relations = actor.get("relations", [])
        if not isinstance(relations, list):
            errors.append(f"{aid}: relations must be a list")
            relations = []
        seen = set()
        for j, rel in enumerate(relations):
            where = f"{aid}: relations[{j}]"
            if not isinstance(rel, dict):
                errors.append(f"{where}: not a mapping")
                continue
            if rel.get("type") not in RELATION_TYPES:
                errors.append(f"{where}: type {rel.get('type')!r} not allowed")
            target = rel.get("target")
            if target not in known:
                errors.append(f"{where}: target {target!r} is not an actor id in this file or the others loaded")
            elif target == aid:
                errors.append(f"{where}: relation to itself")
            if not {"from", "until"} <= rel.keys():
                errors.append(f"{where}: needs from and until (null allowed)")
            _check_period(where, rel.get("from"), rel.get("until"), errors)
            if not _nonempty_str(rel.get("source")):
                errors.append(f"{where}: needs a source")
            key = (rel.get("type"), target, rel.get("from"))
            if key in seen:
                errors.append(f"{where}: duplicate relation {key}")
            seen.add(key)

    # No name-like string may point at two different actors.
    owners: dict[str, set[str]] = {}
    for actor in actors:
        if isinstance(actor, dict) and _nonempty_str(actor.get("id")):
            for s in name_keys(actor):
                owners.setdefault(norm(s), set()).add(actor["id"])
    for key, who in sorted(owners.items()):
        if len(who) > 1:
            errors.append(f"name/alias {key!r} belongs to several actors: {sorted(who)}")
    return errors


# ----------------------------------------------------------------------------
# fixtures
# ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def syria() -> dict:
    return load(SYRIA)


@pytest.fixture(scope="module")
def by_id(syria) -> dict[str, dict]:
    return {a["id"]: a for a in syria["actors"]}


@pytest.fixture(scope="module")
def lookup(syria):
    table = {}
    for actor in syria["actors"]:
        for s in name_keys(actor):
            table[norm(s)] = actor["id"]
    return lambda text: table.get(norm(text))


def has_relation(by_id, src, rtype, tgt, from_prefix=None) -> bool:
    pairs = [(src, tgt)]
    if rtype in SYMMETRIC_RELATIONS:
        pairs.append((tgt, src))
    for a, b in pairs:
        for rel in by_id[a]["relations"]:
            if rel["type"] == rtype and rel["target"] == b:
                if from_prefix is None or str(rel.get("from") or "").startswith(from_prefix):
                    return True
    return False


# ----------------------------------------------------------------------------
# structure (both registries, same function)
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", [SYRIA, SUDAN], ids=["syria", "sudan"])
def test_registry_structure_is_valid(path):
    errors = validate_registry(load(path))
    assert errors == [], "\n".join(errors)


def _minimal_registry() -> dict:
    return {
        "registry": "demo",
        "description": "demo",
        "actors": [
            {"id": "a", "name": "Alpha Front", "inter": 2, "type": "rebel group", "country": "X",
             "demonym": None, "aliases": ["AF"], "former_names": [], "descriptors": [],
             "relations": [{"type": "fighting", "target": "b", "from": "2019-01", "until": None, "source": "s"}],
             "sources": ["s"]},
            {"id": "b", "name": "Military Forces of X", "inter": 1, "type": "state force", "country": "X",
             "demonym": "Xian", "aliases": ["X army"], "former_names": [], "descriptors": [],
             "relations": [], "sources": ["s"]},
        ],
    }


def _set(path, value):
    def mutate(reg):
        node = reg
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


BROKEN = {
    "duplicate id": _set(("actors", 1, "id"), "a"),
    "bad id": _set(("actors", 0, "id"), "Alpha-Front"),
    "unknown target": _set(("actors", 0, "relations", 0, "target"), "zzz"),
    "bad relation type": _set(("actors", 0, "relations", 0, "type"), "enemy_of"),
    "bad inter": _set(("actors", 0, "inter"), 9),
    "bad type": _set(("actors", 0, "type"), "terrorists"),
    "bad date": _set(("actors", 0, "relations", 0, "from"), "Jan 2019"),
    "unquoted date": _set(("actors", 0, "relations", 0, "from"), dt.date(2019, 1, 1)),
    "from after until": _set(("actors", 0, "relations", 0, "until"), "2018-12-31"),
    "no source on relation": _set(("actors", 0, "relations", 0, "source"), ""),
    "no sources": _set(("actors", 0, "sources"), []),
    "shared alias": _set(("actors", 1, "aliases"), ["A'F"]),
    "alias equals other name": _set(("actors", 1, "aliases"), ["alpha front"]),
    "demonym on non-state": _set(("actors", 0, "demonym"), "Alphan"),
    "civilians with wrong inter": _set(("actors", 0, "type"), "civilians"),
    "unknown key": _set(("actors", 0, "notes"), "x"),
    "self relation": _set(("actors", 0, "relations", 0, "target"), "a"),
}


def test_minimal_registry_is_valid():
    assert validate_registry(_minimal_registry()) == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_validator_rejects_broken_registry(name):
    reg = copy.deepcopy(_minimal_registry())
    BROKEN[name](reg)
    assert validate_registry(reg), f"validator accepted a registry with: {name}"


def test_dates_are_quoted_strings_in_files():
    # PyYAML turns unquoted 2019-01-10 into a date and 2019 into an int.
    for path in (SYRIA, SUDAN):
        for actor in load(path)["actors"]:
            items = list(actor.get("relations") or []) + list(actor.get("former_names") or [])
            for item in items:
                for key in ("from", "until"):
                    assert item.get(key) is None or isinstance(item[key], str), (path.name, actor["id"], item)


# ----------------------------------------------------------------------------
# Syria content
# ----------------------------------------------------------------------------
def test_syria_size(syria):
    assert syria["registry"] == "syria"
    assert 60 <= len(syria["actors"]) <= 100


REQUIRED_RELATIONS = [
    ("ahrar_al_sham", "member_of", "nfl", None),
    ("zenki", "member_of", "nfl", "2018-08"),
    ("nfl", "backed_by", "turkey_military", "2018"),
    ("sna", "backed_by", "turkey_military", "2017"),
    ("sdf", "backed_by", "us_military", "2015"),
    ("ypg", "member_of", "sdf", "2015"),
    ("hts", "fighting", "nfl", "2019-01"),
    ("hts", "split_from", "al_qaeda", "2016"),
    ("hts", "affiliated_with", "al_qaeda", None),
    ("hezbollah", "allied_with", "syria_military", None),
    ("russia_military", "allied_with", "syria_military", "2015"),
    ("nfl", "merged_into", "sna", "2019-10"),
    ("slf", "merged_into", "nfl", "2018"),
]


@pytest.mark.parametrize("src,rtype,tgt,from_prefix", REQUIRED_RELATIONS)
def test_required_relation_present(by_id, src, rtype, tgt, from_prefix):
    assert src in by_id and tgt in by_id
    assert has_relation(by_id, src, rtype, tgt, from_prefix), (src, rtype, tgt, from_prefix)


def test_hts_al_qaeda_affiliation_ends_when_split_starts(by_id):
    rels = {r["type"]: r for r in by_id["hts"]["relations"] if r["target"] == "al_qaeda"}
    assert rels["affiliated_with"]["until"] == rels["split_from"]["from"] == "2016-07-28"


def test_hts_former_names(by_id):
    former = {fn["name"]: fn for fn in by_id["hts"]["former_names"]}
    assert former["Jabhat al-Nusra"]["until"] == "2016-07-28"
    assert former["Jabhat Fateh al-Sham"]["from"] == "2016-07-28"
    assert former["Jabhat Fateh al-Sham"]["until"] == "2017-01-28"


def test_acled_naming_conventions(by_id):
    army = by_id["syria_military"]
    assert army["name"] == "Military Forces of Syria"
    assert army["acled_name"] == "Military Forces of Syria (2000-2024)"
    assert army["demonym"] == "Syrian" and army["inter"] == 1
    russia = by_id["russia_military"]
    assert russia["name"] == "Military Forces of Russia"
    assert russia["acled_name"] == "Military Forces of Russia (2000-)"
    assert russia["demonym"] == "Russian"
    assert by_id["turkey_military"]["demonym"] == "Turkish"
    assert by_id["us_military"]["demonym"] == "American"
    assert by_id["isis"]["acled_name"] == "Islamic State (Syria)"
    for actor in by_id.values():
        assert not re.search(r"\(\d{4}-", actor["name"]), f"year range in name of {actor['id']}"
    # ACLED's generic actors come from the country table (actors/generic.py), not from this file
    assert not {"civilians", "protesters", "rioters", "unidentified_armed_group"} & set(by_id)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("HTS", "hts"),
        ("Hayat Tahrir al-Sham", "hts"),
        ("Jabhat al-Nusra", "hts"),
        ("Daesh", "isis"),
        ("ISIL", "isis"),
        ("Ahrar al-Sham", "ahrar_al_sham"),
        ("Ahrar al-Sharqiya", "ahrar_al_sharqiya"),
        ("Jaish al-Islam", "jaysh_al_islam"),
        ("Jaish al-Izza", "jaysh_al_izza"),
        ("Sham Legion", "faylaq_al_sham"),
        ("Failaq al-Rahman", "faylaq_al_rahman"),
        ("Zenki", "zenki"),
        ("Nureddin Zengi", "zenki"),
        ("NFL", "nfl"),
        ("SNA", "sna"),
        ("SDF", "sdf"),
        ("YPG", "ypg"),
        ("FSA", "fsa"),
        ("Syrian Free Army", "syrian_free_army"),
        ("Maghawir al-Thawra", "syrian_free_army"),
        ("US-led coalition", "coalition"),
        ("IRGC", "irgc"),
        ("Liwa al-Quds", "liwa_al_quds"),
    ],
)
def test_alias_resolves_to_expected_actor(lookup, text, expected):
    assert lookup(text) == expected


@pytest.mark.parametrize(
    "a,b",
    [
        ("ahrar_al_sham", "ahrar_al_sharqiya"),
        ("jaysh_al_islam", "jaysh_al_izza"),
        ("faylaq_al_sham", "faylaq_al_rahman"),
        ("fsa", "syrian_free_army"),
        ("hezbollah", "kataib_hezbollah"),
        ("liwa_al_quds", "irgc"),
    ],
)
def test_easily_confused_groups_stay_distinct(by_id, a, b):
    keys_a = {norm(s) for s in name_keys(by_id[a])}
    keys_b = {norm(s) for s in name_keys(by_id[b])}
    assert a != b and not keys_a & keys_b


def test_acronyms_not_borrowed(lookup):
    # one group's acronym must never appear among another's aliases
    assert lookup("FSA") == "fsa" and lookup("TFSA") == "sna"
    assert lookup("SLF") == "slf" and lookup("NLF") == "nfl"
    assert lookup("KH") == "kataib_hezbollah"


# ----------------------------------------------------------------------------
# Sudan fixture: a user-written registry for another conflict
# ----------------------------------------------------------------------------
def test_sudan_fixture_is_independent_registry():
    sudan = load(SUDAN)
    assert sudan["registry"] == "sudan"
    ids = {a["id"] for a in sudan["actors"]}
    assert {"saf", "rsf", "civilians", "protesters"} <= ids
    rsf = next(a for a in sudan["actors"] if a["id"] == "rsf")
    assert "janjaweed" not in {norm(s) for s in name_keys(rsf)}
    by = {a["id"]: a for a in sudan["actors"]}
    assert has_relation(by, "saf", "fighting", "rsf", "2023-04-15")


def test_dominant_provinces_are_divisions_of_the_actors_country():
    """A ``dominant_in`` province the admin1 table does not know would never match an event."""
    from frontlines.actors.registry import Registry
    from frontlines.places.admin1 import division
    from frontlines.places.countries import by_name
    reg = Registry.load()
    checked = 0
    for a in reg.actors.values():
        for d in a.dominant_in:
            cc = by_name(a.country).iso2
            for name in d.admin1:
                div = division(name, cc)
                assert div is not None and div.name == name, (a.id, name)
                checked += 1
    assert checked >= 3
