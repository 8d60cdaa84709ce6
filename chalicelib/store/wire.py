"""The table through a plain DynamoDB client, for the items a conversation reads and writes by the hundred.

boto3's ``Table`` converts every value both ways (a deep copy of each request, a type check of each value,
expression rewriting) before botocore serializes it: for a callback writing a thousand transfers that
conversion was most of its CPU. Transfers are stored as a few string attributes (``store.transfers``), so
this module writes DynamoDB's own attribute values directly, and only for such flat items: strings and
whole numbers (nothing that would need boto3's Decimal rules).

The client is made on first use, beside the ``Table``'s own (same session, region, endpoint and settings),
and kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

BATCH_WRITE_ITEMS = 25  # DynamoDB's limit per BatchWriteItem
BATCH_GET_KEYS = 100  # and per BatchGetItem
# Unprocessed items (throttling) are sent again after a growing pause; past this many tries it is an error.
MAX_TRIES = 8
FIRST_PAUSE_SECONDS = 0.05

FlatItem = dict[str, str | int]


def to_wire(item: FlatItem) -> dict[str, dict[str, str]]:
    """A flat item as DynamoDB attribute values (strings and whole numbers only)."""
    wire: dict[str, dict[str, str]] = {}
    for name, value in item.items():
        if isinstance(value, str):
            wire[name] = {"S": value}
        elif isinstance(value, int) and not isinstance(value, bool):
            wire[name] = {"N": str(value)}
        else:
            raise TypeError(f"{name}: only strings and whole numbers are written this way, not {type(value)}")
    return wire


def from_wire(attributes: dict[str, dict[str, Any]]) -> FlatItem:
    """A flat item from DynamoDB attribute values (what ``to_wire`` writes)."""
    item: FlatItem = {}
    for name, value in attributes.items():
        if "S" in value:
            item[name] = value["S"]
        elif "N" in value:
            item[name] = int(value["N"])
        else:
            raise TypeError(f"{name}: {sorted(value)} is not a string or a whole number")
    return item


class WireTable:
    """Batch reads and writes of flat items over a plain client (see the module docstring)."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # deferred on purpose: cold start

            from chalicelib.store.dynamodb import client_config

            beside = self._table.meta.client
            # boto3's default session (where ``boto3.resource`` made the table's client) has the service's
            # model loaded already: a client from it takes a few ms, one from a new session about 200.
            if boto3.DEFAULT_SESSION is None:
                boto3.setup_default_session()
            session = boto3.DEFAULT_SESSION
            assert session is not None
            self._client = session.client(
                "dynamodb",
                region_name=beside.meta.region_name,
                endpoint_url=beside.meta.endpoint_url,
                config=client_config(),
            )
        return self._client

    def put_many(self, items: Iterable[FlatItem]) -> None:
        """Write items, 25 per request, sending unprocessed ones again (a later duplicate key in one batch
        replaces the earlier: DynamoDB refuses a batch naming one key twice)."""
        batch: dict[tuple[str, str], dict[str, Any]] = {}
        for item in items:
            batch[(str(item["PK"]), str(item["SK"]))] = {"PutRequest": {"Item": to_wire(item)}}
            if len(batch) == BATCH_WRITE_ITEMS:
                self._write(list(batch.values()))
                batch = {}
        if batch:
            self._write(list(batch.values()))

    def _write(self, requests: list[dict[str, Any]]) -> None:
        pending = {self._table.name: requests}
        for attempt in range(MAX_TRIES):
            _pause_before(attempt)
            pending = self.client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                return
        raise RuntimeError(f"DynamoDB left items unwritten after {MAX_TRIES} tries (throttled)")

    def get_many(self, keys: list[FlatItem], *, attributes: tuple[str, ...] = ()) -> Iterator[FlatItem]:
        """The items with these keys, strongly consistent, 100 keys per request (only ``attributes`` of each
        when given), retrying unprocessed keys."""
        projection: dict[str, Any] = {}
        if attributes:
            names = {f"#a{i}": name for i, name in enumerate(attributes)}
            projection = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
        for start in range(0, len(keys), BATCH_GET_KEYS):
            chunk = [to_wire(key) for key in keys[start : start + BATCH_GET_KEYS]]
            request: dict[str, Any] = {
                self._table.name: {"Keys": chunk, "ConsistentRead": True, **projection}
            }
            for attempt in range(MAX_TRIES):
                _pause_before(attempt)
                answer = self.client.batch_get_item(RequestItems=request)
                for found in answer.get("Responses", {}).get(self._table.name, []):
                    yield from_wire(found)
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise RuntimeError(f"DynamoDB left keys unread after {MAX_TRIES} tries (throttled)")


def _pause_before(attempt: int) -> None:
    """Nothing before the first try; then a pause that doubles each time (DynamoDB throttled the last one)."""
    if attempt:
        time.sleep(FIRST_PAUSE_SECONDS * 2 ** (attempt - 1))
