"""The store's writes: documents with their repost index, extractions, failures, places, forgetting.

Writes are bulk statements of plain rows, one transaction per batch.  What costs CPU per page is
computed before the write, where the page was read or extracted (a worker): the MinHash
fingerprint of its article (``minhash.Fingerprint``) and the rows of its extraction
(``extraction_rows``), so the one process that writes does little more than insert them.  Every
transaction that changes documents or events bumps the store's generation (views are cached on it).
"""
from __future__ import annotations

import json
import time
from collections import OrderedDict
from typing import Iterable

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..records import Document, Event, Place, Proposal
from .models import (BandRow, ControlStatementRow, DocumentRow, EventRow, FailureRow, GazetteerRow, ProposalRow,
                     RepostRow, ReviewRow, SignatureRow, StateRow, UnresolvedRow, _now)

SHINGLE_CACHE = 8192  # articles whose shingle hashes are kept to check later pages against them


# a band key this many documents share is boilerplate (a site's footer, a wire template), not a sign of a repost
COMMON_BAND = 32


def _candidates(rows) -> list[str]:
    """The documents worth checking as originals of a new one, from the band rows (order key, band,
    doc id) its band keys matched: those sharing two of its keys, or one that few documents share;
    each once, earliest indexed first (the pairwise check's order).  A band that hundreds of pages
    share (the same boilerplate sentence) would otherwise make every one of them a candidate of every
    new page, and the check grew with the store; a real copy shares many bands (at Jaccard similarity
    0.3, two or more with probability 0.98)."""
    size: dict[int, int] = {}
    for _, band, _ in rows:
        size[band] = size.get(band, 0) + 1
    seen: dict[str, list] = {}  # doc -> [first row id, bands shared, shares a rare one]
    for rid, band, doc in rows:
        e = seen.setdefault(doc, [rid, 0, False])
        e[0] = min(e[0], rid)
        e[1] += 1
        e[2] = e[2] or size[band] < COMMON_BAND
    return [doc for doc, (_, n, rare) in sorted(seen.items(), key=lambda kv: kv[1][0]) if n >= 2 or rare]


def extraction_rows(doc_id: str, ex, notes: Iterable[str] = ()) -> dict:
    """The rows an extraction is stored as (plain data: built in a worker, pickled to the writer)."""
    return {"doc_id": doc_id, "notes": list(notes),
            "events": [{"event_id": ev.event_id, "doc_id": doc_id, "event_date": ev.event_date,
                        "event_type": ev.event_type, "sub_event_type": ev.sub_event_type, "actor1": ev.actor1,
                        "actor2": ev.actor2, "location": ev.location, "latitude": ev.latitude,
                        "longitude": ev.longitude, "data": json.loads(ev.model_dump_json())} for ev in ex.events],
            "proposals": [{"doc_id": doc_id, "kind": p.kind, "status": p.status, "data": json.loads(p.model_dump_json())}
                          for p in ex.proposals],
            "unresolved": [{"doc_id": doc_id, "name": u["name"], "sentence": u["sentence"], "start": u["start"],
                            "end": u["end"]} for u in ex.unresolved],
            "control": [{"doc_id": doc_id, "data": json.loads(c.model_dump_json())} for c in ex.control]}


class _Rows:
    """An extraction given as separate parts (``save_extraction``'s arguments)."""
    def __init__(self, events, proposals, unresolved, control):
        self.events, self.proposals, self.unresolved, self.control = list(events), proposals, unresolved, control


class Writes:
    """Mixed into ``Store`` (store/db.py), which provides ``session``."""

    _shingle_cache: "OrderedDict"  # set by Store.__init__

    def _shingles(self) -> "OrderedDict":
        return self._shingle_cache

    writing = False  # an ingest is writing batch after batch (batch.py sets it): said with every bump

    def _bump(self, s: Session) -> None:
        self._set(s, "generation", None)
        if self.writing:
            self._set(s, "writing", int(time.time()))

    @staticmethod
    def _set(s: Session, key: str, value: int | None) -> None:
        """Set a counter of the store (``value`` None: add one)."""
        row = s.get(StateRow, key)
        if row is None:
            s.add(StateRow(key=key, value=1 if value is None else value))
        else:
            row.value = (row.value or 0) + 1 if value is None else value

    def write_batches(self, on: bool) -> None:
        """An ingest begins (or ends): until it ends, each of its writes stamps ``writing`` with the time,
        so readers know that the store keeps moving (serve/views.py answers from the last view then)."""
        self.writing = on
        with self.session() as s, s.begin():
            self._set(s, "writing", int(time.time()) if on else 0)

    # ---- documents -----------------------------------------------------------------------
    def add_documents(self, docs: list[Document], prints: dict | None = None) -> list[tuple[str, str, float]]:
        """Store documents in one transaction with their MinHash signatures; returns the reposts found
        (original, repost, similarity) by LSH candidates checked exactly.  ``prints`` may give the
        ``minhash.Fingerprint`` of a document's article by id (else it is computed here).  Documents
        already stored (same id or same bytes) must have been filtered out by the caller."""
        from ..merge import minhash

        found: list[tuple[str, str, float]] = []
        if not docs:
            return found
        prints = prints or {}
        fps = {d.id: prints.get(d.id) or minhash.fingerprint(d.article) for d in docs}
        with self.session() as s, s.begin():
            s.execute(insert(DocumentRow.__table__), [  # Core: the ORM's bulk path costs more per row
                {"id": d.id, "sha256": d.sha256, "source_path": d.source_path, "media_type": d.media_type,
                 "raw": d.raw, "article": d.article, "comments": d.comments, "boilerplate": d.boilerplate,
                 "meta": json.loads(d.meta.model_dump_json()), "warnings": d.warnings,
                 "published": d.meta.published, "ingested_at": _now(), "extracted": False} for d in docs])
            found += self._index_reposts(s, [(d.id, fps[d.id]) for d in docs], fps)
            self._bump(s)
        self._remember(fps)
        return found

    def _remember(self, fps: dict) -> None:
        cache = self._shingles()
        for doc_id, fp in fps.items():
            cache[doc_id] = fp.hashes
            cache.move_to_end(doc_id)
        while len(cache) > SHINGLE_CACHE:
            cache.popitem(last=False)

    def _index_repost(self, s: Session, doc_id: str, fp, batch: dict | None = None) -> list[tuple[str, str, float]]:
        return self._index_reposts(s, [(doc_id, fp)], batch)

    def _index_reposts(self, s: Session, items: list[tuple[str, object]],
                       batch: dict | None = None) -> list[tuple[str, str, float]]:
        """Index documents' signatures, in order, and record each as a repost of the documents it
        repeats, stored before or earlier in ``items`` (``batch``: the fingerprints of the documents
        stored in the same transaction).  The stored band rows are read in one query and the new rows
        written in one statement each: a query and two inserts a document were a third of the
        writer's time.  Each document sees the earlier ones' bands as if they had been written first."""
        from ..merge import minhash
        if not items:
            return []
        s.execute(insert(SignatureRow.__table__), [{"doc_id": d, "sig": fp.sig} for d, fp in items])
        keys = list({k for _, fp in items if fp.sig is not None for k in fp.bands})
        ours = {d for d, _ in items}
        stored: dict[int, list[tuple]] = {}
        for k in range(0, len(keys), 5000):
            for rid, band, doc in s.execute(select(BandRow.id, BandRow.band, BandRow.doc_id)
                                            .where(BandRow.band.in_(keys[k:k + 5000]))):
                if doc not in ours:
                    stored.setdefault(band, []).append(((0, rid), doc))
        pending: dict[int, list[tuple]] = {}  # band -> (order, doc) of this call's documents so far
        cache = self._shingles()
        out, bands = [], []
        for doc_id, fp in items:
            if fp.sig is None:
                continue
            rows = [(rid, band, doc) for band in dict.fromkeys(fp.bands)
                    for rid, doc in stored.get(band, []) + pending.get(band, []) if doc != doc_id]
            for cand in _candidates(rows):
                other = batch[cand].hashes if batch and cand in batch else cache.get(cand)
                if other is None:
                    article = s.scalar(select(DocumentRow.article).where(DocumentRow.id == cand)) or ""
                    other = minhash.shingle_hashes(minhash.shingles(article))
                sim = minhash.hashed_containment(other, fp.hashes)
                if sim >= minhash.THRESHOLD:
                    out.append((cand, doc_id, round(sim, 2)))
            for k in fp.bands:
                pending.setdefault(k, []).append(((1, len(bands)), doc_id))
                bands.append({"band": k, "doc_id": doc_id})
        if out:
            s.execute(insert(RepostRow), [{"original": a, "repost": b, "similarity": x} for a, b, x in out])
        if bands:  # a Core insert: the ORM's bulk path cost more per row than the rows themselves
            s.execute(insert(BandRow.__table__), bands)
        return out

    def index_missing_signatures(self) -> int:
        """Documents stored before signatures existed get theirs (once), in ingest order."""
        from ..merge import minhash

        with self.session() as s:
            missing = list(s.scalars(select(DocumentRow.id).where(~DocumentRow.id.in_(select(SignatureRow.doc_id)))
                                     .order_by(DocumentRow.ingested_at, DocumentRow.id)))
        for i in range(0, len(missing), 200):
            with self.session() as s, s.begin():
                part = []
                for doc_id in missing[i:i + 200]:
                    article = s.scalar(select(DocumentRow.article).where(DocumentRow.id == doc_id)) or ""
                    part.append((doc_id, minhash.fingerprint(article)))
                self._index_reposts(s, part)
                self._bump(s)
        return len(missing)

    def replace_document(self, doc_id: str, doc: Document) -> None:
        """Rebuild a stored document from its page again (``ingest --reprocess``): new metadata and
        text under the stored id, marked pending so it is extracted again; reviews are kept."""
        from ..merge import minhash
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
                for model in (SignatureRow, BandRow):
                    s.execute(delete(model).where(model.doc_id == doc_id))
                s.execute(delete(RepostRow).where((RepostRow.original == doc_id) | (RepostRow.repost == doc_id)))
                s.flush()
                self._shingles().pop(doc_id, None)
                self._index_repost(s, doc_id, minhash.fingerprint(doc.article))
            self._bump(s)

    # ---- extractions ---------------------------------------------------------------------
    def save_extraction(self, doc_id: str, events: Iterable[Event], proposals: Iterable[Proposal] = (),
                        unresolved: Iterable[dict] = (), control: Iterable = (), notes: Iterable[str] = ()) -> None:
        """Replace a document's derived data in one transaction and mark it extracted; ``notes`` (what
        the extraction could not do, extract/report.py) replace the document's earlier ones."""
        self.save_extractions([(doc_id, _Rows(events, proposals, unresolved, control), list(notes))])

    def save_extractions(self, items: list[tuple]) -> None:
        """``save_extraction`` for many documents in one transaction: [(doc_id, Extraction[, notes]), ...]."""
        self.save_extraction_rows([extraction_rows(doc_id, ex, rest[0] if rest else ()) for doc_id, ex, *rest in items])

    def save_extraction_rows(self, items: list[dict]) -> None:
        """Extractions given as ``extraction_rows``, in one transaction.  A document's proposals,
        unresolved places and control statements are replaced; events extracted again keep their
        id and so their reviews, vanished ones go; the document is marked extracted."""
        if not items:
            return
        by_doc = {it["doc_id"]: it for it in items}  # the same document twice: the last extraction counts
        ids = list(by_doc)
        events = {e["event_id"]: e for it in by_doc.values() for e in it["events"]}  # one id twice: the last
        with self.session() as s, s.begin():
            warnings, existing = {}, set()
            for k in range(0, len(ids), 500):
                part = ids[k:k + 500]
                warnings.update((d, w) for d, w in s.execute(select(DocumentRow.id, DocumentRow.warnings)
                                                                   .where(DocumentRow.id.in_(part))))
                for model in (ProposalRow, UnresolvedRow, ControlStatementRow):
                    s.execute(delete(model).where(model.doc_id.in_(part)))
                vanished = [eid for eid, doc in s.execute(select(EventRow.event_id, EventRow.doc_id)
                                                          .where(EventRow.doc_id.in_(part)))
                            if eid not in events]
                for j in range(0, len(vanished), 500):
                    s.execute(delete(EventRow).where(EventRow.event_id.in_(vanished[j:j + 500])))
            eids = list(events)
            for k in range(0, len(eids), 500):
                existing.update(s.scalars(select(EventRow.event_id).where(EventRow.event_id.in_(eids[k:k + 500]))))
            new = [e for eid, e in events.items() if eid not in existing]
            old = [e for eid, e in events.items() if eid in existing]
            if new:
                s.execute(insert(EventRow), new)
            if old:
                s.execute(update(EventRow), old)
            for key, model in (("proposals", ProposalRow), ("unresolved", UnresolvedRow),
                               ("control", ControlStatementRow)):
                rows = [r for it in by_doc.values() for r in it[key]]
                if rows:
                    s.execute(insert(model), rows)
            docs = [{"id": d, "extracted": True,
                     "warnings": [w for w in (warnings[d] or []) if not str(w).startswith("extract: ")]
                     + by_doc[d]["notes"]} for d in ids if d in warnings]
            if docs:
                s.execute(update(DocumentRow), docs)
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

    # ---- failures, forgetting, places ----------------------------------------------------
    def record_failure(self, path: str, error: str) -> None:
        self.record_failures([(path, error)])

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
        self._shingles().pop(doc_id, None)
        return True

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
