"""The command line as a user runs it: formats, exit codes, quiet output off a terminal."""
from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.export.formats import ACLED_COLUMNS

from .conftest import EXAMPLES

PAGE = EXAMPLES / "wire_2019-06-daraa.txt"
runner = CliRunner()


def test_extract_jsonl_has_acled_fields_and_evidence():
    r = runner.invoke(app, ["extract", str(PAGE)])
    assert r.exit_code == 0, r.output
    events = [json.loads(l) for l in r.stdout.splitlines()]
    assert events
    for e in events:
        for k in ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2",
                  "assoc_actor_2", "location", "admin1", "country", "latitude", "longitude", "geo_precision",
                  "fatalities", "source", "notes", "confidence", "evidence"):
            assert k in e
        assert e["evidence"][0]["doc_id"] == "wire_2019-06-daraa"


def test_extract_csv_uses_acleds_columns_in_order():
    r = runner.invoke(app, ["extract", str(PAGE), "--format", "csv"])
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0][:len(ACLED_COLUMNS)] == ACLED_COLUMNS
    assert ACLED_COLUMNS[:8] == ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
                                 "event_type", "sub_event_type", "actor1"]
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)


def test_extract_geojson_and_parquet(tmp_path):
    r = runner.invoke(app, ["extract", str(PAGE), "--format", "geojson"])
    fc = json.loads(r.stdout)
    assert fc["type"] == "FeatureCollection" and fc["features"]
    lon, lat = fc["features"][0]["geometry"]["coordinates"]
    assert 35 < lon < 43 and 32 < lat < 38
    out = tmp_path / "e.parquet"
    r = runner.invoke(app, ["extract", str(PAGE), "--format", "parquet", "--out", str(out)])
    assert r.exit_code == 0, r.output
    table = pq.read_table(out)
    n_events = len(runner.invoke(app, ["extract", str(PAGE)]).stdout.splitlines())
    assert table.num_rows == n_events
    assert table.column_names[:3] == ["event_id_cnty", "event_date", "year"]


def test_bad_arguments_and_bad_files(tmp_path):
    assert runner.invoke(app, ["extract", str(PAGE), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["extract", str(PAGE), "--published", "someday"]).exit_code == 2
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF")
    r = runner.invoke(app, ["extract", str(bad)])
    assert r.exit_code == 1 and "unknown file type" in r.output


def test_ingest_show_and_failures(tmp_path):
    db = str(tmp_path / "c.db")
    (tmp_path / "empty.md").write_bytes(b"")
    r = runner.invoke(app, ["ingest", str(PAGE), str(tmp_path / "empty.md"), "--db", db])
    assert r.exit_code == 0
    assert "stored 1 document(s)" in r.output and "1 failure(s)" in r.output
    r = runner.invoke(app, ["show", "wire_2019-06-daraa", "--db", db, "--json"])
    shown = json.loads(r.stdout)
    assert shown["events"] and shown["meta"]["published"] == "2019-06-12"
    for e in shown["events"]:
        ev = e["evidence"][0]
        assert shown["article"][ev["start"]:ev["end"]] == ev["text"]
    r = runner.invoke(app, ["failures", "--db", db])
    assert "empty.md: empty file" in r.stdout
    assert runner.invoke(app, ["show", "nope", "--db", db]).exit_code == 1


# ---- mistakes fail loudly: exit status and one line on stderr, no traceback ----------------------

def _one_line_error(r, code: int, text: str) -> None:
    assert r.exit_code == code, r.output
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and text in lines[0], r.stderr
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("cli") / "c.db")
    r = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", path])
    assert r.exit_code == 0, r.output
    return path


@pytest.mark.parametrize("cmd", [["events"], ["show", "x"], ["control", "--at", "2019-01-01"],
                                 ["changes", "--from", "2019-01-01", "--to", "2019-02-01"], ["places"],
                                 ["failures"], ["proposals"], ["actor", "HTS"], ["serve"]])
def test_read_commands_refuse_a_missing_database(tmp_path, cmd):
    missing = tmp_path / "typo.db"
    _one_line_error(runner.invoke(app, [*cmd, "--db", str(missing)]), 2, f"no database at {missing}")
    assert not missing.exists()


@pytest.mark.parametrize("cmd,opt", [(["events", "--from"], "--from"), (["events", "--to"], "--to"),
                                     (["control", "--at"], "--at"), (["actors", "--at"], "--at"),
                                     (["extract", str(PAGE), "--published"], "--published")])
@pytest.mark.parametrize("value", ["2019-1-1", "20190101", "yesterday", "2019-02-30", "12/01/2019"])
def test_dates_are_strictly_iso(db, cmd, opt, value):
    _one_line_error(runner.invoke(app, [*cmd, value, "--db", db] if cmd[0] != "extract" and cmd[0] != "actors"
                                  else [*cmd, value]), 2, f"{opt}: not a date: {value!r} (use YYYY-MM-DD)")


@pytest.mark.parametrize("cmd", [["extract"], ["ingest"], ["gazetteer", "load"]])
def test_missing_paths_say_no_such_file(tmp_path, cmd):
    _one_line_error(runner.invoke(app, [*cmd, str(tmp_path / "nope.txt"), *(["--db", str(tmp_path / "n.db")]
                                                                            if cmd[0] != "extract" else [])]),
                    2, f"no such file")
    r = runner.invoke(app, ["extract", str(PAGE), "--actors", str(tmp_path / "mine.yaml")])
    _one_line_error(r, 2, "no such actor registry file")


def test_every_input_failed_is_a_failure(tmp_path):
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    r = runner.invoke(app, ["ingest", str(tmp_path / "empty.md"), str(tmp_path / "x.pdf"), "--db", str(tmp_path / "f.db")])
    assert r.exit_code == 1 and "error: every page failed" in r.stderr
    (tmp_path / "folder").mkdir()
    _one_line_error(runner.invoke(app, ["ingest", str(tmp_path / "folder"), "--db", str(tmp_path / "f.db")]), 1,
                    "no pages in")


def test_parquet_without_out_and_bad_formats_are_one_line(db):
    _one_line_error(runner.invoke(app, ["events", "--db", db, "--format", "parquet"]), 2, "add --out FILE.parquet")
    _one_line_error(runner.invoke(app, ["extract", str(PAGE), "--format", "parquet"]), 2, "add --out")
    _one_line_error(runner.invoke(app, ["events", "--db", db, "--format", "xlsx"]), 2, "--format: choose one of")
    _one_line_error(runner.invoke(app, ["control", "--at", "2019-06-01", "--db", db, "--format", "csv"]), 2,
                    "choose one of jsonl, geojson")


def test_failures_says_none(tmp_path, db):
    assert runner.invoke(app, ["failures", "--db", db]).stdout.strip() == "none"


def test_filters_match_aliases_place_ids_and_sub_types(db):
    def ids(*args):
        r = runner.invoke(app, ["events", "--db", db, *args])
        assert r.exit_code == 0, r.output
        return [json.loads(l) for l in r.stdout.splitlines()]
    everything = ids()
    hts = [e for e in everything if "Hay'at Tahrir al-Sham" in (e["actor1"], e["actor2"])]
    assert hts
    for alias in ("HTS", "hts", "Hayat Tahrir al-Sham", "Jabhat al-Nusra"):
        assert {e["event_id"] for e in ids("--actor", alias)} >= {e["event_id"] for e in hts}, alias
    pid = next(e["place_id"] for e in everything if e["place_id"])
    assert {e["event_id"] for e in ids("--place", pid)} == {e["event_id"] for e in everything if e["place_id"] == pid}
    sub = everything[0]["sub_event_type"]
    got = ids("--type", sub.upper())
    assert got and {e["event_id"] for e in got} == {e["event_id"] for e in everything if e["sub_event_type"] == sub}
    assert len(ids("--type", "battles")) == len([e for e in everything if e["event_type"] == "Battles"])


def test_reprocess_dates_a_page_stored_without_one(tmp_path):
    page = tmp_path / "undated.txt"
    page.write_text("Rebels Lose Town\n\nGovernment forces captured the town of Kafr Nabl from Hay'at Tahrir "
                    "al-Sham on Sunday, local sources said.\n", encoding="utf-8")
    db = str(tmp_path / "r.db")
    r = runner.invoke(app, ["ingest", str(page), "--db", db])
    assert r.exit_code == 0 and "no publication date" in r.stderr
    assert runner.invoke(app, ["events", "--db", db]).stdout == ""
    r = runner.invoke(app, ["ingest", str(page), "--db", db, "--published", "2019-03-04"])
    assert "already stored" in r.stderr and runner.invoke(app, ["events", "--db", db]).stdout == ""
    r = runner.invoke(app, ["ingest", str(page), "--db", db, "--published", "2019-03-04", "--reprocess"])
    assert r.exit_code == 0 and "1 reprocessed" in r.stderr, r.output
    evs = [json.loads(l) for l in runner.invoke(app, ["events", "--db", db]).stdout.splitlines()]
    assert evs and evs[0]["event_date"] == "2019-03-03" and evs[0]["location"] == "Kafr Nabl"
    shown = json.loads(runner.invoke(app, ["show", "undated", "--db", db, "--json"]).stdout)
    assert shown["meta"]["published"] == "2019-03-04" and len(runner.invoke(app, ["failures", "--db", db])
                                                                .stdout.splitlines()) == 1


def test_every_option_has_help():
    import click
    import typer.main
    missing = []

    def walk(cmd, path):
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")
            return
        for p in cmd.params:
            if not getattr(p, "help", None):
                missing.append(f"{path} {p.name}")
    walk(typer.main.get_command(app), "frontlines")
    assert missing == []


def test_help_and_read_commands_do_not_load_spacy(db):
    import subprocess
    import sys
    code = ("import sys; from frontlines.cli import app\n"
            "try: app(sys.argv[1:])\n"
            "except SystemExit as e: assert not e.code, e.code\n"
            "print('spacy' in sys.modules)")
    for args in (["--help"], ["events", "--db", db, "--format", "csv"], ["control", "--at", "2019-06-01", "--db", db],
                 ["events", "--db", db, "--actor", "HTS"]):
        r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines()[-1] == "False", args


def test_python_dash_m_runs_the_same_commands(db):
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "frontlines", "events", "--db", db, "--format", "jsonl"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    direct = subprocess.run([sys.executable, "-m", "frontlines.cli", "events", "--db", db, "--format", "jsonl"],
                            capture_output=True, text=True, timeout=120)
    assert r.stdout == direct.stdout and r.stdout.count("\n") >= 1
    bad = subprocess.run([sys.executable, "-m", "frontlines", "no-such-command"], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode != 0 and "no-such-command" in bad.stderr
