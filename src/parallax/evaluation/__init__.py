"""`parallax eval`: score each stage on public labelled data in ../shared/data.

Each task module exposes `run(data_dir: Path, limit: int | None) -> list[EvalResult]`
and must call the product's own code path (no re-implementation).
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class EvalResult:
    task: str  # quotes, loaded_language, events, stream, claims, brief
    metric: str  # e.g. "speaker F1 (exact)"
    ours: float
    reference: float | None  # the paper's number, None where the paper gives none
    reference_source: str  # "Spinde et al. 2021, Table 3", or why there is none
    split: str
    items: int
    seconds: float
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


TASKS = (
    "quotes", "loaded_language", "events", "stream", "claims", "brief", "contradictions", "omissions",
)  # fmt: skip


def default_data_dir() -> Path:
    """../shared/data next to the checkout, or $PARALLAX_DATA."""
    import os

    if os.environ.get("PARALLAX_DATA"):
        return Path(os.environ["PARALLAX_DATA"])
    here = Path.cwd()
    for base in (here, *here.parents):
        cand = base / "shared" / "data"
        if cand.is_dir():
            return cand
        cand = base.parent / "shared" / "data"
        if cand.is_dir():
            return cand
    return Path("../shared/data")


def write_results(results: list[EvalResult], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    task = results[0].task if results else "empty"
    path = out_dir / f"{task}.json"
    payload = {
        "machine": f"{platform.node()} {platform.machine()} {platform.processor() or ''}".strip(),
        "python": platform.python_version(),
        "results": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path
