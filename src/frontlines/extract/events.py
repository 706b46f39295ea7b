"""Stage 2 — extract: a Document's article -> sentences, mentions and ACLED-coded Events.

``Extractor.extract`` composes small steps, each in its own module, that read what the earlier
ones set and declare what they add; the document's and the sentence's context travel in
explicit records (context.py), nothing is kept on ``self``:

  place_mentions.py      where each sentence names a place (the whole document first: it primes
                         the article's country and governorates, event_places.prime_context)
  sentence_dates.py      the day each sentence speaks of
  event_places.py        the paragraph's region; where, in context, each event happened
  control_statements.py  "X, still in the hands of Y": a holder stated without an event
  clauses.py             triggers, minus the planned/rumoured/negated and the background ones

Roles, event assembly and the document merge are the functions below, for now.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ..actors.resolve import ActorResolver
from ..places.gazetteer import COUNTRIES
from ..places.resolve import PlaceResolver
from ..records import ControlStatement, Document, Event, Evidence, Mention, Proposal, ResolvedPlace, Sentence
from . import coding
from .clauses import sentence_clauses
from .context import DocContext, Resources, SentenceContext, para_of, paragraph_starts
from .control_statements import control_statements
from .event_places import event_places, note_paragraph_region, prime_context, resolve_place
from .grammar import Clause
from .lexicon import cues
from .place_mentions import place_mentions
from .sentence_dates import sentence_when
from .timex import When


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
        dc.actor_state.country = COUNTRIES.get(dc.place_context.country_code or "")
        for si, sent in enumerate(sdoc.sents):
            out.sentences.append(Sentence(doc_id=document.id, index=si, start=sent.start_char,
                                          end=sent.end_char, text=sent.text))
            para = para_of(sent.start_char, dc.paragraphs)
            s = SentenceContext(sent, si, para, mentions_by_sent[sent.start], sentence_when(dc, sent.text, para))
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
                for cl in clauses:
                    sent_events = clause_events(res, dc, s, cl, whole_sentence=True)
                    if sent_events:
                        break
            merge_sentence_events(dc, s, sent_events)
            self.actors.end_sentence(dc.actor_state, sent_events)
        out.events = list(dc.doc_events.values())
        return out


CONSEQUENCE = re.compile(r"^\s*(thus|as a result|consequently|therefore|thereby|hence|so)\b", re.I)


def clause_roles(res: Resources, dc: DocContext, s: SentenceContext, cl: Clause,
                 whole_sentence: bool = False) -> tuple[coding.Roles, str, str] | None:
    """The clause's roles, event type and sub-event type; None when it has no roles to code."""
    sent, when, state, prev_events = s.sent, s.when, dc.actor_state, dc.prev_events
    roles = coding.roles(cl, res.actors, state, sent)
    if roles is None:
        return None
    if not roles.actor2 and CONSEQUENCE.match(sent.text) and prev_events:
        # "Thus, HTS imposed control over X": the loser is the other side of the previous event
        for pe in prev_events:
            for cand in (pe.actor1, pe.actor2):
                if cand and cand != res.actors.registry.name(roles.actor1):
                    roles.actor2 = res.actors.id_for_name(cand)
                    break
            if roles.actor2:
                break
    if not whole_sentence:
        membership_change(res, dc, s, cl, roles)
    ev_type, sub = coding.acled_type(cl, roles, res.actors, sent)  # roles' second actor does not change it
    if roles.actor1 and not roles.actor2 and not roles.actor2_name and not roles.civilians:
        # ACLED coders name the other side from the article when the sentence leaves it implied
        by_agreement = sub == "Non-violent transfer of territory" and coding.by_agreement(sent)
        if ev_type in ("Battles", "Explosions/Remote violence") or (
                sub == "Non-violent transfer of territory" and not by_agreement):
            roles.actor2 = res.actors.opponent(roles.actor1, cl.trigger.token.i, state, when.day)
            roles.actor2_inferred = roles.actor2 is not None
    return roles, ev_type, sub


def membership_change(res: Resources, dc: DocContext, s: SentenceContext, cl: Clause, roles) -> None:
    """Defections, surrenders and dissolutions change who belongs to what: propose them, dated."""
    sent, when, document = s.sent, s.when, dc.document
    lemma = cl.trigger.token.lemma_.lower()
    if cl.trigger.cls not in ("defect", "dissolve") and lemma != "surrender":
        return
    reg = res.actors.registry
    who = roles.actor1 if not roles.recipient else roles.actor2
    if not who:
        return
    other = roles.actor2 if not roles.recipient else roles.actor1
    parents = [reg.name(r.target) for r in reg.relations(who, when.day, "member_of")]
    obj = reg.name(other) if other else (", ".join(parents) or None)
    dc.out.proposals.append(Proposal(
        kind="membership_change", subject=reg.name(who), relation=lemma, object=obj, valid_from=when.day,
        evidence=Evidence(doc_id=document.id, start=sent.start_char, end=sent.end_char, text=sent.text)))


def clause_events(res: Resources, dc: DocContext, s: SentenceContext, cl: Clause,
                  whole_sentence: bool = False) -> list[Event]:
    """The clause's events; with ``whole_sentence`` its places may be anywhere in the sentence."""
    coded = clause_roles(res, dc, s, cl, whole_sentence)
    if coded is None:
        return []
    roles, ev_type, sub = coded
    sent, used_places = s.sent, s.used_places
    places = event_places(res, cl, s.mentions, whole_sentence)
    places = [(pm, a) for pm, a in places if pm.token.i not in used_places]
    if not places:
        if not whole_sentence:
            dc.out.skipped.append({"sentence": sent.text, "trigger": cl.trigger.token.text, "why": "no place"})
        return []
    events = []
    for pm, anchor in places:
        used_places.add(pm.token.i)
        rp = resolve_place(res, dc, s, pm, anchor)
        if pm.near and rp.geo_precision == 1:
            rp = rp.model_copy(update={"geo_precision": 2, "note": f"{pm.near} {rp.location}"})
        if rp.place_id:
            place = res.places.gaz.get(rp.place_id)
            if place is not None and rp.geo_precision == 1:
                dc.place_context.note(place)
        events.append(make_event(res, dc.document, sent, cl, roles, rp, s.when, ev_type, sub))
    return events


def make_event(res: Resources, document: Document, sent: Span, cl: Clause, roles, rp: ResolvedPlace, when: When,
               ev_type: str, sub: str) -> Event:
    reg = res.actors.registry
    a1, a2 = reg.get(roles.actor1), reg.get(roles.actor2)
    actor1 = a1.name if a1 else (roles.actor1_name or coding.default_actor(ev_type, sub, rp.country or "Syria"))
    if actor1 == "Unidentified Armed Group":
        actor1 = f"Unidentified Armed Group ({rp.country or 'Syria'})"
    inter1 = a1.inter if a1 else coding.default_inter(actor1)
    actor2 = a2.name if a2 else (roles.actor2_name or "")
    if actor2 == "Civilians":
        actor2 = f"Civilians ({rp.country or 'Syria'})"  # ACLED names generic actors by country
    inter2 = a2.inter if a2 else (coding.default_inter(actor2) if actor2 else None)
    ev_id = hashlib.sha1(f"{document.id}|{sent.start_char}|{rp.location}|{sub}".encode()).hexdigest()[:16]
    cited = coding.cited_sources(sent)
    src = [s for s in [document.meta.author or document.meta.site, *cited] if s]
    conf = 0.4 + 0.15 * bool(a1) + 0.15 * bool(rp.place_id) + 0.1 * when.explicit + 0.05 * bool(a2) \
        + 0.1 * (rp.geo_precision == 1)
    return Event(
        event_id=ev_id, event_date=when.day, time_precision=when.precision, event_type=ev_type,
        sub_event_type=sub, actor1=actor1, inter1=inter1, actor2=actor2, inter2=inter2,
        assoc_actor_1="; ".join(reg.name(a) for a in roles.assoc1 if reg.name(a)),
        assoc_actor_2="; ".join(reg.name(a) for a in roles.assoc2 if reg.name(a)),
        interaction=coding.interaction(inter1, inter2),
        civilian_targeting="Civilian targeting" if ev_type == "Violence against civilians" else "",
        location=rp.location, admin1=rp.admin1, admin2=rp.admin2, country=rp.country or "",
        latitude=rp.latitude, longitude=rp.longitude, geo_precision=rp.geo_precision, place_id=rp.place_id,
        source="; ".join(dict.fromkeys(src)), notes=coding.notes(when, actor1, cl, rp, actor2, sub, roles.actor2_inferred),
        confidence=round(min(conf, 0.95), 2),
        evidence=[Evidence(doc_id=document.id, start=sent.start_char, end=sent.end_char, text=sent.text)],
        territorial=sub in coding.TERRITORIAL)


def merge_sentence_events(dc: DocContext, s: SentenceContext, sent_events: list[Event]) -> None:
    sent, si = s.sent, s.index
    # fatalities named in the sentence go to its first event; "... were killed in the fighting"
    # with no event of its own goes to the previous sentence's event in the same paragraph
    deaths = coding.fatalities(sent.text)
    if deaths and sent_events:
        sent_events[0].fatalities = max(sent_events[0].fatalities, deaths)
    elif deaths and dc.prev_events and si - dc.prev_si <= 2 and coding.ANAPHORIC_FIGHT.search(sent.text):
        dc.prev_events[0].fatalities = max(dc.prev_events[0].fatalities, deaths)
    for ev in sent_events:
        key = (ev.location.lower(), ev.event_date)
        if key in dc.doc_events:
            absorb(dc.doc_events[key], ev)
        else:
            dc.doc_events[key] = ev
    if sent_events:
        dc.prev_events, dc.prev_si = sent_events, si


def absorb(kept: Event, new: Event) -> None:
    """Same place, same day, same document: one event, every sentence kept as evidence."""
    for e in new.evidence:
        if all(e.start != k.start for k in kept.evidence):
            kept.evidence.append(e)
    kept.actor2 = kept.actor2 or new.actor2
    kept.inter2 = kept.inter2 if kept.inter2 is not None else new.inter2
    kept.fatalities = max(kept.fatalities, new.fatalities)
    srcs = [s for s in (kept.source.split("; ") + new.source.split("; ")) if s]
    kept.source = "; ".join(dict.fromkeys(srcs))
    kept.confidence = round(min(0.95, max(kept.confidence, new.confidence) + 0.05), 2)
