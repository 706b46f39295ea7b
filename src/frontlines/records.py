"""The typed records that flow through the pipeline, one per concept.

A page becomes a ``Document`` (ingest/), its article text is cut into ``Sentence`` s
and ``Mention`` s (extract/), mentions are resolved to ``Place`` s (places/) and
``Actor`` s (actors/), and sentences yield ``Event`` s that carry their ``Evidence``.
``ControlInterval`` s (control/) are derived from territorial events.  Every
derived fact keeps a pointer to the text it came from.
"""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Record):
    """A piece of a document's ``article`` text, by character offsets."""

    start: int
    end: int
    text: str


class Evidence(Record):
    doc_id: str
    start: int
    end: int
    text: str


class DocumentMeta(Record):
    title: str | None = None
    site: str | None = None
    url: str | None = None
    author: str | None = None
    published: date | None = None
    published_from: Literal["metadata", "option", "dateline", "none"] = "none"
    language: str | None = None
    cited_outlets: list[str] = Field(default_factory=list)


class Document(Record):
    """One ingested page: the untouched input plus what ingest made of it."""

    id: str
    source_path: str | None = None
    media_type: str
    raw: bytes = Field(repr=False)
    sha256: str
    article: str
    comments: list[str] = Field(default_factory=list)
    boilerplate: list[str] = Field(default_factory=list)
    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    warnings: list[str] = Field(default_factory=list)

    @staticmethod
    def digest(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()


class Sentence(Span):
    doc_id: str
    index: int


MentionKind = Literal["actor", "place", "date", "number"]


class Mention(Span):
    kind: MentionKind
    resolved_id: str | None = None
    confidence: float = 1.0


class Place(Record):
    """A gazetteer entry."""

    id: str
    name: str
    latitude: float
    longitude: float
    feature_class: str = "P"
    feature_code: str = "PPL"
    country_code: str = ""
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    population: int = 0
    source: str = ""
    alternate_names: list[str] = Field(default_factory=list)


class ResolvedPlace(Record):
    """A place mention resolved against the gazetteer (or not)."""

    mention: str
    location: str
    place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    admin1: str = ""
    admin2: str = ""
    country: str = ""
    geo_precision: int | None = None
    score: float = 0.0
    note: str = ""


class Relation(Record):
    type: Literal["member_of", "backed_by", "allied_with", "fighting", "split_from",
                  "merged_into", "affiliated_with"]
    target: str
    start: date | None = None
    end: date | None = None
    source: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class FormerName(Record):
    name: str
    start: date | None = None
    end: date | None = None


class Stronghold(Record):
    """Provinces where, for a period, one armed group is the insurgency: reports there that speak only
    of "insurgents", "militants" or "terrorists" mean it (as analysts code them)."""
    admin1: list[str]
    start: date | None = None
    end: date | None = None
    source: str = ""
    # the attacks reports there leave unclaimed are coded to it (the only armed insurgency there); not
    # for a faction that governs the area, which is attacked there as often as it attacks
    unclaimed_attacks: bool = False


class Actor(Record):
    id: str
    name: str
    acled_name: str | None = None
    inter: int = 8
    type: str = "other"
    country: str = ""
    demonym: str | None = None
    aliases: list[str] = Field(default_factory=list)
    former_names: list[FormerName] = Field(default_factory=list)
    descriptors: list[str] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    dominant_in: list[Stronghold] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class Proposal(Record):
    """Something learned from the text, kept until an analyst accepts it."""

    kind: Literal["new_actor", "alias", "former_name", "relation", "membership_change"]
    subject: str
    object: str | None = None
    relation: str | None = None
    valid_from: date | None = None
    evidence: Evidence
    status: Literal["proposed", "accepted", "rejected"] = "proposed"


class Event(Record):
    """An event coded with ACLED's field names, plus its evidence."""

    event_id: str
    event_date: date
    time_precision: int = 1
    event_type: str
    sub_event_type: str
    actor1: str
    assoc_actor_1: str = ""
    inter1: int | None = None
    actor2: str = ""
    assoc_actor_2: str = ""
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: str = ""
    location: str
    admin1: str = ""
    admin2: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    place_id: str | None = None
    source: str = ""
    source_scale: str = ""
    notes: str = ""
    fatalities: int = 0
    confidence: float = 0.5
    evidence: list[Evidence]
    merged_from: list[str] = Field(default_factory=list)
    merge_reason: str = ""
    territorial: bool = False

    def regional(self) -> bool:
        """A report about a region ("western Aleppo"), not about one identified place."""
        return (self.geo_precision or 1) >= 3 and self.place_id is not None



class ControlStatement(Record):
    """"X is (still) in the hands of Y": a holder stated without an event."""

    place: str
    holder: str
    on: date
    evidence: Evidence
    place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class ControlInterval(Record):
    place: str
    place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    holder: str
    start: date | None = None
    end: date | None = None
    previous: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    disputed: bool = False
    # "event": a change of control was reported on ``start``; "statement": the holder was only
    # stated on ``start`` ("still in the hands of"), so when it took the place is unknown
    basis: Literal["event", "statement"] = "event"
