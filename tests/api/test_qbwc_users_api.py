"""Disabling, enabling and deleting QBWC users: the contract, scopes, and refusals that change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Admin, table_snapshot


def users_path(connector_id: str, username: str = "") -> str:
    return f"/api/connectors/{connector_id}/users" + (f"/{username}" if username else "")


def listed(admin: Admin, connector_id: str) -> dict[str, dict[str, Any]]:
    users = admin.call("GET", users_path(connector_id), expect=200).json_body["users"]
    return {u["username"]: u for u in users}


@pytest.fixture
def two_connectors(admin: Admin) -> tuple[str, str]:
    """Connector ids: ``main`` with the user ``office-pc``, ``other`` with ``other-pc``."""
    main = admin.connector()["id"]
    other = admin.connector(name="Other")["id"]
    admin.call("POST", users_path(main), {"username": "office-pc"}, 201)
    admin.call("POST", users_path(other), {"username": "other-pc"}, 201)
    return main, other


def test_a_new_user_is_active(admin: Admin, two_connectors: tuple[str, str]) -> None:
    main, _ = two_connectors
    assert listed(admin, main)["office-pc"]["active"] is True


def test_disable_and_enable_answer_the_public_view(admin: Admin, two_connectors: tuple[str, str]) -> None:
    main, _ = two_connectors
    disabled = admin.call("PATCH", users_path(main, "office-pc"), {"active": False}, 200).json_body
    assert disabled["username"] == "office-pc" and disabled["active"] is False
    assert disabled["connector_id"] == main
    assert "password_hash" not in disabled and "password" not in disabled
    assert listed(admin, main)["office-pc"]["active"] is False
    # Disabling again is no error: the answer says how it is.
    again = admin.call("PATCH", users_path(main, "office-pc"), {"active": False}, 200).json_body
    assert again["active"] is False
    enabled = admin.call("PATCH", users_path(main, "OFFICE-PC"), {"active": True}, 200).json_body
    assert enabled["active"] is True and enabled["username"] == "office-pc"
    assert listed(admin, main)["office-pc"]["active"] is True


def test_a_disabled_user_keeps_its_qwc_download_and_password(
    admin: Admin, two_connectors: tuple[str, str], store: Any
) -> None:
    """Disabling changes nothing but ``active``: enabling again restores the same user, password and all."""
    main, _ = two_connectors
    before = store.users.get(main, "office-pc")
    admin.call("PATCH", users_path(main, "office-pc"), {"active": False}, 200)
    admin.call("GET", users_path(main, "office-pc") + "/qwc", expect=200)
    admin.call("PATCH", users_path(main, "office-pc"), {"active": True}, 200)
    assert store.users.get(main, "office-pc") == before


def test_delete_removes_the_user_and_the_name_is_free_at_once(
    admin: Admin, two_connectors: tuple[str, str]
) -> None:
    main, other = two_connectors
    answer = admin.call("DELETE", users_path(main, "Office-PC"), expect=200).json_body
    assert answer == {"username": "office-pc", "deleted": True}
    assert "office-pc" not in listed(admin, main)
    admin.call("GET", users_path(main, "office-pc") + "/qwc", expect=404)
    admin.call("DELETE", users_path(main, "office-pc"), expect=404)
    # The name may be used again at once, on this connector or another, and the new user is active.
    again = admin.call("POST", users_path(other), {"username": "office-pc"}, 201).json_body
    assert again["connector_id"] == other and again["active"] is True and again["password"]
    assert set(listed(admin, other)) == {"office-pc", "other-pc"}


def test_a_deleted_and_recreated_user_has_a_new_password(
    admin: Admin, two_connectors: tuple[str, str], store: Any
) -> None:
    main, _ = two_connectors
    old_hash = store.users.get(main, "office-pc").password_hash
    admin.call("PATCH", users_path(main, "office-pc"), {"active": False}, 200)
    admin.call("DELETE", users_path(main, "office-pc"), expect=200)
    admin.call("POST", users_path(main), {"username": "office-pc"}, 201)
    recreated = store.users.get(main, "office-pc")
    assert recreated.active is True and recreated.password_hash != old_hash


@pytest.mark.parametrize(
    ("method", "body"), [("PATCH", {"active": False}), ("PATCH", {"active": True}), ("DELETE", None)]
)
def test_another_connectors_user_is_404_and_unchanged(
    admin: Admin, two_connectors: tuple[str, str], table: Any, method: str, body: Any
) -> None:
    main, other = two_connectors
    before = table_snapshot(table)
    answer = admin.call(method, users_path(main, "other-pc"), body, 404)
    assert answer.json_body["error"]["code"] == "user_not_found"
    assert table_snapshot(table) == before
    assert listed(admin, other)["other-pc"]["active"] is True


@pytest.mark.parametrize("username", ["nobody", "x" * 65, "x" * 1000, "has%20space"])
@pytest.mark.parametrize(("method", "body"), [("PATCH", {"active": False}), ("DELETE", None)])
def test_unknown_user_is_404_and_changes_nothing(
    admin: Admin, two_connectors: tuple[str, str], table: Any, method: str, body: Any, username: str
) -> None:
    main, _ = two_connectors
    before = table_snapshot(table)
    answer = admin.call(method, users_path(main, username), body, 404)
    assert answer.json_body["error"]["code"] == "user_not_found"
    assert table_snapshot(table) == before


@pytest.mark.parametrize(("method", "body"), [("PATCH", {"active": False}), ("DELETE", None)])
def test_unknown_connector_is_404(admin: Admin, table: Any, method: str, body: Any) -> None:
    before = table_snapshot(table)
    answer = admin.call(method, users_path("nope", "office-pc"), body, 404)
    assert answer.json_body["error"]["code"].endswith("not_found")
    assert table_snapshot(table) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "active"),
        ({"active": None}, "active"),
        ({"active": "false"}, "active"),
        ({"active": 0}, "active"),
        ({"active": False, "scope": "sales"}, "scope"),
        ({"active": False, "username": "renamed"}, "username"),
        ([], "(body)"),
        ("false", "(body)"),
    ],
)
def test_bad_patch_bodies_are_422_and_change_nothing(
    admin: Admin, two_connectors: tuple[str, str], table: Any, body: Any, field: str
) -> None:
    main, _ = two_connectors
    before = table_snapshot(table)
    answer = admin.call("PATCH", users_path(main, "office-pc"), body, 422)
    error = answer.json_body["error"]
    assert error["code"] == "validation_failed"
    assert field in [d["field"] for d in error["details"]], error
    assert table_snapshot(table) == before


def test_patch_without_a_body_or_with_broken_json_is_422(
    admin: Admin, two_connectors: tuple[str, str], table: Any
) -> None:
    main, _ = two_connectors
    before = table_snapshot(table)
    path = users_path(main, "office-pc")
    empty = admin.client.http.request(method="PATCH", path=path, headers=admin.headers, body=b"")
    assert empty.status_code == 422 and empty.json_body["error"]["code"] == "body_required"
    broken = admin.client.http.request(method="PATCH", path=path, headers=admin.headers, body=b'{"active":')
    assert broken.status_code == 422 and broken.json_body["error"]["code"] == "validation_failed"
    assert table_snapshot(table) == before


@pytest.mark.parametrize(("method", "body"), [("PATCH", {"active": False}), ("DELETE", None)])
def test_a_source_token_gets_403_and_changes_nothing(
    admin: Admin,
    two_connectors: tuple[str, str],
    client: Any,
    source_headers: dict[str, str],
    table: Any,
    method: str,
    body: Any,
) -> None:
    main, _ = two_connectors
    before = table_snapshot(table)
    answer = client.http.request(
        method=method,
        path=users_path(main, "office-pc"),
        headers=source_headers,
        body=json.dumps(body).encode() if body is not None else b"",
    )
    assert answer.status_code == 403
    assert answer.json_body["error"]["code"] == "insufficient_scope"
    assert table_snapshot(table) == before


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_no_token_is_refused(client: Any, two_connectors: tuple[str, str], table: Any, method: str) -> None:
    main, _ = two_connectors
    before = table_snapshot(table)
    answer = client.http.request(
        method=method, path=users_path(main, "office-pc"), headers={}, body=b'{"active": false}'
    )
    assert answer.status_code in {401, 403}
    assert table_snapshot(table) == before
