"""Who did what to whom, where: dependency patterns over one parsed sentence.

A trigger (a verb from the lexicon, or an event noun carried by a light verb) opens a
clause.  Its subject is the first actor; prepositions give the others ("from X" is the
loser of a capture, "to X" the receiver of a hand-over, "at the hands of X" the winner of
a defeat).  The parser often hangs "from X" on the object rather than the verb, so the
whole clause is searched, stopping at nested clauses.  Places are the names in the clause,
minus those that only situate another place ("west of the city of Aleppo", "in the
Euphrates Valley") and, for movements, the destination.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from spacy.tokens import Span, Token

from ..syntax import swallowed_subject
from .doc_index import span_lemmas
from .lexicon import cues, triggers

CLAUSE_STOP = {"advcl", "ccomp", "relcl", "parataxis", "csubj", "xcomp", "acl"}
SUBJ = {"nsubj", "nsubjpass", "csubj"}
# dependents that never carry a participant of this clause
SKIP_CHILD = {"punct", "cc", "mark", "aux", "auxpass", "neg"}


@dataclass
class Trigger:
    token: Token          # the verb or event noun
    cls: str              # take, handover, lose, clash, airstrike, ...
    verb: Token           # the verb that heads the clause (== token for verb triggers; the noun for a free-standing one)
    victim_subject: bool = False  # "troops came under attack": the subject is attacked, not attacking

    @property
    def nominal(self) -> bool:
        """An event noun ("an airstrike by X", "the RSF attacks on Y"), carried by a verb or standing free."""
        return self.token is not self.verb or self.verb.pos_ in ("NOUN", "PROPN")


@dataclass
class Clause:
    trigger: Trigger
    subject: Token | None = None
    passive: bool = False
    preps: list[tuple[str, Token]] = field(default_factory=list)  # (preposition, its object)
    objects: list[Token] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)


def _has_particle(tok: Token, particles: list[str]) -> bool:
    return any(c.dep_ == "prt" and c.lower_ in particles for c in tok.children) or \
        (tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in particles)


def lemma_of(tok: Token, known: frozenset[str]) -> str:
    """The token's lemma, or a regular-inflection guess when the lemmatizer slipped ('staged' -> 'stag')."""
    lemma = tok.lemma_.lower()
    if lemma in known:
        return lemma
    w = tok.lower_
    for cut, add in (("ied", "y"), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e"), ("es", ""), ("s", "")):
        if w.endswith(cut) and w[: -len(cut)] + add in known:
            return w[: -len(cut)] + add
    if len(lemma) >= 8:  # a typo in a long verb ("assasinated"): one letter off a known lemma
        return _closest(lemma, known) or lemma
    return lemma


@lru_cache(maxsize=8192)
def _closest(lemma: str, known: frozenset[str]) -> str | None:
    """The known lemma one letter off ``lemma`` (rapidfuzz), looked for once per lemma and lexicon list
    (most long lemmas are words the list does not hold at all, met again and again)."""
    hit = process.extractOne(lemma, _sorted(known), scorer=fuzz.ratio, score_cutoff=90)
    return hit[0] if hit else None


@lru_cache(maxsize=8)
def _sorted(known: frozenset[str]) -> list[str]:
    return sorted(known)


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    return frozenset(triggers()["verbs"])


@lru_cache(maxsize=1)
def _light_or_subject_verbs() -> frozenset[str]:
    lex = triggers()
    return frozenset(lex["light_verbs"]) | frozenset(lex["event_subject_verbs"])


_TRIGGER_POS = frozenset({"VERB", "AUX", "NOUN", "PROPN"})


def find_triggers(sent: Span) -> list[Trigger]:
    lex = triggers()
    out: list[Trigger] = []
    free: list[Trigger] = []
    seen: set[int] = set()
    for tok in sent:
        pos = tok.pos_
        if pos not in _TRIGGER_POS and not tok.tag_.startswith("VB") or tok.ent_type_ in ("ACTOR", "PLACE"):
            continue  # only a verb (or a verb form) or a noun can be a trigger
        lemma = lemma_of(tok, _verbs()) if pos in ("VERB", "AUX") else tok.lemma_.lower()
        if (pos in ("VERB", "AUX") or tok.tag_.startswith("VB")) and tok.dep_ != "amod":  # not "jihadist-invaded nations"
            spec = lex["verbs"].get(lemma)
            # "took control of", "imposed full control over": a light verb with "control"
            if lemma in lex["control_verbs"] and any(c.dep_ == "dobj" and c.lemma_ in lex["control_nouns"]
                                                     for c in tok.children):
                out.append(Trigger(tok, "take", tok))
                seen.add(tok.i)
                continue
            # "took to the streets": a protest; "set fire to": arson
            if lemma == "take" and any(c.dep_ == "prep" and c.lower_ == "to" and any(
                    g.dep_ == "pobj" and g.lemma_.lower() in lex["street_nouns"] for g in c.children)
                    for c in tok.children):
                out.append(Trigger(tok, "protest", tok))
                seen.add(tok.i)
                continue
            if lemma == "set" and any(c.lemma_.lower() in lex["fire_nouns"] and c.dep_ in ("dobj", "oprd", "acomp", "advmod")
                                      for c in tok.children):
                out.append(Trigger(tok, "loot", tok))
                seen.add(tok.i)
                continue
            # "announced a unilateral ceasefire", "reached a deal"
            if lemma in lex["announce_verbs"] and _object_in(tok, lex["agreement_nouns"]):
                out.append(Trigger(tok, "agree", tok))
                seen.add(tok.i)
                continue
            # "police fired tear gas at protesters", "troops dispersed the demonstrators": a protest met by force
            if lemma in lex["intervention_verbs"] and any(g.lemma_.lower() in lex["crowd_nouns"] for c in tok.children
                                                         for g in c.subtree if c.dep_ in ("dobj", "prep")):
                out.append(Trigger(tok, "protest", tok, victim_subject=True))
                seen.add(tok.i)
                continue
            if spec is None:
                continue
            if spec.get("particle") and not _has_particle(tok, spec["particle"]):
                continue
            if spec.get("preps") and not any(c.dep_ in ("prep", "agent") and c.lower_ in spec["preps"]
                                             for c in tok.children):
                continue  # "the town fell to the rebels", not "prices fell"
            cls = spec["class"]
            if cls == "establish" and not _object_in(tok, lex["establish_objects"]):
                continue
            if spec.get("objects") and not _object_in(tok, spec["objects"]):
                continue  # "dropped barrel bombs" is a strike, "dropped leaflets" is not
            if cls == "agree" and lemma == "sign" and not _object_in(tok, lex["agreement_nouns"]):
                continue
            if cls == "take" and lemma == "enter" and tok.dep_ == "pcomp":
                continue
            out.append(Trigger(tok, cls, tok))
            seen.add(tok.i)
        elif pos in ("NOUN", "PROPN") and lemma in lex["nouns"]:
            head = tok.head
            cls = lex["nouns"][lemma]
            # "dozens of airstrikes", "a series of attacks": the light verb governs the quantity
            governed = tok
            if head.lower_ == "of" and head.head.lemma_.lower() in lex["quantity_nouns"]:
                governed, head = head.head, head.head.head
            tok_dep = governed.dep_
            head_lemma = lemma_of(head, _light_or_subject_verbs())
            if (tok_dep in ("dobj", "pobj") or (tok_dep == "nsubjpass" and head_lemma in ("carry", "conduct", "launch",
                                                                                       "stage", "mount", "lead",
                                                                                       "spearhead")))\
                    and head_lemma in lex["light_verbs"] and head.i not in seen \
                    and not (cls == "explode" and head_lemma in ("begin", "start", "resume", "continue", "hold")):
                # also "the attack was carried out / led by X"; "started clearing mines" is demining, not an explosion
                if head_lemma in ("repel", "repulse", "thwart"):
                    cls = "clash"
                out.append(Trigger(tok, cls, head))
                seen.add(head.i)
            # "claimed responsibility for the attack on X": the claim carries the event
            elif tok_dep == "pobj" and head.lower_ == "for" and head.head.lemma_.lower() in lex["responsibility_nouns"] \
                    and head.head.head.i not in seen and head.head.head.pos_ == "VERB":
                out.append(Trigger(tok, cls, head.head.head))
                seen.add(head.head.head.i)
            # "clashes erupted in X", "an airstrike hit X"
            elif tok_dep in ("nsubj", "nsubjpass") and head_lemma in lex["event_subject_verbs"] and head.i not in seen:
                out.append(Trigger(tok, cls, head))
                seen.add(head.i)
            # "troops came under attack", "the convoy came under fire": the subject is the target
            elif tok_dep == "pobj" and head.lower_ == "under" and head.head.lemma_.lower() in ("come", "be") \
                    and head.head.i not in seen:
                out.append(Trigger(tok, "clash" if cls not in ("airstrike", "shell") else cls, head.head,
                                   victim_subject=True))
                seen.add(head.head.i)
            # "following yesterday's airstrikes by unidentified jets on X", "the RSF attacks on Y": an event
            # noun that names who did it and whom or where, with no verb to carry it
            elif (tok_dep not in ("nsubj", "nsubjpass", "attr", "compound", "amod") or
                  tok_dep == "nsubj" and head.lemma_ == "be" and any(t.lower_ == "between" for t in head.subtree)) \
                    and _names_its_parties(tok) and \
                    head.lemma_.lower() not in lex["trend_verbs"]:
                free.append(Trigger(tok, cls, tok))
            # reaching an agreement: handled as a cue, not an event of its own
    # a free-standing noun inside a clause that already has a trigger is part of that event
    clause_heads = {t.verb.i for t in out}
    out += [t for t in free if not any(a.i in clause_heads for a in t.token.ancestors)]
    # a noun trigger governed by a verb trigger is kept: "launched an attack" is one event through the
    # verb's clause, and the merge steps fold what two triggers of one clause report (dropping the noun
    # here lost events on the dev sets: an identity test between spaCy tokens had kept it from ever applying)
    return out


def _names_its_parties(noun: Token) -> bool:
    """An event noun with its own agent ('by X'), target ('on X', 'against X') or a proper-noun or
    state-adjective modifier ('Israeli strikes', 'RSF attacks')."""
    kids = list(noun.children)
    if any(c.dep_ in ("prep", "agent") and c.lower_ in ("by", "on", "against", "targeting", "between") and
           any(g.dep_ == "pobj" for g in c.children) for c in kids):
        return True
    if noun.head.lemma_ == "be" and any(t.lower_ == "between" for t in noun.head.subtree):
        return True  # "the clashes were between X and Y"
    return any(c.dep_ in ("amod", "compound", "poss", "nmod") and (c.ent_type_ in ("ACTOR", "NORP") or
               (c.pos_ == "PROPN" and c.text[:1].isupper())) for c in kids)


def _object_in(verb: Token, nouns) -> bool:
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in nouns:
            return True
        if c.dep_ == "dobj" and any(g.lemma_.lower() in nouns for g in c.subtree):
            return True
    if any(c.dep_ == "auxpass" for c in verb.children) and not any(c.dep_ == "nsubjpass" for c in verb.children):
        # "the bandits were said to have been engaged by troops": a passive's object is the subject of
        # the verb that raises it
        subj, _ = subject_of(verb)
        return subj is not None and subj.lemma_.lower() in nouns
    return False


def clause_tokens(verb: Token) -> list[Token]:
    """The verb's own clause: its subtree, not descending into nested clauses or verb conjuncts."""
    out, stack = [], [verb]
    while stack:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if c.dep_ in SKIP_CHILD:
                continue
            if c.dep_ in CLAUSE_STOP and c.pos_ in ("VERB", "AUX"):
                continue
            if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and t.pos_ in ("VERB", "AUX"):
                continue
            if c.dep_ == "pcomp" and c.pos_ == "VERB":
                continue
            stack.append(c)
    return sorted(out, key=lambda t: t.i)


def subject_of(verb: Token) -> tuple[Token | None, bool]:
    """(subject token, passive?) — climbing through conjunctions, xcomp and adverbial clauses."""
    t = verb
    for _ in range(6):
        for c in t.children:
            if c.dep_ in SUBJ:
                return c, c.dep_ == "nsubjpass"
        if t.dep_ == "acl" and t.tag_ == "VBN" and t.head.pos_ in ("NOUN", "PROPN") and t.head.i < t.i and \
                t.head.dep_ in ("ROOT", "nsubj", "nsubjpass", "dobj") and swallowed_subject(t) is None and \
                not any(c.dep_ == "dobj" for c in t.children):
            # not "On 5 October insurgents attacked", "mercenaries from terrorists attacked with shells the
            # houses": a main verb the parser hung on a noun (inside a prepositional phrase, or with an object)
            return t.head, True  # "Two soldiers killed in an attack": the noun a past participle modifies underwent it
        if t.dep_ == "acl" and t.tag_ in ("VBN", "VBD") and t.head.pos_ in ("NOUN", "PROPN") and t.head.i < t.i and \
                t.head.dep_ in ("nsubj", "nsubjpass") and any(c.dep_ == "dobj" for c in t.children) and \
                swallowed_subject(t) is None:
            # "then came a wave of missiles targeted the site": a main verb with its own object, which the
            # parser hung on the subject noun before it; that noun did it
            return t.head, False
        if t.dep_ in ("conj", "xcomp", "advcl", "pcomp", "acl") and t.head != t:
            t = t.head
            if t.pos_ == "ADP":  # "after reaching": pcomp under a preposition
                t = t.head
            continue
        break
    return swallowed_subject(verb), False


def build_clause(trig: Trigger) -> Clause:
    verb = trig.verb
    subj, passive = subject_of(verb)
    cl = Clause(trig, subj, passive)
    cl.tokens = clause_tokens(verb)
    for t in cl.tokens:
        if t.dep_ in ("prep", "agent") and t.i != verb.i:
            for c in t.children:
                if c.dep_ == "pobj":
                    cl.preps.append((t.lower_, c))
                    cl.preps += [(t.lower_, cc) for cc in conjuncts(c)]
        if t.dep_ in ("dobj", "attr", "oprd") and t.head.i == verb.i:
            cl.objects.append(t)
            cl.objects += conjuncts(t)
    return cl


def conjuncts(tok: Token) -> list[Token]:
    out, stack = [], [tok]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in ("conj", "appos") and c.pos_ not in ("VERB", "AUX"):
                out.append(c)
                stack.append(c)
    return out


def path_up(tok: Token, stop: Token) -> list[Token]:
    """Tokens from ``tok`` (exclusive) up to ``stop`` (inclusive) along the heads."""
    out, t = [], tok
    for _ in range(40):
        if t.i == stop.i or t.head == t:
            break
        t = t.head
        out.append(t)
    return out


def _reported_by_source(verb: Token, cue) -> bool:
    """'The sources indicated that ...': a source indicating is a source reporting, not a hint."""
    return any(c.dep_ == "nsubj" and c.lemma_.lower() in cue["source_nouns"] for c in verb.children)


def is_irrealis(trig: Trigger, sent: Span) -> str | None:
    """Why the event did not (yet) happen, or None when it is reported as fact."""
    cue = cues()
    verb = trig.verb
    words = span_lemmas(sent)
    if words & cue["rumour_words"]:
        return "rumour"
    chain = [verb]
    t = verb
    for _ in range(8):
        if t.head == t:
            break
        if t.dep_ in ("xcomp", "ccomp", "advcl", "acl", "pcomp", "pobj", "prep", "relcl", "conj", "dobj", "nsubj"):
            t = t.head
            chain.append(t)
        else:
            break
    head = trig.token.head
    if trig.token == verb and trig.token.dep_ == "pobj" and head.lower_ in ("in", "for") and \
            head.head.lemma_.lower() in ("involve", "implicate", "responsible", "accountable", "behind"):
        return f"reference to an event (those {head.head.text} {head.text} it)"  # "the persons involved in the attacks"
    if verb.dep_ == "acl" and verb.head.lower_ in ("those", "them", "these") and verb.tag_ == "VBN":
        return "the dead already reported (those killed)"  # "the bodies of those killed"
    for i, t in enumerate(chain):
        lemma = t.lemma_.lower()
        if i > 0 and lemma in cue["plan_words"]:
            return f"planned ({t.text})"
        if i > 0 and lemma in cue["denial_verbs"]:
            return f"denied ({t.text})"
        if i == 1 and lemma in cue.get("comment_verbs", ()) and verb == trig.token and verb.dep_ == "dobj" and \
                any(c.dep_ == "det" and c.lower_ in ("the", "these", "those", "this", "that") for c in verb.children):
            return f"comment on an event already told ({t.text})"
        if i > 0 and lemma in cue["speculative_verbs"] and not _reported_by_source(t, cue):
            return f"speculation ({t.text})"
        for c in t.children:
            if c.dep_ in ("aux", "auxpass") and c.lower_ in cue["irrealis_aux"] and (i == 0 or t.pos_ in ("VERB", "AUX")):
                return f"not (yet) happened ({c.text})"
            if c.dep_ == "neg" and i <= 1:
                return f"negated ({c.text})"
            if c.dep_ == "mark" and c.lower_ in cue["conditional_marks"]:
                return f"conditional ({c.text})"
    if trig.token is not verb and any(c.dep_ == "neg" for c in trig.token.children):
        return "negated"
    subj, _ = subject_of(verb)
    if subj is not None and any(c.dep_ == "preconj" and c.lower_ == "neither" for c in subj.subtree):
        return "negated (neither/nor)"
    return None
