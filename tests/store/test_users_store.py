"""QBWC users in the store: disabling, enabling and deleting (conditional on the user, and on its connector)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.qbwc_user import QbwcUser
from chalicelib.errors import NotFound
from chalicelib.store import Store
from chalicelib.store.users import MAX_USERNAME_LENGTH
from tests.conftest import table_snapshot

NOW = "2026-11-20T09:00:00.000000Z"


def _user(name: str, connector_id: str = "c1") -> QbwcUser:
    return QbwcUser(username=name, connector_id=connector_id, password_hash="x", created_at=NOW)


def test_a_new_user_is_active(store: Store) -> None:
    store.users.create(_user("pc"))
    assert store.users.get("c1", "pc").active is True


def test_a_user_stored_without_active_reads_as_active(store: Store, table: Any) -> None:
    store.users.create(_user("old-pc"))
    table.update_item(Key={"PK": "QBWCUSER#old-pc", "SK": "QBWCUSER"}, UpdateExpression="REMOVE active")
    assert "active" not in table.get_item(Key={"PK": "QBWCUSER#old-pc", "SK": "QBWCUSER"})["Item"]
    assert store.users.get("c1", "old-pc").active is True


def test_set_active_disables_and_enables_keeping_the_rest(store: Store) -> None:
    store.users.create(_user("pc"))
    store.users.record_failed_attempt("pc", now=NOW)
    disabled = store.users.set_active("PC", False)  # names are case-insensitive
    assert disabled.active is False and disabled.failed_attempts == 1 and disabled.username == "pc"
    assert store.users.get("c1", "pc").active is False
    enabled = store.users.set_active("pc", True)
    assert enabled.active is True and enabled.failed_attempts == 1
    assert store.users.get("c1", "pc") == enabled


def test_set_active_on_an_unknown_user_is_not_found_and_creates_nothing(store: Store, table: Any) -> None:
    before = table_snapshot(table)
    with pytest.raises(NotFound) as raised:
        store.users.set_active("nobody", False)
    assert raised.value.code == "user_not_found"
    assert table_snapshot(table) == before


def test_set_active_through_another_connector_is_not_found(store: Store, table: Any) -> None:
    store.users.create(_user("pc", "c1"))
    before = table_snapshot(table)
    with pytest.raises(NotFound):
        store.users.set_active("pc", False, connector_id="c2")
    assert table_snapshot(table) == before
    assert store.users.set_active("pc", False, connector_id="c1").active is False


def test_delete_removes_the_user_and_frees_the_name(store: Store) -> None:
    store.users.create(_user("Office", "c1"))
    assert store.users.delete("office") is True
    assert store.users.find("office") is None
    assert store.users.list_for_connector("c1") == []
    store.users.create(_user("office", "c2"))  # the name is free at once, on any connector
    assert store.users.get("c2", "office").active is True


def test_delete_of_an_unknown_user_is_false_and_changes_nothing(store: Store, table: Any) -> None:
    store.users.create(_user("pc"))
    before = table_snapshot(table)
    assert store.users.delete("nobody") is False
    assert store.users.delete("") is False
    assert store.users.delete("x" * (MAX_USERNAME_LENGTH + 1)) is False
    assert table_snapshot(table) == before


def test_delete_through_another_connector_keeps_the_user(store: Store, table: Any) -> None:
    store.users.create(_user("pc", "c1"))
    before = table_snapshot(table)
    assert store.users.delete("pc", connector_id="c2") is False
    assert table_snapshot(table) == before
    assert store.users.delete("pc", connector_id="c1") is True
    assert store.users.delete("pc", connector_id="c1") is False


def test_delete_keeps_the_counts_of_unknown_names(store: Store, table: Any) -> None:
    """Sign-ins with a name nobody had are counted on items of their own, which outlive a deleted user."""
    store.users.record_unknown_attempt("pc", now=NOW)
    store.users.create(_user("pc"))
    assert store.users.delete("pc") is True
    remaining = {(i["PK"], i["SK"]) for i in table_snapshot(table)}
    assert ("QBWCUSER#pc", "UNKNOWN") in remaining and ("QBWCUSER#pc", "QBWCUSER") not in remaining
