"""The indexed attribute ruler annotates every token as the model's own attribute ruler does."""
from __future__ import annotations

import pytest
import spacy

from frontlines.extract.attribute_index import IndexedAttributeRuler, index_attribute_ruler
from frontlines.extract.nlp import MODEL

from .conftest import example_articles

# sentences that reach the model's exceptions: contractions, "gonna", "y'all", an expletive "there",
# auxiliaries, determiners, subordinators, negation, and runs of spaces and line breaks
OWN = [
    "There's no way they're gonna hold the bridge, y'all, and we ain't leaving till it's done.",
    "Let's see whether the convoy gets through; it got stopped twice, though nobody was hurt.",
    "The militia hasn't said if it will withdraw,  but   residents say it won't.\n\nShelling resumed.",
    "C'mon, nothin' happened here that wasn't reported: those who fled are gonna return once it's calm.",
    "Which units were deployed, and whose drones were they? Officials wouldn't say.",
    "Gunmen killed 4 people in the village of Tal Hamra on Monday, according to a local official.",
]


def _texts() -> list[str]:
    return OWN + example_articles()


@pytest.fixture(scope="module")
def models():
    stock = spacy.load(MODEL)
    indexed = spacy.load(MODEL)
    index_attribute_ruler(indexed)
    return stock, indexed


def _annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


def test_every_token_gets_the_stock_rulers_annotations(models):
    stock, indexed = models
    assert indexed.pipe_names == stock.pipe_names
    assert isinstance(indexed.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    texts = _texts()
    assert len(texts) > 10
    n = 0
    for a, b in zip(stock.pipe(texts), indexed.pipe(texts)):
        assert _annotations(b) == _annotations(a)
        n += len(a)
    assert n > 2_000


def test_the_matches_are_the_stock_matchers(models):
    stock, indexed = models
    ruler, fast = stock.get_pipe("attribute_ruler"), indexed.get_pipe("attribute_ruler")
    with stock.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        docs = list(stock.pipe(_texts()))
    for doc in docs:
        assert fast.match(doc) == sorted(set(ruler.match(doc)))
    # the exceptions are exercised, not only the tag map: "'s" after "there", "gon" + "na", "y'all"
    matched = {int(stock.vocab.strings[m]) for doc in docs for _, m, _, _ in ruler.match(doc)}
    assert len(matched) > 60


def test_nearly_every_rule_is_looked_up_and_not_left_to_a_matcher(models):
    _, indexed = models
    fast = indexed.get_pipe("attribute_ruler")
    index = fast._built()
    assert len(fast.patterns) > 150
    # the rules whose first token is only a regex ("nothin'", "y'all") are tried once per distinct
    # row, with the lookup; none is left to a Matcher run over every token
    assert index.rest is None and 1 <= len(index.scans) <= 4
    doc = indexed("They saw nothin' and nuthin' else.")
    assert (doc[2].lemma_, doc[4].lemma_) == ("nothing", "nothing")


def test_rules_added_later_are_found_and_the_rules_serialise_as_the_stocks(models):
    stock, _ = models
    fresh = spacy.load(MODEL)
    index_attribute_ruler(fresh)
    fast = fresh.get_pipe("attribute_ruler")
    fresh("Warm-up sentence before the rule is added.")
    fast.add([[{"LOWER": "qwertyx", "TAG": {"NOT_IN": ["DT"]}}, {"LOWER": {"REGEX": "^zz+$"}}]], {"LEMMA": "kbd"})
    doc = fresh("They typed qwertyx zzz again, then qwertyx alone.")
    assert [t.lemma_ for t in doc if t.lower_ == "qwertyx"] == ["kbd", "qwertyx"]
    assert fast.patterns[:-1] == stock.get_pipe("attribute_ruler").patterns
    again = IndexedAttributeRuler(fresh.vocab, "attribute_ruler").from_bytes(fast.to_bytes())
    assert again.patterns == fast.patterns
