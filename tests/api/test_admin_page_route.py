"""The admin page routes, in-process on an app of their own: content types, security headers, no auth, and
only the known static files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.app import Chalice
from chalice.test import Client

from chalicelib.api.admin_page import STATIC_FILES, admin_page_blueprint


@pytest.fixture
def page_client() -> Iterator[Any]:
    app = Chalice(app_name="admin-page-test")
    app.register_blueprint(admin_page_blueprint)
    with Client(app) as client:
        yield client


def _csp(answer: Any) -> dict[str, str]:
    directives = [d.strip() for d in answer.headers["Content-Security-Policy"].split(";")]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in directives if d}


def test_page_is_html_without_a_token(page_client: Any) -> None:
    answer = page_client.http.get("/")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    body = answer.body.decode()
    assert body.startswith("<!doctype html>")
    assert 'src="static/admin.js"' in body and 'href="static/admin.css"' in body


def test_page_has_a_strict_content_security_policy(page_client: Any) -> None:
    csp = _csp(page_client.http.get("/"))
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in str(csp) and "unsafe-eval" not in str(csp)


def test_page_has_no_inline_script_or_style(page_client: Any) -> None:
    body = page_client.http.get("/").body.decode()
    assert "<script>" not in body and "<style" not in body and "style=" not in body
    assert " onclick=" not in body and " onsubmit=" not in body


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("admin.css", "text/css; charset=utf-8"), ("admin.js", "text/javascript; charset=utf-8")],
)
def test_static_files_have_their_content_types(page_client: Any, name: str, content_type: str) -> None:
    answer = page_client.http.get(f"/static/{name}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == content_type
    assert "max-age" in answer.headers["Cache-Control"]
    assert "Content-Security-Policy" in answer.headers
    assert len(answer.body) > 100
    assert set(STATIC_FILES) == {"admin.css", "admin.js"}


@pytest.mark.parametrize(
    "name", ["index.html", "other.js", "..%2Fadmin_page.py", "%2E%2E", "ADMIN.JS", "admin.js.map"]
)
def test_unknown_static_names_are_404(page_client: Any, name: str) -> None:
    answer = page_client.http.get(f"/static/{name}")
    assert answer.status_code == 404
    assert answer.json_body["error"]["code"] == "not_found"


def test_script_never_writes_html_from_data(page_client: Any) -> None:
    script = page_client.http.get("/static/admin.js").body.decode()
    assert not re.search(r"\.(inner|outer)HTML\b|insertAdjacentHTML|document\.write", script)
    assert "eval(" not in script and "localStorage" not in script
