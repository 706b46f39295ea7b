"""The world gazetteer in the box: every cities500 row, admin1 names everywhere, a compact index."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from frontlines.places.gazetteer import DEFAULT_FUZZY_COUNTRIES, EVERYWHERE, Gazetteer, builtin_gazetteer
from frontlines.places.resolve import PlaceContext, PlaceResolver
from frontlines.records import Place

# measured on the development machine (2 shared cores) once the index exists: opening it and the
# first exact and fuzzy lookups take 0.002 s and under 1 MB; the 0.1 s bound leaves room for a busy
# machine (the full suite beside it made an earlier, slower version 5x slower) and still fails at
# anything like the former load of Place objects (9,069 regional rows: 2.2 s, ~40 MB)
LOAD_SECONDS = 0.1
LOAD_MB = 8


@pytest.mark.parametrize("name,gid,country,admin1", [
    ("Tessalit", 2449893, "Mali", "Kidal"), ("Ansongo", 2461003, "Mali", "Gao"),
    ("Myawadi", 1308052, "Myanmar", "Kayin"), ("Twante", 1290374, "Myanmar", "Yangon"), ("Stepanivka", 12402274, "Ukraine", None)])
def test_villages_worldwide_are_found_with_admin1_and_country(name, gid, country, admin1):
    g = builtin_gazetteer()
    hits = {p.id: p for p in g.exact(name, countries=EVERYWHERE)}
    p = hits[f"geonames:{gid}"]
    assert p in g.exact(name, countries=[p.country_code]) and p in g.exact(name.upper(), countries=EVERYWHERE)
    assert p.country == country and p.admin1 and p.population < 100_000
    if admin1:
        assert admin1 in p.admin1


def test_world_sized_gazetteer_loads_fast_and_small():
    assert len(builtin_gazetteer()) > 199_000  # the index exists from here on
    code = ("import os, time\n"
            "from frontlines.places import gazetteer as G\n"
            "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20\n"
            "r0 = rss(); t = time.perf_counter(); g = G.builtin_gazetteer(); g.exact('Tessalit', countries='*')\n"
            "g.candidates('Nyaungshwa', countries=['MM'])\n"
            "print(time.perf_counter() - t, rss() - r0)\n")
    runs = [tuple(map(float, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                            check=True).stdout.split())) for _ in range(3)]
    assert min(t for t, _ in runs) < LOAD_SECONDS, runs
    assert min(m for _, m in runs) < LOAD_MB, runs


def test_fuzzy_spellings_only_in_the_countries_asked():
    g = builtin_gazetteer()
    assert [(p.id, s) for p, s in g.candidates("Nyaungshwa", countries=["MM"])] == [("geonames:1303361", 90.0)]
    assert g.candidates("Nyaungshwa", countries=["UA"]) == []
    # exact names are found everywhere, whatever the countries asked
    assert {p.country_code for p, _ in g.candidates("Tessalit", countries=["UA"])} == {"ML"}
    assert [p.id for p in g.exact("Tessalit")] == ["geonames:2449893"]  # no country asked: everywhere
    assert {p.country_code for p in g.exact("Aleppo", countries=["SY"])} == {"SY"}
    # fuzzy with no country asked: the former built-in domain (the Levant and big places), not Myanmar
    assert g.candidates("Nyaungshwa") == []
    # a gazetteer may limit country-less exact lookups to that former domain
    legacy = Gazetteer(base=g.base, default_countries=DEFAULT_FUZZY_COUNTRIES)
    assert legacy.exact("Tessalit") == [] and [p.id for p in legacy.exact("Saraqib")] == ["geonames:164816"]
    assert [p.id for p in legacy.exact("Tessalit", countries=EVERYWHERE)] == ["geonames:2449893"]


def test_resolver_prefers_the_articles_country():
    r = PlaceResolver(builtin_gazetteer())
    ctx = PlaceContext()
    ctx.countries["UA"] += 3
    hit = r.resolve("Andriivka", ctx)
    assert hit.country == "Ukraine"


def test_extra_rows_overlay_the_builtin_index():
    base = builtin_gazetteer()
    extra = Place(id="geonames:2449893", name="Tessalit", latitude=20.2, longitude=1.01, country_code="ML",
                  country="Mali", admin2="Tessalit Cercle", alternate_names=["Tasalit"], source="test")
    new = Place(id="geonames:90000099", name="Zzyzxville", latitude=14.0, longitude=-3.0, country_code="ML",
                country="Mali", admin1="Mopti", source="test")
    g = base.with_extra([extra, new])
    assert g.base is base.base and len(g) == len(base) + 1
    merged = g.get("geonames:2449893")
    assert merged.admin1 == "Kidal" and merged.admin2 == "Tessalit Cercle" and "Tasalit" in merged.alternate_names
    assert [p.id for p in g.exact("Tasalit")] == ["geonames:2449893"]
    assert [p.id for p in g.exact("Zzyzxville")] == ["geonames:90000099"]
    assert g.places["geonames:90000099"].admin1 == "Mopti" and "geonames:90000099" in g.places
    assert base.get("geonames:90000099") is None and base.get("geonames:2449893").admin2 == ""
    assert g.candidates("Zzyzxvilleh", countries=["ML"])[0][0].id == "geonames:90000099"


def test_in_memory_gazetteer_still_works():
    g = Gazetteer([Place(id="a", name="Kafr Zita", latitude=35.37, longitude=36.6, country_code="SY")])
    assert [p.id for p in g.exact("Kafr Zeita")] and g.candidates("Kafr Ziita")[0][0].id == "a"
    assert list(g.places) == ["a"] and len(g) == 1


def test_ruler_names_include_admin1_everywhere_but_not_common_words():
    names = {n for n, pid in builtin_gazetteer().pattern_names() if pid.startswith("admin1:")}
    assert {"Kidal", "Sagaing", "Darfur"} & names and "Kidal" in names and "Sagaing" in names
    assert not {"Centre", "North", "Central", "Capital", "Lakes"} & names
    assert len(names) < 6000


@pytest.mark.parametrize("cc, city, admin1", [
    ("UA", "Kharkiv", "Kharkiv"), ("UA", "Izyum", "Kharkiv"), ("LB", "Marjayoun", "Nabatieh"),
    ("IL", "Safed", "Northern District"), ("LY", "Tripoli", "Tripoli"), ("LK", "Colombo", "Western"),
    ("SY", "Douma", "Rif Dimashq"), ("IQ", "Mosul", "Nineveh")])
def test_places_carry_the_english_name_of_their_division(cc, city, admin1):
    """One name per division, as reports write it: not 'Kharkivska oblast', 'Ash Shamali' or 'Tarabulus'."""
    hits = [p for p in builtin_gazetteer().exact(city, countries=[cc]) if p.country_code == cc]
    assert hits and max(hits, key=lambda p: p.population).admin1 == admin1


def test_divisions_are_found_under_every_name_and_answer_with_one():
    from frontlines.places.admin1 import division
    for written in ("Kharkiv Oblast", "Kharkivska oblast", "Kharkiv region"):
        assert division(written, "UA").name == "Kharkiv"
    assert division("Rural Damascus", "SY").name == division("Rif Dimashq Governorate", "SY").name == "Rif Dimashq"
    assert division("Nord-Kivu", "CD").name == division("North Kivu", "CD").name == "North Kivu"
    assert division("Western Province", "LK").name == "Western"
