"""Throughput of the whole ingest (read, decode, store, extract, write events) against bare spaCy.

    python bench/throughput.py [N]      (N pages of each kind, default 300)

Builds N text pages (from the example .txt/.md reports) and N HTML pages (from the example .html
report), varying their numbers so that no two are byte-identical, and for each kind measures:
  1. bare spaCy: the same model's ``nlp.pipe`` over the article texts, in one process and in two
     forked processes (each piping half), nothing else;
  2. frontlines end to end: ``batch.ingest_paths`` into a new SQLite store with ``workers=1`` (one
     process does everything) and ``workers=2`` (the worker pool).
The pipeline is loaded once before (its load time is printed apart).  Prints articles/s, the speed-up
of 2 workers over one process, the ratio of each end-to-end run to bare spaCy with the same number
of processes, and the peak RSS.  On a shared machine the wall-clock numbers are noisy (run it more
than once; the load average is printed), so the CPU seconds of each run are printed too: this
process's (for 2 workers: what stays serial, reading the results and writing the store) and its
workers'.  "2 free cores" is the time the 2-worker run's CPU seconds would take on two idle cores.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("FRONTLINES_WORKER_NICE", "0")  # as bare spaCy runs: throughput, not manners
KINDS = {"text": (".txt", ".md"), "html": (".html",)}


def make_corpus(n: int, dest: Path, suffixes=(".txt", ".md", ".html")) -> list[Path]:
    sources = [p for p in sorted((ROOT / "examples" / "reports").iterdir()) if p.suffix in suffixes]
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        text = src.read_text(encoding="utf-8")
        # vary numbers so pages are not byte-identical (the store would refuse duplicates)
        text = re.sub(r"\b(\d{1,2})\b", lambda m: str((int(m.group(1)) + i) % 28 + 1), text)
        p = dest / f"{src.stem}-{i:05d}{src.suffix}"
        p.write_text(text + f"\n\n<!-- {i} -->\n" if src.suffix == ".html" else text + f"\n\nRef {i}.\n",
                     encoding="utf-8")
        out.append(p)
    return out


def cpu() -> tuple[float, float]:
    """CPU seconds so far of this process, and of its children that have ended."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def timed(fn) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of this process, CPU seconds of the children) of ``fn()``."""
    (a0, b0), t0 = cpu(), time.perf_counter()
    fn()
    (a1, b1), t1 = cpu(), time.perf_counter()
    return t1 - t0, a1 - a0, b1 - b0


def rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


_BARE = None


def _pipe_part(texts: list[str]) -> None:
    for _ in _BARE.pipe(texts, batch_size=16):
        pass


def bare_spacy(nlp, texts: list[str], processes: int) -> float:
    """Seconds for ``nlp.pipe`` over ``texts`` in ``processes`` forked processes (each its share)."""
    global _BARE
    _BARE = nlp
    t0 = time.perf_counter()
    if processes == 1:
        _pipe_part(texts)
    else:
        ctx = multiprocessing.get_context("fork")
        procs = [ctx.Process(target=_pipe_part, args=(texts[k::processes],)) for k in range(processes)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
    return time.perf_counter() - t0


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    from datetime import date

    import spacy
    from rich.console import Console

    from frontlines.batch import ingest_paths
    from frontlines.extract.nlp import MODEL
    from frontlines.ingest import IngestError, ingest_path
    from frontlines.pipeline import Pipeline
    from frontlines.store import Store

    quiet = Console(stderr=True, force_terminal=False, quiet=True)
    t0 = time.perf_counter()
    pipeline = Pipeline()
    print(f"pipeline load: {time.perf_counter() - t0:.1f} s (once; not in the times below); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bare = spacy.load(MODEL)
    with tempfile.TemporaryDirectory() as tmp:
        for kind, suffixes in KINDS.items():
            folder = Path(tmp) / kind
            paths = make_corpus(n, folder, suffixes)
            texts = [d.article for p in paths for d in ingest_path(p, date(2019, 6, 1)) if not isinstance(d, IngestError)]
            row = {}
            for procs in (1, 2):
                row[f"bare{procs}"] = timed(lambda: bare_spacy(bare, texts, procs))
                store = Store(str(Path(tmp) / f"{kind}-{procs}.db"))
                out = {}
                row[f"e2e{procs}"] = timed(lambda: out.update(r=ingest_paths(
                    [folder], store, lambda: pipeline, published=date(2019, 6, 1), console=quiet, workers=procs)))
                report = out["r"]
                assert len(report.stored) == len(texts) and report.n_failed == 0, (len(report.stored), report.failed[:3])
                row[f"events{procs}"] = store.count("events")
            assert row["events1"] == row["events2"], row
            k = len(texts)
            print(f"{kind:>4}: {k} pages, {row['events1']} events")
            for procs in (1, 2):
                (bw, bp, bc), (ew, ep, ec) = row[f"bare{procs}"], row[f"e2e{procs}"]
                print(f"      {procs} process(es): bare spaCy {k / bw:6.1f} articles/s, frontlines end to end "
                      f"{k / ew:6.1f} articles/s (x{ew / bw:.2f} bare spaCy's time); CPU s: bare {bp + bc:.1f}, "
                      f"frontlines {ep:.1f} here + {ec:.1f} in workers")
            (w1, p1, c1), (w2, p2, c2) = row["e2e1"], row["e2e2"]
            free = (p2 + c2) / 2  # two idle cores, shared by the writer and the workers
            print(f"      2 workers / 1 process: x{w1 / w2:.2f} end to end (bare spaCy x{row['bare1'][0] / row['bare2'][0]:.2f}); "
                  f"on 2 free cores x{(p1 + c1) / free:.2f} (serial share {p2 / (p2 + c2):.1%} of the CPU)", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"peak RSS: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
