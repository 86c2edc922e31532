"""The package layout, checked: imports flow one way, modules and classes stay small.

Read from the source with :mod:`ast`, so every import counts, lazy ones and
those under ``TYPE_CHECKING`` included: a dependency is a dependency even
when Python would not notice a cycle at import time.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "digest"

# Layers from the bottom up: a module may import its own layer and those below.
LAYERS: dict[str, int] = {
    "kernel": 0,  # models, config, errors, text, files, cron: used everywhere
    "store": 1,
    "ingest": 2,
    "stories": 3,
    "output": 4,
    "delivery": 5,
    "jobs": 6,
    "service": 7,
    "preview": 7,
    "cli": 8,
}
TOP_LEVEL = {"jobs": "jobs", "cli": "cli", "__main__": "cli"}
MAX_LINES = 500
MAX_PUBLIC_METHODS = 25


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "kernel"
    if parts[1] in LAYERS:
        return parts[1]
    return TOP_LEVEL.get(parts[1], "kernel")


def resolve(name: str) -> str | None:
    """The digest module an imported name lives in (a submodule, else its package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] == "digest":
                target = resolve(name)
                if target and target != module:
                    found.add(target)
    return found


GRAPH = {module: imports(module) for module in MODULES}


def test_the_graph_is_read_from_every_module() -> None:
    assert {"digest.store", "digest.ingest.clean", "digest.cli"} <= set(MODULES)
    assert "digest.store" in GRAPH["digest.jobs"]  # the check sees real imports


def test_no_import_cycle() -> None:
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(GRAPH[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in MODULES:
        visit(module, [])


def test_imports_only_go_down_the_layers() -> None:
    upward = [
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if LAYERS[layer(target)] > LAYERS[layer(module)]
        and not (module.startswith("digest.") and target == "digest")
    ]
    assert upward == []


@pytest.mark.parametrize(
    ("lower", "forbidden"),
    [
        ("ingest", {"output", "delivery", "service", "preview", "jobs", "cli"}),
        ("store", {"ingest", "stories", "output", "delivery", "service", "preview", "jobs", "cli"}),
    ],
)
def test_named_boundaries(lower: str, forbidden: set[str]) -> None:
    crossing = [
        (module, target)
        for module, targets in GRAPH.items()
        if layer(module) == lower
        for target in targets
        if layer(target) in forbidden
    ]
    assert crossing == []


def test_no_module_is_over_the_line_limit() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_class_has_too_many_public_methods() -> None:
    big = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                public = [
                    f.name
                    for f in node.body
                    if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                    and not f.name.startswith("_")
                ]
                if len(public) > MAX_PUBLIC_METHODS:
                    big[f"{name}.{node.name}"] = len(public)
    assert big == {}


def test_the_package_imports_cleanly_in_a_fresh_interpreter() -> None:
    modules = sorted(m for m in MODULES if m != "digest.__main__")
    code = f"import importlib\nfor m in {modules!r}:\n    importlib.import_module(m)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in tests/helpers.py (and fixtures in conftest.py)."""
    tests = Path(__file__).resolve().parent
    crossing = []
    for path in sorted(tests.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                last = node.module.rpartition(".")[2]
                if node.module.startswith("tests.") and (
                    last.startswith("test_") or last == "conftest"
                ):
                    crossing.append(f"{path.name}: {node.module}")
    assert crossing == []
