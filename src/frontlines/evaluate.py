"""Score predicted events against an analyst's annotated sample (a "gold" file).

Predictions are JSON Lines with ACLED field names and ``evidence: [{doc_id, start, end, text}]``,
as ``frontlines extract --format jsonl`` and ``frontlines events --format jsonl`` write them.
The gold file has the layout of the project's reference annotations: ``documents`` (id ->
``published``, ``article_ends_before``, ...), ``events`` (``id``, ``doc``, ``required``,
``event_type`` and ``sub_event_type`` lists, ``actor1``, ``actor2`` list, ``place`` list of
spellings, ``admin1``, optional ``lat``/``lon``/``tol_km``, ``date_window``, optional
``fatalities``, ``evidence`` text or list of texts), ``not_events`` (sentences that report no
event) and ``actors`` (``name`` with ``aliases`` and ``formerly``).

A prediction matches a gold event when

- it is about the same document (the evidence's ``doc_id``; a path or URL counts by its last
  part without extension, so ``pages/s01.txt`` and ``s01`` are the same document),
- its ``event_type`` is one of the gold's,
- its ``event_date`` lies in the gold's window widened by one day on each side,
- its place agrees: where the gold has ``lat``/``lon`` and the prediction has coordinates, they
  lie within ``tol_km`` of each other (a right name resolved to a namesake 100 km away is the wrong
  place; this is how ``shared/tools/score_events.py`` behaves too); otherwise the folded location
  name (``frontlines.names.fold``) equals one of the gold spellings, one contains the other as
  whole words, or they are at least 85 similar (rapidfuzz ratio),
- and its evidence overlaps the gold evidence: a common stretch of at least 20 characters
  (whitespace and case aside), or the whole of a shorter gold evidence.

Pairs are made greedily and one to one: required gold events first, in file order, each taking
the candidate prediction that agrees on the most coded fields (the first one on a tie).
Required events count for recall; a prediction matched to an optional event is neutral (it
counts neither for nor against precision).  Every other prediction is a false event; a false
event whose evidence is a ``not_events`` sentence, or lies after the document's
``article_ends_before`` marker (when the page texts are given), is also a leak.

    precision = required found / (predictions - those matched to optional events)
    recall    = required found / required

Field accuracy is measured over all matched pairs: sub_event_type (one of the gold's), actor1 and
actor2 (the same actor once the gold's aliases are applied; no actor2 on both sides is right),
admin1 (folded), coordinates within 5 km (pairs whose gold has lat/lon), fatalities (pairs whose
gold has fatalities) and the date exactly inside the gold window.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Iterable, Mapping

from rapidfuzz import fuzz

from .names import fold

FIELDS = ("sub_event_type", "actor1", "actor2", "admin1", "coordinates", "fatalities", "date")
MIN_OVERLAP = 20
PLACE_SIMILARITY = 85
COORD_KM = 5.0
_EXT = re.compile(r"\.(txt|md|markdown|html?|json|jsonl|xml|rss|atom|warc(\.gz)?)$", re.I)
_YEARS = re.compile(r"\s*\(\d{4}-\d{0,4}\)\s*$")


class EvaluationError(ValueError):
    """A gold or prediction file that cannot be read; the message says which and why."""


@dataclass
class FieldScore:
    correct: int = 0
    of: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.of if self.of else None


@dataclass
class Result:
    predicted: int
    required: int
    found: int
    optional_matched: int
    false_events: int
    leaks: int
    precision: float
    recall: float
    f1: float
    fields: dict[str, FieldScore]
    missed: list[str] = field(default_factory=list)
    false: list[dict[str, Any]] = field(default_factory=list)
    matches: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fields"] = {k: {"correct": v.correct, "of": v.of, "accuracy": v.accuracy} for k, v in self.fields.items()}
        d["matches"] = [{"gold": g, "prediction": p} for g, p in self.matches]
        return d


# -- reading -----------------------------------------------------------------------------------

def load_gold(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(f"no such gold file: {path}")
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EvaluationError(f"gold file {path} is not JSON: {e}") from None
    if not isinstance(gold, dict) or not isinstance(gold.get("events"), list):
        raise EvaluationError(f"gold file {path} has no 'events' list")
    for i, ev in enumerate(gold["events"]):
        missing = [k for k in ("id", "doc", "event_type", "date_window") if k not in ev] if isinstance(ev, dict) else ["all"]
        if missing:
            raise EvaluationError(f"gold file {path}: event {i + 1} lacks {', '.join(missing)}")
    return gold


def load_predictions(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(f"no such prediction file: {path}")
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise EvaluationError(f"prediction file {path} is not UTF-8 text: {e}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise EvaluationError(f"prediction file {path}, line {n}: not JSON ({e.msg})") from None
        if not isinstance(rec, dict):
            raise EvaluationError(f"prediction file {path}, line {n}: not an event object")
        out.append(rec)
    return out


def read_pages(folder: str | Path, gold: Mapping[str, Any]) -> dict[str, str]:
    """The page texts of the gold's documents found in ``folder`` (``<id>.*``), for the leak check."""
    folder = Path(folder)
    pages = {}
    for doc_id in gold.get("documents", {}):
        for p in sorted(folder.glob(f"{doc_id}.*")):
            if p.suffix in (".txt", ".md", ".html", ".htm"):
                pages[doc_id] = p.read_text(encoding="utf-8", errors="replace")
                break
    return pages


# -- small comparisons -------------------------------------------------------------------------

def doc_key(doc_id: str, known: Iterable[str] = ()) -> str:
    doc_id = str(doc_id or "")
    if doc_id in set(known):
        return doc_id
    return _EXT.sub("", doc_id.rstrip("/").split("/")[-1])


def _evidence(pred: Mapping[str, Any]) -> list[dict[str, Any]]:
    ev = pred.get("evidence") or []
    if isinstance(ev, dict):
        ev = [ev]
    return [e for e in ev if isinstance(e, dict)]


def _squash(text: str) -> str:
    return " ".join(str(text or "").replace("’", "'").replace("‘", "'").split()).lower()


def overlaps(a: str, b: str) -> bool:
    """Texts that share MIN_OVERLAP characters in a row (or all of the shorter one)."""
    a, b = _squash(a), _squash(b)
    if not a or not b:
        return False
    need = min(MIN_OVERLAP, len(a), len(b))
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= need


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = math.radians
    a = math.sin(r(lat2 - lat1) / 2) ** 2 + math.cos(r(lat1)) * math.cos(r(lat2)) * math.sin(r(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _distance(g: Mapping[str, Any], p: Mapping[str, Any]) -> float | None:
    try:
        if g.get("lat") is None or g.get("lon") is None or p.get("latitude") is None or p.get("longitude") is None:
            return None
        return km(float(g["lat"]), float(g["lon"]), float(p["latitude"]), float(p["longitude"]))
    except (TypeError, ValueError):
        return None


def same_name(a: str, b: str) -> bool:
    fa, fb = fold(a or ""), fold(b or "")
    if not fa or not fb:
        return False
    if fa == fb or f" {fa} " in f" {fb} " or f" {fb} " in f" {fa} ":
        return True
    return fuzz.ratio(fa, fb) >= PLACE_SIMILARITY


def _as_list(v: Any) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


class Actors:
    """Actor names to one key per actor, from the gold's ``actors`` (name, aliases, former names)."""

    def __init__(self, entries: Iterable[Mapping[str, Any]]):
        self.key: dict[str, str] = {}
        for a in entries or []:
            if not isinstance(a, Mapping) or not a.get("name"):
                continue
            canon = self._norm(a["name"])
            for n in [a["name"], *_as_list(a.get("aliases")), *_as_list(a.get("formerly"))]:
                self.key.setdefault(self._norm(n), canon)

    @staticmethod
    def _norm(name: Any) -> str:
        return fold(_YEARS.sub("", str(name or "")), drop_article=False)

    def __call__(self, name: Any) -> str:
        n = self._norm(name)
        return self.key.get(n, n)

    def same(self, gold_names: Iterable[Any], pred: Any) -> bool:
        names = [g for g in gold_names if g]
        if not names:
            return not self(pred)
        return self(pred) in {self(g) for g in names}


# -- matching ----------------------------------------------------------------------------------

def _window(g: Mapping[str, Any]) -> tuple[date | None, date | None]:
    w = _as_list(g.get("date_window"))
    lo = _day(w[0]) if w else None
    hi = _day(w[-1]) if w else None
    return lo, hi


def _matches(g: Mapping[str, Any], p: Mapping[str, Any], p_docs: set[str]) -> bool:
    if g["doc"] not in p_docs:
        return False
    if p.get("event_type") not in _as_list(g.get("event_type")):
        return False
    lo, hi = _window(g)
    d = _day(p.get("event_date"))
    if d is None or lo is None or hi is None or not (lo - timedelta(days=1) <= d <= hi + timedelta(days=1)):
        return False
    dist = _distance(g, p)
    if dist is not None:  # both sides placed: the point decides, so a namesake far away is not the place
        if dist > float(g.get("tol_km") or 0):
            return False
    elif not any(same_name(name, p.get("location") or "") for name in _as_list(g.get("place"))):
        return False
    gold_ev = _as_list(g.get("evidence"))
    return any(overlaps(ge, e.get("text", "")) for ge in gold_ev for e in _evidence(p))


def field_checks(g: Mapping[str, Any], p: Mapping[str, Any], actors: Actors) -> dict[str, bool | None]:
    """Each field right (True), wrong (False) or not annotated in the gold (None)."""
    out: dict[str, bool | None] = {}
    out["sub_event_type"] = p.get("sub_event_type") in _as_list(g.get("sub_event_type"))
    out["actor1"] = actors.same(_as_list(g.get("actor1")), p.get("actor1"))
    out["actor2"] = actors.same(_as_list(g.get("actor2")), p.get("actor2"))
    out["admin1"] = (fold(str(g["admin1"])) == fold(str(p.get("admin1") or ""))) if g.get("admin1") else None
    dist = _distance(g, p)
    out["coordinates"] = None if g.get("lat") is None else (dist is not None and dist <= COORD_KM)
    if g.get("fatalities") is None:
        out["fatalities"] = None
    else:
        try:
            out["fatalities"] = int(p.get("fatalities") or 0) == int(g["fatalities"])
        except (TypeError, ValueError):
            out["fatalities"] = False
    lo, hi = _window(g)
    d = _day(p.get("event_date"))
    out["date"] = d is not None and lo is not None and hi is not None and lo <= d <= hi
    return out


def _leak(p: Mapping[str, Any], docs: set[str], not_events: list[Mapping[str, Any]],
          gold_docs: Mapping[str, Any], pages: Mapping[str, str]) -> bool:
    texts = [e.get("text", "") for e in _evidence(p)]
    for ne in not_events:
        if ne.get("doc") in docs and any(overlaps(ne.get("text", ""), t) for t in texts):
            return True
    for d in docs:
        page, marker = pages.get(d), (gold_docs.get(d) or {}).get("article_ends_before")
        if not page or not marker or marker not in page:
            continue
        end = page.index(marker)
        for t in texts:
            at = page.find(t) if t else -1
            if at < 0:  # the stored article may have re-spaced the line: look for its start
                at = page.find(t[:60].strip()) if len(t.strip()) >= 20 else -1
            if at >= end:
                return True
    return False


def score(gold: Mapping[str, Any], predictions: list[Mapping[str, Any]],
          pages: Mapping[str, str] | None = None) -> Result:
    """Score ``predictions`` (event dicts) against ``gold`` (a loaded gold file)."""
    pages = pages or {}
    known = set(gold.get("documents", {})) | {g["doc"] for g in gold["events"]}
    actors = Actors(gold.get("actors", []))
    p_docs = [{doc_key(e.get("doc_id", ""), known) for e in _evidence(p)} for p in predictions]
    events = list(gold["events"])
    order = [g for g in events if g.get("required", True)] + [g for g in events if not g.get("required", True)]
    taken: dict[int, str] = {}
    matches: list[tuple[str, int]] = []
    fields = {f: FieldScore() for f in FIELDS}
    found = optional = 0
    missed = []
    for g in order:
        best, best_score = None, -1
        for i, p in enumerate(predictions):
            if i in taken or not _matches(g, p, p_docs[i]):
                continue
            s = sum(1 for v in field_checks(g, p, actors).values() if v)
            if s > best_score:
                best, best_score = i, s
        required = g.get("required", True)
        if best is None:
            if required:
                missed.append(g["id"])
            continue
        taken[best] = g["id"]
        matches.append((g["id"], best))
        if required:
            found += 1
        else:
            optional += 1
        for f, ok in field_checks(g, predictions[best], actors).items():
            if ok is not None:
                fields[f].of += 1
                fields[f].correct += int(ok)
    not_events = [n for n in gold.get("not_events", []) if isinstance(n, Mapping)]
    false, leaks = [], 0
    for i, p in enumerate(predictions):
        if i in taken:
            continue
        leak = _leak(p, p_docs[i], not_events, gold.get("documents", {}), pages)
        leaks += leak
        ev = _evidence(p)
        false.append({"index": i, "doc": sorted(p_docs[i])[0] if p_docs[i] else "", "event_date": p.get("event_date"),
                      "sub_event_type": p.get("sub_event_type"), "actor1": p.get("actor1"),
                      "location": p.get("location"), "leak": leak,
                      "evidence": (ev[0].get("text", "") if ev else "")[:160]})
    required_n = sum(1 for g in events if g.get("required", True))
    counted = len(predictions) - optional
    precision = found / counted if counted else 0.0
    recall = found / required_n if required_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Result(predicted=len(predictions), required=required_n, found=found, optional_matched=optional,
                  false_events=len(false), leaks=leaks, precision=precision, recall=recall, f1=f1,
                  fields=fields, missed=missed, false=false, matches=matches)


def evaluate_files(gold_path: str | Path, pred_path: str | Path, pages_dir: str | Path | None = None) -> Result:
    gold = load_gold(gold_path)
    preds = load_predictions(pred_path)
    pages = read_pages(pages_dir, gold) if pages_dir else None
    return score(gold, preds, pages)


# -- display -----------------------------------------------------------------------------------

def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def summary_table(rows: list[tuple[str, Result]], title: str | None = None):
    """Counts, precision/recall/F1 and field accuracies: one column per result, one row per measure."""
    from rich.table import Table
    t = Table(title=title)
    t.add_column("")
    for label, _ in rows:
        t.add_column(label, justify="right")

    def line(name, fn):
        t.add_row(name, *[fn(r) for _, r in rows])
    line("predicted", lambda r: str(r.predicted))
    line("required gold", lambda r: str(r.required))
    line("found", lambda r: str(r.found))
    line("optional matched", lambda r: str(r.optional_matched))
    line("false events", lambda r: str(r.false_events))
    line("leaks", lambda r: str(r.leaks))
    line("precision", lambda r: _pct(r.precision))
    line("recall", lambda r: _pct(r.recall))
    line("F1", lambda r: _pct(r.f1))
    names = {"sub_event_type": "sub-event type", "coordinates": "coordinates ≤ 5 km", "date": "date exact"}
    for f in FIELDS:
        line(names.get(f, f), lambda r, f=f: f"{_pct(r.fields[f].accuracy)} ({r.fields[f].correct}/{r.fields[f].of})")
    return t


def print_report(result: Result, console, label: str = "predictions", details: bool = True) -> None:
    console.print(summary_table([(label, result)]))
    if not details:
        return
    if result.missed:
        console.print(f"missed ({len(result.missed)}): " + ", ".join(result.missed), markup=False)
    if result.false:
        console.print(f"false events ({len(result.false)}):", markup=False)
        for f in result.false:
            console.print(f"  {'LEAK ' if f['leak'] else ''}{f['doc']} {f['event_date']} {f['sub_event_type']}: "
                          f"{f['actor1']} — {f['location']} | {f['evidence']}", markup=False)
