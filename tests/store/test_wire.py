"""The plain-client path for flat items: what it writes is what it reads, and it refuses what it cannot carry."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.store.wire import FlatItem, WireTable, from_wire, to_wire


def test_flat_items_go_both_ways() -> None:
    item: FlatItem = {"PK": "A", "SK": "B", "count": 12, "text": "é ✓"}
    assert to_wire(item) == {"PK": {"S": "A"}, "SK": {"S": "B"}, "count": {"N": "12"}, "text": {"S": "é ✓"}}
    assert from_wire(to_wire(item)) == item


@pytest.mark.parametrize("value", [1.5, True, None, ["a"], {"a": "b"}, b"x"])
def test_what_is_not_a_string_or_whole_number_is_refused(value: Any) -> None:
    with pytest.raises(TypeError, match="value"):
        to_wire({"PK": "A", "value": value})


def test_batches_of_any_size_are_written_and_read_back(table: Any) -> None:
    wire = WireTable(table)
    items: list[FlatItem] = [{"PK": f"T#{n:03d}", "SK": "X", "n": n, "note": f"note {n}"} for n in range(130)]
    # A key named twice in one batch would be refused by DynamoDB: the later one is written.
    wire.put_many([*items[:30], {"PK": "T#000", "SK": "X", "n": 999, "note": "again"}, *items[30:]])

    names = [f"T#{n:03d}" for n in range(130)] + ["T#none"]
    keys: list[FlatItem] = [{"PK": name, "SK": "X"} for name in names]
    found = {str(i["PK"]): i for i in wire.get_many(keys)}  # T#none is not there
    assert len(found) == 130
    assert found["T#000"] == {"PK": "T#000", "SK": "X", "n": 999, "note": "again"}
    assert found["T#129"]["note"] == "note 129"
    only = list(wire.get_many(keys[:3], attributes=("PK", "note")))
    assert sorted(i["PK"] for i in only) == ["T#000", "T#001", "T#002"]
    assert all(set(i) == {"PK", "note"} for i in only)
