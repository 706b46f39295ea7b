"""The store's tables (SQLAlchemy 2 declarative models); store/db.py and store/writes.py use them."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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


class ViewRow(Base):
    """A derived view kept in the store (store/views.py): the merged events, computed at the store
    state ``state`` (``Store.view_state()`` as JSON) and current while the store is still there."""
    __tablename__ = "views"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)  # "merged", "merged-raw"
    state: Mapped[str] = mapped_column(String(128))
    n: Mapped[int] = mapped_column(Integer)
    links: Mapped[str] = mapped_column(Text)  # JSON: the merge's explanations
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class ViewEventRow(Base):
    """One event of a kept view, in the view's order; ``territorial`` marks what the control timeline reads."""
    __tablename__ = "view_events"
    key: Mapped[str] = mapped_column(ForeignKey("views.key", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))
    territorial: Mapped[bool] = mapped_column(Boolean, index=True)
    data: Mapped[str] = mapped_column(Text)  # the merged Event as JSON
