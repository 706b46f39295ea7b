"""The merged view kept in the store (store/views.py): written at the state it was computed at, read
instead of merging again while the store is at that state, never kept when the store moved, and
the same events, links, pages and control timeline as merging the stored events afresh."""
from __future__ import annotations

import gc
import json
from datetime import date

from fastapi.testclient import TestClient

from frontlines import analysis
from frontlines.control import build_timeline
from frontlines.gcpause import paused
from frontlines.merge import merge_events
from frontlines.records import Event, Evidence
from frontlines.review import check_correction
from frontlines.serve import create_app
from frontlines.store import Store

from .test_reposts import _doc


def _ev(eid, doc, place, day, actor1="Rebels", sub="Non-state actor overtakes territory", fatalities=0):
    return Event(event_id=eid, event_date=day, event_type="Battles", sub_event_type=sub, actor1=actor1,
                 actor2="Army", location=place, admin1="Idlib", geo_precision=1, latitude=35.0, longitude=36.5,
                 territorial=sub.endswith("territory"), fatalities=fatalities, source=f"wire {doc}",
                 evidence=[Evidence(doc_id=doc, start=0, end=10, text=f"{actor1} at {place}")])


def _store(tmp_path) -> Store:
    """Three pages: two tell one capture of Saraqib (merged), one tells a clash in Ariha."""
    store = Store(str(tmp_path / "k.db"))
    store.add_documents([_doc(d, f"an article {d} with enough words in it to be shingled for its signature")
                         for d in ("d1", "d2", "d3")])
    store.save_extraction("d1", [_ev("e1", "d1", "Saraqib", date(2019, 2, 1))])
    store.save_extraction("d2", [_ev("e2", "d2", "Saraqib", date(2019, 2, 2), fatalities=3)])
    store.save_extraction("d3", [_ev("e3", "d3", "Ariha", date(2019, 3, 5), sub="Armed clash", fatalities=2)])
    return store


def _fresh(store: Store):
    """The merged events of the stored ones, computed here without the store's kept view."""
    return merge_events(store.events(), store.reposts())


def _dump(events) -> list[dict]:
    return [json.loads(e.model_dump_json()) for e in events]


def test_the_kept_view_is_the_merge_and_is_read_while_the_store_stays(tmp_path, monkeypatch):
    store = _store(tmp_path)
    state = store.view_state()
    assert store.kept_view("merged", state) is None
    analysis._CACHE.clear()
    first = analysis.merged(store)
    assert store.kept_view("merged", state) == len(first.events) == 2
    assert _dump(first.events) == _dump(_fresh(store).events)
    assert store.view_links("merged") == first.links and first.links[0]["absorbed"] == "e2"
    # another process (an empty cache) reads the kept view: no merge runs
    analysis._CACHE.clear()
    monkeypatch.setattr(analysis, "merge_events", lambda *a: (_ for _ in ()).throw(AssertionError("merged again")))
    again = analysis.merged(store)
    assert _dump(again.events) == _dump(first.events) and again.links == first.links
    saraqib = next(e for e in again.events if e.location == "Saraqib")
    assert saraqib.merged_from == ["e2"] and saraqib.fatalities == 3


def test_a_review_or_a_new_page_makes_the_kept_view_stale_and_the_next_reader_keeps_a_new_one(tmp_path):
    store = _store(tmp_path)
    analysis._CACHE.clear()
    analysis.merged(store)
    ariha = next(e for e in store.events() if e.location == "Ariha")
    store.add_reviews(ariha.event_id, "correct", check_correction(ariha, "fatalities", "7"), "t")
    state = store.view_state()
    assert store.kept_view("merged", state) is None
    analysis._CACHE.clear()
    reviewed = analysis.merged(store)
    assert next(e for e in reviewed.events if e.location == "Ariha").fatalities == 7
    assert store.kept_view("merged", state) == 2
    assert _dump(reviewed.events) == _dump(_fresh(store).events)
    # the raw view (no reviews) is kept apart
    analysis._CACHE.clear()
    raw = analysis.merged(store, raw=True)
    assert next(e for e in raw.events if e.location == "Ariha").fatalities == 2
    assert store.kept_view("merged-raw", state) == 2 and store.kept_view("merged", state) == 2
    # a filtered view is computed, never kept as the whole store's
    analysis._CACHE.clear()
    assert [e.location for e in analysis.merged(store, place="Ariha").events] == ["Ariha"]
    assert store.kept_view("merged", state) == 2
    store.add_documents([_doc("d4", "a fourth article with other words in it that nobody has stored before")])
    store.save_extraction("d4", [_ev("e4", "d4", "Kafr Nabl", date(2019, 4, 1))])
    assert store.kept_view("merged", store.view_state()) is None
    analysis._CACHE.clear()
    assert len(analysis.merged(store).events) == 3


def test_a_view_computed_while_the_store_moved_is_not_kept(tmp_path):
    store = _store(tmp_path)
    old = store.view_state()
    result = _fresh(store)
    store.add_documents([_doc("d5", "one more article written while the view was being computed by a reader")])
    assert store.save_view("merged", old, result.events, result.links) is False
    assert store.kept_view("merged", old) is None and store.kept_view("merged", store.view_state()) is None
    assert store.save_view("merged", store.view_state(), result.events, result.links) is True
    assert store.kept_view("merged", store.view_state()) == 2


def test_an_ingest_ends_with_the_merged_view_kept(tmp_path):
    from rich.console import Console

    from frontlines.batch import ingest_paths
    from frontlines.extract.events import Extraction
    store = Store(str(tmp_path / "i.db"))
    page = tmp_path / "page.txt"
    page.write_text("Rebels took Saraqib on Friday, a local monitor said in a statement.\n")

    class OneEvent:  # a pipeline that finds one event per page
        def run_safe(self, docs):
            for d in docs:
                yield Extraction(doc_id=d.id, events=[_ev(f"x-{d.id}", d.id, "Saraqib", date(2019, 2, 1))])
    ingest_paths([page], store, OneEvent, console=Console(stderr=True, force_terminal=False, quiet=True))
    assert store.kept_view("merged", store.view_state()) == 1


def test_the_timeline_from_the_kept_territorial_events_is_the_timeline_of_the_merge(tmp_path):
    store = _store(tmp_path)
    analysis._CACHE.clear()
    analysis.merged(store)
    analysis._CACHE.clear()
    kept = analysis.timeline(store)
    fresh = build_timeline(_fresh(store).events, store.control_statements())
    assert kept.at(date(2019, 6, 1)) == fresh.at(date(2019, 6, 1)) != []
    assert kept.between(date(2019, 1, 1), date(2019, 12, 31)) == fresh.between(date(2019, 1, 1), date(2019, 12, 31))
    assert [r["place"] for r in kept.at(date(2019, 6, 1))] == ["Saraqib"]  # the clash in Ariha moves no line


def test_api_pages_of_the_kept_view_are_the_pages_of_the_computed_view(tmp_path):
    store = _store(tmp_path)
    store.add_documents([_doc(f"p{i}", f"page {i} of a long list of distinct articles about place {i} and more")
                         for i in range(7)])
    for i in range(7):
        store.save_extraction(f"p{i}", [_ev(f"p{i}e", f"p{i}", f"Town{i}", date(2019, 5, 1 + i))])
    ariha = next(e for e in store.events() if e.location == "Ariha")
    store.add_reviews(ariha.event_id, "reject", [(None, None)], "t")
    analysis._CACHE.clear()
    with TestClient(create_app(store.url, token="t")) as c:
        computed = [c.get("/api/events", params={"merged": True, "limit": 3, "page": k, "q": "at"}) for k in (1, 2, 3, 4)]
        assert store.kept_view("merged", store.view_state()) == 8  # the computation kept it
        kept = [c.get("/api/events", params={"merged": True, "limit": 3, "page": k}) for k in (1, 2, 3, 4)]
        raw = c.get("/api/events", params={"merged": True, "raw": True, "limit": 20})
    assert [r.json() for r in kept] == [r.json() for r in computed]
    assert [len(r.json()) for r in kept] == [3, 3, 2, 0]
    assert {r.headers["X-Total-Count"] for r in kept} == {"8"}
    assert all(r["status"] != "rejected" for p in kept for r in p.json())
    assert "Ariha" in {r["location"] for r in raw.json()} and len(raw.json()) == 9


def test_pauses_nest_and_leave_the_collector_as_they_found_it():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # a caller who turned it off keeps it off
    finally:
        gc.enable()


def test_the_apis_rows_from_the_kept_view_are_the_rows_of_the_merge(tmp_path, monkeypatch):
    from frontlines.serve.views import event_rows, merged_rows
    store = _store(tmp_path)
    ariha = next(e for e in store.events() if e.location == "Ariha")
    store.add_reviews(ariha.event_id, "correct", check_correction(ariha, "fatalities", "9"), "t")
    filters = dict(start=None, end=None, event_type=None, actor=None, place=None, bbox=None, raw=False, rejected=False)
    narrow = dict(q=None, source=None)
    analysis._CACHE.clear()
    computed = merged_rows(store, filters, narrow)  # merges, and keeps the view
    assert store.kept_view("merged", store.view_state()) == 2
    monkeypatch.setattr(analysis, "merge_events", lambda *a: (_ for _ in ()).throw(AssertionError("merged again")))
    analysis._CACHE.clear()
    kept = merged_rows(store, filters, narrow)
    assert kept == computed == event_rows(_fresh(store).events, store.reviews())
    row = next(json.loads(r) for r in kept if json.loads(r)["location"] == "Ariha")
    assert row["fatalities"] == 9 and row["status"] == "corrected" and row["reviews"][0]["new_value"] == "9"


def test_while_an_ingest_writes_the_api_answers_the_kept_view_of_an_earlier_generation(tmp_path):
    store = _store(tmp_path)
    analysis._CACHE.clear()
    analysis.refresh(store)
    kept_gen = store.view_state()[0]
    with TestClient(create_app(store.url, token="t")) as c:
        first = c.get("/api/events", params={"limit": 10})
        assert first.headers["X-Store-Generation"] == str(kept_gen) and len(first.json()) == 2
        store.write_batches(True)  # an ingest begins and stores a page
        store.add_documents([_doc("d6", "a page an ingest is storing right now, with words of its own in it")])
        store.save_extraction("d6", [_ev("e6", "d6", "Binnish", date(2019, 4, 2))])
        busy = c.get("/api/events", params={"limit": 10})
        assert busy.headers["X-Store-Generation"] == str(kept_gen) and busy.json() == first.json()
        store.write_batches(False)  # it ended (without keeping the view): the next answer is the store's now
        done = c.get("/api/events", params={"limit": 10})
        assert int(done.headers["X-Store-Generation"]) > kept_gen and len(done.json()) == 3
        assert store.kept_view("merged", store.view_state()) == 3  # computing it kept it
