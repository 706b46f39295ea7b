"""Folding of transliterated names, shared by the place and actor resolvers.

Arabic names reach English text in many spellings: "Ma'arrat an-Nu'man",
"Maarrat al-Nu'man", "Maarat al-Numan".  ``fold`` maps such variants to one key:
ASCII transliteration, no ayn/hamza marks or apostrophes, no article, no doubled
letters, and the commonest vowel swaps (ou/u, ee/i, e/i) collapsed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_MARKS = re.compile(r"[’'`ʿʾ‘´ʼ]")
# Arabic article and its sun-letter assimilations, at the start of any word.
_ARTICLE = re.compile(r"\b(?:al|el|ul|ad|adh|an|ar|as|ash|at|ath|az|ad-d)[- ](?=\w)")
_NONWORD = re.compile(r"[^a-z0-9 ]+")
_DOUBLE = re.compile(r"([a-z])\1+")
_VOWELS = [("ou", "u"), ("oo", "u"), ("ee", "i"), ("ey", "i"), ("ei", "i"), ("ay", "i"), ("ai", "i"), ("e", "i"),
           ("o", "u"), ("w", "u")]


@lru_cache(maxsize=200_000)
def fold(name: str, drop_article: bool = True) -> str:
    s = anyascii(name or "").lower()
    s = _MARKS.sub("", s)
    if drop_article:
        s = _ARTICLE.sub(" ", s)
        s = re.sub(r"^(?:the) ", "", s)
    s = _NONWORD.sub(" ", s)
    s = _DOUBLE.sub(r"\1", s)
    for a, b in _VOWELS:
        s = s.replace(a, b)
    s = _DOUBLE.sub(r"\1", s)
    return " ".join(s.split())


def surface_variants(name: str) -> set[str]:
    """Spellings of ``name`` a text may use verbatim: apostrophe styles, hyphen or
    space after the article, and the name without its leading article."""
    out = {name}
    for a in ("’", "'", "‘", "ʿ", "`", ""):
        out.add(_MARKS.sub(a, name))
    more = set()
    for v in out:
        more.add(v.replace("-", " "))
        m = re.match(r"^(?:al|el|ad|an|ar|as|ash|at|az)[- ](\w.*)$", v, re.I)
        if m and len(m.group(1)) > 3:
            more.add(m.group(1))
    return {v for v in out | more if v.strip()}
