"""The package's layering, read from its imports: layers point downward only, no cycles.

Every import counts, including those inside functions (a lazy import is still a dependency).
A new top-level module must be given a layer here, which is the moment to decide where it sits.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "corpus"

#: Top-level modules/packages of ``corpus`` by layer, lowest first. A module may import from
#: lower layers only; inside one package, its submodules may import each other (acyclically).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "imports"}),
    frozenset({"records", "stats", "dates", "report", "executor", "schema_check", "lease"}),
    frozenset({"manifest", "config", "runs"}),
    frozenset({"shards", "sources"}),
    frozenset({"storage"}),
    frozenset({"validate", "boilerplate", "langid", "dedup"}),
    frozenset({"learned", "structure", "card"}),
    frozenset({"survey", "versions"}),
    frozenset({"units", "audit"}),
    frozenset({"drive", "distributed", "preload"}),
    frozenset({"pipeline", "publish", "learn"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)
_LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The ``corpus`` modules ``name`` imports (``from corpus import x`` counts as ``corpus.x``)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return {m for m in found if m in known and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _top(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def test_every_module_has_a_layer() -> None:
    unplaced = sorted({_top(m) for m in _graph() if m != "corpus"} - set(_LAYER))
    assert not unplaced, f"give these modules a layer in tests/test_architecture.py: {unplaced}"


def test_layers_point_downward() -> None:
    wrong = []
    for module, imports in sorted(_graph().items()):
        if module == "corpus":
            continue
        for target in sorted(imports):
            if target == "corpus" or _top(target) == _top(module):
                continue
            if _LAYER.get(_top(target), 99) >= _LAYER.get(_top(module), -1):
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports that point sideways or upward:\n" + "\n".join(wrong)


def test_the_package_root_imports_only_leaves_eagerly() -> None:
    """``import corpus`` (and so ``corpus --help``) must not pull in the pipeline's stages."""
    root = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    eager = {
        node.module
        for node in root.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("corpus")
    }
    assert eager <= {"corpus.config", "corpus.errors"}, eager


def test_no_import_cycles() -> None:
    graph = _graph()
    graph.pop("corpus", None)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == "corpus":
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


#: The longest a function's body may be (its signature and docstring not counted: a CLI
#: command's typed options are declarations, not logic).
MAX_BODY_LINES = 80


def test_no_function_is_longer_than_a_screen() -> None:
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            if body and (n := (node.end_lineno or 0) - body[0].lineno + 1) > MAX_BODY_LINES:
                long.append(
                    f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} ({n} lines)"
                )
    assert not long, "split these functions:\n" + "\n".join(long)
