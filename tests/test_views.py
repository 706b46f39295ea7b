"""The merged-event views behind /api/events (serve/views.py): one computation per view and store
state, answered at once from the last view only while an ingest keeps moving the store."""
from __future__ import annotations

import asyncio
import json
import threading
import time

from frontlines.records import Event
from frontlines.review import status
from frontlines.serve.views import EventViews, StoreState, event_rows, page_body
from frontlines.store import Store

EVENT = {"event_id": "e1", "event_date": "2019-06-01", "event_type": "Battles", "sub_event_type": "Armed clash",
         "actor1": "Military Forces of Syria", "location": "Daraa", "country": "Syria", "source": "wire",
         "notes": "Clashes in Daraa – « quoted »", "evidence": [{"doc_id": "d", "start": 0, "end": 5, "text": "Daraa"}]}


def test_event_rows_are_the_event_with_its_reviews_and_status():
    ev = Event.model_validate(EVENT)
    reviews = {"e1": [{"id": 1, "event_id": "e1", "action": "reject", "field": None, "old_value": None,
                       "new_value": None, "reviewer": "a", "at": "2020-01-01T00:00:00"}]}
    (row,), (plain,) = event_rows([ev], reviews), event_rows([ev], {})
    want = json.loads(ev.model_dump_json())
    assert json.loads(row) == {**want, "reviews": reviews["e1"], "status": status(reviews["e1"])}
    assert json.loads(plain) == {**want, "reviews": [], "status": status([])}
    assert json.loads(page_body([row, plain, row], 1, 5)) == [json.loads(plain), json.loads(row)]
    assert page_body([row], 3, 10) == b"[]"


def threaded(fn):
    """A computation run in a thread, as EventViews takes it (an awaitable)."""
    return lambda filters, narrow: asyncio.get_running_loop().run_in_executor(None, fn, filters, narrow)


class Fake:
    """A store state the test moves, and a computation that says which state it saw."""
    def __init__(self):
        self.st = (1, 0, None)
        self.calls = 0
        self.gate = threading.Event()
        self.gate.set()

    def state(self):
        return self.st

    def compute(self, filters, narrow):
        self.calls += 1
        seen = self.st
        self.gate.wait(10)
        return [json.dumps({"generation": seen[0], "reviews": seen[1]}).encode()]


def test_one_computation_serves_every_client_asking_at_once():
    fake = Fake()
    views = EventViews(fake.state, threaded(fake.compute))

    async def run():
        fake.gate.clear()
        asks = [asyncio.create_task(views.rows(("k",), {}, {})) for _ in range(20)]
        await asyncio.sleep(0.05)
        fake.gate.set()
        return await asyncio.gather(*asks)
    got = asyncio.run(run())
    assert fake.calls == 1 and all(r == got[0] for r in got) and got[0][1] == 1


def test_while_an_ingest_writes_the_last_view_is_answered_and_the_next_computed():
    fake = Fake()
    fake.writing = 0
    views = EventViews(fake.state, threaded(fake.compute), writing=lambda: fake.writing)

    async def run():
        first = await views.rows(("k",), {}, {})
        fake.st = (2, 0, None)  # a change while no ingest writes (a `forget`): waited for
        second = await views.rows(("k",), {}, {})
        assert fake.calls == 2 and second[1] == 2 and json.loads(second[0][0])["generation"] == 2
        fake.writing = int(time.time())  # an ingest is writing
        fake.st = (3, 0, None)
        fake.gate.clear()
        t0 = time.perf_counter()
        third = await views.rows(("k",), {}, {})
        assert time.perf_counter() - t0 < 1 and third == second  # at once, saying which generation
        again = await views.rows(("k",), {}, {})  # the computation in flight is not started twice
        await asyncio.sleep(0.05)
        assert again == second and fake.calls == 3 and len(views.running) == 1
        fake.gate.set()
        await asyncio.sleep(0.1)
        fourth = await views.rows(("k",), {}, {})
        assert fourth[1] == 3 and fake.calls == 3
        fake.st = (4, 1, 7)  # an analyst's review: never answered from an older view
        fifth = await views.rows(("k",), {}, {})
        assert fifth[1] == 4 and json.loads(fifth[0][0])["reviews"] == 1
        fake.writing = int(time.time()) - 120  # an ingest killed long ago: not writing
        fake.st = (5, 1, 7)
        sixth = await views.rows(("k",), {}, {})
        assert sixth[1] == 5 and fake.calls == 5
        return first
    assert asyncio.run(run())[1] == 1


def test_an_ingest_says_it_is_writing_until_it_ends(tmp_path):
    from rich.console import Console

    from frontlines.batch import ingest_paths

    from .conftest import EXAMPLES
    store = Store(str(tmp_path / "w.db"))
    state = StoreState(store)
    seen = []

    class Watching:  # a pipeline that looks at the store while it extracts
        def run_safe(self, docs):
            state()
            seen.append((store.writing_at(), state.writing))
            return iter([RuntimeError("not extracted")] * len(docs))
    assert store.writing_at() == 0
    ingest_paths([EXAMPLES / "wire_2019-06-daraa.txt"], store, Watching,
                 console=Console(stderr=True, force_terminal=False, quiet=True))
    now = time.time()
    assert seen and all(0 < a == b <= now and now - a < 60 for a, b in seen)
    state()
    assert store.writing_at() == state.writing == 0


def test_store_state_is_the_stores_view_state(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    state = StoreState(store)
    assert state() == store.view_state() == (0, 0, None)
    store.record_failures([("x", "y")])  # no view changes: same state
    store.add_documents([])
    from .test_reposts import _doc
    store.add_documents([_doc("a", "some words of an article that is long enough to shingle")])
    assert state() == store.view_state() and state()[0] == 1


def test_a_page_comes_from_the_kept_view_only_when_none_current_is_held_and_no_ingest_writes():
    writing = [0.0]
    views = EventViews(lambda: (1, 0, None), compute=None, writing=lambda: writing[0])
    key = ("whole store",)
    assert views.wants_kept(key, (1, 0, None))  # nothing held
    views.views[key] = ((1, 0, None), [b"{}"])
    assert not views.wants_kept(key, (1, 0, None))  # held and current: from memory
    assert views.wants_kept(key, (2, 0, None))  # held but stale, the store at rest: the kept one may be current
    writing[0] = time.time()
    assert not views.wants_kept(key, (2, 0, None))  # stale while an ingest writes: the held one is answered
