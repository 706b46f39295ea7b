"""The country table (places/countries.py) and the ISO/region columns of the ACLED export."""
from __future__ import annotations

import pytest

from frontlines.places.countries import all_countries, by_demonym, by_name, country

DEMONYMS = {"Syrian": "SY", "Sudanese": "SD", "Malian": "ML", "Ukrainian": "UA", "Russian": "RU", "Israeli": "IL",
            "Burmese": "MM", "Myanmar": "MM", "Congolese": "CD", "Somali": "SO", "Nigerian": "NG",
            "Ethiopian": "ET", "Yemeni": "YE", "Libyan": "LY", "Iraqi": "IQ", "Afghan": "AF", "Pakistani": "PK",
            "Mozambican": "MZ", "Haitian": "HT", "Colombian": "CO", "Mexican": "MX", "Turkish": "TR",
            "Iranian": "IR", "American": "US", "British": "GB", "French": "FR", "Burkinabe": "BF",
            "Nigerien": "NE", "Lebanese": "LB", "Palestinian": "PS", "Emirati": "AE", "Saudi": "SA"}


@pytest.mark.parametrize("word,iso2", sorted(DEMONYMS.items()))
def test_demonyms(word, iso2):
    assert by_demonym(word).iso2 == iso2
    assert by_demonym(word.lower()).iso2 == iso2


@pytest.mark.parametrize("text,iso2", [("Sudan", "SD"), ("the DRC", "CD"), ("DR Congo", "CD"), ("U.S.", "US"),
                                       ("USA", "US"), ("UK", "GB"), ("Britain", "GB"), ("UAE", "AE"),
                                       ("Burma", "MM"), ("Côte d'Ivoire", "CI"), ("Ivory Coast", "CI"),
                                       ("Türkiye", "TR"), ("Russian Federation", "RU"), ("syria", "SY"),
                                       ("Palestine", "PS"), ("SDN", "SD"), ("Republic of Congo", "CG")])
def test_names_and_short_forms(text, iso2):
    assert by_name(text).iso2 == iso2


def test_acled_names_numeric_and_regions():
    expect = {"SY": ("Syria", 760, "Middle East"), "SD": ("Sudan", 729, "Northern Africa"),
              "CD": ("Democratic Republic of Congo", 180, "Middle Africa"), "UA": ("Ukraine", 804, "Europe"),
              "RU": ("Russia", 643, "Europe"), "MM": ("Myanmar", 104, "Southeast Asia"),
              "ML": ("Mali", 466, "Western Africa"), "SO": ("Somalia", 706, "Eastern Africa"),
              "AF": ("Afghanistan", 4, "South Asia"), "MX": ("Mexico", 484, "Central America"),
              "HT": ("Haiti", 332, "Caribbean"), "CO": ("Colombia", 170, "South America"),
              "AM": ("Armenia", 51, "Caucasus and Central Asia"), "IR": ("Iran", 364, "Middle East"),
              "KR": ("South Korea", 410, "East Asia"), "ZA": ("South Africa", 710, "Southern Africa"),
              "US": ("United States", 840, "North America"), "PG": ("Papua New Guinea", 598, "Oceania"),
              "PS": ("Palestine", 275, "Middle East"), "CI": ("Ivory Coast", 384, "Western Africa")}
    for iso2, (name, numeric, region) in expect.items():
        c = country(iso2)
        assert (c.name, c.numeric, c.region) == (name, numeric, region)


def test_every_country_has_codes_and_region():
    cs = all_countries()
    assert len(cs) >= 249
    assert len({c.iso2 for c in cs}) == len(cs) and len({c.iso3 for c in cs}) == len(cs)
    assert all(c.region and len(c.iso2) == 2 and len(c.iso3) == 3 for c in cs)
    assert all(by_name(c.name).iso2 == c.iso2 for c in cs)  # no alias steals an ACLED name


def test_acled_export_iso_and_region():
    from frontlines.export.formats import _iso, _region
    assert (_iso("Sudan"), _region("Sudan")) == (729, "Northern Africa")
    assert (_iso("Democratic Republic of Congo"), _region("Democratic Republic of Congo")) == (180, "Middle Africa")
    assert (_iso("Syria"), _region("Syria")) == (760, "Middle East")
    assert (_iso(""), _region("")) == ("", "")
