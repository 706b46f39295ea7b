"""Sentence styles of real reporting, each written for this project (no corpus text): the mechanisms
that carry extraction beyond the pages it was built on."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.extract.timex import find_when

from .test_extract import doc_from_text


def ents(pipeline, text):
    return [(e.text, e.label_) for e in pipeline.nlp(text).ents]


def events(pipeline, text, published=date(2021, 5, 8)):
    return pipeline.extract(doc_from_text(text, published)).events


# ---- places the gazetteer lacks, recognised by their frame ------------------------------------
@pytest.mark.parametrize("text, names", [
    ("Gunmen raided the villages of Umm Zelta, Bir Hamdan and Tal al-Ghurab at dawn.",
     ["Umm Zelta", "Bir Hamdan", "Tal al-Ghurab"]),
    ("Two bombs fell on Nyaung Zin village in Wetlet Township, Sagaing Region.", ["Nyaung Zin", "Wetlet", "Sagaing"]),
    ("Insurgents overran Gashigar town in Borno State on Monday.", ["Gashigar", "Borno"]),
    ("Troops entered the town of Sabon-Kafi and the hamlet of Dar el-Mahdi.", ["Sabon-Kafi", "Dar el-Mahdi"]),
])
def test_framed_place_names_are_places(pipeline, text, names):
    found = ents(pipeline, text)
    for n in names:
        assert (n, "PLACE") in found, found


def test_a_framed_list_does_not_swallow_an_actor(pipeline):
    found = ents(pipeline, "the Islamic State group seized the village of Qarrat Shams")
    assert ("Qarrat Shams", "PLACE") in found and all(label != "PLACE" or "Islamic" not in t for t, label in found)


def test_every_place_of_a_list_gets_its_event(pipeline):
    evs = events(pipeline, "Syrian government forces captured the villages of Umm Zelta, Bir Hamdan and "
                           "Tal al-Ghurab in the northern Hama countryside on Friday.")
    assert {e.location for e in evs} >= {"Umm Zelta", "Bir Hamdan", "Tal al-Ghurab"}
    assert all(e.sub_event_type == "Government regains territory" for e in evs)


# ---- dates: a 'since' clause is not the event's date ------------------------------------------
def test_since_clauses_do_not_date_the_event():
    pub = date(2019, 10, 12)
    assert find_when("The rebels, entrenched in the town since 2014, lost it on Saturday.", pub).day == date(2019, 10, 12)
    assert find_when("Troops entered the town, their biggest gain since the offensive began on Wednesday.", pub) is None
    assert find_when("The monitor said Thursday that fighters captured the hill.", pub).day == date(2019, 10, 10)


def test_a_since_clause_does_not_make_the_main_clause_background(pipeline):
    evs = events(pipeline, "Rebels occupying the village of Kafr Zelta since 2014 were driven out by Syrian "
                           "government forces on Friday.", date(2021, 5, 8))
    assert [e.event_date for e in evs] == [date(2021, 5, 7)]


# ---- the verbs of real reporting -----------------------------------------------------------------
def test_a_town_that_fell_to_a_group_was_taken_by_it(pipeline):
    evs = events(pipeline, "The town of Kafr Zelta fell to Hayat Tahrir al-Sham on Friday after heavy fighting.")
    assert [(e.sub_event_type, e.actor1) for e in evs] == [("Non-state actor overtakes territory", "Hay'at Tahrir al-Sham")]


@pytest.mark.parametrize("text, sub", [
    ("Turkish forces attacked the village of Umm Zelta with artillery shells on Friday.", "Shelling/artillery/missile attack"),
    ("Turkish drones targeted a car in the village of Umm Zelta on Friday.", "Air/drone strike"),
])
def test_the_weapon_codes_an_attack(pipeline, text, sub):
    evs = events(pipeline, text)
    assert [e.sub_event_type for e in evs] == [sub]


# ---- no summary duplicates -------------------------------------------------------------------------
def test_a_country_level_summary_is_not_an_event(pipeline):
    text = ("Turkish forces attacked Kurdish positions in north-eastern Syria on Friday.\n\n"
            "Turkish forces captured the village of Umm Zelta on Friday, the monitor said.")
    ex = pipeline.extract(doc_from_text(text, date(2021, 5, 8)))
    assert [e.location for e in ex.events] == ["Umm Zelta"]
    assert any("too vague" in s["why"] or "summary" in s["why"] for s in ex.skipped)


def test_a_region_level_report_is_folded_into_the_place_inside_it(pipeline):
    text = ("Government forces attacked rebel positions in the northern Hama countryside on Friday. "
            "They attacked the village of Kafr Zita on Friday.")
    ex = pipeline.extract(doc_from_text(text, date(2021, 5, 8)))
    assert [e.location for e in ex.events] == ["Kafr Zita"]
    assert len(ex.events[0].evidence) == 2


# ---- generic and named state forces; the article's country -----------------------------------
@pytest.mark.parametrize("text, actor", [
    ("Turkish occupation forces shelled the village of Umm Zelta on Friday.", "Military Forces of Turkey"),
    ("Malian troops clashed with gunmen in the town of Sofara on Friday.", "Military Forces of Mali"),
    ("Sudanese army jets bombed the village of Wad Hilal on Friday.", "Military Forces of Sudan"),
])
def test_a_state_adjective_names_the_state_forces(pipeline, text, actor):
    evs = events(pipeline, text)
    assert [e.actor1 for e in evs] == [actor]


def test_opposition_forces_are_not_the_state(pipeline):
    evs = events(pipeline, "Syrian opposition fighters captured the village of Umm Zelta on Friday.")
    assert evs and all(e.actor1 != "Military Forces of Syria" for e in evs)


def test_no_country_no_syrian_default(pipeline):
    ex = pipeline.extract(doc_from_text("Gunmen attacked the village of Zarkuma on Friday, residents said."))
    assert ex.events and all("Syria" not in e.actor1 for e in ex.events)
    assert any("no country" in w for w in ex.warnings)


# ---- who did it when the sentence does not say ------------------------------------------------
def test_killed_in_an_adjectival_strike(pipeline):
    evs = events(pipeline, "Five fighters were killed in Israeli strikes on the village of Umm Zelta on Friday.")
    assert [(e.actor1, e.sub_event_type, e.fatalities) for e in evs] == [("Military Forces of Israel", "Air/drone strike", 5)]


def test_the_attack_refers_back_to_the_event_just_reported(pipeline):
    evs = events(pipeline, "Israeli warplanes bombed the village of Umm Zelta on Friday. "
                           "The attack also destroyed a depot in the village of Kafr Zita.")
    assert [(e.location, e.actor1, e.sub_event_type) for e in evs] == [
        ("Umm Zelta", "Military Forces of Israel", "Air/drone strike"),
        ("Kafr Zita", "Military Forces of Israel", "Air/drone strike")]


def test_the_blast_placed_more_precisely_is_the_same_event(pipeline):
    evs = events(pipeline, "Two people were killed on Friday when a bomb exploded in a car in Damascus. "
                           "The bomb went off near a mosque in the Barzeh neighbourhood north of Damascus.")
    assert [e.location for e in evs] == ["Barzeh"] and len(evs[0].evidence) == 2 and evs[0].fatalities == 2


# ---- datelines, lists after a preposition, countries that only situate ------------------------
def test_a_wire_dateline_is_not_where_it_happened(pipeline):
    evs = events(pipeline, "GAROUA (AP) — Gunmen attacked the village of Mbodo Kelde on Friday, officials said.")
    assert [e.location for e in evs] == ["Mbodo Kelde"]


def test_a_list_after_in_is_a_list_of_places(pipeline):
    found = ents(pipeline, "Warplanes struck targets in Qasr Hilal, Bayt Nura, Jabal al-Sur and Kfar Tibna overnight.")
    for n in ["Qasr Hilal", "Bayt Nura", "Jabal al-Sur", "Kfar Tibna"]:
        assert (n, "PLACE") in found, found


def test_a_country_beside_a_region_only_situates_it(pipeline):
    evs = events(pipeline, "Rapid Support Forces fighters attacked a village in Sennar province in Sudan on Friday.")
    assert evs and all(e.location != "Sudan" for e in evs)


@pytest.mark.parametrize("text", [
    "Since 2018, armed groups have frequently attacked the town of Kiribi.",
    "Jihadists have attacked the town of Kiribi repeatedly since 2016.",
])
def test_habitual_and_long_running_violence_is_background(pipeline, text):
    ex = pipeline.extract(doc_from_text(text, date(2023, 2, 12)))
    assert ex.events == [] and any("habitual" in s["why"] or "since" in s["why"] for s in ex.skipped)


def test_deaths_counted_after_a_strike_belong_to_it(pipeline):
    evs = events(pipeline, "Israeli warplanes struck the town of Kfar Tibna on Friday. "
                           "Three civilians were killed in Bayt Nura, rescuers said.")
    by_place = {e.location: e for e in evs}
    assert by_place["Bayt Nura"].sub_event_type == "Air/drone strike"
    assert by_place["Bayt Nura"].actor1 == "Military Forces of Israel" and by_place["Bayt Nura"].fatalities == 3


def test_a_claim_of_responsibility_carries_the_event(pipeline):
    evs = events(pipeline, "Al Shabaab claimed responsibility for the attack on an army post in the town of Kiribi in Somalia.")
    assert [(e.actor1, e.location) for e in evs] == [("Al Shabaab", "Kiribi")]


def test_two_dates_the_event_takes_its_own(pipeline):
    evs = events(pipeline, "Two soldiers were killed on Sunday in an attack on an army post in the town of Kiribi, "
                           "the ministry said on Tuesday.", date(2021, 12, 8))
    assert [e.event_date for e in evs] == [date(2021, 12, 5)]


# ---- where, when the clause does not say ---------------------------------------------------------
def test_the_middle_of_a_town_is_the_town(pipeline):
    evs = events(pipeline, "Turkish troops entered central Tal Zelta on Friday, the ministry said.")
    assert [(e.location, e.geo_precision != 3) for e in evs] == [("Tal Zelta", True)] or \
        [e.location for e in evs] == ["central Tal Zelta"] and evs[0].geo_precision != 3


def test_a_misspelt_verb_still_triggers(pipeline):
    evs = events(pipeline, "A local activist was assasinated on Friday in the town of Kafr Zita.")
    assert [e.sub_event_type for e in evs] == ["Attack"]


def test_a_conjoined_verb_shares_the_place(pipeline):
    evs = events(pipeline, "Gunmen stormed houses in the village of Umm Zelta and kidnapped six civilians on Friday.")
    assert "Abduction/forced disappearance" in {e.sub_event_type for e in evs}
    assert all(e.location == "Umm Zelta" for e in evs)


def test_the_next_sentence_goes_on_about_the_same_place(pipeline):
    text = ("Security patrols raided bakeries in the towns of Umm Zelta and Kafr Zita on Friday morning. "
            "The patrols arrested dozens of young men wanted for military service.")
    evs = events(pipeline, text)
    assert {(e.location, e.sub_event_type) for e in evs} >= {("Umm Zelta", "Arrests"), ("Kafr Zita", "Arrests")}


def test_a_relative_clause_event_is_at_the_noun_it_modifies(pipeline):
    evs = events(pipeline, "The villages lie near the town of Kafr Zita, which Syrian government forces entered on Friday.")
    assert [(e.location, e.sub_event_type) for e in evs] == [("Kafr Zita", "Government regains territory")]


# ---- event nouns with no verb to carry them; the attacked as subject --------------------------
def test_an_event_noun_that_names_its_parties_is_an_event(pipeline):
    evs = events(pipeline, "Residents counted the damage from Russian airstrikes on the town of Kafr Zita on Friday.")
    assert [(e.location, e.actor1, e.sub_event_type) for e in evs] == [
        ("Kafr Zita", "Military Forces of Russia", "Air/drone strike")]


def test_troops_that_came_under_attack_are_the_other_side(pipeline):
    evs = events(pipeline, "Malian soldiers came under attack by gunmen near the town of Sofara on Friday.")
    assert [(e.actor1, e.actor2) for e in evs] == [("Unidentified Armed Group (Mali)", "Military Forces of Mali")]


def test_an_attack_whose_victims_are_civilians_is_violence_against_civilians(pipeline):
    evs = events(pipeline, "Women and children were among the dead in the RSF attacks on the village of Wad Hilal "
                           "in Sudan on Friday.")
    assert [(e.sub_event_type, e.actor2) for e in evs] == [("Attack", "Civilians (Sudan)")]


@pytest.mark.parametrize("text, coded", [
    # opening fire is shooting: at a vehicle or people, an attack; at soldiers, a fight; at a crowd, force
    ("Gunmen opened fire on a minibus in the town of Kandy in Sri Lanka on Friday, wounding the driver.",
     ("Violence against civilians", "Attack")),
    ("Gunmen opened fire on soldiers at a checkpoint in the town of Kandy in Sri Lanka on Friday.",
     ("Battles", "Armed clash")),
    ("Police opened fire on protesters in the city of Kandy in Sri Lanka on Friday, wounding four.",
     ("Protests", "Excessive force against protesters")),
    ("Police shot at protesters in the city of Kandy in Sri Lanka on Friday.",
     ("Protests", "Protest with intervention")),
])
def test_opening_fire_is_shooting_at_someone(pipeline, text, coded):
    assert [(e.event_type, e.sub_event_type) for e in events(pipeline, text)] == [coded]


def test_a_town_the_tagger_took_for_a_person_is_the_object_of_an_assault(pipeline):
    """'attacked Gamboru Ngala': two words the tagger calls a person's name, which the gazetteer knows whole;
    a person's name it does not know stays a person."""
    evs = events(pipeline, "Jihadists in Nigeria attacked Gamboru Ngala on Friday, an officer said.")
    assert [e.location for e in evs] == ["Gamboru Ngala"], [e.location for e in evs]
    evs = events(pipeline, "Gunmen attacked Daniel Moore in Borno State on Friday.")
    assert [e.location for e in evs] == ["Borno"], [e.location for e in evs]


def test_a_battle_told_at_the_country_is_the_battle_of_the_town_not_its_massacre(pipeline):
    """A battle 'near the border with Niger' beside a battle and a killing of residents in the one town: the
    country-level sentence is evidence of the battle (the one event of its kind), not dropped as vague."""
    text = ("Militants attacked an army base and the town of Damasak in Nigeria on Friday. The first attack, near "
            "the border with Niger, came at dusk on Friday, leading to a fierce battle with soldiers who repelled "
            "the assault. On Saturday the militants killed six residents in the town of Damasak.")
    evs = events(pipeline, text)
    battle = next(e for e in evs if e.event_type == "Battles")
    assert any(x.text.startswith("The first attack") for x in battle.evidence), [x.text for x in battle.evidence]
    assert sorted(e.event_type for e in evs) == ["Battles", "Violence against civilians"]


def test_a_headline_s_victims_are_the_side_hit(pipeline):
    """'Two Iraqi soldiers killed in ISIS attack in Mosul': the noun the participle modifies is who was hit,
    read from the headline itself (not inferred from the rest of the article)."""
    ex = pipeline.extract(doc_from_text("Two Iraqi soldiers killed in ISIS attack in Mosul", date(2021, 12, 7)))
    assert [(e.actor1, e.actor2, e.fatalities) for e in ex.events] == [("Islamic State", "Military Forces of Iraq", 2)]
    assert "inferred" not in ex.events[0].notes


def test_an_attack_on_other_men_days_before_is_not_the_headline_s(pipeline):
    """The headline's attack (page-dated) and one on the Peshmerga 'late on Sunday' in the same city hit other
    sides: two events, each with its own day and toll."""
    text = ("Two Iraqi soldiers killed in ISIS attack in Mosul\n\nThe group on Tuesday claimed responsibility for an "
            "attack on Peshmerga fighters in Mosul late on Sunday, killing four of them.")
    evs = events(pipeline, text, date(2021, 12, 7))
    assert sorted((str(e.event_date), e.actor2, e.fatalities) for e in evs) == \
        [("2021-12-05", "Peshmerga", 4), ("2021-12-07", "Military Forces of Iraq", 2)]


def test_a_shop_that_opened_is_no_event(pipeline):
    assert events(pipeline, "A new market opened in the town of Kandy in Sri Lanka on Friday.") == []


def test_one_protest_in_a_city_is_one_event(pipeline):
    text = ("Police fired tear gas at protesters in the city of Kandy on Friday. "
            "Protesters later marched to the police headquarters, where riot police used water cannon.")
    evs = events(pipeline, text)
    assert len([e for e in evs if e.event_type == "Protests"]) == 1


# ---- summaries, fragments, namesakes ---------------------------------------------------------------
def test_a_country_level_lede_is_evidence_of_the_one_detailed_event(pipeline):
    text = ("Kurdish-led fighters clashed with Islamic State militants in north-east Syria on Saturday.\n\n"
            "The fighting on Saturday centred on the village of Umm Zelta, where the SDF clashed with the militants.")
    evs = events(pipeline, text)
    assert [e.location for e in evs] == ["Umm Zelta"] and len(evs[0].evidence) == 2


def test_the_end_of_a_misspelt_group_name_is_not_a_place(pipeline):
    evs = events(pipeline, "The Hamza faction attacked the positions of Hayyat Tahrir Al-Sham in the village of Kafr Zita.")
    assert all(e.location != "Al-Sham" for e in evs) and [e.location for e in evs] == ["Kafr Zita"]


def test_a_town_s_countryside_is_near_the_town(pipeline):
    evs = events(pipeline, "Warplanes bombed positions in the al-Bukamal countryside east of Deir ez-Zor on Friday.")
    assert [(e.location, e.geo_precision) for e in evs] == [("al-Bukamal", 2)]


def test_a_namesake_far_from_the_sentence_s_other_places_is_rejected(pipeline):
    evs = events(pipeline, "Fighters were killed in an attack in the village of Ablah, on the outskirts of al-Bab, on Friday.")
    assert evs and all(e.admin1 in ("Aleppo", "") for e in evs)


def test_attack_helicopters_are_not_an_attack(pipeline):
    assert events(pipeline, "Two attack helicopters were moved from the Hmeimim base to the town of Qamishli.") == []


# ---- provinces anywhere, headlines, the lede's day --------------------------------------------------
def test_a_province_the_gazetteer_has_no_row_for_is_a_region_of_the_country(pipeline):
    ex = pipeline.extract(doc_from_text("Gunmen attacked a village in Gezira province in Sudan on Friday.", date(2024, 6, 8)))
    assert [(e.location, e.admin1, e.country, e.geo_precision) for e in ex.events] == [
        ("Gezira province", "Al Jazirah", "Sudan", 3)]


def test_a_province_level_report_folds_into_the_village_inside_it(pipeline):
    text = ("Islamist fighters attacked army positions in Borno State on Friday. "
            "The fighters attacked the town of Gajiram in Borno on Friday, killing four soldiers.")
    evs = events(pipeline, text, date(2022, 11, 20))
    assert [e.location for e in evs] == ["Gajiram"] and len(evs[0].evidence) == 2


def test_a_title_case_headline_is_left_to_the_article(pipeline):
    text = ("Rescuers Say Children Among Twenty Killed In Israeli Strikes On Khan Yunis\n"
            "Israeli strikes on two homes in Khan Yunis killed twenty people on Friday, rescuers said.")
    ex = pipeline.extract(doc_from_text(text, date(2024, 10, 26)))
    assert [e.location for e in ex.events] == ["Khan Yunis"]
    assert ex.events[0].evidence[0].text.startswith("Israeli strikes")


def test_a_sentence_without_a_day_takes_the_lede_s(pipeline):
    text = ("Paramilitary fighters attacked the village of Wad Hilal on Wednesday, officials said.\n\n"
            "Witnesses said the fighters also looted the market of Wad Sabir village.")
    evs = events(pipeline, text, date(2024, 6, 7))
    assert {e.location: e.event_date for e in evs}["Wad Sabir"] == date(2024, 6, 5)


# ---- who did it, from the rest of the article ---------------------------------------------------------
def test_the_speaker_s_jets_struck(pipeline):
    evs = events(pipeline, "The Israel Defense Forces announced that fighter jets had struck targets in the village "
                           "of Kfar Tibna in Lebanon on Friday.", date(2024, 2, 14))
    assert [e.actor1 for e in evs] == ["Military Forces of Israel"]


def test_militants_in_a_report_about_one_group_are_that_group(pipeline):
    text = ("Islamic State has grown bolder in the region. Islamic State claimed several raids this year.\n\n"
            "More than 100 militants attacked the prison in the town of Umm Zelta in Syria on Friday.")
    evs = events(pipeline, text)
    assert [e.actor1 for e in evs] == ["Islamic State"]


def test_the_next_sentence_names_who_did_it(pipeline):
    text = ("More than 40 civilians were killed in an attack by a militia on the village of Bule in Ituri "
            "province of Congo on Monday. The attack was carried out by CODECO, the United Nations said.")
    evs = events(pipeline, text, date(2023, 6, 13))
    assert [(e.actor1, e.sub_event_type) for e in evs] == [("Cooperative for the Development of Congo", "Attack")]


def test_the_capital_named_by_its_country(pipeline):
    evs = events(pipeline, "A suicide car bomb killed eight people in the Somali capital on Saturday.", date(2021, 9, 26))
    assert [(e.location, e.country, e.sub_event_type) for e in evs] == [("Mogadishu", "Somalia", "Suicide bomb")]


def test_a_soldier_killed_when_rockets_hit_his_base_died_in_a_shelling(pipeline):
    evs = events(pipeline, "One soldier was killed after his base in the town of Kiryat Zelta in Israel was hit by rockets.")
    assert [e.sub_event_type for e in evs] == ["Shelling/artillery/missile attack"]


# ---- places named before; a withdrawal and an entry ---------------------------------------------------
def test_the_two_towns_are_the_towns_just_named(pipeline):
    text = ("Syrian government forces reached the towns of Umm Zelta and Kafr Zita on Thursday. "
            "On Friday they captured the two towns after heavy fighting.")
    evs = events(pipeline, text)
    taken = {e.location for e in evs if e.sub_event_type == "Government regains territory"}
    assert taken == {"Umm Zelta", "Kafr Zita"}


def test_a_withdrawal_and_the_other_side_s_entry_are_a_transfer_to_it(pipeline):
    text = ("Tigrayan fighters seized the town of Wurgesa on Saturday, the group said. "
            "Residents of Wurgesa saw Ethiopian soldiers withdraw from the town on Saturday.")
    evs = [e for e in events(pipeline, text, date(2021, 10, 31)) if e.location == "Wurgesa"]
    assert [e.sub_event_type for e in evs] == ["Non-state actor overtakes territory"]


def test_rebels_in_another_war_are_not_a_syrian_group(pipeline):
    evs = events(pipeline, "Rebels seized the town of Wurgesa in Ethiopia on Saturday.", date(2021, 10, 31))
    assert evs and all("Syria" not in e.actor1 and e.actor1 != "Free Syrian Army" for e in evs)


def test_sources_indicating_are_reporting(pipeline):
    evs = events(pipeline, "The sources indicated that pro-Iranian militias withdrew from the town of Kafr Zita on Friday.")
    assert [e.location for e in evs] == ["Kafr Zita"]


def test_a_finding_that_suggests_is_speculation(pipeline):
    ex = pipeline.extract(doc_from_text("The satellite images suggest that militias withdrew from the town of Kafr Zita."))
    assert ex.events == [] and any("speculation" in s["why"] for s in ex.skipped)


@pytest.fixture(scope="module")
def village_pipeline():
    """A pipeline whose gazetteer knows a village named like a person, as a loaded country dump does."""
    from frontlines.pipeline import Pipeline
    from frontlines.records import Place
    def place(pid, name, lat, lon, admin1):
        return Place(id=pid, name=name, latitude=lat, longitude=lon, feature_class="P", feature_code="PPL",
                     country_code="SY", country="Syria", admin1=admin1, source="test dump")
    # and two hills known only by namesakes in governorates far from each other (invented names)
    return Pipeline(extra_places=[place("test:1", "Abu Bakr", 36.2, 37.1, "Aleppo"),
                                  place("test:2", "Tal Qarmid", 34.7, 36.7, "Homs"),
                                  place("test:3", "Tal Sufan", 36.4, 37.3, "Aleppo")])


def _places(pipe, text):
    return [m.text for m in pipe.extract(doc_from_text(text)).mentions if m.kind == "place"]


def test_a_village_named_like_a_person_is_still_a_village(village_pipeline):
    assert "Abu Bakr" in _places(village_pipeline, "Government forces shelled the village of Abu Bakr on Friday.")


@pytest.mark.parametrize("text", [
    "The fighters were led by Saif Abu Bakr, the group said on Friday.",
    "Among the dead was Abu Bakr, a coroner at the local hospital, rescuers said on Friday.",
])
def test_a_person_who_shares_a_village_s_name_is_no_place(village_pipeline, text):
    assert all("Abu Bakr" not in p for p in _places(village_pipeline, text))


def test_invaded_and_engaged(pipeline):
    text = ("Bandits invaded the Dan Kade community of Zamfara State in Nigeria on Friday. "
            "The bandits were engaged by Nigerian troops in a fierce gun battle in Dan Kade.")
    evs = events(pipeline, text, date(2023, 9, 23))
    assert {e.location for e in evs} == {"Dan Kade"}
    assert "Military Forces of Nigeria" in {e.actor1 for e in evs} | {e.actor2 for e in evs}


def test_a_verb_used_as_an_adjective_is_no_event(pipeline):
    assert events(pipeline, "The region borders the jihadist-invaded nations of Mali and Burkina Faso.") == []



def test_the_clashes_were_between_names_the_sides_of_the_fighting_just_reported(pipeline):
    text = ("At least nine people were killed in overnight fighting in Tripoli in Libya, medics said on Friday. "
            "Families fled to a school. "
            "The clashes were between two armed groups: the Radaa force and the Libyan National Army.")
    evs = events(pipeline, text, date(2022, 7, 23))
    assert [(e.location, e.actor1, len(e.evidence)) for e in evs] == [("Tripoli", "Special Deterrence Force", 2)]


def test_a_foreign_state_s_attacks_in_a_report_of_air_strikes_are_strikes(pipeline):
    text = ("Twenty soldiers were killed and wounded in Israeli attacks on military sites in the town of Kafr Zita "
            "in Syria on Sunday. The Syrian air defences confronted the attack, the monitor said.")
    evs = events(pipeline, text, date(2024, 9, 9))
    assert [(e.actor1, e.sub_event_type) for e in evs] == [("Military Forces of Israel", "Air/drone strike")]


def test_a_foreign_state_s_ground_assault_stays_a_clash(pipeline):
    text = ("Turkish troops clashed with Kurdish fighters in the village of Umm Zelta in Syria on Sunday, "
            "as drones flew overhead.")
    evs = events(pipeline, text, date(2019, 10, 14))
    assert evs and all(e.sub_event_type == "Armed clash" for e in evs)


def test_clearing_mines_is_no_explosion(pipeline):
    assert events(pipeline, "Army engineers have started clearing mines left behind in the town of Kafr Zita.") == []


def test_a_sentence_s_day_is_the_one_it_opens_with(pipeline):
    text = ("On Friday, Russia announced a ceasefire in Idlib, which took effect on August 31. "
            "A day earlier, HTS militants recaptured the village of Umm Zelta, which the army had taken earlier "
            "this month.")
    evs = {e.location: e for e in events(pipeline, text, date(2019, 8, 31))}
    assert evs["Umm Zelta"].event_date == date(2019, 8, 29)


def test_a_list_in_a_named_province_stays_there_beside_a_far_city(pipeline):
    """'X, Y and Z in Latakia province, the outskirts of Aleppo city': the villages are the
    province's, not namesakes rejected for lying far from the city the sentence also names."""
    evs = events(pipeline, "Gunmen attacked Slinfah, Rabiah and Kassab in Latakia province, the southern "
                           "outskirts of Aleppo city, as well as army posts in Hama province, the ministry said.")
    by_place = {e.location: e.admin1 for e in evs}
    assert {by_place.get(n) for n in ("Slinfah", "Rabiah", "Kassab")} == {"Latakia"}, by_place


# ---- who did it, when the clause does not say ------------------------------------------------
@pytest.mark.parametrize("text, published, actor1", [
    ("Russian shelling of the town of Izyum in eastern Ukraine killed four people on Monday, the governor said.",
     date(2022, 6, 8), "Military Forces of Russia"),
    ("A car bomb killed six people near a market in Baidoa on Sunday, and al Shabaab said it was behind the blast.",
     date(2021, 5, 8), "Al Shabaab"),
    ("Gunmen killed five farmers in Gwoza on Friday; Boko Haram claimed the attack.", date(2021, 5, 8), "Boko Haram"),
    ("A military jet dropped two bombs on a school in Kani village in Sagaing Region on Tuesday, killing eight pupils.",
     date(2023, 6, 8), "Military Forces of Myanmar"),
])
def test_the_attacker_is_named_by_the_sentence_around_the_clause(pipeline, text, published, actor1):
    evs = events(pipeline, text, published)
    assert evs and all(e.actor1.startswith(actor1) for e in evs), [(e.actor1, e.location) for e in evs]


@pytest.mark.parametrize("text, actor1, sub", [
    ("Rockets fired by Houthi fighters struck a market in the town of Hays in Hodeidah on Monday, killing two people.",
     "Ansar Allah", "Shelling/artillery/missile attack"),
    ("A drone launched by Houthi rebels hit a fuel depot in the town of Hays in Hodeidah on Monday.",
     "Ansar Allah", "Air/drone strike"),
    ("Missiles believed to have been launched by Russian forces struck a power station in the city of Kharkiv on Monday.",
     "Military Forces of Russia", "Shelling/artillery/missile attack"),
])
def test_the_side_that_fired_the_weapon_is_the_attacker(pipeline, text, actor1, sub):
    """'rockets fired by X', 'a drone launched by X', 'missiles believed to have been launched by X': the
    participle's agent used the weapon, also where the small model makes the participle the main verb."""
    evs = events(pipeline, text, date(2023, 6, 8))
    assert evs and [(e.actor1, e.sub_event_type) for e in evs] == [(actor1, sub)] * len(evs), \
        [(e.actor1, e.sub_event_type) for e in evs]


def test_a_foreign_state_in_the_frame_keeps_the_aircraft_unattributed(pipeline):
    evs = events(pipeline, "A jet dropped two bombs on Kani village in Sagaing Region on Tuesday, and Chinese "
                           "officials said they were alarmed.", date(2023, 6, 8))
    assert evs and not any(e.actor1.startswith("Military Forces of Myanmar") for e in evs)


def test_unnamed_insurgents_are_the_insurgency_of_their_province(pipeline):
    """The registry's ``dominant_in``: 'insurgents' in Cabo Delgado since 2017 are the Islamic State's
    Mozambique branch; elsewhere, or before, they stay unidentified."""
    text = "Insurgents attacked the village of Nkonga in Cabo Delgado province on Sunday, burning houses."
    evs = events(pipeline, text, date(2022, 8, 20))
    assert evs and {e.actor1 for e in evs} == {"Islamic State Mozambique Province"}
    before = events(pipeline, text, date(2016, 8, 20))
    assert before and {e.actor1 for e in before} == {"Unidentified Armed Group (Mozambique)"}
    elsewhere = events(pipeline, "Insurgents attacked the village of Nkonga in Inhambane province on Sunday.",
                       date(2022, 8, 20))
    assert elsewhere and {e.actor1 for e in elsewhere} == {"Unidentified Armed Group (Mozambique)"}


def test_an_unclaimed_attack_in_a_report_on_the_insurgency_is_the_insurgency_s(pipeline):
    """An attack no clause attributes, in a province where the registry has one insurgency whose
    unclaimed attacks analysts code to it, is that group's when the article itself speaks of it
    (names it, or calls its fighters "insurgents"); air strikes and shelling are not."""
    text = ("Insurgents have stepped up their raids across Cabo Delgado province this month. "
            "On Tuesday an attack on the village of Nkonga left three people dead, a local official said.")
    evs = [e for e in events(pipeline, text, date(2022, 8, 20)) if e.location == "Nkonga"]
    assert evs and {e.actor1 for e in evs} == {"Islamic State Mozambique Province"}, [e.actor1 for e in evs]
    assert "inferred" in evs[0].notes
    alone = events(pipeline, "On Tuesday an attack on the village of Nkonga in Cabo Delgado province left three "
                             "people dead, a local official said.", date(2022, 8, 20))
    assert alone and {e.actor1 for e in alone} == {"Unidentified Armed Group (Mozambique)"}


def test_an_unclaimed_attack_where_the_dominant_group_governs_stays_unidentified(pipeline):
    """HTS was the dominant faction of the Idlib pocket, the side attacked there as often as the attacker:
    its stronghold does not make an unclaimed attack its own."""
    text = ("Hayat Tahrir al-Sham tightened its grip on Idlib province this month. "
            "On Tuesday an attack on a checkpoint in the town of Sarmada left three people dead.")
    evs = [e for e in events(pipeline, text, date(2021, 8, 20)) if e.location == "Sarmada"]
    assert evs and all(e.actor1 != "Hay'at Tahrir al-Sham" for e in evs), [e.actor1 for e in evs]


def test_militiamen_in_a_report_naming_one_militia_are_that_militia(pipeline):
    text = ("The CODECO militia has been blamed for a string of raids in Ituri province. "
            "On Monday militiamen killed 12 people at a camp near Bunia, a local chief said.")
    evs = events(pipeline, text, date(2023, 6, 14))
    assert evs and all("Cooperative for the Development of Congo" in e.actor1 for e in evs), [e.actor1 for e in evs]


def test_a_place_named_twice_is_not_its_own_witness(pipeline):
    """'Hawash ... and Hawash hill': the second mention is the same place, so it cannot vouch for (or
    receive) the first's far namesake; the list stays where the sentence puts it."""
    evs = events(pipeline, "Government forces captured the villages of Hawash, Umm Zelta and Hawash hill on the "
                           "southern edges of Idlib on Monday.", date(2019, 5, 14))
    assert evs and {e.admin1 for e in evs} == {"Idlib"}, [(e.location, e.admin1) for e in evs]


def test_the_toll_sentence_after_a_strike_is_its_evidence_and_the_believed_state_its_actor(pipeline):
    text = ("Monitors documented several deaths after yesterday's airstrikes by aircraft, believed to be Israeli, "
            "on militia positions near Mayadin in Deir ez-Zor. Some 12 militiamen of several nationalities "
            "were killed in the shelling, which hit new positions.")
    evs = events(pipeline, text, date(2020, 11, 22))
    assert len(evs) == 1
    ev = evs[0]
    assert ev.actor1 == "Military Forces of Israel" and ev.fatalities == 12
    assert [e.text.split()[0] for e in ev.evidence] == ["Monitors", "Some"]


@pytest.mark.parametrize("text, n", [
    ("A young shepherd from the hamlet of Kani in Sagaing Region was killed in a drone strike on Tuesday.", 1),
    ("An elderly woman living near the market in Kalay was killed when a shell hit her house.", 1),
    ("A policeman died in the attack on the checkpoint.", 1),
    ("One of the wounded soldiers later died in hospital.", 1),
    ("A shell that landed near the checkpoint was later removed by engineers.", 0),
    ("A soldier who was wounded in the ambush was flown to the capital.", 0),
    ("In a separate incident, Constable Ali Khan was shot and killed while driving to work.", 1),
    ("Sgt. Omar Said died of his wounds on Friday.", 1),
    ("A policeman was shot and killed at the checkpoint.", 1),
    ("Captain Ahmed Ali was wounded in the attack.", 0),
])
def test_one_victim_named_without_a_number(text, n):
    """One victim, 'a' or 'an' and a long description before the verb, or a single death ('died')."""
    from frontlines.extract.coding import fatalities
    assert fatalities(text) == n


@pytest.mark.parametrize("text, n", [
    ("Some 14 fighters of Afghan and Iraqi nationalities were killed in the raid.", 14),
    ("Three soldiers and 20 civilians, including women from the village, were wounded while five were killed.", 5),
    ("Two children who had been playing in the street were killed.", 2),
])
def test_fatalities_behind_a_long_victim_phrase(text, n):
    from frontlines.extract.coding import fatalities
    assert fatalities(text) == n


def test_a_province_named_outright_outweighs_a_town_of_another_named_twice(pipeline):
    text = ("Traders returned to Lichinga this week, and the Lichinga market reopened. Attacks continue across "
            "Cabo Delgado province. On Monday insurgents raided the village of Nkonga, burning houses.")
    evs = [e for e in events(pipeline, text, date(2022, 8, 20)) if e.location == "Nkonga"]
    assert evs and evs[0].admin1 == "Cabo Delgado"


def test_two_spellings_of_one_town_on_one_day_are_one_event(pipeline):
    text = ("Airstrikes hit militia positions in al-Bukamal in Deir ez-Zor on Saturday. "
            "Later on Saturday, another airstrike hit a depot in Albu Kamal.")
    evs = events(pipeline, text, date(2020, 11, 22))
    assert len(evs) == 1 and len(evs[0].evidence) == 2, [(e.location, e.place_id) for e in evs]


def test_a_governorate_named_beside_its_town_only_situates_it(pipeline):
    evs = events(pipeline, "Gunmen attacked a checkpoint in Jablah in Latakia on Saturday.", date(2020, 11, 22))
    assert [e.location for e in evs] == ["Jablah"]


def test_a_province_and_its_capital_of_the_same_name_stay_apart(pipeline):
    text = ("Three former fighters were killed in the southern province of Daraa on Monday. "
            "Two of them were shot dead in Daraa city by unknown gunmen on Monday.")
    evs = events(pipeline, text, date(2020, 5, 12))
    assert any(e.location == "Daraa" and e.geo_precision == 1 and any("shot dead" in x.text for x in e.evidence)
               for e in evs), [(e.location, e.geo_precision) for e in evs]


def test_the_retelling_that_says_who_struck_codes_the_event(pipeline):
    text = ("At least 40 people were killed on Sunday in air strikes on a market in Khartoum, a local group said.\n\n"
            "\"Military aircraft bombarded the market area in Khartoum,\" the committee said.")
    evs = events(pipeline, text, date(2023, 9, 11))
    assert len(evs) == 1 and evs[0].actor1 == "Military Forces of Sudan" and evs[0].fatalities == 40


def test_the_seat_of_officials_is_not_where_the_attacks_were(pipeline):
    evs = events(pipeline, "The army on Sunday reported repelling several attacks in the area, even as officials in "
                           "Kyiv stayed silent.", date(2023, 6, 12))
    assert not any(e.location == "Kyiv" for e in evs)


def test_the_town_points_back_to_the_last_settlement_named(pipeline):
    text = ("Insurgents in trucks launched attacks in Malam Fatori late Friday. "
            "In a pre-dawn attack on the base and the town on Saturday, the jihadists killed five residents.")
    evs = events(pipeline, text, date(2022, 11, 21))
    saturday = [e for e in evs if e.event_date == date(2022, 11, 19)]
    assert saturday and all(e.location == "Malam Fatori" for e in saturday), [(e.location, e.event_date) for e in evs]


def test_an_undated_lede_about_a_state_folds_into_the_dated_attack_inside_it(pipeline):
    text = ("Many soldiers were feared killed as insurgents attacked two army bases in Borno State.\n\n"
            "On Friday, insurgents in trucks attacked the army base in Gajiram, killing nine soldiers.")
    evs = events(pipeline, text, date(2022, 11, 23))
    assert [e.location for e in evs] == ["Gajiram"] and len(evs[0].evidence) == 2, [(e.location, e.event_date) for e in evs]


@pytest.mark.parametrize("text, n", [
    ("Officials have blamed the attacks on the security gap between Erbil and Baghdad.", 0),
    ("The UN condemned the attack, which it said was deliberate.", 0),
    ("The governor condemned the attack on the market in Baidoa that killed six people.", 1),
])
def test_talk_about_an_event_already_told_is_no_new_event(pipeline, text, n):
    assert len(events(pipeline, text, date(2021, 12, 8))) == n


def test_the_attack_led_by_a_group_is_the_attack_just_reported(pipeline):
    text = ("Gangs launched a fresh attack on the capital early Tuesday, targeting an upscale community in "
            "Port-au-Prince.\nThe attack on Petionville was led by the Viv Ansanm group.")
    evs = events(pipeline, text, date(2024, 11, 20))
    assert [(e.location, e.actor1) for e in evs] == [("Petionville", "Viv Ansanm")]


def test_those_killed_are_the_dead_already_reported(pipeline):
    assert events(pipeline, "In Port-au-Prince people walked around the bodies of those killed.", date(2024, 11, 20)) == []


def test_a_weapons_name_is_no_place(pipeline):
    evs = events(pipeline, "Hours before, a number of Katyusha rockets fired by militants landed near Dibis in Kirkuk.",
                 date(2021, 12, 8))
    assert evs and {e.location for e in evs} == {"Dibis"}


def test_on_whose_behalf_is_not_where(pipeline):
    evs = events(pipeline, "Hezbollah later said it had attacked an enemy position in Safed in support of the people "
                           "and resistance of Gaza.", date(2024, 2, 15))
    assert [e.location for e in evs] == ["Safed"]


def test_the_persons_involved_in_the_attacks_are_no_new_attack(pipeline):
    assert events(pipeline, "The protesters demand the arrest of the persons involved in the attacks on peaceful "
                            "protesters at the camp in Galle Face.", date(2022, 6, 10)) == []


@pytest.mark.parametrize("text", [
    "A fourth Israeli wave of missiles targeted a research site in the Masyaf countryside.",
    "Then came a fourth Israeli wave of missiles that targeted a research site in the Masyaf countryside.",
])
def test_the_adjective_on_a_wave_of_missiles_names_the_attacker(pipeline, text):
    evs = events(pipeline, text, date(2024, 9, 9))
    assert evs and {e.actor1 for e in evs} == {"Military Forces of Israel"}


def test_two_far_namesakes_are_no_witnesses_for_each_other(village_pipeline):
    """Two hilltops each known only by namesakes in other governorates: neither is placed at the other's."""
    text = ("Government forces retook Tal Zelta hill in the northern Hama countryside on Tuesday.\n\n"
            "Earlier, the army imposed full control on Tal Qarmid and Tal Sufan hilltops along the frontlines.")
    evs = [e for e in events(village_pipeline, text, date(2017, 3, 30)) if e.location in ("Tal Qarmid", "Tal Sufan")]
    assert evs and all(e.admin1 == "Hama" for e in evs), [(e.location, e.admin1, e.notes) for e in evs]


def test_a_non_state_attackers_other_side_is_the_state_forces_the_sentence_names(pipeline):
    evs = events(pipeline, "Over the past day, militants of Hayat Tahrir al-Sham attacked Slinfah and Rabiah in "
                           "Latakia province, as well as positions of government forces in Hama province.",
                 date(2019, 6, 5))
    assert evs and {(e.actor1, e.actor2) for e in evs} == {("Hay'at Tahrir al-Sham", "Military Forces of Syria")}


def test_the_civilians_a_later_sentence_names_are_the_strikes_victims(pipeline):
    text = ("Turkish drone strike kills three in Qamishli\n\n"
            "Kurdish-led police in northeast Syria said three civilians were killed in a Turkish drone strike "
            "on Qamishli on Tuesday.")
    evs = events(pipeline, text, date(2021, 11, 10))
    assert len(evs) == 1 and evs[0].actor2 == "Civilians (Syria)", [(e.location, e.actor2) for e in evs]


def test_an_attack_on_the_road_between_two_towns_is_one_event(pipeline):
    evs = events(pipeline, "On Monday, militants attacked a checkpoint on the road between Hajin and Abu Kamal, "
                           "killing 3 fighters.", date(2019, 5, 22))
    assert [e.location for e in evs] == ["Hajin"] and evs[0].geo_precision == 2


# ---- a day told from the day before, a landmark, whose hands ---------------------------------------
@pytest.mark.parametrize("follow, day", [
    ("The next day, government forces shelled Taftanaz.", date(2020, 3, 4)),
    ("Later that day, government forces shelled Taftanaz.", date(2020, 3, 3)),
    ("Two days later, government forces shelled Taftanaz.", date(2020, 3, 5)),
    ("Government forces shelled Taftanaz on Friday.", date(2020, 3, 6)),
])
def test_a_day_told_from_the_last_one_named(pipeline, follow, day):
    evs = events(pipeline, f"Rebels captured Saraqib on March 3, 2020 after heavy fighting. {follow}",
                 date(2020, 3, 10))
    shelling = [e for e in evs if e.location == "Taftanaz"]
    assert [e.event_date for e in shelling] == [day], [(e.location, e.event_date) for e in evs]


def test_a_landmark_named_by_its_modifiers_is_the_place(pipeline):
    ex = pipeline.extract(doc_from_text("Government forces shelled the 46th Regiment base in western Aleppo on Monday.",
                                        date(2021, 5, 8)))
    assert "46th Regiment base" in [m.text for m in ex.mentions]
    assert ex.events and ex.events[0].location == "46th Regiment base"


def test_a_town_lost_at_the_hands_of_a_named_group(pipeline):
    evs = events(pipeline, "Government troops lost the town of Kafr Nabl at the hands of Hay'at Tahrir al-Sham on Sunday.")
    assert evs and evs[0].actor1 == "Hay'at Tahrir al-Sham" and evs[0].actor2.startswith("Military Forces of Syria")


@pytest.mark.parametrize("text, delta", [
    ("Hours later, a second blast hit the market.", 0),
    ("The same morning, gunmen stormed a checkpoint.", 0),
    ("A day later the militia withdrew.", 1),
    ("The following day, troops returned.", 1),
    ("The day before, drones had struck the depot.", -1),
    ("Two days earlier, shelling had killed three.", -2),
    ("2 days later, the army entered the town.", 2),
    ("The army entered the town on Monday.", None),  # a weekday is no day told from the last one
    ("Yesterday's strike killed four, officials said today.", None),
    ("Daylight raids continued into the night-time curfew.", None),
])
def test_the_day_after_and_the_day_before_are_counted_from_the_last_date(text, delta):
    from frontlines.extract.timex import When, anaphoric_when
    last = When(date(2020, 3, 3), 1, "March 3, 2020")
    got = anaphoric_when(text, last)
    assert (got.day - last.day).days == delta if delta is not None else got is None


def test_a_confrontation_on_the_outskirts_of_a_capital_is_placed_there_not_in_its_state(pipeline):
    """'confrontation' is a clash; 'in the northern state of X' names a state (a division), which only
    situates the city the event was on the outskirts of."""
    evs = events(pipeline, "The confrontation occurred on the outskirts of the state capital, Hermosillo, in the "
                           "northern state of Sonora on Monday.", date(2024, 10, 23))
    assert [(e.event_type, e.location) for e in evs] == [("Battles", "Hermosillo")]
    assert not events(pipeline, "A long confrontation between the two families over land was settled by elders.",
                      date(2024, 10, 23))


@pytest.mark.parametrize("text", [
    "Gunmen ambushed a patrol on Monday outside the regional capital, Culiacan, killing two soldiers.",
    "Soldiers exchanged fire with gunmen on Monday near the state capital, Culiacan.",
])
def test_a_capital_named_in_apposition_is_the_place(pipeline, text):
    """'the regional capital, X': the tagger may read the name as a nationality adjective; in apposition to
    'capital' a name the gazetteer knows is the place.  'exchanged fire' is a clash."""
    evs = events(pipeline, text, date(2024, 10, 23))
    assert [(e.event_type, e.location) for e in evs] == [("Battles", "Culiacan")], [(e.event_type, e.location) for e in evs]


def test_an_agency_credit_after_a_dateline_city_is_not_a_place(pipeline):
    evs = events(pipeline, "MEXICO CITY (AP) — Gunmen ambushed a patrol on Monday outside the regional capital, "
                           "Culiacan, killing two soldiers.", date(2024, 10, 23))
    assert [e.location for e in evs] == ["Culiacan"]


# ---- an event told first without a place, then placed by a definite noun ------------------------------
def test_a_later_sentence_places_the_event_told_without_a_place(pipeline):
    """'Gunmen shot dead four farmers on Friday. The attack happened outside Bunia': one event at Bunia,
    with the first sentence's sides, toll and sentence as evidence."""
    text = "Gunmen shot dead four farmers on Friday. The attack happened outside the town of Bunia in Ituri province."
    ex = pipeline.extract(doc_from_text(text, date(2023, 3, 1)))
    assert [(e.location, e.event_type, e.fatalities) for e in ex.events] == [("Bunia", "Violence against civilians", 4)]
    ev = ex.events[0]
    assert ev.actor2.startswith("Civilians") and ev.actor1.startswith("Unidentified")
    assert [x.text for x in ev.evidence][0] == "Gunmen shot dead four farmers on Friday."
    assert any("placed by a later sentence" in s["why"] for s in ex.skipped)


def test_a_placed_clash_takes_the_attacker_and_toll_of_the_placeless_sentence(pipeline):
    text = ("Soldiers killed 12 bandits in a gunfight on Tuesday, a police spokesman said. "
            "The confrontation took place near the village of Nkonga in Cabo Delgado province.")
    evs = events(pipeline, text, date(2023, 3, 1))
    assert [(e.location, e.sub_event_type, e.actor1, e.fatalities) for e in evs] == \
        [("Nkonga", "Armed clash", "Military Forces of Mozambique", 12)]


def test_a_placeless_sentence_is_not_carried_past_a_placed_event_or_two_sentences(pipeline):
    later = events(pipeline, "Gunmen shot dead four farmers on Friday. Heavy rain fell for most of the weekend. "
                             "Schools stayed closed on Monday. The attack happened outside the town of Bunia.",
                   date(2023, 3, 1))
    assert all(e.fatalities == 0 and not e.actor2.startswith("Civilians") for e in later), \
        [(e.location, e.actor2, e.fatalities) for e in later]


def test_a_lede_without_a_place_is_the_event_the_next_sentence_places(pipeline):
    """'Rebels seized a district capital on Monday. ... the fighters seized the police station in X on
    Monday': the lede and the sentence that names the place report one event, with both as evidence."""
    text = ("Resistance fighters in Myanmar seized a district capital in the north on Monday, residents said. "
            "A resident said the fighters seized the police station in Kalewa on Monday after hours of fighting.")
    ex = pipeline.extract(doc_from_text(text, date(2023, 3, 1)))
    assert [e.location for e in ex.events] == ["Kalewa"]
    assert [x.text for x in ex.events[0].evidence][0].startswith("Resistance fighters in Myanmar seized")
    assert any("placed by a later sentence" in s["why"] for s in ex.skipped)


@pytest.mark.parametrize("text", [
    # another day, another kind of event, another side: not the lede's event
    "Gunmen killed three people on Monday, police said. On Wednesday, gunmen killed five villagers in the town of Kano.",
    "Gunmen killed three people on Monday, police said. Troops arrested five suspects in the town of Kano on Monday.",
    "Bandits killed three people on Monday, police said. Boko Haram fighters killed five villagers in the town of "
    "Kano on Monday.",
])
def test_a_lede_without_a_place_is_not_another_event_s(pipeline, text):
    ex = pipeline.extract(doc_from_text(text, date(2023, 3, 1)))
    assert len(ex.events) == 1 and len(ex.events[0].evidence) == 1, [(e.location, len(e.evidence)) for e in ex.events]
    assert ex.events[0].fatalities != 3


def test_an_attack_that_happened_somewhere_is_an_event(pipeline):
    evs = events(pipeline, "The attack happened in Bunia in Ituri province on Friday.", date(2023, 3, 1))
    assert [e.location for e in evs] == ["Bunia"]


@pytest.mark.parametrize("text, sub", [
    ("A suicide attack on a checkpoint in Bannu district on Monday killed two policemen.", "Suicide bomb"),
    ("A suicide bomber attacked a police station in Bannu on Monday, killing three officers.", "Suicide bomb"),
    ("A suicide car bomb attack on an army convoy in Bannu killed four soldiers on Monday.", "Suicide bomb"),
    ("Four soldiers were killed in a suicide bombing in Bannu on Monday.", "Suicide bomb"),
    ("Gunmen attacked a checkpoint in Bannu on Monday, a week after a suicide attack in Peshawar.", "Armed clash"),
])
def test_a_suicide_attack_is_a_suicide_bombing(pipeline, text, sub):
    """ACLED codes a suicide attack as a suicide bomb, whatever verb reports it; a suicide attack the
    sentence only mentions does not make another attack one."""
    evs = [e for e in events(pipeline, text, date(2023, 3, 1)) if e.location == "Bannu"]
    assert [e.sub_event_type for e in evs] == [sub]


@pytest.mark.parametrize("text", [
    "A roadside bomb hit a police van in Khyber Pakhtunkhwa’s Bannu district on Monday, killing one officer.",
    "A roadside bomb hit a police van in Bannu district in Khyber Pakhtunkhwa on Monday, killing one officer.",
    "A roadside bomb hit a police van in Bannu district of Khyber Pakhtunkhwa on Monday, killing one officer.",
])
def test_a_province_written_against_a_district_only_situates_it(pipeline, text):
    """'X's Y district', 'Y district in X': the first-level division X (which the gazetteer holds no
    town of) situates the district, which places the event."""
    evs = events(pipeline, text, date(2023, 3, 1))
    assert [(e.location, e.admin1) for e in evs] == [("Bannu", "Khyber Pakhtunkhwa")]


def test_a_district_report_is_not_folded_into_a_town_of_another_district(pipeline):
    """A report placed at a district's seat ("in Lakki Marwat district") summarises only what happened
    inside that district; an event in another district's town is another event, and "In a separate
    incident" does not take the type of the event before."""
    text = ("PESHAWAR: A suicide attack on a police van in Khyber Pakhtunkhwa’s Lakki Marwat district on Monday "
            "killed one officer, officials said. In a separate incident, a constable was shot dead in Bannu.")
    evs = events(pipeline, text, date(2023, 3, 1))
    assert sorted((e.location, e.sub_event_type) for e in evs) == [("Bannu", "Armed clash"),
                                                                    ("Lakki Marwat", "Suicide bomb")]


# ---- a territory that is one city: naming it names the city ------------------------------------
@pytest.mark.parametrize("text, where", [
    ("Riot police fired tear gas on Sunday to disperse hundreds of protesters who had gathered in a park "
     "in central Singapore.", "Singapore"),
    ("Police used water cannon to break up a rally of several thousand demonstrators in Hong Kong on Saturday.",
     "Hong Kong"),
])
def test_an_event_in_a_city_territory_is_placed_there(pipeline, text, where):
    evs = events(pipeline, text)
    assert [(e.event_type, e.sub_event_type) for e in evs] == [("Protests", "Protest with intervention")]
    assert where in evs[0].location and evs[0].latitude is not None


def test_an_event_placed_only_in_a_larger_country_is_still_too_vague(pipeline):
    ex = pipeline.extract(doc_from_text("Police used water cannon to break up a rally of several thousand "
                                        "demonstrators in Kenya on Saturday.", date(2021, 5, 8)))
    assert ex.events == [] and any("placed only at the country" in s["why"] for s in ex.skipped)


# ---- 'at X' where an event happened --------------------------------------------------------------
@pytest.mark.parametrize("text, where, etype", [
    ("Last Friday, clashes erupted at Mabrouka between the army and fighters of the Islamic State group.",
     "Mabrouka", "Battles"),
    ("Heavy fighting broke out at Kafr Talsa on Tuesday between rival militias.", "Kafr Talsa", "Battles"),
])
def test_an_event_at_an_unknown_town_is_placed_there(pipeline, text, where, etype):
    evs = events(pipeline, text)
    assert [(e.location, e.event_type) for e in evs] == [(where, etype)]


def test_at_after_a_verb_that_is_not_an_event_names_no_place(pipeline):
    # "talks" are no event: the name the tagger called a person stays one
    ex = pipeline.extract(doc_from_text("Talks began at Mabrouka on Friday.", date(2021, 5, 8)))
    assert not any(m.text == "Mabrouka" for m in ex.mentions)


# ---- a duration is not a date; a date in another clause does not date the event -----------------
def test_a_duration_beside_a_date_of_another_clause_does_not_make_the_event_background(pipeline):
    text = ("Kafr Salma is the first town seized by the militants in a four-day offensive after the army "
            "withdrew from the area in March 2019.")
    ex = pipeline.extract(doc_from_text(text, date(2023, 11, 7)))
    assert not any(s["trigger"] == "seized" for s in ex.skipped)  # "four-day" says how long, not when
    assert any(s["trigger"] == "withdrew" and s["why"].startswith("background") for s in ex.skipped)


# ---- a passive raised by a reporting verb: 'were said to have been engaged by troops' ------------
def test_a_raised_passive_clash_has_its_object_in_the_subject(pipeline):
    evs = events(pipeline, "The bandits were said to have been engaged by troops of the Nigerian Army in a "
                           "fierce gun battle near the town of Tsafe in Zamfara, but they escaped.", date(2023, 9, 23))
    assert [(e.event_type, e.actor1, e.location) for e in evs] == [("Battles", "Military Forces of Nigeria", "Tsafe")]


def test_a_passive_engage_without_an_armed_patient_is_no_clash(pipeline):
    assert events(pipeline, "The lawyers were said to have been engaged by the family in Tsafe in Zamfara "
                            "on Monday.", date(2023, 9, 23)) == []


# ---- a main verb the parser hung on the subject noun: 'came a wave of missiles targeted X' ------
def test_a_verb_with_an_object_hung_on_its_subject_is_that_subjects_act(pipeline):
    evs = events(pipeline, "And then came a second Turkish wave of missiles targeted the Tal Zelta site in "
                           "the Idlib countryside.")
    assert [(e.sub_event_type, e.actor1) for e in evs] == [("Shelling/artillery/missile attack", "Military Forces of Turkey")]
