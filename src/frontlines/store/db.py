"""The store: the only code that talks SQL (tables in store/models.py, writes in store/writes.py).

SQLite by default (a file path or URL via ``--db`` / ``FRONTLINES_DB``); any SQLAlchemy URL
(PostgreSQL) works the same.  Every query is built by SQLAlchemy with bound parameters.
Documents are keyed by id and by the hash of their raw bytes, so a page ingested twice is
stored once; a failure is recorded with its reason and never touches what is stored.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from datetime import date, timezone
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import Text, and_, cast, create_engine, event, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..gcpause import paused
from ..records import Document, DocumentMeta, Event, Place
from .models import (Base, BandRow, ControlStatementRow, DocumentRow, EventRow, FailureRow,  # noqa: F401 (re-exported)
                     GazetteerRow, ProposalRow, RepostRow, ReviewRow, SignatureRow, StateRow, UnresolvedRow,
                     ViewEventRow, ViewRow)
from .views import KeptViews
from .writes import Writes

DEFAULT_DB = "frontlines.db"


def db_url(db: str | None = None) -> str:
    db = db or os.environ.get("FRONTLINES_DB") or DEFAULT_DB
    return db if "://" in db else f"sqlite:///{Path(db).expanduser()}"


class Store(Writes, KeptViews):
    def __init__(self, db: str | None = None):
        self.url = db_url(db)
        sqlite = self.url.startswith("sqlite")
        # many API threads read at once; WAL lets them all read while one writer writes
        pool = {"pool_size": 16, "max_overflow": 48} if sqlite and ":memory:" not in self.url else {}
        self.engine: Engine = create_engine(self.url, future=True, **pool)
        if sqlite:
            @event.listens_for(self.engine, "connect")
            def _pragmas(conn, _):  # noqa: ANN001
                cur = conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute("PRAGMA synchronous=NORMAL")  # WAL: durable across a killed process
                cur.close()
        Base.metadata.create_all(self.engine)
        self._shingle_cache: OrderedDict = OrderedDict()  # doc id -> shingle hashes (store/writes.py)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # ---- documents -----------------------------------------------------------------------
    def find_duplicate(self, doc: Document) -> str | None:
        with self.session() as s:
            row = s.scalar(select(DocumentRow.id).where(
                (DocumentRow.sha256 == doc.sha256) | (DocumentRow.id == doc.id)))
            return row

    def add_document(self, doc: Document) -> bool:
        """Store a document; False (and nothing written) when it is already stored."""
        if self.find_duplicate(doc):
            return False
        self.add_documents([doc])
        return True

    def pending_documents(self) -> list[str]:
        """Stored documents whose extraction did not finish (a crash mid-batch resumes here)."""
        with self.session() as s:
            return list(s.scalars(select(DocumentRow.id).where(DocumentRow.extracted.is_(False))))

    def version(self) -> tuple:
        """Changes whenever documents or their events change (for caches of derived views)."""
        return (self.generation(),)

    # ---- bulk writes, generation, forgetting ----------------------------------------------
    def generation(self) -> int:
        with self.session() as s:
            return s.scalar(select(StateRow.value).where(StateRow.key == "generation")) or 0

    def view_state(self) -> tuple:
        """(generation, reviews, last review id): changes whenever a response built from the store could."""
        with self.session() as s:
            return self._view_state_in(s)

    @staticmethod
    def _view_state_in(s: Session) -> tuple:
        gen = s.scalar(select(StateRow.value).where(StateRow.key == "generation")) or 0
        n, last = s.execute(select(func.count(ReviewRow.id), func.max(ReviewRow.id))).one()
        return gen, n, last

    def writing_at(self) -> int:
        """When an ingest running now last wrote (Unix seconds; 0 when none says it is running)."""
        with self.session() as s:
            return s.scalar(select(StateRow.value).where(StateRow.key == "writing")) or 0

    def taken(self, ids: Iterable[str] = (), shas: Iterable[str] = ()) -> tuple[dict[str, str], dict[str, str]]:
        """({id: sha256} for stored ids, {sha256: id} for stored hashes) among those asked."""
        ids, shas = list(dict.fromkeys(ids)), list(dict.fromkeys(shas))
        by_id: dict[str, str] = {}
        by_sha: dict[str, str] = {}
        with self.session() as s:
            for k in range(0, len(ids), 500):
                for doc_id, sha in s.execute(select(DocumentRow.id, DocumentRow.sha256)
                                             .where(DocumentRow.id.in_(ids[k:k + 500]))):
                    by_id[doc_id] = sha
            for k in range(0, len(shas), 500):
                for doc_id, sha in s.execute(select(DocumentRow.id, DocumentRow.sha256)
                                             .where(DocumentRow.sha256.in_(shas[k:k + 500]))):
                    by_sha[sha] = doc_id
        return by_id, by_sha

    def reposts(self) -> list[tuple[str, str, float]]:
        with self.session() as s:
            return [tuple(r) for r in s.execute(select(RepostRow.original, RepostRow.repost, RepostRow.similarity)
                                                .order_by(RepostRow.id))]

    def count(self, what: str) -> int:
        model = {"documents": DocumentRow, "failures": FailureRow, "events": EventRow}[what]
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def iter_failures(self, limit: int | None = None, offset: int = 0) -> Iterator[dict]:
        q = select(FailureRow).order_by(FailureRow.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.session() as s:
            for r in s.execute(q.execution_options(yield_per=1000)).scalars():
                yield {"path": r.path, "error": r.error, "at": r.at.isoformat()}

    def get_document(self, doc_id: str) -> Document | None:
        with self.session() as s:
            row = s.get(DocumentRow, doc_id)
            return _doc(row) if row else None

    def documents(self, limit: int | None = None, offset: int = 0) -> list[dict]:
        q = select(DocumentRow.id, DocumentRow.meta, DocumentRow.warnings, DocumentRow.published,
                   DocumentRow.extracted).order_by(DocumentRow.ingested_at, DocumentRow.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.session() as s:
            rows = s.execute(q).all()
            return [{"id": r.id, "title": (r.meta or {}).get("title"), "site": (r.meta or {}).get("site"),
                     "published": r.published.isoformat() if r.published else None, "warnings": r.warnings,
                     "extracted": r.extracted} for r in rows]

    def failures(self) -> list[dict]:
        with self.session() as s:
            return [{"path": r.path, "error": r.error, "at": r.at.isoformat()}
                    for r in s.scalars(select(FailureRow).order_by(FailureRow.id))]

    # ---- events --------------------------------------------------------------------------
    def events(self, doc_id: str | None = None, start: date | None = None, end: date | None = None,
               event_type: str | None = None, actor: str | Iterable[str] | None = None, place: str | None = None,
               bbox: tuple[float, float, float, float] | None = None, limit: int | None = None,
               offset: int = 0, raw: bool = False, rejected: bool = False) -> list[Event]:
        """Stored events, oldest first, with analysts' corrections applied and rejected events left
        out; ``raw`` gives the extraction alone (every event, no review applied).

        ``event_type`` matches the type or the sub-type, ``actor`` (a name or a set of names, e.g. an
        actor's aliases) actor1, actor2 or an associated actor, ``place`` the location or the place
        id; all case-insensitively.  Filters see the reviewed values; ``offset`` and ``limit`` slice
        what the filters (and reviews) leave."""
        from ..review import apply
        names = {actor.lower()} if isinstance(actor, str) else {a.lower() for a in actor or ()}
        conds = self._event_conds(doc_id, start, end, event_type, bbox)
        reviews = {} if raw else self.reviews()
        # the stored JSON as text, parsed by pydantic in one pass (json.loads, then validating, took twice as long)
        q = select(cast(EventRow.data, Text)).order_by(EventRow.event_date, EventRow.event_id)
        if conds:
            cond = and_(*conds)
            if reviews:  # a correction may move an event into the selection: check those in Python
                cond = or_(cond, and_(EventRow.event_id.in_(list(reviews)),
                                      *([EventRow.doc_id == doc_id] if doc_id else [])))
            q = q.where(cond)
        if raw and not (names or place):  # SQL selects exactly what the filters would: page there
            if offset:
                q = q.offset(offset)
            if limit:
                q = q.limit(limit)
            offset = 0
        with self.session() as s, paused():
            found = [Event.model_validate_json(d) for d in s.scalars(q)]
        out = []
        for ev in found:
            rs = reviews.get(ev.event_id)
            if rs:
                if not rejected and _status(rs) == "rejected":
                    continue
                ev = apply(ev, rs)
            if _matches(ev, start, end, event_type, names, place, bbox):
                out.append(ev)
        if reviews:  # a corrected date may change the order
            out.sort(key=lambda e: (e.event_date, e.event_id))
        return out[offset:offset + limit] if limit else out[offset:]

    def count_events(self, doc_id: str | None = None, start: date | None = None, end: date | None = None,
                     event_type: str | None = None, actor: str | Iterable[str] | None = None,
                     place: str | None = None, bbox: tuple[float, float, float, float] | None = None,
                     raw: bool = False, rejected: bool = False) -> int:
        """How many events ``events`` gives for the same filters (reviews applied unless ``raw``)."""
        names = {actor} if isinstance(actor, str) else set(actor or ())
        if raw and not (names or place):
            q = select(func.count()).select_from(EventRow)
            conds = self._event_conds(doc_id, start, end, event_type, bbox)
            if conds:
                q = q.where(and_(*conds))
            with self.session() as s:
                return s.scalar(q) or 0
        return len(self.events(doc_id, start, end, event_type, actor, place, bbox, raw=raw, rejected=rejected))

    @staticmethod
    def _event_conds(doc_id, start, end, event_type, bbox) -> list:
        conds = []
        if doc_id:
            conds.append(EventRow.doc_id == doc_id)
        if start:
            conds.append(EventRow.event_date >= start)
        if end:
            conds.append(EventRow.event_date <= end)
        if event_type:
            t = event_type.lower()
            conds.append((func.lower(EventRow.event_type) == t) | (func.lower(EventRow.sub_event_type) == t))
        if bbox:
            w, so, e, n = bbox
            conds.append(and_(EventRow.longitude >= w, EventRow.longitude <= e, EventRow.latitude >= so,
                              EventRow.latitude <= n))
        return conds

    # ---- reviews -------------------------------------------------------------------------
    def reviews(self, event_id: str | None = None, among: Iterable[str] | None = None) -> dict[str, list[dict]]:
        """Every review by event id, oldest first (the history is never edited); of one event, or
        of the events ``among`` (a page's)."""
        q = select(ReviewRow).order_by(ReviewRow.id)
        if event_id:
            q = q.where(ReviewRow.event_id == event_id)
        if among is not None:
            q = q.where(ReviewRow.event_id.in_(list(among)))
        out: dict[str, list[dict]] = {}
        with self.session() as s:
            for r in s.scalars(q):
                out.setdefault(r.event_id, []).append(
                    {"id": r.id, "event_id": r.event_id, "action": r.action, "field": r.field,
                     "old_value": r.old_value, "new_value": r.new_value, "reviewer": r.reviewer,
                     "at": r.at.isoformat()})
        return out

    def event(self, event_id: str, raw: bool = False) -> Event | None:
        """One event (corrections applied unless ``raw``), rejected or not."""
        from ..review import apply
        with self.session() as s:
            row = s.get(EventRow, event_id)
            if row is None:
                return None
            ev = Event.model_validate(row.data)
        return ev if raw else apply(ev, self.reviews(event_id).get(event_id, []))

    def add_reviews(self, event_id: str, action: str, rows: list[tuple[str | None, str | None]],
                    reviewer: str) -> list[dict]:
        """Store one action (one row per field a correction sets) in one transaction."""
        with self.session() as s, s.begin():
            er = s.get(EventRow, event_id)
            if er is None:
                raise KeyError(event_id)
            added = []
            for field, value in rows:
                old = er.data.get(field) if field else None
                r = ReviewRow(event_id=event_id, action=action, field=field,
                              old_value=None if old is None else str(old), new_value=value, reviewer=reviewer)
                s.add(r)
                added.append(r)
            s.flush()
            return [{"id": r.id, "event_id": r.event_id, "action": r.action, "field": r.field,
                     "old_value": r.old_value, "new_value": r.new_value, "reviewer": r.reviewer,
                     "at": r.at.isoformat()} for r in added]

    def event_timestamps(self) -> dict[str, int]:
        """Unix seconds an event last changed: its page's ingestion, or its latest review."""
        out: dict[str, int] = {}
        with self.session() as s:
            for eid, at in s.execute(select(EventRow.event_id, DocumentRow.ingested_at)
                                     .join(DocumentRow, DocumentRow.id == EventRow.doc_id)):
                out[eid] = int(at.replace(tzinfo=timezone.utc).timestamp())
            for eid, at in s.execute(select(ReviewRow.event_id, func.max(ReviewRow.at)).group_by(ReviewRow.event_id)):
                out[eid] = max(out.get(eid, 0), int(at.replace(tzinfo=timezone.utc).timestamp()))
        return out

    def proposals(self) -> list[dict]:
        with self.session() as s:
            return [{"id": r.id, "doc_id": r.doc_id, "status": r.status, **r.data}
                    for r in s.scalars(select(ProposalRow).order_by(ProposalRow.id))]

    def set_proposal_status(self, proposal_id: int, status: str) -> dict | None:
        with self.session() as s, s.begin():
            row = s.get(ProposalRow, proposal_id)
            if row is None:
                return None
            row.status = status
            data = dict(row.data)
            data["status"] = status
            row.data = data
            return {"id": row.id, "doc_id": row.doc_id, **data}

    def unresolved(self) -> list[dict]:
        with self.session() as s:
            return [{"name": r.name, "doc_id": r.doc_id, "sentence": r.sentence, "start": r.start, "end": r.end}
                    for r in s.scalars(select(UnresolvedRow).order_by(UnresolvedRow.name))]

    def control_statements(self) -> list[dict]:
        with self.session() as s:
            return [r.data for r in s.scalars(select(ControlStatementRow))]

    # ---- gazetteer -----------------------------------------------------------------------
    def places(self) -> Iterator[Place]:
        with self.session() as s:
            for data in s.scalars(select(GazetteerRow.data)):
                yield Place.model_validate(data)


def _status(reviews: list[dict]) -> str:
    from ..review import status
    return status(reviews)


def _matches(ev: Event, start, end, event_type, names: set[str], place, bbox) -> bool:
    if start and ev.event_date < start or end and ev.event_date > end:
        return False
    if event_type and event_type.lower() not in (ev.event_type.lower(), ev.sub_event_type.lower()):
        return False
    if names:
        actors = {ev.actor1, ev.actor2, *ev.assoc_actor_1.split(";"), *ev.assoc_actor_2.split(";")}
        if not names & {a.strip().lower() for a in actors if a.strip()}:
            return False
    if place and place.lower() not in (ev.location.lower(), (ev.place_id or "").lower()):
        return False
    if bbox:
        w, so, e, n = bbox
        if ev.latitude is None or ev.longitude is None or not (w <= ev.longitude <= e and so <= ev.latitude <= n):
            return False
    return True


def _doc(row: DocumentRow) -> Document:
    return Document(id=row.id, source_path=row.source_path, media_type=row.media_type, raw=row.raw,
                    sha256=row.sha256, article=row.article, comments=row.comments or [],
                    boilerplate=row.boilerplate or [], meta=DocumentMeta.model_validate(row.meta or {}),
                    warnings=row.warnings or [])
