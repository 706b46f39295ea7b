"""The embedded store: duplicates stored once, failures recorded, nothing lost, crashes resumed."""
from __future__ import annotations

from frontlines.batch import ingest_paths
from frontlines.store import Store

from .conftest import EXAMPLES


def _ingest(paths, store, pipeline):
    from rich.console import Console
    return ingest_paths(paths, store, lambda: pipeline, console=Console(stderr=True, force_terminal=False))


def test_bad_input_is_recorded_and_nothing_stored_is_lost(tmp_path, pipeline):
    store = Store(str(tmp_path / "t.db"))
    good = EXAMPLES / "wire_2019-06-daraa.txt"
    r1 = _ingest([good], store, pipeline)
    assert r1.stored == ["wire_2019-06-daraa"] and r1.events > 0
    before = store.events()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "x.bin.html").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "list.jsonl").write_text('{"url": "u1", "text": "no"}\nnot json\n')
    r2 = _ingest([tmp_path / "empty.txt", tmp_path / "x.bin.html", tmp_path / "list.jsonl"], store, pipeline)
    assert len(r2.failed) == 3  # empty, binary, the malformed JSON line
    fails = store.failures()
    assert any("empty file" in f["error"] for f in fails)
    assert any("not valid JSON" in f["error"] and f["path"].endswith(":2") for f in fails)
    assert [e.event_id for e in store.events(doc_id="wire_2019-06-daraa")] == [
        e.event_id for e in before if e.evidence[0].doc_id == "wire_2019-06-daraa"]
    assert store.get_document("wire_2019-06-daraa").raw == good.read_bytes()


def test_same_page_twice_is_stored_once(tmp_path, pipeline):
    store = Store(str(tmp_path / "t.db"))
    page = EXAMPLES / "wire_2019-06-daraa.txt"
    copy = tmp_path / "same-bytes-other-name.txt"
    copy.write_bytes(page.read_bytes())
    _ingest([page], store, pipeline)
    r = _ingest([page, copy], store, pipeline)
    assert r.stored == [] and len(r.duplicates) == 2
    assert len(store.documents()) == 1
    assert any("duplicate of stored document wire_2019-06-daraa" in f["error"] for f in store.failures())


def test_crash_mid_batch_resumes(tmp_path, pipeline):
    store = Store(str(tmp_path / "t.db"))
    from frontlines.ingest import ingest_path
    doc = next(ingest_path(EXAMPLES / "wire_2019-06-daraa.txt"))
    store.add_document(doc)  # stored, then the process died before extraction
    assert store.pending_documents() == [doc.id]
    _ingest([EXAMPLES / "gr_2019-03-hama.md"], store, pipeline)
    assert store.pending_documents() == []
    assert store.events(doc_id=doc.id), "the pending document was not extracted on the next run"


def test_reviews_survive_extracting_the_page_again(tmp_path, pipeline):
    from frontlines.review import check_correction
    store = Store(str(tmp_path / "t.db"))
    _ingest([EXAMPLES / "wire_2019-06-daraa.txt"], store, pipeline)
    evs = store.events()
    kept, gone = evs[0], evs[1]
    store.add_reviews(kept.event_id, "correct", check_correction(kept, "fatalities", "4"), "t")
    store.add_reviews(gone.event_id, "reject", [(None, None)], "t")
    assert [e.event_id for e in store.events()] == [e.event_id for e in evs if e.event_id != gone.event_id]
    assert store.events()[0].fatalities == 4 and store.events(raw=True)[0].fatalities == kept.fatalities
    # the same events extracted again: reviews stay; an event no longer extracted takes its reviews with it
    store.save_extraction("wire_2019-06-daraa", [e for e in evs if e.event_id != gone.event_id])
    assert store.reviews(kept.event_id)[kept.event_id][0]["new_value"] == "4"
    assert store.event(kept.event_id).fatalities == 4
    assert gone.event_id not in store.reviews()
