"""Learning from the text: proposals for the registry, each with its evidence.

Nothing here changes the registry; proposals wait for an analyst to accept them.
Patterns: acronyms defined in the text, "formerly X", "X is part of / a member of / the core
of Y", "X-backed Y" and "Y, backed by X", defections and dissolutions (dated membership changes),
and names the registry does not know that act as subjects of events.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

import yaml
from spacy.tokens import Doc, Span

from ..extract.doc_index import span_text
from ..records import Document, Evidence, Proposal
from .registry import Registry

MEMBER = re.compile(r"\b(?:(?:is|are|was|were) )?(?:a |an |the )?(?:part|member|members|core|backbone|component|"
                    r"faction|factions|wing) of\b", re.I)
FORMERLY = re.compile(r"\b(?:formerly(?: known as)?|previously known as|once known as|then called)\s*$", re.I)


def _ev(doc_id: str, sent: Span) -> Evidence:
    return Evidence(doc_id=doc_id, start=sent.start_char, end=sent.end_char, text=span_text(sent))


def _actor_mentions_by_sentence(sents: list[Span], mentions) -> list[list]:
    """The resolved actor mentions of each sentence, in the extraction's order (one pass over the
    mentions, instead of one pass a sentence)."""
    starts = [s.start_char for s in sents]
    out: list[list] = [[] for _ in sents]
    for m in mentions:
        if m.kind == "actor" and m.resolved_id:
            k = bisect_right(starts, m.start) - 1
            if k >= 0 and m.start < sents[k].end_char:
                out[k].append(m)
    return out


def propose(sdoc: Doc, document: Document, registry: Registry, ex) -> list[Proposal]:
    out: list[Proposal] = []
    seen: set[tuple] = set()
    on = document.meta.published

    def add(p: Proposal) -> None:
        key = (p.kind, p.subject, p.object, p.relation)
        if key not in seen:
            seen.add(key)
            out.append(p)

    sents = list(sdoc.sents)
    by_sent = _actor_mentions_by_sentence(sents, ex.mentions)
    for si, sent in enumerate(sents):
        acts = [(m.start, m.resolved_id, m.text) for m in by_sent[si]]
        text = span_text(sent)
        # aliases: a surface form the registry does not list verbatim (misspelling, variant)
        for m in by_sent[si]:
            if m.confidence < 1:
                add(Proposal(kind="alias", subject=registry.name(m.resolved_id), object=m.text, evidence=_ev(document.id, sent)))
        for k, (pos, aid, surface) in enumerate(acts):
            head = text[:pos - sent.start_char]
            # "HTS (formerly Jabhat al-Nusra ...)"
            if FORMERLY.search(head[-40:]) and k > 0:
                subj = acts[k - 1][1]
                add(Proposal(kind="former_name", subject=registry.name(subj), object=surface,
                             relation="formerly", evidence=_ev(document.id, sent)))
            # "X-backed Y": sponsor precedes the name
            m = re.search(r"(\b[\w’']+)-backed\s+(?:[\w’'-]+\s+){0,6}$", head)
            if m:
                sponsor = registry.sponsor(m.group(1))
                if sponsor and sponsor != aid:
                    add(Proposal(kind="relation", subject=registry.name(aid), object=registry.name(sponsor),
                                 relation="backed_by", valid_from=on, evidence=_ev(document.id, sent)))
            # "X is the core of / part of Y"
            if k + 1 < len(acts):
                between = text[pos - sent.start_char + len(surface): acts[k + 1][0] - sent.start_char]
                if MEMBER.search(between) and len(between) < 120:
                    subjects = [aid]
                    if re.match(r"^\s*(both|these|the two) groups", head[-20:] + " ", re.I):
                        subjects = []
                    for s in subjects:
                        add(Proposal(kind="relation", subject=registry.name(s), object=registry.name(acts[k + 1][1]),
                                     relation="member_of", valid_from=on, evidence=_ev(document.id, sent)))
        # "Both groups are a part of X": the two actors of the previous sentence(s)
        m = re.match(r"^\s*(?:both|the two|these) (?:groups|factions) (?:are|were) (?:a |an )?(?:part|members?) of", text, re.I)
        if m and acts:
            target = acts[-1][1]
            prev = [(m.start, m.resolved_id, m.text) for k in range(si) for m in by_sent[k]]
            members = []
            for _, aid, _ in reversed(prev):
                if aid != target and aid not in members:
                    members.append(aid)
                if len(members) == 2:
                    break
            for aid in members:
                add(Proposal(kind="relation", subject=registry.name(aid), object=registry.name(target),
                             relation="member_of", valid_from=on, evidence=_ev(document.id, sent)))
        # "the US-backed SDF" handled above; "backed by X"
        for mm in re.finditer(r"backed by ([\w’' -]+?)(?:[,.;)]|$)", text):
            sponsor = registry.lookup(mm.group(1).replace("the ", ""))[0]
            before = [a for a in acts if a[0] - sent.start_char < mm.start()]
            if sponsor and before:
                add(Proposal(kind="relation", subject=registry.name(before[-1][1]), object=registry.name(sponsor),
                             relation="backed_by", valid_from=on, evidence=_ev(document.id, sent)))
    # defections, surrenders, dissolutions: dated membership changes found by the extractor
    for p in ex.proposals:
        add(p)
    # new actors: named subjects of events that the registry does not know
    for ev in ex.events:
        for name in (ev.actor1, ev.actor2):
            if name and not registry.lookup(name)[0] and not re.search(r"\((?:[A-Z][a-z]+ ?)+\)$", name):
                add(Proposal(kind="new_actor", subject=name, evidence=ev.evidence[0]))
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:48] or "actor"


def accept_into(p: Proposal, registry: Registry, path: Path) -> dict:
    """Write an accepted proposal to a user registry file (an overlay that extends the built-in
    actors by id, or adds a new one), so the next run uses it.  Returns the entry written."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    data = data or {"registry": "local", "description": "accepted proposals", "actors": []}
    subject_id = registry.lookup(p.subject)[0]
    source = f"accepted proposal from {p.evidence.doc_id}: {p.evidence.text[:160]}"
    if p.kind == "new_actor" or subject_id is None:
        entry = {"id": _slug(p.subject), "name": p.subject, "inter": 2, "type": "other", "aliases": [],
                 "sources": [source]}
    else:
        entry = {"id": subject_id, "extend": True, "sources": [source]}
        if p.kind == "alias" and p.object:
            entry["aliases"] = [p.object]
        elif p.kind == "former_name" and p.object:
            entry["former_names"] = [{"name": p.object, "until": p.valid_from.isoformat() if p.valid_from else None}]
        elif p.kind == "relation" and p.object and registry.lookup(p.object)[0]:
            entry["relations"] = [{"type": p.relation, "target": registry.lookup(p.object)[0],
                                   "from": p.valid_from.isoformat() if p.valid_from else None, "until": None,
                                   "source": source}]
        elif p.kind == "membership_change" and p.valid_from:
            # a defection, surrender or dissolution ends the memberships in force that day
            entry["relations"] = [{"type": "member_of", "target": r.target,
                                   "from": r.start.isoformat() if r.start else None,
                                   "until": p.valid_from.isoformat(), "source": source}
                                  for r in registry.relations(subject_id, p.valid_from, "member_of")]
    data["actors"].append(entry)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return entry
