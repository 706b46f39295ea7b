"""What a parse means where the small English model is known to get it wrong, for the stages that
read parses (extract/ for clauses, actors/ for the noun phrases that name actors)."""
from __future__ import annotations

from spacy.tokens import Token

FINITE_TAGS = {"VBD", "VBZ", "VBP"}


def swallowed_subject(verb: Token) -> Token | None:
    """'On 18 August insurgents attacked the town': the small model reads the noun after a fronted
    date as the date's prepositional object, and the verb as having no subject (or as that noun's
    reduced relative, which a finite verb cannot head).  The noun just before a finite verb that has
    no subject, ending a preposition's phrase that is otherwise a date, is the verb's subject; so is
    it before a participle the parser took for a reduced relative when that left the sentence with
    the preposition for its root (no verb to be the relative's main clause)."""
    if verb.i == 0 or verb.tag_ not in FINITE_TAGS and not (verb.tag_ == "VBN" and verb.dep_ == "acl"):
        return None
    prev = verb.doc[verb.i - 1]
    if prev.pos_ not in ("NOUN", "PROPN") or prev.dep_ != "pobj" or prev.ent_type_ in ("DATE", "TIME"):
        return None
    prep = prev.head
    between = verb.doc[prep.i + 1:prev.i]
    if prep.pos_ != "ADP" or not len(between) or any(t.ent_type_ not in ("DATE", "TIME") for t in between):
        return None
    if verb.dep_ == "acl" and verb.head.i == prev.i and (verb.tag_ in FINITE_TAGS or prep.dep_ == "ROOT"):
        return prev
    if prep.head.i == verb.i and verb.tag_ in FINITE_TAGS:
        return prev
    return None
