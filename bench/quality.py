"""Extraction quality on an annotated sample, with and without a village-level gazetteer.

    python bench/quality.py GOLD PAGES_DIR [--gazetteer DUMP] [--published-from MANIFEST] [--json]
    python bench/quality.py --sets [--gazetteer DUMP]

The first form runs the pipeline on the pages in PAGES_DIR (each page's publication date from the
gold's ``documents[id].published``, or from a manifest's ``pages[].published``), scores the events
with ``frontlines.evaluate`` and prints the table; with ``--gazetteer`` the same pages are run a
second time with that GeoNames dump on top of the built-in gazetteer, and both columns are shown.

``--sets`` does this for the development sets ``../shared/corpus/syria`` and ``../shared/corpus/world``,
with their pages at ``/tmp/frontlines-dev/<set>/<id>.txt`` (``$FRONTLINES_DEV`` for another folder; missing
pages are skipped and listed, and their gold still counts as missed), and the gazetteer
``../shared/data/gazetteer/SY.txt`` unless ``--gazetteer`` names another.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from rich.console import Console

from frontlines.batch import expand
from frontlines.evaluate import load_gold, print_report, score, summary_table
from frontlines.ingest import IngestError, ingest_path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTLINES_SHARED", ROOT.parent / "shared"))
SETS = ("syria", "world")


def published_dates(gold: dict, manifest: Path | None = None) -> dict[str, date | None]:
    out = {}
    for doc_id, meta in (gold.get("documents") or {}).items():
        out[doc_id] = (meta or {}).get("published")
    if manifest:
        for page in json.loads(Path(manifest).read_text()).get("pages", []):
            if page.get("id"):
                out[page["id"]] = page.get("published")
    return {k: date.fromisoformat(v) if v else None for k, v in out.items()}


def documents(paths, published: dict[str, date | None], warn=None) -> list:
    """The Documents of ``paths`` (files or folders); a file named after a gold document gets its date."""
    docs = []
    for path in expand([Path(p) for p in paths]):
        for item in ingest_path(path, published.get(path.stem)):
            if isinstance(item, IngestError):
                if warn:
                    warn(f"{path}: {item}")
                continue
            docs.append(item)
    return docs


def predict(pipeline, docs) -> list[dict]:
    """The pipeline's events for ``docs`` as the JSON Lines records ``frontlines extract`` writes."""
    return [json.loads(e.model_dump_json()) for ex in pipeline.run(docs) for e in ex.events]


def page_texts(docs, paths) -> dict[str, str]:
    """Raw page text by document id (for the scorer's 'outside the article' check)."""
    out = {}
    for p in paths:
        p = Path(p)
        if p.is_file() and p.suffix in (".txt", ".md", ".html", ".htm"):
            out[p.stem] = p.read_text(encoding="utf-8", errors="replace")
    return out


class Runner:
    """One pipeline per gazetteer configuration, built on first use and kept."""

    def __init__(self, gazetteer: Path | None):
        self.gazetteer = gazetteer
        self._pipelines: dict[bool, object] = {}

    def pipeline(self, with_gazetteer: bool):
        if with_gazetteer not in self._pipelines:
            from frontlines.pipeline import Pipeline
            extra = []
            if with_gazetteer:
                from frontlines.places.geonames import read_places
                extra = list(read_places(self.gazetteer))
            self._pipelines[with_gazetteer] = Pipeline(extra_places=extra)
        return self._pipelines[with_gazetteer]

    def configs(self) -> list[bool]:
        return [False, True] if self.gazetteer else [False]

    def label(self, with_gazetteer: bool) -> str:
        return f"+ {self.gazetteer.name}" if with_gazetteer else "built-in"


def run_set(runner: Runner, gold_path: Path, paths: list[Path], manifest: Path | None, console) -> list:
    gold = load_gold(gold_path)
    docs = documents(paths, published_dates(gold, manifest), warn=lambda m: console.print(f"[yellow]{m}[/yellow]"))
    pages = page_texts(docs, [p for p in expand(paths)])
    rows = []
    for g in runner.configs():
        t0 = time.perf_counter()
        result = score(gold, predict(runner.pipeline(g), docs), pages)
        rows.append((runner.label(g), result, time.perf_counter() - t0))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", nargs="?", type=Path)
    ap.add_argument("pages", nargs="?", type=Path, help="folder (or file) of pages named <doc id>.txt")
    ap.add_argument("--gazetteer", type=Path, help="a GeoNames dump (SY.txt, SY.zip) for the second run")
    ap.add_argument("--published-from", type=Path, help="manifest.json with pages[].id and published")
    ap.add_argument("--sets", action="store_true", help="the development sets in ../shared/corpus")
    ap.add_argument("--details", action="store_true", help="also list missed gold ids and false events")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    a = ap.parse_args(argv)
    console = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, highlight=False)
    for p, what in ((a.gazetteer, "gazetteer dump"), (a.published_from, "manifest")):
        if p and not p.is_file():
            err.print(f"error: no such {what}: {p}")
            return 2
    out: dict[str, list] = {}
    if a.sets:
        gaz = a.gazetteer or SHARED / "data" / "gazetteer" / "SY.txt"
        runner = Runner(gaz if gaz.is_file() else None)
        dev = Path(os.environ.get("FRONTLINES_DEV", "/tmp/frontlines-dev"))
        for name in SETS:
            corpus = SHARED / "corpus" / name
            if not (corpus / "gold.json").is_file():
                err.print(f"skipped {name}: no {corpus / 'gold.json'}")
                continue
            folder = dev / name
            ids = sorted(json.loads((corpus / "gold.json").read_text())["documents"])
            paths = [folder / f"{i}.txt" for i in ids if (folder / f"{i}.txt").is_file()]
            missing = [i for i in ids if not (folder / f"{i}.txt").is_file()]
            if missing:
                err.print(f"{name}: not retrieved (skipped, their gold counts as missed): {' '.join(missing)}")
            if not paths:
                continue
            manifest = corpus / "manifest.json"
            out[name] = run_set(runner, corpus / "gold.json", paths, manifest if manifest.is_file() else None, console)
    else:
        if not a.gold or not a.pages:
            ap.error("give GOLD and PAGES_DIR, or --sets")
        for p in (a.gold, a.pages):
            if not p.exists():
                err.print(f"error: no such file or folder: {p}")
                return 2
        runner = Runner(a.gazetteer)
        out[a.gold.stem] = run_set(runner, a.gold, [a.pages], a.published_from, console)
    if a.json:
        print(json.dumps({s: [{"run": label, "seconds": round(sec, 1), **r.to_dict()} for label, r, sec in rows]
                          for s, rows in out.items()}, indent=1, ensure_ascii=False))
        return 0
    table_rows = [(f"{s} {label}", r) for s, rows in out.items() for label, r, _ in rows]
    console.print(summary_table(table_rows, title="extraction quality (frontlines.evaluate)"))
    if a.details:
        for s, rows in out.items():
            for label, r, _ in rows:
                console.rule(f"{s} {label}")
                print_report(r, console, f"{s} {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
