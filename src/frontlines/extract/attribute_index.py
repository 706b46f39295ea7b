"""The model's attribute ruler, its one-token rules found by lookup.

The English model's attribute ruler gives each fine-grained tag its coarse part of speech and
morphology, and some tag-and-word pairs their exceptions ("'s" as a verb is "be"): 180 Matcher
patterns, nearly all of one token whose constraints are equalities.  spaCy's Matcher tries every
pattern at every token, so this one rule component cost more than the tagger, the parser's share of
the tok2vec and the lemmatizer together (about 1 CPU-s per 150 articles, a tenth of the pipeline).

``IndexedAttributeRuler`` is spaCy's ``AttributeRuler`` with another ``match``.  The equalities
(and ``IN`` lists) a pattern's first token must meet, on its text, lower case, tag, dependency or
``IS_SPACE``, are keys in a table; each token is looked up by the values of its attributes
(``Doc.to_array``, memoised per distinct row), and what the lookup finds is checked further where the
pattern says more (``NOT_IN``, a regular expression, the tokens after the first).  The few patterns
whose first token has no equality to look up, only a regular expression ("nothin'", "y'all"), are
tried on each distinct row once, with the lookup's answer for it (a Matcher of their own, run over
every token, cost as much as the tables); anything else goes to a Matcher.  The matches are the
stock Matcher's, and spaCy's own ``set_annotations`` writes them, in the same order; the patterns,
their serialisation and the ``patterns`` property are the stock component's.
``index_attribute_ruler`` puts it in the model's place, and the tests compare its annotations with
the stock component's on every token.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product
from operator import itemgetter

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler

# the token attributes a table may be keyed by, as Doc.to_array gives them (string hashes, a 0/1 flag)
_COLUMNS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "TAG": "TAG", "DEP": "DEP", "IS_SPACE": "IS_SPACE"}


@dataclass
class _Index:
    size: int  # len(ruler.attrs) when it was built: a ruler given more patterns builds it again
    columns: list[str] = field(default_factory=list)  # the attributes read from each document
    tables: list[tuple] = field(default_factory=list)  # (a token's values -> key, {key: [(rule, tail)]})
    rest: Matcher | None = None  # the patterns no table holds
    scans: list = field(default_factory=list)  # (rule, first token, tail) tried on every distinct row
    seen: dict = field(default_factory=dict)  # a token's values -> what the tables give it


def _spec(vocab, token: dict) -> tuple[tuple[str, ...], list[tuple], list[tuple]] | None:
    """A pattern's token as (the attributes it must equal, every tuple of values it may equal, as
    Doc.to_array writes them, the checks left: NOT_IN sets and regular expressions); None when a
    constraint is of another kind."""
    names, choices, checks = [], [], []
    for key, value in sorted(token.items()):
        col = _COLUMNS.get(key.upper())
        op, values = next(iter(value.items())) if isinstance(value, dict) and len(value) == 1 else ("=", [value])
        if col is None or col in names or op not in ("=", "IN", "NOT_IN", "REGEX"):
            return None
        if op == "REGEX":
            if col == "IS_SPACE" or not isinstance(values, str):
                return None
            checks.append((col, "REGEX", re.compile(values)))
            continue
        if col == "IS_SPACE" and all(isinstance(v, bool) for v in values):
            coded = [int(v) for v in values]
        elif col != "IS_SPACE" and all(isinstance(v, str) for v in values):
            coded = [vocab.strings.add(v) for v in values]
        else:
            return None
        if op == "NOT_IN":
            checks.append((col, "NOT_IN", frozenset(coded)))
        elif coded:
            names.append(col)
            choices.append(coded)
        else:
            return None
    return tuple(names), list(product(*choices)) if names else [], checks


def _key(k: tuple):
    return k if len(k) > 1 else k[0]


class IndexedAttributeRuler(AttributeRuler):
    """spaCy's AttributeRuler, its rules found by table lookup (module doc)."""

    _index: _Index | None = None

    def _built(self) -> _Index:
        if self._index is not None and self._index.size == len(self.attrs):
            return self._index
        index, tables, specs, scans = _Index(size=len(self.attrs)), {}, [], []
        rest = Matcher(self.vocab)
        for rule in range(len(self.attrs)):
            key = self.vocab.strings[str(rule)]
            kept = []
            for pattern in self.matcher.get(key)[1]:
                spec = [_spec(self.vocab, token) for token in pattern]
                if not spec or None in spec or not (spec[0][0] or spec[0][2]):
                    kept.append(pattern)
                    continue
                specs.append(spec)
                if not spec[0][0]:  # no equality to look up: its checks are tried on every distinct row
                    scans.append((rule, len(specs) - 1))
                    continue
                table = tables.setdefault(spec[0][0], {})
                for k in spec[0][1]:
                    table.setdefault(_key(k), []).append((rule, len(specs) - 1))
            if kept:
                rest.add(key, kept)
        index.columns = sorted({c for spec in specs for names, _, checks in spec
                                for c in (*names, *(col for col, _, _ in checks))})
        position = {c: i for i, c in enumerate(index.columns)}

        def compiled(names, keys, checks):
            get = itemgetter(*[position[c] for c in names]) if names else None
            return get, {_key(k) for k in keys}, [(position[col], op, arg) for col, op, arg in checks]

        index.tables = [(itemgetter(*[position[c] for c in names]), table) for names, table in tables.items()]
        for table in tables.values():
            for hits in table.values():
                hits[:] = [(rule, compiled([], [], specs[n][0][2]), tuple(compiled(*t) for t in specs[n][1:]))
                           for rule, n in dict.fromkeys(hits)]
        index.scans = [(rule, compiled([], [], specs[n][0][2]), tuple(compiled(*t) for t in specs[n][1:]))
                       for rule, n in scans]
        index.rest = rest if len(rest) else None
        self._index = index
        return index

    def _hits(self, index: _Index, row: tuple) -> list:
        got = index.seen.get(row)
        if got is None:
            got = [hit for values, table in index.tables for hit in table.get(values(row), ())]
            got += [hit for hit in index.scans if self._fits(row, hit[1])]
            if len(index.seen) > 200_000:  # words x tags x labels: bounded
                index.seen.clear()
            index.seen[row] = got
        return got

    def _fits(self, row: tuple, token: tuple) -> bool:
        get, allowed, checks = token
        if get is not None and get(row) not in allowed:
            return False
        for col, op, arg in checks:
            if op == "NOT_IN":
                if row[col] in arg:
                    return False
            elif not arg.search(self.vocab.strings[row[col]]):
                return False
        return True

    def match(self, doc):
        index = self._built()
        strings = self.vocab.strings
        matches = set()
        if (index.tables or index.scans) and len(doc):
            rows = doc.to_array(index.columns).tolist()
            rows = [(v,) for v in rows] if len(index.columns) == 1 else [tuple(r) for r in rows]
            for i, row in enumerate(rows):
                for rule, first, tail in self._hits(index, row):
                    end = i + 1 + len(tail)
                    if end <= len(rows) and (not first[2] or self._fits(row, first)) and \
                            all(self._fits(rows[j], t) for j, t in enumerate(tail, i + 1)):
                        matches.add((rule, strings[str(rule)], i, end))
        if index.rest is not None:
            matches.update((int(strings[m_id]), m_id, s, e)
                           for m_id, s, e in index.rest(doc, allow_missing=True, as_spans=False))
        return sorted(matches)


@Language.factory("indexed_attribute_ruler", default_config={"validate": False})
def make_indexed_attribute_ruler(nlp: Language, name: str, validate: bool) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name, validate=validate)


def index_attribute_ruler(nlp: Language) -> None:
    """Put an ``IndexedAttributeRuler`` with the same rules in the place of ``nlp``'s attribute ruler."""
    rules = nlp.get_pipe("attribute_ruler").patterns
    nlp.replace_pipe("attribute_ruler", "indexed_attribute_ruler").add_patterns(rules)
