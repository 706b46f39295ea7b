"""Stage 4 — merge: the same real-world event reported by several pages becomes one event."""
from .core import MergeResult, merge_events, near_duplicates

__all__ = ["MergeResult", "merge_events", "near_duplicates"]
