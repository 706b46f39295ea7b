"""Which id a page is stored under, or which stored document it repeats: one rule for every path.

The local batch (batch.py) and the Dask path (scale.py) read pages in workers and decide here, in
input order, in the one process that writes the store, so both give a page the same id.  A page
whose bytes are stored already (or taken earlier in the same batch) is a duplicate; a page whose
stem another page took gets its file name, then its name with a piece of its hash ("a.md" and
"a.txt" are two documents, not one and a duplicate).  With ``reprocess`` a page already stored
is rebuilt under its stored id.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .ingest.readers import clean_text
from .records import Document


@dataclass
class Decision:
    kind: str  # "new", "again" (reprocessed under its stored id), "duplicate" or "failed"
    doc: Document
    other: str = ""  # the stored id a duplicate repeats, or why it failed


class Intake:
    def __init__(self, store, reprocess: bool = False):
        self.store, self.reprocess = store, reprocess
        self.ids: dict[str, str] = {}  # id -> sha256 of the pages taken since the last ``clear``
        self.shas: dict[str, str] = {}
        self.known: tuple | None = None  # what the store said of the pages about to come

    def clear(self) -> None:
        """The batch was written: the store answers for its pages from now on."""
        self.ids.clear()
        self.shas.clear()
        self.known = None

    def prefetch(self, pages: list[tuple[Document, Path | str]]) -> None:
        """Ask the store once about the ids and hashes of the pages ``decide`` is about to see (valid
        until the store changes: ``clear``, or a page rebuilt by ``reprocess``)."""
        ids = {c for doc, path in pages for c in candidate_ids(doc, Path(path))}
        shas = {doc.sha256 for doc, _ in pages}
        by_id, by_sha = self.store.taken(ids, shas)
        self.known = (ids, shas, by_id, by_sha)

    def _taken(self, ids: list[str], sha: str) -> tuple[dict, dict]:
        if self.known is not None and sha in self.known[1] and self.known[0].issuperset(ids):
            _, _, by_id, by_sha = self.known
            return {i: by_id[i] for i in ids if i in by_id}, ({sha: by_sha[sha]} if sha in by_sha else {})
        return self.store.taken(ids, [sha])

    def decide(self, item: Document, path: Path | str) -> Decision:
        """The page ``item`` read from the input ``path``: under which id it goes in, or why not.
        A reprocessed page is rebuilt in the store here (marked pending); a new one is only taken."""
        path = Path(path)
        ids, shas = self.ids, self.shas
        by_id, by_sha = self._taken(candidate_ids(item, path), item.sha256)
        dup = shas.get(item.sha256) or by_sha.get(item.sha256)
        if self.reprocess and not dup and item.id in by_id and item.id not in ids and \
                getattr(self.store.get_document(item.id), "source_path", None) == item.source_path:
            dup = item.id  # the same page changed since it was stored: rebuild it under its id
        if self.reprocess and dup and dup not in ids:
            try:
                item = item.model_copy(update={"id": dup})
                self.known = None  # the store changed under the answers prefetched
                self.store.replace_document(dup, item)
            except (KeyError, ValueError) as e:
                return Decision("failed", item, f"cannot reprocess: {one_line(e)}")
            self._take(item)
            return Decision("again", item)
        new_id = None
        if not dup:
            new_id = next((c for c in candidate_ids(item, path)
                           if ids.get(c, item.sha256) == item.sha256 and by_id.get(c, item.sha256) == item.sha256),
                          None)
            if new_id is None:
                dup = item.id
        if dup:
            return Decision("duplicate", item, dup)
        if new_id != item.id:
            item = item.model_copy(update={"id": new_id})
        self._take(item)
        return Decision("new", item)

    def _take(self, item: Document) -> None:
        self.ids[item.id] = item.sha256
        self.shas[item.sha256] = item.id


def candidate_ids(doc: Document, path: Path) -> list[str]:
    """The page's id, then (for a file whose stem another page took) its name with the suffix, then
    the name with a piece of its hash."""
    if doc.source_path != clean_text(str(path)):
        return [doc.id]  # a JSON line, a WARC record, a feed item: the url is the id
    name = clean_text(path.name)
    return list(dict.fromkeys([doc.id, name, f"{name}~{doc.sha256[:8]}"]))


def one_line(e: BaseException) -> str:
    msg = clean_text(" ".join(str(e).split()))[:160]
    return f"{e.__class__.__name__}: {msg}" if msg else e.__class__.__name__
