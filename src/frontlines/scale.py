"""Stage 7 — scale: the same stage functions mapped over partitions by Dask.

On one machine, ``batch.ingest_paths`` forks workers that share a loaded pipeline.  When one
machine is not enough, ``extract_on_dask`` sends partitions of page paths to a Dask cluster
(``scheduler="tcp://host:8786"``) or to Dask's local process pool (``scheduler="processes"``).
Each worker process loads the pipeline once and keeps it; partitions return plain records,
and the caller writes them to the store (PostgreSQL when several machines share it).
Pages are read where the workers run, so on a cluster the paths must be on shared storage.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterable

from .records import Document

_PIPELINE = None


def _pipeline():
    global _PIPELINE
    if _PIPELINE is None:
        from .pipeline import Pipeline
        _PIPELINE = Pipeline()
    return _PIPELINE


def extract_partition(paths: Iterable[str], published: date | None = None) -> list[dict]:
    """Ingest and extract a partition of paths; one plain dict per page or failure."""
    from .ingest import IngestError, ingest_path

    out: list[dict] = []
    docs: list[Document] = []
    for path in paths:
        for item in ingest_path(path, published):
            if isinstance(item, IngestError):
                out.append({"failure": {"path": item.source, "error": item.reason}})
            else:
                docs.append(item)
    for doc, ex in zip(docs, _pipeline().run(docs)):
        out.append({"document": doc, "events": ex.events, "proposals": ex.proposals, "unresolved": ex.unresolved,
                    "control": ex.control})
    return out


def extract_on_dask(paths: Iterable[str | Path], scheduler: str = "processes", partitions: int | None = None,
                    published: date | None = None) -> list[dict]:
    """Run ``extract_partition`` over the paths with Dask; results in input order."""
    import dask
    import dask.bag as db

    files = [str(p) for p in paths]
    if not files:
        return []
    parts = partitions or max(1, min(len(files), 16))
    bag = db.from_sequence(files, npartitions=parts).map_partitions(extract_partition, published=published)
    if scheduler.startswith(("tcp://", "tls://", "inproc://")):
        from distributed import Client
        with Client(scheduler) as client:
            return bag.compute(scheduler=client)
    with dask.config.set(scheduler=scheduler):
        return bag.compute()


def store_results(results: list[dict], store) -> tuple[int, int, int]:
    """Write partition results to the store: (stored, duplicates, failures)."""
    stored = dups = fails = 0
    for r in results:
        if "failure" in r:
            store.record_failure(r["failure"]["path"], r["failure"]["error"])
            fails += 1
            continue
        doc = r["document"]
        dup = store.find_duplicate(doc)
        if dup:
            store.record_failure(doc.source_path or doc.id, f"duplicate of stored document {dup}; not stored again")
            dups += 1
            continue
        store.add_document(doc)
        store.save_extraction(doc.id, r["events"], r["proposals"], r["unresolved"], r["control"])
        stored += 1
    return stored, dups, fails
