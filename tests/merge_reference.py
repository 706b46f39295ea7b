"""The merge as it was before its indexes (a scan of every kept event): the reference that
test_merge_index.py holds the indexed merge_events to, on generated events."""
from __future__ import annotations

from frontlines.merge.core import MergeResult, _absorb, _actors_agree, _close, _place_key, _same_kind
from frontlines.names import fold
from frontlines.records import Event


def reference_merge(events: list[Event], reposts: list[tuple[str, str, float]] = ()) -> MergeResult:
    evs = sorted((e.model_copy(deep=True) for e in events),
                 key=lambda e: (e.geo_precision or 9, e.time_precision, e.event_date, e.event_id))
    repost_of = {b: (a, s) for a, b, s in reposts}
    kept: list[Event] = []
    links: list[dict] = []
    regional: list[Event] = []
    for e in evs:
        if e.regional():
            regional.append(e)
            continue
        match = None
        for k in kept:
            if k.evidence[0].doc_id == e.evidence[0].doc_id and not any(
                    ev.doc_id != e.evidence[0].doc_id for ev in k.evidence):
                continue  # within one page, extraction already merged same place and day
            if _place_key(k) == _place_key(e) and _same_kind(k, e) and _close(k, e) and _actors_agree(k, e):
                match = k
                break
        if match is None:
            kept.append(e)
            continue
        doc = e.evidence[0].doc_id
        why = (f"repost of {repost_of[doc][0]} (similarity {repost_of[doc][1]})" if doc in repost_of else
               f"same place ({e.location}), {e.event_date} within {abs((e.event_date - match.event_date).days)} day(s), "
               f"same actor ({e.actor1})")
        _absorb(match, e, f"{e.event_id} from {doc}: {why}")
        links.append({"kept": match.event_id, "absorbed": e.event_id, "reason": why})
    for r in regional:
        inside = [k for k in kept if k.admin1 and k.admin1 == r.admin1 and k.evidence[0].doc_id != r.evidence[0].doc_id
                  and _same_kind(k, r) and k.actor1 == r.actor1 and (not r.actor2 or not k.actor2 or k.actor2 == r.actor2)
                  and _close(k, r)]
        if not inside:
            # another regional report of the same thing?
            twin = next((k for k in kept if fold(k.location) == fold(r.location) and _same_kind(k, r)
                         and _close(k, r) and k.actor1 == r.actor1), None)
            if twin is None:
                kept.append(r)
                continue
            inside = [twin]
        why = f"region-level report '{r.location}' corroborates {len(inside)} event(s) there"
        for k in inside:
            _absorb(k, r, f"{r.event_id} from {r.evidence[0].doc_id}: {why}")
            links.append({"kept": k.event_id, "absorbed": r.event_id, "reason": why})
    kept.sort(key=lambda e: (e.event_date, e.event_id))
    return MergeResult(kept, links)
