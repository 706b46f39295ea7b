"""Stage 1 — ingest: bytes in, ``Document`` out (raw kept untouched, article separated)."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator

from ..records import Document
from .build import build_document
from .errors import IngestError
from .readers import MAX_BYTES, RawPage, read_path

__all__ = ["IngestError", "RawPage", "build_document", "ingest_path", "read_path"]


def ingest_path(path: str | Path, published: date | None = None,
                max_bytes: int = MAX_BYTES) -> Iterator[Document | IngestError]:
    """Every page in ``path`` as a Document, or the IngestError that stopped it."""
    for item in read_path(path, max_bytes=max_bytes):
        if isinstance(item, IngestError):
            yield item
            continue
        try:
            yield build_document(item, published)
        except IngestError as e:
            yield e
