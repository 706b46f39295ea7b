"""The model's lemmatizer, its answers remembered per word, tag and morphology.

spaCy's English rule lemmatizer works token by token in Python: a ``Token`` made for each, its part of
speech and morphology read as strings, ``is_base_form`` asked (its answer is not cached: a singular
noun, most of a text, is worked out again every time), then the rule tables.  Its result depends on
nothing but the word, its coarse part of speech and its morphology, so ``MemoLemmatizer`` reads those
three for the whole document at once (``Doc.to_array``), asks the stock lemmatizer only for a
combination it has not seen, and writes the lemmas back in one ``Doc.from_array``.  A token the
attribute ruler already gave a lemma keeps it, as with the stock component (``overwrite`` False).
``memoise_lemmatizer`` puts it in the model's place with the model's tables; the tests compare its
lemmas with the stock component's on every token.
"""
from __future__ import annotations

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.errors import Errors
from spacy.language import Language
from spacy.lang.en.lemmatizer import EnglishLemmatizer

MEMO_SIZE = 500_000  # word x part of speech x morphology combinations remembered (then started again)


class MemoLemmatizer(EnglishLemmatizer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.memo: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph) -> lemma hash

    def __call__(self, doc):
        if not self._validated:
            self._validate_tables(Errors.E1004)
        if not len(doc):
            return doc
        error_handler = self.get_error_handler()
        try:
            rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
            lemmas = rows[:, 3].copy()
            memo, add = self.memo, self.vocab.strings.add
            for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
                if lemma and not self.overwrite:
                    continue
                key = (orth, pos, morph)
                got = memo.get(key)
                if got is None:
                    if len(memo) >= MEMO_SIZE:
                        memo.clear()
                    got = memo[key] = add(self.lemmatize(doc[i])[0])
                lemmas[i] = got
            doc.from_array([LEMMA], lemmas.reshape(-1, 1).astype(numpy.uint64))
            return doc
        except Exception as e:  # noqa: BLE001 - the stock component's error handling
            error_handler(self.name, self, [doc], e)


@Language.factory("memo_lemmatizer", default_config={"mode": "rule", "overwrite": False})
def make_memo_lemmatizer(nlp: Language, name: str, mode: str, overwrite: bool) -> MemoLemmatizer:
    return MemoLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)


def memoise_lemmatizer(nlp: Language) -> None:
    """Put a ``MemoLemmatizer`` with the model's mode and tables in the place of its lemmatizer."""
    stock = nlp.get_pipe("lemmatizer")
    memo = nlp.replace_pipe("lemmatizer", "memo_lemmatizer", config={"mode": stock.mode, "overwrite": stock.overwrite})
    memo.initialize(lookups=stock.lookups)
