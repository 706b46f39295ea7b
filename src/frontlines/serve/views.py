"""The merged event list behind ``/api/events``, kept ready to slice, and a cheap look at the store's state.

A request for a page of merged events costs a check of the store's state (two short queries on a
connection kept for the purpose) and a join of the page's rows: each view (one set of filters) is
held as the JSON of every event, reviews and status included, computed once per store state, by
one request only while the others with the same filters wait for it.  Views are computed in a
process of their own (``ViewProcess``): a recompute (seconds at 16,000 pages) then holds neither
the server's GIL nor fills its heap with events for the garbage collector to walk, which held
requests answered meanwhile for up to a quarter of a second each time.

The merged view of the whole store (no filters) is kept in the store (store/views.py): while no
current one is held here, a page of it is read from there with one short query (``kept_page``),
and while an ingest writes, the kept one (of an earlier generation) is answered as a held one would
be; the whole view is computed here only when the kept one is stale and no ingest is writing (after
a review, say), and the computation keeps it in the store again.

While an ingest is writing (each of its writes stamps the store's ``writing`` counter with the
time: ``Store.write_batches``), a view that only lags behind in documents and events is answered
at once while the current one is computed, so clients are not all held for each recompute; the
answer says which generation it reflects (``X-Store-Generation``).  A change of reviews (an
analyst's correction) is always waited for, and so is any change while no ingest is writing (a
``forget``, the end of an ingest).
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import sqlite3
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Awaitable, Callable

from ..review import status

WRITING_S = 60  # an ingest that has not written for this long is not writing any more (killed, say)
MAX_VIEWS = 16


class StoreState:
    """``store.view_state()`` with short queries (a plain SQLite connection per thread); the last call
    also read when an ingest last wrote (``writing``)."""

    def __init__(self, store):
        self.store = store
        url = store.url
        self.path = url[len("sqlite:///"):] if url.startswith("sqlite:///") and ":memory:" not in url else None
        self._local = threading.local()
        self.writing = 0

    def __call__(self) -> tuple:
        if self.path is None:
            self.writing = self.store.writing_at()
            return self.store.view_state()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")
        counters = dict(conn.execute("SELECT key, value FROM store_state WHERE key IN ('generation', 'writing')"))
        n, last = conn.execute("SELECT count(id), max(id) FROM reviews").fetchone()
        self.writing = counters.get("writing") or 0
        return counters.get("generation") or 0, n, last


def event_rows(events, reviews: dict[str, list[dict]]) -> list[bytes]:
    """Each event's JSON with its review history and status, as ``/api/events`` sends it."""
    return [_row(e.model_dump_json(), reviews.get(e.event_id, [])) for e in events]


_UNREVIEWED = json.dumps({"reviews": [], "status": status([])}, separators=(",", ":"))[1:]


def _row(event_json: str, rs: list[dict]) -> bytes:
    tail = json.dumps({"reviews": rs, "status": status(rs)}, ensure_ascii=False, separators=(",", ":"))[1:] \
        if rs else _UNREVIEWED
    return (event_json[:-1] + "," + tail).encode()


def kept_page(store, state: tuple, raw: bool, offset: int, limit: int,
              stale_ok: bool = False) -> tuple[bytes, int, int] | None:
    """A page of the merged view of the whole store kept in the store (store/views.py), its total and
    the generation it reflects: if that view is at ``state``, or, with ``stale_ok`` (an ingest is
    writing), at an earlier generation with the same reviews; else None (compute the view)."""
    from ..analysis import kept_key
    got = store.kept_page(kept_key({"raw": raw}), offset, limit)
    if got is None:
        return None
    kept_state, total, rows = got
    if kept_state != tuple(state) and not (stale_ok and kept_state[1:] == tuple(state)[1:]):
        return None
    reviewed = state[1] > 0  # the state counts the store's reviews
    reviews = store.reviews(among=[eid for eid, _ in rows]) if reviewed and rows and not raw else {}
    return page_body([_row(d, reviews.get(eid, [])) for eid, d in rows], 0, len(rows)), total, kept_state[0]


def narrow_events(evs, q: str | None, source: str | None):
    """Events whose source has ``source`` in it and whose text has every word of ``q`` (any case)."""
    if source:
        evs = [e for e in evs if source.lower() in e.source.lower()]
    if q:
        words = q.lower().split()

        def text(e):
            return " ".join([e.actor1, e.actor2, e.assoc_actor_1, e.assoc_actor_2, e.location, e.admin1, e.notes,
                             e.source, e.sub_event_type, *(x.text for x in e.evidence)]).lower()
        evs = [e for e in evs if all(w in text(e) for w in words)]
    return evs


def merged_rows(store, filters: dict, narrow: dict) -> list[bytes]:
    """The rows of the merged view for ``filters`` (``Store.events``'s) and ``narrow`` (q, source)."""
    from ..analysis import kept_key, merged
    kept = kept_key(filters)
    rows = store.kept_rows(kept, store.view_state()) if kept and not (narrow["q"] or narrow["source"]) else None
    if rows is not None:  # the kept view's JSON as it is
        reviews = {} if filters["raw"] else store.reviews()
        return [_row(d, reviews.get(eid, [])) for eid, d in rows]
    evs = narrow_events(merged(store, **filters).events, narrow["q"], narrow["source"])
    return event_rows(evs, {} if filters["raw"] else store.reviews())


_STORES: dict = {}


def _merged_rows_at(url: str, filters: dict, narrow: dict) -> list[bytes]:
    """``merged_rows`` in the view process: its store (and the views' cache) kept between calls."""
    if url not in _STORES:
        from ..store import Store
        _STORES[url] = Store(url)
    return merged_rows(_STORES[url], filters, narrow)


class ViewProcess:
    """One process, started on first use, that computes views of the store at ``url``."""

    def __init__(self, url: str):
        self.url = url
        self.executor: ProcessPoolExecutor | None = None

    def submit(self, filters: dict, narrow: dict) -> "asyncio.Future":
        if self.executor is None:
            self.executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        loop = asyncio.get_running_loop()
        try:
            return asyncio.wrap_future(self.executor.submit(_merged_rows_at, self.url, filters, narrow), loop=loop)
        except BrokenProcessPool:  # it died (killed, out of memory): a new one next time, this one here
            self.executor = None
            return loop.run_in_executor(None, _merged_rows_at, self.url, filters, narrow)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


class EventViews:
    """Views by filters key: the latest one computed (with the state it was computed at) and the
    computation in flight, if any."""

    def __init__(self, state: Callable[[], tuple], compute: Callable[[dict, dict], Awaitable[list[bytes]]],
                 writing: Callable[[], int] = lambda: 0):
        self.state, self.compute, self.writing = state, compute, writing
        self.views: "OrderedDict[tuple, tuple[tuple, list[bytes]]]" = OrderedDict()
        self.running: dict[tuple, tuple[tuple, asyncio.Future]] = {}

    def wants_kept(self, key: tuple, st: tuple) -> bool:
        """A page is better read from the view kept in the store: none is held for ``key``, or the held
        one is not at ``st`` while no ingest is writing (during one, the held view is answered, and
        the kept one cannot be current: an ingest keeps it only as it ends)."""
        have = self.views.get(key)
        return have is None or have[0] != st and not self.busy()

    def busy(self) -> bool:
        """An ingest is writing (it said so within ``WRITING_S``)."""
        return time.time() - self.writing() < WRITING_S

    def _start(self, key: tuple, st: tuple, filters: dict, narrow: dict) -> tuple[tuple, asyncio.Future]:
        """The computation of this view in flight (whatever state it started at), else a new one."""
        running = self.running.get(key)
        if running is not None:
            return running
        fut = asyncio.ensure_future(self.compute(filters, narrow))

        def done(f: asyncio.Future) -> None:
            self.running.pop(key, None)
            if not f.cancelled() and f.exception() is None:
                self.views[key] = (st, f.result())
                self.views.move_to_end(key)
                while len(self.views) > MAX_VIEWS:
                    self.views.popitem(last=False)
        fut.add_done_callback(done)
        self.running[key] = (st, fut)
        return st, fut

    async def rows(self, key: tuple, filters: dict, narrow: dict) -> tuple[list[bytes], int]:
        """The rows of the view for ``filters`` and the generation they reflect."""
        for _ in range(3):
            st = self.state()
            have = self.views.get(key)
            if have is not None and have[0] == st:
                return have[1], st[0]
            started, fut = self._start(key, st, filters, narrow)
            if have is not None and have[0][1:] == st[1:] and self.busy():
                return have[1], have[0][0]  # only documents and events moved, and an ingest keeps moving them
            rows = await asyncio.shield(fut)  # a client that leaves does not cancel it for the others
            if started == st:
                return rows, st[0]
        return rows, started[0]  # the store moved under three computations in a row: the latest one


def page_body(rows: list[bytes], offset: int, limit: int) -> bytes:
    return b"[" + b",".join(rows[offset:offset + limit]) + b"]"
