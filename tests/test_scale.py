"""Dask runs the same stage functions over partitions, with the same configuration, and gets the same events."""
from __future__ import annotations

import pytest
from rich.console import Console

from frontlines.batch import expand, ingest_paths
from frontlines.config import PipelineConfig, pipeline_for
from frontlines.ingest import ingest_path
from frontlines.store import Store

from .conftest import EXAMPLES

pytest.importorskip("dask")

QUIET = Console(stderr=True, force_terminal=False, quiet=True)
# an actor no built-in registry knows, in the format of src/frontlines/data/actors/*.yaml
REGISTRY = """\
registry: test
actors:
  - id: qwertyn_brigade
    name: "Qwertyn Hills Brigade"
    inter: 2
    type: rebel group
    country: Syria
    aliases: ["QHB", "Liwa Tilal Qwertyn"]
    former_names: []
    descriptors: []
    relations: []
    sources: ["test"]
"""
# a village only this GeoNames dump knows (geonameid, name, asciiname, alternates, lat, lon, class, code, cc, ...)
DUMP_ROW = ["99999901", "Tell Zubarqa", "Tell Zubarqa", "Tal Zubarqa,Tell Zoubarqa", "35.8100", "36.7200", "P", "PPL",
            "SY", "", "12", "", "", "", "900", "", "300", "Asia/Damascus", "2024-01-01"]
PAGES = {
    "zubarqa.txt": "Brigade takes village\n\nOn March 2, 2019, the Qwertyn Hills Brigade captured the village of "
                   "Tell Zubarqa from Syrian government forces after heavy clashes, local sources said.\n",
    "zubarqa-shelling.md": "# Shelling\n\nMarch 9, 2019\n\nSyrian government forces shelled Tal Zubarqa, killing "
                           "four civilians, a day after QHB fighters attacked an army checkpoint near Saraqib.\n",
}


def _setup(tmp_path, name: str):
    pages = tmp_path / "pages"
    if not pages.exists():
        pages.mkdir()
        for fn, text in PAGES.items():
            (pages / fn).write_text(text)
        (pages / "wire_2019-06-daraa.txt").write_bytes((EXAMPLES / "wire_2019-06-daraa.txt").read_bytes())
        (tmp_path / "actors.yaml").write_text(REGISTRY)
        (tmp_path / "SY.txt").write_text("\t".join(DUMP_ROW) + "\n")
        (tmp_path / "admin1CodesASCII.txt").write_text("SY.12\tIdlib\tIdlib\t169388\n")
    from frontlines.places.geonames import load_dump
    store = Store(str(tmp_path / f"{name}.db"))
    load_dump(store, tmp_path / "SY.txt")
    return pages, store, PipelineConfig.from_store([tmp_path / "actors.yaml"], store)


def _snapshot(store: Store) -> tuple[dict, dict]:
    docs = {d["id"]: (d["extracted"], d["warnings"]) for d in store.documents()}
    return docs, {e.event_id: e.model_dump() for e in store.events()}


def test_dask_and_local_paths_extract_with_the_same_registry_and_loaded_gazetteer(tmp_path):
    from frontlines.scale import ingest_on_dask

    pages, local, config = _setup(tmp_path, "local")
    ingest_paths([pages], local, lambda: pipeline_for(config), console=QUIET, workers=1)
    _, dask_store, dask_config = _setup(tmp_path, "dask")
    assert dask_config == config and dask_config.key == config.key
    # worker processes that see neither the registry file nor the store: the config travels as data
    stored, dups, fails = ingest_on_dask([pages], dask_store, dask_config, scheduler="processes", partitions=2)
    assert (stored, dups, fails) == (3, 0, 0)
    want, got = _snapshot(local), _snapshot(dask_store)
    assert got == want
    events = list(got[1].values())
    assert any(e["actor1"] == "Qwertyn Hills Brigade" and e["place_id"] == "geonames:99999901"
               and e["admin1"] == "Idlib" and e["geo_precision"] == 1 for e in events), events

    def named_qhb(evs):  # the acronym only the registry knows, on the second page
        return [e for e in evs if e["evidence"][0]["doc_id"] == "zubarqa-shelling"
                and "Qwertyn Hills Brigade" in (e["actor1"], e["actor2"])]
    assert named_qhb(events)
    # without the config the same pages give other events: the registry and the dump made the difference
    plain = [e.model_dump() for p in expand([pages]) for d in ingest_path(p)
             for e in pipeline_for(PipelineConfig()).extract(d).events]
    assert not named_qhb(plain) and not any(e["place_id"] == "geonames:99999901" for e in plain)


def test_dask_path_resumes_pending_documents_and_names_pages_as_the_local_path(tmp_path, pipeline):
    from frontlines.scale import ingest_on_dask

    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("wire_2019-06-daraa.txt", "local_2019-05-deir.html"):
        (pages / name).write_bytes((EXAMPLES / name).read_bytes())
    # the same stem twice: the second page takes its file name, so the Dask path extracts it again under that id
    (pages / "wire_2019-06-daraa.md").write_text(PAGES["zubarqa.txt"].replace("Qwertyn Hills Brigade", "HTS"))
    pending = next(iter(ingest_path(EXAMPLES / "gr_2019-03-hama.md")))
    local, dask_store = Store(str(tmp_path / "local.db")), Store(str(tmp_path / "dask.db"))
    for s in (local, dask_store):
        s.add_documents([pending])  # stored, then the run was killed before its extraction
        assert s.pending_documents() == [pending.id]
    ingest_paths([pages], local, lambda: pipeline, console=QUIET, workers=1)
    said = []
    assert ingest_on_dask([pages], dask_store, scheduler="synchronous", say=said.append) == (3, 0, 0)
    assert said == ["resuming: extracting 1 document(s) left pending by an earlier run"]
    assert dask_store.pending_documents() == []
    want, got = _snapshot(local), _snapshot(dask_store)
    assert got == want
    assert {"wire_2019-06-daraa", "wire_2019-06-daraa.txt", pending.id} <= set(got[0])
    assert {e["evidence"][0]["doc_id"] for e in got[1].values()} >= {pending.id, "wire_2019-06-daraa.txt"}
    assert [e.event_id for e in dask_store.events(doc_id=pending.id)] == \
        [e.event_id for e in sorted(pipeline.extract(pending).events, key=lambda e: (e.event_date, e.event_id))]


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


def test_cli_ingest_on_dask_takes_actors_and_the_loaded_gazetteer(tmp_path):
    from typer.testing import CliRunner

    from frontlines.cli import app
    pages, local, _ = _setup(tmp_path, "local")
    _, on_dask, _ = _setup(tmp_path, "dask")
    runner = CliRunner()
    for store, extra in ((local, ["--workers", "1"]), (on_dask, ["--dask", "synchronous"])):
        r = runner.invoke(app, ["ingest", str(pages), "--db", store.url, "--actors", str(tmp_path / "actors.yaml"), *extra])
        assert r.exit_code == 0, r.output
    assert "stored 3 document(s) on Dask (synchronous)" in r.output
    assert _snapshot(on_dask) == _snapshot(local)
    assert {(e.actor1, e.place_id) for e in on_dask.events(doc_id="zubarqa")} == \
        {("Qwertyn Hills Brigade", "geonames:99999901")}
