"""Stage 1 — ingest: bytes in, ``Document`` out (raw kept untouched, article separated)."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator

from ..records import Document
from .build import build_document
from .errors import IngestError
from .readers import MAX_BYTES, RawPage, clean_text, read_path

__all__ = ["IngestError", "RawPage", "build_document", "build_safely", "ingest_path", "read_path", "read_safely"]


def ingest_path(path: str | Path, published: date | None = None, max_bytes: int = MAX_BYTES,
                root: Path | None = None) -> Iterator[Document | IngestError]:
    """Every page in ``path`` as a Document, or the IngestError that stopped it.

    Whatever goes wrong with one page (a reader or a parser giving up in a way nobody
    foresaw) becomes that page's IngestError with a one-line reason; the next page goes on.
    """
    for item in read_safely(path, max_bytes, root):
        yield item if isinstance(item, IngestError) else build_safely(item, published)


def read_safely(path: str | Path, max_bytes: int = MAX_BYTES, root: Path | None = None) -> Iterator[RawPage | IngestError]:
    """``read_path``, ending with an IngestError (not an exception) where a reader gives up."""
    pages = read_path(path, max_bytes=max_bytes, root=root)
    while True:
        try:
            item = next(pages)
        except StopIteration:
            return
        except Exception as e:  # noqa: BLE001 - a reader bug must not end the batch
            yield IngestError(clean_text(str(path)), f"unreadable ({_one_line(e)})")
            return
        yield item


def build_safely(page: RawPage, published: date | None = None) -> Document | IngestError:
    """``build_document``, with whatever goes wrong as the page's IngestError."""
    try:
        return build_document(page, published)
    except IngestError as e:
        return e
    except RecursionError:
        return IngestError(page.source_path, "nested too deeply to parse")
    except Exception as e:  # noqa: BLE001
        return IngestError(page.source_path, f"could not be parsed ({_one_line(e)})")


def _one_line(e: BaseException) -> str:
    msg = clean_text(" ".join(str(e).split()))[:120]
    return f"{e.__class__.__name__}: {msg}" if msg else e.__class__.__name__
