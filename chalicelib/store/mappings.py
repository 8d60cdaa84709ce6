"""Mapping sets, naming conventions and the organization -> connector routes.

- A mapping set is one item per (connector, kind), its entries zlib-compressed JSON: a PUT replaces the set
  with one write, so nobody ever reads half of an old set and half of a new one.
- Naming conventions are one small item per connector; a connector that never set them gets the defaults.
- Routes are one item holding a map org id -> connector id, versioned: every change is a conditional write
  on the version it read, retried on a lost race, so two admins routing at the same moment both win.
  The enqueue path reads the routes for every document through ``routes_cached``, which keeps them in the
  process for up to 10 seconds: a re-route takes effect for documents enqueued at most 10 s later.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.mapping import NamingConventions
from chalicelib.errors import ConcurrentUpdate, Conflict, PayloadTooLarge
from chalicelib.store.dynamodb import is_conditional_failure, plain

# The compressed entries stay well below DynamoDB's 400 KB item limit; realistic sets of 5,000 entries
# compress to a fraction of this, only deliberately incompressible text can reach it.
MAX_COMPRESSED_ENTRIES_BYTES = 350_000
# Org ids are at most 100 characters and connector ids 32, so this many routes fit one item with room.
MAX_ROUTES = 2500
ROUTE_WRITE_ATTEMPTS = 5
ROUTES_MAX_AGE_SECONDS = 10.0

_ROUTES_KEY = {"PK": "META", "SK": "ORG_ROUTES"}


def _pk(connector_id: str) -> str:
    return f"CONNECTOR#{connector_id}"


@dataclass(frozen=True)
class StoredMappingSet:
    """A connector's mapping set of one kind, as last PUT."""

    kind: str
    entries: list[dict[str, Any]]
    updated_at: str


class MappingRepository:
    """Mapping sets, naming conventions and organization routes over the one table.

    ``monotonic`` is the clock of the routes cache (tests pass their own).
    """

    def __init__(self, table: Any, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._table = table
        self._monotonic = monotonic
        self._routes: dict[str, str] | None = None
        self._routes_read_at = 0.0

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

    # --- organization routes ----------------------------------------------------------------------------

    def routes(self) -> dict[str, str]:
        """Every route (org id -> connector id), read now; organizations not in it go to the default."""
        routes, _ = self._read_routes()
        return routes

    def routes_cached(self, max_age_seconds: float = ROUTES_MAX_AGE_SECONDS) -> dict[str, str]:
        """The routes as this repository read them less than ``max_age_seconds`` ago (a copy; 0 reads now)."""
        return dict(self._fresh_enough(max_age_seconds))

    def connector_for(self, org_id: str, default_connector_id: str) -> str:
        """Where a document of ``org_id`` goes: its route (cached, see above) or the default connector."""
        return self._fresh_enough(ROUTES_MAX_AGE_SECONDS).get(org_id, default_connector_id)

    def route(self, org_id: str, connector_id: str, *, now: str) -> None:
        """Send ``org_id``'s documents to ``connector_id`` from now on."""

        def change(routes: dict[str, str]) -> bool:
            if routes.get(org_id) == connector_id:
                return False
            if org_id not in routes and len(routes) >= MAX_ROUTES:
                raise Conflict(
                    f"at most {MAX_ROUTES:,} organizations can be routed to a non-default connector",
                    code="too_many_routes",
                )
            routes[org_id] = connector_id
            return True

        self._change_routes(change, now=now)

    def unroute(self, org_id: str, *, now: str) -> bool:
        """Send ``org_id``'s documents to the default connector again; False if it was not routed."""
        removed = False

        def change(routes: dict[str, str]) -> bool:
            nonlocal removed
            removed = routes.pop(org_id, None) is not None
            return removed

        self._change_routes(change, now=now)
        return removed

    def _read_routes(self) -> tuple[dict[str, str], int]:
        """The routes and their version (0: the item does not exist yet)."""
        item = self._table.get_item(Key=_ROUTES_KEY, ConsistentRead=True).get("Item")
        if item is None:
            routes: dict[str, str] = {}
            version = 0
        else:
            item = plain(item)
            routes = {str(k): str(v) for k, v in item.get("routes", {}).items()}
            version = int(item["version"])
        self._remember(routes)
        return dict(routes), version

    def _change_routes(self, change: Callable[[dict[str, str]], bool], *, now: str) -> None:
        """Apply ``change`` to freshly read routes and write them back unless another write came first.

        ``change`` edits the map in place and says whether there is anything to write; after a lost race it
        runs again on what the winner wrote, so neither change is lost.
        """
        for _ in range(ROUTE_WRITE_ATTEMPTS):
            routes, version = self._read_routes()
            if not change(routes):
                return
            if version == 0:
                condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
            else:
                condition = {
                    "ConditionExpression": "version = :read",
                    "ExpressionAttributeValues": {":read": version},
                }
            try:
                self._table.put_item(
                    Item={**_ROUTES_KEY, "routes": routes, "version": version + 1, "updated_at": now},
                    **condition,
                )
            except Exception as exc:
                if is_conditional_failure(exc):
                    continue
                raise
            self._remember(routes)
            return
        raise ConcurrentUpdate(
            "the organization routes kept changing while this change was written; try again"
        )

    def _remember(self, routes: dict[str, str]) -> None:
        self._routes = dict(routes)
        self._routes_read_at = self._monotonic()

    def _fresh_enough(self, max_age_seconds: float) -> dict[str, str]:
        if self._routes is None or self._monotonic() - self._routes_read_at >= max_age_seconds:
            self.routes()
        assert self._routes is not None  # routes() has just remembered them
        return self._routes
