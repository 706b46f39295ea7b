"""The stages composed: Document -> Extraction (events, mentions, proposals, control statements).

``Pipeline`` loads the actor registry, the gazetteer and the spaCy model once per process;
``run`` parses documents in batches with ``nlp.pipe`` so the same functions serve one page
or a corpus (and a batch engine can map them over partitions).
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Iterable, Iterator

from .actors.learn import propose
from .actors.registry import Registry
from .actors.resolve import ActorResolver
from .extract.events import Extraction, Extractor
from .extract.nlp import build_nlp
from .gcpause import keep_loaded
from .places.gazetteer import Gazetteer, builtin_gazetteer
from .places import admin1
from .places.resolve import PlaceResolver
from .records import Document, Place


class Pipeline:
    def __init__(self, actor_files: Iterable[str | Path] = (), extra_places: Iterable[Place] = (),
                 registry: Registry | None = None, gazetteer: Gazetteer | None = None):
        self.registry = registry or Registry.load(list(actor_files))
        if gazetteer is None:
            extra = list(extra_places)
            gazetteer = builtin_gazetteer()
            if extra:
                gazetteer = gazetteer.with_extra(extra)
        self.gazetteer = gazetteer
        self.nlp = build_nlp(self.registry, self.gazetteer)
        self.extractor = Extractor(self.nlp, ActorResolver(self.registry), PlaceResolver(self.gazetteer))
        admin1.prepare()  # every extraction looks divisions up: read them once, before workers fork
        keep_loaded()

    def extract(self, document: Document) -> Extraction:
        return next(self.run([document]))

    def run_parallel(self, documents: list[Document], workers: int | None = None,
                     chunk: int = 16, safe: bool = False) -> Iterator[Extraction | Exception]:
        """Like ``run``, in ``workers`` forked processes that share this loaded pipeline (in order).
        With ``safe``, a document whose extraction raises yields its exception instead of ending the run."""
        workers = workers or min(2, os.cpu_count() or 1)
        if workers <= 1 or len(documents) < 2 * chunk or "fork" not in multiprocessing.get_all_start_methods():
            yield from (self.run_safe(documents) if safe else self.run(documents))
            return
        global _WORKER
        _WORKER = self
        chunks = [documents[i:i + chunk] for i in range(0, len(documents), chunk)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for extractions in pool.imap(_run_chunk_safe if safe else _run_chunk, chunks):
                yield from extractions

    def run_safe(self, documents: list[Document], batch_size: int = 16) -> Iterator[Extraction | Exception]:
        """``run`` that survives a document it cannot extract: a batch that raises is rerun one
        document at a time, and the one that raises yields its exception."""
        for i in range(0, len(documents), batch_size):
            part = documents[i:i + batch_size]
            try:
                done = list(self.run(part, batch_size))
            except Exception:  # noqa: BLE001
                done = []
                for d in part:
                    try:
                        done += list(self.run([d]))
                    except Exception as e:  # noqa: BLE001
                        done.append(_picklable(e))
            yield from done

    def run(self, documents: Iterable[Document], batch_size: int = 16) -> Iterator[Extraction]:
        docs = list(documents) if not isinstance(documents, list) else documents
        texts = (d.article if d.meta.language in (None, "en") else "" for d in docs)
        for document, sdoc in zip(docs, self.nlp.pipe(texts, batch_size=batch_size)):
            ex = self.extractor.extract(document, sdoc)
            ex.proposals = propose(sdoc, document, self.registry, ex)
            yield ex


_WORKER: Pipeline | None = None


def _run_chunk(docs: list[Document]) -> list[Extraction]:
    assert _WORKER is not None
    return list(_WORKER.run(docs))


def _run_chunk_safe(docs: list[Document]) -> list[Extraction | Exception]:
    assert _WORKER is not None
    return list(_WORKER.run_safe(docs))


def _picklable(e: Exception) -> Exception:
    """An exception that survives the trip back from a worker (some carry unpicklable state)."""
    import pickle
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{e.__class__.__name__}: {e}")
