"""Throughput of the whole ingest (read, decode, store, extract, write events) against bare spaCy.

    python bench/throughput.py [N] [ROUNDS]      (N pages of each kind, default 150; 3 rounds)

Builds N text pages and N HTML pages from the example reports' paragraphs (``make_corpus``: distinct
articles, one in twenty a repost) and for each kind measures:
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


def make_corpus(n: int, dest: Path, suffixes=(".txt", ".md", ".html"), seed: int = 7) -> list[Path]:
    """``n`` distinct pages of the given kinds made of the example reports' sentences.

    Each page takes the headline of one report and a sample of sentences from all of them, in
    paragraphs of one to four (numbers varied), so that pages are different articles, as in a real
    feed, and one page in twenty is a repost of an earlier one (the store's repost check does real work).  Pages that were all copies
    of a few reports with their numbers changed would be one cluster of reposts, and the store would
    compare each page with every earlier one: a quadratic cost no real corpus has.  HTML pages keep
    the example page's template (navigation, sidebar, comments) around their own article."""
    import random

    from frontlines.ingest import IngestError, ingest_path

    reports = sorted((ROOT / "examples" / "reports").iterdir())
    html_page = next(p for p in reports if p.suffix == ".html").read_text(encoding="utf-8")
    docs = [d for p in reports for d in ingest_path(p) if not isinstance(d, IngestError)]
    titles = [d.meta.title for d in docs if d.meta.title]
    sentences = sorted({x for d in docs for x in re.split(r"(?<=[.!?])\s+(?=[A-Z])", d.article) if len(x.split()) >= 5})
    head, rest = html_page.split('<div class="entry-content">', 1)
    tail = rest[rest.index("</div>"):]  # the template around the article's paragraphs
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for i in range(n):
        suffix = suffixes[i % len(suffixes)]
        p = dest / f"page-{i:05d}{suffix}"
        if i >= 20 and i % 20 == 0:  # a repost of an earlier page of the same kind, with a line of its own
            src = out[rng.randrange(len(out))]
            p = dest / f"page-{i:05d}{src.suffix}"
            text = src.read_text(encoding="utf-8")
            p.write_text(text + (f"\n<!-- repost {i} -->\n" if src.suffix == ".html" else f"\n\nReposted ({i}).\n"),
                         encoding="utf-8")
            out.append(p)
            continue
        drawn = [re.sub(r"\b(\d{1,2})\b", lambda m: str((int(m.group(1)) + i) % 28 + 1), q)
                 for q in rng.sample(sentences, min(len(sentences), rng.randint(12, 18)))]
        paras, k = [], 0
        while k < len(drawn):  # paragraphs of one to four sentences
            step = rng.randint(1, 4)
            paras.append(" ".join(drawn[k:k + step]))
            k += step
        title = titles[i % len(titles)]
        if suffix == ".html":
            body = "\n".join(f"    <p>{q}</p>" for q in paras)
            p.write_text(f'{head}<div class="entry-content">\n{body}\n  {tail}', encoding="utf-8")
        else:
            p.write_text(f"{title}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import statistics
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
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {repeats} rounds")
    bare = spacy.load(MODEL)
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        for kind, suffixes in KINDS.items():
            folder = Path(tmp) / kind
            paths = make_corpus(n, folder, suffixes)
            texts = [d.article for p in paths for d in ingest_path(p, date(2019, 6, 1)) if not isinstance(d, IngestError)]
            runs: dict[str, list] = {}
            events = set()
            for rnd in range(repeats):  # each pair measured back to back, so both see the machine alike
                for procs in (1, 2):
                    runs.setdefault(f"bare{procs}", []).append(timed(lambda: bare_spacy(bare, texts, procs)))
                    store = Store(str(Path(tmp) / f"{kind}-{procs}-{rnd}.db"))
                    out = {}
                    runs.setdefault(f"e2e{procs}", []).append(timed(lambda: out.update(r=ingest_paths(
                        [folder], store, lambda: pipeline, published=date(2019, 6, 1), console=quiet, workers=procs))))
                    report = out["r"]
                    assert len(report.stored) == len(texts) and report.n_failed == 0, (len(report.stored), report.failed[:3])
                    events.add(store.count("events"))
            assert len(events) == 1, events  # one process and two workers give the same events
            k = len(texts)
            print(f"{kind:>4}: {k} pages, {events.pop()} events (medians of {repeats} rounds; ratio range in brackets)")
            for procs in (1, 2):
                bare_runs, e2e_runs = runs[f"bare{procs}"], runs[f"e2e{procs}"]
                ratios = [e[0] / b[0] for b, e in zip(bare_runs, e2e_runs)]
                bw, ew = med(b[0] for b in bare_runs), med(e[0] for e in e2e_runs)
                print(f"      {procs} process(es): bare spaCy {k / bw:6.1f} articles/s, frontlines end to end "
                      f"{k / ew:6.1f} articles/s (x{med(ratios):.2f} bare spaCy's time [{min(ratios):.2f}-{max(ratios):.2f}]); "
                      f"CPU s: bare {med(b[1] + b[2] for b in bare_runs):.1f}, frontlines "
                      f"{med(e[1] for e in e2e_runs):.1f} here + {med(e[2] for e in e2e_runs):.1f} in workers")
            speed = [a[0] / b[0] for a, b in zip(runs["e2e1"], runs["e2e2"])]
            bare_speed = [a[0] / b[0] for a, b in zip(runs["bare1"], runs["bare2"])]
            p2 = med(e[1] for e in runs["e2e2"])
            c2 = med(e[2] for e in runs["e2e2"])
            one = med(e[1] + e[2] for e in runs["e2e1"])
            print(f"      2 workers / 1 process: x{med(speed):.2f} end to end [{min(speed):.2f}-{max(speed):.2f}] "
                  f"(bare spaCy x{med(bare_speed):.2f}); on 2 free cores x{one / ((p2 + c2) / 2):.2f} "
                  f"(serial share {p2 / (p2 + c2):.1%} of the CPU)", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"peak RSS: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
