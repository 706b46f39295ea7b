"""The event lexicons and the ACLED taxonomy, loaded once from ``frontlines/data``."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


def _yaml(*parts: str):
    return yaml.safe_load(resources.files("frontlines.data").joinpath(*parts).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, list[str]]:
    return _yaml("acled_taxonomy.yaml")


@lru_cache(maxsize=1)
def triggers() -> dict:
    data = _yaml("lexicon", "triggers.yaml")
    verbs = {}
    for lemma, spec in data["verbs"].items():
        verbs[lemma] = spec if isinstance(spec, dict) else {"class": spec}
    data["verbs"] = verbs
    return data


@lru_cache(maxsize=1)
def cues() -> dict:
    data = _yaml("lexicon", "cues.yaml")
    for k, v in list(data.items()):
        if isinstance(v, list):
            data[k] = set(v)
    return data


def sub_event_types() -> dict[str, str]:
    """sub-event type -> event type."""
    return {sub: et for et, subs in taxonomy().items() for sub in subs}
