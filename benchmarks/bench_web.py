"""Web app throughput: the cached story page of the demo corpus under concurrent clients.

Starts `parallax.apps.web.serve` in a subprocess on a free loopback port over a fresh SQLite
store holding the demo corpus, times the first (cold: analysis + render) story request,
then sends N requests (default 1,000) from C concurrent httpx clients (default 4).
Prints requests/s, p50/p95/max latency, error count, and the server's peak RSS.
Usage: python benchmarks/bench_web.py [N_REQUESTS] [CLIENTS]
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

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "balloon"


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


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> None:
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
