"""The REST API: open reading, token-guarded reviews, filters, date validation, and a schemathesis run.

Review semantics (what these tests pin down):

* A review never edits the stored extraction (``events.data`` in the store).
* ``GET /api/events/{id}`` (and ``/api/events``) return the extraction with the reviews applied in
  order: each ``correct`` replaces its ``field`` with ``new_value`` (typed as the field is; the latest
  correction of a field wins), and every other field is the extracted value; ``?raw=true`` gives
  the extraction alone.  A location correction also sets the place's id, coordinates and admin1.
* A correction is checked per field; an invalid value is a 422 and nothing is stored.
* ``reviews`` lists every review, oldest first, with ``old_value`` = the extracted value of the
  field (as a string), so the original is always recoverable from the response.
* ``status`` is the latest action: ``corrected``, ``accepted`` or ``rejected`` (``unreviewed`` when
  there is none); accepting after a correction keeps the corrected values.  Rejected events drop
  out of ``/api/events`` (``?rejected=true`` lists them) and of the control timeline.
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


PLACE_FIELDS = ("location", "place_id", "latitude", "longitude", "admin1", "admin2", "country", "geo_precision")


def test_correction_keeps_the_extraction(client, events):
    ev = events[2]
    eid = ev["event_id"]
    before = client.get(f"/api/events/{eid}").json()
    extracted = _stored(eid)
    # a free name is not a location: it needs a gazetteer id or coordinates
    r = client.post(f"/api/events/{eid}/review", headers=AUTH,
                    json={"action": "correct", "field": "location", "value": "Test Place", "reviewer": "api-test"})
    assert r.status_code == 422 and "gazetteer place id" in r.json()["detail"][0]["msg"]
    r = client.post(f"/api/events/{eid}/review", headers=AUTH,
                    json={"action": "correct", "field": "location", "value": "Test Place", "latitude": 35.1,
                          "longitude": 36.7, "reviewer": "api-test"})
    assert r.status_code == 201
    after = client.get(f"/api/events/{eid}").json()
    # only the corrected place reads differently; the original is kept in the review
    assert (after["location"], after["latitude"], after["longitude"], after["place_id"]) == \
        ("Test Place", 35.1, 36.7, None)
    assert {k: v for k, v in after.items() if k not in PLACE_FIELDS + ("reviews", "status")} == \
        {k: v for k, v in before.items() if k not in PLACE_FIELDS + ("reviews", "status")}
    assert after["status"] == "corrected"
    loc = next(r for r in after["reviews"] if r["field"] == "location")
    assert (loc["old_value"], loc["new_value"]) == (before["location"], "Test Place")
    assert _stored(eid) == extracted
    assert client.get(f"/api/events/{eid}", params={"raw": "true"}).json()["location"] == before["location"]
    # a second correction (a gazetteer id) wins; old_value is still the extracted value
    r = client.post(f"/api/events/{eid}/review", headers=AUTH,
                    json={"action": "correct", "field": "location", "value": "geonames:170905", "reviewer": "api-test"})
    assert r.status_code == 201 and r.json()["new_value"] == "Dar'a"
    after = client.get(f"/api/events/{eid}").json()
    assert (after["location"], after["place_id"], after["admin1"]) == ("Dar'a", "geonames:170905", "Daraa")
    assert abs(after["latitude"] - 32.61889) < 1e-4
    assert after["reviews"][-1]["old_value"] is not None
    assert [r["old_value"] for r in after["reviews"] if r["field"] == "location"] == [before["location"]] * 2
    # accepting keeps the corrections; rejecting drops the event from the list; the extraction never changes
    client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "accept"})
    after = client.get(f"/api/events/{eid}").json()
    assert after["status"] == "accepted" and after["location"] == "Dar'a"
    client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "reject"})
    after = client.get(f"/api/events/{eid}").json()
    assert after["status"] == "rejected" and after["reviews"][-1]["action"] == "reject"
    assert [r["action"] for r in after["reviews"]].count("accept") == 1
    assert _stored(eid) == extracted
    listed = client.get("/api/events", params={"merged": "false"}).json()
    assert eid not in {e["event_id"] for e in listed}
    listed = client.get("/api/events", params={"merged": "false", "rejected": "true"}).json()
    shown = next(e for e in listed if e["event_id"] == eid)
    assert shown["location"] == "Dar'a" and shown["status"] == "rejected"
    raw = client.get("/api/events", params={"merged": "false", "raw": "true"}).json()
    assert next(e for e in raw if e["event_id"] == eid)["location"] == before["location"]


@pytest.mark.parametrize("field,value,message", [
    ("fatalities", "-1", "whole number"),
    ("fatalities", "3.5", "whole number"),
    ("fatalities", "many", "whole number"),
    ("event_date", "2019-13-01", "YYYY-MM-DD"),
    ("event_date", "12/05/2019", "YYYY-MM-DD"),
    ("event_type", "Fighting", "unknown event_type"),
    ("sub_event_type", "Skirmish", "unknown sub_event_type"),
    ("actor1", "The Nobody Brigade", "not in the actor registry"),
    ("actor1", "", "cannot be empty"),
    ("location", "geonames:0", "gazetteer place id"),
    ("latitude", "91", "between -90 and 90"),
    ("longitude", "east", "between -180 and 180"),
])
def test_invalid_corrections_are_422_with_a_reason(client, events, field, value, message):
    eid = events[4]["event_id"]
    n = _review_count(client, eid)
    r = client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "correct", "field": field, "value": value})
    assert r.status_code == 422, r.text
    assert message in r.json()["detail"][0]["msg"]
    assert _review_count(client, eid) == n


def test_type_and_subtype_stay_consistent(client, events):
    ev = next(e for e in events[5:] if e["event_type"] != "Battles")
    eid = ev["event_id"]
    r = client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "correct", "field": "event_type",
                                                                      "value": "Battles"})
    assert r.status_code == 422 and "sub_event_type" in r.json()["detail"][0]["msg"]
    r = client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "correct", "field": "sub_event_type",
                                                                      "value": "armed clash"})
    assert r.status_code == 201
    got = client.get(f"/api/events/{eid}").json()
    assert (got["event_type"], got["sub_event_type"]) == ("Battles", "Armed clash")
    assert ids_of(client, {"type": "armed CLASH"}) >= {eid}


def ids_of(client, params):
    r = client.get("/api/events", params={"merged": "false", **params})
    assert r.status_code == 200
    return {e["event_id"] for e in r.json()}


def test_actor_corrections_use_the_registry(client, events):
    eid = events[6]["event_id"]
    r = client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "correct", "field": "actor1",
                                                                      "value": "HTS"})
    assert r.status_code == 201
    got = client.get(f"/api/events/{eid}").json()
    assert got["actor1"] == "Hay'at Tahrir al-Sham" and got["inter1"] == 2
    # filters see the corrected actor, by any of its names
    assert eid in ids_of(client, {"actor": "hts"}) and eid in ids_of(client, {"actor": "Jabhat al-Nusra"})
    r = client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "correct", "field": "actor2",
                                                                      "value": "Brigade of the Test", "confirm_new": True})
    assert r.status_code == 201
    got = client.get(f"/api/events/{eid}").json()
    assert got["actor2"] == "Brigade of the Test" and got["inter2"] is None
    r = client.post(f"/api/events/{eid}/review", headers=AUTH, json={"action": "correct", "field": "fatalities",
                                                                      "value": " 7 "})
    assert r.status_code == 201 and client.get(f"/api/events/{eid}").json()["fatalities"] == 7


def test_rejected_territorial_events_leave_the_control_timeline(client, events):
    terr = [e for e in events if e["territorial"] and e["place_id"] and (e["geo_precision"] or 1) < 3]
    assert terr
    ev = terr[-1]
    def holders():
        rows = client.get("/api/control", params={"at": ev["event_date"]}).json()
        return [(r["holder"], r["since"]) for r in rows if r["place_id"] == ev["place_id"]]
    assert (ev["actor1"], ev["event_date"]) in holders()
    client.post(f"/api/events/{ev['event_id']}/review", headers=AUTH, json={"action": "reject"})
    assert (ev["actor1"], ev["event_date"]) not in holders()


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


def test_filters(client):
    def ids(params):
        r = client.get("/api/events", params={"merged": "false", **params})
        assert r.status_code == 200
        return {e["event_id"] for e in r.json()}

    events = client.get("/api/events", params={"merged": "false"}).json()  # as reviewed by the tests above

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


def test_outlines_serve_only_the_countries_asked_for(client, events):
    # the examples are all Syrian: Syria has its own basemap, so no other outline is sent by default
    assert {e["country"] for e in events} == {"Syria"}
    default = client.get("/api/outlines").json()
    assert default["type"] == "FeatureCollection" and default["countries"] == [] and default["features"] == []
    r = client.get("/api/outlines", params=[("country", "ng"), ("country", "CD")])
    assert r.status_code == 200
    body = r.json()
    assert body["countries"] == ["CD", "NG"]
    assert {f["properties"]["country_code"] for f in body["features"]} == {"CD", "NG"}
    assert any(f["properties"]["name"] == "Borno" for f in body["features"])
    assert len(r.content) < 200_000  # two countries, not the 3 MB world file
    assert client.get("/api/outlines", params={"country": "NGA"}).status_code == 422
