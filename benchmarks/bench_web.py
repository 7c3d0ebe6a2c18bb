"""Web app throughput: the cached story page of the demo corpus under concurrent clients.

Starts `parallax.apps.web.serve` in a subprocess on a free loopback port over a fresh SQLite
store holding the demo corpus, times the first (cold: analysis + render) story request,
then sends N requests (default 1,000) from C concurrent httpx clients (default 4).
Prints requests/s, p50/p95/max latency, error count, and the server's peak RSS.
Usage: python benchmarks/bench_web.py [N_REQUESTS] [CLIENTS]

Mixed-load mode (issue 17): `python benchmarks/bench_web.py --mixed [SECONDS] [CLIENTS]`
sends home, story, search, story-API and /health requests from C clients while one ~100 kB
upload is being analysed (it is submitted first and must finish during the run), and prints
req/s, p50/p95/p99 per endpoint and overall, errors, and the server's RSS before/after.
"""

from __future__ import annotations

import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

CORPUS = (
    Path(os.environ.get("PARALLAX_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    / "corpus"
    / "balloon"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(root: Path) -> str:
    from parallax.apps.web import assign_store
    from parallax.ingest.core import ingest_paths
    from parallax.store import Store

    store = Store(root / "bench.db")
    store.upsert_articles(ingest_paths([CORPUS]).articles)
    stories = assign_store(store)
    return max((s for s in stories if s.level == "storyline"), key=lambda s: len(s.article_ids)).id


def _start(root: Path, port: int) -> subprocess.Popen[bytes]:
    """`serve` in a subprocess on 127.0.0.1:port, returned once /health answers."""
    code = (
        "from pathlib import Path; from parallax.apps.web import serve; "
        f"serve(Path({str(root / 'bench.db')!r}), Path({str(root / 'data')!r}), port={port})"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return proc


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _upload_text(n_paragraphs: int = 200) -> str:
    """~100 kB of varied English text (the upload size that froze the server in issue 17)."""
    paras = [
        f"Paragraph {i}: the regional water board met on day {i} to review pipe repairs in "
        f"district {i % 17}, where crews replaced {i * 3 % 41} metres of main. Engineer Dana "
        f"Whitfield said the work in sector {i % 9} would finish within {i % 5 + 2} weeks, and "
        f"residents of street {i % 23} were told to expect short outages. The board also heard "
        f"that the budget for item {i} rose by {i % 7 + 1} percent after material costs grew."
        for i in range(n_paragraphs)
    ]
    return "Water board reviews pipe repairs\n\n" + "\n\n".join(paras)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))] * 1000 if ordered else float("nan")


def mixed(base: str, story_id: str, pid: int, seconds: float, clients: int) -> None:
    """Mixed load while one upload is analysed; prints the table described in the docstring."""
    urls = {
        "home": "/",
        "story": f"/stories/{story_id}",
        "search": "/search?q=balloon",
        "api": f"/api/stories/{story_id}",
        "health": "/health",
    }
    with httpx.Client(base_url=base, timeout=600) as c:
        for url in urls.values():
            c.get(url)  # warm every page once (models loaded, story analysed and cached)
        rss_before = _rss_mb(pid)
        res = c.post("/upload", data={"text": _upload_text()}, follow_redirects=False)
        job = res.headers["location"].rsplit("/", 1)[1]
    stats: dict[str, list[float]] = {k: [] for k in urls}
    during: dict[str, list[float]] = {k: [] for k in urls}  # started and ended mid-upload
    in_flight = [True]
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        names = list(urls)
        with httpx.Client(base_url=base, timeout=60) as client:
            i = offset
            while time.perf_counter() < stop:
                name = names[i % len(names)]
                i += 1
                t = time.perf_counter()
                busy = in_flight[0]
                try:
                    ok = client.get(urls[name]).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    stats[name].append(time.perf_counter() - t)
                    if busy and in_flight[0]:
                        during[name].append(time.perf_counter() - t)
                    errors += not ok

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    states = []
    with httpx.Client(base_url=base, timeout=60) as c:
        while time.perf_counter() < stop:
            states.append(c.get(f"/api/jobs/{job}").json()["state"])
            in_flight[0] = states[-1] in ("queued", "running")
            time.sleep(0.5)
        for th in threads:
            th.join()
        wall = time.perf_counter() - t0
        final = c.get(f"/api/jobs/{job}").json()["state"]
    busy = sum(s in ("queued", "running") for s in states) / max(1, len(states))
    every = [v for vals in stats.values() for v in vals]
    print(
        f"mixed load: {clients} clients, {wall:.0f} s, upload {final} "
        f"(in flight for {100 * busy:.0f}% of the run)"
    )
    print(f"{'endpoint':<8} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    rows = [*stats.items(), ("all", every)]
    rows += [(f"{k}*", v) for k, v in during.items()]
    rows += [("all*", [v for vals in during.values() for v in vals])]
    for name, vals in rows:
        print(
            f"{name:<8} {len(vals):>8} {len(vals) / wall:>7.1f} {_pct(vals, 0.5):>8.1f} "
            f"{_pct(vals, 0.95):>8.1f} {_pct(vals, 0.99):>8.1f}"
        )
    print("(* = only the requests made while the upload was being analysed)")
    print(
        f"errors {errors}; server RSS before {rss_before:.0f} MiB, after {_rss_mb(pid):.0f} MiB, "
        f"peak {_peak_rss_mb(pid):.0f} MiB"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--mixed":
        seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
        clients = int(sys.argv[3]) if len(sys.argv) > 3 else 4
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "data").mkdir()
            story_id = _prepare(root)
            port = _free_port()
            proc = _start(root, port)
            try:
                mixed(f"http://127.0.0.1:{port}", story_id, proc.pid, seconds, clients)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        t0 = time.perf_counter()
        story_id = _prepare(root)
        prep = time.perf_counter() - t0
        port = _free_port()
        code = (
            "from pathlib import Path; from parallax.apps.web import serve; "
            f"serve(Path({str(root / 'bench.db')!r}), Path({str(root / 'data')!r}), port={port})"
        )
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            url = f"{base}/stories/{story_id}"
            t0 = time.perf_counter()
            first = httpx.get(url, timeout=600)
            cold = time.perf_counter() - t0
            assert first.status_code == 200, first.status_code
            latencies: list[float] = []
            errors = 0
            lock = threading.Lock()
            per_client = [n // clients + (1 if i < n % clients else 0) for i in range(clients)]

            def worker(count: int) -> None:
                nonlocal errors
                with httpx.Client(timeout=30) as client:
                    for _ in range(count):
                        t = time.perf_counter()
                        try:
                            ok = client.get(url).status_code == 200
                        except httpx.HTTPError:
                            ok = False
                        dt = time.perf_counter() - t
                        with lock:
                            latencies.append(dt)
                            errors += not ok

            threads = [threading.Thread(target=worker, args=(c,)) for c in per_client]
            t0 = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            wall = time.perf_counter() - t0
            rss = _peak_rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    lat = sorted(latencies)
    p95 = lat[int(0.95 * (len(lat) - 1))]
    rows = [
        ("store prep (ingest+annotate+cluster)", f"{prep:.1f} s"),
        ("cold story page (analysis+render)", f"{cold:.1f} s"),
        ("page size", f"{len(first.content) / 1024:.0f} KiB"),
        ("requests / clients", f"{len(lat)} / {clients}"),
        ("requests/s", f"{len(lat) / wall:.1f}"),
        ("p50 latency", f"{statistics.median(lat) * 1000:.1f} ms"),
        ("p95 latency", f"{p95 * 1000:.1f} ms"),
        ("max latency", f"{lat[-1] * 1000:.1f} ms"),
        ("errors", str(errors)),
        ("server peak RSS", f"{rss:.0f} MiB"),
        ("bench peak RSS", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'metric':<{width}}  value")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
