"""ACLED coding of a clause: who is actor1/actor2, which event type and sub-event type,
fatalities, cited sources and the one-line note."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span

from ..acled_codes import interaction  # noqa: F401  (re-exported for the extraction steps)
from .fatalities import ANAPHORIC_FIGHT, fatalities  # noqa: F401  (re-exported: doc_merge uses both)
from .attribution import (FORCE_WORDS, SPEECH_VERBS, aircraft_owner, believed_state, between_parties, claimant,
                          event_noun_actor, speaker, used_by)
from .doc_index import span_lemmas, span_text
from .grammar import Clause
from .lexicon import cues, triggers
from .timex import When
from .victims import VICTIM_WORDS, civilian_victims, mentions_civilians, state_target, victims_are_combatants

TERRITORIAL = {"Non-state actor overtakes territory", "Government regains territory", "Non-violent transfer of territory"}
ARMED_NOUNS = {"militia", "militant", "fighter", "gunman", "rebel", "jihadist", "insurgent", "militiaman", "force",
               "troop", "soldier", "faction", "group", "unit"}
NEEDS_ACTOR = {"take", "lose", "handover", "withdraw", "defect", "dissolve", "establish", "agree"}
GENERIC_ARMED = "Unidentified Armed Group"  # ACLED's actor for armed men nobody names
DEFAULT_INTER = {"Civilians": 7, "Protesters": 6, "Rioters": 5, GENERIC_ARMED: 3}


@dataclass
class Roles:
    actor1: str | None = None
    actor2: str | None = None
    actor1_name: str | None = None  # a named group the registry does not know (proposed as a new actor)
    actor2_name: str | None = None  # a generic actor not in the registry ("Civilians (Syria)")
    assoc1: list[str] = field(default_factory=list)
    assoc2: list[str] = field(default_factory=list)
    recipient: bool = False
    civilians: bool = False
    actor2_inferred: bool = False  # named from the article, not the sentence
    actor1_inferred: str | None = None  # why actor1 was named from the article and the registry, not the sentence
    forces_hit: bool = False  # actor2 is the state forces the clause's attack hit (victims.state_target)


def _sentence_phrase_actor(sent: Span, actors, state, head_lemmas: set[str], prep: str) -> str | None:
    """'at the hands of X', 'under pressure from X': the actor after such a phrase in the sentence."""
    for tok in sent:
        if tok.lower_ == prep and tok.head.lemma_.lower() in head_lemmas:
            for c in tok.children:
                if c.dep_ == "pobj":
                    a = actors.token_actor(c, state)
                    if a:
                        return a
    return None


def roles(cl: Clause, actors, state, sent: Span) -> Roles | None:
    cls = cl.trigger.cls
    subj = actors.token_actor(cl.subject, state) if cl.subject is not None else None
    subj_assoc = [actors.token_actor(c, state) for c in (cl.subject.conjuncts if cl.subject is not None else [])]
    if cl.subject is not None:
        # "Russian and Syrian warplanes": every state named in the subject takes part
        subj_assoc += [actors.registry.by_demonym(t.text) for t in cl.subject.subtree
                       if t.dep_ in ("amod", "conj", "compound", "npadvmod") and t.ent_type_ in ("NORP", "GPE", "")
                       and t.text[:1].isupper() and t.i != cl.subject.i]
    by_prep: dict[str, list[str]] = {}
    for prep, obj in cl.preps:
        a = actors.token_actor(obj, state, strict=True)
        if a:
            by_prep.setdefault(prep, []).append(a)
    objs = [a for a in (actors.token_actor(o, state, strict=True) for o in cl.objects) if a]
    # read from the sentence only where a role needs them (each is a pass over the sentence)
    def hands() -> str | None:
        return _sentence_phrase_actor(sent, actors, state, {"hand"}, "of")

    def pressure() -> str | None:
        return _sentence_phrase_actor(sent, actors, state, {"pressure"}, "from")
    first = lambda *keys: next((by_prep[k][0] for k in keys if by_prep.get(k)), None)  # noqa: E731
    r = Roles()
    if cl.passive:
        agent = first("by") or hands()
        patient = subj
        subj = agent
        objs = [patient] if patient else objs
    if cls == "take":
        r.actor1 = subj
        # "from X"; or the party to the deal: "entered Tal Tamr after an agreement with the SDF"
        r.actor2 = first("from", "against") or (objs[0] if objs else None) or first("with")
    elif cls == "handover":
        rec = first("to")
        if rec:
            r.actor1, r.actor2, r.recipient = rec, subj, True
        else:
            r.actor1, r.actor2 = subj, pressure() or hands()
    elif cls == "lose":
        r.actor1 = first("to", "by") or hands() or pressure()
        r.actor2 = subj
    elif cls in ("withdraw", "defect", "dissolve", "establish"):
        r.actor1 = subj
        r.actor2 = pressure() if cls != "establish" else None
        rec = first("to") if cls == "withdraw" else None
        if rec:
            r.actor2, r.recipient = rec, True
    elif cls == "agree":
        r.actor1, r.actor2 = subj, first("with")
    elif cl.trigger.victim_subject and cls == "protest":
        r.actor2 = subj  # "police fired tear gas at protesters": the protesters are actor1 (coded by default)
    elif cl.trigger.victim_subject:
        # "troops came under attack by gunmen": the subject is the side attacked
        noun = cl.trigger.token
        r.actor2 = subj
        r.actor1 = next((actors.token_actor(g, state, strict=True) for c in noun.children if c.lower_ == "by"
                         for g in c.children if g.dep_ == "pobj"), None)
    elif cls in ("clash", "airstrike", "shell", "explode", "kill", "abduct", "arrest", "loot"):
        r.actor1 = subj or (first("by") if cl.trigger.nominal else None)
        r.actor2 = (objs[0] if objs else None) or first("with", "against", "on", "in")
        # "civilians were killed in a drone strike"; "warplanes bombed the market, killing 12 residents"
        r.civilians = mentions_civilians(cl) or (
            (cl.trigger.nominal and cls in ("clash", "airstrike", "shell", "explode")
             or cls in ("airstrike", "shell", "explode") and r.actor2 is None) and civilian_victims(sent))
    elif cls in ("protest", "riot"):
        r.actor1 = subj
    if r.actor1 is None and cls == "kill" and cause_noun(cl) is not None:
        noun = cause_noun(cl)  # "killed in fighting between X and Y"
        between = [a for c in noun.children if c.lower_ == "between" for g in c.children if g.dep_ == "pobj"
                   for a in [actors.token_actor(x, state, strict=True) for x in [g, *g.conjuncts]] if a]
        if between:
            r.actor1, r.actor2 = between[0], (between[1] if len(between) > 1 else None)
    if r.actor1 is None and cls == "clash" and cl.trigger.nominal and cl.trigger.verb.head.lemma_ == "be":
        # "the clashes were between X and Y": the copula's 'between'
        own = {t.i for t in cl.trigger.token.subtree}
        pair = [a for g in cl.trigger.verb.head.subtree if g.i not in own and g.pos_ in ("PROPN", "NOUN")
                for a in [actors.token_actor(g, state, strict=True)] if a]
        pair = list(dict.fromkeys(pair))
        if pair:
            r.actor1, r.actor2 = pair[0], (pair[1] if len(pair) > 1 else r.actor2)
    if r.actor1 is None and cls in ("clash",) and by_prep.get("between"):
        # "clashes erupted between X and Y"
        between = by_prep["between"]
        r.actor1, r.actor2 = between[0], (between[1] if len(between) > 1 else r.actor2)
    if r.actor1 is None and cls == "clash":
        between = between_parties(sent, actors, state)  # "... in areas of Afrin between X and Y"
        if between:
            r.actor1, r.actor2 = between[0], (between[1] if len(between) > 1 else r.actor2)
    verb = cl.trigger.verb
    fronted = [actors.token_actor(c, state) for c in verb.children
               if c.dep_ in ("intj", "dep", "npadvmod") and c.i < verb.i]
    fronted = [a for a in fronted if a]
    if fronted and cls not in ("handover", "lose"):
        # a parse that left the first of two coordinated subjects dangling ("Turkish forces and their proxies")
        r.assoc1 = [r.actor1] if r.actor1 else []
        r.actor1 = fronted[0]
    if r.actor1 is None and (cl.trigger.nominal or cl.trigger.token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")):
        # "a Russian airstrike", "an Israeli drone strike", "HTS's attack", "Russian shelling [VERB] of X":
        # who by the noun's modifiers
        for c in cl.trigger.token.children:
            if c.dep_ in ("amod", "compound", "poss", "nmod"):
                a = actors.token_actor(c, state, strict=True) or actors.registry.by_demonym(c.text)
                if a:
                    r.actor1 = a
                    break
        if r.actor1 is None and cl.trigger.nominal:
            r.actor1 = used_by(cl.trigger.token, actors, state)  # "a drone launched by the rebels hit ..."
    if r.actor1 is None and cls == "kill":
        # "were killed in Israeli attacks", "died in a Turkish drone strike": who by the event noun
        noun = cause_noun(cl)
        if noun is not None:
            for c in noun.children:
                if c.dep_ in ("amod", "compound", "poss", "nmod"):
                    a = actors.token_actor(c, state, strict=True) or actors.state_forces(c.text) or \
                        actors.registry.by_demonym(c.text)
                    if a:
                        r.actor1 = a
                        break
            if r.actor1 is None:
                r.actor1 = next((actors.token_actor(g, state, strict=True) for c in noun.children if c.lower_ == "by"
                                 for g in c.children if g.dep_ == "pobj"), None)
    if r.actor1 is None and cl.trigger.nominal:
        # "airstrikes by aircraft, believed to be Israeli": the state the agent is said to belong to
        for c in cl.trigger.token.children:
            if c.lower_ == "by":
                for g in c.subtree:
                    a = actors.state_forces(f"{g.text} forces") if g.ent_type_ == "NORP" else None
                    if a:
                        r.actor1 = a
                        break
    if r.actor1 is None and cls in ("clash", "airstrike", "shell", "explode", "kill", "abduct"):
        r.actor1 = claimant(sent, actors, state)
    if r.actor1 is None and not cl.passive and (cl.subject is None or cl.subject.lemma_.lower() in FORCE_WORDS
                                                 or cl.subject.lower_ in ("they", "we", "it")):
        r.actor1 = speaker(cl, actors, state)
    if r.actor1 is None and not cl.passive and cl.subject is not None and cls in ("kill", "airstrike", "shell", "explode",
                                                                                  "clash"):
        # "Russian shelling killed four": who by the event noun that is the subject ("an Israeli wave of
        # missiles that targeted ...": the noun the relative pronoun stands for)
        noun = cl.subject
        if noun.lower_ in ("that", "which") and cl.trigger.verb.dep_ == "relcl":
            noun = cl.trigger.verb.head
        r.actor1 = event_noun_actor(noun, actors, state)
    if r.actor1 is None and cls in ("airstrike", "kill", "shell", "explode"):
        r.actor1 = believed_state(sent, actors)  # "by aircraft, believed to be Israeli"
    if r.actor1 is None and cls in ("airstrike", "kill", "shell"):
        r.actor1 = aircraft_owner(cl, actors, state, sent)  # "a jet dropped bombs": the state's air force
    if r.actor1 is None and cl.subject is None and cl.trigger.verb.pos_ in ("VERB", "AUX") and not cl.passive:
        # a misparsed subject ("X and their mercenaries attacked ..." read as a reduced relative):
        # the nearest actor named before the verb, not the one who reports it
        for t in reversed(list(sent.doc[sent.start:cl.trigger.verb.i])):
            if t.pos_ not in ("NOUN", "PROPN") or (t.dep_ == "nsubj" and t.head.lemma_.lower() in SPEECH_VERBS):
                continue
            a = actors.token_actor(t, state, strict=True)
            if a:
                r.actor1 = a
                break
    if r.actor2 is None and not r.civilians and cls in ("clash", "airstrike", "shell", "explode", "kill"):
        r.actor2 = state_target(cl, actors, state)  # "an attack on a police station", "killing two soldiers"
        r.forces_hit = r.actor2 is not None
    if actors.same_actor(r.actor2, r.actor1):
        r.actor2 = None  # "killed in a Turkish drone strike": the strike's owner is not its target too
        r.forces_hit = False
    if cls == "airstrike" and r.actor1 and actors.foreign_state(r.actor1, state):
        state.air_attacker = r.actor1  # whose the article's later "unidentified jets" may be
    if r.actor1 is None and cl.subject is not None and not cl.passive:
        r.actor1_name = actors.unknown_group(cl.subject)
    if r.actor1 is None and r.actor1_name is None and cl.subject is not None and \
            cl.subject.lemma_.lower() in ARMED_NOUNS and cls in NEEDS_ACTOR:
        r.actor1_name = GENERIC_ARMED  # "Iran-backed militias established a base": someone armed did
    if r.actor1 is None and r.actor1_name is None and cls in NEEDS_ACTOR:
        return None
    if cls == "protest" and actors.is_state_force(r.actor1):
        # "riot police used water cannon on students protesting": the police intervened; the
        # protesters are the first actor (coded by default)
        r.actor1, r.actor2 = None, r.actor2 or r.actor1
    r.assoc1 = [a for a in r.assoc1 + subj_assoc if a and a not in (r.actor1, r.actor2)]
    if r.civilians and not r.actor2:
        r.actor2_name = "Civilians"  # completed with the country when the event is placed
    return r


def _weapon_class(cl: Clause) -> str | None:
    """'a car bomb that killed 5 fighters', 'an artillery shell killed 7': the weapon codes the event."""
    nouns = triggers()["nouns"]
    subj = cl.subject
    if subj is not None and subj.lower_ in ("that", "which") and cl.trigger.verb.dep_ == "relcl":
        subj = cl.trigger.verb.head
    if subj is not None and subj.lemma_.lower() in nouns and nouns[subj.lemma_.lower()] in ("airstrike", "shell", "explode"):
        return nouns[subj.lemma_.lower()]
    noun = cause_noun(cl)
    if noun is not None and nouns[noun.lemma_.lower()] in ("airstrike", "shell", "explode"):
        return nouns[noun.lemma_.lower()]
    for t in cl.trigger.verb.sent:  # "a soldier was killed after their base was hit by rockets"
        if t.dep_ == "pobj" and t.head.lower_ == "by" and nouns.get(t.lemma_.lower()) in ("airstrike", "shell", "explode"):
            return nouns[t.lemma_.lower()]
    return None


def cause_noun(cl: Clause):
    """'were killed in an Israeli airstrike', 'died in the shelling': the event noun a death is reported in."""
    nouns = triggers()["nouns"]
    verb = cl.trigger.verb
    shared = [(c.lower_, g) for v in verb.conjuncts if v.pos_ in ("VERB", "AUX") for c in v.children
              if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]  # "killed and injured in Israeli attacks"
    for prep, obj in list(cl.preps) + shared:
        if prep in ("in", "by", "during", "after", "following") and obj.lemma_.lower() in nouns and (
                obj.head.head.i == verb.i or obj.head.head in verb.conjuncts):
            return obj
    return None


def suicide_attack(cl: Clause) -> bool:
    """'A suicide attack on a checkpoint killed two', 'a suicide bomber struck', 'killed in a suicide car
    bombing': the event noun, the clause's subject or the noun a death is reported in is modified by
    "suicide" (another suicide attack the sentence only mentions does not count)."""
    cause = cause_noun(cl)
    if cause is not None and (cause.head.lower_ not in ("in", "by", "during") or cause.head.head.i != cl.trigger.verb.i):
        cause = None  # "a week after a suicide attack elsewhere": another event
    heads = [t for t in (cl.trigger.token, cl.subject, cause) if t is not None and t.pos_ in ("NOUN", "PROPN")]
    return any(x.lemma_.lower() == "suicide" for t in heads for left in t.lefts
               if left.dep_ in ("compound", "amod", "nmod", "npadvmod") for x in left.subtree)


def _instrument(cl: Clause) -> str | None:
    """'air' or 'ground' when the clause names the weapon it was done with ("with shells", "using drones")."""
    c = cues()
    subj = cl.subject
    if subj is not None and not cl.passive and cl.trigger.token == cl.trigger.verb:
        # "Turkish drones targeted a car", "missiles hit the base": the subject is the weapon
        lemma = subj.lemma_.lower().split()[-1] if subj.lemma_.strip() else ""
        lemma = lemma[:-1] if lemma.endswith("s") and lemma[:-1] in c["air_words"] | c["ground_fire_words"] else lemma
        if lemma in c["air_words"]:
            return "air"
        if lemma in c["ground_fire_words"]:
            return "ground"
    for prep, obj in cl.preps:
        if prep not in ("with", "using", "by"):
            continue
        words = {t.lemma_.lower() for t in obj.subtree} | {t.lower_ for t in obj.subtree}
        if words & c["air_words"] and not words & {"missile", "rocket"}:
            return "air"
        if words & c["ground_fire_words"]:
            return "ground"
    for t in cl.tokens:  # "using drones": a participle whose object is the weapon
        if t.lemma_.lower() in ("use", "fire") and t.dep_ in ("advcl", "xcomp", "acl"):
            words = {g.lemma_.lower() for g in t.subtree}
            if words & c["air_words"]:
                return "air"
            if words & c["ground_fire_words"]:
                return "ground"
    return None


def _has_any(sent: Span, words: set[str]) -> bool:
    text = span_text(sent).lower()
    lemmas = span_lemmas(sent, skip="according")  # "according to" is no accord
    return any((" " in w and w in text) or w in lemmas for w in words)


def acled_type(cl: Clause, r: Roles, actors, sent: Span) -> tuple[str, str]:
    c = cues()
    cls = cl.trigger.cls
    a1 = actors.registry.get(r.actor1)
    gov = bool(a1 and a1.inter == 1)
    if cls == "take":
        if _has_any(sent, c["nonviolent"]):
            return "Strategic developments", "Non-violent transfer of territory"
        return "Battles", "Government regains territory" if gov else "Non-state actor overtakes territory"
    if cls == "lose":
        return "Battles", "Government regains territory" if gov else "Non-state actor overtakes territory"
    if cls in ("handover", "withdraw"):
        return "Strategic developments", ("Non-violent transfer of territory" if r.recipient
                                          else "Change to group/activity")
    if cls in ("defect", "dissolve"):
        return "Strategic developments", "Change to group/activity"
    if cls == "establish":
        return "Strategic developments", "Headquarters or base established"
    if cls == "agree":
        return "Strategic developments", "Agreement"
    if cls == "arrest":
        return "Strategic developments", "Arrests"
    if cls == "loot":
        crowd = cues()["crowd_words"]
        if cl.subject is not None and (cl.subject.lemma_.lower() in crowd or not r.actor1) and \
                cl.subject.lemma_.lower() not in cues()["combatant_words"]:
            return "Riots", "Violent demonstration"
        return "Strategic developments", "Looting/property destruction"
    if cls == "abduct":
        return "Violence against civilians", "Abduction/forced disappearance"
    if cls in ("airstrike", "shell", "explode", "clash", "kill") and suicide_attack(cl):
        return "Explosions/Remote violence", "Suicide bomb"  # "a suicide attack killed", "a suicide bomber struck"
    if cls in ("airstrike", "shell"):
        air = _has_any(sent, c["air_words"])
        ground = _has_any(sent, c["ground_fire_words"])
        if cls == "airstrike" and cl.trigger.token.lemma_.lower() == "raid" and not air:
            return "Battles", "Armed clash"  # a raid on the ground
        if cls == "airstrike" and (air or not ground):
            return "Explosions/Remote violence", "Air/drone strike"
        if cls == "shell" and air and not ground:
            return "Explosions/Remote violence", "Air/drone strike"
        return "Explosions/Remote violence", "Shelling/artillery/missile attack"
    if cls == "explode":
        if _has_any(sent, c["air_words"]) and not _has_any(sent, c["ied_words"] | c["suicide_words"]):
            return "Explosions/Remote violence", "Air/drone strike"  # "aerial bombing"
        if _has_any(sent, c["suicide_words"]):
            return "Explosions/Remote violence", "Suicide bomb"
        return "Explosions/Remote violence", "Remote explosive/landmine/IED"
    if cls == "protest":
        text = span_text(sent).lower()
        if re.search(r"\b(killed|killing|shot dead|wounded|wounding|injuring)\b", text):
            return "Protests", "Excessive force against protesters"
        if re.search(r"\b(dispers|tear gas|fired|opened fire|shot at|arrested|detained|beat|water cannon|rubber bullet|baton|stun grenade)", text):
            return "Protests", "Protest with intervention"
        return "Protests", "Peaceful protest"
    if cls == "riot":
        return "Riots", "Violent demonstration"
    weapon = _instrument(cl) if cls in ("clash", "kill") else None
    if weapon:
        # "attacked the houses with shells", "targeted the village with drones": the weapon codes the event
        if weapon == "air":
            return "Explosions/Remote violence", "Air/drone strike"
        return "Explosions/Remote violence", "Shelling/artillery/missile attack"
    if cls == "clash" and r.civilians:
        return "Violence against civilians", "Attack"
    weapon = _weapon_class(cl) if cls == "kill" else None
    if weapon:
        cls = weapon
        if cls in ("airstrike", "shell"):
            air, ground = _has_any(sent, c["air_words"]), _has_any(sent, c["ground_fire_words"])
            return ("Explosions/Remote violence", "Air/drone strike") if (air or cls == "airstrike") and not ground \
                else ("Explosions/Remote violence", "Shelling/artillery/missile attack")
        if _has_any(sent, c["suicide_words"]):
            return "Explosions/Remote violence", "Suicide bomb"
        return "Explosions/Remote violence", "Remote explosive/landmine/IED"
    if cls == "kill":
        noun = cause_noun(cl)
        if noun is not None and triggers()["nouns"][noun.lemma_.lower()] == "clash" and \
                not any(t.lemma_.lower() in VICTIM_WORDS for t in cl.tokens if t.dep_ in ("nsubjpass", "dobj")):
            return "Battles", "Armed clash"  # "13 people were killed in fighting between armed groups"
        # ACLED: victims not reported as fighters are civilians
        if r.civilians or not (victims_are_combatants(cl) or r.forces_hit or _armed(actors, r.actor2)):
            return "Violence against civilians", "Attack"
    return "Battles", "Armed clash"


def _armed(actors, actor_id: str | None) -> bool:
    """The other side is an armed actor ("opened fire on soldiers", "shot at the militia"): a fight, not
    an attack on civilians.  ACLED's inter codes 1-4 and 8 are the armed ones."""
    a = actors.registry.get(actor_id) if actor_id else None
    return bool(a and a.inter in (1, 2, 3, 4, 8))


def by_agreement(sent: Span) -> bool:
    """A transfer by agreement names its own counterpart (a council, notables), not an armed foe."""
    return _has_any(sent, cues()["agreement_words"])


def default_actor(event_type: str, sub: str, country: str) -> str:
    """ACLED's generic actor; without a country, the bare name (the event's notes say the country is unknown)."""
    kind = "Protesters" if event_type == "Protests" else "Rioters" if event_type == "Riots" else GENERIC_ARMED
    return f"{kind} ({country})" if country else kind


def default_inter(name: str) -> int | None:
    for prefix, code in DEFAULT_INTER.items():
        if name.startswith(prefix):
            return code
    return None




def cited_sources(sent: Span) -> list[str]:
    """'according to local sources', 'citing Iba’a', 'the SOHR said': who the report relies on."""
    out = []
    for tok in sent:
        phrase = None
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            objs = [c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"]
            phrase = objs[0] if objs else None
        elif tok.lower_ == "citing":
            objs = [c for c in tok.children if c.dep_ in ("dobj", "pobj")]
            phrase = objs[0] if objs else None
        if phrase is None:
            continue
        span = tok.doc[phrase.left_edge.i:phrase.right_edge.i + 1]
        names = [t for t in span if t.pos_ == "PROPN" or t.ent_type_ in ("ORG", "PERSON", "ACTOR")]
        if names and names[-1].i == phrase.i:
            text = phrase.text if phrase.ent_type_ else " ".join(t.text for t in span if t.pos_ == "PROPN")
        else:
            first = next((t for t in span if t.dep_ != "det"), span[0])
            text = tok.doc[first.i:span.end].text
        text = text.strip(" ,.")
        if text and len(text) <= 60:
            out.append(text)
    return out


def notes(when: When, actor1: str, cl: Clause, rp, actor2: str, sub: str, inferred: bool = False,
          actor1_inferred: str | None = None) -> str:
    verb = cl.trigger.token.lemma_
    s = f"On {when.day.isoformat()}{'' if when.precision == 1 else ' (approx.)'}, {actor1}"
    if actor1_inferred:
        s += f" (inferred: {actor1_inferred})"
    s += f" — {verb} — {rp.location}"
    if actor2:
        s += f" (other side: {actor2}{', inferred from the article' if inferred else ''})"
    s = f"{s}. [{sub}]"
    if rp.note:  # what the geocoder inferred, for the analyst to check
        s += f" Location: {rp.note}."
    return s
