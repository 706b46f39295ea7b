"""What a pipeline is built from, as plain picklable data: the same for every way of running it.

The CLI builds one ``PipelineConfig`` from ``--actors`` (and ``FRONTLINES_ACTORS``), the places
loaded into the store (``frontlines gazetteer load/fetch``) and any dump given on the command line.
The local batch builds its pipeline from it once and forks workers that share it; a Dask worker,
perhaps on another machine that sees neither the registry files nor the store, gets the config
itself (the registries' text and the place rows) and builds the same pipeline once per process.
Importing this module loads no spaCy.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .records import Place

if TYPE_CHECKING:
    from .pipeline import Pipeline


@dataclass(frozen=True)
class PipelineConfig:
    actor_texts: tuple[str, ...] = ()  # user registry YAML, in the order given (a later file overrides)
    places: tuple[Place, ...] = ()  # gazetteer rows laid on top of the built-in ones
    key: str = field(default="", compare=False)  # a digest of the above: which pipeline a worker keeps

    @classmethod
    def make(cls, actor_files: Iterable[str | Path] = (), places: Iterable[Place] = ()) -> "PipelineConfig":
        """The config for these registry files (after ``FRONTLINES_ACTORS``'s) and extra places."""
        from .actors.registry import user_registry_files
        texts = tuple(f.read_text(encoding="utf-8") for f in user_registry_files(list(actor_files)))
        places = tuple(places)
        h = hashlib.sha256()
        for t in texts:
            h.update(t.encode() + b"\0")
        for p in places:
            h.update(json.dumps(p.model_dump(), sort_keys=True, default=str).encode() + b"\0")
        return cls(texts, places, h.hexdigest()[:16])

    @classmethod
    def from_store(cls, actor_files: Iterable[str | Path] = (), store=None,
                   dumps: Iterable[str | Path] = ()) -> "PipelineConfig":
        """What the CLI extracts with: the registries, the store's loaded places, then those of ``dumps``."""
        extra = list(store.places()) if store is not None else []
        for d in dumps or ():
            from .places.geonames import read_places
            extra += list(read_places(d))
        return cls.make(actor_files, extra)

    def build(self) -> "Pipeline":
        from .actors.registry import Registry
        from .pipeline import Pipeline
        # FRONTLINES_ACTORS was read where the config was made: not again where it is built
        return Pipeline(registry=Registry.load(texts=self.actor_texts, env=False), extra_places=self.places)


_BUILT: dict[str, "Pipeline"] = {}


def pipeline_for(config: PipelineConfig) -> "Pipeline":
    """The pipeline of ``config``, built once per process (a worker keeps the last one it built)."""
    if config.key not in _BUILT:
        _BUILT.clear()
        _BUILT[config.key] = config.build()
    return _BUILT[config.key]
