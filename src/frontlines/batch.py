"""Ingest many paths into the store: progress on a terminal, quiet otherwise, resumable.

Each batch of documents is stored first (raw bytes untouched, one transaction), then
extracted, and marked extracted in the same transaction as its events.  A crash between the two leaves it pending; the
next run extracts pending documents before anything new.  A bad page is recorded in the
store's failures with a one-line reason and the batch goes on; a stored page whose extraction
fails is marked failed (not left pending to kill every later run).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .extract.report import page_notes
from .ingest import IngestError, ingest_path
from .ingest.readers import MAX_BYTES, clean_text
from .intake import Intake, one_line
from .records import Document
from .store import Store

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


def ingest_paths(paths: Iterable[str | Path], store: Store, pipeline_factory: Callable[[], "Pipeline"],
                 published: date | None = None, console: Console | None = None, batch_size: int = 128,
                 workers: int | None = None, max_bytes: int = MAX_BYTES, reprocess: bool = False) -> BatchReport:
    """Store and extract every page under ``paths``.  Each input ends as a stored document or a
    failure row with a one-line reason; documents and failures are written a batch per transaction.
    A page already stored is skipped, or with ``reprocess`` rebuilt from the file (e.g. with a
    ``published`` date it lacked) and extracted again under its stored id; reviews of events
    extracted again are kept."""
    console = console or Console(stderr=True)
    report = BatchReport()
    inputs, list_errors = expand_inputs(paths)
    pipeline: Pipeline | None = None
    failures: list[tuple[str, str]] = []

    def fail(source: str, reason: str, printed: bool = True) -> None:
        failures.append((source, reason))
        report.fail(f"{source}: {reason}")
        if printed:
            console.print(f"[red]error[/red] {escape(source)}: {escape(reason)}", highlight=False)
        if len(failures) >= 2000:
            flush_failures()

    def flush_failures() -> None:
        store.record_failures(failures)
        failures.clear()

    def extract(docs: list[Document]) -> None:
        nonlocal pipeline
        if not docs:
            return
        pipeline = pipeline or pipeline_factory()
        done = []
        for doc, ex in zip(docs, pipeline.run_parallel(docs, workers, safe=True)):
            if isinstance(ex, BaseException):
                reason = one_line(ex)
                store.mark_failed(doc.id, reason)
                report.fail(f"{doc.id}: extraction failed: {reason}")
                console.print(f"[red]error[/red] {escape(doc.id)}: extraction failed: {escape(reason)}", highlight=False)
                continue
            notes = page_notes(ex)
            done.append((doc.id, ex, notes))
            report.events += len(ex.events)
            for n in notes:
                report.warnings.append(f"{doc.id}: {n}")
                console.print(f"[yellow]note[/yellow] {escape(doc.id)}: {escape(n)}", highlight=False)
        store.save_extractions(done)

    for src, reason in list_errors:
        fail(src, reason)
    # a crash mid-batch left documents stored but not extracted: finish them first
    pending_ids = store.pending_documents()
    if pending_ids:
        console.print(f"resuming: extracting {len(pending_ids)} document(s) left pending by an earlier run")
        for i in range(0, len(pending_ids), batch_size):
            extract([d for d in (store.get_document(x) for x in pending_ids[i:i + batch_size]) if d is not None])
    with progress_for(console) as progress:
        task = progress.add_task("ingesting", total=len(inputs))
        buffer: list[Document] = []
        intake = Intake(store, reprocess)
        again: list[Document] = []  # stored documents rebuilt by ``reprocess``: extracted, not added

        def flush() -> None:
            flush_failures()
            report.reposts += store.add_documents(buffer)
            extract(buffer + again)
            buffer.clear()
            again.clear()
            intake.clear()

        for path, root in inputs:
            printed = 0
            for item in ingest_path(path, published, max_bytes=max_bytes, root=root):
                if isinstance(item, IngestError):
                    printed += 1
                    fail(item.source, item.reason, printed <= PRINT_PER_FILE)
                    continue
                d = intake.decide(item, path)
                if d.kind == "failed":
                    fail(d.doc.source_path or d.doc.id, d.other)
                    continue
                if d.kind == "duplicate":
                    fail(d.doc.source_path or d.doc.id, f"duplicate of stored document {d.other}; not stored again", False)
                    report.duplicates.append(d.doc.id)
                    console.print(f"[yellow]skipped[/yellow] {escape(d.doc.id)}: already stored as {escape(d.other)}",
                                  highlight=False)
                    continue
                (report.reprocessed if d.kind == "again" else report.stored).append(d.doc.id)
                for w in d.doc.warnings:
                    report.warnings.append(f"{d.doc.id}: {w}")
                    console.print(f"[yellow]warning[/yellow] {escape(d.doc.id)}: {escape(w)}", highlight=False)
                (again if d.kind == "again" else buffer).append(d.doc)
                if len(buffer) + len(again) >= batch_size:
                    flush()
            if printed > PRINT_PER_FILE:
                console.print(f"[red]error[/red] {escape(clean_text(str(path)))}: {printed - PRINT_PER_FILE} more failure(s); "
                              "see `frontlines failures`", highlight=False)
            progress.advance(task)
        flush()
    if not console.is_terminal:
        print(f"ingested {len(report.stored)} document(s), {report.events} event(s); "
              f"{len(report.duplicates)} duplicate(s), {report.n_failed} failure(s)", file=sys.stderr)
    return report
