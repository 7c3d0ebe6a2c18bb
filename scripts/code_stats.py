"""Code-health numbers for the redesign issue: modules per package, longest functions, inline numbers.

An "inline number" is a numeric literal inside a function body other than 0, 1, -1 and 2 (indexing,
counting and halving are not tunable values). Numbers in settings modules and module-level named
constants do not count. Usage: python scripts/code_stats.py [src/parallax]
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

TRIVIAL = {0, 1, -1, 2, 0.0, 1.0}


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _inline_numbers(fn: ast.AST) -> int:
    """Numeric literals in a body, less round()'s digits (display precision, not a tuned value)."""
    skip = {
        id(call.args[1])
        for call in ast.walk(fn)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "round"
        and len(call.args) == 2
    }
    return sum(
        1
        for node in ast.walk(fn)
        if isinstance(node, ast.Constant)
        and type(node.value) in (int, float)
        and node.value not in TRIVIAL
        and id(node) not in skip
    )


def main(root: str = "src/parallax") -> None:
    base = Path(root)
    per_package: Counter[str] = Counter()
    lengths: list[tuple[int, str]] = []
    numbers: Counter[str] = Counter()
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        package = rel.parts[0] if len(rel.parts) > 1 else "(top)"
        per_package[package] += 1
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nested = {id(g) for f in _functions(tree) for g in _functions(f) if g is not f}
        outer = [f for f in _functions(tree) if id(f) not in nested]
        for fn in outer:
            lengths.append(((fn.end_lineno or fn.lineno) - fn.lineno + 1, f"{rel}:{fn.name}"))
        if path.name != "settings.py":
            numbers[str(rel)] += sum(_inline_numbers(fn) for fn in outer)
    print("modules per package:", dict(sorted(per_package.items())))
    lengths.sort(reverse=True)
    print("functions over 60 lines:", sum(n > 60 for n, _ in lengths))
    for n, name in lengths[:10]:
        print(f"  {n:4d}  {name}")
    print("inline numbers in function bodies (outside settings):", sum(numbers.values()))
    for name, n in numbers.most_common(8):
        print(f"  {n:4d}  {name}")


if __name__ == "__main__":
    main(*sys.argv[1:])
