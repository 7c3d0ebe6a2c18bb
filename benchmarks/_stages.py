"""Finer stage clocks for bench_pipeline: wrap the functions each stage calls, in place.

Each wrapper adds the CPU-seconds spent inside the function (inclusive, counted once
when it recurses) to a named row. Rows nest: "of which" rows are parts of the row above
them and are not added again. Patching is by module attribute, which is how the
runner and `compare` look the functions up, so nothing in the package changes.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from _common import cpu_s

# (row, module, attribute); rows in print order, "  " marks a part of the row above
TARGETS: tuple[tuple[str, str, str], ...] = (
    ("cluster: article vectors (MiniLM)", "parallax.annotate", "article_vectors"),
    ("compare: entity resolution", "parallax.annotate", "resolve_entities"),
    ("compare: sentence vectors (MiniLM)", "parallax.annotate", "sentence_vectors"),
    ("compare: claims", "parallax.compare.core", "extract_claims"),
    ("compare: claim vectors (MiniLM)", "parallax.compare.core", "embed_claims"),
    ("compare: align", "parallax.compare.core", "align"),
    ("compare: conflict candidates", "parallax.compare.core", "find_candidates"),
    ("compare: verifier", "parallax.compare.core", "verify"),
    ("compare: voices", "parallax.compare.core", "voices_of"),
    ("compare: omissions", "parallax.compare.core", "find_omissions"),
    ("compare: omissions (one source)", "parallax.compare.core", "only_one_source"),
    (
        "compare: framing e5, all stories' texts at once",
        "parallax.compare.framing",
        "warm_bias_cache",
    ),
    ("compare: framing", "parallax.compare.core", "_framing"),
    ("bias model, all callers (framing + brief)", "parallax.compare.bias_model", "sentence_bias"),
    ("compare: timeline", "parallax.brief", "build_timeline"),
    ("brief", "parallax.brief", "build_briefs"),
    ("  of which bias of brief sentences", "parallax.compare.framing", "bias_of_spans"),
)
# leaf engines, wherever they are called from
ENGINES: tuple[tuple[str, str, str], ...] = (
    ("MiniLM forward passes (all callers)", "parallax.annotate.minilm", "MiniLMEncoder.encode"),
    ("e5 vectors asked (all callers)", "parallax.compare.bias_model", "embed_e5"),
    ("  of which e5 forward passes", "parallax.compare.bias_model", "_E5Queries.encode"),
)


def _wrap(fn: Callable[..., Any], row: str, cpu: dict[str, float], depth: dict[str, int]) -> Any:
    @functools.wraps(fn)
    def timed(*a: Any, **k: Any) -> Any:
        depth[row] = depth.get(row, 0) + 1
        c = cpu_s()
        try:
            return fn(*a, **k)
        finally:
            depth[row] -= 1
            if depth[row] == 0:
                cpu[row] = cpu.get(row, 0.0) + cpu_s() - c

    return timed


def instrument(cpu: dict[str, float]) -> list[str]:
    """Patch every target to add its CPU-seconds to `cpu`; returns the rows in order."""
    depth: dict[str, int] = {}
    for row, module, attr in TARGETS + ENGINES:
        owner: Any = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, name):
            continue  # not in this version of the code
        setattr(owner, name, _wrap(getattr(owner, name), row, cpu, depth))
    ann = importlib.import_module("parallax.annotate.core")
    ann.ANNOTATORS = tuple(
        (name, _wrap(fn, f"annotate: {name} layer", cpu, depth)) for name, fn in ann.ANNOTATORS
    )
    layers = [f"annotate: {name} layer" for name, _ in ann.ANNOTATORS]
    return layers + [r for r, _, _ in TARGETS + ENGINES]
