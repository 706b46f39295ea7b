"""The API under attack and load (issue 11): token before body, body limits, short 422s, security
headers, pagination with a total count, and readers that do not wait for a writer."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time

import pytest
from fastapi.testclient import TestClient

from frontlines.serve import create_app

from .conftest import EXAMPLES

TOKEN = "guard-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline):
    from frontlines.batch import ingest_paths
    from frontlines.store import Store
    path = str(tmp_path_factory.mktemp("guard") / "g.db")
    report = ingest_paths([EXAMPLES], Store(path), lambda: pipeline)
    assert report.events > 10
    return path


@pytest.fixture(scope="module")
def app(db):
    return create_app(db, token=TOKEN)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:
        yield c


def _call(app, method, path, headers, chunks):
    """Drive the ASGI app directly; returns (status, headers, body, how many body chunks it read)."""
    read = 0
    out = {"status": None, "headers": [], "body": b""}

    async def receive():
        nonlocal read
        if read >= len(chunks):
            await asyncio.sleep(3600)
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(m):
        if m["type"] == "http.response.start":
            out["status"], out["headers"] = m["status"], m["headers"]
        elif m["type"] == "http.response.body":
            out["body"] += m.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
             "raw_path": path.encode(), "query_string": b"", "root_path": "", "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1234),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    return out["status"], dict(out["headers"]), out["body"], read


def test_no_token_is_refused_before_the_body_is_read(app, client):
    eid = client.get("/api/events", params={"limit": 1}).json()[0]["event_id"]
    chunk = b"x" * 65536
    status, headers, body, read = _call(app, "POST", f"/api/events/{eid}/review",
                                        {"content-type": "application/json", "content-length": str(100 * 1024 * 1024)},
                                        [chunk] * 10)
    assert status == 401 and read == 0 and headers[b"www-authenticate"] == b"Bearer"
    status, _, _, read = _call(app, "POST", f"/api/events/{eid}/review",
                               {"content-type": "application/json", "authorization": "Bearer wrong"}, [chunk])
    assert status == 401 and read == 0


def test_body_over_the_limit_is_413_before_parsing(app, client):
    eid = client.get("/api/events", params={"limit": 1}).json()[0]["event_id"]
    status, _, body, read = _call(app, "POST", f"/api/events/{eid}/review",
                                  {**{k.lower(): v for k, v in AUTH.items()}, "content-length": str(5 * 1024 * 1024),
                                   "content-type": "application/json"}, [b"{" * 65536] * 80)
    assert status == 413 and read == 0
    # chunked, no Content-Length: stopped as soon as it passes the limit
    status, _, _, read = _call(app, "POST", f"/api/events/{eid}/review",
                               {**{k.lower(): v for k, v in AUTH.items()}, "content-type": "application/json"},
                               [b" " * 65536] * 100)
    assert status == 413 and read == 17  # 16 x 64 KiB = 1 MiB, the 17th goes over
    # a small chunked body still goes through
    status, _, body, _ = _call(app, "POST", f"/api/events/{eid}/review",
                               {**{k.lower(): v for k, v in AUTH.items()}, "content-type": "application/json"},
                               [b'{"action": ', b'"accept"}'])
    assert status == 201 and json.loads(body)["action"] == "accept"


def test_422_does_not_echo_the_input(client):
    eid = client.get("/api/events", params={"limit": 1}).json()[0]["event_id"]
    big = "A" * 500_000
    r = client.post(f"/api/events/{eid}/review", headers=AUTH,
                    json={"action": "correct", "field": "notes", "value": big})
    assert r.status_code == 422 and len(r.content) < 2000 and "AAAA" not in r.text
    assert r.json()["detail"][0]["loc"][-1] == "value"
    r = client.get("/api/control", params={"at": "B" * 60_000})
    assert r.status_code in (414, 422) and len(r.content) < 2000 and "BBBB" not in r.text


def test_security_headers_everywhere(client):
    for path in ("/", "/api/events?limit=1", "/api/health", "/api/events/nope", "/static/app.js"):
        h = client.get(path).headers
        assert "frame-ancestors 'none'" in h["content-security-policy"], path
        assert "default-src 'self'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff" and h["referrer-policy"] == "no-referrer"
        assert h["x-frame-options"] == "DENY"
    assert "cdn.jsdelivr.net" in client.get("/docs").headers["content-security-policy"]


@pytest.mark.parametrize("path,params", [("/api/events", {"merged": "false"}), ("/api/events", {}),
                                         ("/api/documents", {}), ("/api/actors", {}),
                                         ("/api/places", {}), ("/api/changes", {"from": "2019-01-01", "to": "2019-12-31"})])
def test_pagination_with_a_total_count(client, path, params):
    full = client.get(path, params={**params, "limit": 10_000})
    rows = full.json()
    total = int(full.headers["x-total-count"])
    assert total == len(rows) and total >= 3
    pages = []
    for page in (1, 2, 3):
        r = client.get(path, params={**params, "limit": 2, "page": page})
        assert int(r.headers["x-total-count"]) == total
        pages += r.json()
    assert pages == rows[:6]
    assert client.get(path, params={**params, "limit": 2, "page": total}).json() == []
    assert client.get(path, params={**params, "limit": 0}).status_code == 422
    assert client.get(path, params={**params, "limit": 10_001}).status_code == 422


def test_readers_do_not_wait_for_a_writer(db, client):
    writer = sqlite3.connect(db, timeout=1)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO failures (path, error, at) VALUES ('w', 'held open', '2020-01-01')")
        t0 = time.perf_counter()
        for path in ("/api/events?limit=100", "/api/control?at=2019-06-01", "/api/documents", "/api/health"):
            assert client.get(path).status_code == 200
        assert time.perf_counter() - t0 < 3
    finally:
        writer.rollback()
        writer.close()


def test_cached_event_pages_follow_reviews_and_new_documents(client, db, pipeline):
    first = client.get("/api/events", params={"limit": 5}).json()
    assert client.get("/api/events", params={"limit": 5}).json() == first  # served from the cache
    eid = first[0]["event_id"]
    assert client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "reject"}).status_code == 201
    again = client.get("/api/events", params={"limit": 5}).json()
    assert all(e["event_id"] != eid for e in again)  # rejected events are left out (main's reviewed view)
    again = client.get("/api/events", params={"limit": 5, "rejected": "true"}).json()
    assert next(e for e in again if e["event_id"] == eid)["status"] == "rejected"
    before = int(client.get("/api/events", params={"limit": 1, "merged": "false"}).headers["x-total-count"])
    from frontlines.store import Store
    doc = next(d for d in Store(db).documents())
    assert Store(db).forget(doc["id"])
    after = client.get("/api/events", params={"limit": 1, "merged": "false"})
    assert int(after.headers["x-total-count"]) < before
    assert all(ev["doc_id"] != doc["id"] for e in client.get("/api/events", params={"limit": 10_000}).json()
               for ev in e["evidence"])
