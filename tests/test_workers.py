"""The worker pool of batch.ingest_paths: reading and extraction in forked workers, one pool per run,
writes in the calling process; the same documents, ids and events as one process doing it all."""
from __future__ import annotations

import os

import pytest
from rich.console import Console

from frontlines.batch import ingest_paths
from frontlines.store import Store
from frontlines.workers import WorkerDied

from .conftest import EXAMPLES

QUIET = Console(stderr=True, force_terminal=False, quiet=True)


def _corpus(folder):
    """Enough pages for the pool (a fork is not worth it for a handful), with every kind of case:
    a JSON Lines container, HTML, a page that repeats another's bytes, two pages of one stem,
    an empty page and a near-copy (a repost)."""
    folder.mkdir()
    for p in EXAMPLES.iterdir():
        if p.is_file():
            (folder / p.name).write_bytes(p.read_bytes())
    texts = sorted(EXAMPLES.glob("*.txt")) + sorted(EXAMPLES.glob("*.html"))
    for i in range(30):
        src = texts[i % len(texts)]
        (folder / f"v{i:02d}_{src.name}").write_bytes(src.read_bytes() + f"\n\nUpdate {i}.\n".encode())
    (folder / "same-bytes.txt").write_bytes((EXAMPLES / "wire_2019-06-daraa.txt").read_bytes())
    (folder / "v00_wire.md").write_text("Clashes\n\nOn May 3, 2019, rebels shelled Suqaylabiyah, killing two.\n")
    (folder / "v00_wire.txt").write_text("Clashes\n\nOn May 4, 2019, rebels shelled Mhardeh, killing three.\n")
    (folder / "empty.txt").write_bytes(b"")


def _state(store: Store):
    docs = {d["id"]: (d["extracted"], tuple(d["warnings"])) for d in store.documents()}
    return (docs, {e.event_id: e.model_dump() for e in store.events()}, sorted(store.reposts()),
            sorted((f["path"], f["error"]) for f in store.failures()))


def test_two_workers_give_what_one_process_gives(tmp_path, pipeline, monkeypatch):
    import frontlines.workers as workers
    forks = []
    real = workers.ProcessPoolExecutor

    def counting(*a, **k):
        forks.append(a)
        return real(*a, **k)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", counting)
    corpus = tmp_path / "pages"
    _corpus(corpus)
    one, two = Store(str(tmp_path / "one.db")), Store(str(tmp_path / "two.db"))
    r1 = ingest_paths([corpus], one, lambda: pipeline, console=QUIET, workers=1)
    assert not forks
    r2 = ingest_paths([corpus], two, lambda: pipeline, console=QUIET, workers=2, batch_size=8)
    assert len(forks) == 1  # one pool for the whole run, not one per batch
    assert r2.stored == r1.stored and r2.duplicates == r1.duplicates and r2.events == r1.events > 100
    assert sorted(r2.warnings) == sorted(r1.warnings) and r2.n_failed == r1.n_failed == 2
    s1, s2 = _state(one), _state(two)
    assert s2 == s1
    assert {"v00_wire", "v00_wire.txt"} <= set(s1[0]) and s1[2]  # a name taken twice; reposts found
    assert all(extracted for extracted, _ in s1[0].values()) and two.pending_documents() == []


class _DiesOn:
    """A pipeline whose worker process dies (as if killed) on one page."""
    def __init__(self, pipeline, doc_id: str):
        self.pipeline, self.doc_id, self.parent = pipeline, doc_id, os.getpid()

    def run_safe(self, docs):
        if os.getpid() != self.parent and any(d.id == self.doc_id for d in docs):
            os._exit(9)
        return self.pipeline.run_safe(docs)


def test_a_worker_that_dies_ends_the_run_and_the_next_run_finishes_the_pages(tmp_path, pipeline):
    corpus = tmp_path / "pages"
    _corpus(corpus)
    store = Store(str(tmp_path / "d.db"))
    with pytest.raises(WorkerDied, match="next run extracts the pages left pending"):
        ingest_paths([corpus], store, lambda: _DiesOn(pipeline, "v03_local_2019-05-deir"), console=QUIET,
                     workers=2, batch_size=8)
    assert "v03_local_2019-05-deir" in store.pending_documents()
    ingest_paths([corpus], store, lambda: pipeline, console=QUIET, workers=2)
    reference = Store(str(tmp_path / "r.db"))
    ingest_paths([corpus], reference, lambda: pipeline, console=QUIET, workers=1)
    got, want = _state(store), _state(reference)
    assert got[:3] == want[:3] and store.pending_documents() == []


def test_the_pipeline_reads_the_divisions_before_the_workers_fork(pipeline):
    """Built before the fork, the division indexes are shared; built lazily, each worker read every
    country's outlines again at its first extraction."""
    from frontlines.pipeline import Pipeline
    from frontlines.places import admin1
    admin1._index.cache_clear()
    admin1._countries_by_name.cache_clear()
    Pipeline(registry=pipeline.registry, gazetteer=pipeline.gazetteer)
    assert admin1._countries_by_name.cache_info().currsize == 1 and admin1._index.cache_info().currsize == 1
    assert admin1.countries_of_division("Borno") == {"NG"}


def test_what_the_pipeline_loads_is_kept_out_of_the_collectors_passes(pipeline):
    """The model, the gazetteer and the registry live as long as the process: frozen after loading,
    the collector's full passes skip them (and forked workers do not copy their pages by collecting)."""
    import gc

    from frontlines.pipeline import Pipeline
    fresh = Pipeline(registry=pipeline.registry, gazetteer=pipeline.gazetteer)
    tracked = {id(o) for o in gc.get_objects()}
    assert gc.get_freeze_count() > 100_000
    assert id(fresh.extractor.cue) not in tracked and id(fresh.registry.actors) not in tracked
    scratch = {"made": ["after loading"]}
    assert id(scratch) in {id(o) for o in gc.get_objects()}  # what comes later is collected as usual


def test_the_next_batch_is_read_before_this_batch_is_extracted(tmp_path, pipeline, monkeypatch):
    """Workers take tasks in order: each batch's extraction goes to the pool after the reads of the
    whole next batch, so the workers never wait for this process between two batches."""
    import frontlines.batch as batch
    from frontlines.workers import Pool

    log: list[tuple[str, int]] = []

    class Recording(Pool):  # the tasks run here, in order; the batch sizes are those of two workers
        def __init__(self, workers, factory):
            super().__init__(1, factory)
            self.workers = workers

        def read(self, group, *args):
            log.append(("read", sum(u[0] == "file" for u in group)))
            return super().read(group, *args)

        def extract(self, docs):
            log.append(("extract", len(docs)))
            return super().extract(docs)

    monkeypatch.setattr(batch, "Pool", Recording)
    folder = tmp_path / "pages"
    folder.mkdir()
    places = ["Mhardeh", "Suqaylabiyah", "Kafr Nabudah", "Khan Shaykhun", "Maarat al-Numan"]
    for i in range(100):
        (folder / f"p{i:03d}.txt").write_text(
            f"Clashes, part {i}\n\nOn May {1 + i % 28}, 2019, rebels shelled {places[i % 5]}, killing {i % 7 + 1} "
            f"people, and a second report number {i} said the shelling went on into the night.\n")
    report = ingest_paths([folder], Store(str(tmp_path / "s.db")), lambda: pipeline, console=QUIET, workers=2)
    assert len(report.stored) == 100
    step = batch.CHUNK * 2
    read = extracted = 0
    for kind, n in log:
        if kind == "read":
            read += n
        else:
            if extracted % step == 0:  # the first chunk of a batch
                assert read >= min(100, extracted + 2 * step), (read, extracted)
            extracted += n
    assert read == extracted == 100
