"""The layout's rules, read from the source: no import circles, and the library below the API.

Every import counts, at the top of a module or inside a function (a deferred import hides a
circle from Python, not from a reader); only `if TYPE_CHECKING:` blocks do not, since they
never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("kg", "api")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "node_modules" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that `path` imports anywhere but under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for n in ast.walk(stmt)
    }
    out = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in out if m in known}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_another_that_imports_it_back() -> None:
    assert _circles(_graph()) == []


def test_the_checker_sees_a_circle_made_by_a_deferred_import() -> None:
    graph = {"kg.a": {"kg.b"}, "kg.b": {"kg.c"}, "kg.c": {"kg.a"}, "kg.d": {"kg.a"}}
    assert _circles(graph) == [["kg.a", "kg.b", "kg.c"]]


def test_nothing_in_kg_but_the_command_line_imports_api() -> None:
    graph = _graph()
    offenders = {
        name: sorted(d for d in deps if d.split(".")[0] == "api")
        for name, deps in graph.items()
        if name.startswith("kg") and not (name == "kg.cli" or name.startswith("kg.cli."))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_top_of_kg_holds_only_what_every_package_shares() -> None:
    top = sorted(p.name for p in (ROOT / "kg").glob("*.py") if p.name != "__init__.py")
    assert len(top) <= 8, top


def test_the_tests_follow_the_package() -> None:
    """Each package of kg/ has its tests in the same place under tests/kg/."""
    packages = {p.parent.name for p in (ROOT / "kg").glob("*/__init__.py")}
    tested = {p.parent.name for p in (ROOT / "tests" / "kg").glob("*/__init__.py")}
    assert packages <= tested, sorted(packages - tested)
