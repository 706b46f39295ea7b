"""What a page's extraction could not do, in one line each: for stderr, `show` and the store.

An analyst must see when a page gave no event and why ("no event triggers", "3 triggers skipped:
2 background, 1 no place"), which place names no gazetteer row matched, and when the article's
country could not be told.  Nothing here changes the events.
"""
from __future__ import annotations

from collections import Counter

PREFIX = "extract: "


def _reason(why: str) -> str:
    """The kind of a skip reason: 'background: dated ...' -> 'background'."""
    head = why.split(":", 1)[0].split(" (", 1)[0].strip()
    return head or why


def page_notes(ex) -> list[str]:
    notes = []
    if not ex.events:
        if not ex.skipped:
            notes.append("no event: no event triggers in the article")
        else:
            kinds = Counter(_reason(s["why"]) for s in ex.skipped)
            detail = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
            notes.append(f"no event: {len(ex.skipped)} trigger(s) not coded ({detail})")
    names = list(dict.fromkeys(u["name"] for u in ex.unresolved))
    if names:
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        notes.append(f"{len(names)} place name(s) not in the gazetteer (placed by context): {shown}")
    notes += list(dict.fromkeys(ex.warnings))
    return [PREFIX + n for n in notes]
