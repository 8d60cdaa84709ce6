"""Cold start: ``import app`` registers the routes and loads nothing a route can import for itself.

A new Lambda container imports ``app.py`` before its first answer, and whichever route it answers first then
imports what that route uses. Each test runs fresh interpreters, as a new container is.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def loaded_by_import_app() -> set[str]:
    """The modules a fresh interpreter holds after ``import app``."""
    return set(json.loads(_run("import app, json, sys\nprint(json.dumps(sorted(sys.modules)))")))


@pytest.mark.parametrize("module", ["boto3", "botocore"])
def test_import_app_does_not_import_boto3(loaded_by_import_app: set[str], module: str) -> None:
    """boto3 comes with the first request that needs the store (it is about half of a cold start)."""
    assert module not in loaded_by_import_app


def test_import_app_builds_no_pydantic_model(loaded_by_import_app: set[str]) -> None:
    """Every model class needs ``pydantic.main``; building them is for the routes that validate with them."""
    assert "pydantic.main" not in loaded_by_import_app


def _lazy_imports() -> list[str]:
    """Every module imported inside a function of ``app.py`` or ``chalicelib/api`` (the routes' own imports)."""
    found: set[str] = set()
    for path in [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "chalicelib" / "api").glob("*.py"))]:
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module)
                elif isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
    return sorted(found)


def test_the_routes_import_lazily() -> None:
    """The list below is not empty by accident: the routes' imports are where the test expects them."""
    assert {"chalicelib.qbwc.endpoint", "chalicelib.store", "chalicelib.api.openapi"} <= set(_lazy_imports())


@pytest.mark.parametrize("module", _lazy_imports())
def test_each_route_import_works_as_the_first_after_import_app(module: str) -> None:
    """Whichever route a container answers first, what it imports loads: no import cycle depends on the
    order in which ``import app`` used to import everything."""
    _run(f"import app\nimport {module}")
