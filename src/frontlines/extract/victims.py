"""Who was hit: civilians, fighters, or a state's own forces, read from the victims and targets a
clause (and the participles that tell its toll) names.

ACLED codes the side an event hit as its second actor: "Civilians (X)" when the victims are not
reported as fighters, a state's military or police when its men or its posts were attacked ("an
attack on a police station", "killing two soldiers", "a police constable was shot dead").  The words
are lexicon cues (``civilian_words``, ``combatant_words``, ``police_words``, ``military_words``,
``force_post_nouns``); the state is the one the phrase names, else the article's country.
"""
from __future__ import annotations

from spacy.tokens import Span, Token

from .grammar import Clause
from .lexicon import cues

VICTIM_WORDS = {"civilian", "woman", "child", "children", "villager", "resident", "elderly", "family", "displaced",
                "student", "worker", "farmer", "passenger", "worshipper", "shopper", "migrant", "refugee"}
# the participles that tell what an attack did: "..., killing two officers", "..., leaving soldiers dead"
TOLL_VERBS = {"kill", "leave", "wound", "injure"}
# where a target stands in its clause: struck, killed, fought with or fired at
TARGET_DEPS = {"dobj", "nsubjpass", "conj", "appos"}
TARGET_PREPS = {"on", "against", "with", "at", "of"}
TOLL_WORDS = {"dead", "wounded", "injured", "missing"}


def victims_are_combatants(cl: Clause) -> bool:
    combat = cues()["combatant_words"]
    return any(t.dep_ in ("dobj", "nsubjpass", "conj", "appos") and t.lemma_.lower() in combat for t in cl.tokens) or \
        any(t.dep_ in ("dobj", "nsubjpass") and t.ent_type_ == "ACTOR" for t in cl.tokens)


def mentions_civilians(cl: Clause) -> bool:
    words = cues()["civilian_words"]
    combat = cues()["combatant_words"]
    for t in cl.tokens:
        if t.dep_ in ("dobj", "nsubjpass", "pobj", "conj", "appos") and t.lemma_.lower() in words:
            return True
        if t.dep_ in ("dobj", "nsubjpass") and t.lemma_.lower() in combat:
            return False
        if t.dep_ in ("dobj", "nsubjpass", "pobj") and _occupied_by(t, words):
            return True
    return False


def _occupied_by(place: Token, words) -> bool:
    """'a refugee camp', 'a camp sheltering migrants', 'a settlement housing displaced families': a
    place named by the civilians in it (the participle's object is read: its clause is not the event's)."""
    for c in place.children:
        if c.dep_ in ("compound", "amod") and c.lemma_.lower() in words:
            return True
        if c.dep_ in ("acl", "relcl") and any(g.dep_ == "dobj" and g.lemma_.lower() in words for g in c.children):
            return True
    return False


def civilian_victims(sent: Span) -> bool:
    """'Women, children and the elderly were among the victims', 'killing 20 civilians': the sentence says
    who was hit, and they are civilians, not fighters."""
    combat = cues()["combatant_words"]
    lemmas = [(t.lemma_.lower(), t.dep_) for t in sent]
    if any(lem in combat and dep in ("nsubj", "nsubjpass", "dobj", "pobj", "conj") for lem, dep in lemmas):
        return False
    return any(lem in VICTIM_WORDS and dep in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos")
               for lem, dep in lemmas)


def _hit_tokens(cl: Clause) -> list[Token]:
    """The clause's own tokens and those of the participles that give its toll."""
    out = list(cl.tokens)
    seen = {t.i for t in out}
    for c in cl.trigger.verb.children:
        if c.dep_ in ("advcl", "xcomp", "conj") and c.lemma_.lower() in TOLL_VERBS:
            out += [t for t in c.subtree if t.i not in seen]
    return out


def _is_target(t: Token, verb: Token) -> bool:
    if t.dep_ in TARGET_DEPS:
        return True
    if t.dep_ == "pobj":
        return t.head.lower_ in TARGET_PREPS
    # "leaving several soldiers dead": the subject of the toll, not of the attack
    return t.dep_ == "nsubj" and t.head.i != verb.i and t.head.lower_ in TOLL_WORDS


def force_kind(t: Token) -> str | None:
    """'police' or 'military' when the token names a state's men or their post ("two policemen", "a
    police station", "an army camp", "soldiers"), else None."""
    c = cues()
    words = [t] + [m for m in t.children if m.dep_ in ("compound", "amod", "nmod")]
    for w in words:
        lemma = w.lemma_.lower()
        if lemma in c["police_words"] or w.lower_ in c["police_words"]:
            return "police"
        if lemma in c["military_words"] or w.lower_ in c["military_words"]:
            if w is t or t.lemma_.lower() in c["force_post_nouns"] or t.lemma_.lower() in c["combatant_words"]:
                return "military"
    return None


def state_target(cl: Clause, actors, state) -> str | None:
    """The state forces the clause's attack hit, named by what was hit (``_forces``); None when no
    target is a state's men or post."""
    verb = cl.trigger.verb
    for t in _hit_tokens(cl):
        if not _is_target(t, verb):
            continue
        kind = force_kind(t)
        if kind is None:
            continue
        return _forces(t, kind, actors, state)
    return None


def _forces(t: Token, kind: str, actors, state) -> str | None:
    """The forces a token names: the phrase's own state ("two Turkish soldiers") if the registry reads
    one, else the article's country's military or police."""
    return actors.token_actor(t, state, strict=True) or \
        (actors.government(state.country, kind) if state.country else None)


INTERVENTION = {"Protest with intervention", "Excessive force against protesters"}


def intervening_forces(sent: Span, actors, state) -> str | None:
    """'Police fired tear gas to disperse the marchers': the state forces a protest met, by the first
    word of the sentence that names a state's men; None when it names none."""
    for t in sent:
        kind = force_kind(t)
        if kind is not None:
            return _forces(t, kind, actors, state)
    return None
