"""Merging events across pages, explainably.

Two events are the same real-world event when they happen at the same place (same
gazetteer id, or the same folded name) within each other's date uncertainty (1 day for
day precision, 7 for week, 31 for month), are of the same kind (territorial changes
together, otherwise the same event type) and their actors agree.  A region-level report
("lost all of its areas in western Aleppo") corroborates the precise events inside that
region with the same winner and loser; it is absorbed into them rather than counted again.
Pages that are near-duplicates (a repost) are linked, and their events merge the same way.
Every merged event lists the events it absorbed and why.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..gcpause import paused
from ..names import fold
from ..records import Event

WINDOW = {1: 1, 2: 7, 3: 31}
TERRITORIAL = {"Non-state actor overtakes territory", "Government regains territory", "Non-violent transfer of territory"}


@dataclass
class MergeResult:
    events: list[Event]
    links: list[dict] = field(default_factory=list)  # {"kept", "absorbed", "reason"}


def _shingles(text: str, n: int = 5) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    return {hash(" ".join(words[i:i + n])) for i in range(max(0, len(words) - n + 1))}


def near_duplicates(articles: dict[str, str], threshold: float = 0.5) -> list[tuple[str, str, float]]:
    """(original, repost, similarity) for pairs of articles sharing most of their 5-word shingles.

    Pairwise, so quadratic: the reference the store's MinHash/LSH index (minhash.py) is tested against;
    ingest and the views use the index."""
    sh = {k: _shingles(v) for k, v in articles.items()}
    ids = list(articles)
    out = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if not sh[a] or not sh[b]:
                continue
            sim = len(sh[a] & sh[b]) / min(len(sh[a]), len(sh[b]))
            if sim >= threshold:
                out.append((a, b, round(sim, 2)))
    return out


def _place_key(e: Event) -> str:
    return e.place_id or fold(e.location)


def _same_kind(a: Event, b: Event) -> bool:
    if a.sub_event_type in TERRITORIAL and b.sub_event_type in TERRITORIAL:
        return True
    return a.event_type == b.event_type


def _bucket(e: Event) -> int:
    return e.event_date.toordinal() // 32  # wider than the widest window (31 days)


def _close(a: Event, b: Event) -> bool:
    slack = max(WINDOW.get(a.time_precision, 1), WINDOW.get(b.time_precision, 1))
    return abs((a.event_date - b.event_date).days) <= slack


def _actors_agree(a: Event, b: Event) -> bool:
    """Same first actor.  The second may differ: pages name the loser at different levels
    (a faction on one page, its coalition on another)."""
    return a.actor1 == b.actor1


def _absorb(kept: Event, other: Event, reason: str) -> None:
    for ev in other.evidence:
        if all((ev.doc_id, ev.start) != (k.doc_id, k.start) for k in kept.evidence):
            kept.evidence.append(ev)
    kept.merged_from.append(other.event_id)
    kept.merge_reason = "; ".join(r for r in (kept.merge_reason, reason) if r)
    srcs = [s for s in (kept.source.split("; ") + other.source.split("; ")) if s]
    kept.source = "; ".join(dict.fromkeys(srcs))
    kept.actor2 = kept.actor2 or other.actor2
    kept.fatalities = max(kept.fatalities, other.fatalities)
    if other.time_precision < kept.time_precision:
        kept.event_date, kept.time_precision = other.event_date, other.time_precision
    kept.confidence = round(min(0.99, kept.confidence + 0.1), 2)


def merge_events(events: list[Event], reposts: list[tuple[str, str, float]] = ()) -> MergeResult:
    with paused():  # copies of every event are built here: gcpause.py
        return _merge(events, reposts)


def _merge(events: list[Event], reposts: list[tuple[str, str, float]]) -> MergeResult:
    # _absorb appends to evidence and merged_from and sets scalars: copies of those lists suffice
    # (a deep copy of every event was two thirds of the cost of merging)
    evs = sorted((e.model_copy(update={"evidence": list(e.evidence), "merged_from": list(e.merged_from)})
                  for e in events),
                 key=lambda e: (e.geo_precision or 9, e.time_precision, e.event_date, e.event_id))
    repost_of = {b: (a, s) for a, b, s in reposts}
    kept: list[Event] = []
    links: list[dict] = []
    regional: list[Event] = []
    # Indexes over `kept`, so a match is looked up, not scanned for: only events at the same place
    # with the same first actor (or, for region-level reports, in the same admin1 or of the same name)
    # within 31 days of each other can merge, so each index is keyed by that and a 32-day bucket of
    # the date, and a lookup reads three buckets.  Among the candidates the earliest kept wins, as in
    # a scan of `kept`.  (Keyed by place alone, a busy front's place gathered every actor's events and
    # each new one was compared with all of them: the merge grew faster than the corpus.)
    pos: dict[int, int] = {}
    by_place: dict[tuple, list[Event]] = defaultdict(list)
    by_admin1: dict[tuple, list[Event]] = defaultdict(list)
    by_name: dict[tuple, list[Event]] = defaultdict(list)

    def keys(ev: Event) -> list[tuple[dict, tuple]]:
        b = _bucket(ev)
        out = [(by_place, ((_place_key(ev), ev.actor1), b)), (by_name, (fold(ev.location), b))]
        if ev.admin1:
            out.append((by_admin1, (ev.admin1, b)))
        return out

    def keep(ev: Event) -> None:
        pos[id(ev)] = len(kept)
        kept.append(ev)
        for index, key in keys(ev):
            index[key].append(ev)

    def near(index: dict, key: str, ev: Event) -> list[Event]:
        b = _bucket(ev)
        found = [k for d in (-1, 0, 1) for k in index.get((key, b + d), ())]
        found.sort(key=lambda k: pos[id(k)])
        return found

    def absorb(k: Event, other: Event, reason: str) -> None:
        before = keys(k)
        _absorb(k, other, reason)
        after = keys(k)
        if before != after:  # a more precise date moved it to another bucket
            for index, key in before:
                lst = index[key]
                del lst[next(i for i, x in enumerate(lst) if x is k)]
            for index, key in after:
                index[key].append(k)

    for e in evs:
        if e.regional():
            regional.append(e)
            continue
        match = None
        for k in near(by_place, (_place_key(e), e.actor1), e):
            if k.evidence[0].doc_id == e.evidence[0].doc_id and not any(
                    ev.doc_id != e.evidence[0].doc_id for ev in k.evidence):
                continue  # within one page, extraction already merged same place and day
            if _place_key(k) == _place_key(e) and _same_kind(k, e) and _close(k, e) and _actors_agree(k, e):
                match = k
                break
        if match is None:
            keep(e)
            continue
        doc = e.evidence[0].doc_id
        why = (f"repost of {repost_of[doc][0]} (similarity {repost_of[doc][1]})" if doc in repost_of else
               f"same place ({e.location}), {e.event_date} within {abs((e.event_date - match.event_date).days)} day(s), "
               f"same actor ({e.actor1})")
        absorb(match, e, f"{e.event_id} from {doc}: {why}")
        links.append({"kept": match.event_id, "absorbed": e.event_id, "reason": why})
    for r in regional:
        inside = [k for k in (near(by_admin1, r.admin1, r) if r.admin1 else ())
                  if k.admin1 and k.admin1 == r.admin1 and k.evidence[0].doc_id != r.evidence[0].doc_id
                  and _same_kind(k, r) and k.actor1 == r.actor1 and (not r.actor2 or not k.actor2 or k.actor2 == r.actor2)
                  and _close(k, r)]
        if not inside:
            # another regional report of the same thing?
            twin = next((k for k in near(by_name, fold(r.location), r) if fold(k.location) == fold(r.location)
                         and _same_kind(k, r) and _close(k, r) and k.actor1 == r.actor1), None)
            if twin is None:
                keep(r)
                continue
            inside = [twin]
        why = f"region-level report '{r.location}' corroborates {len(inside)} event(s) there"
        for k in inside:
            absorb(k, r, f"{r.event_id} from {r.evidence[0].doc_id}: {why}")
            links.append({"kept": k.event_id, "absorbed": r.event_id, "reason": why})
    kept.sort(key=lambda e: (e.event_date, e.event_id))
    return MergeResult(kept, links)
