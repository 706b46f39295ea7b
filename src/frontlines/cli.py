"""The command line: thin wrappers over the stages, no logic of their own.

Mistakes fail loudly and briefly: one line on stderr starting "error:", exit status 2 for a
wrong argument (a date, a format, a missing file or database) and 1 when the work itself failed
(every page refused).  Imports are lazy so ``--help`` and the read commands start fast: spaCy is
loaded only by the commands that extract.
"""
from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import List, NoReturn, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="frontlines: conflict news in, sourced ACLED-coded events and control timelines out.")

FORMATS = ("jsonl", "csv", "geojson", "parquet")  # export.formats.FORMATS, without importing it
DbOpt = typer.Option(None, "--db", envvar="FRONTLINES_DB", help="SQLite file or SQLAlchemy URL (default frontlines.db)")
ActorsOpt = typer.Option(None, "--actors", help="extra actor registry YAML file(s)")


def _console():
    from rich.console import Console
    return Console(stderr=True)


class _Err:
    """stderr through rich, created on first use (rich is not needed for --help)."""
    def print(self, *a, **k) -> None:
        _console().print(*a, **k)


err = _Err()


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and a non-zero exit: no traceback for a user's mistake."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _date(value: Optional[str], name: str) -> Optional[date]:
    """Strictly YYYY-MM-DD, as in the API."""
    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{name}: not a date: {value!r} (use YYYY-MM-DD)")


def _existing(paths: Optional[List[Path]], what: str = "file or folder") -> List[Path]:
    for p in paths or []:
        if not p.exists():
            fail(f"no such {what}: {p}")
    return list(paths or [])


def _store(db: Optional[str], must_exist: bool = True):
    """The store; for reading, a SQLite file that does not exist is a mistake, not a new empty store."""
    from .store.db import db_url
    url = db_url(db)
    if must_exist and url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url[len("sqlite:///"):])
        if not path.is_file():
            fail(f"no database at {path} (create one with: frontlines ingest PAGES --db {path})")
    from .store import Store
    return Store(db)


def _pipeline_config(actors: Optional[List[Path]], store=None, dumps: Optional[List[Path]] = None):
    """The one configuration every path extracts with: --actors, the store's loaded places, --gazetteer dumps."""
    from .config import PipelineConfig
    return PipelineConfig.from_store(actors or [], store, dumps or [])


def _pipeline_factory(actors: Optional[List[Path]], store=None, dumps: Optional[List[Path]] = None):
    return lambda: _pipeline_config(actors, store, dumps).build()


def _check_format(fmt: str, out: Optional[Path] = None, choices=FORMATS) -> str:
    fmt = fmt.lower()
    if fmt not in choices:
        fail(f"--format: choose one of {', '.join(choices)} (not {fmt!r})")
    if fmt == "parquet" and out is None:
        fail("--format parquet writes a file: add --out FILE.parquet")
    return fmt


def _write(evs, fmt: str, out: Optional[Path], ctx=None) -> None:
    from .export.formats import ExportError, write_events
    try:
        write_events(evs, fmt, out=None if out else sys.stdout, path=str(out) if out else None, ctx=ctx,
                     warn=lambda m: typer.echo(f"note: {m}", err=True))
    except ExportError as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write {out}: {e.strerror or e}")


FmtOpt = typer.Option("jsonl", "--format", help="jsonl, csv (ACLED's columns), geojson or parquet")
OutOpt = typer.Option(None, "--out", help="write to this file instead of stdout (required for parquet)")
NumericOpt = typer.Option(False, "--numeric-inter", help="inter1/inter2/interaction as ACLED's old numeric codes "
                                                         "instead of its text labels")


@app.command()
def extract(paths: List[Path] = typer.Argument(..., help="pages: .html .md .txt .jsonl .warc .xml (RSS/Atom)"),
            published: Optional[str] = typer.Option(None, help="publication date YYYY-MM-DD, if the page lacks one"),
            fmt: str = FmtOpt, out: Optional[Path] = OutOpt, numeric_inter: bool = NumericOpt,
            actors: Optional[List[Path]] = ActorsOpt,
            db: Optional[str] = typer.Option(None, "--db", envvar="FRONTLINES_DB",
                                             help="use the places loaded into this store (read only), as ingest does"),
            gazetteer: Optional[List[Path]] = typer.Option(None, "--gazetteer",
                                                           help="a GeoNames dump (SY.txt, SY.zip, cities500.txt) "
                                                                "to place names with, on top of the built-in data")) -> None:
    """Run the pipeline on pages without touching the store and print their events; what a page
    could not give (no event, unresolved places, no country) is said on stderr."""
    fmt = _check_format(fmt, out)
    pub = _date(published, "--published")
    _existing(paths)
    _existing(actors, "actor registry file")
    _existing(gazetteer, "gazetteer dump")
    store = _store(db) if db else None
    from .batch import expand
    from .ingest import IngestError, ingest_path
    docs, failed = [], 0
    files = expand(paths)
    if not files:
        fail(f"no pages in {', '.join(map(str, paths))}", 1)
    for path in files:
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
        from .extract.report import page_notes
        pipeline = _pipeline_factory(actors, store, gazetteer)()
        for doc, ex in zip(docs, pipeline.run_safe(docs)):
            if isinstance(ex, Exception):  # one page the extractor cannot handle does not end the run
                from rich.markup import escape
                err.print(f"[red]error[/red] {escape(doc.id)}: extraction failed: {ex.__class__.__name__}: "
                          f"{escape(' '.join(str(ex).split())[:160])}", highlight=False)
                failed += 1
                continue
            events += ex.events
            for n in page_notes(ex):
                err.print(f"[yellow]note[/yellow] {doc.id}: {n}", highlight=False)
    from .export.formats import ExportContext
    reg = None
    if actors:
        from .actors.registry import Registry
        reg = Registry.load(list(actors))
    _write(events, fmt, out, ExportContext(registry=reg, numeric_inter=numeric_inter))
    if failed and not docs:
        raise typer.Exit(1)


@app.command()
def ingest(paths: List[Path] = typer.Argument(..., help="files or folders of pages"),
           published: Optional[str] = typer.Option(None, help="publication date YYYY-MM-DD for pages without one"),
           db: Optional[str] = DbOpt, actors: Optional[List[Path]] = ActorsOpt,
           workers: Optional[int] = typer.Option(None, help="worker processes on this machine (default: up to 2)"),
           reprocess: bool = typer.Option(False, "--reprocess", help="pages already stored are read again (with "
                                          "--published, say) and their events extracted again; reviews are kept"),
           dask: Optional[str] = typer.Option(None, "--dask", help="run on Dask: 'processes' or a scheduler address "
                                                                     "tcp://host:8786 (pages on shared storage)")) -> None:
    """Store pages (raw bytes kept) and their events; bad pages are recorded and skipped."""
    pub = _date(published, "--published")
    _existing(paths)
    _existing(actors, "actor registry file")
    from .batch import expand, ingest_paths
    if not expand(paths):
        fail(f"no pages in {', '.join(map(str, paths))}", 1)
    store = _store(db, must_exist=False)
    if dask:
        if reprocess:
            fail("--reprocess runs on this machine; leave out --dask")
        from .scale import ingest_on_dask
        stored, dups, fails = ingest_on_dask(paths, store, _pipeline_config(actors, store), dask, published=pub,
                                             say=lambda m: err.print(m, markup=False))
        err.print(f"stored {stored} document(s) on Dask ({dask}); {dups} duplicate(s), {fails} failure(s)  [{store.url}]", markup=False)
        if fails and not stored and not dups:
            raise typer.Exit(1)
        return
    from .workers import WorkerDied
    try:
        report = ingest_paths(paths, store, _pipeline_factory(actors, store), pub, _console(), workers=workers,
                              reprocess=reprocess)
    except WorkerDied as e:
        fail(str(e), 1)
    again = f"{len(report.reprocessed)} reprocessed, " if reprocess else ""
    err.print(f"stored {len(report.stored)} document(s) with {report.events} event(s); {again}"
              f"{len(report.duplicates)} duplicate(s), {report.n_failed} failure(s)  [{store.url}]", markup=False)
    if report.n_failed and not (report.stored or report.duplicates or report.reprocessed):
        fail("every page failed; nothing was stored", 1)


def _actor_filter(actor: Optional[str], actors: Optional[List[Path]] = None):
    if not actor:
        return None
    from .actors.registry import Registry, default_registry
    from .filters import actor_names
    return actor_names(Registry.load(list(actors)) if actors else default_registry(), actor)


@app.command()
def events(merge: bool = typer.Option(False, "--merged", help="merge the same event reported by several pages"),
           fmt: str = FmtOpt, out: Optional[Path] = OutOpt, db: Optional[str] = DbOpt,
           start: Optional[str] = typer.Option(None, "--from", help="first day YYYY-MM-DD"),
           end: Optional[str] = typer.Option(None, "--to", help="last day YYYY-MM-DD"),
           event_type: Optional[str] = typer.Option(None, "--type", help="event type or sub-event type "
                                                                         "(any case)"),
           actor: Optional[str] = typer.Option(None, help="an actor by any of its names or aliases"),
           place: Optional[str] = typer.Option(None, help="a location name or gazetteer place id"),
           raw: bool = typer.Option(False, "--raw", help="the extraction alone: no analysts' corrections, "
                                                         "rejected events included"),
           numeric_inter: bool = NumericOpt, actors: Optional[List[Path]] = ActorsOpt) -> None:
    """Print stored events, with analysts' corrections applied (rejected ones left out)."""
    fmt = _check_format(fmt, out)
    filters = dict(start=_date(start, "--from"), end=_date(end, "--to"), event_type=event_type,
                   actor=_actor_filter(actor, _existing(actors, "actor registry file")), place=place, raw=raw)
    store = _store(db)
    if merge:
        from .analysis import merged
        evs = merged(store, **filters).events
    else:
        evs = store.events(**filters)
    ctx = None
    if fmt != "jsonl":
        from .export.formats import ExportContext
        reg = None
        if actors:
            from .actors.registry import Registry
            reg = Registry.load(list(actors))
        ctx = ExportContext(registry=reg, places={p.id: p.name for p in store.places()},
                            reviews={} if raw else store.reviews(), timestamps=store.event_timestamps(),
                            numeric_inter=numeric_inter)
    _write(evs, fmt, out, ctx)


@app.command()
def show(doc_id: str = typer.Argument(..., help="a document id (see `frontlines events` or the API)"),
         db: Optional[str] = DbOpt,
         as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """A stored document: metadata, article, comments and its events."""
    store = _store(db)
    doc = store.get_document(doc_id)
    if doc is None:
        fail(f"no document {doc_id!r} in {store.url}", 1)
    evs = store.events(doc_id=doc_id)
    if as_json:
        print(json.dumps({"id": doc.id, "meta": json.loads(doc.meta.model_dump_json()), "article": doc.article,
                          "comments": doc.comments, "boilerplate": doc.boilerplate, "warnings": doc.warnings,
                          "events": [json.loads(e.model_dump_json()) for e in evs]}, indent=1, ensure_ascii=False))
        return
    from rich.console import Console
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
def control(at: str = typer.Option(..., "--at", help="date YYYY-MM-DD"), db: Optional[str] = DbOpt,
            fmt: str = typer.Option("jsonl", "--format", help="jsonl or geojson"),
            raw: bool = typer.Option(False, "--raw", help="from the extraction alone, without analysts' reviews")) -> None:
    """Who held each place on a date (one row per place, with the evidence)."""
    fmt = _check_format(fmt, choices=("jsonl", "geojson"))
    day = _date(at, "--at")
    from .analysis import timeline
    rows = timeline(_store(db), raw=raw).at(day)
    if fmt == "geojson":
        feats = [{"type": "Feature", "geometry": None if r["latitude"] is None else
                  {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}, "properties": r} for r in rows]
        print(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False))
    else:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))


@app.command()
def changes(start: str = typer.Option(..., "--from", help="first day YYYY-MM-DD"),
            end: str = typer.Option(..., "--to", help="last day YYYY-MM-DD"), db: Optional[str] = DbOpt,
            raw: bool = typer.Option(False, "--raw", help="from the extraction alone, without analysts' reviews")) -> None:
    """Changes of control between two dates, with their evidence."""
    lo, hi = _date(start, "--from"), _date(end, "--to")
    from .analysis import timeline
    for r in timeline(_store(db), raw=raw).between(lo, hi):
        print(json.dumps(r, ensure_ascii=False))


@app.command()
def serve(db: Optional[str] = DbOpt, host: str = typer.Option("127.0.0.1", help="address to listen on"),
          port: int = typer.Option(8000, help="port to listen on"),
          token: Optional[str] = typer.Option(None, envvar="FRONTLINES_TOKEN", help="edit token for reviews")) -> None:
    """Serve the REST API (/docs) and the analyst's map page."""
    import secrets
    import threading
    import time

    import uvicorn

    _store(db)
    from .serve import create_app
    token = token or secrets.token_urlsafe(12)
    server = uvicorn.Server(uvicorn.Config(create_app(db, token), host=host, port=port, log_level="warning"))

    def banner() -> None:  # only once the socket listens (a port in use ends the run with uvicorn's error)
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            typer.echo(f"frontlines on http://{host}:{port}/  (API docs /docs)\nedit token:\n{token}", err=True)
    threading.Thread(target=banner, daemon=True).start()
    server.run()
    if not server.started:
        raise typer.Exit(1)


@app.command()
def actors(at: Optional[str] = typer.Option(None, "--at", help="relations as of this date YYYY-MM-DD"),
           fmt: str = typer.Option("table", "--format", help="table or json"),
           extra: Optional[List[Path]] = ActorsOpt) -> None:
    """Actors with aliases and relations as of a date."""
    fmt = _check_format(fmt, choices=("table", "json"))
    day = _date(at, "--at")
    from .actors.registry import Registry
    from .actors.views import actors_at
    rows = actors_at(Registry.load(_existing(extra, "actor registry file")), day)
    if fmt == "json":
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    t = Table("name", "inter", "type", "aliases", "relations")
    for r in rows:
        t.add_row(r["name_at_date"], str(r["inter"]), r["type"], ", ".join(r["aliases"][:4]),
                  "; ".join(f"{x['type']} {x['target']}" for x in r["relations"][:4]))
    Console(soft_wrap=True).print(t)


@app.command()
def actor(name: str = typer.Argument(..., help="an actor's name, alias or former name"), db: Optional[str] = DbOpt,
          extra: Optional[List[Path]] = ActorsOpt) -> None:
    """One actor: aliases, relations over time, proposals about it and its events."""
    from .actors.registry import Registry
    from .actors.views import actor_detail
    from .filters import actor_names
    reg = Registry.load(_existing(extra, "actor registry file"))
    info = actor_detail(reg, name)
    if info is None:
        fail(f"no actor named {name!r} in the registry", 1)
    store = _store(db)
    info["events"] = [json.loads(e.model_dump_json()) for e in store.events(actor=actor_names(reg, info["name"]))]
    info["proposals"] = [p for p in store.proposals() if info["name"] in (p.get("subject"), p.get("object"))]
    print(json.dumps(info, indent=1, ensure_ascii=False))


@app.command()
def proposals(db: Optional[str] = DbOpt,
              accept: Optional[int] = typer.Option(None, help="accept proposal ID into the --to registry file"),
              reject: Optional[int] = typer.Option(None, help="reject proposal ID"),
              to: Path = typer.Option(Path("actors.local.yaml"), help="user registry file accepted proposals go to"),
              extra: Optional[List[Path]] = ActorsOpt) -> None:
    """What the text taught (new actors, aliases, relations, membership changes, each with evidence);
    accept or reject one.  Accepted ones are written to a registry file you pass with --actors."""
    store = _store(db)
    if accept is None and reject is None:
        found = store.proposals()
        for p in found:
            print(json.dumps(p, ensure_ascii=False))
        if not found:
            typer.echo("none", err=True)
        return
    pid = accept if accept is not None else reject
    current = next((p for p in store.proposals() if p["id"] == pid), None)
    if current is None:
        fail(f"no proposal {pid}", 1)
    if reject is not None:
        store.set_proposal_status(pid, "rejected")
        err.print(f"proposal {pid} rejected")
        return
    from .actors.learn import accept_into
    from .actors.registry import Registry
    from .records import Proposal
    prop = Proposal.model_validate({k: v for k, v in current.items() if k not in ("id", "doc_id")})
    entry = accept_into(prop, Registry.load(_existing(extra, "actor registry file")), to)
    store.set_proposal_status(pid, "accepted")
    err.print(f"proposal {pid} accepted into {to}: {entry['id']}")


@app.command()
def places(unresolved: bool = typer.Option(False, "--unresolved", help="names the gazetteer could not place"),
           db: Optional[str] = DbOpt) -> None:
    """Places of stored events, or (--unresolved) the names that could not be placed, with their sentence."""
    store = _store(db)
    if unresolved:
        for u in store.unresolved():
            print(f"{u['name']}\t{u['doc_id']}\t{u['sentence']}")
        return
    seen = {}
    for e in store.events():
        seen.setdefault(e.place_id or e.location, e)
    for e in seen.values():
        print(f"{e.location}\t{e.place_id or '-'}\t{e.admin1}\t{e.latitude}\t{e.longitude}\tprecision {e.geo_precision}")


gazetteer_app = typer.Typer(no_args_is_help=True, help="Load or fetch GeoNames dumps into the store's gazetteer.")
app.add_typer(gazetteer_app, name="gazetteer")


@gazetteer_app.command("load")
def gazetteer_load(dump: Path = typer.Argument(..., help="SY.txt/SY.zip, cities500.txt, allCountries.zip, ..."),
                   admin1: Optional[Path] = typer.Option(None, help="admin1CodesASCII.txt (found beside the dump if omitted)"),
                   alternate_names: Optional[Path] = typer.Option(None, "--alternate-names", help="alternateNamesV2.txt or alternatenames/CC.zip"),
                   country: Optional[str] = typer.Option(None, help="keep only this country code"),
                   db: Optional[str] = DbOpt) -> None:
    """Load a GeoNames dump (rows are added on top of the built-in gazetteer)."""
    import time

    _existing([dump] + [p for p in (admin1, alternate_names) if p], "file")
    from .places.geonames import load_dump
    t0 = time.perf_counter()
    n = load_dump(_store(db, must_exist=False), dump, admin1, alternate_names, country)
    err.print(f"loaded {n} place(s) from {dump} in {time.perf_counter() - t0:.1f} s")


@gazetteer_app.command("fetch")
def gazetteer_fetch(codes: List[str] = typer.Argument(..., help="country codes (SY IQ ...) or cities500, allCountries"),
                    dest: Path = typer.Option(Path("geonames"), help="download folder"),
                    base_url: str = typer.Option("https://download.geonames.org/export/dump/", help="mirror URL"),
                    load: bool = typer.Option(True, help="load the downloaded dumps into the store"),
                    db: Optional[str] = DbOpt) -> None:
    """Download GeoNames dumps (needs the internet) and load them."""
    from .places.geonames import FetchError, fetch, load_dump
    try:
        files = fetch(codes, dest, base_url=base_url)
    except (FetchError, ValueError) as e:
        fail(str(e), 1)
    for f in files:
        err.print(f"downloaded {f}")
    if load:
        store = _store(db, must_exist=False)
        for f in files:
            if f.parent == dest and f.name not in ("admin1CodesASCII.txt",) and f.suffix in (".zip", ".txt"):
                err.print(f"loaded {load_dump(store, f)} place(s) from {f.name}")


@app.command()
def failures(db: Optional[str] = DbOpt) -> None:
    """Pages that could not be ingested, with the reason."""
    found = False
    for f in _store(db).iter_failures():
        found = True
        print(f"{f['at']}  {f['path']}: {f['error']}")
    if not found:
        print("none")


@app.command()
def evaluate(gold: Path = typer.Argument(..., help="the annotated sample (gold JSON: documents, events, not_events, actors)"),
             pred: Path = typer.Argument(..., help="predicted events as JSON Lines (extract/events --format jsonl)"),
             as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
             pages: Optional[Path] = typer.Option(None, "--pages", help="folder of the pages (<doc id>.txt): "
                                                  "evidence after a document's article_ends_before is a leak")) -> None:
    """Score predicted events against an annotated sample: precision, recall, F1, leaks, field accuracy."""
    from .evaluate import EvaluationError, evaluate_files, print_report
    if pages is not None and not pages.is_dir():
        fail(f"no such folder: {pages}")
    try:
        result = evaluate_files(gold, pred, pages)
    except EvaluationError as e:
        fail(str(e))
    if as_json:
        print(json.dumps(result.to_dict(), indent=1, ensure_ascii=False))
        return
    from rich.console import Console
    print_report(result, Console(soft_wrap=True, highlight=False), label=pred.name)


@app.command()
def forget(doc_ids: List[str] = typer.Argument(..., help="ids of stored documents (see `frontlines show`)"),
           db: Optional[str] = DbOpt) -> None:
    """Remove stored documents and everything derived from them (events, reviews, proposals, reposts)."""
    store = _store(db)
    missing = [d for d in doc_ids if not store.forget(d)]
    for d in doc_ids:
        if d not in missing:
            err.print(f"forgot {d}", highlight=False, markup=False)
    if missing:
        err.print(f"no document {', '.join(map(repr, missing))} in {store.url}", highlight=False, markup=False)
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
