"""The import rules of the layout, read from the source (AST) of every module of core/ and ui/.

- nothing in core/ imports streamlit or ui (core is plain Python, testable without a server);
- core/pipeline imports none of core.analysis, core.scoring, core.present (raw file -> artifacts stands alone);
- each core package imports only the packages docs/ARCHITECTURE.md allows it (ALLOWED below);
- no two project modules import each other, directly or through others (deferred imports count too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.config import ROOT

LAYERS_ABOVE_PIPELINE = ("core.analysis", "core.scoring", "core.present")
LEAVES = {"core.config", "core.errors"}
# package -> the other project modules and packages it may import (as in docs/ARCHITECTURE.md)
ALLOWED = {
    "core.pipeline": LEAVES,
    "core.analysis": LEAVES | {"core.pipeline", "core.present.formats"},
    "core.present": LEAVES | {"core.pipeline", "core.analysis"},
    "core.scoring": LEAVES | {"core.pipeline", "core.analysis", "core.present"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    files = [*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/**/*.py")]
    return {_module_name(p): p for p in sorted(files)}


def _imported_names(path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file (top level or inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from core.pipeline import x`
    return names


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the project modules it imports (packages' own __init__ files are docstrings only)."""
    return {name: {m for m in _imported_names(path) if m in modules and m != name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (depth-first search, white/grey/black)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


MODULES = _project_modules()
GRAPH = _graph(MODULES)


def test_the_rules_see_the_whole_project():
    assert {"core.pipeline.train", "core.analysis.filters", "core.scoring.score", "core.present.charts"} <= set(MODULES)
    assert {"ui.state", "ui.cache", "ui.bootstrap", "ui.sidebar"} <= set(MODULES)
    assert "core.pipeline.models" in GRAPH["core.pipeline.persistence"]  # imports are really read


@pytest.mark.parametrize("name", [m for m in MODULES if m.startswith("core")])
def test_core_never_imports_streamlit_or_ui(name):
    bad = sorted(m for m in _imported_names(MODULES[name]) if m.split(".")[0] in ("streamlit", "ui"))
    assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("name", [m for m in MODULES if m.startswith("core.pipeline")])
def test_pipeline_never_imports_the_layers_above_it(name):
    bad = sorted(m for m in GRAPH[name] if m.startswith(LAYERS_ABOVE_PIPELINE))
    assert not bad, f"{name} imports {bad}"


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else module


@pytest.mark.parametrize("name", [m for m in MODULES if _package(m) in ALLOWED])
def test_each_package_imports_only_what_it_may(name):
    own = _package(name)
    allowed = ALLOWED[own]
    bad = sorted(m for m in GRAPH[name] if _package(m) != own and _package(m) not in allowed and m not in allowed)
    assert not bad, f"{name} ({own}) may import only {sorted(allowed)}; it imports {bad}"


def test_no_import_cycles():
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH))


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"ui.cache": {"ui.sidebar"}, "ui.sidebar": {"ui.cache"}}) == [
        "ui.cache",
        "ui.sidebar",
        "ui.cache",
    ]
