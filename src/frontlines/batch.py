"""Ingest many paths into the store: progress on a terminal, quiet otherwise, resumable.

Each document is stored first (raw bytes untouched), then extracted, and marked extracted
in the same transaction as its events.  A crash between the two leaves it pending; the
next run extracts pending documents before anything new.  A bad page is recorded in the
store's failures with a one-line reason and the batch goes on.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .extract.report import page_notes
from .ingest import IngestError, ingest_path
from .records import Document
from .store import Store

if TYPE_CHECKING:  # the pipeline (spaCy) is loaded only when there is something to extract
    from .pipeline import Pipeline


@dataclass
class BatchReport:
    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    reprocessed: list[str] = field(default_factory=list)
    events: int = 0
    warnings: list[str] = field(default_factory=list)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")
                          and not q.name.endswith(".meta.json"))  # sidecars travel with their page
        else:
            out.append(p)
    return out


def progress_for(console: Console) -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, disable=not console.is_terminal, transient=False)


def ingest_paths(paths: Iterable[str | Path], store: Store, pipeline_factory: Callable[[], "Pipeline"],
                 published: date | None = None, console: Console | None = None, batch_size: int = 128,
                 workers: int | None = None, reprocess: bool = False) -> BatchReport:
    """Store and extract every page under ``paths``.  A page already stored is skipped, or with
    ``reprocess`` rebuilt from the file (e.g. with a ``published`` date it lacked) and extracted
    again under its stored id; reviews of events extracted again are kept."""
    console = console or Console(stderr=True)
    report = BatchReport()
    files = expand(paths)
    pipeline: Pipeline | None = None

    def extract(docs: list[Document]) -> None:
        nonlocal pipeline
        if not docs:
            return
        pipeline = pipeline or pipeline_factory()
        for doc, ex in zip(docs, pipeline.run_parallel(docs, workers)):
            notes = page_notes(ex)
            store.save_extraction(doc.id, ex.events, ex.proposals, ex.unresolved, ex.control, notes)
            report.events += len(ex.events)
            for n in notes:
                report.warnings.append(f"{doc.id}: {n}")
                console.print(f"[yellow]note[/yellow] {doc.id}: {n}", highlight=False)

    # a crash mid-batch left documents stored but not extracted: finish them first
    pending = [d for d in (store.get_document(i) for i in store.pending_documents()) if d is not None]
    if pending:
        console.print(f"resuming: extracting {len(pending)} document(s) left pending by an earlier run")
        extract(pending)
    with progress_for(console) as progress:
        task = progress.add_task("ingesting", total=len(files))
        buffer: list[Document] = []
        for path in files:
            for item in ingest_path(path, published):
                if isinstance(item, IngestError):
                    msg = str(item)
                    store.record_failure(item.source, item.reason)
                    report.failed.append(msg)
                    console.print(f"[red]error[/red] {msg}", highlight=False)
                    continue
                dup = store.find_duplicate(item)
                if dup and reprocess:
                    item = item.model_copy(update={"id": dup})
                    store.replace_document(dup, item)
                    report.reprocessed.append(dup)
                    for w in item.warnings:
                        report.warnings.append(f"{item.id}: {w}")
                        console.print(f"[yellow]warning[/yellow] {item.id}: {w}", highlight=False)
                    buffer.append(item)
                    if len(buffer) >= batch_size:
                        extract(buffer)
                        buffer = []
                    continue
                if dup:
                    store.record_failure(item.source_path or item.id, f"duplicate of stored document {dup}; not stored again")
                    report.duplicates.append(item.id)
                    console.print(f"[yellow]skipped[/yellow] {item.id}: already stored as {dup}", highlight=False)
                    continue
                store.add_document(item)
                report.stored.append(item.id)
                for w in item.warnings:
                    report.warnings.append(f"{item.id}: {w}")
                    console.print(f"[yellow]warning[/yellow] {item.id}: {w}", highlight=False)
                buffer.append(item)
                if len(buffer) >= batch_size:
                    extract(buffer)
                    buffer = []
            progress.advance(task)
        extract(buffer)
    if not console.is_terminal:
        print(f"ingested {len(report.stored)} document(s), {report.events} event(s); "
              f"{len(report.duplicates)} duplicate(s), {len(report.failed)} failure(s)", file=sys.stderr)
    return report
