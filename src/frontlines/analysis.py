"""Views over the store shared by the CLI and the API: merged events and the control timeline.

Reposts are found at ingest (MinHash/LSH, stored), never recomputed pairwise here; merging is
indexed by place, so one view costs time linear in the stored events.  Views are recomputed only
when the store's view state moved: its generation (bumped by every write of documents or events)
and its reviews (main applies reviews in every view).  The merged view of the whole store is kept
in the store itself (store/views.py; an ingest refreshes it as it ends), so another process reads
it instead of merging again; and every view is cached in this process, so a busy API answers from
memory between ingests.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from sqlalchemy.exc import SQLAlchemyError

from .control import ControlTimeline, build_timeline
from .gcpause import paused
from .merge import MergeResult, merge_events
from .records import Event
from .store import Store

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_COMPUTE = threading.RLock()  # one thread computes a stale view; the others wait for it, not redo it
_CACHE: "OrderedDict[tuple, object]" = OrderedDict()
_MAX = 32


def cached(store: Store, key: tuple, make):
    """``make()``, computed once per store generation and ``key`` (a small LRU shared by the process)."""
    full = (store.url, store.view_state(), *key)
    with _LOCK:
        if full in _CACHE:
            _CACHE.move_to_end(full)
            return _CACHE[full]
    with _COMPUTE:
        with _LOCK:
            if full in _CACHE:
                return _CACHE[full]
        value = make()
    with _LOCK:
        _CACHE[full] = value
        while len(_CACHE) > _MAX:
            _CACHE.popitem(last=False)
    return value


def peek(store: Store, key: tuple):
    """The cached view for ``key`` if it is current, else None (never computes: safe on an event loop)."""
    full = (store.url, store.view_state(), *key)
    with _LOCK:
        return _CACHE.get(full)


def reposts(store: Store) -> list[tuple[str, str, float]]:
    """Near-duplicate pages (original, repost, similarity), as found at ingest."""
    def make():
        store.index_missing_signatures()  # documents stored before signatures existed, once
        return store.reposts()
    return cached(store, ("reposts",), make)


def kept_key(filters: dict) -> str | None:
    """The kept view (store/views.py) that answers ``filters``: only the whole store, reviewed or raw."""
    if any(v is not None and v is not False for k, v in filters.items() if k != "raw"):
        return None
    return "merged-raw" if filters.get("raw") else "merged"


def _compute_merged(store: Store, filters: dict) -> MergeResult:
    reposts_ = reposts(store)
    result = merge_events(store.events(**filters), reposts_)
    result.links += [{"kept": a, "absorbed": b, "reason": f"near-duplicate page (similarity {s})"}
                     for a, b, s in reposts_]
    return result


def merged(store: Store, **filters) -> MergeResult:
    """Events merged across pages (merge/core.py).  For the whole store the view kept in the store is
    read when it is current, and computed and kept when it is not (``refresh``)."""
    kept = kept_key(filters)

    def make() -> MergeResult:
        if kept is None:
            return _compute_merged(store, filters)
        state = store.view_state()  # before reading: a store that moves meanwhile is not kept as this state
        with paused():  # its rows, then its events, while the rows stay alive: gcpause.py
            rows = store.kept_rows(kept, state)
            if rows is not None:
                events = [Event.model_validate_json(d) for _, d in rows]
                del rows
                return MergeResult(events, store.view_links(kept))
        result = _compute_merged(store, filters)
        _keep(store, kept, state, result)
        return result
    key = ("merged", *sorted((k, str(sorted(v)) if isinstance(v, (set, frozenset)) else str(v))
                             for k, v in filters.items() if v is not None and v is not False))
    return cached(store, key, make)


def _keep(store: Store, key: str, state: tuple, result: MergeResult) -> None:
    try:
        store.save_view(key, state, result.events, result.links)
    except SQLAlchemyError as e:  # a read-only or busy store: the view is computed again next time
        log.warning("merged view not kept in the store (%s)", str(e).splitlines()[0])


def refresh(store: Store) -> None:
    """Compute and keep the merged view of the whole store if it is not current (the end of an
    ingest calls this, so that readers find it ready)."""
    merged(store)


def territorial_events(store: Store, raw: bool = False) -> list[Event]:
    """The merged territorial events the control timeline is built from: read alone from a current
    kept view, else taken from the merged view (computed, and kept, for the purpose)."""
    key = kept_key({"raw": raw})

    def make() -> list[Event]:
        with paused():
            rows = store.kept_rows(key, store.view_state(), territorial=True)
            if rows is not None:
                return [Event.model_validate_json(d) for _, d in rows]
        return [e for e in merged(store, raw=raw).events if e.territorial and not e.regional()]
    return cached(store, ("territorial", bool(raw)), make)


def timeline(store: Store, raw: bool = False) -> ControlTimeline:
    """Control from the reviewed events (corrections applied, rejected ones left out), or ``raw``."""
    return cached(store, ("timeline", bool(raw)),
                  lambda: build_timeline(territorial_events(store, raw), store.control_statements()))
