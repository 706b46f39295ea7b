"""Scale: ingest 1,000 / 4,000 / 16,000 generated pages into one store and time the views at each size.

    python bench/scale.py [SIZES...]        (default: 1000 4000 16000; e.g. `python bench/scale.py 1000 4000`)

The store grows to each size in turn (1,000, then 3,000 more, ...).  For each size it prints:
pages/s of the ingest step (read, store, extract, write; 2 workers) and the peak RSS so far; the
time of `events --merged`, `control --at`, `changes` (cold: this process's caches dropped; they
read the merged view the ingest kept in the store, store/views.py) and of `/api/events?limit=100`
(a page of that view, read with SQL); the time of computing and keeping the merged view again (what
the end of each ingest does: ``refresh``); and p50/p99 of `/api/events?limit=100` with 50 concurrent clients over
loopback against `frontlines serve`, idle and while an ingest of 400 more pages runs (clients on
plain asyncio streams, then the same with httpx's AsyncClient, which costs more than the server).  Growth
ratios between sizes close the report.  Pages are generated (no malformed metadata): a headline, a
dateline, two to four event sentences with Syrian places and actors, and filler paragraphs of
random words so that pages are distinct; one page in twenty is a repost of an earlier one.
"""
from __future__ import annotations

import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ACTORS = ["Syrian government forces", "Hay'at Tahrir al-Sham", "the Syrian Democratic Forces", "Islamic State",
          "Turkish-backed rebels", "Russian warplanes", "the National Liberation Front"]
TEMPLATES = [
    "{a} captured the village of {p} from {b} after heavy clashes, local sources said.",
    "{a} shelled {p}, killing {n} civilians, according to a local monitor.",
    "Clashes between {a} and {b} near {p} left {n} fighters dead.",
    "An air strike by {a} hit a market in {p}, killing {n} people.",
    "{b} withdrew from {p}, which {a} entered without a fight.",
]


def places() -> list[str]:
    rows = (ROOT / "src/frontlines/data/places/syria_curated.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [r.split("\t")[1] for r in rows if r.split("\t")[5] == "P"]


def make_pages(dest: Path, start: int, n: int, rng: random.Random, names: list[str]) -> None:
    vocab = [f"{''.join(rng.choice('bcdfghklmnprstvz') + rng.choice('aeiou') for _ in range(3))}" for _ in range(5000)]
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        if i - start > 20 and i % 20 == 0:  # a repost of an earlier page, with a line of its own
            src = dest / f"p{rng.randrange(start or 1, i):06d}.txt"
            if src.exists():
                (dest / f"p{i:06d}.txt").write_text(src.read_text() + f"\n\nReposted from the wire ({i}).\n")
                continue
        day = date(2019, 1, 1) + timedelta(days=rng.randrange(365))
        sents = []
        for _ in range(rng.randint(2, 4)):
            a, b = rng.sample(ACTORS, 2)
            sents.append(rng.choice(TEMPLATES).format(a=a, b=b, p=rng.choice(names), n=rng.randint(2, 30)))
        sents[0] = f"On {MONTHS[day.month - 1]} {day.day}, " + sents[0][0].lower() + sents[0][1:]
        filler = [" ".join(rng.choice(vocab) for _ in range(rng.randint(25, 60))).capitalize() + "."
                  for _ in range(rng.randint(1, 3))]
        title = f"Fighting reported near {rng.choice(names)}"
        dateline = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
        if i % 5 == 0:
            body = "".join(f"<p>{s}</p>" for s in [" ".join(sents), *filler])
            (dest / f"p{i:06d}.html").write_text(
                f"<html><head><title>{title}</title><meta property='article:published_time' content='{day}'>"
                f"</head><body><article><h1>{title}</h1>{body}</article></body></html>")
        else:
            (dest / f"p{i:06d}.txt").write_text(f"{title}\n\n{dateline}\n\n" + " ".join(sents) + "\n\n"
                                                 + "\n\n".join(filler) + "\n")


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def cold(fn, clear, repeat: int = 3) -> float:
    """The best of ``repeat`` runs, each with the caches dropped (the machine is shared)."""
    best = float("inf")
    for _ in range(repeat):
        clear()
        best = min(best, timed(fn)[0])
    return best


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(url: str, clients: int = 50, per_client: int = 10) -> tuple[float, float, int]:
    """p50 and p99 latency (ms) and errors of ``clients`` concurrent clients, each sending ``per_client``
    requests one after another on its own keep-alive connection (opened outside the measurement).
    The clients are asyncio tasks in one thread, speaking plain HTTP/1.1 over asyncio streams:
    50 client threads in this process would measure their own GIL contention, and httpx's
    AsyncClient spends more per 100 kB response than the server does (``load_httpx`` measures
    the same with it, as this script did before)."""
    import asyncio
    from urllib.parse import urlsplit

    u = urlsplit(url)
    request = f"GET {u.path}?{u.query} HTTP/1.1\r\nHost: {u.netloc}\r\n\r\n".encode()
    lat: list[float] = []
    errors = 0

    async def get(reader, writer) -> bool:
        writer.write(request)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        size = next(int(h.split(":", 1)[1]) for h in head if h.lower().startswith("content-length:"))
        await reader.readexactly(size)
        return head[0].split()[1] == "200"

    async def worker() -> None:
        nonlocal errors
        try:
            reader, writer = await asyncio.open_connection(u.hostname, u.port)
        except OSError:
            errors += per_client
            return
        for _ in range(per_client):
            t0 = time.perf_counter()
            try:
                ok = await get(reader, writer)
            except (OSError, asyncio.IncompleteReadError, StopIteration, ValueError):
                ok = False
            lat.append(time.perf_counter() - t0)
            errors += not ok
        writer.close()

    async def run() -> None:
        await asyncio.gather(*(worker() for _ in range(clients)))
    asyncio.run(run())
    lat.sort()
    return statistics.median(lat) * 1000, lat[int(len(lat) * 0.99) - 1] * 1000, errors


def load_httpx(url: str, clients: int = 50, per_client: int = 10) -> tuple[float, float, int]:
    """``load`` with httpx's AsyncClient as the 50 clients (what this script measured at first)."""
    import asyncio

    import httpx
    lat: list[float] = []
    errors = 0

    async def worker(c: httpx.AsyncClient) -> None:
        nonlocal errors
        try:  # the connection is opened outside the measurement
            await c.get(url.replace("limit=100", "limit=1"))
        except httpx.HTTPError:
            pass
        for _ in range(per_client):
            t0 = time.perf_counter()
            try:
                ok = (await c.get(url)).status_code == 200
            except httpx.HTTPError:
                ok = False
            lat.append(time.perf_counter() - t0)
            errors += not ok

    async def run() -> None:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(timeout=60, limits=limits) as c:
            await asyncio.gather(*(worker(c) for _ in range(clients)))
    asyncio.run(run())
    lat.sort()
    return statistics.median(lat) * 1000, lat[int(len(lat) * 0.99) - 1] * 1000, errors


def main() -> None:
    sizes = [int(x) for x in sys.argv[1:]] or [1000, 4000, 16000]
    from rich.console import Console

    from frontlines import analysis
    from frontlines.batch import ingest_paths
    from frontlines.pipeline import Pipeline
    from frontlines.serve import create_app
    from frontlines.store import Store
    from fastapi.testclient import TestClient

    rng = random.Random(16)
    names = places()
    tmp = Path(tempfile.mkdtemp(prefix="frontlines-scale-"))
    db = str(tmp / "scale.db")
    store = Store(db)
    pipeline = Pipeline()
    # The views are timed in this process, which also holds the pipeline (model, registries, patterns:
    # some 300,000 objects) for the ingest steps; the processes that compute views for users
    # (`frontlines events`, the API's view process) hold none.  Frozen, the pipeline is left out of
    # the garbage collector's full passes, which would otherwise add a quarter of a second to a view
    # whenever one falls inside it.
    import gc
    gc.collect()
    gc.freeze()
    quiet = Console(stderr=True, force_terminal=False, quiet=True)
    results = []
    have = 0
    try:
        for size in sizes:
            batch = tmp / f"pages-{size}"
            make_pages(batch, have, max(1, size - store.count("documents")), rng, names)
            t_ingest, report = timed(lambda: ingest_paths([batch], store, lambda: pipeline, console=quiet, workers=2))
            row = {"size": size, "pages_s": (len(report.stored) + len(report.duplicates)) / t_ingest,
                   "rss": peak_rss_mb(), "stored": store.count("documents"), "events": store.count("events"),
                   "reposts": len(store.reposts()), "failed": report.n_failed}
            clear = analysis._CACHE.clear

            def drop() -> None:
                clear()
                store.drop_views()
            row["refresh"] = cold(lambda: analysis.refresh(store), drop)
            row["merged"] = cold(lambda: analysis.merged(store).events, clear)
            row["control"] = cold(lambda: analysis.timeline(store).at(date(2019, 7, 1)), clear)
            row["changes"] = cold(lambda: analysis.timeline(store).between(date(2019, 1, 1), date(2019, 12, 31)), clear)
            snapshot(db, tmp / f"at-{size}.db")  # timed again at the end, beside the other sizes
            t0 = time.perf_counter()
            cli = subprocess.run([sys.executable, "-m", "frontlines.cli", "events", "--merged", "--db", db],
                                 stdout=subprocess.DEVNULL, check=True)
            row["cli_merged"] = time.perf_counter() - t0
            api = create_app(db, token="t")
            with TestClient(api) as c:
                def clear_all() -> None:
                    clear()
                    api.state.responses_cache.clear()
                    api.state.views.views.clear()
                row["api_cold"] = cold(lambda: c.get("/api/events?limit=100").raise_for_status(), clear_all)
                row["api_warm"], _ = timed(lambda: c.get("/api/events?limit=100").raise_for_status())
            port = free_port()
            server = subprocess.Popen([sys.executable, "-m", "frontlines.cli", "serve", "--db", db, "--port", str(port),
                                       "--token", "t"], stderr=subprocess.DEVNULL)
            try:
                url = f"http://127.0.0.1:{port}/api/events?limit=100"
                import httpx
                for _ in range(100):
                    try:
                        httpx.get(url, timeout=30).raise_for_status()
                        break
                    except httpx.HTTPError:
                        time.sleep(0.2)
                row["idle"] = load(url)
                row["idle_httpx"] = load_httpx(url)
                extra = tmp / f"extra-{size}"
                make_pages(extra, 10_000_000 + size, 400, rng, names)
                before = store.count("documents")
                ing = subprocess.Popen([sys.executable, "-m", "frontlines.cli", "ingest", str(extra), "--db", db],
                                       stderr=subprocess.DEVNULL)
                t_wait = time.perf_counter()  # measured once the ingest writes (its model loaded, workers extracting)
                while store.count("documents") == before and ing.poll() is None and time.perf_counter() - t_wait < 120:
                    time.sleep(0.2)
                row["busy"] = load(url)
                row["busy_ingest_running"] = ing.poll() is None
                row["busy_httpx"] = load_httpx(url)
                row["busy_httpx_ingest_running"] = ing.poll() is None
                ing.wait()
                have_extra = store.count("documents")
                row["stored_after_extra"] = have_extra
            finally:
                server.terminate()
                server.wait()
            results.append(row)
            print(f"{row['stored']:>6} pages (step {size}): {row['pages_s']:6.1f} pages/s ingest, peak RSS {row['rss']:.0f} MB; "
                  f"{row['stored']} documents, {row['events']} events, {row['reposts']} reposts; "
                  f"refresh (merge and keep) {row['refresh']:.2f} s; merged {row['merged']:.2f} s, control {row['control']:.2f} s, changes {row['changes']:.2f} s, "
                  f"CLI events --merged {row['cli_merged']:.2f} s; /api/events?limit=100 cold {row['api_cold']*1000:.0f} ms, "
                  f"warm {row['api_warm']*1000:.0f} ms; 50 clients p50/p99 idle {row['idle'][0]:.0f}/{row['idle'][1]:.0f} ms "
                  f"({row['idle'][2]} errors), during ingest {row['busy'][0]:.0f}/{row['busy'][1]:.0f} ms "
                  f"({row['busy'][2]} errors, ingest still running: {row['busy_ingest_running']}); "
                  f"with httpx as the clients: idle {row['idle_httpx'][0]:.0f}/{row['idle_httpx'][1]:.0f} ms, during ingest "
                  f"{row['busy_httpx'][0]:.0f}/{row['busy_httpx'][1]:.0f} ms (ingest still running: "
                  f"{row['busy_httpx_ingest_running']})", flush=True)
            have = size + 1  # page numbers go on from here; the extra pages are numbered apart
        for a, b in zip(results, results[1:]):
            k = b["stored"] / a["stored"]
            print(f"{a['stored']} -> {b['stored']} documents (x{k:.1f}), {a['events']} -> {b['events']} events "
                  f"(x{b['events'] / a['events']:.1f}): refresh x{b['refresh'] / a['refresh']:.1f}, merged x{b['merged'] / a['merged']:.1f}, "
                  f"control x{b['control'] / a['control']:.1f}, changes x{b['changes'] / a['changes']:.1f}, "
                  f"api cold x{b['api_cold'] / a['api_cold']:.1f}, pages/s x{b['pages_s'] / a['pages_s']:.2f}")
        same_heap(results, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def snapshot(db: str, dest: Path) -> None:
    import sqlite3
    src, dst = sqlite3.connect(db), sqlite3.connect(str(dest))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


VIEWS = {"merged": lambda a, s: a.merged(s).events,
         "control": lambda a, s: a.timeline(s).at(date(2019, 7, 1)),
         "changes": lambda a, s: a.timeline(s).between(date(2019, 1, 1), date(2019, 12, 31))}


def same_heap(results: list[dict], tmp: Path) -> None:
    """The views of every size timed again at the end, in rounds that alternate the sizes, so that all
    run in one process as it is then: what a view costs per event also depends on how much the process
    holds (a 4,000-page view timed beside 48,000 live events cost 14.8 us an event, alone 12.2), and
    the first timings had each size in a process that had grown with the store."""
    from frontlines import analysis
    from frontlines.store import Store
    stores = {r["size"]: Store(str(tmp / f"at-{r['size']}.db")) for r in results}
    best = {size: {k: float("inf") for k in VIEWS} for size in stores}
    for _ in range(3):
        for size, st in stores.items():
            for k, fn in VIEWS.items():
                analysis._CACHE.clear()
                best[size][k] = min(best[size][k], timed(lambda: fn(analysis, st))[0])
    print("the views again, every size in the same process, rounds alternated: " + "; ".join(
        f"{r['stored']} documents: " + ", ".join(f"{k} {best[r['size']][k]:.2f} s" for k in VIEWS) for r in results))
    for a, b in zip(results, results[1:]):
        print(f"{a['stored']} -> {b['stored']} documents (x{b['stored'] / a['stored']:.1f}, events "
              f"x{b['events'] / a['events']:.1f}), same process: " + ", ".join(
                  f"{k} x{best[b['size']][k] / best[a['size']][k]:.1f}" for k in VIEWS))


if __name__ == "__main__":
    main()
