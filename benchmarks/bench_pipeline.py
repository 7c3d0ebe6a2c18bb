"""Full pipeline (ingest -> brief) on real news, against the spaCy-only floor in the same run.

Run: nice -n 10 python benchmarks/bench_pipeline.py [--n 100] [--profile]

Articles: the first n PolNeAR texts (real US political news, 2015-16, 7 outlets) with
their outlet, date and title, written to one JSONL file and analysed by
`Pipeline.analyze` exactly as `parallax analyze` does (no store). Models are loaded and
warmed first and reported apart. The floor is one `nlp.pipe` of `en_core_web_sm` with
all components over the same texts, measured in the same process right before, so a
busy machine slows both alike. Costs are CPU-seconds; "articles/s on 2 cores" is
2 / (CPU-s per article), the rate when both cores are busy with this work.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Clock, cpu_s, peak_rss_mb, polnear_records, table, write_jsonl  # noqa: E402
from _stages import instrument  # noqa: E402


def count_encoder_texts() -> list[int]:
    """Patch the loaded encoder to count texts per call (the encoder object is shared)."""
    from parallax.nlp import sentence_encoder

    enc = sentence_encoder()
    calls: list[int] = []
    real = enc.encode

    def encode(texts, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(len(texts) if not isinstance(texts, str) else 1)
        return real(texts, *a, **k)

    enc.encode = encode
    return calls


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--profile", action="store_true", help="print the top functions (cProfile)")
    ap.add_argument("--stages", action="store_true", help="also time the functions of each stage")
    args = ap.parse_args()

    from parallax.nlp import sentence_encoder, spacy_nlp
    from parallax.runner import Pipeline

    clock = Clock()
    with clock.stage("load models"):
        nlp = spacy_nlp()
        sentence_encoder().encode(["warm up"])
        list(nlp.pipe(["Warm up the parser."]))
    calls = count_encoder_texts()
    fine: dict[str, float] = {}
    fine_rows = instrument(fine) if args.stages else []

    records = polnear_records(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_jsonl(records, Path(tmp) / "news.jsonl")
        from parallax.ingest import ingest_paths

        texts = [a.text for a in ingest_paths([path]).articles]
        with clock.stage("floor: spaCy nlp.pipe, all components"):
            for _ in nlp.pipe(texts, batch_size=16):
                pass

        @contextlib.contextmanager
        def progress(label: str, _total: int) -> Iterator:
            with clock.stage(label):
                yield lambda _n=1: None

        prof = cProfile.Profile() if args.profile else None
        c0, w0 = cpu_s(), time.perf_counter()
        if prof:
            prof.enable()
        analysis = Pipeline(progress=progress).analyze([path])
        if prof:
            prof.disable()
        total_cpu, total_wall = cpu_s() - c0, time.perf_counter() - w0

    n = len(analysis.articles)
    words = sum(len(t.split()) for t in texts)
    floor = clock.cpu["floor: spaCy nlp.pipe, all components"] / n
    rows = []
    for name in ("ingest", "annotate", "cluster", "compare"):
        c = clock.cpu.get(name, 0.0)
        rows.append((name, f"{c:.1f}", f"{c / n:.3f}", f"{c / n / floor:.2f}×"))
    rows.append(
        (
            "**pipeline total**",
            f"{total_cpu:.1f}",
            f"{total_cpu / n:.3f}",
            f"**{total_cpu / n / floor:.2f}×**",
        )
    )
    rows.append(("floor: spaCy sm, all components", f"{floor * n:.1f}", f"{floor:.3f}", "1.00×"))
    print(f"{n} PolNeAR articles, {words / n:.0f} words each; python {sys.version.split()[0]}")
    print(f"load models (reported apart): {clock.cpu['load models']:.1f} CPU-s")
    print(table(rows, ("stage", "CPU-s", "CPU-s/article", "× floor")))
    print(
        f"\npipeline: {2 * n / total_cpu:.1f} articles/s on 2 cores (CPU-bound), "
        f"{n / total_wall:.2f} articles/s wall this run; ratio to floor {total_cpu / n / floor:.2f}×"
    )
    stats = getattr(sentence_encoder(), "stats", None)
    print(
        f"encoder: {sum(calls)} texts asked in {len(calls)} calls for "
        f"{sum(len(a.sentences) for a in analysis.annotated)} sentences"
        + (f"; {stats.encoded} reached the model (content-hash cache)" if stats else "")
    )
    print(
        f"stories {len(analysis.stories)}, facts {len(analysis.facts)}, "
        f"conflicts {len(analysis.conflicts)}, briefs {len(analysis.briefs)}"
    )
    print(f"peak RSS {peak_rss_mb():.0f} MiB")
    if fine_rows:
        fine_table = [
            (r, f"{fine.get(r, 0.0):.1f}", f"{fine.get(r, 0.0) / n:.3f}") for r in fine_rows
        ]
        print("\nFunctions inside the stages (inclusive CPU-s; 'of which' rows are parts):")
        print(table(fine_table, ("function", "CPU-s", "CPU-s/article")))
    if prof:
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
