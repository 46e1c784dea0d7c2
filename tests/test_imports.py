"""No import cycles between the dimension packages: a static check of every import statement
(those inside functions too), and each package imported first in a fresh interpreter."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "plan_extract"
DIMS = sorted(p.name for p in (PACKAGE / "dims").iterdir() if (p / "__init__.py").exists())


def _node(module: str) -> str | None:
    """The node of the graph a module belongs to: "dims.<name>" for a dimension package,
    "<name>" for a top-level module of plan_extract, None outside the package."""
    parts = module.split(".")
    if parts[0] != "plan_extract" or len(parts) < 2:
        return None
    if parts[1] == "dims":
        return f"dims.{parts[2]}" if len(parts) > 2 else None
    return parts[1]


def import_graph() -> dict[str, set[str]]:
    """Edges between the dimension packages and the top-level modules, from every import."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        source = _node(module)
        if source is None:
            continue
        edges = graph.setdefault(source, set())
        for statement in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(statement, ast.Import):
                targets = [alias.name for alias in statement.names]
            elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                targets = [statement.module, *(f"{statement.module}.{alias.name}" for alias in statement.names)]
            else:
                continue
            edges.update(t for t in map(_node, targets) if t is not None and t != source)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_check_finds_a_cycle() -> None:
    assert cycles({"dims.a": {"dims.b"}, "dims.b": {"grammar"}, "grammar": {"dims.a"}}) == [
        ["dims.a", "dims.b", "grammar"]]
    assert cycles({"dims.a": {"dims.b"}, "dims.b": set()}) == []


def test_no_dimension_package_is_in_an_import_cycle() -> None:
    """Neither directly ("actor" <-> "location") nor through a shared module ("actor" ->
    "grammar" -> "location" -> "actor")."""
    graph = import_graph()
    assert {f"dims.{name}" for name in DIMS} <= set(graph)
    with_dims = [c for c in cycles(graph) if any(node.startswith("dims.") for node in c)]
    assert with_dims == []


@pytest.mark.parametrize("first", DIMS)
def test_each_package_imports_first_in_a_fresh_interpreter(first: str) -> None:
    others = [name for name in DIMS if name != first]
    script = "\n".join(f"import plan_extract.dims.{name}" for name in [first, *others, *reversed(others)])
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
