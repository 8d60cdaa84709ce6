"""Mapping sets and naming conventions (routes are in ``chalicelib.store.routes``).

- A mapping set is one item per (connector, kind), its entries zlib-compressed JSON: a PUT replaces the set
  with one write, so nobody ever reads half of an old set and half of a new one.
- Naming conventions are one small item per connector; a connector that never set them gets the defaults.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.errors import PayloadTooLarge
from chalicelib.store.dynamodb import plain
from chalicelib.store.routes import RouteRepository

if TYPE_CHECKING:
    from chalicelib.domain.mapping import NamingConventions

# The compressed entries stay well below DynamoDB's 400 KB item limit; realistic sets of 5,000 entries
# compress to a fraction of this, only deliberately incompressible text can reach it.
MAX_COMPRESSED_ENTRIES_BYTES = 350_000


def _pk(connector_id: str) -> str:
    return f"CONNECTOR#{connector_id}"


@dataclass(frozen=True)
class StoredMappingSet:
    """A connector's mapping set of one kind, as last PUT."""

    kind: str
    entries: list[dict[str, Any]]
    updated_at: str


class MappingRepository:
    """Mapping sets and naming conventions over the one table.

    ``routes`` is the route repository ``connector_for`` asks (its own one when none is given).
    """

    def __init__(self, table: Any, *, routes: RouteRepository | None = None) -> None:
        self._table = table
        self._routes = routes if routes is not None else RouteRepository(table)

    # --- mapping sets -----------------------------------------------------------------------------------

    def read(self, connector_id: str, kind: str) -> StoredMappingSet | None:
        """The stored set with its time, or None if none was ever PUT."""
        item = self._table.get_item(
            Key={"PK": _pk(connector_id), "SK": f"MAPPING#{kind}"}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        item = plain(item)
        entries = json.loads(zlib.decompress(item["entries"]))
        return StoredMappingSet(kind=kind, entries=entries, updated_at=str(item["updated_at"]))

    def get(self, connector_id: str, kind: str) -> list[dict[str, Any]]:
        """The entries of the set (empty if none was ever PUT)."""
        stored = self.read(connector_id, kind)
        return [] if stored is None else stored.entries

    def put(self, connector_id: str, kind: str, entries: list[dict[str, Any]], *, now: str) -> None:
        """Replace the set with ``entries`` (already validated); ``PayloadTooLarge`` if it cannot be stored."""
        packed = zlib.compress(json.dumps(entries, separators=(",", ":")).encode("utf-8"), 6)
        if len(packed) > MAX_COMPRESSED_ENTRIES_BYTES:
            raise PayloadTooLarge(
                f"the {kind} mapping is too large to store ({len(packed):,} bytes compressed, at most "
                f"{MAX_COMPRESSED_ENTRIES_BYTES:,}); shorten the values or split them over fewer entries",
                code="mapping_too_large",
            )
        self._table.put_item(
            Item={
                "PK": _pk(connector_id),
                "SK": f"MAPPING#{kind}",
                "entries": packed,
                "count": len(entries),
                "updated_at": now,
            }
        )

    # --- naming conventions -----------------------------------------------------------------------------

    def get_naming(self, connector_id: str) -> NamingConventions:
        """The connector's naming conventions, or the defaults if an admin never set them."""
        from chalicelib.domain.mapping import NamingConventions  # cold start: only naming reads need it

        item = self._table.get_item(Key={"PK": _pk(connector_id), "SK": "NAMING"}, ConsistentRead=True).get(
            "Item"
        )
        if item is None:
            return NamingConventions()
        # NamingConventions refuses unknown fields (it is a request body); attributes a newer version may
        # have added are left out so this version can still read the item.
        known = {name: item[name] for name in NamingConventions.model_fields if name in item}
        return NamingConventions.model_validate(known)

    def put_naming(self, connector_id: str, conventions: NamingConventions, *, now: str) -> None:
        self._table.put_item(
            Item={"PK": _pk(connector_id), "SK": "NAMING", **conventions.model_dump(), "updated_at": now}
        )

    # --- organization routes (the routes live in ``store.routes``; this stays for old callers) ------

    def connector_for(self, org_id: str, default_connector_id: str) -> str:
        """Where a document of ``org_id`` goes: ``routes.connector_for("organization", ...)``."""
        return self._routes.connector_for("organization", org_id, default_connector_id)
