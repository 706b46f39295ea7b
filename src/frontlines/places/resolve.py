"""Place mention -> gazetteer entry, in context, with an ACLED geo-precision code.

Precision (ACLED): 1 = the town/village/landmark itself; 2 = near a named place, or a
district; 3 = a region or governorate ("northwestern Hama", "the western Aleppo countryside").
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..extract.lexicon import cues
from ..records import Place, ResolvedPlace
from .admin1 import division
from .countries import country
from .gazetteer import Gazetteer
from .regions import direction_of, region_point

REGION_FEATURES = {"province", "state", "region", "governorate", "county", "prefecture", "oblast"}
PRECISION_BY_CODE = {"ADM1": 3, "ADM2": 2, "ADM3": 2, "RGN": 3, "PCLI": 3, "VAL": 3, "PLN": 3, "RGNE": 3}


@dataclass
class PlaceContext:
    """What the article is about, for ranking candidates: its country and governorates."""

    countries: Counter = field(default_factory=Counter)
    admin1: Counter = field(default_factory=Counter)
    points: list[tuple[float, float]] = field(default_factory=list)
    home: str | None = None  # ISO2 of the article's country, once the extraction has decided it
    named: set[str] = field(default_factory=set)  # countries the text names outright ("in Sudan")

    @property
    def country_code(self) -> str | None:
        """The article's country, else the country most of its places are in."""
        if self.home:
            return self.home
        return self.countries.most_common(1)[0][0] if self.countries else None

    def allows(self, country_code: str) -> bool:
        """A place abroad is taken only in a country the text names (a Syrian village is not in Texas)."""
        if not self.home or country_code == self.home:
            return True
        # named, and a country the article is about too (not "with a US green light" in passing)
        return country_code in self.named and self.countries[country_code] >= 0.5 * self.countries[self.home]

    def note(self, place: Place) -> None:
        if place.admin1:
            # a province named outright ("in Cabo Delgado") says more than one of its towns
            self.admin1[place.admin1] += 2 if place.feature_code == "ADM1" else 1
        if place.feature_code not in ("PCLI", "ADM1"):
            self.points.append((place.latitude, place.longitude))
        if place.country_code:
            # a country named outright ("northeastern Syria") says more than one of its towns
            self.countries[place.country_code] += 2 if place.feature_code == "PCLI" else 1


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    p = math.pi / 180
    h = (math.sin((b[0] - a[0]) * p / 2) ** 2
         + math.cos(a[0] * p) * math.cos(b[0] * p) * math.sin((b[1] - a[1]) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


class PlaceResolver:
    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.features = cues()["feature_words"]

    def rank(self, name: str, ctx: PlaceContext, feature: str | None = None,
             region: bool = False) -> list[tuple[float, Place]]:
        ranked = []
        cands = self.gaz.candidates(name, countries=(ctx.country_code,) if ctx.country_code else None)
        if ctx.home:
            home = [(p, m) for p, m in cands if p.country_code == ctx.home]
            # the article's country first; elsewhere only where the text names that country
            cands = home or [(p, m) for p, m in cands if ctx.allows(p.country_code)]
        for place, match in cands:
            if match < 100 and ctx.country_code and place.country_code != ctx.country_code:
                continue  # a spelling near-miss abroad is not evidence of anything
            s = match
            if ctx.country_code and place.country_code == ctx.country_code:
                s += 15
            if place.admin1 and ctx.admin1.get(place.admin1):
                s += 8 + min(4, ctx.admin1[place.admin1])
            if ctx.points and place.feature_class in ("P", "S", "T", "H"):
                d = min(km((place.latitude, place.longitude), pt) for pt in ctx.points)
                s += 10 if d < 30 else 5 if d < 80 else 0
            if feature:
                classes = self.features.get(feature, [])
                if place.feature_class in classes:
                    s += 8
            if region and place.feature_code == "ADM1":
                s += 12
            elif place.feature_code in ("ADM1", "PPLA") and not feature:
                s += 3
            s += math.log10(place.population + 1)
            ranked.append((s, place))
        ranked.sort(key=lambda x: -x[0])
        return ranked

    def resolve(self, name: str, ctx: PlaceContext, feature: str | None = None, region_text: str | None = None,
                ) -> ResolvedPlace:
        """``region_text``: the whole phrase when the name only anchors a region ("northwestern Hama")."""
        ranked = self.rank(name, ctx, feature, region=bool(region_text))
        regionish = bool(region_text) or feature in REGION_FEATURES
        home_hit = any(p.country_code == ctx.home for _, p in ranked)
        if ctx.home and (not ranked or (regionish and not home_hit)):
            # "Gezira province", "Borno State": a first-level division the gazetteer has no row for
            div = division(name, ctx.home)
            if div is not None:
                c = country(div.country_code)
                return ResolvedPlace(mention=name, location=region_text or name, place_id=f"admin1:{div.code}",
                                     latitude=div.latitude, longitude=div.longitude, admin1=div.name,
                                     country=c.name if c else "", geo_precision=3, score=100.0,
                                     note=f"the first-level division {div.name} ({div.code})")
        if not ranked:
            return ResolvedPlace(mention=name, location=region_text or name, note="not in the gazetteer")
        score, place = ranked[0]
        if region_text:
            # a region of a governorate: use the governorate when the anchor is its capital
            gov = self.gaz.admin1_place(place.admin1, place.country_code) if place.feature_code != "ADM1" else place
            base = gov or place
            lat, lon, where = base.latitude, base.longitude, base.name
            direction = direction_of(region_text.split()[0]) if region_text.split() else None
            point = region_point(base.admin1 or place.admin1, direction) if direction else None
            if point:
                lat, lon = point
                where = f"the {direction} of {base.name}"
            return ResolvedPlace(mention=name, location=region_text, place_id=base.id, latitude=lat,
                                 longitude=lon, admin1=base.admin1 or place.admin1, admin2=base.admin2,
                                 country=base.country, geo_precision=3, score=score,
                                 note=f"region '{region_text}' placed in {where}")
        precision = PRECISION_BY_CODE.get(place.feature_code, 1)
        note = "" if score >= 100 else f"matched '{name}' to '{place.name}' by spelling"
        if len(ranked) > 1 and ranked[1][0] > score - 5 and ranked[1][1].admin1 != place.admin1:
            note = (note + "; " if note else "") + f"ambiguous with {ranked[1][1].name} ({ranked[1][1].admin1})"
        return ResolvedPlace(mention=name, location=name, place_id=place.id, latitude=place.latitude,
                             longitude=place.longitude, admin1=place.admin1, admin2=place.admin2,
                             country=place.country, geo_precision=precision, score=score, note=note)

    def near(self, unresolved: str, anchor: ResolvedPlace, how: str) -> ResolvedPlace:
        """A place missing from the gazetteer, placed at the named anchor ('west of the city of Aleppo')."""
        return anchor.model_copy(update={
            "mention": unresolved, "location": unresolved, "geo_precision": max(2, anchor.geo_precision or 2),
            "place_id": None,  # coordinates borrowed from the anchor; the place itself is not identified
            "note": f"'{unresolved}' is not in the gazetteer; placed at {anchor.location} ({how})"})
