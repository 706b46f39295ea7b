"""A bounded memo for lookups that a long batch asks again and again (an actor's name, a place's key).

Unlike ``functools.lru_cache`` it lives on the object that owns the data (a registry, a gazetteer),
so that object still pickles (Dask sends it to workers) and each copy keeps its own answers.
"""
from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")


class Memo(dict):
    """Computed answers by key; emptied when it holds ``size`` of them (a batch meets many one-off keys)."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or(self, key, compute: Callable[[], T]) -> T:
        if key not in self:
            if len(self) >= self.size:
                self.clear()
            self[key] = compute()
        return self[key]
