"""Step — a foreign state's attacks from afar: "Israeli attacks on sites in the Hama countryside".

A state's forces attacking in another country, where the report speaks of jets, drones, missiles or
air defences and not of troops on the ground, strike from the air (or with missiles): ACLED codes that
as remote violence, not as an armed clash.  Run on one document's events, after they are assembled.
"""
from __future__ import annotations

import re

from ..records import Event

AIR = re.compile(r"\b(?:air ?strikes?|air raids?|air defen[cs]es?|warplanes?|jets?|aircraft|drones?|helicopters?|"
                 r"bombers?|aerial)\b", re.I)
MISSILE = re.compile(r"\b(?:missiles?|rockets?|shells?|shelling|artillery|mortars?)\b", re.I)
GROUND = re.compile(r"\b(?:ground|clash(?:es|ed)?|fighting|fought|gunfight|battles?|stormed|entered|advanced|"
                    r"infantry|tanks|raided)\b", re.I)  # soldiers killed are victims, not a ground operation
STATE = re.compile(r"^(?:Military|Police) Forces of (?:the )?(?P<c>.+?)(?: \(\d{4}-\d{0,4}\))?$")


def _foreign_state_clash(ev: Event) -> bool:
    m = STATE.match(ev.actor1 or "")
    return ev.sub_event_type == "Armed clash" and bool(m) and bool(ev.country) and m.group("c") != ev.country


def from_afar(events: list[Event], article: str) -> list[Event]:
    if not any(map(_foreign_state_clash, events)):
        return events  # (the article is searched only when some event could be recoded)
    air, missile = bool(AIR.search(article)), bool(MISSILE.search(article))
    if not (air or missile):
        return events
    for ev in events:
        if not _foreign_state_clash(ev):
            continue
        text = " ".join(e.text for e in ev.evidence)
        if GROUND.search(text):
            continue
        ev.event_type = "Explosions/Remote violence"
        ev.sub_event_type = "Air/drone strike" if air else "Shelling/artillery/missile attack"
        ev.notes += " Coded as a strike from afar: a foreign state's attack in a report of air or missile strikes."
    return events
