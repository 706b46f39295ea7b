"""The quality benchmark: frontlines.evaluate, `frontlines evaluate` and bench/quality.py.

The gold file and the predictions here are invented for the tests (fictional sentences)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.evaluate import Actors, EvaluationError, load_gold, overlaps, score, same_name

from .conftest import EXAMPLES, EXAMPLES_GOLD, ROOT

ARTICLE = ("On Monday, government forces shelled the village of Tell Qarmuz with rockets, killing four civilians. "
           "Rebels of the Free Valley Brigade are reportedly preparing an assault on Ayn Sabir. "
           "On Tuesday, the Free Valley Brigade captured the hill town of Kafr Halwa from the army.")
PAGE = ARTICLE + "\nComments\nValleyWatcher: the army bombed Ayn Sabir yesterday, I heard the blasts."

GOLD = {
    "about": "test gold, invented",
    "documents": {"t1": {"published": "2020-03-04", "article_ends_before": "Comments"}},
    "events": [
        {"id": "t1-1", "doc": "t1", "required": True, "event_type": ["Explosions/Remote violence"],
         "sub_event_type": ["Shelling/artillery/missile attack"], "actor1": "Military Forces of Syria",
         "actor2": ["Civilians (Syria)"], "place": ["Tell Qarmuz", "Tal Qarmouz"], "admin1": "Idlib",
         "lat": 35.80, "lon": 36.60, "tol_km": 5, "date_window": ["2020-03-02", "2020-03-02"], "fatalities": 4,
         "evidence": "shelled the village of Tell Qarmuz with rockets"},
        {"id": "t1-2", "doc": "t1", "required": True, "event_type": ["Battles"],
         "sub_event_type": ["Non-state actor overtakes territory"], "actor1": "Free Valley Brigade",
         "actor2": ["Military Forces of Syria"], "place": ["Kafr Halwa"], "admin1": "Idlib",
         "date_window": ["2020-03-03", "2020-03-03"],
         "evidence": "the Free Valley Brigade captured the hill town of Kafr Halwa"},
        {"id": "t1-3", "doc": "t1", "required": False, "event_type": ["Battles"],
         "sub_event_type": ["Armed clash"], "actor1": "Free Valley Brigade", "actor2": ["Military Forces of Syria"],
         "place": ["Kafr Halwa"], "admin1": "Idlib", "date_window": ["2020-03-03", "2020-03-03"],
         "evidence": "captured the hill town of Kafr Halwa from the army"},
    ],
    "not_events": [{"doc": "t1", "text": "are reportedly preparing an assault on Ayn Sabir", "why": "planned"}],
    "actors": [{"name": "Free Valley Brigade", "aliases": ["FVB", "Liwa al-Wadi al-Hurr"]},
               {"name": "Military Forces of Syria", "aliases": ["Syrian Arab Army", "SAA"]}],
}


def ev(sentence_start: str, **fields):
    text = next(s for s in _sentences() if s.startswith(sentence_start))
    start = PAGE.index(text)
    base = {"event_date": "2020-03-02", "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack", "actor1": "Military Forces of Syria",
            "actor2": "Civilians (Syria)", "location": "Tell Qarmuz", "admin1": "Idlib", "latitude": 35.801,
            "longitude": 36.602, "fatalities": 4,
            "evidence": [{"doc_id": "t1", "start": start, "end": start + len(text), "text": text}]}
    base.update(fields)
    return base


def _sentences():
    import re
    return [s for s in re.split(r"(?<=\.)\s+|\n", PAGE) if s]


def shell(**kw):
    return ev("On Monday", **kw)


def capture(**kw):
    return ev("On Tuesday", **{"event_date": "2020-03-03", "event_type": "Battles",
                               "sub_event_type": "Non-state actor overtakes territory", "actor1": "Free Valley Brigade",
                               "actor2": "Military Forces of Syria", "location": "Kafr Halwa", "latitude": None,
                               "longitude": None, "fatalities": 0, **kw})


def test_perfect_prediction_scores_one():
    r = score(GOLD, [shell(), capture()], {"t1": PAGE})
    assert (r.found, r.required, r.false_events, r.leaks) == (2, 2, 0, 0)
    assert r.precision == r.recall == r.f1 == 1.0
    assert all(f.accuracy == 1.0 for f in r.fields.values()), r.fields
    assert r.fields["coordinates"].of == 1 and r.fields["fatalities"].of == 1
    assert r.missed == [] and r.false == []


def test_wrong_type_is_a_miss_and_a_false_event():
    r = score(GOLD, [shell(event_type="Battles", sub_event_type="Armed clash"), capture()])
    assert r.missed == ["t1-1"] and r.false_events == 1 and r.leaks == 0
    assert r.precision == 0.5 and r.recall == 0.5


def test_date_window_allows_one_day_either_side():
    near = score(GOLD, [shell(event_date="2020-03-01"), capture()])
    assert near.found == 2 and near.fields["date"].correct == 1 and near.fields["date"].of == 2
    far = score(GOLD, [shell(event_date="2020-02-28"), capture()])
    assert far.missed == ["t1-1"] and far.false_events == 1


def test_place_by_spelling_or_distance_but_not_far_away():
    assert score(GOLD, [shell(location="Tal Qarmouz"), capture()]).found == 2       # another spelling
    assert score(GOLD, [shell(location="Qarmuz farms", latitude=35.82, longitude=36.61), capture()]).found == 2  # 2 km
    far = score(GOLD, [shell(location="Deir Shamil", latitude=34.90, longitude=36.20), capture()])
    assert far.missed == ["t1-1"] and far.false_events == 1
    namesake = score(GOLD, [shell(latitude=35.95, longitude=36.70), capture()])  # named right, placed 19 km off
    assert namesake.missed == ["t1-1"] and namesake.false_events == 1
    unplaced = score(GOLD, [shell(latitude=None, longitude=None), capture()])  # no point: the name decides
    assert unplaced.found == 2 and unplaced.fields["coordinates"].correct == 0


def test_leaks_not_events_and_comments():
    planned = ev("Rebels of the Free Valley Brigade", event_type="Battles", sub_event_type="Armed clash",
                 location="Ayn Sabir", event_date="2020-03-04")
    comment = ev("ValleyWatcher", event_type="Explosions/Remote violence", location="Ayn Sabir",
                 event_date="2020-03-03")
    r = score(GOLD, [shell(), capture(), planned, comment], {"t1": PAGE})
    assert r.found == 2 and r.false_events == 2 and r.leaks == 2
    assert all(f["leak"] for f in r.false)
    assert score(GOLD, [shell(), capture(), comment]).leaks == 0  # without the page text the comment is just false


def test_optional_gold_is_neutral_and_one_to_one():
    clash = capture(sub_event_type="Armed clash")
    r = score(GOLD, [shell(), capture(), clash])
    assert r.found == 2 and r.optional_matched == 1 and r.false_events == 0 and r.precision == 1.0
    twice = score(GOLD, [shell(), shell(), capture(), capture(), capture()])
    assert twice.found == 2 and twice.optional_matched == 1 and twice.false_events == 2
    assert twice.precision == pytest.approx(2 / 4)


def test_actor_accuracy_uses_the_gold_aliases():
    by_alias = score(GOLD, [shell(actor1="SAA"), capture(actor1="Liwa al-Wadi al-Hurr", actor2="Syrian Arab Army")])
    assert by_alias.fields["actor1"].accuracy == 1.0 and by_alias.fields["actor2"].accuracy == 1.0
    wrong = score(GOLD, [shell(actor1="Military Forces of Russia (2000-)"), capture(actor2="")])
    assert wrong.fields["actor1"].correct == 1 and wrong.fields["actor2"].correct == 1
    assert wrong.found == 2  # actors are measured, not matched on
    years = score(GOLD, [shell(actor1="Military Forces of Syria (2000-)"), capture()])
    assert years.fields["actor1"].accuracy == 1.0
    a = Actors(GOLD["actors"])
    assert a("FVB") == a("Free Valley Brigade") != a("SAA")


def test_fields_sub_type_admin1_fatalities():
    r = score(GOLD, [shell(sub_event_type="Air/drone strike", admin1="Hama", fatalities=2), capture()])
    assert r.found == 2
    assert (r.fields["sub_event_type"].correct, r.fields["admin1"].correct, r.fields["fatalities"].correct) == (1, 1, 0)


def test_document_ids_by_path_and_evidence_overlap():
    p = shell()
    p["evidence"][0]["doc_id"] = "pages/t1.txt"
    assert score(GOLD, [p, capture()]).found == 2
    other = shell()
    other["evidence"][0]["doc_id"] = "t2"
    assert score(GOLD, [other, capture()]).missed == ["t1-1"]
    assert overlaps("the village of Tell Qarmuz", "Forces shelled  THE village of Tell Qarmuz today")
    assert not overlaps("captured the hill town", "shelled the village of Tell Qarmuz")
    assert same_name("al-Bab", "Al Bab") and same_name("Maarat al-Numan", "Ma'arrat an-Nu'man")
    assert not same_name("Kafr Halwa", "Tell Qarmuz")


def test_empty_predictions():
    r = score(GOLD, [])
    assert (r.precision, r.recall, r.f1, r.missed) == (0.0, 0.0, 0.0, ["t1-1", "t1-2"])


# -- the command -------------------------------------------------------------------------------

@pytest.fixture()
def files(tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(GOLD))
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(json.dumps(p) for p in (shell(), capture())) + "\n")
    (tmp_path / "t1.txt").write_text(PAGE)
    return gold, pred, tmp_path


def test_cli_table_and_json(files):
    gold, pred, folder = files
    r = CliRunner().invoke(app, ["evaluate", str(gold), str(pred)])
    assert r.exit_code == 0, r.output
    assert "precision" in r.output and "1.00" in r.output
    r = CliRunner().invoke(app, ["evaluate", str(gold), str(pred), "--json", "--pages", str(folder)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["f1"] == 1.0 and d["leaks"] == 0 and d["fields"]["actor1"]["accuracy"] == 1.0


def test_cli_errors_are_one_line_exit_2(files, tmp_path):
    gold, pred, _ = files
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text('{"event_type": "Battles"}\nnot json\n')
    no_events = tmp_path / "noevents.json"
    no_events.write_text('{"documents": {}}')
    cases = [
        [str(tmp_path / "missing.json"), str(pred)],
        [str(gold), str(tmp_path / "missing.jsonl")],
        [str(gold), str(bad_json)],
        [str(bad_json), str(pred)],
        [str(no_events), str(pred)],
        [str(gold), str(pred), "--pages", str(tmp_path / "nofolder")],
    ]
    for args in cases:
        r = CliRunner().invoke(app, ["evaluate", *args])
        assert r.exit_code == 2, (args, r.output)
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    with pytest.raises(EvaluationError, match="line 2"):
        from frontlines.evaluate import load_predictions
        load_predictions(bad_json)
    with pytest.raises(EvaluationError, match="'events'"):
        load_gold(no_events)


# -- the benchmark on the shipped examples -----------------------------------------------------

def _bench():
    spec = importlib.util.spec_from_file_location("quality_bench", ROOT / "bench" / "quality.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_examples_through_evaluate(pipeline):
    bench = _bench()
    gold = load_gold(EXAMPLES_GOLD)
    docs = bench.documents([EXAMPLES], bench.published_dates(gold))
    result = score(gold, bench.predict(pipeline, docs), bench.page_texts(docs, list(Path(EXAMPLES).iterdir())))
    print(json.dumps({k: v for k, v in result.to_dict().items() if k not in ("false", "missed", "matches")}, indent=1))
    assert result.leaks == 0
    assert result.precision >= 0.8 and result.recall >= 0.8, (result.missed, result.false)
