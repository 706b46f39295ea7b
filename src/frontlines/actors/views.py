"""Read-only views of the registry: actors as of a date, one actor's relations over time."""
from __future__ import annotations

from datetime import date

from .registry import Registry


def _rel(reg: Registry, r) -> dict:
    return {"type": r.type, "target": reg.name(r.target) or r.target, "target_id": r.target,
            "from": r.start.isoformat() if r.start else None, "until": r.end.isoformat() if r.end else None,
            "source": r.source}


def name_at(reg: Registry, actor_id: str, on: date | None) -> str:
    """The name the actor went by on a date (its former names are dated)."""
    a = reg.get(actor_id)
    if a is None:
        return ""
    if on:
        for f in a.former_names:
            if (f.start is None or f.start <= on) and f.end and on < f.end:
                return f.name
    return a.name


def actors_at(reg: Registry, on: date | None = None) -> list[dict]:
    out = []
    for a in reg.actors.values():
        out.append({"id": a.id, "name": a.name, "name_at_date": name_at(reg, a.id, on), "acled_name": a.acled_name,
                    "inter": a.inter, "type": a.type, "country": a.country, "aliases": a.aliases,
                    "former_names": [{"name": f.name, "from": f.start.isoformat() if f.start else None,
                                      "until": f.end.isoformat() if f.end else None} for f in a.former_names],
                    "relations": [_rel(reg, r) for r in reg.relations(a.id, on)]})
    return sorted(out, key=lambda x: x["name"].lower())


def actor_detail(reg: Registry, name: str) -> dict | None:
    aid = reg.get(name) and name or reg.lookup(name)[0]
    a = reg.get(aid)
    if a is None:
        return None
    incoming = [{"type": r.type, "from_actor": reg.name(other.id), "from": r.start.isoformat() if r.start else None,
                 "until": r.end.isoformat() if r.end else None, "source": r.source}
                for other in reg.actors.values() for r in other.relations if r.target == a.id]
    return {"id": a.id, "name": a.name, "acled_name": a.acled_name, "inter": a.inter, "type": a.type,
            "country": a.country, "aliases": a.aliases, "descriptors": a.descriptors,
            "former_names": [{"name": f.name, "from": f.start.isoformat() if f.start else None,
                              "until": f.end.isoformat() if f.end else None} for f in a.former_names],
            "relations": sorted((_rel(reg, r) for r in a.relations), key=lambda r: r["from"] or ""),
            "incoming": sorted(incoming, key=lambda r: r["from"] or ""), "sources": a.sources}
