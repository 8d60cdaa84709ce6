"""The connector, user and token routes: contract, scopes, and bad input that changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import table_snapshot


def post(client: Any, path: str, headers: dict[str, str], body: Any) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.http.post(path, headers=headers, body=raw)


def test_health_needs_no_token(client: Any) -> None:
    answer = client.http.get("/api/health")
    assert answer.status_code == 200 and answer.json_body == {"status": "ok", "storage": "ok"}


@pytest.mark.parametrize("authorization", [None, "Bearer nonsense", "Bearer qbb_0000_wrong", "Basic abc"])
def test_api_needs_a_valid_token(client: Any, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    assert client.http.get("/api/connectors", headers=headers).status_code in {401, 403}


def test_revoked_token_stops_working(client: Any, admin_headers: dict[str, str]) -> None:
    issued = post(client, "/api/tokens", admin_headers, {"scope": "source", "label": "PSA"}).json_body
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert "secret_hash" not in issued
    listed = client.http.get("/api/tokens", headers=admin_headers).json_body["tokens"]
    assert {t["label"] for t in listed} >= {"PSA"} and all("secret_hash" not in t for t in listed)
    assert client.http.get("/api/connectors", headers=headers).status_code == 200
    assert client.http.delete(f"/api/tokens/{issued['id']}", headers=admin_headers).status_code == 200
    from chalicelib.api import dependencies

    # A warm process trusts a verified token for up to a minute; a new one (or a minute later) refuses it.
    dependencies.get_token_verifier.cache_clear()
    assert client.http.get("/api/connectors", headers=headers).status_code in {401, 403}


def test_source_token_reads_connectors_but_changes_nothing(
    client: Any, source_headers: dict[str, str], admin_headers: dict[str, str], table: Any
) -> None:
    connector = post(client, "/api/connectors", admin_headers, {"name": "Main"}).json_body
    assert client.http.get("/api/connectors", headers=source_headers).status_code == 200
    before = table_snapshot(table)
    for method, path, body in [
        ("POST", "/api/connectors", {"name": "X"}),
        ("PATCH", f"/api/connectors/{connector['id']}", {"name": "X"}),
        ("POST", f"/api/connectors/{connector['id']}/users", {"username": "x"}),
        ("POST", "/api/tokens", {"scope": "admin"}),
    ]:
        answer = client.http.request(
            method=method, path=path, headers=source_headers, body=json.dumps(body).encode()
        )
        assert answer.status_code == 403, (method, path)
        assert answer.json_body["error"]["code"] == "insufficient_scope"
    assert client.http.get("/api/tokens", headers=source_headers).status_code == 403
    assert table_snapshot(table) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "A", "surprise": 1}, "surprise"),
        ({"name": "A", "run_every_minutes": "often"}, "run_every_minutes"),
        ({"name": "A", "run_every_minutes": 0}, "run_every_minutes"),
        ({"name": "A", "transfers": {"invoices": "maybe"}}, "transfers.invoices"),
        ({"name": "A", "notify_emails": ["not-an-address"]}, "notify_emails.0"),
        ({"name": "A", "accounts": {"other_income": ""}}, "accounts.other_income"),
        (b"{not json", "(body)"),
        ([1, 2], "(body)"),
    ],
)
def test_invalid_connector_body_is_422_naming_the_field_and_stores_nothing(
    client: Any, admin_headers: dict[str, str], table: Any, body: Any, field: str
) -> None:
    before = table_snapshot(table)
    answer = post(client, "/api/connectors", admin_headers, body)
    assert answer.status_code == 422
    error = answer.json_body["error"]
    assert error["code"] == "validation_failed"
    assert field in [d["field"] for d in error["details"]]
    assert table_snapshot(table) == before


def test_oversize_json_body_is_413(client: Any, admin_headers: dict[str, str], table: Any) -> None:
    before = table_snapshot(table)
    answer = post(client, "/api/connectors", admin_headers, {"name": "A", "company_file": "x" * 1_100_000})
    assert answer.status_code == 413
    assert answer.json_body["error"]["code"] == "payload_too_large"
    assert table_snapshot(table) == before


def test_connectors_are_never_deleted_and_the_default_never_changes(
    client: Any, admin_headers: dict[str, str]
) -> None:
    first = post(client, "/api/connectors", admin_headers, {"name": "First"}).json_body
    second = post(client, "/api/connectors", admin_headers, {"name": "Second"}).json_body
    assert first["is_default"] and not second["is_default"]
    deleted = client.http.delete(f"/api/connectors/{first['id']}", headers=admin_headers)
    assert deleted.status_code == 409 and deleted.json_body["error"]["code"] == "connectors_cannot_be_deleted"
    patched = client.http.patch(
        f"/api/connectors/{second['id']}",
        headers=admin_headers,
        body=json.dumps({"is_default": True}).encode(),
    )
    assert patched.status_code == 409 and patched.json_body["error"]["code"] == "default_cannot_change"
    renamed = client.http.patch(
        f"/api/connectors/{second['id']}", headers=admin_headers, body=json.dumps({"name": "Branch"}).encode()
    )
    assert (
        renamed.status_code == 200
        and renamed.json_body["name"] == "Branch"
        and not renamed.json_body["is_default"]
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/connectors/nope"),
        ("PATCH", "/api/connectors/nope"),
        ("GET", "/api/connectors/nope/conversations"),
        ("GET", "/api/connectors/nope/users"),
        ("POST", "/api/connectors/nope/users"),
        ("GET", "/api/connectors/nope/users/x/qwc"),
        ("POST", "/api/connectors/nope/refresh-lists"),
        ("GET", "/api/conversations/nope/transcript"),
        ("GET", "/api/connectors/nope/qb-lists/customers"),
        ("DELETE", "/api/tokens/nope"),
    ],
)
def test_unknown_ids_are_404(
    client: Any, admin_headers: dict[str, str], table: Any, method: str, path: str
) -> None:
    before = table_snapshot(table)
    body = {"username": "x"} if path.endswith("/users") else {"name": "x"}
    answer = client.http.request(
        method=method, path=path, headers=admin_headers, body=json.dumps(body).encode()
    )
    assert answer.status_code == 404, answer.body
    assert answer.json_body["error"]["code"].endswith("not_found")
    assert table_snapshot(table) == before


def test_users_password_is_shown_once_and_qwc_has_no_password(
    client: Any, admin_headers: dict[str, str]
) -> None:
    connector = post(
        client, "/api/connectors", admin_headers, {"name": "Main & Co", "run_every_minutes": 15}
    ).json_body
    created = post(
        client, f"/api/connectors/{connector['id']}/users", admin_headers, {"username": "office-pc"}
    )
    assert created.status_code == 201
    password = created.json_body["password"]
    assert len(password) >= 20
    taken = post(client, f"/api/connectors/{connector['id']}/users", admin_headers, {"username": "OFFICE-pc"})
    assert taken.status_code == 409 and taken.json_body["error"]["code"] == "username_taken"
    users = client.http.get(f"/api/connectors/{connector['id']}/users", headers=admin_headers).json_body[
        "users"
    ]
    assert "password" not in json.dumps(users) and "hash" not in json.dumps(users)
    qwc = client.http.get(f"/api/connectors/{connector['id']}/users/office-pc/qwc", headers=admin_headers)
    assert qwc.status_code == 200
    assert qwc.headers["Content-Type"] == "application/xml"
    assert "attachment" in qwc.headers["Content-Disposition"]
    text = qwc.body.decode()
    assert password not in text
    from simulators.qbwc import parse_qwc

    parsed = parse_qwc(text)
    assert parsed.app_url == "http://localhost:8000/qbwc"
    assert parsed.app_name == "qbwc-bridge - Main & Co (office-pc)"
    assert parsed.user_name == "office-pc" and parsed.qb_type == "QBFS" and parsed.run_every_minutes == 15
    assert parsed.file_id == connector["file_id"]
    again = parse_qwc(
        client.http.get(f"/api/connectors/{connector['id']}/users/office-pc/qwc", headers=admin_headers).body
    )
    assert again.owner_id == parsed.owner_id  # stable per installation
    renewed = post(client, f"/api/connectors/{connector['id']}/users/office-pc/password", admin_headers, {})
    assert renewed.status_code == 200 and renewed.json_body["password"] != password


def test_invalid_user_names_are_422(client: Any, admin_headers: dict[str, str]) -> None:
    connector = post(client, "/api/connectors", admin_headers, {"name": "Main"}).json_body
    for name in ["", "has space", "x" * 65, "<script>"]:
        answer = post(client, f"/api/connectors/{connector['id']}/users", admin_headers, {"username": name})
        assert answer.status_code == 422 and answer.json_body["error"]["details"][0]["field"] == "username"


def test_qwc_refuses_a_plain_http_public_url(
    client: Any, admin_headers: dict[str, str], monkeypatch: Any
) -> None:
    from chalicelib.settings import get_settings

    connector = post(client, "/api/connectors", admin_headers, {"name": "Main"}).json_body
    post(client, f"/api/connectors/{connector['id']}/users", admin_headers, {"username": "pc"})
    monkeypatch.setenv("PUBLIC_URL", "http://example.com")
    get_settings.cache_clear()
    answer = client.http.get(f"/api/connectors/{connector['id']}/users/pc/qwc", headers=admin_headers)
    assert answer.status_code == 409 and answer.json_body["error"]["code"] == "public_url_not_usable"
    assert "https" in answer.json_body["error"]["message"]


def test_unknown_qb_list_is_404(client: Any, admin_headers: dict[str, str]) -> None:
    connector = post(client, "/api/connectors", admin_headers, {"name": "Main"}).json_body
    answer = client.http.get(f"/api/connectors/{connector['id']}/qb-lists/spells", headers=admin_headers)
    assert answer.status_code == 404 and answer.json_body["error"]["code"] == "unknown_list"
    empty = client.http.get(f"/api/connectors/{connector['id']}/qb-lists/items", headers=admin_headers)
    assert empty.json_body == {"read_at": None, "entries": []}


@pytest.mark.parametrize(
    "body", [{"name": None}, {"active": None}, {"accounts": None}, {"transfers": {"invoices": None}}]
)
def test_patch_with_null_is_422_and_changes_nothing(
    client: Any, admin_headers: dict[str, str], table: Any, body: dict[str, Any]
) -> None:
    connector = post(client, "/api/connectors", admin_headers, {"name": "Main", "active": False}).json_body
    before = table_snapshot(table)
    answer = client.http.patch(
        f"/api/connectors/{connector['id']}", headers=admin_headers, body=json.dumps(body).encode()
    )
    assert answer.status_code == 422
    assert table_snapshot(table) == before
    assert (
        client.http.get(f"/api/connectors/{connector['id']}", headers=admin_headers).json_body["active"]
        is False
    )


def test_confirming_a_company_file_with_nothing_pending_is_refused(
    client: Any, admin_headers: dict[str, str]
) -> None:
    connector = post(client, "/api/connectors", admin_headers, {"name": "Main"}).json_body
    answer = client.http.patch(
        f"/api/connectors/{connector['id']}",
        headers=admin_headers,
        body=json.dumps({"confirm_company_file_location": True}).encode(),
    )
    assert (
        answer.status_code == 422 and answer.json_body["error"]["code"] == "no_pending_company_file_location"
    )
