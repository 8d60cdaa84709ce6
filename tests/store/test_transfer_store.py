"""Transfers are stored packed (one JSON attribute beside what expressions name) and read in either shape."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.transfer import HistoryEntry, Transfer, TransferError
from chalicelib.store import Store
from chalicelib.store.transfers import PACKED

NOW = "2026-11-20T09:00:00.000000Z"


def _transfer(transfer_id: str, status: str = "queued") -> Transfer:
    return Transfer(
        id=transfer_id,
        kind="invoices",
        source_id=f"SRC-{transfer_id}",
        connector_id="c1",
        status=status,  # type: ignore[arg-type]
        document={"number": transfer_id, "lines": [{"amount": "12.345", "quantity": 3}], "note": "é ✓"},
        organization_id="org-1",
        enqueued_at=NOW,
        updated_at=NOW,
        external_guid="{00000000-0000-4000-8000-000000000001}",
        qb_parts={"week-1": "T-1"},
        qb_line_ids={"line-1": "L-1"},
        error=TransferError(code="x", message="m", status_code=3100),
        warnings=["w"],
        version=3,
        history=[HistoryEntry(at=NOW, status="queued", note="enqueued", version=3)],
    )


def test_a_transfer_is_read_back_as_it_was_written(store: Store, table: Any) -> None:
    transfer = _transfer("t1")
    assert store.transfers.create(transfer)
    assert store.transfers.get("t1") == transfer
    item = table.get_item(Key={"PK": "TRANSFER#t1", "SK": "TRANSFER"})["Item"]
    # What the list filters and the optimistic replace name stays an attribute of its own; the rest is one text.
    assert {k: item[k] for k in ("connector_id", "kind", "status", "updated_at")} == {
        "connector_id": "c1",
        "kind": "invoices",
        "status": "queued",
        "updated_at": NOW,
    }
    assert json.loads(item[PACKED])["document"]["lines"][0]["amount"] == "12.345"
    assert "history" not in item and "document" not in item


def test_filters_and_indexes_work_on_packed_items(store: Store) -> None:
    store.transfers.save_many([_transfer("t1"), _transfer("t2", "transferred"), _transfer("t3", "failed")])
    assert [t.id for t in store.transfers.pending("c1", "invoices", limit=10)] == ["t1", "t3"]
    assert store.transfers.pending_ids("c1", "invoices", limit=10) == ["t1", "t3"]
    assert store.transfers.pending_ids("c1", "invoices", limit=1) == ["t1"]
    assert [t.id for t in store.transfers.list(status="transferred").transfers] == ["t2"]
    assert [t.id for t in store.transfers.list(connector_id="c2").transfers] == []


def test_an_item_of_the_earlier_shape_is_read_and_packed_when_written_again(store: Store, table: Any) -> None:
    earlier = {
        "PK": "TRANSFER#old",
        "SK": "TRANSFER",
        "GSI1PK": "QUEUE#c1#invoices",
        "GSI1SK": f"{NOW}#old",
        "GSI2PK": "TRANSFERS",
        "GSI2SK": f"{NOW}#old",
        "id": "old",
        "kind": "invoices",
        "source_id": "SRC-old",
        "connector_id": "c1",
        "status": "queued",
        "attempts": 1,
        "document": json.dumps({"number": "7"}),
        "enqueued_at": NOW,
        "updated_at": NOW,
        "external_guid": "{00000000-0000-4000-8000-000000000007}",
        "qb_line_ids": {"a": "L-1"},
        "followed": True,
        "version": 2,
        "history": [{"at": NOW, "status": "queued", "conversation": "conv-1", "note": "", "version": 2}],
    }
    table.put_item(Item=earlier)
    found = store.transfers.get("old")
    assert (found.document, found.attempts, found.version, found.qb_line_ids) == (
        {"number": "7"},
        1,
        2,
        {"a": "L-1"},
    )
    assert found.history[0].conversation == "conv-1"
    assert [t.id for t in store.transfers.pending("c1", "invoices", limit=10)] == ["old"]
    assert store.transfers.pending_ids("c1", "invoices", limit=10) == ["old"]
    store.transfers.create(_transfer("new"))
    # Read by id beside a packed one (a conversation's batch reads may meet both shapes).
    assert store.transfers.get_many(["new", "old", "missing"]) == {"new": _transfer("new"), "old": found}
    store.transfers.save_many([found])
    item = table.get_item(Key={"PK": "TRANSFER#old", "SK": "TRANSFER"})["Item"]
    assert PACKED in item and "history" not in item
    assert store.transfers.get("old") == found
