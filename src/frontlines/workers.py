"""The worker pool of ``batch.ingest_paths``: pages are read, decoded and extracted in forked
processes that share the loaded pipeline; the calling process decides ids and writes the store.

One pool serves the whole run (forked once, after the pipeline is loaded, so the workers share
its memory).  There are two kinds of task, and both return plain records:

* ``read_task``: a group of units, each a page file to read (``("file", path, root)``), a record
  the caller split out of a container file (``("page", RawPage)``: a JSON line, a WARC record, a
  feed item; the split is cheap and streams, the decoding is not), an error of that split
  (``("error", IngestError)``) or the end of an input (``("end",)``).  Each unit gives its
  Documents, with the MinHash fingerprint of the article (``minhash.Fingerprint``), or IngestErrors.
* ``extract_task``: documents (without their raw bytes) give the rows the store saves
  (``store.writes.extraction_rows``) with the page's notes, or the one-line reason extraction failed.

With one worker, or too little work to be worth a fork, ``Pool`` runs the same tasks in the calling
process, in order, and builds the pipeline only when something is extracted.  Workers run at a
lower priority (``FRONTLINES_WORKER_NICE``, default 10; 0 keeps the caller's): on a machine that
also serves the API, requests are answered first and extraction takes the CPU that is left.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .ingest import IngestError, build_safely, ingest_path, read_safely
from .ingest.readers import MEDIA_TYPES, suffix_of
from .intake import one_line
from .records import Document

CONTAINERS = {"application/jsonl", "application/warc", "application/feed"}
CHUNK = 16  # documents per extraction task (and per nlp.pipe batch)
GROUP = 8  # units per read task

_PIPELINE = None  # the pipeline the tasks extract with: set before the fork, inherited by the workers
# extraction is batch work: the API, the writer and a shell on the same machine go first (0: as the caller)
WORKER_NICE = int(os.environ.get("FRONTLINES_WORKER_NICE", "10") or 0)


class WorkerDied(RuntimeError):
    """A worker process ended without answering (killed, out of memory)."""


def is_container(path: Path) -> bool:
    return MEDIA_TYPES.get(suffix_of(Path(path))) in CONTAINERS


def units(inputs: Iterable[tuple[Path, Path]], max_bytes: int) -> Iterator[tuple[int, tuple]]:
    """(input index, unit) for every input, in order; container files are split here, as they stream."""
    for i, (path, root) in enumerate(inputs):
        if is_container(path):
            for item in read_safely(path, max_bytes, root):
                yield i, ("error", item) if isinstance(item, IngestError) else ("page", item)
        else:
            yield i, ("file", str(path), str(root))
        yield i, ("end",)


def read_task(group: list[tuple], published: date | None, max_bytes: int) -> list[list[tuple]]:
    """Per unit, [(Document, Fingerprint) or (IngestError, None), ...]."""
    from .merge import minhash
    out = []
    for unit in group:
        if unit[0] == "file":
            items = list(ingest_path(unit[1], published, max_bytes=max_bytes, root=Path(unit[2])))
        elif unit[0] == "page":
            items = [build_safely(unit[1], published)]
        elif unit[0] == "error":
            items = [unit[1]]
        else:
            items = []
        out.append([(it, None) if isinstance(it, IngestError) else (it, minhash.fingerprint(it.article))
                    for it in items])
    return out


def extract_task(docs: list[Document]) -> list[dict | str]:
    from .extract.report import page_notes
    from .store.writes import extraction_rows
    out: list[dict | str] = []
    for doc, ex in zip(docs, _PIPELINE.run_safe(docs)):
        out.append(one_line(ex) if isinstance(ex, BaseException) else extraction_rows(doc.id, ex, page_notes(ex)))
    return out


def _background() -> None:
    if WORKER_NICE:
        try:
            os.nice(WORKER_NICE)
        except OSError:  # not allowed here: run as the caller does
            pass


class _Now:
    """A task run in the calling process, answered like a future."""
    def __init__(self, fn, *args):
        self.value = fn(*args)

    def done(self) -> bool:
        return True

    def result(self):
        return self.value


def _died() -> "WorkerDied":
    return WorkerDied("a worker process died (killed, or out of memory?); what was stored is kept, "
                      "and the next run extracts the pages left pending")


class Pool:
    def __init__(self, workers: int, pipeline_factory: Callable[[], object]):
        self.workers, self.factory = workers, pipeline_factory
        self.pipeline = None
        self.executor: ProcessPoolExecutor | None = None
        if workers > 1:
            self._use_pipeline()  # loaded before the fork: the workers share it
            self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                                initializer=_background)

    def _use_pipeline(self) -> None:
        global _PIPELINE
        if self.pipeline is None:
            self.pipeline = self.factory()
        _PIPELINE = self.pipeline

    def read(self, group: list[tuple], published: date | None, max_bytes: int):
        if self.executor is None:
            return _Now(read_task, group, published, max_bytes)
        return self._submit(read_task, group, published, max_bytes)

    def extract(self, docs: list[Document]):
        light = [d.model_copy(update={"raw": b""}) for d in docs]  # extraction never reads the raw bytes
        if self.executor is None:
            self._use_pipeline()
            return _Now(extract_task, light)
        return self._submit(extract_task, light)

    def _submit(self, fn, *args) -> Future:
        try:  # a worker that died before this task was handed out breaks the pool here, not in result()
            return self.executor.submit(fn, *args)
        except BrokenProcessPool as e:
            raise _died() from e

    @staticmethod
    def result(fut: Future | _Now):
        try:
            return fut.result()
        except BrokenProcessPool as e:
            raise _died() from e

    def close(self, cancel: bool = False) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=cancel)
            self.executor = None
