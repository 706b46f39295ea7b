"""Dask runs the same stage functions over partitions and gets the same events."""
from __future__ import annotations

import pytest

from frontlines.batch import expand
from frontlines.store import Store

from .conftest import EXAMPLES

pytest.importorskip("dask")


def test_dask_processes_match_the_local_pipeline(tmp_path, pipeline):
    from frontlines.scale import extract_on_dask, store_results

    paths = expand([EXAMPLES])
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    results = extract_on_dask(paths + [bad], scheduler="processes", partitions=3)
    store = Store(str(tmp_path / "d.db"))
    stored, dups, fails = store_results(results, store)
    assert fails == 1 and dups == 0 and stored == len(store.documents()) >= 10
    local = []
    from frontlines.ingest import ingest_path
    for p in paths:
        for d in ingest_path(p):
            local += pipeline.extract(d).events
    assert sorted(e.event_id for e in store.events()) == sorted(e.event_id for e in local)


def test_dask_on_a_distributed_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    from frontlines.scale import extract_on_dask
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        results = extract_on_dask([EXAMPLES / "wire_2019-06-daraa.txt"], scheduler=cluster.scheduler_address)
    assert len(results) == 1 and results[0]["events"]
    assert results[0]["document"].id == "wire_2019-06-daraa"
