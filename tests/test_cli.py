"""The command line as a user runs it: formats, exit codes, quiet output off a terminal."""
from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
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
