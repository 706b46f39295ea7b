"""ACLED's interaction code from the two actors' inter codes, shared by extraction and reviews
(spaCy-free, so the store and the read commands can use it without loading a model)."""
from __future__ import annotations


def interaction(i1: int | None, i2: int | None) -> int | None:
    """10 x the lower inter code + the higher one; a lone actor's code x 10 (ACLED's numeric scheme)."""
    if i1 is None:
        return None
    if i2 is None:
        return i1 * 10
    a, b = sorted((i1, i2))
    return a * 10 + b
