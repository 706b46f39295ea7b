"""Step 1 — place mentions: where a sentence names a place.

Reads the parsed sentence (entity labels, including the ruler's PLACE and ACTOR, and the
dependency parse) and the lexicon cues; adds a ``PlaceMention`` per place named: the name, the
feature noun that introduces it ("the village of X"), the region phrase around it ("northwestern
Hama", "the western Aleppo countryside") and its character offsets.  Outlets, attributions
("according to ...") and names used as modifiers ("US-backed") are not places.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token

from ..actors.resolve import BARE_FORCE_NOUNS, GROUP_NOUNS, MILITANT_NOUNS
from ..names import fold
from ..places.countries import by_demonym, by_name
from .context import Resources
from .lexicon import cues, triggers
from .doc_index import ent_of, span_lemmas


@dataclass
class PlaceMention:
    token: Token
    name: str
    feature: str | None = None
    region_text: str | None = None  # "northwestern Hama", "the western Aleppo countryside"
    start: int = 0
    end: int = 0
    near: str | None = None  # "south of": the event happened near this place, not in it


WEAPON_NOUNS = {"rocket", "missile", "shell", "drone", "launcher", "mortar", "bomb", "munition", "grenade", "rifle"}


def event_at(prep: Token) -> bool:
    """'at' where an event happened: "clashes erupted at X", "a shell landed at X" (the verb says what
    an event did, its subject is an event or a weapon); not "spoke at X", "talks began at X"."""
    if prep.lower_ != "at" or prep.dep_ != "prep":
        return False
    verb, lex = prep.head, triggers()
    return verb.pos_ == "VERB" and verb.lemma_.lower() in lex["event_subject_verbs"] and any(
        c.dep_ == "nsubj" and (c.lemma_.lower() in lex["nouns"] or c.lemma_.lower() in WEAPON_NOUNS)
        for c in verb.children)


def place_mentions(res: Resources, sent: Span) -> list[PlaceMention]:
    feats = res.cue["feature_words"]
    dirs = res.cue["direction_words"]
    country = res.cue["countryside_words"]
    landmarks = res.cue["landmark_words"]
    out = []
    words = span_lemmas(sent)
    nouns = "capital" in words or not words.isdisjoint(landmarks)  # else no lowercase word can give one
    for tok in sent:
        # only a capitalised word, a place entity, 'capital' or a landmark noun can give a mention below
        if not tok.text[:1].isupper() and tok.ent_type_ not in ("PLACE", "GPE", "LOC", "FAC"):
            if not nouns:
                continue
            lemma = tok.lemma_.lower()
            if lemma != "capital" and lemma not in landmarks:
                continue
        feature = None
        head = tok.head
        if head.lower_ == "of" and head.head.lemma_.lower() in feats and tok.dep_ == "pobj":
            feature = head.head.lemma_.lower()
        elif tok.dep_ in ("conj", "appos"):  # "the towns of X, Y and Z"
            first = tok
            while first.dep_ in ("conj", "appos") and first.head != first:
                first = first.head
            if first.head.lower_ == "of" and first.head.head.lemma_.lower() in feats:
                feature = first.head.head.lemma_.lower()
        is_place = tok.ent_type_ == "PLACE" or (tok.ent_type_ in ("GPE", "LOC", "FAC") and tok.ent_iob_ == "B"
                                                and not modifier(tok) and not actor_noun(tok))
        if not is_place and feature and tok.pos_ in ("PROPN", "NOUN", "ADJ", "VERB") and tok.text[:1].isupper() \
                and tok.ent_type_ not in ("ACTOR", "DATE", "TIME", "CARDINAL"):
            is_place = True  # "the village of Kafr Batikh": a name the gazetteer may lack
        if not is_place and tok.pos_ == "PROPN" and tok.ent_type_ in ("", "PERSON", "ORG") and \
                tok.text[:1].isupper() and tok.dep_ == "pobj" and \
                (tok.head.lower_ in ("in", "near", "outside", "around") or event_at(tok.head)) \
                and not tok.is_stop and not any(c.dep_ == "case" for c in tok.children) and \
                not any(c.dep_ == "det" for c in tok.children) and tok.ent_type_ != "ACTOR":
            is_place = True  # "killed in Bayt Nura": a name no model labelled (or called a person), where a place stands
        if not is_place and known_name(res, tok):
            is_place = True  # "the brigade had retaken Blahodatne": a gazetteer name the tagger called a person
        if is_place and by_demonym(tok.text) is not None and len(tok.text.split()) == 1:
            continue  # "Iraqi": a demonym, not a place
        if is_place and dateline(tok, sent):
            continue  # "KYIV (AP) —", "Erbil:": where the report was filed, not where anything happened
        cap = capital_of(tok)
        if cap is not None and not any(pm.start == tok.idx for pm in out):
            # "the Somali capital", "the capital of Sudan", "Ukraine's capital": the country's capital
            out.append(PlaceMention(tok, cap, "city", None, tok.idx, tok.idx + len(tok.text)))
            continue
        landmark = landmark_span(res, tok)
        if landmark is not None and not any(pm.start == landmark.start_char for pm in out):
            out.append(PlaceMention(tok, landmark.text, tok.lemma_.lower(), None,
                                    landmark.start_char, landmark.end_char))
            continue
        if not is_place or tok.ent_type_ == "ACTOR":
            continue
        if in_attribution(tok):
            continue  # "according to the White Helmets", "citing sources in Idlib": who reports, not where
        if tok.head.lemma_.lower() in res.cue["media_words"] or \
                (tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in res.cue["media_words"]):
            continue  # "al-Mayadeen TV" is an outlet, not a place
        if tok.dep_ in ("compound", "amod", "nmod") and tok.head.lemma_.lower() in WEAPON_NOUNS:
            continue  # "Katyusha rockets", "Grad launchers", "Shahed drones": a weapon's name
        if tok.ent_type_ == "PLACE":
            span = sent.doc[tok.i:tok.i + 1]
        else:
            ent = ent_of(tok)
            if ent is not None and (ent.start < sent.start or ent.end > sent.end):
                ent = None  # an entity across the sentence's edge is not the sentence's
            if ent is not None and ent.label_ not in ("ACTOR", "DATE", "TIME", "CARDINAL"):
                span = ent
            else:
                left = tok.i
                while left > sent.start and sent.doc[left - 1].head.i == tok.i and \
                        sent.doc[left - 1].dep_ in ("compound", "punct", "amod") and \
                        (sent.doc[left - 1].text[:1].isupper() or sent.doc[left - 1].text in ("-", "al", "el")):
                    left -= 1
                span = sent.doc[left:tok.i + 1]
            if any(pm.start == span.start_char for pm in out):
                continue
        name = span.text
        if name.split() and name.split()[-1].lower() in ("of", "the", "and", "in"):
            continue  # "the Federal University of": an institution cut off before its town
        if {w.lower() for w in name.split()} & res.cue["media_words"]:
            continue  # "The Associated Press", "Channels TV": an outlet
        if actor_fragment(res, sent, span):
            continue  # "al-Sham" of a misspelt "Hayyat Tahrir al-Sham": part of a group's name
        if person_name(sent, span):
            continue  # "led by Saif Abu Bakr", "Jihad Berro, a coroner": a person who shares a village's name
        region, near = None, None
        after = sent.doc[span.end] if span.end < sent.end else None
        if feature is None and after is not None and after.lower_ in SUFFIX_FEATURES:
            feature = after.lower_  # "Tell Abyad area", "Abadam district": the feature written after the name
        # "northwestern Hama", "the western Aleppo countryside", "southern Idlib"
        prev = sent.doc[span.start - 1] if span.start > sent.start else None
        nxt = sent.doc[span.end] if span.end < sent.end else None
        if prev is not None and prev.lower_ in dirs and prev.pos_ in ("ADJ", "PROPN", "NOUN", "ADV") and (
                names_a_region(res, name) or (nxt is not None and nxt.lemma_.lower() in country | {"province", "governorate", "region"})):
            region = f"{prev.text} {name}"
            if nxt is not None and nxt.lemma_.lower() in country | {"province", "governorate", "region"}:
                region += f" {nxt.text}"
        elif nxt is not None and nxt.lemma_.lower() in country and not names_a_region(res, name):
            near = f"{nxt.text} of"  # "al-Bukamal countryside": around a town, not a region of its own
        elif nxt is not None and nxt.lemma_.lower() in country:
            region = f"{name} {nxt.text}"
        elif nxt is not None and nxt.lower_ in dirs and span.end + 1 < sent.end and \
                sent.doc[span.end + 1].lemma_.lower() in country:
            nxt = sent.doc[span.end + 1]  # "Hasaka northwestern countryside"
            region = f"{sent.doc[span.end].text} {name} {nxt.text}"
        if nxt is not None and nxt.lower_ in ("province", "governorate") and not region:
            region = f"{name} {nxt.text}"
        if region and nxt is not None and region.endswith(nxt.text) and not region.startswith(name) and \
                (prev is None or not region.startswith(prev.text)):
            prev = None  # the direction came after the name: the region starts at the name
        start = span.start_char if region is None or prev is None or not region.startswith(prev.text) else prev.idx
        end = span.end_char if region is None or nxt is None or not region.endswith(nxt.text) else nxt.idx + len(nxt)
        out.append(PlaceMention(tok, name, feature, region, start, end, near))
    return out


@lru_cache(maxsize=1)
def _actor_nouns() -> frozenset[str]:
    """The resolver's words for armed men and the lexicon's for combatants, crowds and civilians."""
    c = cues()
    return frozenset(GROUP_NOUNS | MILITANT_NOUNS | BARE_FORCE_NOUNS).union(
        c["combatant_words"], c["crowd_words"], c["civilian_words"])


def actor_noun(tok: Token) -> bool:
    """'Gunmen ambushed ...': a common noun for those who act or suffer (the model sometimes calls a
    capitalised one a place), never a place name.  Tagged a proper noun, its lemma is the word itself,
    so the plural is taken back to its singular ("Gunmen", "Rebels")."""
    if tok.pos_ == "NOUN":
        return tok.lemma_.lower() in _actor_nouns()
    if tok.pos_ != "PROPN" or " " in tok.text:
        return False
    w = tok.lower_
    return w in _actor_nouns() or w.endswith("men") and w[:-3] + "man" in _actor_nouns() or \
        w.endswith("s") and w[:-1] in _actor_nouns()


AGENCIES = {"ap", "afp", "reuters", "xinhua", "anadolu", "aa", "upi", "dpa", "efe", "ansa", "tass", "sana", "irna"}


def dateline(tok: Token, sent: Span | None = None) -> bool:
    """A place that opens a sentence and is followed by ':' , '—' or '(AP)': a wire dateline."""
    sent = sent if sent is not None else tok.sent
    before = []
    for t in tok.doc[sent.start:tok.i]:
        if not t.is_space:
            before.append(t)
            if len(before) > 6 or t.is_alpha and t.lower_ != "date" and not t.is_upper:
                return False
    nxt = []
    for t in tok.doc[tok.i + 1:sent.end]:
        if not t.is_space:
            if tok.is_upper and not nxt and t.is_alpha and t.is_upper:
                continue  # the rest of a capitalised name: "MEXICO CITY (AP)"
            nxt.append(t)
            if len(nxt) == 3:
                break
    if not nxt:
        return False
    if nxt[0].text in (":", "—", "–", "--") or (nxt[0].text == "-" and tok.is_upper):
        return True
    if nxt[0].text == "," and len(nxt) > 1 and (nxt[1].ent_type_ == "DATE" or nxt[1].is_upper):
        return True  # "BEIRUT, May 9 (Reuters) —"
    return nxt[0].text == "(" and len(nxt) > 1 and nxt[1].lower_ in AGENCIES


SPEECH = {"tell", "say", "inform", "brief", "quote", "cite", "report", "contact", "ask", "interview"}


def known_name(res: Resources, tok: Token) -> bool:
    """A proper noun in a place's position (after in/near/to/from, or the object of a capture) that the
    gazetteer knows exactly and that is not a registry actor or a person the tagger is sure of; also one in
    apposition to 'capital' or a feature noun ("the state capital, X", which the tagger may call a nationality)."""
    appos = tok.dep_ == "appos" and not tok.text.isupper() and (
        tok.head.lemma_.lower() == "capital" or tok.head.lemma_.lower() in res.cue["feature_words"]) and \
        (tok.i == 0 or tok.doc[tok.i - 1].text != "(")  # not "MEXICO CITY (AP)": an agency's credit
    if tok.pos_ != "PROPN" and not (appos and tok.pos_ == "ADJ") or not tok.text[:1].isupper() or tok.ent_type_ in (
            "ACTOR", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY") or tok.ent_type_ == "NORP" and not appos:
        return False
    if not (appos or tok.dep_ == "pobj" and tok.head.lower_ in ("in", "near", "at", "into", "from", "outside", "around",
                                                                "toward", "towards", "on")
            or tok.dep_ == "dobj" and tok.head.pos_ == "VERB" and tok.head.lemma_.lower() not in SPEECH):
        return False  # "told Rudaw": whom someone spoke to
    ent = ent_of(tok) if tok.ent_type_ in ("PERSON", "ORG") else None
    if ent is not None and len(ent) > 1:
        # "insurgents attacked Malam Fatori": a name of two or three words the tagger took for a person's
        # or an organisation's, as the object of an assault or capture, that the gazetteer knows whole
        return ent.root.i == tok.i and len(ent) <= 3 and tok.dep_ == "dobj" and \
            tok.head.lemma_.lower() in ASSAULT_VERBS and bool(res.places.gaz.exact(ent.text))
    if tok.ent_type_ == "PERSON" and (tok.ent_iob_ != "B" or len(tok.text.split()) > 1):
        return False
    return bool(res.places.gaz.exact(tok.text))


# verbs whose object is a place far more often than a person: "attacked X", "captured X", "shelled X"
ASSAULT_VERBS = {"attack", "capture", "seize", "overrun", "storm", "raid", "shell", "bomb", "bombard", "enter",
                 "besiege", "invade", "retake", "recapture", "liberate", "occupy", "pound"}


SUFFIX_FEATURES = {"area", "district", "province", "region", "state", "county", "township", "governorate",
                   "subdistrict", "prefecture", "municipality", "village", "town", "city", "camp", "neighbourhood",
                   "neighborhood", "community"}


def capital_of(tok: Token) -> str | None:
    """The capital a 'capital' token names by its country: 'the Somali capital', 'the capital of Sudan',
    'Ukraine's capital'."""
    if tok.lemma_.lower() != "capital" or tok.pos_ != "NOUN":
        return None
    for c in tok.children:
        if c.dep_ in ("amod", "compound", "poss", "nmod"):
            ctry = by_demonym(c.text) or by_name(c.text)
            if ctry is not None and ctry.capital:
                return ctry.capital
        if c.dep_ == "prep" and c.lower_ == "of":
            for g in c.children:
                ctry = by_name(g.text) if g.dep_ == "pobj" else None
                if ctry is not None and ctry.capital:
                    return ctry.capital
    return None


PERSON_NOUNS = {"coroner", "activist", "commander", "leader", "doctor", "journalist", "spokesman", "spokesperson",
                "official", "resident", "director", "governor", "minister", "head", "member", "fighter", "mayor",
                "colonel", "general", "officer", "lawyer", "sheikh", "son", "daughter", "brother", "father", "man",
                "woman", "nurse", "teacher", "farmer", "photographer", "reporter", "correspondent", "chief"}


def person_name(sent: Span, span: Span) -> bool:
    """A place-named span that is a person: a capitalised given name before it ("Saif Abu Bakr") or an
    appositive person after it ("Jihad Berro, a coroner")."""
    doc = sent.doc
    prev = doc[span.start - 1] if span.start > sent.start else None
    if prev is not None and prev.text[:1].isupper() and prev.pos_ == "PROPN" and prev.ent_type_ not in ("PLACE", "GPE") \
            and prev.lower_ not in {"al", "el"} and prev.i > sent.start:
        return True
    if span.end < sent.end and doc[span.end].text == "," and span.end + 2 < sent.end and \
            doc[span.end + 1].lower_ in ("a", "an", "the") and doc[span.end + 2].lemma_.lower() in PERSON_NOUNS:
        return True
    return False


def actor_fragment(res: Resources, sent: Span, span: Span) -> bool:
    """The place-like end of a group's name the ruler missed ('Hayyat Tahrir Al-Sham'): the words before
    it and the name together spell a registry actor."""
    reg = res.actors.registry
    for k in (1, 2, 3):
        if span.start - k < sent.start:
            break
        words = sent.doc[span.start - k:span.end]
        if not all(t.text[:1].isupper() or t.text in ("-", "al", "el") for t in words[:k]):
            break
        aid, score = reg.lookup(words.text)
        if aid and score >= 85:
            return True
    return False


def names_a_region(res: Resources, name: str) -> bool:
    """'northern Aleppo' is a part of the governorate, 'central Ras al-Ayn' the middle of a town: a name
    is a region's when the gazetteer knows it as an admin1 (or larger) unit, or as the seat named like one."""
    key = fold(name)
    for p in res.places.gaz.exact(name):
        if p.feature_code.startswith(("ADM1", "PCL", "RGN")) or (p.admin1 and fold(p.admin1) == key):
            return True
    return by_name(name) is not None


def regional(res: Resources, pm: PlaceMention) -> bool:
    """An area rather than a point: 'northwestern Hama', 'the al-Ghab plain', a governorate."""
    if pm.region_text or pm.feature in ("plain", "valley", "region", "province", "governorate", "area", "state",
                                        "county", "prefecture", "district", "township"):
        return True
    exact = res.places.gaz.exact(pm.name)
    return bool(exact) and all(p.feature_class == "L" or p.feature_code in ("ADM1", "ADM2", "PCLI")
                               for p in exact)


# "the Army base", "a Military hospital": a kind of landmark, not its name
GENERIC_LANDMARK_WORDS = {"army", "military", "police", "air", "naval", "navy", "government", "rebel", "security",
                          "main", "new", "old", "central", "local", "state", "federal", "national", "regional"}


def landmark_span(res: Resources, tok: Token) -> Span | None:
    """'the Salba hill', 'the 111th Regiment base', 'Tabqa dam': a feature noun named by its modifiers."""
    if tok.lemma_.lower() not in res.cue["landmark_words"] or tok.ent_type_ == "PLACE":
        return None
    mods = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "nummod") and
            (c.text[:1].isupper() or c.text[:1].isdigit()) and c.ent_type_ not in ("ACTOR", "DATE")
            and not nationality(c, res.actors.registry) and c.lower_ not in GENERIC_LANDMARK_WORDS]
    if not mods:
        return None
    return tok.doc[min(m.left_edge.i for m in mods):tok.i + 1]


def in_attribution(tok: Token) -> bool:
    for anc in tok.ancestors:
        if anc.lower_ in ("according", "citing") or (anc.lower_ == "to" and anc.head.lower_ == "according"):
            return True
        if anc.pos_ == "VERB":
            return False
    return False


def nationality(tok: Token, registry) -> bool:
    """'Turkish' in 'the Turkish base' is whose base, not its name."""
    w = tok.text
    return bool(registry.by_demonym(w)) or (tok.ent_type_ == "NORP" and w.lower().endswith(
        ("ish", "ian", "ese", "ean", "ani", "ic", "i", "an")))


def modifier(tok: Token) -> bool:
    """'US' in 'the US-backed SDF', 'Turkish' in 'Turkish forces': a name used as a modifier."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.text == "-":
        return True
    return tok.dep_ in ("npadvmod", "amod", "poss") or tok.ent_type_ == "NORP"
