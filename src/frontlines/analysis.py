"""Views over the store shared by the CLI and the API: merged events and the control timeline."""
from __future__ import annotations

from .control import ControlTimeline, build_timeline
from .merge import MergeResult, merge_events, near_duplicates
from .store import Store


_REPOSTS: dict[str, tuple[tuple, list]] = {}


def reposts(store: Store) -> list[tuple[str, str, float]]:
    """Near-duplicate pages, recomputed only when the stored documents changed."""
    version = store.version()
    cached = _REPOSTS.get(store.url)
    if cached is None or cached[0] != version:
        articles = {d["id"]: store.get_document(d["id"]).article for d in store.documents()}
        _REPOSTS[store.url] = (version, near_duplicates(articles))
    return _REPOSTS[store.url][1]


def merged(store: Store, **filters) -> MergeResult:
    reposts_ = reposts(store)
    result = merge_events(store.events(**filters), reposts_)
    result.links += [{"kept": a, "absorbed": b, "reason": f"near-duplicate page (similarity {s})"}
                     for a, b, s in reposts_]
    return result


def timeline(store: Store, raw: bool = False) -> ControlTimeline:
    """Control from the reviewed events (corrections applied, rejected ones left out), or ``raw``."""
    return build_timeline(merged(store, raw=raw).events, store.control_statements())
