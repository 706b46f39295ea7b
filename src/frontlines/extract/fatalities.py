"""Reported deaths in a sentence: "at least 23 fighters and 14 soldiers were killed" counts 37,
"killing 7 civilians" 7, "some 14 militiamen of Afghan nationalities were killed" 14; people
wounded are not counted, and ACLED's lower bound is taken ("dozens" counts 12)."""
from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import cues

_NUMBER = r"(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a dozen|dozens|several|scores|hundreds)"
_PERSONS = (r"(?:people|persons?|civilians?|fighters?|militants?|soldiers?|troops?|members?|men|women|children|"
            r"residents?|rebels?|jihadists?|gunmen|officers?|servicemen|militiamen|policemen|workers?|"
            r"protesters?|demonstrators?|combatants?|insurgents?|personnel|others?|farmers?|shepherds?|"
            r"man|woman|child|boys?|girls?|villagers?|constables?|policeman)")
_QUAL = r"(?:at least|more than|over|some|about|around|nearly|almost|up to)?\s*"
_COUNT = re.compile(rf"\b{_QUAL}{_NUMBER}\s+(?:[\w-]+\s+){{0,2}}?{_PERSONS}\b", re.I)
_KILL_WORD = re.compile(r"\b(?:killed|kills|dead|died|executed|slain|lost their lives|killing|leaving|massacred|massacring|"
                        r"slaughtered)\b", re.I)
_KILLED = re.compile(rf"\b{_QUAL}{_NUMBER}\s+(?:[\w-]+\s+){{0,4}}?"
                     r"(?:were|have been|had been|was|are|being)?\s*(?:later\s+|also\s+|reportedly\s+|then\s+)?"
                     r"(?:killed|dead|died|executed|slain|lost their lives)",
                     re.I)
_PASSIVE_KILL = re.compile(r"(?:(?!\b(?:were|was|wounded|injured|while|whereas|but)\b)[^.;:()\d]){0,60}?"
                           r"\b(?:were|have been|had been)\s+(?:killed|executed|slain)\b", re.I)
_KILLING = re.compile(rf"\b(?:killing|killed|kills|leaving|shot dead|executed|massacred|massacring|slaughtered)\s+"
                      rf"{_QUAL}{_NUMBER}\b", re.I)
# "claimed nine lives", "claiming the lives of 12 people", "took the lives of three": the toll as lives lost
_LIVES = re.compile(rf"\b(?:claim(?:ed|ing|s)?|took|taking|takes|cost|costing|costs)\s+(?:{_QUAL}{_NUMBER}\s+lives"
                    rf"|the\s+lives\s+of\s+{_QUAL}{_NUMBER})\b", re.I)
_ONE_VERB = r"(?:killed|shot dead|shot and killed|executed|slain|beheaded|stabbed to death|beaten to death)"
# "a police constable was shot dead": one victim, named without a number
_ONE_KILLED = re.compile(rf"\b(?:a|an|one)\s+(?:[\w'’-]+\s+){{0,4}}?(?:was|has been|had been)\s+{_ONE_VERB}\b", re.I)
# "Constable Ali Khan was shot and killed", "Sgt. Omar Said died": one victim, by rank or title and name
_TITLES = (r"(?:Constable|Head Constable|Sergeant|Sgt|Corporal|Cpl|Private|Pvt|Lieutenant|Lt|Captain|Capt|Major|Maj|"
           r"Colonel|Col|General|Gen|Brigadier|Inspector|Sub-Inspector|Officer|Commander|Sheikh|Imam|Father|Dr|Mr|Mrs|Ms)")
_TITLED_KILLED = re.compile(rf"\b{_TITLES}\.?\s+(?:[A-Z][\w'’-]+\s+){{1,3}}(?:(?:was|has been|had been)\s+{_ONE_VERB}"
                            r"|(?:later\s+)?died)\b")
# "a young shepherd from the hamlet of X in Y was killed", "a policeman died in the attack": one person,
# described at length before the verb (no full stop, colon or second verb of their own between)
_ONE_PERSON_KILLED = re.compile(rf"\b(?:a|an)\s+(?:[\w'’-]+\s+){{0,2}}?{_PERSONS}\b"
                                r"(?:(?!\b(?:was|were|is|are|had|has|who|that|which)\b)[^.;:!?]){0,70}?\s"
                                r"(?:(?:was|has been|had been)\s+(?:killed|shot dead|executed|slain|beheaded|stabbed to death|"
                                r"beaten to death)|(?:later\s+)?died)\b", re.I)
# "killed a soldier and two civilians", "killed a man": the victims listed after the verb, some without a
# number; a list ends with "and" ("killing two soldiers, an officer told AFP" is two)
_UNIT = rf"(?:{_QUAL}{_NUMBER}|a|an|one)\s+(?:[\w-]+\s+){{0,2}}?{_PERSONS}"
_AFTER_LIST = re.compile(rf"\b(?:killed|killing|kills|shot dead)\s+({_UNIT}(?:(?:\s*,\s*{_UNIT})*\s*,?\s+and\s+{_UNIT})?)\b", re.I)
_UNIT_RX = re.compile(rf"{_UNIT}\b", re.I)  # one of the list; its number (group 1) is None for "a", "an"
# "a woman and two children were killed": the victims listed before a passive, some without a number
_BEFORE_LIST = re.compile(rf"\b({_UNIT}(?:\s*,\s*{_UNIT})*\s*,?\s+and\s+{_UNIT})\s+(?:were|have been|had been)\s*$", re.I)
ANAPHORIC_FIGHT = re.compile(r"\b(?:in|during) the (?:fighting|clashes|battle|attack|offensive|strikes?|raids?|"
                             r"bombardment|shelling|assault|infighting|explosion|blast)\b", re.I)


def _to_int(s: str) -> int:
    c = cues()
    s = s.lower().replace(",", "")
    if s.isdigit():
        return int(s)
    if s == "a dozen":
        return 12
    return c["number_words"].get(s) or c["vague_counts"].get(s) or 0


@lru_cache(maxsize=4096)  # a sentence is read again for each of its clauses and each merge (4 times on average)
def fatalities(text: str) -> int:
    """Reported deaths in a sentence (ACLED takes the lower bound; 'dozens' counts 12).
    'At least 23 rebel fighters and 14 soldiers were killed' counts 37; people 'wounded' are not counted."""
    lives = max((_to_int(k.group(1) or k.group(2)) for k in _LIVES.finditer(text)), default=0)
    m = _KILL_WORD.search(text)
    if not m:
        return lives
    best = lives
    for rx in (_KILLED, _KILLING):
        for k in rx.finditer(text):
            best = max(best, _to_int(k.group(1)))
    for k in _COUNT.finditer(text):
        # "some 14 militiamen of Afghan and Iraqi nationalities were killed": the victims, then a passive
        if _PASSIVE_KILL.match(text, k.end()):
            best = max(best, _to_int(k.group(1)))
    if _ONE_KILLED.search(text) or _ONE_PERSON_KILLED.search(text) or _TITLED_KILLED.search(text):
        best = max(best, 1)
    for k in _AFTER_LIST.finditer(text):
        best = max(best, _count_units(k.group(1)))
    # a coordinated list of victims before a passive "were killed"
    before = text[:m.start()]
    listed_before = _BEFORE_LIST.search(before)
    if listed_before:
        best = max(best, _count_units(listed_before.group(1)))
    if re.search(r"\b(?:were|have been|had been)\s*$", before.rstrip()) or m.group(0).lower() in ("killed", "dead"):
        clause = re.split(r"[;:]|\b(?:while|but|after|as)\b", before)[-1]
        listed = [_to_int(c.group(1)) for c in _COUNT.finditer(clause)]
        if len(listed) > 1 and not re.search(r"\bwounded|injured\b", clause, re.I):
            best = max(best, sum(listed))
    return best


def _count_units(listed: str) -> int:
    """The victims of a list ("a soldier and two civilians" is three)."""
    return sum(_to_int(u.group(1)) if u.group(1) else 1 for u in _UNIT_RX.finditer(listed))
