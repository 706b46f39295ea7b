"""Hostile input, crashes and limits (issue 11): nothing lost, nothing stuck.

Each input becomes a stored document or a failure row with a one-line reason, the batch goes on,
limits hold while reading, and a run killed with SIGKILL at any point resumes to the same
documents and event ids as an uninterrupted run.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from frontlines.batch import ingest_paths
from frontlines.ingest import IngestError, ingest_path
from frontlines.store import Store

from .conftest import EXAMPLES
from .hostile import GOOD, _bomb_gz, _warc, make_corpus

CLI = [sys.executable, "-m", "frontlines.cli"]


def _ingest(paths, store, pipeline, **kw):
    return ingest_paths(paths, store, lambda: pipeline, console=Console(stderr=True, force_terminal=False), **kw)


def _items(path, **kw):
    return list(ingest_path(path, **kw))


def good(tag: str = "") -> str:
    return GOOD.format(d=2, tag=tag)


# ---- one input, one answer ------------------------------------------------------------------
def test_five_megabyte_one_line_page_is_truncated_and_extracted(tmp_path, pipeline):
    p = tmp_path / "one-line.txt"
    p.write_text((good("again.") + " ") * (5 * 1024 * 1024 // 200))  # 5 MB of prose on one line
    store = Store(str(tmp_path / "t.db"))
    r = _ingest([p], store, pipeline)
    assert r.stored == ["one-line"] and r.n_failed == 0
    doc = store.get_document("one-line")
    assert 40_000 < len(doc.article) <= 50_000 and doc.raw == p.read_bytes()
    assert any("article truncated" in w for w in doc.warnings)
    assert store.pending_documents() == [] and store.events(doc_id="one-line")


def test_a_page_that_fails_extraction_is_marked_failed_not_pending(tmp_path, pipeline):
    class Breaks:
        def run_safe(self, docs):
            for d in docs:
                yield RuntimeError("boom\nsecond line") if "breaks" in d.id else pipeline.extract(d)
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "breaks.txt").write_text(good("one"))
    (tmp_path / "p" / "fine.txt").write_text(good("two"))
    store = Store(str(tmp_path / "t.db"))
    r = ingest_paths([tmp_path / "p"], store, lambda: Breaks(), console=Console(stderr=True, force_terminal=False))
    assert sorted(r.stored) == ["breaks", "fine"] and store.pending_documents() == []
    assert [f["error"] for f in store.failures()] == ["extraction failed: RuntimeError: boom second line"]
    assert store.events(doc_id="fine") and not store.events(doc_id="breaks")
    r2 = _ingest([EXAMPLES / "wire_2019-06-daraa.txt"], store, pipeline)  # the next run is not stuck on it
    assert r2.stored == ["wire_2019-06-daraa"] and r2.events > 0


def test_pipeline_run_safe_isolates_the_page_that_raises(pipeline, monkeypatch):
    docs = [d for d in ingest_path(EXAMPLES / "batch_2019-08.jsonl")]
    real = pipeline.extractor.extract

    def extract(document, sdoc):
        if document.id == docs[1].id:
            raise ValueError("bad page")
        return real(document, sdoc)
    monkeypatch.setattr(pipeline.extractor, "extract", extract)
    out = list(pipeline.run_safe(docs))
    assert len(out) == len(docs) and isinstance(out[1], ValueError)
    assert all(not isinstance(o, Exception) for i, o in enumerate(out) if i != 1)


@pytest.mark.parametrize("line,reason", [
    (json.dumps({"url": "u", "title": ["a", "b"], "text": "x y z"}), "field 'title' must be a string, not list"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (json.dumps({"url": {"a": 1}, "text": "t"}), "field 'url' must be a string"),
    (json.dumps({"text": 5}), "field 'text' must be a string"),
])
def test_bad_json_lines_are_failures_and_the_file_goes_on(tmp_path, line, reason):
    p = tmp_path / "x.jsonl"
    p.write_text(line + "\n" + json.dumps({"url": "https://example.org/ok", "text": good()}) + "\n")
    items = _items(p)
    assert isinstance(items[0], IngestError) and reason in str(items[0]) and "\n" not in str(items[0])
    assert items[0].source.endswith(":1") and len(str(items[0])) < 300
    assert items[1].id == "https://example.org/ok"


def test_over_long_json_line_is_refused_while_reading(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(b'{"text": "' + b"a" * 3_000_000 + b'"}\n' + json.dumps({"url": "u2", "text": good()}).encode())
    items = _items(p, max_bytes=1_000_000)
    assert "line too large" in items[0].reason and items[1].id == "u2"


def test_lone_surrogates_and_nuls_in_json_are_cleaned(tmp_path, pipeline):
    p = tmp_path / "x.jsonl"
    p.write_text('{"url": "u\\u0000\\ud800", "title": "t\\udfff", "text": "' + good() + ' \\ud800"}\n')
    store = Store(str(tmp_path / "t.db"))
    r = _ingest([p], store, pipeline)
    assert r.n_failed == 0 and len(r.stored) == 1 and "\x00" not in r.stored[0]
    doc = store.get_document(r.stored[0])
    assert "\ufffd" in doc.article and doc.meta.title == "t\ufffd"


def test_long_and_undecodable_file_names(tmp_path, pipeline):
    long = tmp_path / ("n" * 246 + ".txt")
    long.write_text(good("long name"))
    odd = os.path.join(os.fsencode(tmp_path), b"odd-\xff.txt")
    with open(odd, "wb") as fh:
        fh.write(good("odd name").encode())
    store = Store(str(tmp_path.parent / f"{tmp_path.name}.db"))
    r = _ingest([tmp_path], store, pipeline)
    assert r.n_failed == 0 and sorted(r.stored) == sorted(["n" * 246, "odd-\ufffd"])


def test_links_fifos_and_folders_outside(tmp_path):
    corpus, outside = tmp_path / "c", tmp_path / "o"
    corpus.mkdir(), outside.mkdir()
    (outside / "passwd.txt").write_text(good("secret"))
    (corpus / "page.txt").write_text(good("inside"))
    os.symlink(outside / "passwd.txt", corpus / "out.txt")
    os.symlink(corpus / "page.txt", corpus / "in.txt")
    os.symlink(corpus / "b.txt", corpus / "a.txt")
    os.symlink(corpus / "a.txt", corpus / "b.txt")
    os.symlink(corpus / "gone.txt", corpus / "dangling.txt")
    os.symlink(outside, corpus / "dir")
    os.mkfifo(corpus / "fifo.txt")
    from frontlines.batch import expand_inputs
    inputs, errors = expand_inputs([corpus])
    assert errors == [(str(corpus / "dir"), "symlink to a folder; not followed")]
    got = {p.name: (ingest_path_one(p, root)) for p, root in inputs}
    assert "outside" in got["out.txt"] and "not followed" in got["out.txt"]
    assert got["a.txt"] == got["b.txt"] == "symlink loop"
    assert got["dangling.txt"].startswith("dangling symlink")
    assert got["fifo.txt"].startswith("a FIFO")
    assert got["in.txt"] == got["page.txt"] == "document"


def ingest_path_one(path, root):
    items = list(ingest_path(path, root=root))
    assert len(items) == 1
    return items[0].reason if isinstance(items[0], IngestError) else "document"


@pytest.mark.parametrize("raw,expect,warning", [
    (b"\xff\xfe" + good("u16").encode("utf-16-le"), "u16", "UTF-16"),
    (b"\xfe\xff" + good("u16be").encode("utf-16-be"), "u16be", "UTF-16"),
    (b"\xff\xfe\x00\x00" + good("u32").encode("utf-32-le"), "u32", "UTF-32"),
    (b"\x00\x00\xfe\xff" + good("u32be").encode("utf-32-be"), "u32be", "UTF-32"),
    (b"\xef\xbb\xbf" + good("u8").encode(), "u8", None),
    ((good("Le caf\u00e9 \u00e9tait ferm\u00e9 \u00e0 c\u00f4t\u00e9 de l'h\u00f4tel o\u00f9 l'on mange tr\u00e8s bien."))
     .encode("latin-1"), "caf\u00e9 \u00e9tait ferm\u00e9", "cp1252"),
    (good("one\x00two").encode(), "onetwo", "1 NUL byte(s) removed"),
])
def test_decoding(tmp_path, raw, expect, warning):
    p = tmp_path / "p.txt"
    p.write_bytes(raw)
    (doc,) = _items(p)
    assert not isinstance(doc, IngestError), doc
    assert expect in doc.article and doc.raw == raw
    if warning:
        assert any(warning in w for w in doc.warnings), doc.warnings


def test_charset_from_html_meta_and_http_header(tmp_path):
    text = good("\u0410\u043b\u0435\u043f\u043f\u043e \u0445\u043e\u0440\u043e\u0448\u043e")
    p = tmp_path / "p.html"
    p.write_bytes(f"<html><head><meta charset=\"windows-1251\"></head><body><article><p>{text}</p></article>"
                  "</body></html>".encode("cp1251"))
    (doc,) = _items(p)
    assert "\u0410\u043b\u0435\u043f\u043f\u043e" in doc.article
    assert any("cp1251 (charset declared" in w for w in doc.warnings)
    body = f"<html><body><article><p>{text}</p></article></body></html>".encode("koi8-r")
    w = tmp_path / "c.warc.gz"
    w.write_bytes(_warc([("https://example.org/k", body, "text/html; charset=koi8-r")]))
    (doc,) = _items(w)
    assert "\u0410\u043b\u0435\u043f\u043f\u043e" in doc.article and any("koi8" in x for x in doc.warnings)


def test_a_md_and_a_txt_are_two_documents(tmp_path, pipeline):
    (tmp_path / "a.txt").write_text(good("text"))
    (tmp_path / "a.md").write_text(good("markdown"))
    store = Store(str(tmp_path.parent / f"{tmp_path.name}.db"))
    r = _ingest([tmp_path], store, pipeline)
    assert r.stored == ["a", "a.txt"] and not r.duplicates
    (tmp_path / "a.html").write_text(f"<html><body><article><p>{good('html')}</p></article></body></html>")
    r = _ingest([tmp_path / "a.html"], store, pipeline)
    assert r.stored == ["a.html"]
    assert {d["id"] for d in store.documents()} == {"a", "a.txt", "a.html"}


def test_warc_bomb_is_refused_fast_and_small(tmp_path):
    header = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/b\r\n"
              b"Content-Length: 999999999999\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>")
    p = tmp_path / "bomb.warc.gz"
    p.write_bytes(_bomb_gz(header, 300 * 1024 * 1024))
    assert p.stat().st_size < 1_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    items = _items(p)
    took = time.perf_counter() - t0
    grew_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert items and all(isinstance(i, IngestError) for i in items)
    assert any("refused" in i.reason for i in items)
    assert took < 10 and grew_mb < 100, (took, grew_mb)


def test_damaged_and_empty_warcs_are_failures(tmp_path):
    good_warc = _warc([("https://example.org/a", b"<html><body><p>" + good().encode() + b"</p></body></html>",
                        "text/html")])
    cases = {"trunc.warc.gz": good_warc[:len(good_warc) // 2], "junk.warc.gz": b"\x1f\x8bjunkjunk",
             "text.warc": b"hello, not a warc",
             "images.warc.gz": _warc([("https://example.org/i", b"\x89PNG....", "image/png")])}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        items = _items(tmp_path / name)
        assert items and all(isinstance(i, IngestError) for i in items), (name, items)
        assert all(i.source == str(tmp_path / name) for i in items)


def test_forget_removes_a_page_and_what_came_from_it(tmp_path, pipeline):
    store = Store(str(tmp_path / "t.db"))
    _ingest([EXAMPLES / "sf_2019-02-idlib.txt", EXAMPLES / "repost_2019-02-idlib.md"], store, pipeline)
    assert store.reposts() and store.events(doc_id="repost_2019-02-idlib")
    gen = store.generation()
    assert store.forget("repost_2019-02-idlib") and not store.forget("repost_2019-02-idlib")
    assert store.get_document("repost_2019-02-idlib") is None and not store.events(doc_id="repost_2019-02-idlib")
    assert store.reposts() == [] and store.generation() > gen
    r = _ingest([EXAMPLES / "repost_2019-02-idlib.md"], store, pipeline)  # and it can come back
    assert r.stored == ["repost_2019-02-idlib"] and store.reposts()
    out = subprocess.run(CLI + ["forget", "sf_2019-02-idlib", "nope", "--db", store.url], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 1 and "forgot sf_2019-02-idlib" in out.stderr and "'nope'" in out.stderr
    assert store.get_document("sf_2019-02-idlib") is None


def test_refusals_are_written_in_bulk(tmp_path, pipeline):
    p = tmp_path / "garbage.jsonl"
    p.write_bytes(b"{}\n" * 100_000)
    store = Store(str(tmp_path / "t.db"))
    t0 = time.perf_counter()
    r = _ingest([p], store, pipeline)
    took = time.perf_counter() - t0
    assert r.n_failed == 100_000 and len(r.failed) == r.KEEP and store.count("failures") == 100_000
    assert took < 30, took  # one transaction a line was about 58 lines/s


# ---- the fuzz corpus ----------------------------------------------------------------------------
def test_fuzz_corpus_every_input_is_a_document_or_a_failure(tmp_path):
    corpus = tmp_path / "corpus"
    exact, prefix = make_corpus(corpus, tmp_path / "outside", seed=11, lines=1900)
    assert len(exact) + len(prefix) >= 2000
    db = tmp_path / "f.db"
    t0 = time.perf_counter()
    # the peak of the ingest alone: measured by a small parent, since a child forked from this test
    # process inherits its high-water mark (and RUSAGE_CHILDREN here is the largest child of the suite)
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print('maxrss', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
               "sys.exit(r.returncode)")
    proc = subprocess.run([sys.executable, "-c", wrapper, *CLI, "ingest", str(corpus), "--db", str(db),
                           "--workers", "1"], capture_output=True, timeout=300)
    took = time.perf_counter() - t0
    rss_mb = int(proc.stderr.rsplit(b"maxrss ", 1)[1].split()[0]) / 1024
    assert proc.returncode == 0, proc.stderr[-3000:]
    store = Store(str(db))
    seen = {d.source_path for d in map(store.get_document, (x["id"] for x in store.documents()))}
    seen |= {f["path"] for f in store.iter_failures()}
    missing = [s for s in exact if s not in seen]
    missing += [p for p in prefix if not any(s.startswith(p) for s in seen)]
    assert not missing, missing[:20]
    assert store.pending_documents() == []
    assert not any(str(tmp_path / "outside") in (store.get_document(x["id"]).source_path or "")
                   for x in store.documents())
    assert all("\n" not in f["error"] and len(f["error"]) < 400 for f in store.iter_failures())
    assert rss_mb < 1024, rss_mb
    print(f"fuzz: {len(exact) + len(prefix)} inputs, {store.count('documents')} documents, "
          f"{store.count('failures')} failures, {took:.1f} s, peak RSS {rss_mb:.0f} MB")


# ---- kill -9 -------------------------------------------------------------------------------------
def _kill_corpus(folder: Path) -> None:
    folder.mkdir()
    for p in EXAMPLES.iterdir():
        if p.is_file():
            (folder / p.name).write_bytes(p.read_bytes())
    texts = [p for p in EXAMPLES.glob("*.txt")]
    for i in range(150):  # enough pages for the kill to land during storing and extraction
        src = texts[i % len(texts)]
        (folder / f"copy{i:02d}_{src.name}").write_bytes(src.read_bytes() + f"\n\nUpdate {i}.\n".encode())


def _progress(db: Path) -> tuple[int, int]:
    """(documents, documents still pending) as another reader sees them; (0, 0) before the tables exist."""
    import sqlite3
    if not db.exists():
        return 0, 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*), coalesce(sum(NOT extracted), 0) FROM documents").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return 0, 0


def _wait_for(proc: subprocess.Popen, db: Path, plan: str, rng: random.Random) -> bool:
    """Wait until the run reaches the plan's moment; True to kill it there, False when it ended first."""
    deadline = time.monotonic() + 120
    if plan in ("loading", "late"):
        try:
            proc.wait(timeout=rng.uniform(0.5, 2.5) if plan == "loading" else rng.uniform(3, 10))
            return False
        except subprocess.TimeoutExpired:
            return True
    first = None
    while proc.poll() is None and time.monotonic() < deadline:
        _, pending = _progress(db)
        if pending and first is None:
            first = pending
        if plan == "pending" and pending:
            time.sleep(rng.uniform(0, 0.2))
            return proc.poll() is None
        if plan == "extracting" and first is not None and 0 < pending < first:
            return proc.poll() is None
        time.sleep(0.02)
    return proc.poll() is None


def _state(db: Path) -> tuple[list, list]:
    store = Store(str(db))
    docs = sorted((d["id"], d["extracted"]) for d in store.documents())
    return docs, sorted(e.event_id for e in store.events())


def test_kill_minus_nine_at_random_points_then_rerun_gives_identical_results(tmp_path, pipeline):
    corpus = tmp_path / "pages"
    _kill_corpus(corpus)
    ref_db = tmp_path / "ref.db"
    _ingest([corpus], Store(str(ref_db)), pipeline)
    reference = _state(ref_db)
    assert len(reference[0]) >= 150 and reference[1]
    db = tmp_path / "killed.db"
    rng = random.Random(9)
    kills = 0
    states = []
    # kill points tied to what the run has done, not to wall-clock guesses (a fast machine finished
    # before a timed kill, a slow one was still loading spaCy): while loading or reading, while
    # documents wait for extraction, while extraction is under way, and at a random later moment
    plans = ["loading", "pending", "extracting", "late"]
    for plan in plans:
        proc = subprocess.Popen(CLI + ["ingest", str(corpus), "--db", str(db)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        if _wait_for(proc, db, plan, rng):
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
        states.append((plan, Store(str(db)).generation(), len(Store(str(db)).pending_documents())))
    print(f"kill -9: {kills} kill(s); (plan, store generation, pending documents) after each:", states)
    assert kills >= 2 and any(pending for _, _, pending in states), states  # killed with work left half done
    final = subprocess.run(CLI + ["ingest", str(corpus), "--db", str(db)], capture_output=True, timeout=300)
    assert final.returncode == 0, final.stderr[-2000:]
    assert _state(db) == reference


# ---- throughput switches --------------------------------------------------------------------------
def test_htmldate_runs_without_its_extensive_search(tmp_path, monkeypatch):
    import trafilatura.metadata
    seen = []
    real = trafilatura.metadata.find_date

    def spy(tree, **kw):
        seen.append(kw)
        return real(tree, **kw)
    monkeypatch.setattr(trafilatura.metadata, "find_date", spy)
    p = tmp_path / "p.html"
    p.write_text("<html><head><meta property='article:published_time' content='99/99/9999 not a date'></head>"
                 f"<body><article><p>{good('html')}</p></article></body></html>")
    (doc,) = _items(p)
    assert seen and all(kw.get("extensive_search") is False for kw in seen)
    assert doc.meta.published is not None  # the dateline still dates it


def test_commands_that_do_not_parse_do_not_import_spacy():
    code = ("import sys; from typer.testing import CliRunner; from frontlines.cli import app; "
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0; "
            "print(sorted(m for m in ('spacy', 'trafilatura', 'dateparser', 'frontlines.pipeline') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
