"""Data stored by the version that keyed conversations by ticket is rewritten, idempotently, and keeps working."""

from __future__ import annotations

import json
import zlib
from typing import Any

from chalicelib.domain.conversation import legacy_conversation_id
from chalicelib.store import Store
from chalicelib.store.migrations import migrate_conversation_ids

TICKET = "old-ticket-handed-to-qbwc-before-the-upgrade"
NOW = "2026-11-20T09:00:00.000000Z"


def _legacy_items(table: Any) -> None:
    """What the earlier version wrote for one conversation that sent one invoice."""
    table.put_item(
        Item={
            "PK": f"TICKET#{TICKET}",
            "SK": "CONVERSATION",
            "GSI1PK": "CONNECTOR#c1",
            "GSI1SK": f"CONV#{NOW}#{TICKET}",
            "ticket": TICKET,
            "connector_id": "c1",
            "user": "pc",
            "started_at": NOW,
            "last_activity_at": NOW,
            "status": "Success",
        }
    )
    table.put_item(
        Item={
            "PK": f"TICKET#{TICKET}",
            "SK": f"MSG#{NOW}#abcd",
            "at": NOW,
            "method": "closeConnection",
            "request": zlib.compress(b"<closeConnection/>"),
            "response": zlib.compress(b"OK"),
            "ttl": 99,
        }
    )
    table.put_item(Item={"PK": f"TICKET#{TICKET}", "SK": "SESSION", "ticket": TICKET, "version": 3})
    table.put_item(Item={"PK": "CONNECTOR#c1", "SK": "LOCK", "ticket": TICKET, "expires_at": 5})
    table.put_item(
        Item={
            "PK": "TRANSFER#inv_1",
            "SK": "TRANSFER",
            "GSI2PK": "TRANSFERS",
            "GSI2SK": f"{NOW}#inv_1",
            "id": "inv_1",
            "kind": "invoices",
            "source_id": "INV-1",
            "connector_id": "c1",
            "status": "transferred",
            "attempts": 0,
            "document": json.dumps({"number": "1"}),
            "enqueued_at": NOW,
            "updated_at": NOW,
            "external_guid": "{G}",
            "history": [
                {"at": NOW, "status": "queued", "note": "enqueued"},
                {"at": NOW, "status": "in_flight", "ticket": TICKET, "note": "sent"},
                {"at": NOW, "status": "transferred", "ticket": TICKET, "note": "TxnID 1"},
            ],
        }
    )


def test_legacy_conversations_transcripts_and_histories_move_to_conversation_ids(
    store: Store, table: Any
) -> None:
    _legacy_items(table)
    conversation_id = legacy_conversation_id(TICKET)

    done = migrate_conversation_ids(table)

    assert done == {"conversations": 1, "transcript_messages": 1, "sessions": 1, "locks": 1, "transfers": 1}
    assert TICKET not in repr(table.scan()["Items"])
    [entry] = store.conversations.latest("c1")
    assert entry.id == conversation_id and store.conversations.get(conversation_id).status == "Success"
    assert [m.method for m in store.transcripts.list(conversation_id)] == ["closeConnection"]
    history = store.transfers.get("inv_1").history
    assert [h.conversation for h in history] == [None, conversation_id, conversation_id]
    assert migrate_conversation_ids(table) == {}  # idempotent


def test_before_the_migration_reads_already_show_no_ticket(store: Store, table: Any) -> None:
    _legacy_items(table)
    transfer = store.transfers.get("inv_1")
    assert TICKET not in json.dumps(transfer.public())
    assert transfer.history[-1].conversation == legacy_conversation_id(TICKET)


def test_transfers_of_the_single_work_index_move_to_their_kind(store: Store, table: Any) -> None:
    from chalicelib.store.migrations import migrate_transfer_indexes

    _legacy_items(table)  # inv_1, transferred: in the old SYNC#c1 index
    table.update_item(
        Key={"PK": "TRANSFER#inv_1", "SK": "TRANSFER"},
        UpdateExpression="SET GSI1PK = :pk, GSI1SK = :sk",
        ExpressionAttributeValues={":pk": "SYNC#c1", ":sk": f"{NOW}#inv_1"},
    )
    queued = {**table.get_item(Key={"PK": "TRANSFER#inv_1", "SK": "TRANSFER"})["Item"]}
    queued.update(PK="TRANSFER#inv_2", id="inv_2", source_id="INV-2", status="queued", GSI1PK="QUEUE#c1")
    table.put_item(Item=queued)
    assert store.transfers.pending("c1", "invoices", limit=10) == []  # not found before the migration

    done = migrate_transfer_indexes(table, {"invoices"})

    assert done == {"transfer_indexes": 2}
    assert [t.id for t in store.transfers.pending("c1", "invoices", limit=10)] == ["inv_2"]
    [followed] = store.transfers.followed("c1", "invoices", since="", limit=10)
    assert followed.id == "inv_1" and followed.followed
    assert migrate_transfer_indexes(table, {"invoices"}) == {}
