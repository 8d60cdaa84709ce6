"""QuickBooks' on-hand quantities of the default connector's inventory parts, as the last complete read saw them.

A conversation reads every inventory part page by page (``put_page``) and then says the read is whole
(``complete``); only then does it become what ``current`` shows.

Keys (PK ``CONNECTOR#<id>``):

| item                  | SK                                | GSI1PK                 | GSI1SK                                  |
|-----------------------|-----------------------------------|------------------------|-----------------------------------------|
| current read (meta)   | ``INVENTORY``                     |                        |                                         |
| one part of one slot  | ``INVENTORY#<slot>#<ListID>``     | ``INVENTORY#<id>``     | ``<read_id>#<full name, lower>#<ListID>``|

- One item per inventory part and slot. Reads alternate between two slots (``A``, ``B``): a read in progress
  writes the slot the current read does not use, so while a conversation reads, the page keeps showing the
  whole previous read instead of a shrinking one (at most two items per part, whatever the number of reads).
- The current read's parts, in full-name order (case-insensitive): query GSI1 ``INVENTORY#<id>`` /
  ``begins_with <read_id>#``, a page at a time. A part QuickBooks no longer has keeps its older ``read_id``,
  so it is never shown, and its ``ttl`` (30 days after the read that wrote it) lets DynamoDB drop it.
- Quantities and costs are DynamoDB numbers (exact decimals), never floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from chalicelib.clock import epoch, parse_iso
from chalicelib.domain.inventory import InventoryLevel
from chalicelib.errors import Conflict
from chalicelib.store.dynamodb import decode_cursor, encode_cursor, invalid_cursor

# Rows of a part QuickBooks stopped reporting go away on their own this long after the read that wrote them.
INVENTORY_RETENTION = timedelta(days=30)
SLOTS = ("A", "B")
META_SK = "INVENTORY"
ROW_PREFIX = "INVENTORY#"
# The name only orders the index; clipped so a long one never nears DynamoDB's 1,024-byte sort key limit.
SORT_NAME_BYTES = 400
_CURSOR_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


@dataclass(frozen=True)
class InventorySnapshot:
    """One page of the current read: when it was read, how many parts it had, and the parts of this page."""

    read_at: str | None
    count: int
    items: list[InventoryLevel]
    next_cursor: str | None


def _pk(connector_id: str) -> str:
    return f"CONNECTOR#{connector_id}"


def _index_pk(connector_id: str) -> str:
    return f"INVENTORY#{connector_id}"


def _expiry(read_at: str) -> int:
    return epoch(parse_iso(read_at) + INVENTORY_RETENTION)


def _sort_name(full_name: str) -> str:
    return full_name.lower().encode("utf-8")[:SORT_NAME_BYTES].decode("utf-8", errors="ignore")


def _check_read_id(read_id: str) -> None:
    # "#" ends the read's prefix in the index: a read id holding one could show another read's rows.
    if not read_id or "#" in read_id:
        raise ValueError(f"a read id is non-empty and has no '#': {read_id!r}")


def _check_decimal(value: Decimal, what: str) -> None:
    # DynamoDB stores no NaN or infinity; refusing them before any write keeps a page all or nothing.
    if not value.is_finite():
        raise ValueError(f"{what} is not a finite number: {value}")


class InventoryRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def put_page(
        self, connector_id: str, read_id: str, levels: Sequence[InventoryLevel], *, read_at: str
    ) -> None:
        """Store one page of the read ``read_id`` (one item per part, 25 per request); not shown until
        ``complete``."""
        _check_read_id(read_id)
        for level in levels:
            _check_decimal(level.quantity_on_hand, f"the quantity on hand of {level.list_id}")
            if level.average_cost is not None:
                _check_decimal(level.average_cost, f"the average cost of {level.list_id}")
        if not levels:
            return
        slot = self._slot_for(connector_id, read_id)
        expires = _expiry(read_at)
        # A part twice in one page (QuickBooks repeats none, but a retried page could) is written once.
        with self._table.batch_writer(overwrite_by_pkeys=["PK", "SK"]) as batch:
            for level in levels:
                item: dict[str, Any] = {
                    "PK": _pk(connector_id),
                    "SK": f"{ROW_PREFIX}{slot}#{level.list_id}",
                    "GSI1PK": _index_pk(connector_id),
                    "GSI1SK": f"{read_id}#{_sort_name(level.full_name)}#{level.list_id}",
                    "read_id": read_id,
                    "list_id": level.list_id,
                    "full_name": level.full_name,
                    "quantity_on_hand": level.quantity_on_hand,
                    "ttl": expires,
                }
                if level.average_cost is not None:
                    item["average_cost"] = level.average_cost
                batch.put_item(Item=item)

    def complete(self, connector_id: str, read_id: str, *, read_at: str, count: int) -> None:
        """Make ``read_id`` the read ``current`` shows (``count`` parts, read at ``read_at``)."""
        _check_read_id(read_id)
        self._table.put_item(
            Item={
                "PK": _pk(connector_id),
                "SK": META_SK,
                "read_id": read_id,
                "read_at": read_at,
                "count": count,
                "slot": self._slot_for(connector_id, read_id),
                # Goes when its rows go: a snapshot is whole or absent.
                "ttl": _expiry(read_at),
            }
        )

    def current(self, connector_id: str, *, limit: int, cursor: str | None) -> InventorySnapshot:
        """Up to ``limit`` parts of the current read in full-name order (case-insensitive), from ``cursor``.

        An unknown cursor is a 422 before anything is read; a cursor of a read that is no longer current
        is a 409 (start again without one).
        """
        start = _decode(cursor, connector_id) if cursor else None
        meta = self._meta(connector_id)
        if meta is None:
            return InventorySnapshot(read_at=None, count=0, items=[], next_cursor=None)
        prefix = f"{meta['read_id']}#"
        if start is not None and not start["GSI1SK"].startswith(prefix):
            raise Conflict(
                "QuickBooks' inventory was read again since this cursor was given out; start again without it",
                code="inventory_read_again",
            )
        kwargs: dict[str, Any] = {
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND begins_with(GSI1SK, :prefix)",
            "ExpressionAttributeValues": {":pk": _index_pk(connector_id), ":prefix": prefix},
            # One more than asked: a full last page then ends without a cursor to an empty one.
            "Limit": limit + 1,
        }
        if start is not None:
            kwargs["ExclusiveStartKey"] = start
        page = self._table.query(**kwargs)
        found: list[dict[str, Any]] = page.get("Items", [])
        rows = found[:limit]
        # More follow when the extra part came back, or when DynamoDB cut the page at 1 MB.
        more = len(found) > limit or bool(page.get("LastEvaluatedKey"))
        next_key = {key: rows[-1][key] for key in _CURSOR_KEYS} if more and rows else None
        return InventorySnapshot(
            read_at=str(meta["read_at"]),
            count=int(meta["count"]),
            items=[_level(row) for row in rows],
            next_cursor=encode_cursor(next_key) if next_key else None,
        )

    def _meta(self, connector_id: str) -> dict[str, Any] | None:
        # Consistent: a conversation decides its slot from what it (or the one before) wrote moments ago.
        item: dict[str, Any] | None = self._table.get_item(
            Key={"PK": _pk(connector_id), "SK": META_SK}, ConsistentRead=True
        ).get("Item")
        return item

    def _slot_for(self, connector_id: str, read_id: str) -> str:
        """The slot ``read_id`` writes: the current read's own, else the one the current read does not use.

        Only the conversation holding the connector's lock reads inventory, so the answer cannot change
        between its pages and its ``complete``.
        """
        meta = self._meta(connector_id)
        if meta is None:
            return SLOTS[0]
        if meta["read_id"] == read_id:
            return str(meta["slot"])
        return SLOTS[1] if meta["slot"] == SLOTS[0] else SLOTS[0]


def _level(row: dict[str, Any]) -> InventoryLevel:
    # boto3 hands DynamoDB numbers back as exact Decimals.
    cost = row.get("average_cost")
    return InventoryLevel(
        list_id=str(row["list_id"]),
        full_name=str(row["full_name"]),
        quantity_on_hand=Decimal(row["quantity_on_hand"]),
        average_cost=None if cost is None else Decimal(cost),
    )


def _decode(cursor: str, connector_id: str) -> dict[str, Any]:
    """The key of a cursor ``current`` gave out for this connector; 422 for anything else."""
    key = decode_cursor(cursor)
    if (
        not isinstance(key, dict)
        or set(key) != _CURSOR_KEYS
        or not all(isinstance(v, str) and 0 < len(v) <= 1000 for v in key.values())
        or key["PK"] != _pk(connector_id)
        or key["GSI1PK"] != _index_pk(connector_id)
        or not any(key["SK"].startswith(f"{ROW_PREFIX}{slot}#") for slot in SLOTS)
        or "#" not in key["GSI1SK"]
    ):
        raise invalid_cursor()
    return key
