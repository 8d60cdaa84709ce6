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
from chalicelib.store.transfers import TransferRepository, _transfer, is_packed

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


# ``organization_routes``: every organization route used to live in one item (META / ORG_ROUTES, a map org id
# -> connector id capped at 2,500 entries); now each route is an item of its own (``chalicelib.store.routes``).
# Until this runs, reads fall back to the old item, so nothing is misrouted in between.

ROUTE_MIGRATION_ATTEMPTS = 5


def migrate_organization_routes(table: Any) -> Counter[str]:
    """Move each route of the old single routes item to an item of its own, then delete the old item.

    A route an admin set since the upgrade (an item of its own written by this version) is newer than the old
    item and is kept (``organization_routes_kept``). Each moved item carries ``migrated_from`` (the old
    item's version) until an admin changes it: a route removed from the old item while this runs (an
    admin's DELETE removes it there too) is then removed again instead of coming back. The old item is
    deleted only if it did not change meanwhile; otherwise the pass runs again on what it holds now.
    Idempotent: once the old item is gone there is nothing left to do. Returns counts of what was done.
    """
    # Imported here so that this section stands apart from the migrations above it.
    from chalicelib.store.dynamodb import is_conditional_failure
    from chalicelib.store.routes import (
        LEGACY_ROUTES_KEY,
        MAX_SOURCE_ID_LENGTH,
        legacy_routes,
        route_item,
        route_key,
    )

    def counts(*, deleted: bool) -> Counter[str]:
        done: Counter[str] = Counter()
        done["organization_routes"] += len(moved)
        done["organization_routes_kept"] += len(kept - set(moved))
        done["old_route_items"] += int(deleted)
        return +done  # only what happened

    def unless_condition_fails(write: Any, **kwargs: Any) -> bool:
        try:
            write(**kwargs)
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise
            return False
        return True

    moved: dict[str, str] = {}
    kept: set[str] = set()
    for _ in range(ROUTE_MIGRATION_ATTEMPTS):
        raw = table.get_item(Key=LEGACY_ROUTES_KEY, ConsistentRead=True).get("Item")
        if raw is None:  # nothing to move (or another run just finished)
            return counts(deleted=False)
        old = plain(raw)
        version = old.get("version", 0)
        routes = legacy_routes(old)
        updated_at = str(old.get("updated_at") or "")
        for org_id, connector_id in routes.items():
            if moved.get(org_id) == connector_id or not 0 < len(org_id) <= MAX_SOURCE_ID_LENGTH:
                continue
            item = {
                **route_item("organization", org_id, connector_id, now=updated_at),
                "migrated_from": version,
            }
            # Never over a route this version wrote; over one an earlier pass moved, yes.
            if unless_condition_fails(
                table.put_item,
                Item=item,
                ConditionExpression="attribute_not_exists(PK) OR attribute_exists(migrated_from)",
            ):
                moved[org_id] = connector_id
            else:
                kept.add(org_id)
        for org_id in [o for o in moved if o not in routes]:  # removed from the old item meanwhile
            unless_condition_fails(
                table.delete_item,
                Key=route_key("organization", org_id),
                ConditionExpression="attribute_exists(migrated_from)",
            )
            del moved[org_id]
        if unless_condition_fails(
            table.delete_item,
            Key=LEGACY_ROUTES_KEY,
            ConditionExpression="attribute_not_exists(version) OR version = :read",
            ExpressionAttributeValues={":read": version},
        ):
            return counts(deleted=True)
        # The old item changed while its routes were copied: copy again from what it holds now.
    raise ConcurrentUpdate("the old organization routes kept changing while they were moved; run it again")


def migrate_transfer_indexes(table: Any, followed_kinds: set[str]) -> Counter[str]:
    """Move transfers stored before kinds had work indexes of their own (``QUEUE#<connector>``,
    ``SYNC#<connector>``) to their kind's (``QUEUE#<connector>#<kind>``) and record whether a sync follows
    them (``followed_kinds``: the kinds whose sync reads something back). Until this runs, such transfers are
    not found by conversations (they wait; nothing is lost or sent twice).
    """
    done: Counter[str] = Counter()
    transfers = TransferRepository(table)
    for raw in _scan(table):
        if raw.get("SK") != "TRANSFER" or is_packed(raw) or ("followed" in raw and not _legacy_index(raw)):
            continue  # written by a version that had the kinds' indexes
        transfer = _transfer(raw)
        if "followed" not in raw:
            transfer.followed = transfer.kind in followed_kinds
        try:
            transfers.replace(
                transfer, expected_status=transfer.status, expected_updated_at=transfer.updated_at
            )
        except ConcurrentUpdate:
            done["transfers_busy"] += 1
            continue
        done["transfer_indexes"] += 1
    return done


def _legacy_index(raw: dict[str, Any]) -> bool:
    partition = str(raw.get("GSI1PK") or "")
    return partition.startswith(("QUEUE#", "SYNC#")) and partition.count("#") == 1
