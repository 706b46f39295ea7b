"""The memoised lemmatizer gives every token the model's own lemmatizer's lemma."""
from __future__ import annotations

import pytest
import spacy

from frontlines.extract.lemma_memo import MemoLemmatizer, memoise_lemmatizer
from frontlines.extract.nlp import MODEL

from .conftest import example_articles

# inflections of every kind, words the attribute ruler lemmatises itself ("'s", "n't"), proper names,
# numbers, punctuation and spaces, and the same words again under other tags
OWN = [
    "The militias were shelling the villages; two shells fell, and the shelled houses burned.",
    "She's said they'd been fighting since the fighters' best positions fell, but it isn't over.",
    "Rebels seized Tal Hamra on 3 March 2021 and 12 of their men were killed, the ministry said.",
    "Better drones flew farther than the worst of them: the best-armed units fled faster.",
    "  Strikes hit the bases.\n\nThe base strikes back; it strikes hardest at night, striking twice.",
    "Women and children were among those wounded, and the wounded were taken to hospitals in Idlib.",
]


def _texts() -> list[str]:
    return OWN + example_articles()


@pytest.fixture(scope="module")
def models():
    stock = spacy.load(MODEL)
    memo = spacy.load(MODEL)
    memoise_lemmatizer(memo)
    return stock, memo


def test_the_model_lemmatizer_is_replaced_in_its_place(models):
    stock, memo = models
    assert memo.pipe_names == stock.pipe_names
    assert isinstance(memo.get_pipe("lemmatizer"), MemoLemmatizer)
    assert memo.get_pipe("lemmatizer").mode == stock.get_pipe("lemmatizer").mode == "rule"


def test_every_token_gets_the_stock_lemma_and_again_from_the_memo(models):
    stock, memo = models
    texts = _texts()
    assert sum(len(t) for t in texts) > 5_000
    want = [[t.lemma_ for t in d] for d in stock.pipe(texts)]
    for _ in range(2):  # the first pass fills the memo, the second answers from it
        assert [[t.lemma_ for t in d] for d in memo.pipe(texts)] == want
    lem = memo.get_pipe("lemmatizer")
    assert len(lem.memo) > 300
    assert memo("The shelled houses burned.")[1].lemma_ == "shell"


def test_a_lemma_given_before_is_kept_and_an_empty_text_passes(models):
    _, memo = models
    doc = memo.make_doc("They're fighting")
    for name, proc in memo.pipeline:
        if name == "lemmatizer":
            doc[1].lemma_ = "kept"  # as the attribute ruler gives "'re" its lemma
        doc = proc(doc)
    assert [t.lemma_ for t in doc] == ["they", "kept", "fight"]
    assert len(memo("")) == 0
