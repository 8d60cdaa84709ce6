"""Answers Chalice makes before our routes run (405, 415, an unhandled 500) use our error envelope too."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from tests.conftest import table_snapshot


def envelope(answer: Any) -> dict[str, Any]:
    """The ``error`` of an answer, after checking the answer is our JSON envelope and nothing else."""
    assert answer.headers["Content-Type"] == "application/json"
    body = json.loads(answer.body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return dict(body["error"])


@pytest.fixture
def connector_id(client: Any, admin_headers: dict[str, str]) -> str:
    answer = client.http.post("/api/connectors", headers=admin_headers, body=b'{"name": "Main"}')
    assert answer.status_code == 201, answer.body
    return str(answer.json_body["id"])


# -- 415: a body of a content type the route does not take ------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "text/xml"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/connectors", {"name": "Other"}),
        ("PATCH", "/api/connectors/{connector_id}", {"name": "Renamed"}),
        ("PUT", "/api/connectors/{connector_id}/naming-conventions", {"item": "{billing_code}"}),
        ("POST", "/api/tokens", {"scope": "source"}),
    ],
)
def test_a_json_route_given_another_content_type_is_415_in_the_envelope(
    client: Any,
    admin_headers: dict[str, str],
    connector_id: str,
    table: Any,
    content_type: str,
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    before = table_snapshot(table)
    answer = client.http.request(
        method=method,
        path=path.format(connector_id=connector_id),
        headers={**admin_headers, "Content-Type": content_type},
        body=json.dumps(body).encode(),
    )
    assert answer.status_code == 415
    error = envelope(answer)
    assert error["code"] == "unsupported_media_type"
    assert content_type in error["message"] and "application/json" in error["message"]
    assert error["details"] == []
    assert table_snapshot(table) == before


def test_json_with_a_charset_is_still_json(client: Any, admin_headers: dict[str, str]) -> None:
    headers = {**admin_headers, "Content-Type": "application/json; charset=utf-8"}
    assert client.http.post("/api/connectors", headers=headers, body=b'{"name": "Main"}').status_code == 201


def test_the_soap_endpoint_names_the_xml_types_it_takes(client: Any) -> None:
    answer = client.http.post("/qbwc", headers={"Content-Type": "application/json"}, body=b"{}")
    assert answer.status_code == 415
    error = envelope(answer)
    assert error["code"] == "unsupported_media_type"
    assert "'application/json'" in error["message"]
    assert all(t in error["message"] for t in ("text/xml", "application/soap+xml"))


# -- 405: a method the path does not have ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/tokens", {"GET", "POST"}),
        ("PATCH", "/api/tokens/0123456789abcdef", {"DELETE"}),
        ("DELETE", "/api/health", {"GET"}),
        ("DELETE", "/qbwc", {"GET", "POST"}),
    ],
)
def test_a_method_the_path_does_not_have_is_405_in_the_envelope(
    client: Any, admin_headers: dict[str, str], method: str, path: str, allowed: set[str]
) -> None:
    answer = client.http.request(method=method, path=path, headers=admin_headers, body=b"{}")
    assert answer.status_code == 405
    error = envelope(answer)
    assert error["code"] == "method_not_allowed"
    assert method in error["message"] and all(m in error["message"] for m in allowed)
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == allowed


# -- 500 from Chalice itself (a route without our api_route wrapper) ------------------------------------


def test_an_unhandled_error_outside_the_api_routes_is_a_500_in_the_envelope(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(public_url: str) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(importlib.import_module("app"), "render_wsdl", broken)
    answer = client.http.get("/qbwc?wsdl")
    assert answer.status_code == 500
    error = envelope(answer)
    assert error["code"] == "internal_error" and "boom" not in error["message"]


# -- DELETE /api/tokens/{id} with an id no token can have --------------------------------------------------


@pytest.mark.parametrize("token_id", ["a" * 3000, "0123456789abcdef", "0123456789ABCDEF", "x"])
def test_revoking_an_unknown_or_impossible_id_is_404_token_not_found(
    client: Any, admin_headers: dict[str, str], table: Any, token_id: str
) -> None:
    before = table_snapshot(table)
    answer = client.http.delete(f"/api/tokens/{token_id}", headers=admin_headers)
    assert answer.status_code == 404, answer.body
    error = envelope(answer)
    assert error["code"] == "token_not_found"
    assert len(error["message"]) < 200
    assert table_snapshot(table) == before
