"""Step 2 — event places: where, in context, a clause's event happened.

Reads the sentence's place mentions (place_mentions.py), the clause (grammar.py) and the
document context: the article's country and governorates (``PlaceContext``), the region named
earlier in the paragraph and this sentence's resolutions.  Adds the places of each event as
``ResolvedPlace``s — with a coarser precision and a note where the gazetteer lacks the name or
knows only a far namesake — records names it could not place on ``Extraction.unresolved``,
and keeps the paragraph's region on the context.
"""
from __future__ import annotations

from ..names import fold
from ..places.gazetteer import COUNTRIES
from ..places.resolve import PlaceContext, km
from ..places.admin1 import countries_of_division, division
from ..places.countries import by_name, country
from ..records import ResolvedPlace
from .context import DocContext, Resources, SentenceContext
from .doc_index import span_text
from .grammar import Clause, clause_tokens, path_up
from .place_mentions import PlaceMention, regional


def prime_context(res: Resources, mentions_by_sent: dict, ctx: PlaceContext) -> None:
    """The article's country and governorates, from names that resolve without doubt."""
    for ms in mentions_by_sent.values():
        for pm in ms:
            exact = res.places.gaz.exact(pm.name)
            if len({p.admin1 for p in exact}) == 1:
                ctx.note(max(exact, key=lambda p: p.population))


def prime_divisions(mentions_by_sent: dict, ctx: PlaceContext) -> None:
    """Provinces of the article's country named outright ("in Cabo Delgado") count as its governorates
    — more than one town does — though the gazetteer has no row for them."""
    if not ctx.home:
        return
    named = dict.fromkeys(div.name for ms in mentions_by_sent.values() for pm in ms  # in the article's order:
                          for div in [division(pm.name, ctx.home)] if div is not None)  # a tie goes to the first
    for name in named:
        ctx.admin1[name] += 2


def resolve_place(res: Resources, dc: DocContext, s: SentenceContext, pm: PlaceMention,
                  anchor: tuple[PlaceMention, str] | None) -> ResolvedPlace:
    """Resolve a place; when the gazetteer lacks it (or knows only a namesake far from where the
    article is), place it at — in this order — its anchor ('west of X'), a region the sentence
    names, a known town the sentence names, the paragraph's region, or the governorate the
    article is about, with a coarser precision and a note saying so."""
    ctx, out, sent, pmentions, para_region = dc.place_context, dc.out, s.sent, s.mentions, dc.para_region
    rp = first = resolve(res, dc, s, pm)
    # the other places of the sentence ("Hawash ... and Hawash hill" names one place twice: not another)
    others = [o for o in pmentions if o is not pm and o.token.i != pm.token.i and fold(o.name) != fold(pm.name)]
    resolved = [(o, resolve(res, dc, s, o)) for o in others]
    situating: list[tuple[ResolvedPlace, str]] = []  # what the sentence says the place is in or near
    if anchor is not None:
        arp = resolve(res, dc, s, anchor[0])
        if arp.place_id:
            situating.append((arp, anchor[1]))
    situating += [(orp, f"in {orp.location}") for o, orp in resolved if orp.place_id and not is_country(o) and
                  (o.region_text or (orp.geo_precision or 1) >= 2 or o.feature in ("valley", "plain"))]
    if rp.place_id and rp.latitude is not None:
        # the place must lie where the sentence says: in the named governorate/region or near the anchor
        placed = [r for r, _ in situating if r.admin1 and r.latitude is not None]
        # "X and Y in Latakia province, the outskirts of Aleppo city": any division the sentence names will do
        near = next((r for r in placed if r.admin1 == rp.admin1), placed[0] if placed else None)
        if near is not None and near.admin1 != rp.admin1:
            # "X, Y and Z in Latakia province": the namesake in the province the sentence names
            ranked = [p for _, p in res.places.rank(pm.name, ctx, pm.feature)]
            inside = next(((r, p) for r in placed for p in ranked if p.admin1 == r.admin1), None)
            if inside:
                near, p = inside
                rp = rp.model_copy(update={"place_id": p.id, "latitude": p.latitude, "longitude": p.longitude,
                                           "admin1": p.admin1, "admin2": p.admin2, "country": p.country,
                                           "note": f"the {pm.name} in {near.location}, as the sentence says"})
        dist = km((rp.latitude, rp.longitude), (near.latitude, near.longitude)) if near is not None else 0.0
        if near is not None and dist > 80 and near.admin1 != rp.admin1:
            rp = ResolvedPlace(mention=pm.name, location=pm.name,
                               note=f"gazetteer namesake {rp.place_id} lies {int(dist)} km from {near.location}")
        elif near is None and _far_from_sentence(res, rp, resolved):
            town = next(orp for o, orp in resolved if orp.place_id and orp.latitude is not None)
            rp = ResolvedPlace(mention=pm.name, location=pm.name,
                               note=f"gazetteer namesake {rp.place_id} ({rp.admin1 or rp.country}) lies far from "
                                    f"{town.location}, named in the same sentence")
        elif near is None and stray_namesake(res, rp, ctx):
            rp = ResolvedPlace(mention=pm.name, location=pm.name,
                               note=f"gazetteer namesake {rp.place_id} ({rp.admin1 or rp.country}) is far from "
                                    f"the places of this article")
    if rp.place_id is None:
        out.unresolved.append({"name": pm.name, "sentence": span_text(sent), "start": pm.start, "end": pm.end})
        home = COUNTRIES.get(ctx.country_code or "", "")
        fallback = situating + [(orp, f"near {orp.location}, named in the same sentence") for o, orp in resolved
                                if orp.place_id and (orp.geo_precision or 1) == 1 and not o.region_text
                                and not is_country(o)
                                and not stray_namesake(res, orp, ctx) and (not home or orp.country == home)
                                # itself a namesake astray (from this one's own namesake too: two far
                                # namesakes are no witnesses for each other)
                                and not _far_from_sentence(res, orp, resolved + [(pm, first)])]
        if para_region is not None and para_region.place_id:
            fallback.append((para_region, f"in {para_region.location}, named earlier in the paragraph"))
        gov = article_governorate(res, ctx)
        if gov is not None:
            fallback.append((gov, f"in {gov.location}, the governorate the article is about"))
        if fallback:
            base, how = fallback[0]
            placed = res.places.near(pm.name, base, how)
            if base is gov:
                placed.geo_precision = 3
            if rp.note and rp.note != "not in the gazetteer":  # near() says that already
                placed.note = rp.note + "; " + placed.note
            rp = placed
    return rp


def resolve(res: Resources, dc: DocContext, s: SentenceContext, pm: PlaceMention) -> ResolvedPlace:
    """One resolution per mention per sentence (the context only grows between sentences)."""
    key = (pm.start, pm.name, pm.feature, pm.region_text)
    if key not in s.resolved:
        s.resolved[key] = res.places.resolve(pm.name, dc.place_context, pm.feature, pm.region_text)
    return s.resolved[key]


def stray_namesake(res: Resources, rp: ResolvedPlace, ctx: PlaceContext) -> bool:
    """A small place the gazetteer found by name, far from everything else the article names."""
    place = res.places.gaz.get(rp.place_id)
    if place is None or place.population >= 50_000 or place.feature_code in ("ADM1", "PCLI"):
        return False
    if ctx.country_code and place.country_code != ctx.country_code and ctx.countries[ctx.country_code] >= 2:
        return True  # a village abroad, in an article about another country
    if len(ctx.points) < 3 or ctx.admin1.get(place.admin1, 0) >= 1:
        return False  # too little context to call it astray, or the article names its governorate
    others = [pt for pt in ctx.points if pt != (place.latitude, place.longitude)]
    close = min(km((rp.latitude, rp.longitude), pt) for pt in others)
    return close > 100


def article_governorate(res: Resources, ctx: PlaceContext) -> ResolvedPlace | None:
    if not ctx.admin1:
        return None
    (name, count), *rest = ctx.admin1.most_common(2)
    if count < 2 and rest:
        return None  # the article names several governorates once each: none is its own
    if not ctx.country_code:
        return None
    gov = res.places.gaz.admin1_place(name, ctx.country_code)
    if gov is not None:
        return ResolvedPlace(mention=name, location=name, place_id=gov.id, latitude=gov.latitude,
                             longitude=gov.longitude, admin1=gov.admin1, country=gov.country, geo_precision=3)
    div = division(name, ctx.country_code)  # a province of any country, from the admin1 table
    if div is None:
        return None
    c = country(div.country_code)
    # the province is known, the village's point is not: no invented coordinates (the export says so)
    return ResolvedPlace(mention=name, location=name, place_id=f"admin1:{div.code}", admin1=div.name,
                         country=c.name if c else "", geo_precision=3)


FAR_KM = 80


def _far_from_sentence(res: Resources, rp: ResolvedPlace, resolved) -> bool:
    """'the village of Ablah, on the outskirts of al-Bab': a small namesake more than 80 km from every
    precisely known place the same sentence names is not the place meant."""
    towns = [orp for o, orp in resolved if orp.place_id and orp.latitude is not None and (orp.geo_precision or 1) == 1
             and not o.region_text and orp.place_id != rp.place_id and not is_country(o)]
    if not towns or (rp.geo_precision or 1) != 1:
        return False
    place = res.places.gaz.get(rp.place_id)
    if place is not None and place.population >= 50_000:
        return False  # a city is not the one astray ("Idlib" beside a far namesake of a village)
    return all(km((rp.latitude, rp.longitude), (t.latitude, t.longitude)) > FAR_KM for t in towns)


def is_country(pm: PlaceMention) -> bool:
    """'Sudan', 'eastern Democratic Republic of Congo', 'north-east Nigeria': a country, or a part of one."""
    words = (pm.region_text or pm.name).split()
    return any(by_name(" ".join(words[i:])) is not None for i in range(min(len(words), 3)))


# people whose seat a place names ("officials in Kyiv", "diplomats in Geneva"), not where events happen
OFFICIALS = {"official", "diplomat", "authority", "spokesman", "spokesperson", "spokeswoman", "minister", "leader",
             "lawmaker", "analyst", "embassy", "government", "correspondent", "journalist", "reporter"}


# "in support of / solidarity with / retaliation for ... X": on whose behalf, not where
PURPOSE_NOUNS = {"support", "solidarity", "retaliation", "revenge", "response", "memory", "honour", "honor", "name",
                 "defence", "defense"}


def event_places(res: Resources, cl: Clause, pmentions: list[PlaceMention],
                 whole_sentence: bool = False) -> list[tuple[PlaceMention, tuple | None]]:
    """Places where the clause's event happened, each with its anchor (mention, 'west of') if any."""
    dirs = res.cue["direction_words"]
    feats = res.cue["feature_words"]
    in_clause = {t.i for t in cl.tokens}
    verb = cl.trigger.verb
    if whole_sentence:
        in_clause = {t.i for t in verb.sent}
    elif verb.dep_ == "relcl" and not any(pm.token.i in in_clause for pm in pmentions):
        in_clause.add(verb.head.i)  # "the village of X, which troops entered last week": the noun it modifies
        in_clause |= {t.i for t in verb.head.subtree if t.dep_ in ("pobj", "compound", "appos", "conj")
                      and not any(a.i == verb.i for a in t.ancestors)}
    elif verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") and \
            not any(pm.token.i in in_clause for pm in pmentions):
        # "stormed houses in Bir Noah and kidnapped six civilians": the conjoined verb's place
        in_clause |= {t.i for t in clause_tokens(verb.head)}
    chosen, anchors, others = [], [], []
    by_tok = {pm.token.i: pm for pm in pmentions}
    for pm in pmentions:
        if pm.token.i not in in_clause:
            continue
        chain = path_up(pm.token, verb)
        role = "at"
        for t in chain:
            if t.pos_ == "ADP" or t.dep_ in ("prep", "agent"):
                w = t.lower_
                if w == "of" and (t.head.lemma_.lower() in dirs or t.head.lower_ in dirs):
                    role = f"anchor:{t.head.text} of"
                    break
                if w in ("near", "outside", "around", "towards", "toward"):
                    role = f"anchor:{w}" if w in ("near", "outside", "around") else "to"
                    break
                if w == "of" and (t.head.lemma_.lower() in feats or t.head.lemma_.lower() == "control"):
                    continue
                if w == "of":
                    if t.head.lemma_.lower() in PURPOSE_NOUNS:
                        role = "container"  # "in support of the people of Gaza": for whom, not where
                        break
                    continue
                owner = t.head
                if owner.lemma_.lower() in PURPOSE_NOUNS:
                    role = "container"  # "in support of the people of Gaza": for whom, not where
                    break
                if owner.lemma_.lower() in OFFICIALS:
                    role = "container"  # "officials in Kyiv said": where the speaker sits, not the event
                    break
                if owner.i in by_tok and owner.i != pm.token.i or (
                        owner.lemma_.lower() in feats and any(c.lower_ == "of" and any(g.i in by_tok for g in c.children)
                                                              for c in owner.children)) or (
                        owner.lemma_.lower() in feats and any(c.i in by_tok and c.dep_ in ("compound", "amod", "nmod")
                                                              for c in owner.children)):  # "Dibis town in Kirkuk"
                    role = "container"
                    break
                role = w
                break
        if role.startswith("anchor:"):
            anchors.append((pm, role.split(":", 1)[1]))
        elif role == "container":
            others.append(pm)
        elif cl.trigger.cls == "withdraw" and role in ("to", "into", "towards", "toward"):
            others.append(pm)
        else:
            chosen.append(pm)
    if cl.subject is not None and len(chosen) > 1:
        # "Ahrar al-Sham groups in northwestern Hama surrendered": the subject's place counts only
        # when the clause names no other
        in_subject = {t.i for t in cl.subject.subtree}
        rest = [pm for pm in chosen if pm.token.i not in in_subject]
        if rest:
            chosen = rest
    if anchors and (not chosen or all(regional(res, pm) for pm in chosen)):
        # "south of the town of Latamna in northern Hama": near the town beats the region
        pm, how = anchors[0]
        pm.near = how
        return [(pm, None)]
    # a country named beside a place only situates it ("in Gezira province in Sudan")
    below_country = [pm for pm in chosen if not is_country(pm)]
    if below_country:
        chosen = below_country
    # a province that qualifies another place only situates it ("in Khyber Pakhtunkhwa's Bannu
    # district", "in Bannu district of Khyber Pakhtunkhwa"), though the gazetteer has no place of its name
    inner = [pm for pm in chosen if not _qualifies_another(pm, chosen)]
    if inner:
        chosen = inner
    # a region named beside a precise place only situates it ("in the northern Hama countryside")
    precise = [pm for pm in chosen if not regional(res, pm)]
    if precise:
        chosen = precise
    if len(chosen) > 1:
        # "on the road between Hajin and al-Susah": one event on the road, placed at the first town
        on_road = [pm for pm in chosen if _road_end(pm)]
        if len(on_road) > 1:
            chosen = [pm for pm in chosen if pm not in on_road[1:]]
            on_road[0].near = on_road[0].near or "on the road from"
    if len(chosen) > 1:
        # "in al-Bukamal in Deir ez-Zor": a governorate's name beside a town inside it only situates it
        inner = [pm for pm in chosen if not _contains_another(res, pm, chosen)]
        chosen = inner or chosen
    anchor = anchors[0] if anchors else None
    return [(pm, anchor) for pm in chosen]


def _qualifies_another(pm: PlaceMention, chosen: list[PlaceMention]) -> bool:
    """``pm`` names a first-level division written against another place of the list, as its possessor
    ("X's Y district") or after it ("Y district in X", "Y district of X", "Y district, X").  By position:
    the small parser attaches these phrases anywhere."""
    if not countries_of_division(pm.name):
        return False
    doc, k = pm.token.doc, pm.token.i
    for o in chosen:
        j = o.token.i
        if o is pm:
            continue
        if k + 2 == j and doc[k + 1].lower_ in ("'s", "\u2019s"):
            return True
        if k >= 2 and doc[k - 1].lower_ in ("in", "of", ",") and (
                j == k - 2 or j == k - 3 and doc[j].head.i == k - 2 and doc[k - 2].pos_ == "NOUN"):
            return True
    return False


ROAD_NOUNS = {"road", "highway", "route", "motorway", "axis"}


def _road_end(pm: PlaceMention) -> bool:
    """'the road between X and Y', 'the highway linking X to Y': X or Y, an end of the road."""
    t = pm.token
    while t.dep_ == "conj" and t.head != t:
        t = t.head
    prep = t.head
    return prep.lower_ in ("between", "linking", "connecting", "from", "to") and \
        (prep.head.lemma_.lower() in ROAD_NOUNS or prep.head.head.lemma_.lower() in ROAD_NOUNS)


def _contains_another(res: Resources, pm: PlaceMention, chosen: list[PlaceMention]) -> bool:
    """``pm`` names a first-level division ("Deir ez-Zor", "Latakia") that another place of the list lies in."""
    for o in chosen:
        if o is pm or fold(o.name) == fold(pm.name):
            continue
        for p in res.places.gaz.exact(o.name):
            div = division(pm.name, p.country_code)
            if div is not None and p.admin1 == div.name and p.feature_code != "ADM1":
                return True
    return False


def note_paragraph_region(res: Resources, dc: DocContext, s: SentenceContext) -> None:
    """A region the sentence names ('in southern Idlib') situates the paragraph's unplaced names."""
    if s.para != dc.para:
        dc.para, dc.para_region = s.para, None
    for pm in s.mentions:
        if pm.region_text:
            r = resolve(res, dc, s, pm)
            if r.place_id:
                dc.para_region = r
