"""Exports: ACLED-compatible CSV, JSON Lines, GeoJSON and Parquet."""
from .formats import FORMATS, write_events

__all__ = ["FORMATS", "write_events"]
