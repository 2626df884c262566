"""No import cycle inside reconcile: the stages import one way (find -> read -> engine -> result ->
write). Every import counts, those inside functions too (a lazy import only hides a loop); only
imports for type checking (``if TYPE_CHECKING:``) are left out."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reconcile"


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The reconcile modules ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
        for n in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            candidates = [target, *(f"{target}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        found |= {c for c in candidates if c in modules and c != name}
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_name(p) for p in paths}
    return {_name(p): _imports(p, modules) for p in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import loop, as the path around it (depth-first search, each loop found once)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                found.append([*path[path.index(dep) :], dep])
            elif dep not in state:
                visit(dep)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_no_import_cycle_inside_reconcile() -> None:
    graph = import_graph()
    assert len(graph) > 30 and "reconcile.engine" in graph["reconcile.pipeline"] | graph["reconcile.cli"] | {
        d for deps in graph.values() for d in deps
    }
    loops = cycles(graph)
    assert not loops, "import loops: " + "; ".join(" -> ".join(loop) for loop in loops)


def test_the_check_finds_a_loop() -> None:
    """The check itself: a loop through a lazy import is found."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    real = import_graph()
    assert "reconcile.read.fastread" in real["reconcile.read.reader"]  # imports inside modules are seen
    assert "reconcile.result" not in real["reconcile.pipeline"]  # a TYPE_CHECKING import is not


def test_writers_are_imported_by_no_stage_before_them() -> None:
    graph = import_graph()
    writers = {m for m in graph if m.startswith("reconcile.writers")}
    upstream = (
        "reconcile.read.reader",
        "reconcile.engine",
        "reconcile.result",
        "reconcile.result.totals",
        "reconcile.models",
    )
    for module in upstream:
        assert not graph[module] & writers, module


def test_no_module_is_over_500_lines() -> None:
    """Issue 15: a module a newcomer can read through; a bigger one is split by what it does."""
    sizes = {
        path.relative_to(PACKAGE.parent).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 50  # the package was found
    assert {name: n for name, n in sizes.items() if n > 500} == {}
