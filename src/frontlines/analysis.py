"""Views over the store shared by the CLI and the API: merged events and the control timeline.

Reposts are found at ingest (MinHash/LSH, stored), never recomputed pairwise here; merging is
indexed by place, so one view costs time linear in the stored events.  Views are cached per
store and recomputed only when the store's view state moved: its generation (bumped by every write
of documents or events) and its reviews (main applies reviews in every view), so a busy API answers
from memory between ingests.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from .control import ControlTimeline, build_timeline
from .merge import MergeResult, merge_events
from .store import Store

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


def merged(store: Store, **filters) -> MergeResult:
    def make() -> MergeResult:
        reposts_ = reposts(store)
        result = merge_events(store.events(**filters), reposts_)
        result.links += [{"kept": a, "absorbed": b, "reason": f"near-duplicate page (similarity {s})"}
                         for a, b, s in reposts_]
        return result
    key = ("merged", *sorted((k, str(sorted(v)) if isinstance(v, (set, frozenset)) else str(v))
                             for k, v in filters.items() if v is not None and v is not False))
    return cached(store, key, make)


def timeline(store: Store, raw: bool = False) -> ControlTimeline:
    """Control from the reviewed events (corrections applied, rejected ones left out), or ``raw``."""
    return cached(store, ("timeline", bool(raw)),
                  lambda: build_timeline(merged(store, raw=raw).events, store.control_statements()))
