"""GET /api/connectors/{id}/inventory: shapes, the default connector only, scope, bad paging, nothing stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.inventory import InventoryLevel
from chalicelib.store import Store
from chalicelib.store.dynamodb import encode_cursor
from tests.conftest import Admin, table_snapshot

READ_AT = "2026-11-20T09:00:00.000000Z"


def _path(connector_id: str, query: str = "") -> str:
    return f"/api/connectors/{connector_id}/inventory{query}"


def _seed(store: Store, connector_id: str, count: int = 3) -> None:
    levels = [
        InventoryLevel(f"L{n}", f"Part {n}", Decimal(n) + Decimal("0.5"), Decimal("2.25") if n % 2 else None)
        for n in range(count)
    ]
    store.inventory.put_page(connector_id, "r1", levels, read_at=READ_AT)
    store.inventory.complete(connector_id, "r1", read_at=READ_AT, count=count)


def test_before_any_read(admin: Admin) -> None:
    default = admin.connector()
    answer = admin.call("GET", _path(default["id"]), expect=200).json_body
    assert answer == {"read_at": None, "count": 0, "items": [], "next_cursor": None}


def test_the_current_read_page_by_page(admin: Admin, store: Store) -> None:
    default = admin.connector()
    _seed(store, default["id"])
    first = admin.call("GET", _path(default["id"], "?limit=2"), expect=200).json_body
    assert first["read_at"] == READ_AT and first["count"] == 3
    assert first["items"] == [
        {"list_id": "L0", "full_name": "Part 0", "quantity_on_hand": 0.5, "average_cost": None},
        {"list_id": "L1", "full_name": "Part 1", "quantity_on_hand": 1.5, "average_cost": 2.25},
    ]
    assert first["next_cursor"]
    second = admin.call("GET", _path(default["id"], f"?limit=2&cursor={first['next_cursor']}"), expect=200)
    assert [i["list_id"] for i in second.json_body["items"]] == ["L2"]
    assert second.json_body["next_cursor"] is None


def test_unknown_connector_is_404(admin: Admin) -> None:
    answer = admin.call("GET", _path("nope"), expect=404).json_body
    assert answer["error"]["code"] == "connector_not_found"


def test_another_connector_is_409(admin: Admin, store: Store, table: Any) -> None:
    admin.connector()
    other = admin.connector(name="Other")
    _seed(store, other["id"])  # even stored rows are never shown through another connector
    before = table_snapshot(table)
    error = admin.call("GET", _path(other["id"]), expect=409).json_body["error"]
    assert error["code"] == "inventory_on_default_connector_only"
    assert "inventory lives only in the default connector's company file" in error["message"]
    assert table_snapshot(table) == before


def test_a_source_token_is_refused(
    client: Any, admin: Admin, source_headers: dict[str, str], table: Any
) -> None:
    default = admin.connector()
    before = table_snapshot(table)
    answer = client.http.get(_path(default["id"]), headers=source_headers)
    assert answer.status_code == 403 and answer.json_body["error"]["code"] == "insufficient_scope"
    assert table_snapshot(table) == before


def test_no_token_is_refused(client: Any, admin: Admin) -> None:
    default = admin.connector()
    assert client.http.get(_path(default["id"])).status_code in {401, 403}


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("?limit=0", "validation_failed", "limit"),
        ("?limit=501", "validation_failed", "limit"),
        ("?limit=ten", "validation_failed", "limit"),
        ("?cursor=garbage", "invalid_cursor", None),
        ("?cursor=" + encode_cursor({"PK": "CONNECTOR#x", "SK": "INVENTORY#A#1"}), "invalid_cursor", None),
        ("?page=2", "unknown_parameter", None),
    ],
)
def test_bad_paging_is_422_and_changes_nothing(
    admin: Admin, store: Store, table: Any, query: str, code: str, field: str | None
) -> None:
    default = admin.connector()
    _seed(store, default["id"])
    before = table_snapshot(table)
    error = admin.call("GET", _path(default["id"], query), expect=422).json_body["error"]
    assert error["code"] == code
    if field:
        assert error["details"] == [{"field": field}] and field in error["message"]
    assert table_snapshot(table) == before


def test_a_cursor_of_an_older_read_is_409(admin: Admin, store: Store) -> None:
    default = admin.connector()
    _seed(store, default["id"])
    cursor = admin.call("GET", _path(default["id"], "?limit=1"), expect=200).json_body["next_cursor"]
    store.inventory.put_page(default["id"], "r2", [InventoryLevel("L9", "New", Decimal(1))], read_at=READ_AT)
    store.inventory.complete(default["id"], "r2", read_at=READ_AT, count=1)
    error = admin.call("GET", _path(default["id"], f"?cursor={cursor}"), expect=409).json_body["error"]
    assert error["code"] == "inventory_read_again"
