"""Stage 7 — scale: the same stage functions mapped over partitions by Dask.

On one machine, ``batch.ingest_paths`` runs a pool of forked workers that share a loaded pipeline.
When one machine is not enough, ``ingest_on_dask`` sends partitions of page paths to a Dask cluster
(``scheduler="tcp://host:8786"``) or to Dask's local process pool (``scheduler="processes"``).
Workers get the pipeline's configuration as data (``config.PipelineConfig``: the user's actor
registries and the store's loaded places), build the pipeline once per process and return plain
records; the caller decides ids and duplicates as the local path does (intake.py) and writes the
store (PostgreSQL when several machines share it).  Documents left pending by an interrupted run
are extracted first, as on the local path.  Pages are read where the workers run, so on a cluster
the paths must be on shared storage.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from .config import PipelineConfig, pipeline_for
from .ingest.readers import MAX_BYTES
from .intake import Intake, one_line
from .records import Document


def extract_documents(docs: list[Document], config: PipelineConfig | None = None) -> list[dict]:
    """Extract documents already read (or stored): one plain dict per document, in order, with its
    events, proposals, unresolved places, control statements and notes, or the one-line ``error``."""
    from .extract.report import page_notes
    out = []
    for doc, ex in zip(docs, pipeline_for(config or PipelineConfig()).run_safe(docs)):
        if isinstance(ex, BaseException):
            out.append({"document": doc, "error": one_line(ex)})
        else:
            out.append({"document": doc, "events": ex.events, "proposals": ex.proposals,
                        "unresolved": ex.unresolved, "control": ex.control, "notes": page_notes(ex)})
    return out


def extract_partition(paths: Iterable, config: PipelineConfig | None = None, published: date | None = None,
                      max_bytes: int = MAX_BYTES) -> list[dict]:
    """Ingest and extract a partition of paths (or of (path, folder it may not leave) pairs): one
    plain dict per page, with the input ``path`` it came from, or per failure, in input order."""
    from .ingest import IngestError, ingest_path

    out: list[dict] = []
    docs: list[tuple[int, str, Document]] = []
    for entry in paths:
        path, root = (entry, None) if isinstance(entry, (str, Path)) else entry
        for item in ingest_path(path, published, max_bytes=max_bytes, root=root):
            if isinstance(item, IngestError):
                out.append({"path": str(path), "failure": {"path": item.source, "error": item.reason}})
            else:
                docs.append((len(out), str(path), item))
                out.append({})
    for (slot, path, _), result in zip(docs, extract_documents([d for _, _, d in docs], config)):
        out[slot] = {"path": path, **result}
    return out


def _on_dask(bag, scheduler: str) -> list:
    import dask
    if scheduler.startswith(("tcp://", "tls://", "inproc://")):
        from distributed import Client
        with Client(scheduler) as client:
            return bag.compute(scheduler=client)
    with dask.config.set(scheduler=scheduler):
        return bag.compute()


def _config_arg(config: PipelineConfig | None):
    """The config as one node of the graph (sent once, not hashed with every partition)."""
    import dask
    config = config or PipelineConfig()
    return dask.delayed(config, name=f"pipeline-config-{config.key or 'default'}", pure=True)


def extract_on_dask(paths: Iterable, scheduler: str = "processes", partitions: int | None = None,
                    published: date | None = None, config: PipelineConfig | None = None,
                    max_bytes: int = MAX_BYTES) -> list[dict]:
    """Run ``extract_partition`` over the paths (or (path, root) pairs) with Dask; results in input order."""
    import dask.bag as db

    files = [str(p) if isinstance(p, (str, Path)) else (str(p[0]), str(p[1])) for p in paths]
    if not files:
        return []
    parts = partitions or max(1, min(len(files), 16))
    bag = db.from_sequence(files, npartitions=parts).map_partitions(
        extract_partition, config=_config_arg(config), published=published, max_bytes=max_bytes)
    return _on_dask(bag, scheduler)


def extract_documents_on_dask(docs: list[Document], scheduler: str = "processes", partitions: int | None = None,
                              config: PipelineConfig | None = None) -> list[dict]:
    """``extract_documents`` over Dask (documents pending in the store, say); results in order."""
    import dask.bag as db

    if not docs:
        return []
    bag = db.from_sequence(docs, npartitions=partitions or max(1, min(len(docs), 16))).map_partitions(
        extract_documents, config=_config_arg(config))
    return _on_dask(bag, scheduler)


def save_results(results: list[dict], store) -> tuple[int, int]:
    """Write extractions of stored documents in one transaction; a failed one is marked failed.
    Returns (events, failures)."""
    done, events, failed = [], 0, 0
    for r in results:
        doc = r["document"]
        if "error" in r:
            store.mark_failed(doc.id, r["error"])
            failed += 1
            continue
        done.append((doc.id, _Extraction(r), r.get("notes", [])))
        events += len(r["events"])
    store.save_extractions(done)
    return events, failed


class _Extraction:
    """The fields of an extraction that the store saves, from a result dict."""
    def __init__(self, r: dict):
        self.events, self.proposals = r["events"], r["proposals"]
        self.unresolved, self.control = r["unresolved"], r["control"]


def store_results(results: list[dict], store, rerun: Callable[[list[Document]], list[dict]] | None = None,
                  batch_size: int = 256) -> tuple[int, int, int]:
    """Write partition results to the store, in input order: (stored, duplicates, failures).

    Ids and duplicates are decided as on the local path (intake.py).  A page that must take
    another id than the one it was extracted under ("a.txt" beside a stored "a.md") is stored
    pending and extracted again with ``rerun`` (else left pending for the next run)."""
    intake = Intake(store)
    stored = dups = fails = 0
    buffer: list[tuple[Document, dict]] = []  # accepted under the id they were extracted with
    renamed: list[Document] = []  # accepted under another id: their extraction is void
    again: list[Document] = []
    failures: list[tuple[str, str]] = []

    def flush() -> None:
        nonlocal fails
        store.record_failures(failures)
        failures.clear()
        store.add_documents([d for d, _ in buffer] + renamed)
        fails += save_results([r for _, r in buffer], store)[1]
        again.extend(renamed)
        buffer.clear()
        renamed.clear()
        intake.clear()

    for r in results:
        if "failure" in r:
            failures.append((r["failure"]["path"], r["failure"]["error"]))
            fails += 1
            continue
        d = intake.decide(r["document"], r["path"])
        if d.kind == "duplicate":
            failures.append((d.doc.source_path or d.doc.id, f"duplicate of stored document {d.other}; not stored again"))
            dups += 1
            continue
        stored += 1
        if d.doc.id != r["document"].id:
            renamed.append(d.doc)
        else:
            buffer.append((d.doc, r))
        if len(buffer) + len(renamed) >= batch_size:
            flush()
    flush()
    if again and rerun is not None:
        fails += save_results(rerun(again), store)[1]
    return stored, dups, fails


def ingest_on_dask(paths: Iterable[str | Path], store, config: PipelineConfig | None = None,
                   scheduler: str = "processes", partitions: int | None = None, published: date | None = None,
                   max_bytes: int = MAX_BYTES, say: Callable[[str], None] = lambda _: None) -> tuple[int, int, int]:
    """What ``batch.ingest_paths`` does, on Dask: pending documents first, then the pages under
    ``paths`` (folders walked the same way); (stored, duplicates, failures)."""
    from .batch import expand_inputs

    def rerun(docs: list[Document]) -> list[dict]:
        return extract_documents_on_dask(docs, scheduler, partitions, config)

    pending = [d for d in map(store.get_document, store.pending_documents()) if d is not None]
    fails = 0
    store.write_batches(True)
    try:
        if pending:
            say(f"resuming: extracting {len(pending)} document(s) left pending by an earlier run")
            fails += save_results(rerun(pending), store)[1]
        inputs, list_errors = expand_inputs(paths)
        store.record_failures(list_errors)
        results = extract_on_dask(inputs, scheduler, partitions, published, config, max_bytes)
        stored, dups, more = store_results(results, store, rerun)
        if stored or pending:
            from .analysis import refresh
            refresh(store)  # as batch.ingest_paths: the merged view kept ready before writing ends
    finally:
        store.write_batches(False)
    return stored, dups, fails + len(list_errors) + more
