"""Near-duplicate pages (reposts) in linear time: MinHash signatures and LSH bands.

Each article's 5-word shingles are hashed (stable across processes: blake2b, not ``hash``)
and summarised by ``NUM_PERM`` MinHash values; ``BANDS`` bands of ``ROWS`` values each are
hashed into band keys that the store indexes.  Two articles sharing two band keys, or one key
that few articles share (a boilerplate line shared by hundreds of pages is no sign of a copy:
store/writes.py ``_candidates``), are candidates, and a candidate is a repost only when the exact shingle containment
(|A ∩ B| / min(|A|, |B|)) reaches the same threshold as the pairwise check it replaces.
With 64 bands of 2 rows, an article pair with Jaccard similarity 0.3 is a candidate with
probability 0.998 (0.98 for two keys), one with 0.02 (unrelated news) with 0.025.  The same scheme as datasketch's
``MinHash`` (universal hashing modulo the Mersenne prime 2^61-1), in a few lines of numpy so the
signature is a plain byte string the store can keep.
"""
from __future__ import annotations

import re
from hashlib import blake2b
from typing import Iterable

import numpy as np

NUM_PERM = 128
BANDS, ROWS = 64, 2
THRESHOLD = 0.5
_PRIME = np.uint64((1 << 61) - 1)
_MAX = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(61)
_rng = np.random.RandomState(1)
_A = _rng.randint(1, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.randint(0, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 5) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + n]) for i in range(max(0, len(words) - n + 1))}


def _hashes(sh: Iterable[str]) -> np.ndarray:
    """The 32-bit blake2b hash of each shingle (little-endian), as uint64 for the permutations."""
    digests = b"".join([blake2b(s.encode(), digest_size=4).digest() for s in sh])
    return np.frombuffer(digests, dtype="<u4").astype(np.uint64)


def signature(text: str) -> bytes | None:
    """The MinHash signature of an article (None when it has no 5-word shingle)."""
    return _signature(shingles(text))


def _signature(sh: set[str]) -> bytes | None:
    if not sh:
        return None
    return _minhash(_hashes(sh))


def _minhash(hv: np.ndarray) -> bytes:
    """``min((a * h + b) mod p) & (2^32 - 1)`` over the shingle hashes ``hv``, for each of the
    ``NUM_PERM`` permutations, with ``a * h + b`` wrapping at 2^64 as datasketch's does.  The
    remainder modulo the Mersenne prime p = 2^61 - 1 is taken without a division: 2^61 = 1 (mod p),
    so x = (x >> 61) + (x & p) (mod p), a sum below 2p."""
    x = np.multiply.outer(hv, _A)  # (shingles, NUM_PERM); uint64 arithmetic wraps
    x += _B
    high = x >> _SHIFT
    x &= _PRIME
    x += high
    x[x >= _PRIME] -= _PRIME
    x &= _MAX
    return x.min(axis=0).astype(np.uint32).tobytes()


def bands(sig: bytes) -> list[int]:
    """The LSH band keys of a signature, as signed 63-bit integers (an SQL index can hold them)."""
    out = []
    width = ROWS * 4
    for b in range(BANDS):
        chunk = sig[b * width:(b + 1) * width]
        out.append(int.from_bytes(blake2b(bytes([b]) + chunk, digest_size=8).digest(), "little") >> 1)
    return out


def containment(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


class Fingerprint:
    """What the store keeps and checks of an article, computed once (in a worker, at read time):
    its signature, band keys and the sorted 32-bit hashes of its shingles, so that checking a
    candidate costs one intersection of two arrays instead of shingling both articles again."""
    __slots__ = ("sig", "bands", "hashes")

    def __init__(self, sig: bytes | None, band_keys: list[int], hashes: np.ndarray):
        self.sig, self.bands, self.hashes = sig, band_keys, hashes

    def __reduce__(self):
        return Fingerprint, (self.sig, self.bands, self.hashes)


def shingle_hashes(sh: set[str]) -> np.ndarray:
    """The sorted unique 32-bit hashes of shingles, the signature's own (``_hashes``).  Two distinct
    shingles share one with odds of 2^-32: two articles of 300 shingles each count a shared shingle
    they do not have once in some 50,000 comparisons, which moves their containment by 1/300."""
    return np.unique(_hashes(sh))


def fingerprint(text: str) -> Fingerprint:
    hv = _hashes(shingles(text))  # each shingle hashed once, for the signature and the hashes
    sig = _minhash(hv) if len(hv) else None
    return Fingerprint(sig, bands(sig) if sig is not None else [], np.unique(hv))


def hashed_containment(a: np.ndarray, b: np.ndarray) -> float:
    """``containment`` of two articles from their ``shingle_hashes``."""
    if not len(a) or not len(b):
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))
