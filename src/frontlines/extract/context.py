"""The records the extraction steps share, instead of state kept on ``self``.

``Resources`` is what every step may consult and never changes: the actor resolver, the place
resolver and the lexicon cues.  ``DocContext`` is the document's running context — its place
context, actor state, current paragraph and its region, the last dates, the previous sentence's
events and the events kept so far — which steps read and extend sentence after sentence.
``SentenceContext`` is one sentence's: its span, paragraph, place mentions, date, the places its
events have used and the resolution of each mention (one per mention per sentence).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from spacy.tokens import Span

from ..actors.resolve import ActorResolver, DocState
from ..places.resolve import PlaceContext, PlaceResolver
from ..records import Document, Event, ResolvedPlace
from .timex import When

if TYPE_CHECKING:
    from .events import Extraction
    from .place_mentions import PlaceMention


@dataclass(frozen=True)
class Resources:
    actors: ActorResolver
    places: PlaceResolver
    cue: dict[str, Any]


@dataclass
class DocContext:
    document: Document
    out: Extraction
    actor_state: DocState
    paragraphs: list[int]  # character offsets where paragraphs start
    place_context: PlaceContext = field(default_factory=PlaceContext)
    country: str | None = None  # ISO2 of the article's main country (country.py); None when the text does not tell
    para: int | None = None  # the paragraph of the sentence being read
    para_region: ResolvedPlace | None = None  # a region named earlier in that paragraph
    para_when: dict[int, When] = field(default_factory=dict)  # paragraph -> its last explicit date
    last_when: When | None = None  # the last explicit date in the document
    prev_events: list[Event] = field(default_factory=list)  # the last sentence that had events: its events
    prev_si: int = -10  # ... and its index
    doc_events: dict[tuple, Event] = field(default_factory=dict)  # doc_merge.place_day -> the document's event
    undated: set[str] = field(default_factory=set)  # events dated only by an earlier sentence or the page
    regional: set[str] = field(default_factory=set)  # events placed at a region the text names
    inferred_side: set[str] = field(default_factory=set)  # events whose actor2 came from the article, not the sentence
    placeless: Placeless | None = None  # the last clause coded but dropped for want of a place


@dataclass
class Placeless:
    """'Troops killed 19 gunmen in a shootout.': a clause coded (its roles, type, sub-type) but with no
    place; the next sentence's definite event noun ("The confrontation occurred near X") may place it."""
    index: int  # the sentence's index
    roles: object  # coding.Roles
    event_type: str
    sub_event_type: str
    sent: Span
    day: date | None = None  # the clause's date (a later restatement must be of the same day)
    actor1: str = ""  # the clause's first actor by name ("Unidentified Armed Group" when it names none)
    inter1: int | None = None  # its ACLED inter code, when the registry has the actor


@dataclass
class SentenceContext:
    sent: Span
    index: int
    para: int
    mentions: list[PlaceMention]
    when: When | None = None
    used_places: set[tuple] = field(default_factory=set)  # (token index, sub-event type) already given an event
    resolved: dict[tuple, ResolvedPlace] = field(default_factory=dict)  # mention key -> its resolution
    context_when: When | None = None  # the paragraph's date before this sentence
    antecedent: Event | None = None  # the earlier event a definite event noun ("the blast") refers back to
    placeless: Placeless | None = None  # ... or the earlier clause it places ("the confrontation occurred in X")


def paragraph_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer(r"\n\s*\n", text):
        starts.append(m.end())
    return starts


def para_of(pos: int, starts: list[int]) -> int:
    idx = 0
    for i, s in enumerate(starts):
        if s <= pos:
            idx = i
    return idx
