"""Rewriting what older versions stored into today's shape. Each migration is idempotent: run it again and it
finds nothing left to do.

``conversation_ids`` (version 0.2): conversations used to be stored, and transcripts kept, under the QBWC
ticket, and transfer histories named the ticket. Now a conversation has a public id (derived one-way from the
old ticket, ``legacy_conversation_id``, so old transfer histories and conversations still meet), and no item
holds a ticket: sessions are found by the ticket's hash and stale ones are deleted. Reads already show no
ticket before the migration runs (the models map old fields as they load); the migration moves the keys, so
old transcripts are found by conversation id, and removes the tickets from storage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from chalicelib.domain.conversation import Conversation, legacy_conversation_id
from chalicelib.errors import ConcurrentUpdate
from chalicelib.store.conversations import ConversationRepository
from chalicelib.store.dynamodb import plain, strip_keys
from chalicelib.store.transfers import TransferRepository, _transfer

LEGACY_PREFIX = "TICKET#"


def _scan(table: Any) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        yield from page.get("Items", [])
        key = page.get("LastEvaluatedKey")
        if not key:
            return
        kwargs["ExclusiveStartKey"] = key


def migrate_conversation_ids(table: Any) -> Counter[str]:
    """Move ticket-keyed conversations and transcripts under their conversation id, drop stored tickets.

    Run it while no conversation is running (a transfer changed meanwhile is left for the next run and
    counted as ``transfers_busy``). Returns counts of what was done.
    """
    done: Counter[str] = Counter()
    conversations = ConversationRepository(table)
    transfers = TransferRepository(table)
    for raw in _scan(table):
        pk, sk = str(raw["PK"]), str(raw["SK"])
        if pk.startswith(LEGACY_PREFIX):
            ticket = pk.removeprefix(LEGACY_PREFIX)
            if sk == "CONVERSATION":
                conversations.put(Conversation.model_validate(strip_keys(plain(raw))))
                done["conversations"] += 1
            elif sk.startswith("MSG#"):
                moved = {**raw, "PK": f"CONVERSATION#{legacy_conversation_id(ticket)}"}
                table.put_item(Item=moved)
                done["transcript_messages"] += 1
            else:  # SESSION: a session of the old shape cannot be resumed; its ticket must not stay
                done["sessions"] += 1
            table.delete_item(Key={"PK": pk, "SK": sk})
        elif sk == "LOCK" and "ticket" in raw:
            # A lock of the old shape names a ticket; it expires within minutes anyway.
            table.delete_item(Key={"PK": pk, "SK": sk})
            done["locks"] += 1
        elif sk == "TRANSFER" and _names_a_ticket(raw):
            transfer = _transfer(raw)  # the model maps the old fields to conversation ids
            try:
                transfers.replace(
                    transfer, expected_status=transfer.status, expected_updated_at=transfer.updated_at
                )
            except ConcurrentUpdate:
                done["transfers_busy"] += 1
                continue
            done["transfers"] += 1
    return done


def _names_a_ticket(raw: dict[str, Any]) -> bool:
    return "in_flight_ticket" in raw or any("ticket" in entry for entry in raw.get("history") or [])
