"""The inventory repository against moto (ten thousand parts against dynalite): pages, complete reads, parts
that vanish, paging, exact decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.clock import epoch, parse_iso
from chalicelib.domain.inventory import InventoryLevel
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.store import Store
from chalicelib.store.dynamodb import encode_cursor, query_all
from chalicelib.store.inventory import INVENTORY_RETENTION
from tests.conftest import table_snapshot

READ_AT = "2026-11-20T09:00:00.000000Z"
LATER = "2026-11-21T09:00:00.000000Z"


def _level(n: int, quantity: str = "1", cost: str | None = "2.5") -> InventoryLevel:
    return InventoryLevel(
        list_id=f"8000{n:04d}-1", full_name=f"Part {n:05d}", quantity_on_hand=Decimal(quantity),
        average_cost=None if cost is None else Decimal(cost),
    )  # fmt: skip


def _all(store: Store, connector_id: str = "c1", limit: int = 100) -> list[InventoryLevel]:
    items: list[InventoryLevel] = []
    cursor = None
    while True:
        page = store.inventory.current(connector_id, limit=limit, cursor=cursor)
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            return items


def _rows(table: Any, connector_id: str = "c1") -> list[dict[str, Any]]:
    return query_all(
        table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues={":pk": f"CONNECTOR#{connector_id}", ":prefix": "INVENTORY#"},
    )


def test_nothing_read_yet(store: Store) -> None:
    page = store.inventory.current("c1", limit=10, cursor=None)
    assert (page.read_at, page.count, page.items, page.next_cursor) == (None, 0, [], None)


def test_pages_are_shown_once_the_read_completes_in_name_order(store: Store, table: Any) -> None:
    levels = [
        InventoryLevel("L3", "cable~Cat6", Decimal("12.5"), Decimal("3.14159")),
        InventoryLevel("L1", "Switch 24p", Decimal("-2"), None),
        InventoryLevel("L2", "Cisco~Router", Decimal("0"), Decimal("1234.56789")),
    ]
    store.inventory.put_page("c1", "r1", levels[:2], read_at=READ_AT)
    store.inventory.put_page("c1", "r1", levels[2:], read_at=READ_AT)
    assert store.inventory.current("c1", limit=10, cursor=None).items == []  # not complete yet
    store.inventory.complete("c1", "r1", read_at=READ_AT, count=3)
    page = store.inventory.current("c1", limit=10, cursor=None)
    assert page.read_at == READ_AT and page.count == 3 and page.next_cursor is None
    # Full-name order, case-insensitive; every decimal exactly as given.
    assert page.items == [levels[0], levels[2], levels[1]]
    stored = {row["list_id"]: row for row in table.scan()["Items"] if row.get("list_id")}
    assert stored["L2"]["average_cost"] == Decimal("1234.56789") and "average_cost" not in stored["L1"]
    assert all(isinstance(row["quantity_on_hand"], Decimal) for row in stored.values())
    expires = epoch(parse_iso(READ_AT) + INVENTORY_RETENTION)
    assert {row["ttl"] for row in stored.values()} == {expires}
    assert store.inventory.current("other", limit=10, cursor=None).read_at is None  # per connector


def test_a_second_read_hides_parts_missing_from_it_and_the_first_stays_shown_meanwhile(store: Store) -> None:
    store.inventory.put_page("c1", "r1", [_level(1), _level(2), _level(3)], read_at=READ_AT)
    store.inventory.complete("c1", "r1", read_at=READ_AT, count=3)
    store.inventory.put_page("c1", "r2", [_level(1, "7"), _level(3, "9")], read_at=LATER)
    # A read in progress never changes what is shown.
    assert [i.quantity_on_hand for i in _all(store)] == [1, 1, 1]
    store.inventory.complete("c1", "r2", read_at=LATER, count=2)
    page = store.inventory.current("c1", limit=10, cursor=None)
    assert page.read_at == LATER and page.count == 2
    assert [(i.full_name, i.quantity_on_hand) for i in page.items] == [
        ("Part 00001", Decimal(7)),
        ("Part 00003", Decimal(9)),
    ]
    # A third read writes the first read's slot: part 2 never comes back.
    store.inventory.put_page("c1", "r3", [_level(1, "8")], read_at=LATER)
    store.inventory.complete("c1", "r3", read_at=LATER, count=1)
    assert [(i.full_name, i.quantity_on_hand) for i in _all(store)] == [("Part 00001", Decimal(8))]


def test_complete_again_and_late_pages_keep_the_reads_slot(store: Store) -> None:
    store.inventory.put_page("c1", "r1", [_level(1)], read_at=READ_AT)
    store.inventory.complete("c1", "r1", read_at=READ_AT, count=1)
    store.inventory.complete("c1", "r1", read_at=READ_AT, count=2)  # a retried complete
    store.inventory.put_page("c1", "r1", [_level(2)], read_at=READ_AT)
    assert [i.full_name for i in _all(store)] == ["Part 00001", "Part 00002"]


def test_an_empty_read_completes_empty(store: Store) -> None:
    store.inventory.put_page("c1", "r1", [_level(1)], read_at=READ_AT)
    store.inventory.complete("c1", "r1", read_at=READ_AT, count=1)
    store.inventory.put_page("c1", "r2", [], read_at=LATER)
    store.inventory.complete("c1", "r2", read_at=LATER, count=0)
    page = store.inventory.current("c1", limit=10, cursor=None)
    assert (page.read_at, page.count, page.items) == (LATER, 0, [])


def test_paging_with_the_cursor(store: Store) -> None:
    store.inventory.put_page("c1", "r1", [_level(n) for n in range(7, 0, -1)], read_at=READ_AT)
    store.inventory.complete("c1", "r1", read_at=READ_AT, count=7)
    first = store.inventory.current("c1", limit=3, cursor=None)
    assert [i.list_id for i in first.items] == ["80000001-1", "80000002-1", "80000003-1"]
    assert first.next_cursor
    second = store.inventory.current("c1", limit=3, cursor=first.next_cursor)
    third = store.inventory.current("c1", limit=3, cursor=second.next_cursor)
    assert [i.list_id[-3] for i in second.items + third.items] == ["4", "5", "6", "7"]
    assert third.next_cursor is None
    # A full last page ends without a cursor to an empty one.
    assert store.inventory.current("c1", limit=7, cursor=None).next_cursor is None


def test_a_cursor_of_an_older_read_is_refused(store: Store) -> None:
    store.inventory.put_page("c1", "r1", [_level(1), _level(2)], read_at=READ_AT)
    store.inventory.complete("c1", "r1", read_at=READ_AT, count=2)
    cursor = store.inventory.current("c1", limit=1, cursor=None).next_cursor
    assert cursor
    store.inventory.put_page("c1", "r2", [_level(1), _level(2)], read_at=LATER)
    store.inventory.complete("c1", "r2", read_at=LATER, count=2)
    with pytest.raises(Conflict) as refused:
        store.inventory.current("c1", limit=1, cursor=cursor)
    assert refused.value.code == "inventory_read_again"


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "bm90IGpzb24",  # "not json"
        encode_cursor({"PK": "CONNECTOR#c1"}),
        encode_cursor(
            {"PK": "CONNECTOR#c2", "SK": "INVENTORY#A#x", "GSI1PK": "INVENTORY#c2", "GSI1SK": "r1#x"}
        ),
        encode_cursor({"PK": "CONNECTOR#c1", "SK": "MAPPING#x", "GSI1PK": "INVENTORY#c1", "GSI1SK": "r1#x"}),
        encode_cursor({"PK": "CONNECTOR#c1", "SK": "INVENTORY#A#x", "GSI1PK": "QUEUE#c1", "GSI1SK": "r1#x"}),
        encode_cursor({"PK": "CONNECTOR#c1", "SK": "INVENTORY#A#x", "GSI1PK": "INVENTORY#c1", "GSI1SK": 5}),
        encode_cursor(
            {"PK": "CONNECTOR#c1", "SK": "INVENTORY#A#x", "GSI1PK": "INVENTORY#c1", "GSI1SK": "x" * 2000}
        ),
    ],
)
def test_a_cursor_this_store_did_not_give_out_is_refused_before_any_read(
    store: Store, table: Any, cursor: str
) -> None:
    before = table_snapshot(table)
    with pytest.raises(InvalidInput) as refused:
        store.inventory.current("c1", limit=10, cursor=cursor)
    assert refused.value.code == "invalid_cursor"
    assert table_snapshot(table) == before


def test_bad_input_writes_nothing(store: Store, table: Any) -> None:
    before = table_snapshot(table)
    with pytest.raises(ValueError, match="read id"):
        store.inventory.put_page("c1", "r#1", [_level(1)], read_at=READ_AT)
    with pytest.raises(ValueError, match="not a finite number"):
        store.inventory.put_page("c1", "r1", [_level(1), _level(2, quantity="NaN")], read_at=READ_AT)
    with pytest.raises(ValueError, match="read id"):
        store.inventory.complete("c1", "", read_at=READ_AT, count=0)
    assert table_snapshot(table) == before


@pytest.mark.dynalite  # thousands of items: see the table fixture
def test_ten_thousand_parts_fit_one_item_each(store: Store, table: Any) -> None:
    for start in range(0, 10_000, 500):
        page = [_level(n, quantity=str(n)) for n in range(start, start + 500)]
        store.inventory.put_page("c1", "big", page, read_at=READ_AT)
    store.inventory.complete("c1", "big", read_at=READ_AT, count=10_000)
    rows = _rows(table)
    assert len(rows) == 10_000 and all(len(row) < 20 for row in rows)
    shown = _all(store, limit=500)
    assert len(shown) == 10_000 and shown[-1].quantity_on_hand == 9_999
    assert [i.full_name for i in shown] == sorted(i.full_name for i in shown)
