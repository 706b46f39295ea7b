"""Stage 2 — extract: a Document's article -> sentences, mentions and ACLED-coded Events.

For each sentence: find triggers (grammar.py), drop the planned/rumoured/negated ones,
fill the roles from the parse, resolve actors (actors/) and places (places/), date it
(timex.py), code it to ACLED types (coding.py) and emit one event per place.  Within a
document, the same place on the same day is one event whose evidence lists every sentence.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..actors.resolve import ActorResolver
from ..places.gazetteer import COUNTRIES
from ..places.resolve import PlaceContext, PlaceResolver, km
from ..records import ControlStatement, Document, Event, Evidence, Mention, Proposal, ResolvedPlace, Sentence
from . import coding
from .grammar import Clause, build_clause, find_triggers, is_irrealis, path_up
from .context import Resources
from .lexicon import cues
from .place_mentions import PlaceMention, place_mentions, regional
from .timex import When, anaphoric_when, find_when

# a report's past events older than this are background, not news: they are not coded again
BACKGROUND_DAYS = 60
CONSEQUENCE = re.compile(r"^\s*(thus|as a result|consequently|therefore|thereby|hence|so)\b", re.I)
EARLIER = re.compile(r"^\s*(earlier|previously|before that|prior to that)\b", re.I)
STILL_HELD = re.compile(r"\b(?:still |remains? |remained )?(?:in the hands of|under the control of|held by|controlled by)(?:\s+the)?\s*$",
                        re.I)


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

    # ------------------------------------------------------------------------------------
    def extract(self, document: Document, sdoc: Doc | None = None) -> Extraction:
        out = Extraction(document.id)
        if document.meta.language not in (None, "en"):
            return out
        sdoc = sdoc if sdoc is not None else self.nlp(document.article)
        published = document.meta.published
        paras = _paragraph_starts(document.article)
        state = self.actors.start_document(sdoc, document, out)
        ctx = PlaceContext()
        mentions_by_sent = {s.start: place_mentions(self.res, s) for s in sdoc.sents}
        self._prime_context(mentions_by_sent, ctx)
        state.country = COUNTRIES.get(ctx.country_code or "")
        para_when: dict[int, When] = {}
        last_when: When | None = None
        self._para, self._para_region = None, None
        doc_events: dict[tuple, Event] = {}
        prev_events: list[Event] = []
        prev_si = -10
        for si, sent in enumerate(sdoc.sents):
            out.sentences.append(Sentence(doc_id=document.id, index=si, start=sent.start_char,
                                          end=sent.end_char, text=sent.text))
            para = _para_of(sent.start_char, paras)
            when = anaphoric_when(sent.text, last_when) or find_when(sent.text, published)
            if when:
                para_when[para] = when
                last_when = when
            elif EARLIER.match(sent.text) and para_when.get(para):
                when = When(para_when[para].day, 2, "earlier")
            elif para in para_when:
                when = para_when[para]
            elif published:
                when = When(published, 2, "publication date", explicit=False)
            pmentions = mentions_by_sent[sent.start]
            self._resolved: dict[tuple, ResolvedPlace] = {}
            if para != getattr(self, "_para", None):
                self._para, self._para_region = para, None
            for pm in pmentions:
                if pm.region_text:
                    r = self._resolve(pm, ctx)
                    if r.place_id:
                        self._para_region = r
            for pm in pmentions:
                out.mentions.append(Mention(kind="place", text=pm.name, start=pm.start, end=pm.end))
            self._control_statements(sent, pmentions, ctx, state, when, document, out)
            sent_events: list[Event] = []
            used_places: set[int] = set()
            triggers = find_triggers(sent)
            clauses = []
            for trig in triggers:
                why = is_irrealis(trig, sent)
                if why:
                    out.skipped.append({"sentence": sent.text, "trigger": trig.token.text, "why": why})
                    continue
                clauses.append(build_clause(trig))
            background = bool(when and published and (published - when.day).days > BACKGROUND_DAYS)
            for cl in clauses:
                if when is None:
                    out.skipped.append({"sentence": sent.text, "trigger": cl.trigger.token.text,
                                        "why": "no date: the page has no publication date"})
                    continue
                if background:
                    out.skipped.append({"sentence": sent.text, "trigger": cl.trigger.token.text,
                                        "why": f"background: dated {when.text!r}, long before the report"})
                    continue
                for ev in self._events(cl, sent, pmentions, used_places, ctx, state, when, document, out,
                                       prev_events):
                    sent_events.append(ev)
            if not sent_events and when is not None and not background:
                # no clause names its own place ("an IED planted in the town of Hajin exploded"):
                # the first event of the sentence takes the sentence's place
                for cl in clauses:
                    evs = self._events(cl, sent, pmentions, used_places, ctx, state, when, document, out,
                                       prev_events, whole_sentence=True)
                    if evs:
                        sent_events += evs
                        break
            # fatalities named in the sentence go to its first event; "... were killed in the fighting"
            # with no event of its own goes to the previous sentence's event in the same paragraph
            deaths = coding.fatalities(sent.text)
            if deaths and sent_events:
                sent_events[0].fatalities = max(sent_events[0].fatalities, deaths)
            elif deaths and prev_events and si - prev_si <= 2 and coding.ANAPHORIC_FIGHT.search(sent.text):
                prev_events[0].fatalities = max(prev_events[0].fatalities, deaths)
            for ev in sent_events:
                key = (ev.location.lower(), ev.event_date)
                if key in doc_events:
                    _absorb(doc_events[key], ev)
                else:
                    doc_events[key] = ev
            if sent_events:
                prev_events, prev_si = sent_events, si
            self.actors.end_sentence(state, sent_events)
        out.events = list(doc_events.values())
        return out

    # ------------------------------------------------------------------------------------
    def _prime_context(self, mentions_by_sent: dict, ctx: PlaceContext) -> None:
        """The article's country and governorates, from names that resolve without doubt."""
        for ms in mentions_by_sent.values():
            for pm in ms:
                exact = self.places.gaz.exact(pm.name)
                if len({p.admin1 for p in exact}) == 1:
                    ctx.note(max(exact, key=lambda p: p.population))

    def _resolve_place(self, pm: PlaceMention, ctx: PlaceContext, anchor: tuple[PlaceMention, str] | None,
                       out: Extraction, sent: Span, pmentions: list[PlaceMention],
                       para_region: ResolvedPlace | None) -> ResolvedPlace:
        """Resolve a place; when the gazetteer lacks it (or knows only a namesake far from where the
        article is), place it at — in this order — its anchor ('west of X'), a region the sentence
        names, a known town the sentence names, the paragraph's region, or the governorate the
        article is about, with a coarser precision and a note saying so."""
        rp = self._resolve(pm, ctx)
        others = [o for o in pmentions if o is not pm and o.token.i != pm.token.i]
        resolved = [(o, self._resolve(o, ctx)) for o in others]
        situating: list[tuple[ResolvedPlace, str]] = []  # what the sentence says the place is in or near
        if anchor is not None:
            arp = self._resolve(anchor[0], ctx)
            if arp.place_id:
                situating.append((arp, anchor[1]))
        situating += [(orp, f"in {orp.location}") for o, orp in resolved if orp.place_id and
                      (o.region_text or (orp.geo_precision or 1) >= 2 or o.feature in ("valley", "plain"))]
        if rp.place_id and rp.latitude is not None:
            # the place must lie where the sentence says: in the named governorate/region or near the anchor
            near = next((r for r, _ in situating if r.admin1 and r.latitude is not None), None)
            dist = km((rp.latitude, rp.longitude), (near.latitude, near.longitude)) if near is not None else 0.0
            if near is not None and dist > 80 and near.admin1 != rp.admin1:
                rp = ResolvedPlace(mention=pm.name, location=pm.name,
                                   note=f"gazetteer namesake {rp.place_id} lies {int(dist)} km from {near.location}")
            elif near is None and self._stray_namesake(rp, ctx):
                rp = ResolvedPlace(mention=pm.name, location=pm.name,
                                   note=f"gazetteer namesake {rp.place_id} ({rp.admin1 or rp.country}) is far from "
                                        f"the places of this article")
        if rp.place_id is None:
            out.unresolved.append({"name": pm.name, "sentence": sent.text, "start": pm.start, "end": pm.end})
            home = COUNTRIES.get(ctx.country_code or "", "")
            fallback = situating + [(orp, f"near {orp.location}, named in the same sentence") for o, orp in resolved
                                    if orp.place_id and (orp.geo_precision or 1) == 1 and not o.region_text
                                    and not self._stray_namesake(orp, ctx) and (not home or orp.country == home)]
            if para_region is not None and para_region.place_id:
                fallback.append((para_region, f"in {para_region.location}, named earlier in the paragraph"))
            gov = self._article_governorate(ctx)
            if gov is not None:
                fallback.append((gov, f"in {gov.location}, the governorate the article is about"))
            if fallback:
                base, how = fallback[0]
                placed = self.places.near(pm.name, base, how)
                if base is gov:
                    placed.geo_precision = 3
                if rp.note and rp.note != "not in the gazetteer":  # near() says that already
                    placed.note = rp.note + "; " + placed.note
                rp = placed
        return rp

    def _resolve(self, pm: PlaceMention, ctx: PlaceContext) -> ResolvedPlace:
        """One resolution per mention per sentence (the context only grows between sentences)."""
        key = (pm.start, pm.name, pm.feature, pm.region_text)
        if key not in self._resolved:
            self._resolved[key] = self.places.resolve(pm.name, ctx, pm.feature, pm.region_text)
        return self._resolved[key]

    def _stray_namesake(self, rp: ResolvedPlace, ctx: PlaceContext) -> bool:
        """A small place the gazetteer found by name, far from everything else the article names."""
        place = self.places.gaz.get(rp.place_id)
        if place is None or place.population >= 50_000 or place.feature_code in ("ADM1", "PCLI"):
            return False
        if ctx.country_code and place.country_code != ctx.country_code and ctx.countries[ctx.country_code] >= 2:
            return True  # a village abroad, in an article about another country
        if len(ctx.points) < 3 or ctx.admin1.get(place.admin1, 0) >= 1:
            return False  # too little context to call it astray, or the article names its governorate
        others = [pt for pt in ctx.points if pt != (place.latitude, place.longitude)]
        close = min(km((rp.latitude, rp.longitude), pt) for pt in others)
        return close > 100

    def _article_governorate(self, ctx: PlaceContext) -> ResolvedPlace | None:
        if not ctx.admin1:
            return None
        name, count = ctx.admin1.most_common(1)[0]
        if count < 2:
            return None
        gov = self.places.gaz.admin1_place(name, ctx.country_code or "SY")
        if gov is None:
            return None
        return ResolvedPlace(mention=name, location=name, place_id=gov.id, latitude=gov.latitude,
                             longitude=gov.longitude, admin1=gov.admin1, country=gov.country, geo_precision=3)

    # ------------------------------------------------------------------------------------
    def _event_places(self, cl: Clause, pmentions: list[PlaceMention],
                      whole_sentence: bool = False) -> list[tuple[PlaceMention, tuple | None]]:
        """Places where the clause's event happened, each with its anchor (mention, 'west of') if any."""
        dirs = self.cue["direction_words"]
        feats = self.cue["feature_words"]
        in_clause = {t.i for t in cl.tokens}
        verb = cl.trigger.verb
        if whole_sentence:
            in_clause = {t.i for t in verb.sent}
        chosen, anchors, others = [], [], []
        by_tok = {pm.token.i: pm for pm in pmentions}
        for pm in pmentions:
            if pm.token.i not in in_clause:
                continue
            chain = path_up(pm.token, verb)
            role = "at"
            for t in chain:
                if t.pos_ == "ADP" or t.dep_ in ("prep", "agent"):
                    w = t.lower_
                    if w == "of" and t.head.lemma_.lower() in dirs:
                        role = f"anchor:{t.head.text} of"
                        break
                    if w in ("near", "outside", "around", "towards", "toward"):
                        role = f"anchor:{w}" if w in ("near", "outside", "around") else "to"
                        break
                    if w == "of" and (t.head.lemma_.lower() in feats or t.head.lemma_.lower() == "control"):
                        continue
                    if w == "of":
                        continue
                    owner = t.head
                    if owner.i in by_tok and owner.i != pm.token.i or (
                            owner.lemma_.lower() in feats and any(c.lower_ == "of" and any(g.i in by_tok for g in c.children)
                                                                  for c in owner.children)):
                        role = "container"
                        break
                    role = w
                    break
            if role.startswith("anchor:"):
                anchors.append((pm, role.split(":", 1)[1]))
            elif role == "container":
                others.append(pm)
            elif cl.trigger.cls == "withdraw" and role in ("to", "into", "towards", "toward"):
                others.append(pm)
            else:
                chosen.append(pm)
        if cl.subject is not None and len(chosen) > 1:
            # "Ahrar al-Sham groups in northwestern Hama surrendered": the subject's place counts only
            # when the clause names no other
            in_subject = {t.i for t in cl.subject.subtree}
            rest = [pm for pm in chosen if pm.token.i not in in_subject]
            if rest:
                chosen = rest
        if anchors and (not chosen or all(regional(self.res, pm) for pm in chosen)):
            # "south of the town of Latamna in northern Hama": near the town beats the region
            pm, how = anchors[0]
            pm.near = how
            return [(pm, None)]
        # a region named beside a precise place only situates it ("in the northern Hama countryside")
        precise = [pm for pm in chosen if not regional(self.res, pm)]
        if precise:
            chosen = precise
        anchor = anchors[0] if anchors else None
        return [(pm, anchor) for pm in chosen]

    def _events(self, cl: Clause, sent: Span, pmentions, used_places: set[int], ctx: PlaceContext, state,
                when: When, document: Document, out: Extraction, prev_events: list[Event],
                whole_sentence: bool = False) -> list[Event]:
        roles = coding.roles(cl, self.actors, state, sent)
        if roles is None:
            return []
        if not roles.actor2 and CONSEQUENCE.match(sent.text) and prev_events:
            # "Thus, HTS imposed control over X": the loser is the other side of the previous event
            for pe in prev_events:
                for cand in (pe.actor1, pe.actor2):
                    if cand and cand != self.actors.registry.name(roles.actor1):
                        roles.actor2 = self.actors.id_for_name(cand)
                        break
                if roles.actor2:
                    break
        if not whole_sentence:
            self._membership_change(cl, roles, when, document, sent, out)
        ev_type, sub = coding.acled_type(cl, roles, self.actors, sent)  # roles' second actor does not change it
        if roles.actor1 and not roles.actor2 and not roles.actor2_name and not roles.civilians:
            # ACLED coders name the other side from the article when the sentence leaves it implied
            by_agreement = sub == "Non-violent transfer of territory" and coding.by_agreement(sent)
            if ev_type in ("Battles", "Explosions/Remote violence") or (
                    sub == "Non-violent transfer of territory" and not by_agreement):
                roles.actor2 = self.actors.opponent(roles.actor1, cl.trigger.token.i, state, when.day)
                roles.actor2_inferred = roles.actor2 is not None
        places = self._event_places(cl, pmentions, whole_sentence)
        places = [(pm, a) for pm, a in places if pm.token.i not in used_places]
        if not places:
            if not whole_sentence:
                out.skipped.append({"sentence": sent.text, "trigger": cl.trigger.token.text, "why": "no place"})
            return []
        events = []
        for pm, anchor in places:
            used_places.add(pm.token.i)
            rp = self._resolve_place(pm, ctx, anchor, out, sent, pmentions, self._para_region)
            if pm.near and rp.geo_precision == 1:
                rp = rp.model_copy(update={"geo_precision": 2, "note": f"{pm.near} {rp.location}"})
            if rp.place_id:
                place = self.places.gaz.get(rp.place_id)
                if place is not None and rp.geo_precision == 1:
                    ctx.note(place)
            events.append(self._make_event(document, sent, cl, roles, rp, when, ev_type, sub))
        return events

    def _membership_change(self, cl: Clause, roles, when: When, document: Document, sent: Span,
                           out: Extraction) -> None:
        """Defections, surrenders and dissolutions change who belongs to what: propose them, dated."""
        lemma = cl.trigger.token.lemma_.lower()
        if cl.trigger.cls not in ("defect", "dissolve") and lemma != "surrender":
            return
        reg = self.actors.registry
        who = roles.actor1 if not roles.recipient else roles.actor2
        if not who:
            return
        other = roles.actor2 if not roles.recipient else roles.actor1
        parents = [reg.name(r.target) for r in reg.relations(who, when.day, "member_of")]
        obj = reg.name(other) if other else (", ".join(parents) or None)
        out.proposals.append(Proposal(
            kind="membership_change", subject=reg.name(who), relation=lemma, object=obj, valid_from=when.day,
            evidence=Evidence(doc_id=document.id, start=sent.start_char, end=sent.end_char, text=sent.text)))

    def _make_event(self, document: Document, sent: Span, cl: Clause, roles, rp: ResolvedPlace, when: When,
                    ev_type: str, sub: str) -> Event:
        reg = self.actors.registry
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

    # ------------------------------------------------------------------------------------
    def _control_statements(self, sent: Span, pmentions, ctx, state, when: When | None, document: Document,
                            out: Extraction) -> None:
        """'X, which is still in the hands of the NFL': a holder stated without an event."""
        if when is None:
            return
        for ent in sent.ents:
            if ent.label_ != "ACTOR":
                continue
            before = sent.doc[max(sent.start, ent.start - 8):ent.start].text
            if not STILL_HELD.search(before + " "):
                continue
            holder = self.actors.token_actor(sent.doc[ent.start], state)
            # the place the statement is about: the nearest place mention before the phrase
            cands = [pm for pm in pmentions if pm.token.i < ent.start]
            if not holder or not cands:
                continue
            pm = cands[-1]
            rp = self._resolve(pm, ctx)
            out.control.append(ControlStatement(
                place=rp.location, holder=self.actors.registry.name(holder), on=when.day, place_id=rp.place_id,
                latitude=rp.latitude, longitude=rp.longitude,
                evidence=Evidence(doc_id=document.id, start=sent.start_char, end=sent.end_char, text=sent.text)))


def _absorb(kept: Event, new: Event) -> None:
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


def _paragraph_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer(r"\n\s*\n", text):
        starts.append(m.end())
    return starts


def _para_of(pos: int, starts: list[int]) -> int:
    idx = 0
    for i, s in enumerate(starts):
        if s <= pos:
            idx = i
    return idx
