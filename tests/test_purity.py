"""The engine stays a functional core: no web framework, ORM or app code in matching/."""

import ast
from pathlib import Path

import pytest

FORBIDDEN = ("flask", "sqlalchemy", "marshmallow", "web", "psycopg", "werkzeug")
ENGINE_FILES = sorted((Path(__file__).resolve().parent.parent / "matching").rglob("*.py"))


def imported_roots(source: str) -> set[str]:
    """The top-level package of every import in `source`."""
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def is_forbidden(root: str) -> bool:
    return root in FORBIDDEN or root.startswith("flask_")


def test_engine_has_modules():
    assert any(path.name == "__init__.py" for path in ENGINE_FILES)


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.name)
def test_engine_module_imports_no_web_code(path):
    forbidden = {root for root in imported_roots(path.read_text()) if is_forbidden(root)}
    assert not forbidden, f"{path.name} imports {sorted(forbidden)}"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import flask", True),
        ("from flask_login import current_user", True),
        ("from sqlalchemy.orm import Session", True),
        ("import web.models", True),
        ("from marshmallow import Schema", True),
        ("import numpy as np\nfrom scipy.optimize import linprog", False),
        ("from .text import fold", False),
    ],
)
def test_the_import_check_itself_catches_forbidden_imports(source, expected):
    assert any(is_forbidden(root) for root in imported_roots(source)) is expected


WEB_DIR = Path(__file__).resolve().parent.parent / "web"
# The bridge is where the web speaks the engine; web/reference builds the taxonomy and the
# gazetteer on the engine's text and search pieces (see the bridge's docstring).
ENGINE_SPEAKERS = ("matches/bridge.py", "reference/")


def speaks_engine(source: str) -> bool:
    """Whether `source` imports `matching` (at any depth: in a function too)."""
    return "matching" in imported_roots(source)


def test_only_the_bridge_and_the_reference_import_the_engine():
    offenders = [
        str(path.relative_to(WEB_DIR))
        for path in sorted(WEB_DIR.rglob("*.py"))
        if not str(path.relative_to(WEB_DIR)).startswith(ENGINE_SPEAKERS)
        and speaks_engine(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import matching", True),
        ("from matching.text import strip_accents", True),
        ("def f():\n    from matching import propose\n", True),
        ("from web.matches import bridge", False),
        ("from web.matching_words import x", False),
    ],
)
def test_the_boundary_check_itself_finds_engine_imports(source, expected):
    assert speaks_engine(source) is expected


def imports_inside_functions(source: str) -> list[str]:
    """Modules imported inside a function body (an import cycle being dodged)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    found.append(inner.module)
                elif isinstance(inner, ast.Import):
                    found.extend(alias.name for alias in inner.names)
    return found


UNTANGLED = sorted(
    [*(WEB_DIR / "matches").glob("*.py"), WEB_DIR / "cli.py", WEB_DIR / "demo.py"]
)


@pytest.mark.parametrize("path", UNTANGLED, ids=lambda p: str(p.relative_to(WEB_DIR)))
def test_matches_and_the_commands_import_at_the_top(path):
    assert imports_inside_functions(path.read_text()) == []


def test_the_inner_import_check_itself_finds_them():
    assert imports_inside_functions("def f():\n    from web.models import User\n") == [
        "web.models"
    ]
    assert imports_inside_functions("from web.models import User\n") == []
