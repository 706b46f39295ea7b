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
from .places.gazetteer import Gazetteer, builtin_gazetteer
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

    def extract(self, document: Document) -> Extraction:
        return next(self.run([document]))

    def run_parallel(self, documents: list[Document], workers: int | None = None,
                     chunk: int = 16) -> Iterator[Extraction]:
        """Like ``run``, in ``workers`` forked processes that share this loaded pipeline (in order)."""
        workers = workers or min(2, os.cpu_count() or 1)
        if workers <= 1 or len(documents) < 2 * chunk or "fork" not in multiprocessing.get_all_start_methods():
            yield from self.run(documents)
            return
        global _WORKER
        _WORKER = self
        chunks = [documents[i:i + chunk] for i in range(0, len(documents), chunk)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for extractions in pool.imap(_run_chunk, chunks):
                yield from extractions

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
