"""The package layering of docs/ARCHITECTURE.md: no stage imports a later stage."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "parallax"
ORDER = ["ingest", "annotate", "stories", "compare", "brief", "render", "apps"]
SHARED = {"models", "settings", "store", "nlp", "runner"}  # infrastructure, not a stage


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body if top_level_only else ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.startswith("parallax.")}


def test_no_stage_imports_a_later_stage():
    bad = []
    for stage in ORDER:
        for path in (SRC / stage).rglob("*.py"):
            for module in _imports(path):
                target = module.split(".")[1]
                if target in ORDER and ORDER.index(target) > ORDER.index(stage):
                    bad.append(f"{path.relative_to(SRC)} imports {module}")
    assert not bad, bad


def test_models_import_nothing_from_the_package():
    """Analysis.to_html() and friends are thin lazy calls into render, not module imports."""
    assert _imports(SRC / "models.py", top_level_only=True) == set()


def test_stages_use_the_runner_only_from_entry_points():
    """Only the entry points (apps, Spark, evaluation, `parallax.analyze`) call the runner."""
    users = {str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if "parallax.runner" in _imports(p)}
    assert {u.split("/")[0] for u in users} <= {"apps", "spark", "evaluation", "__init__.py"}, users
