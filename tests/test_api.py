"""The REST API: open reading, token-guarded reviews, filters, date validation, and a schemathesis run.

Review semantics (what these tests pin down):

* A review never edits the stored extraction (``events.data`` in the store).
* ``GET /api/events/{id}`` (and ``/api/events``) return the extraction with the reviews applied in
  order: each ``correct`` replaces its ``field`` with ``new_value`` (as a string; the latest
  correction of a field wins), and every other field is the extracted value.
* ``reviews`` lists every review, oldest first, with ``old_value`` = the extracted value of the
  field (as a string), so the original is always recoverable from the response.
* ``status`` is the latest action: ``corrected``, ``accepted`` or ``rejected`` (``unreviewed`` when
  there is none); accepting after a correction keeps the corrected values.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from frontlines.serve import create_app

from .conftest import EXAMPLES

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# schemathesis needs the app when the module is collected; the store behind it is empty until the
# `api_db` fixture ingests the example reports into the same file.
_DIR = Path(tempfile.mkdtemp(prefix="frontlines-api-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
DB = str(_DIR / "api.db")
app = create_app(DB, token=TOKEN)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def api_db(pipeline):
    from frontlines.batch import ingest_paths
    from frontlines.store import Store

    report = ingest_paths([EXAMPLES], Store(DB), lambda: pipeline)
    assert report.events > 0 and not report.failed
    return DB


@pytest.fixture(scope="module")
def client(api_db):
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def events(client):
    evs = client.get("/api/events", params={"merged": "false"}).json()
    assert len(evs) >= 10
    return evs


def _stored(event_id: str) -> dict:
    from frontlines.store import Store
    from frontlines.store.db import EventRow
    with Store(DB).session() as s:
        return s.get(EventRow, event_id).data


def test_reading_needs_no_token(client, events):
    assert client.get("/api/health").json()["ok"] is True
    docs = client.get("/api/documents").json()
    assert docs
    url_doc = next(d for d in docs if d["id"].startswith("https://"))
    doc = client.get(f"/api/documents/{url_doc['id']}").json()
    assert doc["id"] == url_doc["id"] and doc["article"]
    assert set(doc) == {"id", "meta", "article", "comments", "warnings"}
    ev = events[0]
    got = client.get(f"/api/events/{ev['event_id']}").json()
    assert got["event_id"] == ev["event_id"] and got["reviews"] == [] and got["status"] == "unreviewed"
    for e in events:
        for evd in e["evidence"]:
            article = client.get(f"/api/documents/{evd['doc_id']}").json()["article"]
            assert article[evd["start"]:evd["end"]] == evd["text"]
    last = max(e["event_date"] for e in events)
    control = client.get("/api/control", params={"at": last}).json()
    assert control and {"place", "latitude", "longitude", "holder", "since", "previous", "disputed",
                        "evidence"} <= set(control[0])
    assert client.get("/api/changes", params={"from": "2019-01-01", "to": "2019-12-31"}).status_code == 200
    assert client.get("/api/actors", params={"at": "2019-06-01"}).status_code == 200
    assert client.get("/api/places").status_code == 200
    assert client.get("/api/places", params={"unresolved": "true"}).status_code == 200
    basemap = client.get("/api/basemap").json()
    assert basemap["type"] == "FeatureCollection"
    assert len([f for f in basemap["features"] if f["properties"].get("level") != "country"]) == 14
    assert client.get("/api/events/no-such-event").status_code == 404
    assert client.get("/api/documents/no/such/doc").status_code == 404


def _review_count(client, event_id: str) -> int:
    return len(client.get(f"/api/events/{event_id}").json()["reviews"])


def test_review_needs_the_token(client, events):
    ev = events[1]
    url = f"/api/events/{ev['event_id']}/review"
    body = {"action": "accept", "reviewer": "api-test"}
    r = client.post(url, json=body)
    assert r.status_code == 401 and r.headers.get("www-authenticate") == "Bearer"
    assert client.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post(url, json=body, headers={"Authorization": TOKEN}).status_code == 401
    assert client.post(url, json=body, headers={"Authorization": "Bearer "}).status_code == 401
    assert _review_count(client, ev["event_id"]) == 0
    r = client.post(url, json=body, headers=AUTH)
    assert r.status_code == 201
    saved = r.json()
    assert saved["action"] == "accept" and saved["reviewer"] == "api-test" and saved["event_id"] == ev["event_id"]
    got = client.get(f"/api/events/{ev['event_id']}").json()
    assert got["status"] == "accepted"
    assert got["reviews"] == [saved]
    assert client.post("/api/events/no-such-event/review", json=body, headers=AUTH).status_code == 404


def test_correction_keeps_the_extraction(client, events):
    ev = events[2]
    eid = ev["event_id"]
    before = client.get(f"/api/events/{eid}").json()
    extracted = _stored(eid)
    r = client.post(f"/api/events/{eid}/review", headers=AUTH,
                    json={"action": "correct", "field": "location", "value": "Test Place", "reviewer": "api-test"})
    assert r.status_code == 201
    after = client.get(f"/api/events/{eid}").json()
    # only the corrected field reads differently; the original is kept in the review
    assert after["location"] == "Test Place"
    assert {k: v for k, v in after.items() if k not in ("location", "reviews", "status")} == \
        {k: v for k, v in before.items() if k not in ("location", "reviews", "status")}
    assert after["status"] == "corrected"
    last = after["reviews"][-1]
    assert (last["field"], last["old_value"], last["new_value"]) == ("location", before["location"], "Test Place")
    assert _stored(eid) == extracted
    # a second correction of the same field wins; old_value is still the extracted value
    client.post(f"/api/events/{eid}/review", headers=AUTH,
                json={"action": "correct", "field": "location", "value": "Other Place", "reviewer": "api-test"})
    after = client.get(f"/api/events/{eid}").json()
    assert after["location"] == "Other Place" and after["reviews"][-1]["old_value"] == before["location"]
    # accepting keeps the corrections; rejecting flags the event; the extraction never changes
    client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "accept"})
    after = client.get(f"/api/events/{eid}").json()
    assert after["status"] == "accepted" and after["location"] == "Other Place"
    client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "reject"})
    after = client.get(f"/api/events/{eid}").json()
    assert after["status"] == "rejected" and [r["action"] for r in after["reviews"]] == \
        ["correct", "correct", "accept", "reject"]
    assert _stored(eid) == extracted
    # the list shows the same view as the single event
    listed = next(e for e in client.get("/api/events", params={"merged": "false"}).json() if e["event_id"] == eid)
    assert listed["location"] == "Other Place" and listed["status"] == "rejected"


@pytest.mark.parametrize("body", [
    {"action": "correct", "value": "x"},                          # no field
    {"action": "correct", "field": "location"},                   # no value
    {"action": "correct", "field": "event_id", "value": "x"},     # not an editable field
    {"action": "delete"},
    {"action": "accept", "reviewer": ""},
    {"action": "correct", "field": "notes", "value": "x" * 2001},
])
def test_bad_review_bodies(client, events, body):
    eid = events[3]["event_id"]
    n = _review_count(client, eid)
    r = client.post(f"/api/events/{eid}/review", headers=AUTH, json=body)
    assert r.status_code == 422
    assert _review_count(client, eid) == n


def test_filters(client, events):
    def ids(params):
        r = client.get("/api/events", params={"merged": "false", **params})
        assert r.status_code == 200
        return {e["event_id"] for e in r.json()}

    etype = events[0]["event_type"]
    assert ids({"type": etype}) == {e["event_id"] for e in events if e["event_type"] == etype}
    assert ids({"type": "No Such Type"}) == set()
    days = sorted({e["event_date"] for e in events})
    lo, hi = days[1], days[-2]
    assert ids({"from": lo, "to": hi}) == {e["event_id"] for e in events if lo <= e["event_date"] <= hi}
    assert ids({"from": hi}) == {e["event_id"] for e in events if e["event_date"] >= hi}
    assert ids({"to": lo}) == {e["event_id"] for e in events if e["event_date"] <= lo}
    # a box around the first located event, 0.5 degrees each way
    c = next(e for e in events if e["latitude"] is not None)
    w, s, e_, n = c["longitude"] - 0.5, c["latitude"] - 0.5, c["longitude"] + 0.5, c["latitude"] + 0.5
    inside = {e["event_id"] for e in events if e["latitude"] is not None
              and w <= e["longitude"] <= e_ and s <= e["latitude"] <= n}
    assert c["event_id"] in inside and len(inside) < len(events)
    assert ids({"bbox": f"{w},{s},{e_},{n}"}) == inside
    # the merged view obeys the same filters
    merged = client.get("/api/events", params={"type": etype, "from": lo, "to": hi,
                                               "bbox": "35.5,32.0,42.5,37.5"}).json()
    assert all(m["event_type"] == etype and lo <= m["event_date"] <= hi for m in merged)
    assert all(35.5 <= m["longitude"] <= 42.5 and 32.0 <= m["latitude"] <= 37.5 for m in merged)


@pytest.mark.parametrize("path,params", [
    ("/api/events", {"from": "2019-13-01"}),
    ("/api/events", {"to": "yesterday"}),
    ("/api/events", {"from": "0"}),
    ("/api/events", {"from": "20190301"}),
    ("/api/events", {"bbox": "1,2,3"}),
    ("/api/events", {"bbox": "a,b,c,d"}),
    ("/api/control", {"at": "2019-02-30"}),
    ("/api/control", {"at": "1700000000"}),
    ("/api/control", {}),
    ("/api/changes", {"from": "2019-01-01", "to": "soon"}),
    ("/api/actors", {"at": "March 2019"}),
])
def test_bad_dates_and_boxes_are_422(client, path, params):
    r = client.get(path, params=params)
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], list)


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
def test_openapi_property(case, api_db):
    # with the token, so the review endpoint is exercised past authentication too
    case.call_and_validate(headers=AUTH)


def test_openapi_documents_auth_and_errors(client):
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/events/{event_id}/review"]["post"]
    assert {"401", "404", "422"} <= set(post["responses"])
    assert post["security"] == [{"HTTPBearer": []}]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    at = next(p for p in spec["paths"]["/api/control"]["get"]["parameters"] if p["name"] == "at")
    assert at["schema"]["format"] == "date"
