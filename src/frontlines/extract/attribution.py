"""Who did it, when the clause does not say: the speaker's own forces, the group that claims the
attack, the adjective on the event noun, the state whose aircraft struck.

Each rule answers only where the clause has no actor of its own, and each names its evidence in
the sentence (a claim, an adjective, a speaker): nothing is guessed from outside the text.
"""
from __future__ import annotations

from spacy.tokens import Span, Token

from ..places.countries import by_demonym, by_name
from .grammar import Clause
from .lexicon import triggers

SPEECH_VERBS = {"say", "tell", "report", "announce", "state", "claim", "add", "confirm", "note", "write", "tweet"}
FORCE_WORDS = {"jet", "warplane", "aircraft", "drone", "force", "troop", "soldier", "unit", "helicopter", "plane",
               "fighter", "artillery", "navy", "army"}
# what only a state flies: "a jet dropped two bombs", "helicopters strafed the village"
AIRCRAFT = {"jet", "warplane", "aircraft", "helicopter", "plane", "bomber", "gunship", "airplane", "airforce"}
# the attack a claim is about: "claimed the bombing", "said it was behind the attack"
ATTACK_NOUNS = {"attack", "bombing", "blast", "explosion", "assault", "raid", "ambush", "strike", "killing", "operation",
                "massacre", "abduction", "kidnapping", "shelling"}
NOUN_DEPS = ("amod", "compound", "poss", "nmod")
UNKNOWN = {"unidentified", "unknown", "unmarked", "foreign", "mysterious"}


def speaker(cl: Clause, actors, state) -> str | None:
    """'The IDF announced that fighter jets had struck ...', 'the ministry said its forces captured ...':
    unnamed forces reported by an actor are that actor's forces."""
    t = cl.trigger.verb
    for _ in range(3):
        if t.dep_ in ("ccomp", "xcomp", "conj") and t.head.lemma_.lower() in SPEECH_VERBS:
            subj = next((c for c in t.head.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                return actors.token_actor(subj, state, strict=True) or actors.state_forces(
                    " ".join(x.text for x in subj.subtree if x.dep_ != "det"))
            return None
        t = t.head
    return None


def claimant(sent: Span, actors, state) -> str | None:
    """'ISIS claimed responsibility for the bombing', 'Boko Haram claimed the attack', 'al-Shabaab said it
    was behind the blast' / 'said it carried out the raid': the claimant carried it out."""
    responsibility = set(triggers()["responsibility_nouns"])
    for tok in sent:
        lemma = tok.lemma_.lower()
        claimed = lemma == "claim" and any(c.dep_ == "dobj" and c.lemma_.lower() in responsibility | ATTACK_NOUNS
                                           for c in tok.children)
        own = lemma in SPEECH_VERBS and any(_owns_attack(c) for c in tok.children if c.dep_ in ("ccomp", "xcomp"))
        if claimed or own:
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                return actors.token_actor(subj, state, strict=True)
    return None


def _owns_attack(verb: Token) -> bool:
    """'it was behind the attack', 'it carried out the attack', 'its fighters conducted the raid'."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.lower_ not in ("it", "they", "we"):
        return False
    if verb.lemma_ == "be":
        return any(c.lower_ == "behind" and any(g.lemma_.lower() in ATTACK_NOUNS for g in c.children)
                   for c in verb.children)
    return verb.lemma_.lower() in ("carry", "conduct", "stage", "launch", "perpetrate", "execute") and \
        any(c.dep_ == "dobj" and c.lemma_.lower() in ATTACK_NOUNS for c in verb.subtree)


def event_noun_actor(noun: Token, actors, state) -> str | None:
    """'Russian shelling killed four', 'an Israeli strike killed ...': the event noun's adjective or owner."""
    if noun.lemma_.lower() not in ATTACK_NOUNS | {"airstrike", "bombardment", "fire", "missile", "rocket",
                                                    "drone", "shell", "mortar", "artillery", "wave", "barrage",
                                                    "salvo", "volley"}:  # "a fourth Israeli wave of missiles"
        return None
    nouns = [noun]
    if noun.dep_ == "pobj" and noun.head.lower_ == "of":
        nouns.append(noun.head.head)  # "an Israeli wave of missiles that ...": the wave's adjective
    for n in nouns:
        for c in n.children:
            if c.dep_ in NOUN_DEPS:
                a = actors.token_actor(c, state, strict=True) or actors.state_forces(f"{c.text} forces") \
                    or actors.registry.by_demonym(c.text)
                if a:
                    return a
    return used_by(noun, actors, state)


# what a side does with a weapon or an attack, said in a participle after it
USE_VERBS = {"fire", "launch", "drop", "plant", "lay", "fly", "send", "shoot", "carry", "conduct", "stage", "mount",
             "claim", "perpetrate"}


HEDGE_VERBS = {"believe", "think", "say", "suspect"}


def used_by(noun: Token, actors, state) -> str | None:
    """'rockets fired by Houthi fighters', 'a drone launched by the rebels', 'the attack, carried out by X',
    'missiles believed to have been fired by X': the agent of a participle that says who used the
    weapon or made the attack (through 'believed to', 'said to', 'thought to').  The small model often
    makes the participle right after the noun the sentence's verb ("Rockets fired by X struck ...":
    'fired' the root, 'struck' its conjunct): that participle is read as the noun's too."""
    parts = [c for c in noun.children if c.dep_ in ("acl", "relcl") and c.i > noun.i]
    head = noun.head
    if noun.dep_ in ("nsubj", "nsubjpass") and head.i == noun.i + 1 and (
            head.tag_ == "VBN" or head.tag_ == "VBD" and head.lemma_.lower() in HEDGE_VERBS):
        parts.append(head)  # ("Missiles believed to have been launched by X struck ...": 'believed' too)
    for c in parts:
        verbs = [c] + [x for x in c.children if x.dep_ == "xcomp" and c.lemma_.lower() in HEDGE_VERBS]
        for v in verbs:
            if v.lemma_.lower() not in USE_VERBS:
                continue
            for by in v.children:
                if by.dep_ == "agent" or by.dep_ == "prep" and by.lower_ == "by":
                    for g in by.children:
                        if g.dep_ == "pobj":
                            a = actors.token_actor(g, state, strict=True)
                            if a:
                                return a
    return None


def aircraft_owner(cl: Clause, actors, state, sent: Span) -> str | None:
    """'A jet dropped two bombs on the village': only a state flies jets, so the state forces of the
    article's country — unless the sentence names another state, whose aircraft they may be."""
    subj = cl.subject
    if subj is None and cl.trigger.nominal:  # "airstrikes by unidentified jets"
        subj = next((g for c in cl.trigger.token.children if c.lower_ == "by" for g in c.children
                     if g.dep_ == "pobj"), None)
    if subj is None or subj.lemma_.lower() not in AIRCRAFT or not state.country:
        return None
    if any(c.lower_ in UNKNOWN for c in subj.children):
        # "unidentified jets": not the home state's by default; the state the article already
        # said struck from the air, if it did
        return state.air_attacker
    if any(c.dep_ in NOUN_DEPS and (c.ent_type_ in ("NORP", "GPE") or c.text[:1].isupper()) for c in subj.children):
        return None  # "Russian jets": the modifiers said who, or named someone the registry lacks
    home = by_name(state.country)
    others = {c.iso2 for t in sent if t.ent_type_ in ("NORP", "GPE")
              for c in [by_demonym(t.text) or by_name(t.text)] if c is not None}
    if others - {home.iso2 if home else None}:
        return None  # "... jets, believed to be Israeli": another state is in the frame
    return actors.government(state.country)


def believed_state(sent: Span, actors) -> str | None:
    """'airstrikes by aircraft, believed to be Israeli', 'jets thought to be Russian': the state the
    sentence says the unnamed attacker is believed to be."""
    for tok in sent:
        if tok.lemma_.lower() in ("believe", "think", "suspect", "presume") and tok.tag_ in ("VBN", "VBD"):
            for be in (c for c in tok.children if c.dep_ == "xcomp" and c.lemma_ == "be"):
                for c in be.children:
                    if c.dep_ in ("acomp", "attr") and c.text[:1].isupper():
                        forces = actors.state_forces(f"{c.text} forces")
                        if forces:
                            return forces
    return None


def between_parties(sent: Span, actors, state) -> list[str]:
    """'clashes continue in areas of Afrin between X and Y': the parties of a 'between' the parse hung
    on another noun of the sentence."""
    for tok in sent:
        if tok.lower_ == "between":
            for g in tok.children:
                if g.dep_ == "pobj":
                    found = [a for x in [g, *g.conjuncts] for a in [actors.token_actor(x, state, strict=True)] if a]
                    if found:
                        return list(dict.fromkeys(found))
    return []
