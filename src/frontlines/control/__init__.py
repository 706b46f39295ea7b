"""Stage 5 — control: who held each place from when to when, with the evidence."""
from .timeline import ControlTimeline, build_timeline

__all__ = ["ControlTimeline", "build_timeline"]
