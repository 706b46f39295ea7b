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
        for doc, ex in zip(docs, pipeline.run_safe(docs)):
            if isinstance(ex, Exception):  # one page the extractor cannot handle does not end the run
                from rich.markup import escape
                err.print(f"[red]error[/red] {escape(doc.id)}: extraction failed: {ex.__class__.__name__}: "
                          f"{escape(' '.join(str(ex).split())[:160])}", highlight=False)
                failed += 1
                continue
            events += ex.events
    write_events(events, fmt, out=None if out else sys.stdout, path=str(out) if out else None)
    if failed and not docs:
        raise typer.Exit(1)


@app.command()
def ingest(paths: List[Path] = typer.Argument(..., help="files or folders of pages"),
           published: Optional[str] = typer.Option(None, help="publication date YYYY-MM-DD for pages without one"),
           db: Optional[str] = DbOpt, actors: Optional[List[Path]] = ActorsOpt,
           workers: Optional[int] = typer.Option(None, help="worker processes on this machine (default: up to 2)"),
           dask: Optional[str] = typer.Option(None, "--dask", help="run on Dask: 'processes' or a scheduler address "
                                                                     "tcp://host:8786 (pages on shared storage)")) -> None:
    """Store pages (raw bytes kept) and their events; bad pages are recorded and skipped."""
    store = Store(db)
    if dask:
        from .scale import extract_on_dask, store_results
        stored, dups, fails = store_results(extract_on_dask(expand(paths), dask, published=_date(published, "--published")),
                                            store)
        err.print(f"stored {stored} document(s) on Dask ({dask}); {dups} duplicate(s), {fails} failure(s)  [{store.url}]")
        return
    report = ingest_paths(paths, store, _pipeline_factory(actors, store), _date(published, "--published"), err,
                          workers=workers)
    err.print(f"stored {len(report.stored)} document(s) with {report.events} event(s); "
              f"{len(report.duplicates)} duplicate(s), {report.n_failed} failure(s)  [{store.url}]")


@app.command()
def events(merge: bool = typer.Option(False, "--merged", help="merge the same event reported by several pages"),
           fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv, geojson or parquet"),
           out: Optional[Path] = typer.Option(None, "--out"), db: Optional[str] = DbOpt,
           start: Optional[str] = typer.Option(None, "--from"), end: Optional[str] = typer.Option(None, "--to"),
           event_type: Optional[str] = typer.Option(None, "--type"), actor: Optional[str] = None,
           place: Optional[str] = None) -> None:
    """Print stored events."""
    _check_format(fmt)
    filters = dict(start=_date(start, "--from"), end=_date(end, "--to"), event_type=event_type, actor=actor,
                   place=place)
    if merge:
        from .analysis import merged
        evs = merged(Store(db), **filters).events
    else:
        evs = Store(db).events(**filters)
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
def control(at: str = typer.Option(..., "--at", help="date YYYY-MM-DD"), db: Optional[str] = DbOpt,
            fmt: str = typer.Option("jsonl", "--format", help="jsonl or geojson")) -> None:
    """Who held each place on a date (one row per place, with the evidence)."""
    from .analysis import timeline
    rows = timeline(Store(db)).at(_date(at, "--at"))
    if fmt == "geojson":
        feats = [{"type": "Feature", "geometry": None if r["latitude"] is None else
                  {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}, "properties": r} for r in rows]
        print(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False))
    elif fmt == "jsonl":
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
    else:
        raise typer.BadParameter("choose jsonl or geojson", param_hint="--format")


@app.command()
def changes(start: str = typer.Option(..., "--from"), end: str = typer.Option(..., "--to"),
            db: Optional[str] = DbOpt) -> None:
    """Changes of control between two dates, with their evidence."""
    from .analysis import timeline
    for r in timeline(Store(db)).between(_date(start, "--from"), _date(end, "--to")):
        print(json.dumps(r, ensure_ascii=False))


@app.command()
def serve(db: Optional[str] = DbOpt, host: str = "127.0.0.1", port: int = 8000,
          token: Optional[str] = typer.Option(None, envvar="FRONTLINES_TOKEN", help="edit token for reviews")) -> None:
    """Serve the REST API (/docs) and the analyst's map page."""
    import secrets

    import uvicorn

    from .serve import create_app
    token = token or secrets.token_urlsafe(12)
    err.print(f"frontlines on http://{host}:{port}/  (API docs /docs; edit token: {token})")
    uvicorn.run(create_app(db, token), host=host, port=port, log_level="warning")


@app.command()
def actors(at: Optional[str] = typer.Option(None, "--at", help="relations as of this date"),
           fmt: str = typer.Option("table", "--format", help="table or json"),
           extra: Optional[List[Path]] = ActorsOpt) -> None:
    """Actors with aliases and relations as of a date."""
    from .actors.registry import Registry
    from .actors.views import actors_at
    rows = actors_at(Registry.load(list(extra or [])), _date(at, "--at"))
    if fmt == "json":
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    from rich.table import Table
    t = Table("name", "inter", "type", "aliases", "relations")
    for r in rows:
        t.add_row(r["name_at_date"], str(r["inter"]), r["type"], ", ".join(r["aliases"][:4]),
                  "; ".join(f"{x['type']} {x['target']}" for x in r["relations"][:4]))
    Console(soft_wrap=True).print(t)


@app.command()
def actor(name: str, db: Optional[str] = DbOpt, extra: Optional[List[Path]] = ActorsOpt) -> None:
    """One actor: aliases, relations over time, proposals about it and its events."""
    from .actors.registry import Registry
    from .actors.views import actor_detail
    reg = Registry.load(list(extra or []))
    info = actor_detail(reg, name)
    if info is None:
        err.print(f"no actor named {name!r} in the registry")
        raise typer.Exit(1)
    store = Store(db)
    info["events"] = [json.loads(e.model_dump_json()) for e in store.events(actor=info["name"])]
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
    store = Store(db)
    if accept is None and reject is None:
        for p in store.proposals():
            print(json.dumps(p, ensure_ascii=False))
        return
    pid = accept if accept is not None else reject
    current = next((p for p in store.proposals() if p["id"] == pid), None)
    if current is None:
        err.print(f"no proposal {pid}")
        raise typer.Exit(1)
    if reject is not None:
        store.set_proposal_status(pid, "rejected")
        err.print(f"proposal {pid} rejected")
        return
    from .actors.learn import accept_into
    from .actors.registry import Registry
    from .records import Proposal
    prop = Proposal.model_validate({k: v for k, v in current.items() if k not in ("id", "doc_id")})
    entry = accept_into(prop, Registry.load(list(extra or [])), to)
    store.set_proposal_status(pid, "accepted")
    err.print(f"proposal {pid} accepted into {to}: {entry['id']}")


@app.command()
def places(unresolved: bool = typer.Option(False, "--unresolved", help="names the gazetteer could not place"),
           db: Optional[str] = DbOpt) -> None:
    """Places of stored events, or (--unresolved) the names that could not be placed, with their sentence."""
    store = Store(db)
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

    from .places.geonames import load_dump
    t0 = time.perf_counter()
    n = load_dump(Store(db), dump, admin1, alternate_names, country)
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
        err.print(f"[red]error[/red] {e}", highlight=False)
        raise typer.Exit(1) from None
    for f in files:
        err.print(f"downloaded {f}")
    if load:
        store = Store(db)
        for f in files:
            if f.parent == dest and f.name not in ("admin1CodesASCII.txt",) and f.suffix in (".zip", ".txt"):
                err.print(f"loaded {load_dump(store, f)} place(s) from {f.name}")


@app.command()
def failures(db: Optional[str] = DbOpt) -> None:
    """Pages that could not be ingested, with the reason."""
    for f in Store(db).iter_failures():
        print(f"{f['at']}  {f['path']}: {f['error']}")


@app.command()
def forget(doc_ids: List[str] = typer.Argument(..., help="ids of stored documents (see `frontlines show`)"),
           db: Optional[str] = DbOpt) -> None:
    """Remove stored documents and everything derived from them (events, reviews, proposals, reposts)."""
    store = Store(db)
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
