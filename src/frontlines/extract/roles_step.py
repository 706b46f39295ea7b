"""Step — roles: who did what to whom in a clause, and what that changes about who belongs to what.

Reads the clause (clauses.py), the actor resolver and the document's actor state, the sentence's
date and the previous sentence's events (for "Thus, HTS took X": the loser is the other side of
the event before).  Gives the clause its ``coding.Roles`` and ACLED event type and sub-type, names
the other side from the article when ACLED coders would (``roles.actor2_inferred``), and adds
dated membership-change ``Proposal``s (defections, surrenders, dissolutions) to the Extraction.
The role and type rules themselves live in coding.py.
"""
from __future__ import annotations

import re

from ..records import Evidence, Proposal
from ..actors.resolve import GOVERNMENT
from . import coding
from .context import DocContext, Resources, SentenceContext
from .doc_index import span_text
from .grammar import Clause
from .victims import INTERVENTION, intervening_forces

CONSEQUENCE = re.compile(r"^\s*(thus|as a result|consequently|therefore|thereby|hence|so)\b", re.I)
# "In a separate incident, ...", "Elsewhere, ...": the sentence reports another event than the one before
SEPARATE = re.compile(r"^\W*(in (a|another) separate \w+|separately|elsewhere|in another (incident|attack))\b", re.I)


def clause_roles(res: Resources, dc: DocContext, s: SentenceContext, cl: Clause,
                 whole_sentence: bool = False) -> tuple[coding.Roles, str, str] | None:
    """The clause's roles, event type and sub-event type; None when it has no roles to code."""
    sent, when, state, prev_events = s.sent, s.when, dc.actor_state, dc.prev_events
    roles = coding.roles(cl, res.actors, state, sent)
    if roles is None:
        return None
    if not roles.actor2 and CONSEQUENCE.match(span_text(sent)) and prev_events:
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
    if sub in INTERVENTION and not roles.actor2 and not roles.actor2_name:
        roles.actor2 = intervening_forces(sent, res.actors, state)  # who dispersed the protest
    antecedent = _antecedent(dc, s, cl) if roles.actor1 is None and not roles.actor1_name else None
    if antecedent is None and (roles.actor1 is not None or roles.actor1_name):
        # "Gangs launched a fresh attack on the capital ... The attack on Petionville was led by X": the
        # same attack, now with who led it (never another side's attack folded into it)
        ante = _antecedent(dc, s, cl) and next((e for e in dc.prev_events if e.event_type == ev_type
                                                 and e.actor1.startswith("Unidentified")), None)
        if ante is not None:
            s.antecedent = ante
            return roles, ev_type, sub
    if antecedent is None and cl.trigger.cls == "kill" and cl.passive and roles.actor1 is None and \
            not SEPARATE.match(span_text(sent)) and \
            not roles.actor1_name and dc.prev_events and s.index - dc.prev_si <= 2 and \
            dc.prev_events[0].event_type in ("Explosions/Remote violence", "Battles") and \
            coding.cause_noun(cl) is None:
        # "A woman and two children were killed in Souaneh" after "Israeli strikes hit ...": the deaths
        # of the strikes just reported, at the place this sentence names
        ante = dc.prev_events[0]  # the sentence's main event
        roles.actor1 = res.actors.id_for_name(ante.actor1)
        roles.actor1_name = None if roles.actor1 else ante.actor1
        return roles, ante.event_type, ante.sub_event_type
    placeless = _placeless(dc, s, cl) if antecedent is None and roles.actor1 is None and not roles.actor1_name \
        else None
    if placeless is not None:
        # "Troops killed 19 gunmen in a shootout. The confrontation occurred on the outskirts of X": the
        # clause before, which had no place, is the event this sentence places; its sides (and its toll
        # and sentence, doc_merge) are this event's
        s.placeless = placeless
        pr = placeless.roles
        roles.actor1, roles.actor1_name = pr.actor1, pr.actor1_name
        if not roles.actor2 and not roles.actor2_name:
            roles.actor2, roles.actor2_name, roles.civilians = pr.actor2, pr.actor2_name, pr.civilians
        if cl.trigger.token.lemma_.lower() in GENERIC_EVENT_NOUNS:
            return roles, placeless.event_type, placeless.sub_event_type
    if antecedent is not None:
        # "The attack also destroyed ...", "The bomb went off behind the mosque": the event the article
        # just reported; a generic noun takes its type too, a specific one ("the bomb") keeps its own
        s.antecedent = antecedent
        roles.actor1 = res.actors.id_for_name(antecedent.actor1)
        roles.actor1_name = None if roles.actor1 else antecedent.actor1
        if antecedent.actor2 and not roles.actor2:
            roles.actor2 = res.actors.id_for_name(antecedent.actor2)
            roles.actor2_name = None if roles.actor2 else antecedent.actor2
        if cl.trigger.token.lemma_.lower() in GENERIC_EVENT_NOUNS:
            return roles, antecedent.event_type, antecedent.sub_event_type
    if roles.actor1 and not roles.actor2 and not roles.actor2_name and not roles.civilians:
        # ACLED coders name the other side from the article when the sentence leaves it implied
        by_agreement = sub == "Non-violent transfer of territory" and coding.by_agreement(sent)
        if ev_type in ("Battles", "Explosions/Remote violence") or (
                sub == "Non-violent transfer of territory" and not by_agreement):
            roles.actor2 = res.actors.opponent(roles.actor1, cl.trigger.token.i, state, when.day) or \
                _state_side(res, sent, state, roles.actor1)
            roles.actor2_inferred = roles.actor2 is not None
    if res.actors.same_actor(roles.actor2, roles.actor1):
        roles.actor2 = None  # the side inferred for it is the attacker itself
    return roles, ev_type, sub


STATE_NOUNS = {"force", "troop", "army", "soldier", "regime", "military", "police", "policeman"}


def _state_side(res: Resources, sent, state, actor1: str) -> str | None:
    """'terrorists attacked X and Y, as well as positions of government forces': a non-state attacker's
    other side is the state forces the sentence names, when the article names no other foe."""
    reg = res.actors.registry
    a1 = reg.get(actor1)
    if a1 is None or a1.inter not in (2, 3, 4):
        return None
    for tok in sent:
        if tok.lemma_.lower() in STATE_NOUNS and tok.pos_ == "NOUN":
            # the noun with its own modifiers only ("government forces", not "... in Hama province")
            phrase = " ".join([t.text for t in tok.lefts if t.dep_ != "det"] + [tok.text])
            a = res.actors.state_forces(phrase) or (res.actors.government(state.country)
                                                    if GOVERNMENT.match(phrase) else None)
            act = reg.get(a) if a else None
            if act is not None and act.inter == 1 and a != actor1:
                return a
    return None


ANAPHORIC_DETS = {"the", "this", "that", "these", "those"}


def definite(noun) -> bool:
    """'the attack', 'this blast': a noun that refers back to something the article has told."""
    return any(c.dep_ == "det" and c.lower_ in ANAPHORIC_DETS for c in noun.children)
GENERIC_EVENT_NOUNS = {"attack", "assault", "offensive", "operation", "raid", "incident", "fighting", "violence"}


def _antecedent(dc: DocContext, s: SentenceContext, cl: Clause):
    """The event a definite event noun with no actor of its own refers back to ("the attack", "the
    strikes"): the last event reported, two sentences back at most."""
    noun = cl.trigger.token
    if noun.pos_ not in ("NOUN", "PROPN") or not definite(noun):
        return None
    if not dc.prev_events or s.index - dc.prev_si > 2:
        return None
    return dc.prev_events[-1]


def _placeless(dc: DocContext, s: SentenceContext, cl: Clause):
    """The clause a definite event noun with no actor of its own places ("the confrontation occurred
    near X"): the last clause coded without a place, in the sentence before or the one before that,
    when no placed event came after it."""
    noun, pl = cl.trigger.token, dc.placeless
    if pl is None or not 0 < s.index - pl.index <= 2 or dc.prev_si >= pl.index:
        return None
    if noun.pos_ not in ("NOUN", "PROPN") or not definite(noun):
        return None
    return pl


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
        evidence=Evidence(doc_id=document.id, start=sent.start_char, end=sent.end_char, text=span_text(sent))))
