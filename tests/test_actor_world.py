"""The built-in registries of the main theatres: every file valid on its own terms, ids and
names unique across all files, relations resolvable across files, and representative
spellings of each theatre resolving to the expected ACLED-style actor."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from frontlines.actors.registry import Registry
from frontlines.names import fold

from .test_actor_data import SYMMETRIC_RELATIONS, name_keys, norm, validate_registry

DATA = Path(__file__).parents[1] / "src/frontlines/data/actors"
FILES = sorted(DATA.glob("*.yaml"))
THEATRES = ["ukraine", "sudan", "yemen", "myanmar", "sahel", "drc", "somalia", "nigeria", "ethiopia", "libya",
            "iraq", "afghanistan_pakistan", "israel_palestine_lebanon", "mozambique", "haiti", "colombia", "mexico"]
# generic words the resolver handles itself; no actor may own them as a name
GENERIC = {"army", "police", "rebels", "militants", "junta", "troops", "forces", "military", "government",
           "insurgents", "jihadists", "gunmen", "militia", "militias", "bandits", "gangs", "cartel", "settlers",
           "soldiers", "terrorists", "fighters", "guerrillas", "separatists", "paramilitaries", "security forces"}


@pytest.fixture(scope="module")
def data() -> dict[str, dict]:
    return {f.stem: yaml.safe_load(f.read_text(encoding="utf-8")) for f in FILES}


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.load(builtin=True)


def test_every_theatre_has_a_file():
    assert {f.stem for f in FILES} >= set(THEATRES) | {"syria"}


@pytest.mark.parametrize("stem", [f.stem for f in FILES])
def test_file_is_valid_with_the_others(data, stem):
    others = {a["id"] for s, d in data.items() if s != stem for a in d["actors"]}
    assert data[stem]["registry"] == stem
    errors = validate_registry(data[stem], others)
    assert errors == [], "\n".join(errors)


def test_ids_unique_across_files(data):
    seen: dict[str, str] = {}
    for stem, d in data.items():
        for a in d["actors"]:
            assert a["id"] not in seen, f"{a['id']} in {seen.get(a['id'])} and {stem}"
            seen[a["id"]] = stem


def test_names_fold_to_one_actor_across_files(data):
    """No two actors share a name, alias, ACLED name or former name, by the validator's key or by
    the resolver's fold (which also drops articles and merges vowel spellings)."""
    for keyf in (norm, fold):
        owners: dict[str, set[str]] = {}
        for d in data.values():
            for a in d["actors"]:
                for s in name_keys(a):
                    owners.setdefault(keyf(s), set()).add(a["id"])
        shared = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
        assert shared == {}, shared


def test_demonyms_unique_across_files(data):
    seen: dict[str, str] = {}
    for d in data.values():
        for a in d["actors"]:
            if a.get("demonym"):
                assert a["demonym"].lower() not in seen, (a["id"], seen.get(a["demonym"].lower()))
                seen[a["demonym"].lower()] = a["id"]


def test_no_generic_word_is_a_name(data):
    for d in data.values():
        for a in d["actors"]:
            for s in name_keys(a):
                assert s.lower() not in GENERIC, (a["id"], s)


def test_new_descriptors_do_not_capture_syrian_phrases(data):
    """by_descriptor matches a descriptor inside a longer phrase: a new theatre's descriptor must not
    be found inside a Syrian one, or Syrian coreference would gain a foreign candidate."""
    syrian = [fold(x) for a in data["syria"]["actors"] for x in a.get("descriptors") or []]
    for stem, d in data.items():
        if stem == "syria":
            continue
        for a in d["actors"]:
            for x in a.get("descriptors") or []:
                assert not any(fold(x) in s for s in syrian), (stem, a["id"], x)


def test_relations_point_at_loaded_actors(reg):
    for a in reg.actors.values():
        for r in a.relations:
            assert r.target in reg.actors, (a.id, r.target)


def test_shared_actors_are_defined_once(reg):
    # Islamic State, Russia's forces, Wagner and the US are referenced by the theatres, not copied
    assert reg.lookup("Wagner Group")[0] == "wagner"
    assert reg.lookup("Islamic State")[0] == "isis"
    assert {"ua_military", "nk_military"} <= {x for a in reg.actors.values() for r in a.relations
                                               if r.target == "russia_military" for x in [a.id]}
    affiliates = {a.id for a in reg.actors.values() if any(r.target == "isis" and r.type == "affiliated_with"
                                                           for r in a.relations)}
    assert {"iswap", "issp", "cd_adf", "mz_ism", "af_iskp", "so_islamic_state"} <= affiliates


# (spelling, expected canonical or ACLED name, inter)
SPELLINGS = {
    "ukraine": [("ZSU", "Military Forces of Ukraine", 1), ("Armed Forces of Ukraine", "Military Forces of Ukraine", 1),
                ("Ukrainian troops", "Military Forces of Ukraine", 1), ("Rosgvardia", "National Guard of Russia", 8),
                ("Russian forces", "Military Forces of Russia", 8)],
    "sudan": [("SAF", "Military Forces of Sudan", 1), ("RSF", "Rapid Support Forces", 2),
              ("Sudanese army", "Military Forces of Sudan", 1)],
    "yemen": [("Houthis", "Ansar Allah", 2), ("Houthi rebels", "Ansar Allah", 2),
              ("STC", "Southern Transitional Council", 2), ("AQAP", "al-Qaeda in the Arabian Peninsula", 2)],
    "myanmar": [("Tatmadaw", "Military Forces of Myanmar", 1), ("PDF", "People's Defense Force", 2),
                ("People's Defence Force", "People's Defense Force", 2), ("KIA", "Kachin Independence Army", 2),
                ("Arakan Army", "Arakan Army", 2)],
    "sahel": [("FAMa", "Military Forces of Mali", 1), ("JNIM", "Jama'at Nusrat al-Islam wal-Muslimin", 2),
              ("ISGS", "Islamic State Sahel Province", 2), ("Burkinabe soldiers", "Military Forces of Burkina Faso", 1),
              ("Africa Corps", "Africa Corps", 8)],
    "drc": [("FARDC", "Military Forces of the Democratic Republic of Congo", 1), ("M23", "March 23 Movement", 2),
            ("CODECO", "Cooperative for the Development of Congo", 3), ("ISCAP", "Allied Democratic Forces", 2)],
    "somalia": [("al-Shabaab", "Al Shabaab", 2), ("Al Shabab", "Al Shabaab", 2),
                ("Somali National Army", "Military Forces of Somalia", 1), ("AMISOM", "African Union Support and Stabilization Mission in Somalia", 8)],
    "nigeria": [("Nigerian Army", "Military Forces of Nigeria", 1), ("ISWAP", "Islamic State West Africa Province", 2),
                ("Boko Haram", "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", 2),
                ("JAS", "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", 2)],
    "ethiopia": [("ENDF", "Military Forces of Ethiopia", 1), ("Tigray Defense Forces", "Tigray People's Liberation Front", 2),
                 ("Fano militia", "Fano", 3), ("Eritrean troops", "Military Forces of Eritrea", 8)],
    "libya": [("LNA", "Libyan National Army", 1), ("Libyan Arab Armed Forces", "Libyan National Army", 1),
              ("GNA forces", "Military Forces of Libya", 1)],
    "iraq": [("Peshmerga", "Peshmerga", 1), ("Hashd al-Shaabi", "Popular Mobilization Forces", 3),
             ("Golden Division", "Counter-Terrorism Service", 1), ("Daesh", "Islamic State", 2)],
    "afghanistan_pakistan": [("Taliban", "Taliban", 2), ("TTP", "Tehrik-i-Taliban Pakistan", 2),
                             ("BLA", "Baloch Liberation Army", 2), ("ISIS-K", "Islamic State Khorasan Province", 2),
                             ("Pakistan Army", "Military Forces of Pakistan", 1)],
    "israel_palestine_lebanon": [("Hamas", "Hamas", 2), ("PIJ", "Palestinian Islamic Jihad", 2),
                                 ("Hezbollah", "Hezbollah", 3), ("IDF", "Military Forces of Israel", 8),
                                 ("Lebanese Armed Forces", "Military Forces of Lebanon", 1)],
    "mozambique": [("Ansar al-Sunna", "Islamic State Mozambique Province", 2), ("FADM", "Military Forces of Mozambique", 1),
                   ("SAMIM", "SADC Mission in Mozambique", 8)],
    "haiti": [("Viv Ansanm", "Viv Ansanm", 3), ("G9", "G9 an Fanmi e Alye", 3), ("Haitian National Police", "Police Forces of Haiti", 1)],
    "colombia": [("ELN", "National Liberation Army", 2), ("FARC dissidents", "FARC Dissidents", 2),
                 ("Clan del Golfo", "Clan del Golfo", 3), ("Colombian Army", "Military Forces of Colombia", 1)],
    "mexico": [("Sinaloa Cartel", "Sinaloa Cartel", 3), ("CJNG", "Jalisco New Generation Cartel", 3),
               ("Mexican Army", "Military Forces of Mexico", 1)],
}


@pytest.mark.parametrize("theatre,spelling,name,inter",
                         [(t, s, n, i) for t, rows in SPELLINGS.items() for s, n, i in rows])
def test_theatre_spelling_resolves(reg, theatre, spelling, name, inter):
    aid, score = reg.lookup(spelling)
    assert aid, spelling
    a = reg.get(aid)
    assert name in (a.name, a.acled_name), (spelling, a.name)
    assert a.inter == inter and score == 100.0


def test_acled_names_of_the_main_groups(reg):
    acled = {reg.get(reg.lookup(s)[0]).acled_name for s in ("ISWAP", "ISSP", "JNIM", "Houthis", "RSF", "Tatmadaw", "ZSU")}
    assert {"Islamic State (West Africa)", "Islamic State (Sahel)", "JNIM: Jama'at Nasr al-Islam wal Muslimin",
            "Military Forces of Yemen (2017-) Houthi", "Rapid Support Forces", "Military Forces of Myanmar (2021-)",
            "Military Forces of Ukraine (2019-)"} <= acled


def test_demonyms_and_country_names_pick_the_national_forces(reg):
    for word, aid in [("Sudanese", "sd_military"), ("Malian", "ml_military"), ("Nigerien", "ne_military"),
                      ("Congolese", "cd_military"), ("Somali", "so_military"), ("Ukraine", "ua_military"),
                      ("Iraq", "iraq_military"), ("Somalia", "so_military"), ("Emirati", "uae_military")]:
        assert reg.by_demonym(word) == aid, word
    assert reg.sponsor("UAE") == "uae_military" and reg.sponsor("Rwanda") == "rw_military"
    assert reg.sponsor("Syrian") == "syria_military" and reg.sponsor("Turkey") == "turkey_military"


def test_dated_relations_across_theatres(reg):
    from datetime import date
    assert reg.allied("ml_military", "wagner", date(2023, 1, 1)) and not reg.allied("ml_military", "wagner", date(2025, 9, 1))
    assert "cd_m23" in reg.backed_by("rw_military", date(2025, 1, 27))
    assert "iswap" in reg.members("isis") or reg.relations("iswap", date(2020, 1, 1), "affiliated_with")
    assert reg.relations("issp", date(2020, 6, 1), "member_of")[0].target == "iswap"
    assert not reg.relations("issp", date(2023, 1, 1), "member_of")
    assert {"ml_military", "bf_military", "ne_military"} <= set(reg.members("aes", date(2024, 6, 1)))


def test_actors_of_country(reg):
    sudan = reg.actors_of_country("Sudan")
    assert sudan[0] == "sd_military" and "sd_rsf" in sudan and not any(a.startswith("syria") for a in sudan)
    assert reg.actors_of_country("nowhere") == []


def test_no_new_alias_is_a_syrian_place():
    """The entity ruler prefers actor names to place names: a new alias that is also a Syrian place
    would turn that place into an actor."""
    from frontlines.places.gazetteer import Gazetteer
    gaz = Gazetteer.load() if hasattr(Gazetteer, "load") else Gazetteer()
    places = {fold(n) for n, _ in gaz.pattern_names(("SY",))}
    syria_ids = {a["id"] for a in yaml.safe_load((DATA / "syria.yaml").read_text())["actors"]}
    reg = Registry.load()
    clashes = [(a.id, f) for a in reg.actors.values() if a.id not in syria_ids
               for f in Registry.surface_forms(a) if fold(f) in places]
    assert clashes == []
