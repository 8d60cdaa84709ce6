"""The QuickBooks lists read by the last conversation, for mapping pickers.

A list is written page by page under a *generation* (the ticket of the conversation reading it) and becomes
visible only when the head item is switched to that generation; readers never see half a list, and a
conversation that dies mid-pull leaves the previous list in place.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from chalicelib.store.dynamodb import plain, query_all

# Entries per stored chunk: ~120 bytes of JSON each before compression keeps a chunk far below 400 KB.
CHUNK_ENTRIES = 1000


@dataclass(frozen=True)
class StoredQbList:
    name: str
    read_at: str
    entries: list[dict[str, Any]]


def _pk(connector_id: str) -> str:
    return f"CONNECTOR#{connector_id}"


class QbListRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def write_page(
        self, connector_id: str, list_name: str, *, generation: str, page: int, entries: list[dict[str, Any]]
    ) -> None:
        """Store one page of a list being read (not visible until ``commit``)."""
        for chunk_no, start in enumerate(range(0, max(len(entries), 1), CHUNK_ENTRIES)):
            chunk = entries[start : start + CHUNK_ENTRIES]
            self._table.put_item(
                Item={
                    "PK": _pk(connector_id),
                    "SK": f"QBLIST#{list_name}#{generation}#{page:05d}.{chunk_no:03d}",
                    "entries": zlib.compress(json.dumps(chunk, separators=(",", ":")).encode("utf-8")),
                }
            )

    def commit(self, connector_id: str, list_name: str, *, generation: str, read_at: str, count: int) -> None:
        """Make ``generation`` the visible list and delete every other generation's pages."""
        self._table.put_item(
            Item={
                "PK": _pk(connector_id),
                "SK": f"QBLIST#{list_name}",
                "generation": generation,
                "read_at": read_at,
                "count": count,
            }
        )
        stale = [
            item["SK"]
            for item in self._pages(connector_id, list_name, projection=True)
            if not str(item["SK"]).startswith(f"QBLIST#{list_name}#{generation}#")
        ]
        with self._table.batch_writer() as batch:
            for sk in stale:
                batch.delete_item(Key={"PK": _pk(connector_id), "SK": sk})

    def read(self, connector_id: str, list_name: str) -> StoredQbList | None:
        """The committed list, or None if no conversation has read it yet."""
        # Consistent reads: a conversation reads back lists it committed moments ago.
        head = self._table.get_item(
            Key={"PK": _pk(connector_id), "SK": f"QBLIST#{list_name}"}, ConsistentRead=True
        ).get("Item")
        if head is None:
            return None
        prefix = f"QBLIST#{list_name}#{head['generation']}#"
        entries: list[dict[str, Any]] = []
        for item in query_all(
            self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": _pk(connector_id), ":prefix": prefix},
            ConsistentRead=True,
        ):
            entries.extend(json.loads(zlib.decompress(item["entries"])))
        return StoredQbList(name=list_name, read_at=str(head["read_at"]), entries=entries)

    def _pages(self, connector_id: str, list_name: str, *, projection: bool) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {":pk": _pk(connector_id), ":prefix": f"QBLIST#{list_name}#"},
        }
        if projection:
            kwargs["ProjectionExpression"] = "SK"
        return [plain(i) for i in query_all(self._table, **kwargs)]


class CommittedQbLists:
    """The committed lists of one connector, each read at most once (one callback, or one API call)."""

    def __init__(self, repository: QbListRepository, connector_id: str) -> None:
        self._repository = repository
        self._connector_id = connector_id
        self._cache: dict[str, list[dict[str, Any]] | None] = {}

    def entries(self, list_name: str) -> list[dict[str, Any]] | None:
        if list_name not in self._cache:
            stored = self._repository.read(self._connector_id, list_name)
            self._cache[list_name] = None if stored is None else stored.entries
        return self._cache[list_name]
