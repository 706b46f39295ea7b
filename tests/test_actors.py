"""Actors: recognition under every spelling, coreference, relations learned from text, other conflicts."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontlines.actors.registry import Registry
from frontlines.actors.views import actor_detail, actors_at
from frontlines.cli import app
from frontlines.ingest import ingest_path
from frontlines.pipeline import Pipeline
from frontlines.records import Document, DocumentMeta

from .conftest import SEED_000, SEED_004

FIXTURES = Path(__file__).parent / "fixtures"


def doc(text: str, published=date(2019, 3, 1), doc_id="t") -> Document:
    return Document(id=doc_id, media_type="text/plain", raw=text.encode(), sha256=Document.digest(text.encode()),
                    article=text, meta=DocumentMeta(published=published))


@pytest.fixture(scope="module")
def seed_runs(pipeline, shared):
    runs = []
    for path, pub in ((SEED_000, date(2019, 1, 4)), (SEED_004, None)):
        d = next(ingest_path(path, pub))
        runs.append((d, pipeline.extract(d)))
    return runs


def test_every_gold_actor_spelling_in_the_seeds_is_recognised(seed_runs, gold):
    reg = Registry.load()
    mentions = {m.text: m.resolved_id for _, ex in seed_runs for m in ex.mentions if m.kind == "actor"}
    articles = " ".join(d.article for d, _ in seed_runs)
    for actor in gold["actors"]:
        expected = reg.lookup(actor["name"])[0]
        assert expected, f"{actor['name']} is not in the registry"
        for spelling in [actor["name"], *actor.get("aliases", []), *actor.get("formerly", [])]:
            if spelling not in articles:
                continue  # the gold lists spellings of other pages too
            found = [aid for text, aid in mentions.items() if spelling in text or text == spelling]
            assert expected in found, f"{spelling!r} in the seed text was not resolved to {actor['name']}"


def test_relations_proposed_from_the_seed_text(seed_runs):
    props = {(p.kind, p.subject, p.relation, p.object) for _, ex in seed_runs for p in ex.proposals}
    assert ("former_name", "Hay'at Tahrir al-Sham", "formerly", "Jabhat al-Nusra") in props
    assert ("relation", "Ahrar al-Sham", "member_of", "National Front for Liberation") in props
    assert ("relation", "Nour al-Din al-Zenki Movement", "member_of", "National Front for Liberation") in props
    assert ("relation", "National Front for Liberation", "backed_by", "Military Forces of Turkey") in props
    assert ("relation", "Syrian Democratic Forces", "backed_by", "Military Forces of the United States") in props
    assert ("alias", "Nour al-Din al-Zenki Movement", None, "Nour al-Din al-Zrenki") in props
    for _, ex in seed_runs:
        for p in ex.proposals:
            assert p.status == "proposed" and p.evidence.text in (d.article for d, _ in seed_runs
                                                                   if d.id == p.evidence.doc_id).__next__()


def test_misspelling_resolves_but_distinct_groups_stay_apart():
    reg = Registry.load()
    assert reg.lookup("Nour al-Din al-Zrenki")[0] == reg.lookup("Nour al-Din al-Zenki Movement")[0]
    assert reg.lookup("Ahrar al-Sham")[0] != reg.lookup("Ahrar al-Sharqiya")[0]
    assert reg.lookup("Jaysh al-Islam")[0] != reg.lookup("Jaysh al-Izza")[0]
    assert reg.lookup("Faylaq al-Sham")[0] != reg.lookup("Faylaq al-Rahman")[0]


def test_acronym_defined_in_text_and_descriptor_coreference(pipeline):
    text = ("On March 2, fighters of the Nour al-Din al-Zenki Movement (NZM) clashed with Hay'at Tahrir al-Sham "
            "in the town of Darat Izza. The next day, the radical group captured the town of Atarib from NZM.")
    ex = pipeline.extract(doc(text))
    atarib = next(e for e in ex.events if e.location == "Atarib")
    assert atarib.actor1 == "Hay'at Tahrir al-Sham"          # "the radical group"
    assert atarib.actor2 == "Nour al-Din al-Zenki Movement"  # "NZM", defined in the text
    assert atarib.inter1 == 2


def test_state_forces_by_demonym_and_government_phrase(pipeline):
    text = ("On March 2, Russian warplanes bombed the town of Saraqib. "
            "On March 3, government forces recaptured the village of Kafr Nabl from Hay'at Tahrir al-Sham.")
    ex = pipeline.extract(doc(text))
    by = {e.location: e for e in ex.events}
    assert by["Saraqib"].actor1 == "Military Forces of Russia" and by["Saraqib"].inter1 == 8
    assert by["Kafr Nabl"].actor1 == "Military Forces of Syria" and by["Kafr Nabl"].inter1 == 1
    assert by["Kafr Nabl"].sub_event_type == "Government regains territory"


def test_relations_as_of_a_date():
    reg = Registry.load()
    nfl = reg.lookup("National Front for Liberation")[0]
    members_2019 = {reg.name(a) for a in reg.members(nfl, date(2019, 1, 10))}
    assert {"Ahrar al-Sham", "Nour al-Din al-Zenki Movement"} <= members_2019
    hts = actor_detail(reg, "HTS")
    assert hts["name"] == "Hay'at Tahrir al-Sham"
    assert any(f["name"] == "Jabhat al-Nusra" for f in hts["former_names"])
    rows = {r["name"]: r for r in actors_at(reg, date(2015, 6, 1))}
    assert rows["Hay'at Tahrir al-Sham"]["name_at_date"] == "Jabhat al-Nusra"


def test_another_conflicts_registry_needs_no_code_change():
    reg = Registry.load([FIXTURES / "actors_sudan.yaml"], builtin=False)
    assert reg.lookup("RSF")[0] and reg.lookup("Rapid Support Forces")[0] == reg.lookup("RSF")[0]
    p = Pipeline(registry=reg)
    text = ("On May 14, the Rapid Support Forces (RSF) captured the town of Nyala from the Sudanese Armed Forces "
            "after heavy clashes, local sources said.")
    ex = p.extract(doc(text, published=date(2023, 5, 20)))
    ev = next(e for e in ex.events if e.location == "Nyala")
    assert ev.actor1 == reg.name(reg.lookup("RSF")[0])
    assert ev.actor2 == reg.name(reg.lookup("Sudanese Armed Forces")[0])
    assert ev.country == "Sudan" and ev.latitude is not None


def test_cli_actors_at_and_actor(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["actors", "--at", "2019-01-10", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    nfl = next(x for x in rows if x["name"] == "National Front for Liberation")
    assert any(rel["type"] == "backed_by" and "Turkey" in rel["target"] for rel in nfl["relations"])
    assert runner.invoke(app, ["actor", "al-Zrenki", "--db", str(tmp_path / "x.db")]).exit_code == 2  # no such db
    from frontlines.store import Store
    Store(str(tmp_path / "x.db"))
    r = runner.invoke(app, ["actor", "al-Zrenki", "--db", str(tmp_path / "x.db")])
    assert r.exit_code == 0 and json.loads(r.stdout)["name"] == "Nour al-Din al-Zenki Movement"
    r = runner.invoke(app, ["actor", "No Such Group At All", "--db", str(tmp_path / "x.db")])
    assert r.exit_code == 1


def test_accepted_proposals_extend_the_registry(tmp_path, shared):
    db, overlay = str(tmp_path / "p.db"), tmp_path / "mine.yaml"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(SEED_004), "--db", db]).exit_code == 0
    props = [json.loads(l) for l in runner.invoke(app, ["proposals", "--db", db]).stdout.splitlines()]
    alias = next(p for p in props if p["kind"] == "alias" and p["object"] == "Nour al-Din al-Zrenki")
    change = next(p for p in props if p["kind"] == "membership_change" and p["subject"] == "Ahrar al-Sham")
    other = next(p for p in props if p["id"] not in (alias["id"], change["id"]))
    for pid in (alias["id"], change["id"]):
        r = runner.invoke(app, ["proposals", "--db", db, "--accept", str(pid), "--to", str(overlay)])
        assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["proposals", "--db", db, "--reject", str(other["id"])]).exit_code == 0
    status = {p["id"]: p["status"] for p in
              (json.loads(l) for l in runner.invoke(app, ["proposals", "--db", db]).stdout.splitlines())}
    assert status[alias["id"]] == "accepted" and status[other["id"]] == "rejected"
    reg = Registry.load([overlay])
    zenki = reg.get(reg.lookup("Nour al-Din al-Zenki Movement")[0])
    assert "Nour al-Din al-Zrenki" in zenki.aliases and len(zenki.relations) >= 3  # extended, not replaced
    ahrar = reg.lookup("Ahrar al-Sham")[0]
    nfl = reg.lookup("National Front for Liberation")[0]
    assert nfl in {r.target for r in reg.relations(ahrar, date(2019, 1, 1), "member_of")}
    assert nfl not in {r.target for r in reg.relations(ahrar, date(2019, 2, 1), "member_of")}


def test_implied_other_side_comes_from_the_article(pipeline):
    text = ("On August 23, government forces entered the towns of Morek and Latamna without a fight after militants "
            "of Jaysh al-Izza withdrew, according to the SOHR. On August 24, government troops entered the town of "
            "Kafr Zita after an agreement with the local council.")
    by = {e.location: e for e in pipeline.extract(doc(text, published=date(2019, 8, 25))).events}
    assert by["Morek"].actor2 == "Jaysh al-Izza" and by["Latamna"].actor2 == "Jaysh al-Izza"
    assert "inferred from the article" in by["Morek"].notes
    assert by["Kafr Zita"].actor2 == ""  # a transfer by agreement names its own counterpart
    assert by["Kafr Zita"].sub_event_type == "Non-violent transfer of territory"
