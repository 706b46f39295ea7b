"""Views over the store shared by the CLI and the API: merged events and the control timeline."""
from __future__ import annotations

from .control import ControlTimeline, build_timeline
from .merge import MergeResult, merge_events, near_duplicates
from .store import Store


def merged(store: Store, **filters) -> MergeResult:
    docs = store.documents()
    articles = {d["id"]: store.get_document(d["id"]).article for d in docs}
    reposts = near_duplicates(articles)
    result = merge_events(store.events(**filters), reposts)
    result.links += [{"kept": a, "absorbed": b, "reason": f"near-duplicate page (similarity {s})"} for a, b, s in reposts]
    return result


def timeline(store: Store) -> ControlTimeline:
    return build_timeline(merged(store).events, store.control_statements())
