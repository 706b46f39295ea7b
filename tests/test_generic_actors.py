"""ACLED's generic actors for every country (actors/generic.py), without sentences."""
from __future__ import annotations

import pytest

from frontlines.actors.generic import KINDS, generic_actor, generic_by_id, state_actor_for_adjective
from frontlines.actors.registry import Registry
from frontlines.places.countries import all_countries

INTER = {"military": 1, "police": 1, "government": 1, "unidentified_armed_group": 3, "civilians": 7,
         "protesters": 6, "rioters": 5}


@pytest.mark.parametrize("iso2,of,plain", [
    ("SD", "Sudan", "Sudan"), ("UA", "Ukraine", "Ukraine"), ("MM", "Myanmar", "Myanmar"), ("ML", "Mali", "Mali"),
    ("CD", "the Democratic Republic of Congo", "Democratic Republic of Congo"),
    ("US", "the United States", "United States"), ("SO", "Somalia", "Somalia"), ("SY", "Syria", "Syria")])
def test_names_ids_and_inter(iso2, of, plain):
    expect = {"military": f"Military Forces of {of}", "police": f"Police Forces of {of}",
              "government": f"Government of {of}", "unidentified_armed_group": f"Unidentified Armed Group ({plain})",
              "civilians": f"Civilians ({plain})", "protesters": f"Protesters ({plain})", "rioters": f"Rioters ({plain})"}
    for kind in KINDS:
        a = generic_actor(kind, iso2)
        assert (a.id, a.name, a.inter, a.country) == (f"{kind}:{iso2}", expect[kind], INTER[kind], plain)
        assert generic_by_id(a.id) == a


def test_every_country_has_every_kind():
    for c in all_countries():
        assert all(generic_actor(k, c.iso2) is not None for k in KINDS)
    assert generic_actor("military", "ZZ") is None and generic_actor("navy", "SD") is None
    assert generic_by_id("syria_military") is None and generic_by_id("military:") is None


@pytest.mark.parametrize("phrase,iso2,kind", [
    ("Russian forces", "RU", "military"), ("Sudanese army", "SD", "military"), ("Malian troops", "ML", "military"),
    ("Israeli strike", "IL", "military"), ("Ukrainian drones", "UA", "military"), ("Burmese military", "MM", "military"),
    ("Myanmar army", "MM", "military"), ("Congolese soldiers", "CD", "military"), ("Somali police", "SO", "police"),
    ("Nigerian troops", "NG", "military"), ("Ethiopian government", "ET", "government"),
    ("Yemeni forces", "YE", "military"), ("Libyan authorities", "LY", "government"), ("Iraqi army", "IQ", "military"),
    ("Afghan forces", "AF", "military"), ("Pakistani airstrikes", "PK", "military"),
    ("Mozambican troops", "MZ", "military"), ("Haitian police", "HT", "police"),
    ("Colombian army", "CO", "military"), ("Mexican soldiers", "MX", "military"), ("Turkish drones", "TR", "military"),
    ("Iranian missiles", "IR", "military"), ("American jets", "US", "military"), ("British aircraft", "GB", "military"),
    ("French troops", "FR", "military"), ("Burkinabe army", "BF", "military"), ("Nigerien soldiers", "NE", "military"),
    ("South Sudanese army", "SS", "military"), ("U.S. troops", "US", "military"), ("Syrian government", "SY", "government"),
    ("Kenyan riot police", "KE", "police"), ("Russian fighter jets", "RU", "military"), ("Ukrainian", "UA", "military")])
def test_state_adjectives(phrase, iso2, kind):
    assert state_actor_for_adjective(phrase) == (iso2, kind)


@pytest.mark.parametrize("phrase", ["Sudanese people", "Russian-backed", "Free Syrian Army", "the army", "",
                                    "Sri Lanka", "Burkina Faso"])  # a country named alone is the country
def test_not_a_state_actor(phrase):
    assert state_actor_for_adjective(phrase) is None


def test_registry_answers_generic_ids_lazily():
    r = Registry([])
    assert r.name("military:SD") == "Military Forces of Sudan"
    assert r.get("civilians:ML").inter == 7
    assert "military:SD" not in r.actors and r.get("military:ZZ") is None and r.name("nope") == ""
