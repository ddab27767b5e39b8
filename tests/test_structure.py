"""The shape of web/: imports run one way and modules stay small (issue #11).

Read from the source with `ast`, never by importing it: an import inside a function that
dodges a cycle is found as surely as the cycle itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"
MAX_LINES = 300
# The app factory imports every feature inside create_app, as flaskr's does: it is the one
# place that knows them all.
APP_FACTORY = "web"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(WEB.rglob("*.py")):
        relative = path.relative_to(WEB.parent)
        if "migrations" in relative.parts:
            continue  # Alembic's scripts, run by Alembic
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def _package(module: str) -> str:
    """The feature package a module belongs to (`web` for the shared modules at the top)."""
    parts = module.split(".")
    if len(parts) > 1 and "." .join(parts[:2]) in PACKAGES:
        return ".".join(parts[:2])
    return "web"


def _resolve(module: str, imported: str, names: list[str], level: int) -> list[str]:
    """The web modules an import statement in `module` loads."""
    if level:
        base = module.split(".")
        if MODULES[module].name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - level + 1]
        imported = ".".join(base + ([imported] if imported else []))
    if not imported.startswith("web"):
        return []
    targets = [f"{imported}.{name}" for name in names if f"{imported}.{name}" in MODULES]
    if len(targets) < len(names) or not names:
        while imported and imported not in MODULES:
            imported = imported.rpartition(".")[0]
        if imported:
            targets.append(imported)
    return targets


def _imports(node: ast.AST, module: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [t for alias in node.names for t in _resolve(module, alias.name, [], 0)]
    if isinstance(node, ast.ImportFrom):
        names = [alias.name for alias in node.names]
        return _resolve(module, node.module or "", names, node.level)
    return []


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(body: list[ast.stmt], module: str) -> set[str]:
    found: set[str] = set()
    for node in body:
        if isinstance(node, ast.If) and not _is_type_checking(node):
            found |= _top_level_imports(node.body + node.orelse, module)
        elif isinstance(node, ast.Try):
            found |= _top_level_imports(node.body + node.finalbody, module)
        else:
            found.update(_imports(node, module))
    return found


def _function_imports(tree: ast.Module, module: str) -> list[tuple[int, str]]:
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                found.extend((node.lineno, target) for target in _imports(node, module))
    return found


TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}
# Every import counts: one inside a function, to dodge a cycle, is still that cycle.
GRAPH = {
    name: (_top_level_imports(tree.body, name) | {t for _, t in _function_imports(tree, name)})
    - {name}
    for name, tree in TREES.items()
}


def test_no_function_imports_another_feature_package():
    found = []
    for module, tree in TREES.items():
        if module == APP_FACTORY:
            continue
        own = _package(module)
        for line, target in _function_imports(tree, module):
            if _package(target) != own and _package(target) != "web":
                found.append(f"{MODULES[module].relative_to(WEB.parent)}:{line} imports {target}")
    assert found == [], "\n".join(found)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_import_cycle_between_packages():
    # A package's __init__ and its own modules may lean on each other (a shared blueprint);
    # a cycle that leaves the package may not.
    spanning = [c for c in _cycles(GRAPH) if len({_package(m) for m in c}) > 1]
    assert spanning == [], "\n".join(" ".join(c) for c in spanning)


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_module_is_over_300_lines():
    long = {
        str(path.relative_to(WEB.parent))
        for path in MODULES.values()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }
    assert long == set()
