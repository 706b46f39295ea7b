"""Who was hit: civilians, or a state's own forces, read from the victims and targets a sentence
names; and the state forces a protest met.  Sentences written for this project (no corpus text)."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.extract.fatalities import fatalities

from .test_extract import doc_from_text


def coded(pipeline, text):
    evs = pipeline.extract(doc_from_text(text, date(2021, 5, 8))).events
    assert evs, text
    return [(e.sub_event_type, e.actor1, e.actor2) for e in evs]


# ---- strikes that kill villagers hit civilians --------------------------------------------------
@pytest.mark.parametrize("text, sub, actor1, civilians", [
    ("Government jets dropped bombs on houses in the village of Ngare in Marsabit County on Sunday, killing seven villagers.",
     "Air/drone strike", "Military Forces of Kenya", "Civilians (Kenya)"),
    ("Sudanese warplanes bombed a market in the town of Kabkabiya in North Darfur on Monday, killing 12 residents.",
     "Air/drone strike", "Military Forces of Sudan", "Civilians (Sudan)"),
    ("Russian artillery shelled the town of Orikhiv in Zaporizhzhia region on Tuesday, killing three residents.",
     "Shelling/artillery/missile attack", "Military Forces of Russia", "Civilians (Ukraine)"),
])
def test_a_strike_that_kills_villagers_has_civilians_as_the_side_hit(pipeline, text, sub, actor1, civilians):
    assert (sub, actor1, civilians) in coded(pipeline, text)


def test_a_strike_on_fighters_does_not_hit_civilians(pipeline):
    got = coded(pipeline, "Government troops shelled militant positions near the town of Kauda in South Kordofan "
                          "on Monday, killing 12 fighters.")
    assert all(not (a2 or "").startswith("Civilians") for _, _, a2 in got)


# ---- attacks on a state's men or posts hit its forces ---------------------------------------------
@pytest.mark.parametrize("text, actor2", [
    ("Gunmen stormed an army camp in the village of Boni in Mopti region on Sunday, leaving several soldiers dead.",
     "Military Forces of Mali"),
    ("Militants attacked a police station in the town of Bannu in Khyber Pakhtunkhwa on Monday, killing two officers.",
     "Police Forces of Pakistan"),
    ("A police constable was shot dead by unknown gunmen in the town of Tank in Khyber Pakhtunkhwa on Friday.",
     "Police Forces of Pakistan"),
    ("Suspected jihadists ambushed a military convoy near the town of Djibo in northern Burkina Faso on Thursday.",
     "Military Forces of Burkina Faso"),
])
def test_an_attack_on_state_forces_or_their_post_is_a_battle_with_them(pipeline, text, actor2):
    got = coded(pipeline, text)
    assert ("Armed clash", actor2) in [(sub, a2) for sub, _, a2 in got], got
    assert all(a1.startswith("Unidentified Armed Group") for _, a1, _ in got)


@pytest.mark.parametrize("text, actor1", [
    ("Police raided a hideout in the town of Mandera in northeastern Kenya on Monday, killing three militants.",
     "Police Forces of Kenya"),
    ("Air strikes by the army killed five militants in the village of Kawuri in Borno State on Sunday.",
     "Military Forces of Nigeria"),
])
def test_state_forces_that_attack_are_not_the_side_hit(pipeline, text, actor1):
    got = coded(pipeline, text)
    assert [a1 for _, a1, _ in got] == [actor1] and all(a2 != actor1 for _, _, a2 in got)


def test_police_are_the_police_not_the_army(pipeline):
    got = coded(pipeline, "Police shot dead two suspected robbers in the town of Eldoret in western Kenya on Monday.")
    assert got[0][1] == "Police Forces of Kenya"


# ---- the forces a protest met ---------------------------------------------------------------------
@pytest.mark.parametrize("text, protesters, police", [
    ("Police fired tear gas to disperse hundreds of protesters who were marching towards the parliament in Nairobi "
     "on Tuesday.", "Protesters (Kenya)", "Police Forces of Kenya"),
    ("Riot police used water cannon against students protesting in central Dhaka on Monday.",
     "Protesters (Bangladesh)", "Police Forces of Bangladesh"),
])
def test_a_protest_met_by_police_has_them_as_the_other_side(pipeline, text, protesters, police):
    assert ("Protest with intervention", protesters, police) in coded(pipeline, text)


def test_a_peaceful_protest_has_no_other_side(pipeline):
    got = coded(pipeline, "Thousands of teachers protested peacefully outside the education ministry in Nairobi on Monday.")
    assert got == [("Peaceful protest", "Protesters (Kenya)", "")]


# ---- victims named without a number ---------------------------------------------------------------
@pytest.mark.parametrize("text, n", [
    ("A police constable was shot dead by unknown gunmen on Friday.", 1),
    ("Gunmen killed a soldier and two civilians in the market.", 3),
    ("The blast killed a man near the mosque.", 1),
    ("Militants attacked the post, killing two soldiers and three civilians.", 5),
    ("Militants attacked the post, killing two soldiers and wounding three civilians.", 2),
    ("A soldier was wounded in the clash.", 0),
    ("Militants raided the town, killing two soldiers, an officer from the local police told reporters.", 2),
])
def test_victims_named_without_a_number_are_counted(text, n):
    assert fatalities(text) == n


# ---- a place named by who lives in it: a camp of refugees is civilians, an army camp is not -------
@pytest.mark.parametrize("text", [
    "Last week, gunmen raided a camp sheltering migrants near the village of Kafr Zelta in Idlib, killing nine people.",
    "Gunmen raided a refugee camp near the village of Kafr Zelta in Idlib on Monday.",
    "Militiamen stormed a settlement housing displaced families outside Kafr Zelta in Idlib on Monday.",
])
def test_a_raid_on_a_camp_of_civilians_is_violence_against_civilians(pipeline, text):
    assert [s for s, _, a2 in coded(pipeline, text)] == ["Attack"]
    assert [a2 for _, _, a2 in coded(pipeline, text)] == ["Civilians (Syria)"]


def test_a_raid_on_an_army_camp_is_still_a_battle(pipeline):
    assert [s for s, _, _ in coded(pipeline, "Gunmen raided an army camp near the village of Kafr Zelta in "
                                            "Idlib on Monday, killing nine soldiers.")] == ["Armed clash"]
