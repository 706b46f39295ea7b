"""Views kept in the store: the merged events, computed once per store state and saved with it.

A reader in another process — ``frontlines events --merged``, ``control``, ``changes``, the API
after a restart — reads the kept view instead of merging the whole store again; ``/api/events``
reads one page of it with SQL, and the control timeline only its territorial events.  A view is
current while ``Store.view_state()`` (generation, reviews) equals the state it was computed at:
saving is skipped when the store moved meanwhile, so a kept view is never newer or older than
what it says.  Saving one writes no document or event and leaves the generation alone.
"""
from __future__ import annotations

import json
from typing import Iterable

from sqlalchemy import delete, insert, select

from .models import ViewEventRow, ViewRow


def _state(state: tuple) -> str:
    return json.dumps(list(state))


class KeptViews:
    """Mixed into ``Store`` (store/db.py), which provides ``session``, ``engine`` and ``_view_state_in``."""

    def kept_view(self, key: str, state: tuple) -> int | None:
        """The number of events of the kept view ``key`` if it was computed at ``state``, else None."""
        with self.session() as s:
            row = s.execute(select(ViewRow.state, ViewRow.n).where(ViewRow.key == key)).first()
            return row.n if row is not None and row.state == _state(state) else None

    def kept_rows(self, key: str, state: tuple, territorial: bool = False) -> list[tuple[str, str]] | None:
        """(event id, event JSON) of the kept view ``key`` in its order (or of its territorial events)
        if it was computed at ``state``; None when it was not (compute it)."""
        if self.kept_view(key, state) is None:
            return None
        q = select(ViewEventRow.event_id, ViewEventRow.data).where(ViewEventRow.key == key)
        if territorial:
            q = q.where(ViewEventRow.territorial.is_(True))
        with self.engine.connect() as c:  # Core, not the ORM session: thousands of rows, no objects
            return [tuple(r) for r in c.execute(q.order_by(ViewEventRow.seq))]

    def kept_page(self, key: str, offset: int, limit: int) -> tuple[tuple, int, list[tuple[str, str]]] | None:
        """(the state it was computed at, its number of events, (event id, JSON) of the page) of the
        kept view ``key``, current or not; None when there is none.  One Core query (no ORM) for a
        page that has events: the API reads its pages this way."""
        page_q = select(ViewRow.state, ViewRow.n, ViewEventRow.event_id, ViewEventRow.data) \
            .join(ViewEventRow, ViewEventRow.key == ViewRow.key).where(ViewRow.key == key) \
            .order_by(ViewEventRow.seq).offset(offset).limit(limit)
        with self.engine.connect() as c:
            rows = c.execute(page_q).all()  # one statement: the view and its page from one snapshot
            head = rows[0] if rows else c.execute(select(ViewRow.state, ViewRow.n).where(ViewRow.key == key)).first()
        if head is None:
            return None
        return tuple(json.loads(head.state)), head.n, [(r.event_id, r.data) for r in rows]

    def save_view(self, key: str, state: tuple, events: Iterable, links: list[dict]) -> bool:
        """Keep ``events`` (records, in order) and ``links`` as the view ``key`` at ``state``; False
        (nothing written) when the store is no longer at ``state``."""
        rows = [{"key": key, "seq": i, "event_id": e.event_id, "territorial": bool(e.territorial and not e.regional()),
                 "data": e.model_dump_json()} for i, e in enumerate(events)]
        with self.session() as s, s.begin():
            s.execute(delete(ViewEventRow).where(ViewEventRow.key == key))  # the write lock first, then the check
            if tuple(self._view_state_in(s)) != tuple(state):
                s.rollback()
                return False
            s.execute(delete(ViewRow).where(ViewRow.key == key))
            s.add(ViewRow(key=key, state=_state(state), n=len(rows), links=json.dumps(links, ensure_ascii=False)))
            s.flush()
            for k in range(0, len(rows), 5000):
                s.execute(insert(ViewEventRow), rows[k:k + 5000])
        return True

    def view_links(self, key: str) -> list[dict]:
        with self.session() as s:
            row = s.get(ViewRow, key)
            return json.loads(row.links) if row is not None else []

    def drop_views(self) -> None:
        """Forget every kept view (the next reader computes and keeps it again)."""
        with self.session() as s, s.begin():
            s.execute(delete(ViewEventRow))
            s.execute(delete(ViewRow))
