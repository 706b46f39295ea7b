"""Exports an analyst loads elsewhere: ACLED's CSV in pandas, typed Parquet in DuckDB, GeoJSON for QGIS,
all three with analysts' corrections applied and saying the same thing."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from anyascii import anyascii
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.export.formats import assign_ids, write_events
from frontlines.records import Event, Evidence
from frontlines.store import Store

from .conftest import EXAMPLES

runner = CliRunner()

# ACLED's export columns in ACLED's order (the codebook's list, written out here on purpose)
ACLED = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
         "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
         "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
         "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]
LABELS = {"State forces", "Rebel group", "Political militia", "Identity militia", "Rioters", "Protesters",
          "Civilians", "External/Other forces"}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline):
    from frontlines.batch import ingest_paths
    from frontlines.review import check_correction
    path = str(tmp_path_factory.mktemp("exports") / "x.db")
    store = Store(path)
    report = ingest_paths([EXAMPLES], store, lambda: pipeline)
    assert report.events > 10
    evs = store.events()
    # three reviews: fatalities, a note with line breaks, a rejection
    store.add_reviews(evs[0].event_id, "correct", check_correction(evs[0], "fatalities", "7"), "t")
    store.add_reviews(evs[1].event_id, "correct",
                      check_correction(evs[1], "notes", "First line.\r\nSecond line,\n \"quoted\".\rEnd"), "t")
    store.add_reviews(evs[2].event_id, "reject", [(None, None)], "t")
    return {"path": path, "first": evs[0], "noted": evs[1], "rejected": evs[2], "n": len(evs)}


def _csv(db, *extra) -> str:
    r = runner.invoke(app, ["events", "--db", db["path"], "--format", "csv", *extra])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_csv_loads_in_pandas_with_acleds_columns_and_formats(db):
    text = _csv(db)
    df = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    assert list(df.columns[:len(ACLED)]) == ACLED
    assert "frontlines_reasoning" in df.columns and len(df) == db["n"] - 1  # the rejected event is left out
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in df["event_date"])
    assert df["year"].dtype == "int64" and (df["year"] == df["event_date"].str[:4].astype(int)).all()
    assert df["latitude"].dtype == "float64" and df["longitude"].dtype == "float64"
    assert df["fatalities"].dtype == "int64" and df["timestamp"].dtype == "int64" and df["iso"].dtype == "int64"
    assert (df["timestamp"] > 1_500_000_000).all()
    assert set(df["inter1"]) <= LABELS and set(df["inter2"].dropna()) <= LABELS
    for i1, i2, inter in zip(df["inter1"], df["inter2"], df["interaction"]):
        assert inter == (f"{i1} only" if pd.isna(i2) else "-".join(sorted([i1, i2], key=LABELS_ORDER.index)))
    assert df["event_id_cnty"].str.fullmatch(r"SYR\d{8}").all() and df["event_id_cnty"].is_unique
    assert set(df["source_scale"]) <= {"International", "National", "New media", "Other", "National-International"}
    protests = df[df["event_type"].isin(["Protests", "Riots"])]
    assert len(protests) and (protests["tags"] == "crowd size=no report").all()


LABELS_ORDER = ["State forces", "Rebel group", "Political militia", "Identity militia", "Rioters", "Protesters",
                "Civilians", "External/Other forces"]


def test_csv_speaks_acled_prose_spellings_and_places(db):
    from frontlines.places.gazetteer import builtin_gazetteer
    df = pd.read_csv(io.StringIO(_csv(db)), keep_default_na=False)
    actors = set(df["actor1"]) | set(df["actor2"])
    assert "Hayat Tahrir al-Sham" in actors and "Hay'at Tahrir al-Sham" not in actors  # the registry's acled_name
    assert "Military Forces of Syria (2000-2024)" in actors
    g = builtin_gazetteer()
    placed = df[df["place_id"] != ""]
    assert len(placed) > 10
    for pid, loc in zip(placed["place_id"], placed["location"]):
        assert loc == anyascii(g.get(pid).name)  # one place, one spelling
    for _, row in df.iterrows():
        d = date.fromisoformat(row["event_date"])
        if row["event_id"] == db["noted"].event_id:
            continue
        assert re.match(rf"On (around |in )?({d.day} )?({MONTHS}) {d.year}, {re.escape(row['actor1'])} ", row["notes"]), \
            row["notes"]
        assert " — " not in row["notes"] and "[" not in row["notes"]  # the pipeline's shorthand went to its column
        assert row["frontlines_reasoning"]


def test_corrections_are_in_the_csv_and_raw_is_the_extraction(db):
    df = pd.read_csv(io.StringIO(_csv(db)), keep_default_na=False).set_index("event_id")
    first, noted = db["first"].event_id, db["noted"].event_id
    assert df.loc[first, "fatalities"] == 7 and df.loc[first, "review_status"] == "corrected"
    assert db["rejected"].event_id not in df.index
    raw = pd.read_csv(io.StringIO(_csv(db, "--raw")), keep_default_na=False).set_index("event_id")
    assert raw.loc[first, "fatalities"] == db["first"].fatalities
    assert db["rejected"].event_id in raw.index
    # a corrected note is ACLED's notes; its line breaks do not break the row
    assert df.loc[noted, "notes"] == 'First line. Second line, "quoted". End'


def test_no_field_breaks_a_row(db, tmp_path):
    out = tmp_path / "e.csv"
    assert runner.invoke(app, ["events", "--db", db["path"], "--format", "csv", "--out", str(out)]).exit_code == 0
    text = out.read_bytes().decode("utf-8")  # as Excel reads the file: CRLF records, no other break
    rows = list(csv.reader(io.StringIO(text)))
    assert len(text.split("\r\n")) - 1 == len(rows)  # every record is exactly one physical line
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    assert all(len(r) == len(rows[0]) for r in rows)


def test_event_ids_are_stable_across_runs_and_collisions_move(db, monkeypatch):
    a = pd.read_csv(io.StringIO(_csv(db)), keep_default_na=False)
    b = pd.read_csv(io.StringIO(_csv(db, "--type", "Battles")), keep_default_na=False)
    ids = dict(zip(a["event_id"], a["event_id_cnty"]))
    assert all(ids[e] == c for e, c in zip(b["event_id"], b["event_id_cnty"]))  # not dependent on the selection
    import frontlines.export.formats as f
    monkeypatch.setattr(f, "acled_id_number", lambda _id: 12345678)
    evs = [Store(db["path"]).events()[i] for i in range(3)]
    got = assign_ids(evs)
    assert sorted(got.values()) == ["SYR12345678", "SYR12345679", "SYR12345680"]
    assert got == assign_ids(list(reversed(evs)))


def test_numeric_inter_gives_acleds_old_codes(db):
    df = pd.read_csv(io.StringIO(_csv(db, "--numeric-inter")))
    assert df["inter1"].dtype == "int64" and set(df["inter1"]) <= set(range(1, 9))
    assert df["interaction"].dtype == "int64"
    assert all(i >= 10 for i in df["interaction"])


def test_parquet_is_typed_and_duckdb_sums_fatalities(db, tmp_path):
    out = tmp_path / "e.parquet"
    r = runner.invoke(app, ["events", "--db", db["path"], "--format", "parquet", "--out", str(out)])
    assert r.exit_code == 0, r.output
    schema = pq.read_schema(out)
    types = {f.name: str(f.type) for f in schema}
    assert schema.names[:len(ACLED)] == ACLED
    assert (types["fatalities"], types["year"], types["event_date"], types["latitude"], types["timestamp"]) == \
        ("int64", "int64", "date32[day]", "double", "int64")
    df = pd.read_csv(io.StringIO(_csv(db)))
    con = duckdb.connect()
    total, kind = con.execute(f"SELECT sum(fatalities), typeof(any_value(fatalities)) FROM '{out}'").fetchone()
    assert total == df["fatalities"].sum() and kind == "BIGINT" and total >= 7
    (first_day,) = con.execute(f"SELECT min(event_date) FROM '{out}'").fetchone()
    assert isinstance(first_day, date) and first_day.isoformat() == df["event_date"].min()
    out2 = tmp_path / "n.parquet"
    runner.invoke(app, ["events", "--db", db["path"], "--format", "parquet", "--out", str(out2), "--numeric-inter"])
    assert str(pq.read_schema(out2).field("inter1").type) == "int64"


def test_geojson_has_the_csvs_properties_and_ids(db):
    r = runner.invoke(app, ["events", "--db", db["path"], "--format", "geojson"])
    fc = json.loads(r.stdout)
    df = pd.read_csv(io.StringIO(_csv(db)), keep_default_na=False)
    assert list(fc["features"][0]["properties"]) == list(df.columns)
    by_id = {f["id"]: f for f in fc["features"]}
    assert set(by_id) <= set(df["event_id_cnty"]) and len(by_id) == len(fc["features"])
    row = df.iloc[0]
    p = by_id[row["event_id_cnty"]]["properties"]
    assert (p["fatalities"], p["event_date"], p["notes"], p["latitude"]) == \
        (row["fatalities"], row["event_date"], row["notes"], row["latitude"])


def test_events_without_coordinates_are_counted_not_dropped_silently():
    ev = dict(event_date=date(2019, 3, 3), event_type="Battles", sub_event_type="Armed clash", actor1="X",
              location="Nowhere", country="Syria",
              evidence=[Evidence(doc_id="d", start=0, end=1, text="x")])
    evs = [Event(event_id="a", latitude=35.0, longitude=36.0, **ev), Event(event_id="b", **ev),
           Event(event_id="c", **ev)]
    heard = []
    fc = json.loads(write_events(evs, "geojson", warn=heard.append))
    assert [f["properties"]["event_id"] for f in fc["features"]] == ["a"]
    assert heard and heard[0].startswith("2 event(s) without coordinates")
