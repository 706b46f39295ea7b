"""What an analyst's filter words mean: an actor by any of its names, a type or a sub-type."""
from __future__ import annotations


def actor_names(registry, value: str | None) -> set[str] | None:
    """Every name the actor ``value`` goes by (name, ACLED name, aliases, former names), so
    ``--actor HTS`` finds events coded "Hay'at Tahrir al-Sham"; just ``value`` when unknown."""
    if not value:
        return None
    names = {value}
    if registry is not None:
        actor_id, score = registry.lookup(value)
        actor = registry.get(actor_id) if score >= 100 else None
        if actor is not None:
            names |= set(registry.surface_forms(actor))
    return names
