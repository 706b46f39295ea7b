"""Actor mentions -> registry actors, within one article.

A token is an actor when the entity ruler marked it (a registry name or alias), when a
statistical entity is a close spelling of a registry name ("al-Zrenki"), when the article
defined it as an acronym ("Hayat Tahrir al-Sham (HTS)"), or by simple coreference:
a descriptor the registry lists ("the radical group"), "X-backed group" (an actor backed
by X on that date, named in the article), or "the group"/"they" for the last subject.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Token

from ..extract.doc_index import span_lemmas
from ..records import Mention
from ..syntax import swallowed_subject
from ..places.countries import by_name, country
from .generic import generic_id, state_actor_for_adjective
from .registry import Registry

GROUP_NOUNS = {"group", "faction", "movement", "coalition", "organization", "organisation", "militant",
               "fighter", "jihadist", "rebel", "force", "militia", "alliance", "formation", "brigade", "unit",
               "member", "troop", "gunman", "terrorist", "insurgent", "army"}
# "government forces", "regime troops", "the army": the state forces of the country the article is about
_FORCE_NOUN = r" (?:forces?|troops?|soldiers?|army|units?|warplanes?|jets?|aircraft|helicopters?|artillery|drones?)"
# "state" only with its forces: "Kaduna State", "Islamic State" are a province and a group
GOVERNMENT = re.compile(r"^(?:the )?(?:(?P<who>[A-Z][a-z]+) )?(?:(?:(?:pro-)?government|regime|army|military)"
                        rf"(?:{_FORCE_NOUN})?|state{_FORCE_NOUN}"
                        r"|security (?:forces|services|personnel)|(?:military )?intelligence(?: personnel| officers| agents)?"
                        r"|police(?: forces| officers)?)$|^the (?:army|military)$", re.I)
POLICE_PHRASE = re.compile(r"(?<!military )\bpolice\b", re.I)
# what a state's forces hold: "Iranian positions", "a Turkish convoy"
TARGET_NOUNS = {"position", "post", "base", "convoy", "patrol", "checkpoint", "outpost", "troop", "force", "soldier",
                "unit", "vehicle", "depot", "facility", "site", "target", "jet", "drone"}
# words that make "Syrian opposition forces", "Kurdish rebel fighters" something other than a state's forces
NON_STATE_WORDS = {"opposition", "rebel", "rebels", "militia", "militias", "militiamen", "insurgent", "insurgents",
                   "jihadist", "jihadists", "islamist", "resistance", "separatist", "separatists", "tribal", "armed",
                   "gunmen", "militants", "militant", "fighters", "paramilitary", "defence", "democratic", "national",
                   "liberation", "self-defence", "self-defense", "revolutionary", "popular", "mobilization"}
GENERIC_NAME = re.compile(r"^(?P<k1>Unidentified Armed Group|Civilians|Protesters|Rioters) \((?P<c1>[^)]+)\)$"
                          r"|^(?P<k2>Military Forces|Police Forces|Government) of (?P<c2>.+?)(?: \(\d{4}-(?:\d{4})?\))?$")
GENERIC_KINDS = {"unidentified armed group": "unidentified_armed_group", "civilians": "civilians",
                 "protesters": "protesters", "rioters": "rioters", "military forces": "military",
                 "police forces": "police", "government": "government"}
# plain words for an armed group's fighters, which in a report about one group mean that group
MILITANT_NOUNS = {"militant", "jihadist", "extremist", "insurgent", "terrorist", "militiaman", "militia"}
NON_STATE_EXCLUDE = {"unidentified", "unknown", "suspected", "some", "other", "rival"}
# plain words for a state's soldiers ("soldiers were killed", "the troops withdrew")
BARE_FORCE_NOUNS = {"troop", "soldier", "serviceman"}
QUANTIFIERS = {"some", "several", "many", "few", "dozens", "hundreds", "scores", "thousands", "more", "than", "at",
               "least", "about", "around", "nearly", "over", "up", "to", "of", "all", "other"}  # numbers: like_num
FOREIGN_FORCE_WORDS = {"peacekeeping", "peacekeeper", "un", "foreign", "international", "coalition", "allied", "nato",
                       "mercenary", "enemy", "private"}
PRONOUNS = {"they", "it", "its", "their", "them", "themselves", "itself"}
# words that make a capitalised name an armed group ("the Sultan Murad Division", "Liwa al-Quds")
GROUP_NAME_WORDS = {"brigade", "brigades", "division", "battalion", "army", "front", "movement", "forces", "council",
                    "corps", "legion", "liwa", "jaysh", "jabhat", "harakat", "ansar", "katibat", "faylaq", "tajammu",
                    "kataib", "saraya", "militia", "group", "organization", "organisation", "party", "committee",
                    "guard", "units", "regiment", "alliance", "coalition", "mujahideen", "battalions", "falcons",
                    "lions", "knights", "tigers", "fighters"}
FUZZY_LABELS = {"ORG", "PERSON", "NORP", "GPE", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"}


@dataclass
class DocState:
    on: date | None
    tok_actor: dict[int, str] = field(default_factory=dict)   # token index -> actor id
    mentions: list[tuple[int, str]] = field(default_factory=list)  # (token index, actor id), in order
    last_subject: str | None = None
    country: str | None = None
    admin1: Counter = field(default_factory=Counter)  # the article's provinces (the place context's count)
    air_attacker: str | None = None  # the state the article says struck from the air ("believed to be Israeli")
    phrases: dict[int, tuple] = field(default_factory=dict)  # token index -> its noun phrase (_phrase)


class ActorResolver:
    def __init__(self, registry: Registry):
        self.registry = registry
        self._governments: dict[tuple, str | None] = {}

    def government(self, country: str | None = None, kind: str = "military") -> str | None:
        """The state forces of ``country`` (a name): the registry's national military (or police), else
        ACLED's generic "Military Forces of X" / "Police Forces of X".  None without a country: the
        article's country decides, never a default one.  Answered once per country and kind (the
        registry does not change after loading; this scanned every actor for each phrase)."""
        key = (country, kind)
        if key not in self._governments:
            self._governments[key] = self._government(country, kind)
        return self._governments[key]

    def _government(self, country: str | None, kind: str) -> str | None:
        c = by_name(country) if country else None
        if c is None:
            return None
        names = {c.name, *c.names}
        states = [a for a in self.registry.actors.values() if a.inter == 1 and a.type == "state force"
                  and a.country in names]
        if kind == "military":
            mil = [a for a in states if a.demonym]  # the national military has the demonym, not its divisions
            if mil:
                return mil[0].id
        elif kind == "police":
            pol = [a for a in states if not a.demonym and "police" in a.name.lower()]
            if pol:
                return pol[0].id
        return generic_id(kind, c.iso2)

    def state_forces(self, phrase: str) -> str | None:
        """'Turkish occupation forces', 'Sudanese army', 'Malian troops', 'Russian warplanes': a state's
        forces named by its adjective — the registry's if it lists them, else ACLED's generic actor."""
        words = [w for w in phrase.split() if w.lower() not in ("the", "a", "an")]
        if len(words) < 2 or not words[0][:1].isupper() or {w.lower().strip(",.") for w in words} & NON_STATE_WORDS or \
                any(w.lower().endswith(("-backed", "-led", "-aligned", "-affiliated")) or w.lower().startswith("pro-")
                    for w in words):
            return None
        hit = state_actor_for_adjective(" ".join(words))
        if hit is None:
            return None
        iso2, kind = hit
        if kind not in ("military", "police"):
            return None
        c = country(iso2)
        return self.government(c.name, kind) if c else None

    def id_for_name(self, name: str) -> str | None:
        """The actor an event's actor name stands for: a registry name exactly, or one of ACLED's
        generic names ("Unidentified Armed Group (Syria)" is not the Nigerian one by spelling)."""
        aid, score = self.registry.lookup(name)
        if aid and score >= 100:
            return aid
        m = GENERIC_NAME.match(name or "")
        if m:
            c = by_name(m.group("c1") or m.group("c2"))
            kind = GENERIC_KINDS.get((m.group("k1") or m.group("k2")).lower())
            if c and kind:
                return generic_id(kind, c.iso2)
        return None

    # ------------------------------------------------------------------------------------
    def start_document(self, sdoc: Doc, document, out) -> DocState:
        state = DocState(on=document.meta.published)
        for ent in sdoc.ents:
            aid = None
            if ent.label_ == "ACTOR":
                aid = ent.ent_id_ or self.registry.lookup(ent.text)[0]
            elif ent.label_ in FUZZY_LABELS:
                aid, score = self.registry.lookup(ent.text)
                if aid and score < 100:
                    out.mentions.append(Mention(kind="actor", text=ent.text, start=ent.start_char, end=ent.end_char,
                                                resolved_id=aid, confidence=round(score / 100, 2)))
                    for t in ent:
                        state.tok_actor[t.i] = aid
                    state.mentions.append((ent.root.i, aid))
                    continue
                if not aid:
                    continue
            if not aid:
                continue
            for t in ent:
                state.tok_actor[t.i] = aid
            state.mentions.append((ent.root.i, aid))
            out.mentions.append(Mention(kind="actor", text=ent.text, start=ent.start_char, end=ent.end_char,
                                        resolved_id=aid))
        self._acronyms(sdoc, state, out)
        return state

    def _acronyms(self, sdoc: Doc, state: DocState, out) -> None:
        """'Hayat Tahrir al-Sham (HTS)': the acronym names the actor for the rest of the article."""
        for i, tok in enumerate(sdoc[:-2]):
            if tok.i in state.tok_actor and sdoc[i + 1].text == "(" and i + 3 < len(sdoc) and sdoc[i + 3].text == ")":
                acr = sdoc[i + 2]
                if re.fullmatch(r"[A-Z][A-Za-z-]{1,7}", acr.text) and acr.i not in state.tok_actor:
                    aid = state.tok_actor[tok.i]
                    for t in sdoc:
                        if t.text == acr.text:
                            state.tok_actor[t.i] = aid
                            state.mentions.append((t.i, aid))

    def end_sentence(self, state: DocState, events, sent=None) -> None:
        """The actor a later 'they' or 'the group' stands for: the last event's actor, else the sentence's
        subject when it names an actor ("Government forces reached X. On Friday they captured it.")."""
        for ev in events:
            aid = self.id_for_name(ev.actor1)
            if aid:
                state.last_subject = aid
        if not events and sent is not None:
            for tok in sent:
                if tok.dep_ == "nsubj" and tok.head.dep_ == "ROOT" and tok.lower_ not in PRONOUNS:
                    aid = self.token_actor(tok, state, strict=True)
                    if aid:
                        state.last_subject = aid
                        break

    # ------------------------------------------------------------------------------------
    @staticmethod
    def _phrase(tok: Token, state: DocState) -> tuple:
        """(noun phrase tokens, their lemmas, GOVERNMENT match, the phrase without determiners) of a
        token, read from its parse once per document (a token is asked about again and again)."""
        got = state.phrases.get(tok.i)
        if got is None:
            # a verb the parser hung on the noun as a relative ("On 18 August insurgents attacked ...":
            # syntax.swallowed_subject) is the noun's predicate, not part of its phrase
            clause = {t.i for c in tok.children if c.dep_ == "acl" and c.i == tok.i + 1
                      and getattr(swallowed_subject(c), "i", None) == tok.i for t in c.subtree}
            np = [t for t in tok.subtree if (t.pos_ not in ("VERB", "AUX") or t.dep_ == "amod") and t.i not in clause]
            lemmas = {t.lemma_.lower() for t in np}
            phrase = " ".join(t.text for t in np if t.dep_ != "det")
            phrase_all = " ".join(t.text for t in np if t.dep_ != "det" or t.lower_ == "the")
            got = state.phrases[tok.i] = (np, lemmas, GOVERNMENT.match(phrase_all) or GOVERNMENT.match(phrase), phrase)
        return got

    def token_actor(self, tok: Token | None, state: DocState, strict: bool = False) -> str | None:
        """The actor a token (usually a noun phrase head) refers to, or None.
        ``strict``: names, X-backed phrases and registry descriptors only — no pronouns and no
        bare "the group" (used for objects of prepositions, where those are rarely actors)."""
        if tok is None:
            return None
        if tok.i in state.tok_actor:
            return state.tok_actor[tok.i]
        if tok.lower_ in PRONOUNS:
            return None if strict else state.last_subject
        if tok.ent_type_ == "NORP" and tok.dep_ in ("nsubj", "nsubjpass") and self.registry.by_demonym(tok.text):
            return self.registry.by_demonym(tok.text)  # "Russian and Syrian warplanes": the first named
        if tok.ent_type_ == "GPE" and tok.dep_ in ("nsubj", "nsubjpass", "agent") and not strict:
            # "Russia announced a ceasefire": a state acting is its forces / government
            state_actor = self.registry.sponsor(tok.text)
            if state_actor:
                return state_actor
        np, lemmas, gm, phrase = self._phrase(tok, state)
        # "fighters of the Zenki Movement", "Ahrar al-Sham groups", "HTS's fighters"
        for t in np:
            if t.i in state.tok_actor and (t.dep_ in ("compound", "poss", "pobj", "nmod", "amod", "conj", "appos")
                                           or t.dep_ == "det" and t.ent_type_ == "ACTOR"):  # "Al Shabaab fighters"
                return state.tok_actor[t.i]
        if gm:
            # "Syrian government warplanes", "Turkish security forces": the named state's forces;
            # "government forces", "the army": the forces of the country the article is about
            # "police", "riot police", "Kenyan police officers": the state's police, not its army
            who = gm.group("who")
            if POLICE_PHRASE.search(gm.group(0)):
                gov = (self.state_forces(f"{who} police") if who else None) or self.government(state.country, "police")
            else:
                gov = (self.registry.by_demonym(who) if who else None) or self.government(state.country)
            if gov:
                return gov
        # "Turkish occupation forces", "Malian troops", "the Sudanese army": a state's forces by its adjective
        mods = [t for t in np if t.i <= tok.i and (t.i == tok.i or t.dep_ in ("amod", "compound", "nmod", "det", "poss"))]
        if mods and tok.lemma_.lower() not in ("group", "faction", "militia"):
            forces = self.state_forces(" ".join(t.text for t in sorted(mods, key=lambda t: t.i)))
            if forces:
                return forces
        # "soldiers", "the troops", "12 soldiers": a state's forces — those just named ("Turkish troops
        # shelled X. The troops also struck Y"), else the forces of the country the article is about
        if tok.lemma_.lower() in BARE_FORCE_NOUNS and all(
                t.i >= tok.i or t.dep_ in ("det", "nummod", "quantmod", "predet") or t.like_num or t.lower_ in QUANTIFIERS
                for t in np) and not lemmas & (NON_STATE_WORDS | FOREIGN_FORCE_WORDS):
            last = state.last_subject
            if last and self.is_state_army(last) and any(c.dep_ == "det" and c.lower_ in ("the", "these", "those")
                                                          for c in tok.children):
                return last
            gov = self.government(state.country)
            if gov:
                return gov
        # "Turkish-backed militants", "the US-backed SDF"
        for t in np:
            if t.lemma_.lower() == "back" or t.lower_.endswith("-backed"):
                for c in list(t.children) + [tok.doc[t.i - 2] if t.i >= 2 else t]:
                    if c.i == t.i or c.pos_ not in ("PROPN", "ADJ", "NOUN"):
                        continue
                    sponsor = self.registry.sponsor(c.text)
                    if sponsor:
                        cands = self.registry.backed_by(sponsor, state.on)
                        pick = self._nearest(cands, tok.i, state)
                        if pick:
                            return pick
        # "Iranian positions", "Turkish posts": a state's forces named by their adjective
        for t in np:
            if t.dep_ in ("amod", "compound") and t.head.i == tok.i and t.ent_type_ in ("NORP", "GPE") and \
                    tok.lemma_.lower() in TARGET_NOUNS and not lemmas & NON_STATE_WORDS:
                state_actor = self.registry.by_demonym(t.text)
                if state_actor:
                    return state_actor
        # "the radical group": a descriptor from the registry
        if lemmas & GROUP_NOUNS:
            cands = self.registry.by_descriptor(phrase)
            pick = self._nearest(cands, tok.i, state)
            if pick:
                return pick
            if state.country:
                # "the insurgents" in a Mozambique report: an actor of the article's country, never a
                # group of another war by default ("rebels" in Ethiopia are not the Free Syrian Army)
                cands = [c for c in cands if getattr(self.registry.get(c), "country", "") == state.country]
            if len(cands) == 1:
                return cands[0]
            if strict:
                return None
            # "the group": the last subject named
            if any(t.dep_ == "det" and t.lower_ == "the" for t in tok.children) and tok.lemma_.lower() in GROUP_NOUNS \
                    and len(np) <= 3:
                return state.last_subject
        if tok.lemma_.lower() in MILITANT_NOUNS and len(np) <= 4 and not lemmas & NON_STATE_EXCLUDE:
            # "more than 100 militants attacked the prison" in a report about one armed group: that group
            return self.main_armed_group(state) or self.dominant_group(state)
        return None

    def main_armed_group(self, state: DocState) -> str | None:
        """The non-state armed group the article names most (twice at least, and more than any other),
        or the only one it names."""
        counts: dict[str, int] = {}
        for _, aid in state.mentions:
            a = self.registry.get(aid)
            if a is not None and a.inter in (2, 3, 4) and a.type not in ("civilians", "other"):
                counts[aid] = counts.get(aid, 0) + 1
        if not counts:
            return None
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or (ranked[0][1] >= 2 and ranked[0][1] > ranked[1][1]):
            return ranked[0][0]
        return None

    def same_actor(self, a: str | None, b: str | None) -> bool:
        """One actor under two ids (a registry's 'turkey_military' and the generic 'military:TR')."""
        if not a or not b:
            return False
        if a == b:
            return True
        x, y = self.registry.get(a), self.registry.get(b)
        return x is not None and y is not None and x.name == y.name

    def is_state_force(self, actor_id: str | None) -> bool:
        """A state's military or police (ACLED's inter code 1)."""
        a = self.registry.get(actor_id) if actor_id else None
        return a is not None and a.inter == 1

    def is_state_army(self, actor_id: str | None) -> bool:
        """A state's forces at home or abroad (a foreign army is ACLED's inter 8 where it fights)."""
        a = self.registry.get(actor_id) if actor_id else None
        return a is not None and (a.inter == 1 or a.type == "state force")

    def foreign_state(self, actor_id: str, state: DocState) -> bool:
        """A state's forces, of another country than the article's."""
        a = self.registry.get(actor_id)
        return a is not None and a.inter == 1 and bool(state.country) and a.country != state.country

    def dominant_group(self, state: DocState) -> str | None:
        """'Insurgents attacked ...' in a report from Cabo Delgado: the group the registry has as the
        insurgency of the article's province then, if one is."""
        if not state.country or not state.admin1:
            return None
        (admin1, _), = state.admin1.most_common(1)
        return self.registry.dominant_group(state.country, admin1, state.on)

    def insurgency(self, state: DocState, sdoc: Doc, country: str, admin1: str, on: date | None) -> str | None:
        """Who carried out an attack no clause attributes, in ``admin1``: the province's insurgency when the
        registry codes the attacks left unclaimed there to it and the article speaks of it (names it, or
        calls fighters "insurgents", "militants" ...); else None (the attacker stays unidentified)."""
        grp = self.registry.dominant_group(country, admin1, on, unclaimed_attacks=True)
        if grp is None or not (any(aid == grp for _, aid in state.mentions) or
                               not span_lemmas(sdoc[:]).isdisjoint(MILITANT_NOUNS)):
            return None
        return grp

    def unknown_group(self, tok: Token | None) -> str | None:
        """A named armed group the registry does not know ("the Sultan Murad Division"), as written."""
        if tok is None or not tok.text[:1].isupper() and tok.ent_type_ not in ("ORG",):
            return None
        ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None and ent.label_ in ("ORG", "NORP", "PERSON", "FAC"):
            span = ent
        else:
            left = tok.i
            while left > 0 and tok.doc[left - 1].head.i == tok.i and tok.doc[left - 1].dep_ in ("compound", "amod") \
                    and tok.doc[left - 1].text[:1].isupper():
                left -= 1
            span = tok.doc[left:tok.i + 1]
        words = {t.lower_ for t in span}
        if not (words & GROUP_NAME_WORDS) or len(span) < 2 or not all(t.text[:1].isupper() or t.is_punct or t.lower_ in
                                                                      ("al", "el", "of", "the", "for", "and", "-")
                                                                      for t in span):
            return None
        text = span.text
        return text[4:] if text[:4].lower() == "the " else text

    def opponent(self, actor_id: str, pos: int, state: DocState, on: date | None) -> str | None:
        """The side an actor was fighting in this article: the most recently named actor (before
        ``pos``, else after it) that the registry has it fighting, else one it is not allied with."""
        reg = self.registry
        foes = {r.target for r in reg.relations(actor_id, on, "fighting")} | set(reg.related_to(actor_id, "fighting", on))
        armed = {1, 2, 3, 4, 8}
        before = [a for i, a in reversed(state.mentions) if i < pos and a != actor_id]
        after = [a for i, a in state.mentions if i >= pos and a != actor_id]
        for pool in (before, after):
            for a in pool:
                if a in foes:
                    return a
        for pool in (before, after):
            for a in pool:
                act = reg.get(a)
                if act and act.inter in armed and not reg.allied(actor_id, a, on):
                    return a
        return None

    def _nearest(self, cands: list[str], pos: int, state: DocState) -> str | None:
        """The candidate named most recently before ``pos``, else the first named after it."""
        if not cands:
            return None
        before = [(i, a) for i, a in state.mentions if a in cands and i < pos]
        if before:
            return before[-1][1]
        after = [(i, a) for i, a in state.mentions if a in cands and i > pos]
        return after[0][1] if after else None
