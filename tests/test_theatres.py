"""One report per theatre, each written for this project: the right actor, country, ISO code and
admin1 outside Syria, and no Syrian generic actor where the text is about another war."""
from __future__ import annotations

from datetime import date

import pytest

from rapidfuzz import fuzz

from frontlines.export.formats import acled_row
from frontlines.names import fold

from .test_extract import doc_from_text

# (sentence, actor1, country, iso, admin1 or None when the place is not in the built-in gazetteer)
THEATRES = [
    ("Russian forces shelled the city of Kharkiv in Ukraine on Monday, killing three civilians.",
     "Military Forces of Russia", "Ukraine", 804, "Kharkiv"),
    ("Sudanese army jets bombed a market in the city of Omdurman in Sudan on Sunday, killing 12 people.",
     "Military Forces of Sudan", "Sudan", 729, "Khartoum"),
    ("Houthi rebels attacked government forces in the town of Harib in Yemen's Marib province on Tuesday.",
     "Ansar Allah", "Yemen", 887, "Ma'rib"),
    ("Myanmar junta aircraft bombed the town of Kani in Sagaing Region on Tuesday, residents said.",
     "Military Forces of Myanmar", "Myanmar", 104, "Sagaing"),
    ("Malian troops clashed with jihadists near the town of Douentza in Mali on Friday.",
     "Military Forces of Mali", "Mali", 466, "Mopti"),
    ("Burkinabe soldiers repelled an attack on their base in the town of Djibo in Burkina Faso on Sunday.",
     "Military Forces of Burkina Faso", "Burkina Faso", 854, "Sahel"),
    ("M23 rebels seized the town of Rutshuru in eastern Congo's North Kivu province on Friday.",
     "March 23 Movement", "Democratic Republic of Congo", 180, "North Kivu"),
    ("Al Shabaab fighters attacked a military base in the town of Beledweyne in Somalia on Sunday.",
     "Al Shabaab", "Somalia", 706, "Hiiraan"),
    ("Nigerian troops killed ten insurgents near the town of Bama in Borno State, Nigeria, on Monday.",
     "Military Forces of Nigeria", "Nigeria", 566, "Borno"),
    ("Ethiopian government forces clashed with Fano militiamen in the town of Lalibela in Ethiopia on Friday.",
     "Military Forces of Ethiopia", "Ethiopia", 231, "Amhara"),
    ("Libyan National Army forces shelled the town of Gharyan in Libya on Thursday.",
     "Libyan National Army", "Libya", 434, None),
    ("Iraqi security forces killed five Islamic State militants in the city of Tikrit in Iraq on Monday.",
     "Military Forces of Iraq", "Iraq", 368, "Salah ad Din"),
    ("Pakistani police clashed with militants in the town of Bannu in Pakistan on Tuesday.",
     "Police Forces of Pakistan", "Pakistan", 586, "Khyber Pakhtunkhwa"),
    ("Israeli aircraft struck a house in the town of Rafah in the Gaza Strip on Friday, killing four people.",
     "Military Forces of Israel", "Palestine", 275, None),
    ("Insurgents attacked the town of Macomia in Mozambique's Cabo Delgado province on Wednesday.",
     None, "Mozambique", 508, "Cabo Delgado"),
    ("Gang members attacked police officers in the town of Mirebalais in Haiti on Thursday.",
     None, "Haiti", 332, None),
    ("Colombian soldiers clashed with ELN guerrillas in the town of Tame in Colombia on Saturday.",
     "Military Forces of Colombia", "Colombia", 170, "Arauca"),
    ("Mexican soldiers clashed with gunmen in the city of Culiacan in Sinaloa, Mexico, on Monday.",
     "Military Forces of Mexico", "Mexico", 484, "Sinaloa"),
]


@pytest.fixture(scope="module")
def coded(pipeline):
    out = {}
    for text, *_ in THEATRES:
        out[text] = pipeline.extract(doc_from_text(text, date(2024, 5, 12))).events
    return out


@pytest.mark.parametrize("text, actor1, country, iso, admin1", THEATRES, ids=[t[2] for t in THEATRES])
def test_a_report_from_each_theatre(coded, text, actor1, country, iso, admin1):
    evs = coded[text]
    assert evs, text
    ev = evs[0]
    assert ev.country == country
    if actor1:
        assert ev.actor1.startswith(actor1), ev.actor1
    row = acled_row(ev)
    assert row["iso"] == iso
    if admin1:  # GeoNames' spelling of the division ("Amara" for ACLED's "Amhara")
        assert fuzz.partial_ratio(fold(admin1), fold(ev.admin1 or "")) >= 75, ev.admin1


def test_no_syrian_generic_actor_outside_syria(coded):
    for text, evs in coded.items():
        for ev in evs:
            for a in (ev.actor1, ev.actor2):
                assert "(Syria)" not in a and "of Syria" not in a and a != "Free Syrian Army", (text, a)
