"""Transfers and the customer links of organizations (the organization id -> QuickBooks ListID)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.clock import parse_iso
from chalicelib.domain.transfer import PENDING_STATUSES, CustomerLink, Transfer
from chalicelib.errors import ConcurrentUpdate, NotFound
from chalicelib.store.dynamodb import (
    batch_get,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
    is_conditional_failure,
    plain,
    strip_keys,
)
from chalicelib.store.wire import FlatItem, WireTable

_INDEX_KEYS = ("GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK")


def _key(transfer_id: str) -> dict[str, str]:
    return {"PK": f"TRANSFER#{transfer_id}", "SK": "TRANSFER"}


def queue_partition(connector_id: str, kind: str) -> str:
    """The work index of one kind on one connector: its pending transfers, oldest first."""
    return f"QUEUE#{connector_id}#{kind}"


def sync_partition(connector_id: str, kind: str) -> str:
    """The transferred documents of one kind a sync follows (paid dates), by last change."""
    return f"SYNC#{connector_id}#{kind}"


# The attributes a transfer item keeps beside ``data``: what expressions name (the list's filters, ``replace``'s
# condition). Everything else travels in ``data`` as one JSON text: exact decimals, no float conversion, and
# one attribute to (de)serialize instead of one per field, list entry and history entry (which made a
# thousand transfers cost a callback most of its CPU in boto3's conversions).
_TOP_LEVEL = ("connector_id", "kind", "status", "updated_at")
PACKED = "data"


def _item(transfer: Transfer) -> FlatItem:
    item: FlatItem = {
        **_key(transfer.id),
        "GSI2PK": "TRANSFERS",
        "GSI2SK": f"{transfer.enqueued_at}#{transfer.id}",
        **{name: str(getattr(transfer, name)) for name in _TOP_LEVEL},
        PACKED: transfer.model_dump_json(exclude_none=True),
    }
    if transfer.status in PENDING_STATUSES:
        item["GSI1PK"] = queue_partition(transfer.connector_id, transfer.kind)
        item["GSI1SK"] = f"{transfer.enqueued_at}#{transfer.id}"
    elif transfer.followed and transfer.status == "transferred":
        # Paid ones stay followed too: a removed payment turns an invoice unpaid again.
        item["GSI1PK"] = sync_partition(transfer.connector_id, transfer.kind)
        item["GSI1SK"] = f"{transfer.updated_at}#{transfer.id}"
    return item


def is_packed(item: dict[str, Any]) -> bool:
    """Whether a stored transfer item has this version's shape (earlier ones kept each field apart)."""
    return PACKED in item


def _transfer(item: dict[str, Any]) -> Transfer:
    if is_packed(item):
        return Transfer.model_validate_json(str(item[PACKED]))
    # An item written before transfers were packed: every field an attribute, the document as JSON text.
    raw = plain(item)
    data = strip_keys(raw)
    if "version" in raw:  # the document's version (the store's own items use the name for locking)
        data["version"] = raw["version"]
    for key in _INDEX_KEYS:
        data.pop(key, None)
    data["document"] = json.loads(data["document"])
    return Transfer.model_validate(data)


@dataclass(frozen=True)
class TransferPage:
    transfers: list[Transfer]
    next_cursor: str | None


class TransferRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._wire = WireTable(table)  # transfers are read and written by the hundred: no conversion layer

    def create(self, transfer: Transfer) -> bool:
        """Store a new transfer; False (nothing written) if one with the same id exists."""
        try:
            self._table.put_item(Item=_item(transfer), ConditionExpression="attribute_not_exists(PK)")
        except Exception as exc:
            if is_conditional_failure(exc):
                return False
            raise
        return True

    def find(self, transfer_id: str) -> Transfer | None:
        if not transfer_id or len(transfer_id) > 100:
            return None
        item = self._table.get_item(Key=_key(transfer_id), ConsistentRead=True).get("Item")
        return None if item is None else _transfer(item)

    def get(self, transfer_id: str) -> Transfer:
        transfer = self.find(transfer_id)
        if transfer is None:
            raise NotFound(f"no transfer with id {transfer_id[:100]!r}", code="transfer_not_found")
        return transfer

    def get_many(self, transfer_ids: Iterable[str]) -> dict[str, Transfer]:
        """The transfers with these ids (strongly consistent; 100 per request)."""
        keys: list[FlatItem] = [{**_key(i)} for i in dict.fromkeys(transfer_ids)]
        found: dict[str, Transfer] = {}
        earlier: list[dict[str, str]] = []
        for raw in self._wire.get_many(keys, attributes=("PK", PACKED)):
            if is_packed(raw):
                transfer = _transfer(raw)
                found[transfer.id] = transfer
            else:  # stored in the earlier shape: read whole
                earlier.append({"PK": str(raw["PK"]), "SK": "TRANSFER"})
        for raw in batch_get(self._table, earlier):
            transfer = _transfer(raw)
            found[transfer.id] = transfer
        return found

    def replace(self, transfer: Transfer, *, expected_status: str, expected_updated_at: str) -> None:
        """Write ``transfer`` if the stored one is unchanged since it was read (status and time)."""
        try:
            self._table.put_item(
                Item=_item(transfer),
                ConditionExpression="#s = :status AND updated_at = :updated",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":status": expected_status, ":updated": expected_updated_at},
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                raise ConcurrentUpdate("the transfer changed meanwhile; read it again") from exc
            raise

    def put_version(self, transfer_id: str, version: int, document: dict[str, Any], *, at: str) -> None:
        """Keep the body of ``version`` (one item per version, beside the transfer): what a cancelled update
        goes back to, and every version the history names."""
        self._table.put_item(
            Item={
                "PK": f"TRANSFER#{transfer_id}",
                "SK": f"VERSION#{version:06d}",
                "at": at,
                "document": json.dumps(document, separators=(",", ":")),
            }
        )

    def get_version(self, transfer_id: str, version: int) -> dict[str, Any] | None:
        """The body of ``version`` of a transfer, if it was kept."""
        found = self._table.get_item(
            Key={"PK": f"TRANSFER#{transfer_id}", "SK": f"VERSION#{version:06d}"}, ConsistentRead=True
        ).get("Item")
        return None if found is None else dict(json.loads(found["document"]))

    def save_many(self, transfers: Iterable[Transfer]) -> None:
        """Write transfers in batches of 25 (one request each). Only a conversation holding the connector's lock
        calls this, so there is no other writer of these transfers' conversation-owned states.

        A transfer whose history gains its first entry of a conversation is also listed under that
        conversation (one small item, in the same batches), so ``for_conversation`` finds it.
        """
        items: list[FlatItem] = []
        for transfer in transfers:
            items.append(_item(transfer))
            link = _conversation_link(transfer)
            if link is not None:
                items.append(link)
        self._wire.put_many(items)

    def for_conversation(
        self, conversation_id: str, *, limit: int, cursor: str | None = None
    ) -> TransferPage:
        """The transfers a conversation touched (its history entries name it), a page at a time."""
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {":pk": f"CONVERSATION#{conversation_id}", ":prefix": "TRANSFER#"},
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = _decode_link_cursor(cursor, conversation_id)
        page = self._table.query(**kwargs)
        ids = [str(item["transfer_id"]) for item in page.get("Items", [])]
        found = self.get_many(ids)
        last = page.get("LastEvaluatedKey")
        next_cursor = encode_cursor({"PK": last["PK"], "SK": last["SK"]}) if last else None
        return TransferPage([found[i] for i in ids if i in found], next_cursor)

    def pending(self, connector_id: str, kind: str, *, limit: int) -> list[Transfer]:
        """Up to ``limit`` transfers of ``kind`` the connector's next conversation acts on, oldest first."""
        return self._index(queue_partition(connector_id, kind), limit=limit)

    def followed(self, connector_id: str, kind: str, *, since: str, limit: int) -> list[Transfer]:
        """Transferred documents of ``kind`` a sync follows, changed since ``since``, oldest change first."""
        return self._index(sync_partition(connector_id, kind), limit=limit, since=since)

    def pending_ids(self, connector_id: str, kind: str, *, limit: int) -> list[str]:
        """The ids of ``pending``, in the same order: what a conversation then reads by id (consistently)."""
        items = self._index_items(queue_partition(connector_id, kind), limit=limit, keys_only=True)
        return [str(item["PK"]).removeprefix("TRANSFER#") for item in items]

    def has_pending(self, connector_id: str, kind: str) -> bool:
        return bool(self._index_items(queue_partition(connector_id, kind), limit=1, keys_only=True))

    def has_followed(self, connector_id: str, kind: str) -> bool:
        return bool(self._index_items(sync_partition(connector_id, kind), limit=1, keys_only=True))

    def _index(self, partition: str, *, limit: int, since: str | None = None) -> list[Transfer]:
        return [_transfer(i) for i in self._index_items(partition, limit=limit, since=since)]

    def _index_items(
        self, partition: str, *, limit: int, since: str | None = None, keys_only: bool = False
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk" + (" AND GSI1SK >= :since" if since else ""),
            "ExpressionAttributeValues": {":pk": partition, **({":since": since} if since else {})},
            "Limit": limit,
        }
        if keys_only:
            kwargs["ProjectionExpression"] = "PK"
        items: list[dict[str, Any]] = []
        while len(items) < limit:
            page = self._table.query(**kwargs)
            items.extend(page.get("Items", []))
            if not page.get("LastEvaluatedKey"):
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            kwargs["Limit"] = limit - len(items)
        return items[:limit]

    def list(
        self,
        *,
        connector_id: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> TransferPage:
        """Transfers newest first, filtered, one page at a time (``cursor`` from the previous page)."""
        filters: list[str] = []
        names: dict[str, str] = {}
        values: dict[str, Any] = {":pk": "TRANSFERS"}
        for field_name, value in (("connector_id", connector_id), ("kind", kind), ("status", status)):
            if value is not None:
                names[f"#{field_name}"] = field_name
                values[f":{field_name}"] = value
                filters.append(f"#{field_name} = :{field_name}")
        kwargs: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if filters:
            kwargs["FilterExpression"] = " AND ".join(filters)
            kwargs["ExpressionAttributeNames"] = names
        if cursor:
            kwargs["ExclusiveStartKey"] = _decode_cursor(cursor)
        found: list[dict[str, Any]] = []
        # A filter may leave a page short: keep reading until the page is full or the index ends.
        while True:
            page = self._table.query(**kwargs)
            found.extend(page.get("Items", []))
            last = page.get("LastEvaluatedKey")
            if not last or len(found) >= limit:
                break
            kwargs["ExclusiveStartKey"] = last
        transfers = [_transfer(i) for i in found[:limit]]
        next_cursor = None
        if len(found) > limit or last:
            tail = found[min(limit, len(found)) - 1] if found else None
            if tail is not None:
                next_cursor = encode_cursor({k: tail[k] for k in ("PK", "SK", "GSI2PK", "GSI2SK")})
        return TransferPage(transfers, next_cursor)


# A conversation's list of the transfers it touched is kept as long as transcripts are (90 days).
CONVERSATION_LINK_SECONDS = 90 * 86400


def _conversation_link(transfer: Transfer) -> FlatItem | None:
    """The item listing ``transfer`` under the conversation of its newest history entry, when that entry is
    the first of that conversation (later entries of the same conversation need no second write)."""
    history = transfer.history
    newest = history[-1].conversation if history else None
    if newest is None or (len(history) > 1 and history[-2].conversation == newest):
        return None
    return {
        "PK": f"CONVERSATION#{newest}",
        "SK": f"TRANSFER#{transfer.id}",
        "transfer_id": transfer.id,
        "ttl": int(parse_iso(history[-1].at).timestamp()) + CONVERSATION_LINK_SECONDS,
    }


def _decode_link_cursor(cursor: str, conversation_id: str) -> dict[str, Any]:
    key = decode_cursor(cursor)
    if (
        not isinstance(key, dict)
        or set(key) != {"PK", "SK"}
        or key["PK"] != f"CONVERSATION#{conversation_id}"
        or not isinstance(key["SK"], str)
        or not key["SK"].startswith("TRANSFER#")
        or len(key["SK"]) > 200
    ):
        raise invalid_cursor()
    return key


def _decode_cursor(cursor: str) -> dict[str, Any]:
    key = decode_cursor(cursor)
    # Only the shape this API gives out reaches DynamoDB: a well-formed but crafted key (other types, another
    # partition, values over the key size limit) would otherwise fail there as a 500.
    if (
        not isinstance(key, dict)
        or set(key) != {"PK", "SK", "GSI2PK", "GSI2SK"}
        or not all(isinstance(v, str) and 0 < len(v) <= 200 for v in key.values())
        or key["GSI2PK"] != "TRANSFERS"
        or key["SK"] != "TRANSFER"
        or not key["PK"].startswith("TRANSFER#")
    ):
        raise invalid_cursor()
    return key


class ListLinkRepository:
    """Which QuickBooks list object a source object became, per connector: an organization's customer, a vendor
    or resource's vendor (a rename in the source never makes a second one). ``kind`` names the list."""

    def __init__(self, table: Any, kind: str) -> None:
        self._table = table
        self._prefix = f"{kind}#"

    def get_many(self, connector_id: str, source_ids: Iterable[str]) -> dict[str, CustomerLink]:
        keys = [
            {"PK": f"CONNECTOR#{connector_id}", "SK": f"{self._prefix}{source}"}
            for source in dict.fromkeys(source_ids)
        ]
        links = (plain(raw) for raw in batch_get(self._table, keys))
        return {
            item["org_id"]: CustomerLink(
                item["org_id"], item["list_id"], item["full_name"], item.get("currency")
            )
            for item in links
        }

    def put_many(self, connector_id: str, links: Iterable[CustomerLink]) -> None:
        with self._table.batch_writer() as batch:
            for link in links:
                batch.put_item(
                    Item={
                        "PK": f"CONNECTOR#{connector_id}",
                        "SK": f"{self._prefix}{link.org_id}",
                        "org_id": link.org_id,
                        "list_id": link.list_id,
                        "full_name": link.full_name,
                        **({"currency": link.currency} if link.currency else {}),
                    }
                )
