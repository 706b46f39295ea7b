"""Shared fixtures: the reference pages in ../shared (skipped when absent) and one pipeline per session."""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTLINES_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.gold.json"
SCORER = SHARED / "tools" / "score_events.py"
EXAMPLES = ROOT / "examples" / "reports"
EXAMPLES_GOLD = ROOT / "examples" / "gold" / "examples.gold.json"


def example_articles() -> list[str]:
    """The article text of every example report (written for the project), for tests that compare a
    component with the stock one token by token."""
    from frontlines.ingest import IngestError, ingest_path
    return [d.article for p in sorted(EXAMPLES.iterdir()) for d in ingest_path(p) if not isinstance(d, IngestError)]
SEED_000 = SEEDS / "000_d78541a06d26f784.txt"
SEED_004 = SEEDS / "004_152d830f68d3dfeb.txt"


@pytest.fixture(scope="session")
def shared():
    if not (SEEDS.is_dir() and GOLD.is_file() and SCORER.is_file()):
        pytest.skip("../shared (seed pages, gold, scorer) is not beside the checkout")
    return SHARED


@pytest.fixture(scope="session")
def scorer(shared):
    spec = importlib.util.spec_from_file_location("score_events", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def gold(shared):
    return json.loads(GOLD.read_text())


@pytest.fixture(scope="session")
def pipeline():
    from frontlines.pipeline import Pipeline
    return Pipeline()
