"""Stage 6 — serve: the REST API (OpenAPI at /openapi.json, docs at /docs) and the analyst's page.

Reading needs nothing; review actions need the edit token (``FRONTLINES_TOKEN`` or the
``token`` given to ``create_app``) as ``Authorization: Bearer <token>``.  Reviews are stored
beside the events with who, when and what; the extracted event is never overwritten, and
the API returns it with the reviewed values applied and the review history attached.
"""
from __future__ import annotations

import json
import os
from collections import OrderedDict
import re
import secrets
from datetime import date
from importlib import resources
from typing import Annotated, Literal, Optional

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, BeforeValidator, Field, model_validator
from sqlalchemy import select

from ..analysis import cached, merged, peek, timeline
from ..store import Store
from ..store.db import EventRow, ReviewRow
from .guard import Guard, short_validation_errors

EDITABLE = ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "latitude",
            "longitude", "fatalities", "notes")


class ReviewIn(BaseModel):
    """accept / reject an event, or correct one field of it (``field`` and ``value`` required)."""
    model_config = {"json_schema_extra": {
        "if": {"properties": {"action": {"const": "correct"}}, "required": ["action"]},
        "then": {"required": ["field", "value"],
                 "properties": {"field": {"enum": list(EDITABLE)}, "value": {"type": "string", "maxLength": 2000}}}}}
    action: Literal["accept", "correct", "reject"]
    field: Optional[Literal[EDITABLE]] = None  # type: ignore[valid-type]
    value: Optional[str] = Field(None, max_length=2000)
    reviewer: str = Field("analyst", min_length=1, max_length=128)

    @model_validator(mode="after")
    def _correction_complete(self) -> "ReviewIn":
        if self.action == "correct" and (not self.field or self.value is None):
            raise ValueError("a correction needs a field and a value")
        return self


class Problem(BaseModel):
    detail: str


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD: pydantic alone would also read "0" as a Unix timestamp."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("not a date (YYYY-MM-DD)")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
NOT_FOUND = {404: {"model": Problem, "description": "not found"}}
UNAUTHORIZED = {401: {"model": Problem, "description": "missing or wrong edit token"}}
BAD_BODY = {400: {"model": Problem, "description": "the body is not JSON"}}
# a bounding box "west,south,east,north": four decimal numbers
BBOX = r"^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){3}$"


class ReviewOut(BaseModel):
    id: int
    event_id: str
    action: str
    field: Optional[str]
    old_value: Optional[str]
    new_value: Optional[str]
    reviewer: str
    at: str


def _reviews(store: Store, event_id: str | None = None) -> dict[str, list[dict]]:
    q = select(ReviewRow).order_by(ReviewRow.id)
    if event_id:
        q = q.where(ReviewRow.event_id == event_id)
    out: dict[str, list[dict]] = {}
    with store.session() as s:
        for r in s.scalars(q):
            out.setdefault(r.event_id, []).append(
                {"id": r.id, "event_id": r.event_id, "action": r.action, "field": r.field, "old_value": r.old_value,
                 "new_value": r.new_value, "reviewer": r.reviewer, "at": r.at.isoformat()})
    return out


def _apply(ev: dict, reviews: list[dict]) -> dict:
    ev = dict(ev)
    ev["reviews"] = reviews
    ev["status"] = "unreviewed"
    for r in reviews:
        if r["action"] == "correct" and r["field"]:
            ev[r["field"]] = r["new_value"]
            ev["status"] = "corrected"
        elif r["action"] in ("accept", "reject"):
            ev["status"] = "accepted" if r["action"] == "accept" else "rejected"
    return ev


MAX_LIMIT = 10_000


class Page:
    """``limit`` and ``page`` on every list endpoint; the total count is the X-Total-Count header."""

    def __init__(self, limit: int = Query(1000, ge=1, le=MAX_LIMIT, description="items per page"),
                 page: int = Query(1, ge=1, le=10_000_000, description="page number, from 1")):
        self.limit, self.page = limit, page

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def cut(self, rows: list, response: Response, total: int | None = None) -> list:
        """This page of ``rows`` (all rows), or ``rows`` as they are when already cut to ``total``."""
        if total is None:
            total, rows = len(rows), rows[self.offset:self.offset + self.limit]
        response.headers["X-Total-Count"] = str(total)
        return rows


def create_app(db: str | None = None, token: str | None = None) -> FastAPI:
    store = Store(db)
    edit_token = token or os.environ.get("FRONTLINES_TOKEN") or secrets.token_urlsafe(16)
    app = FastAPI(title="frontlines", version="0.1.0",
                  description="Conflict events coded to the ACLED codebook, with their evidence, and territorial control.")
    app.state.store = store
    app.state.token = edit_token
    app.add_middleware(Guard, token=edit_token)
    app.add_exception_handler(RequestValidationError, short_validation_errors)
    static = resources.files("frontlines.serve").joinpath("static")

    bearer = HTTPBearer(auto_error=False, description="the edit token")

    def require_token(credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> None:
        if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), edit_token.encode()):
            raise HTTPException(status_code=401, detail="an edit token is required (Authorization: Bearer <token>)",
                                headers={"WWW-Authenticate": "Bearer"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index():
        return HTMLResponse(static.joinpath("index.html").read_text(encoding="utf-8"))

    if static.is_dir():
        app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/api/documents")
    def documents(response: Response, pg: Page = Depends()) -> list[dict]:
        return pg.cut(store.documents(limit=pg.limit, offset=pg.offset), response, store.count("documents"))

    @app.get("/api/documents/{doc_id:path}", responses=NOT_FOUND)
    def document(doc_id: str) -> dict:
        doc = store.get_document(doc_id)
        if doc is None:
            raise HTTPException(status_code=404, detail="no such document")
        return {"id": doc.id, "meta": json.loads(doc.meta.model_dump_json()), "article": doc.article,
                "comments": doc.comments, "warnings": doc.warnings}

    responses_cache: "OrderedDict[tuple, tuple[bytes, str]]" = OrderedDict()
    app.state.responses_cache = responses_cache

    @app.get("/api/events")
    async def events(request: Request, start: Optional[Day] = Query(None, alias="from"), end: Optional[Day] = Query(None, alias="to"),
               event_type: Optional[str] = Query(None, alias="type"), actor: Optional[str] = None,
               place: Optional[str] = None,
               bbox: Optional[str] = Query(None, description="west,south,east,north", pattern=BBOX),
               merge: bool = Query(True, alias="merged"), response: Response = None,
               pg: Page = Depends()) -> list[dict]:
        box = tuple(float(x) for x in bbox.split(",")) if bbox else None
        filters = dict(start=start, end=end, event_type=event_type, actor=actor, place=place, bbox=box)
        # the same query on the same store state (documents, events, reviews) gets the same bytes
        ck = (store.view_state(), merge, pg.limit, pg.page, *sorted((k, str(v)) for k, v in filters.items()))
        hit = responses_cache.get(ck)
        if hit is not None:
            return Response(hit[0], media_type="application/json", headers={"X-Total-Count": hit[1]})
        # async: a current cached view is sliced on the event loop (no thread per request, which under
        # 50 clients made a GIL convoy); computing a stale view or a page of the table goes to a thread
        if merge:  # serialised once per store generation, then sliced
            key = ("merged-json", *sorted((k, str(v)) for k, v in filters.items() if v is not None))
            rows = peek(store, key)
            if rows is None:
                rows = await run_in_threadpool(cached, store, key, lambda: [
                    json.loads(e.model_dump_json()) for e in merged(store, **filters).events])
            rows = pg.cut(rows, response)
        else:
            def page() -> list[dict]:
                return [json.loads(e.model_dump_json()) for e in pg.cut(
                    store.events(**filters, limit=pg.limit, offset=pg.offset), response,
                    store.count_events(**filters))]
            rows = await run_in_threadpool(page)
        reviews = _reviews(store)
        # plain JSON already: validating the rows again per request cost more than the query
        out = JSONResponse([_apply(r, reviews.get(r["event_id"], [])) for r in rows],
                           headers={"X-Total-Count": response.headers["X-Total-Count"]})
        if len(out.body) < 1_000_000:
            responses_cache[ck] = (out.body, response.headers["X-Total-Count"])
            while len(responses_cache) > 256:
                responses_cache.popitem(last=False)
        return out

    @app.get("/api/events/{event_id}", responses=NOT_FOUND)
    def event(event_id: str) -> dict:
        with store.session() as s:
            row = s.get(EventRow, event_id)
            if row is None:
                raise HTTPException(status_code=404, detail="no such event")
            data = row.data
        return _apply(data, _reviews(store, event_id).get(event_id, []))

    @app.post("/api/events/{event_id}/review", dependencies=[Depends(require_token)], status_code=201,
              responses={**BAD_BODY, **UNAUTHORIZED, **NOT_FOUND})
    def review(event_id: str, body: ReviewIn) -> ReviewOut:
        with store.session() as s, s.begin():
            row = s.get(EventRow, event_id)
            if row is None:
                raise HTTPException(status_code=404, detail="no such event")
            old = row.data.get(body.field) if body.field else None
            r = ReviewRow(event_id=event_id, action=body.action, field=body.field,
                          old_value=None if old is None else str(old), new_value=body.value, reviewer=body.reviewer)
            s.add(r)
            s.flush()
            out = ReviewOut(id=r.id, event_id=event_id, action=r.action, field=r.field, old_value=r.old_value,
                            new_value=r.new_value, reviewer=r.reviewer, at=r.at.isoformat())
        return out

    @app.get("/api/actors")
    def actors(response: Response, at: Optional[Day] = None, pg: Page = Depends()) -> list[dict]:
        from ..actors.registry import default_registry
        from ..actors.views import actors_at
        return pg.cut(actors_at(default_registry(), at), response)

    @app.get("/api/places")
    def places(response: Response, unresolved: bool = False, pg: Page = Depends()) -> list[dict]:
        if unresolved:
            return pg.cut(store.unresolved(), response)
        seen: dict[str, dict] = {}
        for e in store.events():
            key = e.place_id or e.location
            if key not in seen:
                seen[key] = {"location": e.location, "place_id": e.place_id, "admin1": e.admin1,
                             "latitude": e.latitude, "longitude": e.longitude, "geo_precision": e.geo_precision,
                             "events": 0}
            seen[key]["events"] += 1
        return pg.cut(sorted(seen.values(), key=lambda r: r["location"]), response)

    @app.get("/api/control")
    def control(at: Day, response: Response, pg: Page = Depends()) -> list[dict]:
        return pg.cut(timeline(store).at(at), response)

    @app.get("/api/changes")
    def changes(response: Response, start: Day = Query(..., alias="from"), end: Day = Query(..., alias="to"),
                pg: Page = Depends()) -> list[dict]:
        return pg.cut(timeline(store).between(start, end), response)

    @app.get("/api/basemap", include_in_schema=False)
    def basemap():
        path = resources.files("frontlines.data.places").joinpath("syria_admin1.geojson")
        return FileResponse(str(path), media_type="application/geo+json")

    @app.get("/api/health")
    def health() -> dict:
        return {"ok": True, "documents": store.count("documents")}

    return app
