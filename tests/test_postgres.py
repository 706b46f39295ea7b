"""The same store on PostgreSQL: a throwaway cluster started for the test session.

Skipped where PostgreSQL's server binaries are not installed (`.ci/run` installs Debian's
`postgresql`).  Everything the store does goes through SQLAlchemy, so the SQLite tests'
behaviour must hold here too.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from datetime import date

import pytest

from frontlines.analysis import merged, timeline
from frontlines.batch import ingest_paths
from frontlines.store import Store

from .conftest import EXAMPLES


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url():
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries are not installed")
    pytest.importorskip("psycopg")
    root = os.geteuid() == 0
    tmp = tempfile.mkdtemp(prefix="fl-pg-")
    data = os.path.join(tmp, "data")
    run_as = ["runuser", "-u", "postgres", "--"] if root else []
    if root:
        shutil.chown(tmp, "postgres")
    port = _free_port()
    subprocess.run(run_as + [initdb, "-D", data, "-A", "trust", "-U", "postgres"], check=True,
                   capture_output=True)
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c fsync=off"
    subprocess.run(run_as + [pg_ctl, "-D", data, "-o", opts, "-w", "-l", os.path.join(tmp, "log"), "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(run_as + [pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def test_examples_on_postgres_match_sqlite(pg_url, tmp_path, pipeline):
    from rich.console import Console
    quiet = Console(stderr=True, force_terminal=False)
    pg, lite = Store(pg_url), Store(str(tmp_path / "l.db"))
    r_pg = ingest_paths([EXAMPLES], pg, lambda: pipeline, console=quiet, workers=1)
    r_lite = ingest_paths([EXAMPLES], lite, lambda: pipeline, console=quiet, workers=1)
    assert r_pg.stored == r_lite.stored and r_pg.events == r_lite.events > 0
    assert [e.event_id for e in pg.events()] == [e.event_id for e in lite.events()]
    # filters, bounding box, duplicates, failures, the derived views
    assert pg.events(event_type="Protests") and all(e.event_type == "Protests" for e in pg.events(event_type="Protests"))
    box = pg.events(bbox=(35.5, 35.0, 37.5, 36.5))
    assert box and all(35.0 <= e.latitude <= 36.5 for e in box)
    again = ingest_paths([EXAMPLES / "wire_2019-06-daraa.txt"], pg, lambda: pipeline, console=quiet, workers=1)
    assert again.stored == [] and again.duplicates
    assert any("duplicate of stored document" in f["error"] for f in pg.failures())
    assert len(merged(pg).events) == len(merged(lite).events)
    assert timeline(pg).at(date(2019, 10, 20)) == timeline(lite).at(date(2019, 10, 20))
