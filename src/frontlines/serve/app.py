"""Stage 6 — serve: the REST API (OpenAPI at /openapi.json, docs at /docs) and the analyst's page.

Reading needs nothing; review actions need the edit token (``FRONTLINES_TOKEN`` or the
``token`` given to ``create_app``) as ``Authorization: Bearer <token>``.  Reviews are stored
beside the events with who, when and what; the extracted event is never overwritten, and
the API returns it with the reviewed values applied and the review history attached.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections import OrderedDict
import re
import secrets
from datetime import date
from importlib import resources
from typing import Annotated, Literal, Optional

from fastapi import Depends, FastAPI, HTTPException, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, BeforeValidator, Field, model_validator

from ..analysis import kept_key, merged, timeline
from ..store import Store
from ..filters import actor_names
from ..review import EDITABLE, ReviewError, check_correction, status
from .guard import Guard, short_validation_errors
from .views import EventViews, StoreState, ViewProcess, event_rows, kept_page, merged_rows, narrow_events, page_body


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
    confirm_new: bool = Field(False, description="actor1/actor2: record a name the actor registry does not know")
    latitude: Optional[float] = Field(None, ge=-90, le=90, description="location: coordinates of a place "
                                                                      "that is not in the gazetteer")
    longitude: Optional[float] = Field(None, ge=-180, le=180)

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
Iso2 = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
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


def _view(ev, reviews: list[dict]) -> dict:
    out = json.loads(ev.model_dump_json())
    out["reviews"] = reviews
    out["status"] = status(reviews)
    return out


MAX_LIMIT = 10_000


class Page:
    """``limit`` and ``page`` on every list endpoint; the total count is the X-Total-Count header."""

    def __init__(self, limit: int, page: int):
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


async def paging(limit: int = Query(1000, ge=1, le=MAX_LIMIT, description="items per page"),
                 page: int = Query(1, ge=1, le=10_000_000, description="page number, from 1")) -> Page:
    """A coroutine, so FastAPI resolves it on the event loop instead of a thread per request."""
    return Page(limit, page)


def _key(filters: dict) -> tuple:
    """A cache key for filters whose values may be sets (an actor's names)."""
    return tuple(sorted((k, str(sorted(v)) if isinstance(v, (set, frozenset)) else str(v))
                        for k, v in filters.items() if v is not None))


def create_app(db: str | None = None, token: str | None = None) -> FastAPI:
    store = Store(db)
    edit_token = token or os.environ.get("FRONTLINES_TOKEN") or secrets.token_urlsafe(16)
    state = StoreState(store)
    # views are computed in a process of their own where the store can be opened again (not in memory)
    worker = ViewProcess(store.url) if state.path is not None or not store.url.startswith("sqlite") else None

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        if worker is not None:
            worker.close()
    app = FastAPI(title="frontlines", version="0.1.0", docs_url=None, redoc_url=None, lifespan=lifespan,
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
    def documents(response: Response, pg: Page = Depends(paging)) -> list[dict]:
        return pg.cut(store.documents(limit=pg.limit, offset=pg.offset), response, store.count("documents"))

    @app.get("/api/documents/{doc_id:path}", responses=NOT_FOUND)
    def document(doc_id: str) -> dict:
        doc = store.get_document(doc_id)
        if doc is None:
            raise HTTPException(status_code=404, detail="no such document")
        return {"id": doc.id, "meta": json.loads(doc.meta.model_dump_json()), "article": doc.article,
                "comments": doc.comments, "warnings": doc.warnings}

    _gazetteer: dict = {}

    def place(place_id: str):
        if "g" not in _gazetteer:
            from ..places.gazetteer import Gazetteer, builtin_gazetteer
            extra = list(store.places())
            g = builtin_gazetteer()
            _gazetteer["g"] = Gazetteer(list(g.places.values()) + extra) if extra else g
        return _gazetteer["g"].get(place_id)

    def registry():
        from ..actors.registry import default_registry
        return default_registry()

    def _filters(start, end, event_type, actor, place, bbox, raw, rejected) -> dict:
        box = tuple(float(x) for x in bbox.split(",")) if bbox else None
        return dict(start=start, end=end, event_type=event_type, actor=actor_names(registry(), actor),
                    place=place, bbox=box, raw=raw, rejected=rejected)

    _narrow = narrow_events

    def select(start, end, event_type, actor, place, bbox, merge, raw, rejected, q, source):
        filters = _filters(start, end, event_type, actor, place, bbox, raw, rejected)
        evs = merged(store, **filters).events if merge else store.events(**filters)
        return _narrow(evs, q, source)

    Q = Query(None, max_length=200, description="words that must all appear in the event's actors, place, "
                                                 "notes, source or evidence (any case)")
    SOURCE = Query(None, max_length=200, description="part of the source's name (any case)")
    TYPE = Query(None, alias="type", description="event type or sub-event type (any case)")
    ACTOR = Query(None, description="an actor by any of its names or aliases")
    PLACE = Query(None, description="location name or gazetteer place id")
    BOX = Query(None, description="west,south,east,north", pattern=BBOX)
    RAW = Query(False, description="the extraction alone, without analysts' reviews")
    REJECTED = Query(False, description="include events an analyst rejected")

    responses_cache: "OrderedDict[tuple, tuple[bytes, str]]" = OrderedDict()
    app.state.responses_cache = responses_cache

    def remember(ck: tuple, hit: tuple) -> None:
        responses_cache[ck] = hit
        while len(responses_cache) > 256:
            responses_cache.popitem(last=False)

    def compute(filters: dict, narrow: dict):
        if worker is not None:
            return worker.submit(filters, narrow)
        return asyncio.get_running_loop().run_in_executor(None, merged_rows, store, filters, narrow)
    views = EventViews(state, compute, writing=lambda: state.writing)
    app.state.views = views

    @app.get("/api/events")
    async def events(start: Optional[Day] = Query(None, alias="from"),
                     end: Optional[Day] = Query(None, alias="to"),
                     event_type: Optional[str] = TYPE, actor: Optional[str] = ACTOR, place: Optional[str] = PLACE,
                     bbox: Optional[str] = BOX, merge: bool = Query(True, alias="merged"), raw: bool = RAW,
                     rejected: bool = REJECTED, q: Optional[str] = Q, source: Optional[str] = SOURCE,
                     pg: Page = Depends(paging)) -> list[dict]:
        """Events, merged across pages by default, with their review history and status; the
        generation of the store they reflect is the X-Store-Generation header."""
        filters = _filters(start, end, event_type, actor, place, bbox, raw, rejected)
        narrow = dict(q=q, source=source)
        if merge:  # the view is held as JSON rows per store state (serve/views.py): a page is a join
            key = (*_key(filters), *_key(narrow))
            if kept_key(filters) and not (q or source):
                st = state()
                if views.wants_kept(key, st):  # none current held: a page of the view kept in the store
                    busy = views.busy()
                    ck = ("kept", st, busy, raw, pg.limit, pg.page)  # the same page at the same state: the same bytes
                    hit = responses_cache.get(ck)
                    if hit is None:
                        hit = kept_page(store, st, raw, pg.offset, pg.limit, stale_ok=busy)
                        if hit is not None and len(hit[0]) < 1_000_000:
                            remember(ck, hit)
                    if hit is not None:
                        return Response(hit[0], media_type="application/json",
                                        headers={"X-Total-Count": str(hit[1]), "X-Store-Generation": str(hit[2])})
            rows, gen = await views.rows(key, filters, narrow)
            return Response(page_body(rows, pg.offset, pg.limit), media_type="application/json",
                            headers={"X-Total-Count": str(len(rows)), "X-Store-Generation": str(gen)})
        # the same query on the same store state (documents, events, reviews) gets the same bytes
        st = state()
        ck = (st, pg.limit, pg.page, *_key(filters), *_key(narrow))
        hit = responses_cache.get(ck)
        if hit is None:
            def page() -> tuple[bytes, str]:
                if q or source:
                    evs = _narrow(store.events(**filters), q, source)
                    total, evs = len(evs), evs[pg.offset:pg.offset + pg.limit]
                else:
                    evs = store.events(**filters, limit=pg.limit, offset=pg.offset)
                    total = store.count_events(**filters)
                return page_body(event_rows(evs, {} if raw else store.reviews()), 0, len(evs)), str(total)
            hit = await run_in_threadpool(page)
            if len(hit[0]) < 1_000_000:
                remember(ck, hit)
        return Response(hit[0], media_type="application/json",
                        headers={"X-Total-Count": hit[1], "X-Store-Generation": str(st[0])})

    @app.get("/api/export", response_class=Response,
             responses={200: {"content": {"text/csv": {}, "application/geo+json": {}},
                              "description": "the selected events as ACLED's CSV or GeoJSON"}})
    def export(fmt: Literal["csv", "geojson"] = Query("csv", alias="format"),
               start: Optional[Day] = Query(None, alias="from"), end: Optional[Day] = Query(None, alias="to"),
               event_type: Optional[str] = TYPE, actor: Optional[str] = ACTOR, place: Optional[str] = PLACE,
               bbox: Optional[str] = BOX, merge: bool = Query(True, alias="merged"), raw: bool = RAW,
               q: Optional[str] = Q, source: Optional[str] = SOURCE,
               numeric_inter: bool = Query(False, description="inter codes as numbers")) -> Response:
        """The selection (the same filters as /api/events) as ACLED's CSV or GeoJSON, corrections applied."""
        from ..export.formats import ExportContext, write_events
        evs = select(start, end, event_type, actor, place, bbox, merge, raw, False, q, source)
        ctx = ExportContext(registry=registry(), places={p.id: p.name for p in store.places()},
                            reviews={} if raw else store.reviews(), timestamps=store.event_timestamps(),
                            numeric_inter=numeric_inter)
        body = write_events(evs, fmt, ctx=ctx)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/geo+json"
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="frontlines-events.{fmt}"'})

    @app.get("/api/taxonomy")
    def acled_taxonomy() -> dict[str, list[str]]:
        """ACLED's event types and their sub-event types."""
        from ..review import taxonomy
        return taxonomy()

    @app.get("/api/events/{event_id}", responses=NOT_FOUND)
    def event(event_id: str, raw: bool = Query(False, description="the extraction alone")) -> dict:
        ev = store.event(event_id, raw=raw)
        if ev is None:
            raise HTTPException(status_code=404, detail="no such event")
        return _view(ev, [] if raw else store.reviews(event_id).get(event_id, []))

    @app.post("/api/events/{event_id}/review", dependencies=[Depends(require_token)], status_code=201,
              responses={**BAD_BODY, **UNAUTHORIZED, **NOT_FOUND})
    def review(event_id: str, body: ReviewIn) -> ReviewOut:
        """Accept, reject, or correct one field.  A correction is checked: fatalities a whole number,
        event_date YYYY-MM-DD, ACLED's types and sub-types (a sub-type sets its type), actors from the
        registry (or a new name with ``confirm_new``), a location by gazetteer place id (or a name with
        ``latitude`` and ``longitude``).  Fields that follow from it (coordinates, inter codes) are
        stored as reviews of the same action; the first row is returned."""
        current = store.event(event_id)
        if current is None:
            raise HTTPException(status_code=404, detail="no such event")
        rows: list = [(None, None)]
        if body.action == "correct":
            try:
                rows = check_correction(current, body.field, body.value, registry=registry(), place=place,
                                        confirm_new=body.confirm_new, latitude=body.latitude,
                                        longitude=body.longitude)
            except ReviewError as e:
                # the shape of FastAPI's own validation errors, so clients read one format
                raise HTTPException(status_code=422, detail=[{"loc": ["body", "value"], "msg": str(e),
                                                              "type": "value_error"}]) from None
        saved = store.add_reviews(event_id, body.action, rows, body.reviewer)
        return ReviewOut(**saved[0])

    @app.get("/api/actors")
    def actors(response: Response, at: Optional[Day] = None, pg: Page = Depends(paging)) -> list[dict]:
        from ..actors.registry import default_registry
        from ..actors.views import actors_at
        return pg.cut(actors_at(default_registry(), at), response)

    @app.get("/api/places")
    def places(response: Response, unresolved: bool = False, pg: Page = Depends(paging)) -> list[dict]:
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
    def control(at: Day, response: Response, pg: Page = Depends(paging)) -> list[dict]:
        return pg.cut(timeline(store).at(at), response)

    @app.get("/api/control/areas")
    def control_areas(at: Day) -> dict:
        """Control on a day as areas (GeoJSON): each place's Voronoi cell, cut to the country and to
        about 30 km around it, merged by holder."""
        from .areas import control_areas as areas
        return areas(timeline(store).at(at))

    @app.get("/docs", include_in_schema=False)
    def docs():
        """The API documented from /openapi.json by a page that needs nothing from the internet."""
        return HTMLResponse(static.joinpath("docs.html").read_text(encoding="utf-8"))

    @app.get("/api/changes")
    def changes(response: Response, start: Day = Query(..., alias="from"), end: Day = Query(..., alias="to"),
                pg: Page = Depends(paging)) -> list[dict]:
        return pg.cut(timeline(store).between(start, end), response)

    @app.get("/api/basemap", include_in_schema=False)
    def basemap():
        path = resources.files("frontlines.data.places").joinpath("syria_admin1.geojson")
        return FileResponse(str(path), media_type="application/geo+json")

    _outlines: dict = {}

    def outlines_by_country() -> dict[str, list[dict]]:
        if "by" not in _outlines:
            path = resources.files("frontlines.data.places").joinpath("world_admin1.geojson")
            by: dict[str, list[dict]] = {}
            for f in json.loads(path.read_text(encoding="utf-8")).get("features", []):
                cc = str((f.get("properties") or {}).get("country_code") or "").upper()
                if cc and f.get("geometry"):
                    by.setdefault(cc, []).append({"type": "Feature", "geometry": f["geometry"],
                                                  "properties": {**f["properties"], "level": "admin1"}})
            _outlines["by"] = by
        return _outlines["by"]

    @app.get("/api/outlines")
    def outlines(country: Optional[list[Iso2]] = Query(None, description="ISO 3166-1 alpha-2 codes (repeatable); "
                                                       "by default the countries of the stored events but Syria, "
                                                       "whose governorates /api/basemap serves")) -> dict:
        """The first-level divisions (Natural Earth admin1 outlines, GeoJSON) of the countries asked for,
        so the map draws the provinces around events outside Syria without sending the whole world."""
        if country:
            codes = {c.upper() for c in country}
        else:
            from ..places.countries import iso2_of
            codes = {iso2_of(e.country) for e in store.events() if e.country} - {None, "SY"}
        by = outlines_by_country()
        return {"type": "FeatureCollection", "countries": sorted(c for c in codes if c in by),
                "features": [f for c in sorted(codes) for f in by.get(c, [])]}

    @app.get("/api/health")
    def health() -> dict:
        return {"ok": True, "documents": store.count("documents")}

    return app
