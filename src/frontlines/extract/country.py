"""Step — the article's country: which country (or countries) the report is about.

Read before any event is placed, from what the text says outright: its places that resolve without
doubt (event_places.prime_context fills the place context), countries named ("in Sudan",
"Ukraine's Kharkiv"), demonyms ("Malian troops"), and the registry actors it names (their country).
The result ranks place candidates, names ACLED's generic actors ("Unidentified Armed Group (Mali)")
and "the army"/"troops" (the state forces of that country).  Where the text does not tell, the
country stays unknown and the extraction says so: there is no default country.
"""
from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from ..places.admin1 import countries_of_division
from ..places.countries import by_demonym, by_name, country
from ..places.resolve import PlaceContext

# how much each kind of clue counts
W_PLACE = 1.0      # a place that resolved without doubt (already counted in the place context)
W_NAMED = 2.0      # the country named outright
W_DIVISION = 1.5   # a province named with its kind ("Borno State", "Niger State")
W_DEMONYM = 0.5    # a state adjective: often a foreign actor ("Turkish drones" in Syria)
W_ACTOR = 0.5      # a registry actor of that country
SHORT_FORMS = {"US", "UK"}
# what follows a name that makes it a province, not a country ("Niger State")
DIVISION_WORDS = {"State", "Province", "Governorate", "Region", "County", "District", "Prefecture", "Department"}
# a short name reports use for two countries
AMBIGUOUS = {"Congo": ("CD", "CG")}


def article_countries(sdoc: Doc, ctx: PlaceContext, registry=None, tok_actor: dict[int, str] | None = None) -> Counter:
    """Votes per ISO2 code; the countries the text names outright are also added to ``ctx.named``."""
    votes: Counter = Counter()
    for cc, n in ctx.countries.items():
        votes[cc] += W_PLACE * n
    # each token's text and case read once (slicing the Doc for every token and width was a quarter
    # of the extraction); a name starts with a capital, and may go on through "of" and "the"
    size = len(sdoc)
    cap, part, texts, spaces = [], [], [], []
    for t in sdoc:
        tt = t.text
        c = tt[:1].isupper()
        cap.append(c)
        part.append(c or t.lower_ in ("of", "the"))
        texts.append(tt)
        spaces.append(t.whitespace_)
    i = 0
    while i < size:  # country names ("Sudan", "South Sudan", "Ukraine's") and demonyms, in any token
        if not cap[i]:
            i += 1
            continue
        for n in (4, 3, 2, 1):
            if i + n > size or not all(part[i:i + n]):
                continue
            if i + n < size and texts[i + n] in ("-", "–") and not spaces[i + n - 1]:
                break  # "Iran-backed", "US-led": a sponsor, not where the article is
            # the span's text (its tokens with the spaces between them), without a Span made for it
            text = "".join(texts[k] + spaces[k] for k in range(i, i + n - 1)) + texts[i + n - 1]
            text = text.replace("’s", "").replace("'s", "")
            if len(text) <= 2 and text not in SHORT_FORMS:
                continue  # "KP", "NE": initials, not country codes
            after = texts[i + n] if i + n < size else ""
            if after in DIVISION_WORDS and by_name(text) is not None:
                # "Niger State", "Lebanon Province": a province named after a country is the province
                ccs = countries_of_division(f"{text} {after}")
                if len(ccs) == 1:
                    votes[next(iter(ccs))] += W_DIVISION
                i += n
                break
            c = by_name(text)
            w = W_NAMED
            if c is None and n <= 3 and sdoc[i].ent_type_ in ("PLACE", "GPE", "LOC"):
                ccs = countries_of_division(text)  # "Ituri", "Borno State": a province of one country
                if len(ccs) == 1:  # named as a province, it says more than a name that is one somewhere
                    c, w = country(next(iter(ccs))), W_DIVISION if texts[i + n - 1] in DIVISION_WORDS else W_PLACE
            if c is None and n == 1:
                c, w = by_demonym(text), W_DEMONYM
            if text in AMBIGUOUS:
                for cc in AMBIGUOUS[text]:
                    votes[cc] += W_PLACE  # "Congo": either Congo; the places decide
                i += n - 1
                break
            if c is not None:
                votes[c.iso2] += w
                if w == W_NAMED:
                    ctx.named.add(c.iso2)
                i += n - 1
                break
        i += 1
    if registry is not None and tok_actor:
        seen = set()
        for aid in tok_actor.values():
            if aid in seen:
                continue
            seen.add(aid)
            a = registry.get(aid)
            c = by_name(a.country) if a is not None and a.country else None
            if c is not None:
                votes[c.iso2] += W_ACTOR
    return votes


def decide(votes: Counter) -> str | None:
    """The ISO2 code of the article's main country, or None when nothing points to one."""
    if not votes:
        return None
    (cc, n), *rest = votes.most_common(2)
    return cc if n >= W_DEMONYM else None  # one state adjective ('Malian troops') is a clue too
