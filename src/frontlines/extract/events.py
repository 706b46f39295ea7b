"""Stage 2 — extract: a Document's article -> sentences, mentions and ACLED-coded Events.

``Extractor.extract`` composes small steps, each in its own module, that read what the earlier
ones set and declare what they add; the document's and the sentence's context travel in
explicit records (context.py), nothing is kept on ``self``:

  place_mentions.py      where each sentence names a place (the whole document first: it primes
                         the article's country and governorates, event_places.prime_context)
  place_anaphora.py      "the village", "the two towns": the places just named
  country.py             the article's country: its places, countries named, demonyms, actors
  sentence_dates.py      the day each sentence speaks of
  event_places.py        the paragraph's region; where, in context, each event happened
  control_statements.py  "X, still in the hands of Y": a holder stated without an event
  clauses.py             triggers, minus the planned/rumoured/negated and the background ones
  roles_step.py          who did what to whom, the ACLED type, membership changes (coding.py)
  assemble.py            one ACLED-coded Event per place of a clause
  doc_merge.py           fatalities to events; the same place on the same day is one event
  remote.py              a foreign state's attacks in a report of air strikes are strikes, not clashes
  vague.py               country- and region-level summaries of what the article reports place by place
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..actors.resolve import ActorResolver
from ..places.admin1 import division
from ..places.countries import all_countries
from ..places.gazetteer import COUNTRIES
from ..places.resolve import PlaceResolver
from ..records import ControlStatement, Document, Event, Mention, Proposal, Sentence
from .assemble import clause_events
from .clauses import sentence_clauses
from .country import article_countries, decide
from .context import DocContext, Resources, SentenceContext, para_of, paragraph_starts
from .control_statements import control_statements
from .doc_index import span_text
from .doc_merge import merge_sentence_events
from .event_places import is_country, note_paragraph_region, prime_context, prime_divisions
from .lexicon import cues
from .place_anaphora import anaphoric_places
from .place_mentions import place_mentions, regional
from .sentence_dates import sentence_when
from .remote import from_afar
from .vague import drop_vague, fold_restatements
from ..names import fold


@dataclass
class Extraction:
    doc_id: str
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    control: list[ControlStatement] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # triggers judged not to be events, and why
    unresolved: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Extractor:
    def __init__(self, nlp, actors: ActorResolver, places: PlaceResolver):
        self.nlp = nlp
        self.actors = actors
        self.places = places
        self.cue = cues()
        self.res = Resources(actors, places, self.cue)
        self.country_names = {fold(n) for c in all_countries() for n in [c.name, *c.names]}

    def extract(self, document: Document, sdoc: Doc | None = None) -> Extraction:
        out = Extraction(document.id)
        if document.meta.language not in (None, "en"):
            return out
        sdoc = sdoc if sdoc is not None else self.nlp(document.article)
        res = self.res
        dc = DocContext(document=document, out=out, actor_state=self.actors.start_document(sdoc, document, out),
                        paragraphs=paragraph_starts(document.article))
        mentions_by_sent = {s.start: place_mentions(res, s) for s in sdoc.sents}
        prime_context(res, mentions_by_sent, dc.place_context)
        votes = article_countries(sdoc, dc.place_context, self.actors.registry, dc.actor_state.tok_actor)
        dc.country = decide(votes)
        dc.place_context.home = dc.country
        if dc.country:
            # what the text says outright also ranks place candidates
            for cc, n in votes.items():
                dc.place_context.countries[cc] = max(dc.place_context.countries[cc], round(n))
        else:
            out.warnings.append("no country: the article names no place, country or actor that tells which")
        dc.actor_state.country = COUNTRIES.get(dc.country or "")
        prime_divisions(mentions_by_sent, dc.place_context)
        dc.actor_state.admin1 = dc.place_context.admin1
        history: list = []  # (sentence index, place mention) named so far, for "the village"

        def settlement(pm) -> bool:  # a town or village, not a region, a province or a country
            return not regional(res, pm) and not is_country(pm) and division(pm.name, dc.country) is None
        for si, sent in enumerate(sdoc.sents):
            text = span_text(sent)
            out.sentences.append(Sentence(doc_id=document.id, index=si, start=sent.start_char,
                                          end=sent.end_char, text=text))
            para = para_of(sent.start_char, dc.paragraphs)
            before = dc.para_when.get(para)  # the paragraph's date before this sentence adds its own
            named = mentions_by_sent[sent.start]
            anaphoric = anaphoric_places(sent, history, si, named, settlement)
            history += [(si, pm) for pm in named]
            s = SentenceContext(sent, si, para, named + anaphoric, sentence_when(dc, text, para))
            s.context_when = before
            note_paragraph_region(res, dc, s)
            out.mentions += [Mention(kind="place", text=pm.name, start=pm.start, end=pm.end) for pm in s.mentions]
            control_statements(res, dc, s)
            clauses = sentence_clauses(dc, s)
            sent_events: list[Event] = []
            for cl in clauses:
                sent_events += clause_events(res, dc, s, cl)
            if not sent_events:
                # no clause names its own place ("an IED planted in the town of Hajin exploded"):
                # the first event of the sentence takes the sentence's place
                # the main clause first, then the one that says how it was done
                for cl in sorted(clauses, key=lambda c: (c.trigger.verb.dep_ != "ROOT",
                                                         c.trigger.cls not in ("airstrike", "shell", "explode"))):
                    sent_events = clause_events(res, dc, s, cl, whole_sentence=True)
                    if sent_events:
                        break
            merge_sentence_events(dc, s, sent_events)
            self.actors.end_sentence(dc.actor_state, sent_events, sent)
        events = fold_restatements(list(dc.doc_events.values()), document.meta.published, dc.undated, dc.regional,
                                    dc.inferred_side)
        events = from_afar(events, document.article)
        out.events = drop_vague(events, self.places.gaz, self.country_names, out.skipped, dc.regional, dc.undated)
        return out
