"""The command line: thin wrappers over the stages, no logic of their own."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from .batch import expand, ingest_paths
from .export import FORMATS, write_events
from .ingest import IngestError, ingest_path
from .ingest.dates import parse_date
from .store import Store

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="frontlines: conflict news in, sourced ACLED-coded events and control timelines out.")
err = Console(stderr=True)

DbOpt = typer.Option(None, "--db", envvar="FRONTLINES_DB", help="SQLite file or SQLAlchemy URL (default frontlines.db)")
ActorsOpt = typer.Option(None, "--actors", help="extra actor registry YAML file(s)")


def _date(value: Optional[str], name: str) -> Optional[date]:
    if value is None:
        return None
    d = parse_date(value)
    if d is None:
        raise typer.BadParameter(f"not a date: {value!r} (use YYYY-MM-DD)", param_hint=name)
    return d


def _pipeline_factory(actors: Optional[List[Path]], store: Store | None = None):
    def make():
        from .pipeline import Pipeline
        extra = list(store.places()) if store is not None else []
        return Pipeline(actor_files=actors or [], extra_places=extra)
    return make


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    return fmt


@app.command()
def extract(paths: List[Path] = typer.Argument(..., help="pages: .html .md .txt .jsonl .warc .xml (RSS/Atom)"),
            published: Optional[str] = typer.Option(None, help="publication date YYYY-MM-DD, if the page lacks one"),
            fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv, geojson or parquet"),
            out: Optional[Path] = typer.Option(None, "--out", help="write to this file instead of stdout"),
            actors: Optional[List[Path]] = ActorsOpt) -> None:
    """Run the pipeline on pages without touching the store and print their events."""
    _check_format(fmt)
    pub = _date(published, "--published")
    docs, failed = [], 0
    for path in expand(paths):
        for item in ingest_path(path, pub):
            if isinstance(item, IngestError):
                err.print(f"[red]error[/red] {item}", highlight=False)
                failed += 1
            else:
                for w in item.warnings:
                    err.print(f"[yellow]warning[/yellow] {item.id}: {w}", highlight=False)
                docs.append(item)
    events = []
    if docs:
        pipeline = _pipeline_factory(actors)()
        for ex in pipeline.run(docs):
            events += ex.events
    write_events(events, fmt, out=None if out else sys.stdout, path=str(out) if out else None)
    if failed and not docs:
        raise typer.Exit(1)


@app.command()
def ingest(paths: List[Path] = typer.Argument(..., help="files or folders of pages"),
           published: Optional[str] = typer.Option(None, help="publication date YYYY-MM-DD for pages without one"),
           db: Optional[str] = DbOpt, actors: Optional[List[Path]] = ActorsOpt) -> None:
    """Store pages (raw bytes kept) and their events; bad pages are recorded and skipped."""
    store = Store(db)
    report = ingest_paths(paths, store, _pipeline_factory(actors, store), _date(published, "--published"), err)
    err.print(f"stored {len(report.stored)} document(s) with {report.events} event(s); "
              f"{len(report.duplicates)} duplicate(s), {len(report.failed)} failure(s)  [{store.url}]")


@app.command()
def events(fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv, geojson or parquet"),
           out: Optional[Path] = typer.Option(None, "--out"), db: Optional[str] = DbOpt,
           start: Optional[str] = typer.Option(None, "--from"), end: Optional[str] = typer.Option(None, "--to"),
           event_type: Optional[str] = typer.Option(None, "--type"), actor: Optional[str] = None,
           place: Optional[str] = None) -> None:
    """Print stored events."""
    _check_format(fmt)
    evs = Store(db).events(start=_date(start, "--from"), end=_date(end, "--to"), event_type=event_type,
                           actor=actor, place=place)
    write_events(evs, fmt, out=None if out else sys.stdout, path=str(out) if out else None)


@app.command()
def show(doc_id: str, db: Optional[str] = DbOpt,
         as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """A stored document: metadata, article, comments and its events."""
    store = Store(db)
    doc = store.get_document(doc_id)
    if doc is None:
        err.print(f"no document {doc_id!r} in {store.url}")
        raise typer.Exit(1)
    evs = store.events(doc_id=doc_id)
    if as_json:
        print(json.dumps({"id": doc.id, "meta": json.loads(doc.meta.model_dump_json()), "article": doc.article,
                          "comments": doc.comments, "boilerplate": doc.boilerplate, "warnings": doc.warnings,
                          "events": [json.loads(e.model_dump_json()) for e in evs]}, indent=1, ensure_ascii=False))
        return
    out = Console(highlight=False, soft_wrap=True)
    m = doc.meta
    out.rule(f"{doc.id}")
    out.print(f"title: {m.title or '-'}\nsite: {m.site or '-'}  author: {m.author or '-'}  url: {m.url or '-'}\n"
              f"published: {m.published or '-'} (from {m.published_from})  sha256: {doc.sha256[:16]}…")
    for w in doc.warnings:
        out.print(f"[yellow]warning:[/yellow] {w}", markup=True)
    out.rule("article")
    out.print(doc.article, markup=False)
    out.rule(f"comments ({len(doc.comments)}) — not reporting, never used for events")
    for c in doc.comments:
        out.print("  " + c.replace("\n", "\n  "), markup=False)
    out.rule(f"events ({len(evs)})")
    for e in evs:
        out.print(f"{e.event_date} {e.sub_event_type}: {e.actor1} — {e.location} ({e.admin1}); "
                  f"evidence [{e.evidence[0].start}:{e.evidence[0].end}]", markup=False)


@app.command()
def failures(db: Optional[str] = DbOpt) -> None:
    """Pages that could not be ingested, with the reason."""
    for f in Store(db).failures():
        print(f"{f['at']}  {f['path']}: {f['error']}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
