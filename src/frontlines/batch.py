"""Ingest many paths into the store: progress on a terminal, quiet otherwise, resumable.

Pages are read, decoded and extracted by one pool of worker processes that lasts the whole run
(workers.py); this process decides ids and duplicates in input order (intake.py) and writes.
Each batch of documents is stored first (raw bytes untouched, one transaction), then extracted,
and marked extracted in the same transaction as its events.  A crash between the two leaves it
pending; the next run extracts pending documents before anything new.  A bad page is recorded in
the store's failures with a one-line reason and the batch goes on; a stored page whose extraction
fails is marked failed (not left pending to kill every later run).
"""
from __future__ import annotations

import os
import sys
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .ingest import IngestError
from .ingest.readers import MAX_BYTES, clean_text
from .intake import Intake
from .records import Document
from .store import Store
from .workers import CHUNK, GROUP, Pool, is_container, units

if TYPE_CHECKING:  # spaCy loads only when something is extracted
    from .pipeline import Pipeline


@dataclass
class BatchReport:
    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # the first KEEP messages; n_failed counts them all
    reprocessed: list[str] = field(default_factory=list)
    events: int = 0
    warnings: list[str] = field(default_factory=list)
    n_failed: int = 0
    reposts: list[tuple[str, str, float]] = field(default_factory=list)

    KEEP = 1000

    def fail(self, msg: str) -> None:
        self.n_failed += 1
        if len(self.failed) < self.KEEP:
            self.failed.append(msg)


def expand_inputs(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Path]], list[tuple[str, str]]]:
    """(path, the folder it may not leave) for every entry under the given paths, and
    (path, reason) for what cannot even be listed.  Nothing is dropped silently: FIFOs,
    dangling links and the like are listed so the reader can say what they are."""
    out: list[tuple[Path, Path]] = []
    errors: list[tuple[str, str]] = []
    for p in map(Path, paths):
        if p.is_dir() and not p.is_symlink():
            root = p.resolve()
            found: list[Path] = []

            def onerror(e: OSError) -> None:
                errors.append((clean_text(str(e.filename or p)), f"cannot list folder: {e.strerror or e}"))
            for dirpath, dirnames, filenames in os.walk(p, followlinks=False, onerror=onerror):
                d = Path(dirpath)
                for name in dirnames:
                    if (d / name).is_symlink():
                        errors.append((clean_text(str(d / name)), "symlink to a folder; not followed"))
                found += [d / n for n in filenames if not n.startswith(".") and not n.endswith(".meta.json")]
            out += [(q, root) for q in sorted(found)]  # sidecars travel with their page
        else:
            out.append((p, p.absolute().parent))
    return out, errors


def expand(paths: Iterable[str | Path]) -> list[Path]:
    return [p for p, _ in expand_inputs(paths)[0]]


def progress_for(console: Console) -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, disable=not console.is_terminal, transient=False)


PRINT_PER_FILE = 20  # errors printed per input file; all of them are in `frontlines failures`


def say(console: Console, markup: str) -> None:
    """One line on the console; a quiet one is not even rendered (rich renders, then drops it)."""
    if not console.quiet:
        console.print(markup, highlight=False)


def ingest_paths(paths: Iterable[str | Path], store: Store, pipeline_factory: Callable[[], "Pipeline"],
                 published: date | None = None, console: Console | None = None, batch_size: int = 128,
                 workers: int | None = None, max_bytes: int = MAX_BYTES, reprocess: bool = False) -> BatchReport:
    """Store and extract every page under ``paths``.  Each input ends as a stored document or a
    failure row with a one-line reason; documents and failures are written a batch per transaction.
    A page already stored is skipped, or with ``reprocess`` rebuilt from the file (e.g. with a
    ``published`` date it lacked) and extracted again under its stored id; reviews of events
    extracted again are kept.  ``workers`` processes (default: up to 2) read and extract."""
    console = console or Console(stderr=True)
    report = BatchReport()
    inputs, list_errors = expand_inputs(paths)
    failures: list[tuple[str, str]] = []

    def fail(source: str, reason: str, printed: bool = True) -> None:
        failures.append((source, reason))
        report.fail(f"{source}: {reason}")
        if printed:
            say(console, f"[red]error[/red] {escape(source)}: {escape(reason)}")
        if len(failures) >= 2000:
            flush_failures()

    def flush_failures() -> None:
        store.record_failures(failures)
        failures.clear()

    for src, reason in list_errors:
        fail(src, reason)
    pending_ids = store.pending_documents()
    n = workers or min(2, os.cpu_count() or 1)
    # a fork is worth it for a few dozen pages (a container file may hold any number)
    if len(inputs) + len(pending_ids) < 2 * CHUNK and not any(is_container(p) for p, _ in inputs):
        n = 1
    pool = Pool(n, pipeline_factory)
    ex = _Extractions(store, pool, report, console, batch_size, max_in_flight=4 * n)
    ok = False
    store.write_batches(True)
    try:
        # a crash mid-batch left documents stored but not extracted: finish them first
        if pending_ids:
            say(console, f"resuming: extracting {len(pending_ids)} document(s) left pending by an earlier run")
            for i in range(0, len(pending_ids), batch_size):
                ex.submit([d for d in (store.get_document(x) for x in pending_ids[i:i + batch_size]) if d is not None])
        with progress_for(console) as progress:
            task = progress.add_task("ingesting", total=len(inputs))
            step = batch_size if n == 1 else min(batch_size, 2 * CHUNK)
            _read(inputs, store, pool, ex, report, console, fail, flush_failures, progress, task, published, max_bytes,
                  reprocess, step, read_ahead=2 if n == 1 else reads_ahead(step))
        ex.finish()
        if report.stored or pending_ids:
            from .analysis import refresh
            # the merged view kept ready in the store for its readers (store/views.py), before the
            # ingest says it stopped writing: until then the API answers the kept view it has
            refresh(store)
        ok = True
    finally:
        pool.close(cancel=not ok)
        store.write_batches(False)
    if not console.is_terminal and not console.quiet:  # a quiet console (the benchmarks') says nothing
        print(f"ingested {len(report.stored)} document(s), {report.events} event(s); "
              f"{len(report.duplicates)} duplicate(s), {report.n_failed} failure(s)", file=sys.stderr)
    return report


def reads_ahead(batch: int) -> int:
    """Read tasks kept in flight so that a batch's extraction is queued behind the next batch's reads.

    Workers take tasks in the order they were given.  With fewer reads ahead, the last reads of the
    next batch came after this batch's extraction: the workers extracted, then read, then waited while
    this process stored the batch (0.1 s a batch, both workers idle).  A page file is two units (the
    file, then its end), so a batch of files is ``2 * batch / GROUP`` groups; one more keeps the next
    batch's last group submitted before this batch is flushed."""
    return -(-2 * batch // GROUP) + 1


def _read(inputs, store, pool, ex, report, console, fail, flush_failures, progress, task, published, max_bytes,
          reprocess, batch_size, read_ahead) -> None:
    """Read the inputs in the pool, take each page in input order, store a batch, send it to extraction."""
    intake = Intake(store, reprocess)
    buffer: list[Document] = []
    again: list[Document] = []  # stored documents rebuilt by ``reprocess``: extracted, not added
    prints: dict = {}  # id -> the article's MinHash fingerprint, computed where the page was read

    def flush() -> None:
        flush_failures()
        report.reposts += store.add_documents(buffer, prints)
        ex.submit(buffer + again)
        buffer.clear()
        again.clear()
        prints.clear()
        intake.clear()

    stream = units(inputs, max_bytes)
    reads: deque = deque()
    printed = 0
    while True:
        while len(reads) < read_ahead:
            group = [u for _, u in zip(range(GROUP), stream)]
            if not group:
                break
            reads.append((group, pool.read([u for _, u in group], published, max_bytes)))
        if not reads:
            break
        group, fut = reads.popleft()
        answers = pool.result(fut)
        intake.prefetch([(item, inputs[i][0]) for (i, _), items in zip(group, answers) for item, _ in items
                         if not isinstance(item, IngestError)])
        for (i, unit), items in zip(group, answers):
            if unit[0] == "end":
                if printed > PRINT_PER_FILE:
                    say(console, f"[red]error[/red] {escape(clean_text(str(inputs[i][0])))}: "
                                 f"{printed - PRINT_PER_FILE} more failure(s); see `frontlines failures`")
                printed = 0
                progress.advance(task)
                continue
            for item, fp in items:
                if isinstance(item, IngestError):
                    printed += 1
                    fail(item.source, item.reason, printed <= PRINT_PER_FILE)
                    continue
                d = intake.decide(item, inputs[i][0])
                if d.kind == "failed":
                    fail(d.doc.source_path or d.doc.id, d.other)
                    continue
                if d.kind == "duplicate":
                    fail(d.doc.source_path or d.doc.id, f"duplicate of stored document {d.other}; not stored again", False)
                    report.duplicates.append(d.doc.id)
                    say(console, f"[yellow]skipped[/yellow] {escape(d.doc.id)}: already stored as {escape(d.other)}")
                    continue
                (report.reprocessed if d.kind == "again" else report.stored).append(d.doc.id)
                for w in d.doc.warnings:
                    report.warnings.append(f"{d.doc.id}: {w}")
                    say(console, f"[yellow]warning[/yellow] {escape(d.doc.id)}: {escape(w)}")
                if d.kind == "again":
                    again.append(d.doc)
                else:
                    buffer.append(d.doc)
                    prints[d.doc.id] = fp
                if len(buffer) + len(again) >= batch_size:
                    flush()
        if reads:  # with nothing left to read, the last batch goes to the workers before rows are saved
            ex.collect()
    flush()


class _Extractions:
    """Extraction tasks in flight, in order; what comes back is saved a batch per transaction."""

    def __init__(self, store: Store, pool: Pool, report: BatchReport, console: Console, batch_size: int,
                 max_in_flight: int):
        self.store, self.pool, self.report, self.console = store, pool, report, console
        self.batch_size, self.max_in_flight = batch_size, max_in_flight
        self.in_flight: deque = deque()
        self.done: list[dict] = []

    def submit(self, docs: list[Document]) -> None:
        # a batch too small to give every worker a full chunk (the last one of a run) is shared out
        # evenly: 22 pages for two workers are 11 and 11, not 16 while the other worker idles after 6
        size = max(1, min(CHUNK, -(-len(docs) // self.pool.workers)))
        for i in range(0, len(docs), size):
            part = docs[i:i + size]
            self.in_flight.append((part, self.pool.extract(part)))
        while len(self.in_flight) > self.max_in_flight:  # bounded: this process holds what is in flight
            self._take()
        self.collect()

    def collect(self) -> None:
        """Take what has come back, without waiting."""
        while self.in_flight and self.in_flight[0][1].done():
            self._take()

    def finish(self) -> None:
        while self.in_flight:
            self._take()
        self._save()

    def _take(self) -> None:
        docs, fut = self.in_flight.popleft()
        for doc, r in zip(docs, self.pool.result(fut)):
            if isinstance(r, str):
                self.store.mark_failed(doc.id, r)
                self.report.fail(f"{doc.id}: extraction failed: {r}")
                say(self.console, f"[red]error[/red] {escape(doc.id)}: extraction failed: {escape(r)}")
                continue
            self.done.append(r)
            self.report.events += len(r["events"])
            for note in r["notes"]:
                self.report.warnings.append(f"{doc.id}: {note}")
                say(self.console, f"[yellow]note[/yellow] {escape(doc.id)}: {escape(note)}")
        if len(self.done) >= self.batch_size:
            self._save()

    def _save(self) -> None:
        self.store.save_extraction_rows(self.done)
        self.done.clear()
