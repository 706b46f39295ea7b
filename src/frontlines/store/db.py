"""The store: SQLAlchemy 2 models and the only code that talks SQL.

SQLite by default (a file path or URL via ``--db`` / ``FRONTLINES_DB``); any SQLAlchemy URL
(PostgreSQL) works the same.  Every query is built by SQLAlchemy with bound parameters.
Documents are keyed by id and by the hash of their raw bytes, so a page ingested twice is
stored once; a failure is recorded with its reason and never touches what is stored.
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text,
                        and_, create_engine, delete, event, func, insert, or_, select)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ..records import Document, DocumentMeta, Event, Place, Proposal

DEFAULT_DB = "frontlines.db"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(2048), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    source_path: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    article: Mapped[str] = mapped_column(Text)
    comments: Mapped[list] = mapped_column(JSON, default=list)
    boilerplate: Mapped[list] = mapped_column(JSON, default=list)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    published: Mapped[date | None] = mapped_column(Date, index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    extracted: Mapped[bool] = mapped_column(Boolean, default=False)


class EventRow(Base):
    __tablename__ = "events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    event_date: Mapped[date] = mapped_column(Date, index=True)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    sub_event_type: Mapped[str] = mapped_column(String(64))
    actor1: Mapped[str] = mapped_column(String(256), index=True)
    actor2: Mapped[str] = mapped_column(String(256), default="")
    location: Mapped[str] = mapped_column(String(256), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict] = mapped_column(JSON)  # the whole Event record as extracted, never edited


class FailureRow(Base):
    __tablename__ = "failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class ProposalRow(Base):
    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    data: Mapped[dict] = mapped_column(JSON)


class UnresolvedRow(Base):
    __tablename__ = "unresolved_places"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(256), index=True)
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class ControlStatementRow(Base):
    __tablename__ = "control_statements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JSON)


class StateRow(Base):
    """Counters about the store itself: ``generation`` grows with every change to documents or events,
    so derived views (merged events, the control timeline) are recomputed only when it moved."""
    __tablename__ = "store_state"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class SignatureRow(Base):
    """A document's MinHash signature (merge/minhash.py), computed once at ingest."""
    __tablename__ = "doc_signatures"
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    sig: Mapped[bytes | None] = mapped_column(LargeBinary)


class BandRow(Base):
    """LSH band keys: documents sharing one are repost candidates (an index lookup, not a pairwise scan)."""
    __tablename__ = "doc_bands"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    band: Mapped[int] = mapped_column(BigInteger, index=True)  # 63-bit keys
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)


class RepostRow(Base):
    """A stored page that repeats an earlier one (similarity = shared 5-word shingles / the smaller set)."""
    __tablename__ = "reposts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    original: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    repost: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    similarity: Mapped[float] = mapped_column(Float)


class GazetteerRow(Base):
    __tablename__ = "gazetteer"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)


class ReviewRow(Base):
    """An analyst's action on an event: accept, correct a field, reject.  Never edits the event."""
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.event_id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)


def db_url(db: str | None = None) -> str:
    db = db or os.environ.get("FRONTLINES_DB") or DEFAULT_DB
    return db if "://" in db else f"sqlite:///{Path(db).expanduser()}"


class Store:
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

    def replace_document(self, doc_id: str, doc: Document) -> None:
        """Rebuild a stored document from its page again (``ingest --reprocess``): new metadata and
        text under the stored id, marked pending so it is extracted again; reviews are kept."""
        with self.session() as s, s.begin():
            row = s.get(DocumentRow, doc_id)
            if row is None:
                raise KeyError(doc_id)
            if row.sha256 != doc.sha256 and s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == doc.sha256)):
                raise ValueError(f"the same bytes are stored under another id than {doc_id}")
            article_changed = row.article != doc.article
            row.sha256, row.raw, row.media_type = doc.sha256, doc.raw, doc.media_type
            row.source_path = doc.source_path or row.source_path
            row.article, row.comments, row.boilerplate = doc.article, doc.comments, doc.boilerplate
            row.meta, row.warnings = json.loads(doc.meta.model_dump_json()), doc.warnings
            row.published, row.extracted = doc.meta.published, False
            if article_changed:  # its repost signature follows the new text
                from ..merge import minhash
                for model in (SignatureRow, BandRow):
                    s.execute(delete(model).where(model.doc_id == doc_id))
                s.execute(delete(RepostRow).where((RepostRow.original == doc_id) | (RepostRow.repost == doc_id)))
                s.flush()
                self._index_repost(s, doc_id, doc.article, minhash)
            self._bump(s)

    def save_extraction(self, doc_id: str, events: Iterable[Event], proposals: Iterable[Proposal] = (),
                        unresolved: Iterable[dict] = (), control: Iterable = (), notes: Iterable[str] = ()) -> None:
        """Replace a document's derived data in one transaction and mark it extracted; ``notes`` (what
        the extraction could not do, extract/report.py) replace the document's earlier ones."""
        with self.session() as s, s.begin():
            self._save_extraction(s, doc_id, events, proposals, unresolved, control, notes)
            self._bump(s)

    @staticmethod
    def _save_extraction(s: Session, doc_id: str, events: Iterable[Event], proposals: Iterable[Proposal] = (),
                         unresolved: Iterable[dict] = (), control: Iterable = (), notes: Iterable[str] = ()) -> None:
        events = list(events)
        notes = list(notes)
        row = s.get(DocumentRow, doc_id)
        if row is not None:
            kept = [w for w in (row.warnings or []) if not str(w).startswith("extract: ")]
            row.warnings = kept + notes
        for model in (ProposalRow, UnresolvedRow, ControlStatementRow):
            s.execute(delete(model).where(model.doc_id == doc_id))
        # events extracted again keep their id and so their reviews; only vanished ones go
        s.execute(delete(EventRow).where(EventRow.doc_id == doc_id,
                                         EventRow.event_id.not_in([ev.event_id for ev in events])))
        for ev in events:
            s.merge(EventRow(event_id=ev.event_id, doc_id=doc_id, event_date=ev.event_date,
                             event_type=ev.event_type, sub_event_type=ev.sub_event_type, actor1=ev.actor1,
                             actor2=ev.actor2, location=ev.location, latitude=ev.latitude,
                             longitude=ev.longitude, data=json.loads(ev.model_dump_json())))
        for p in proposals:
            s.add(ProposalRow(doc_id=doc_id, kind=p.kind, status=p.status, data=json.loads(p.model_dump_json())))
        for u in unresolved:
            s.add(UnresolvedRow(doc_id=doc_id, name=u["name"], sentence=u["sentence"], start=u["start"],
                                end=u["end"]))
        for c in control:
            s.add(ControlStatementRow(doc_id=doc_id, data=json.loads(c.model_dump_json())))
        if row is not None:
            row.extracted = True

    def record_failure(self, path: str, error: str) -> None:
        with self.session() as s, s.begin():
            s.add(FailureRow(path=path, error=error))

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
            gen = s.scalar(select(StateRow.value).where(StateRow.key == "generation")) or 0
            n, last = s.execute(select(func.count(ReviewRow.id), func.max(ReviewRow.id))).one()
            return gen, n, last

    @staticmethod
    def _bump(s: Session) -> None:
        row = s.get(StateRow, "generation")
        if row is None:
            s.add(StateRow(key="generation", value=1))
        else:
            row.value = (row.value or 0) + 1

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

    def add_documents(self, docs: list[Document]) -> list[tuple[str, str, float]]:
        """Store documents in one transaction with their MinHash signatures; returns the reposts found
        (original, repost, similarity) by LSH candidates checked exactly.  Documents already stored
        (same id or same bytes) must have been filtered out by the caller."""
        from ..merge import minhash

        found: list[tuple[str, str, float]] = []
        if not docs:
            return found
        with self.session() as s, s.begin():
            for doc in docs:
                s.add(DocumentRow(id=doc.id, sha256=doc.sha256, source_path=doc.source_path,
                                  media_type=doc.media_type, raw=doc.raw, article=doc.article, comments=doc.comments,
                                  boilerplate=doc.boilerplate, meta=json.loads(doc.meta.model_dump_json()),
                                  warnings=doc.warnings, published=doc.meta.published))
            s.flush()
            for doc in docs:
                found += self._index_repost(s, doc.id, doc.article, minhash)
            self._bump(s)
        return found

    def _index_repost(self, s: Session, doc_id: str, article: str, minhash) -> list[tuple[str, str, float]]:
        sig = minhash.signature(article)
        s.add(SignatureRow(doc_id=doc_id, sig=sig))
        if sig is None:
            return []
        keys = minhash.bands(sig)
        cands = list(dict.fromkeys(s.scalars(select(BandRow.doc_id).where(BandRow.band.in_(keys),
                                                                          BandRow.doc_id != doc_id))))
        out = []
        for cand in cands:
            other = s.scalar(select(DocumentRow.article).where(DocumentRow.id == cand))
            sim = minhash.containment(other or "", article)
            if sim >= minhash.THRESHOLD:
                out.append((cand, doc_id, round(sim, 2)))
                s.add(RepostRow(original=cand, repost=doc_id, similarity=round(sim, 2)))
        s.execute(insert(BandRow), [{"band": k, "doc_id": doc_id} for k in keys])
        return out

    def index_missing_signatures(self) -> int:
        """Documents stored before signatures existed get theirs (once), in ingest order."""
        from ..merge import minhash

        with self.session() as s:
            missing = list(s.scalars(select(DocumentRow.id).where(~DocumentRow.id.in_(select(SignatureRow.doc_id)))
                                     .order_by(DocumentRow.ingested_at, DocumentRow.id)))
        for i in range(0, len(missing), 200):
            with self.session() as s, s.begin():
                for doc_id in missing[i:i + 200]:
                    self._index_repost(s, doc_id, s.scalar(select(DocumentRow.article)
                                                           .where(DocumentRow.id == doc_id)) or "", minhash)
                self._bump(s)
        return len(missing)

    def reposts(self) -> list[tuple[str, str, float]]:
        with self.session() as s:
            return [tuple(r) for r in s.execute(select(RepostRow.original, RepostRow.repost, RepostRow.similarity)
                                                .order_by(RepostRow.id))]

    def save_extractions(self, items: list[tuple]) -> None:
        """``save_extraction`` for many documents in one transaction: [(doc_id, Extraction[, notes]), ...]."""
        if not items:
            return
        with self.session() as s, s.begin():
            for doc_id, ex, *rest in items:
                self._save_extraction(s, doc_id, ex.events, ex.proposals, ex.unresolved, ex.control,
                                      rest[0] if rest else ())
            self._bump(s)

    def mark_failed(self, doc_id: str, reason: str) -> None:
        """Extraction of a stored document failed: it is recorded and no longer pending (never retried
        forever); ``forget`` removes it, and a later ``ingest`` of the page stores it afresh."""
        with self.session() as s, s.begin():
            row = s.get(DocumentRow, doc_id)
            if row is not None:
                row.extracted = True
                row.warnings = [*(row.warnings or []), f"extraction failed: {reason}"]
            s.add(FailureRow(path=(row.source_path if row is not None else None) or doc_id,
                             error=f"extraction failed: {reason}"))
            self._bump(s)

    def record_failures(self, items: list[tuple[str, str]]) -> None:
        """Many failures in one transaction (a file of a million bad lines is refused in minutes)."""
        if not items:
            return
        with self.session() as s, s.begin():
            s.execute(insert(FailureRow), [{"path": p, "error": e, "at": _now()} for p, e in items])

    def forget(self, doc_id: str) -> bool:
        """Remove a stored document and everything derived from it (events, reviews, proposals, ...)."""
        with self.session() as s, s.begin():
            row = s.get(DocumentRow, doc_id)
            if row is None:
                return False
            ev_ids = select(EventRow.event_id).where(EventRow.doc_id == doc_id)
            s.execute(delete(ReviewRow).where(ReviewRow.event_id.in_(ev_ids)))
            for model in (EventRow, ProposalRow, UnresolvedRow, ControlStatementRow, SignatureRow, BandRow):
                s.execute(delete(model).where(model.doc_id == doc_id))
            s.execute(delete(RepostRow).where((RepostRow.original == doc_id) | (RepostRow.repost == doc_id)))
            s.delete(row)
            self._bump(s)
        return True

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
        q = select(EventRow.data).order_by(EventRow.event_date, EventRow.event_id)
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
        with self.session() as s:
            found = [Event.model_validate(d) for d in s.scalars(q)]
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
    def reviews(self, event_id: str | None = None) -> dict[str, list[dict]]:
        """Every review by event id, oldest first (the history is never edited)."""
        q = select(ReviewRow).order_by(ReviewRow.id)
        if event_id:
            q = q.where(ReviewRow.event_id == event_id)
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
    def add_places(self, places: Iterable[Place], batch: int = 5000) -> int:
        n = 0
        buf: list[Place] = []

        def flush() -> None:  # bulk replace: one DELETE and one multi-row INSERT per batch
            with self.session() as s, s.begin():
                s.execute(delete(GazetteerRow).where(GazetteerRow.id.in_([p.id for p in buf])))
                s.execute(insert(GazetteerRow), [{"id": p.id, "data": p.model_dump()} for p in buf])
        for p in places:
            buf.append(p)
            n += 1
            if len(buf) >= batch:
                flush()
                buf.clear()
        if buf:
            flush()
        return n

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
