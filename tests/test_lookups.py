"""The indexes and memos the extraction reads through give what the plain scans gave.

Entities of a sentence and of a token (extract/doc_index.py), the registry's demonym, reverse-relation
and descriptor lookups, and a directional region's point: each is checked against the computation it
replaced, on sentences and registry entries written here.
"""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.actors.registry import Registry
from frontlines.extract.doc_index import ent_of, ents, sent_ents
from frontlines.places.regions import region_point

REPORT = ("On Tuesday, Syrian government forces shelled the town of Kafr Nabl in southern Idlib, killing three "
          "civilians, the Syrian Observatory for Human Rights said.\n\n"
          "Hayat Tahrir al-Sham fighters later attacked an army post near Khan Shaykhun. "
          "Turkish drones struck a car outside Qamishli on Wednesday.")


def test_sentence_and_token_entities_match_spacys_own(pipeline):
    doc = pipeline.nlp(REPORT)
    assert ents(doc) == tuple(doc.ents) and len(ents(doc)) >= 5
    for sent in doc.sents:
        assert [(e.start, e.end, e.label_) for e in sent_ents(sent)] == \
            [(e.start, e.end, e.label_) for e in sent.ents]
    for tok in doc:
        spacy_ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        mine = ent_of(tok)
        assert (mine.start, mine.end) == (spacy_ent.start, spacy_ent.end) if spacy_ent else mine is None


def test_entity_index_follows_the_document_it_is_asked_about(pipeline):
    first, second = pipeline.nlp("Russian warplanes struck Saraqib."), pipeline.nlp("Clashes erupted in Daraa on Monday.")
    assert [e.text for e in ents(first)] != [e.text for e in ents(second)]
    assert [e.text for e in ents(first)] == [e.text for e in first.ents]  # asked again: not the second's
    assert [e.text for e in sent_ents(second[:])] == [e.text for e in second.ents]


YAML = """
actors:
  - {id: redland_army, name: Military Forces of Redland, type: state force, country: Redland, demonym: Redlander, inter: 1}
  - {id: redland_police, name: Police Forces of Redland, type: state force, country: Redland, inter: 1}
  - {id: blue_front, name: Blue Front, type: rebel group, country: Redland, inter: 2,
     descriptors: [the separatist front],
     relations: [{type: fighting, target: redland_army}, {type: backed_by, target: green_state, from: "2015-01-01"}]}
  - {id: grey_brigade, name: Grey Brigade, type: rebel group, country: Redland, inter: 2,
     relations: [{type: backed_by, target: green_state, until: "2014-06-01"}, {type: member_of, target: blue_front}]}
  - {id: green_state, name: Military Forces of Greenland, type: state force, country: Greenland, demonym: Greenlandic,
     inter: 1}
"""


@pytest.fixture(scope="module")
def registry():
    return Registry.load(builtin=False, texts=[YAML], env=False)


def test_registry_indexes_answer_like_a_scan(registry):
    assert registry.by_demonym("Redlander") == "redland_army"
    assert registry.by_demonym("redland") == "redland_army"  # the country's national forces, not its police
    assert registry.by_demonym("Bluish") is None
    assert registry.backed_by("green_state", date(2016, 1, 1)) == ["blue_front"]
    assert registry.backed_by("green_state", date(2013, 1, 1)) == ["grey_brigade"]
    assert registry.backed_by("green_state") == ["blue_front", "grey_brigade"]
    assert registry.members("blue_front") == ["grey_brigade"]
    assert registry.related_to("redland_army", "fighting") == ["blue_front"]


def test_registry_memos_do_not_leak_between_phrases(registry):
    assert registry.by_descriptor("the separatist front") == ["blue_front"]
    got = registry.by_descriptor("the separatist front")
    got.append("changed by a caller")
    assert registry.by_descriptor("the separatist front") == ["blue_front"]
    assert registry.lookup("Blue Frontt")[0] == "blue_front"  # fuzzy, then from the memo
    assert registry.lookup("Blue Frontt")[0] == "blue_front"
    assert registry.lookup("Purple Coalition") == (None, 0.0)


def test_a_directional_region_is_placed_inside_its_governorate():
    north, south = region_point("Idlib", "north"), region_point("Idlib", "south")
    assert north and south and north[0] > south[0]  # the north of the province is north of its south
    assert region_point("Idlib", "north") == north
    assert region_point("Nowhere", "north") is None and region_point("Idlib", "upwards") is None
