"""Routes: which connector an organization's or a resource's documents go to (one item per route).

Invoices follow their organization, timesheets and expense reports their resource; an organization or a
resource without a route goes to the default connector. There is no limit on the number of routes.

- One item per route: PK ``ROUTE#ORG#<org id>`` or ``ROUTE#RES#<resource id>``, SK ``ROUTE``, holding
  ``connector_id`` and ``updated_at``. A change writes that one item, so changes to different ids never meet,
  and a change to an unchanged route writes nothing.
- Listing (for tools and a future admin list): GSI1 ``ROUTES#ORG`` / ``ROUTES#RES`` sorted by id
  (``GSI1SK`` = the id), read a page at a time; a prefix narrows it (``begins_with``).
- The enqueue path asks ``connector_for``: one GetItem by key, remembered per id in a bounded per-process
  cache for up to ``ROUTE_MAX_AGE_SECONDS`` (10 s). A route changed in another process therefore reaches the
  documents enqueued at most 10 s later; a change made through this repository shows here at once.
- Earlier versions kept every organization route in one item (PK ``META``, SK ``ORG_ROUTES``, a ``routes`` map
  org id -> connector id with a ``version``). Until ``make migrate`` (``migrate_organization_routes``) moves
  it, reads fall back to it for organizations that have no item of their own (an item of its own always
  wins), and removing a route removes it there too, so nothing is misrouted after an upgrade. It is read at
  most once per 10 s per process (an absent one too), and the answer it gave is never remembered longer
  than that. Nothing writes routes into it any more.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.errors import InvalidInput
from chalicelib.store.dynamodb import is_conditional_failure, plain

RouteNamespace = Literal["organization", "resource"]
ROUTE_NAMESPACES: tuple[RouteNamespace, ...] = ("organization", "resource")
_TAGS: dict[RouteNamespace, str] = {"organization": "ORG", "resource": "RES"}

ROUTE_SK = "ROUTE"
ROUTE_MAX_AGE_SECONDS = 10.0
# Ids the cache remembers per process (least recently used first out): a few hundred bytes each.
ROUTE_CACHE_SIZE = 4096
# As the API refuses longer ones; a longer id can have no route, so it is never looked up.
MAX_SOURCE_ID_LENGTH = 100
MAX_PAGE_SIZE = 1000
# The single item holding every organization route that earlier versions wrote.
LEGACY_ROUTES_KEY = {"PK": "META", "SK": "ORG_ROUTES"}


def route_key(namespace: RouteNamespace, source_id: str) -> dict[str, str]:
    """The table key of the route of ``source_id`` (an organization or resource id)."""
    return {"PK": f"ROUTE#{_TAGS[namespace]}#{source_id}", "SK": ROUTE_SK}


def route_index_partition(namespace: RouteNamespace) -> str:
    """The GSI1 partition listing a namespace's routes by id."""
    return f"ROUTES#{_TAGS[namespace]}"


def route_item(namespace: RouteNamespace, source_id: str, connector_id: str, *, now: str) -> dict[str, Any]:
    """The whole item of one route."""
    return {
        **route_key(namespace, source_id),
        "GSI1PK": route_index_partition(namespace),
        "GSI1SK": source_id,
        "namespace": namespace,
        "source_id": source_id,
        "connector_id": connector_id,
        "updated_at": now,
    }


def legacy_routes(item: Mapping[str, Any] | None) -> dict[str, str]:
    """The org id -> connector id map of the earlier versions' routes item (empty when there is none)."""
    if item is None:
        return {}
    return {str(k): str(v) for k, v in (plain(item).get("routes") or {}).items()}


@dataclass(frozen=True)
class Route:
    """One stored route."""

    namespace: RouteNamespace
    source_id: str
    connector_id: str
    updated_at: str


@dataclass(frozen=True)
class RoutePage:
    """One page of routes sorted by id; ``next_cursor`` reads the next (None: the last page)."""

    routes: list[Route]
    next_cursor: str | None


class RouteRepository:
    """Organization and resource routes over the one table.

    ``monotonic`` is the clock of the cache (tests pass their own); ``cache_size`` bounds how many ids the
    process remembers.
    """

    def __init__(
        self,
        table: Any,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        cache_size: int = ROUTE_CACHE_SIZE,
    ) -> None:
        self._table = table
        self._monotonic = monotonic
        self._cache_size = cache_size
        # (namespace, id) -> (connector id or None for "no route", when that answer was read)
        self._cache: OrderedDict[tuple[RouteNamespace, str], tuple[str | None, float]] = OrderedDict()
        self._cache_lock = threading.Lock()  # ``chalice local`` answers requests on threads
        self._legacy: dict[str, str] = {}
        self._legacy_read_at: float | None = None
        # namespace -> (whether it has no route at all, when that was seen): an empty one needs no read per id
        self._emptiness: dict[RouteNamespace, tuple[bool, float]] = {}

    # --- reading ----------------------------------------------------------------------------------------

    def get(self, namespace: RouteNamespace, source_id: str) -> str | None:
        """The connector ``source_id`` is routed to, read now; None: it goes to the default connector."""
        if not _valid_id(source_id):
            return None
        connector_id, read_at = self._read(namespace, source_id, legacy_max_age=0.0)
        self._remember(namespace, source_id, connector_id, read_at)
        return connector_id

    def get_cached(
        self, namespace: RouteNamespace, source_id: str, max_age_seconds: float = ROUTE_MAX_AGE_SECONDS
    ) -> str | None:
        """As ``get``, but an answer this process read less than ``max_age_seconds`` ago is reused."""
        if not _valid_id(source_id):
            return None
        key = (namespace, source_id)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None and self._monotonic() - cached[1] < max_age_seconds:
                self._cache.move_to_end(key)
                return cached[0]
        if self._no_routes(namespace, max_age_seconds):
            return None
        connector_id, read_at = self._read(namespace, source_id, legacy_max_age=max_age_seconds)
        self._remember(namespace, source_id, connector_id, read_at)
        return connector_id

    def connector_for(self, namespace: RouteNamespace, source_id: str, default_connector_id: str) -> str:
        """Where a document of ``source_id`` goes: its route (cached up to 10 s) or the default connector."""
        return self.get_cached(namespace, source_id) or default_connector_id

    def list(
        self,
        namespace: RouteNamespace,
        *,
        limit: int = 100,
        cursor: str | None = None,
        prefix: str = "",
    ) -> RoutePage:
        """The routes with an item of their own, sorted by id, a page at a time (``prefix``: ids starting so).

        Routes still only in the earlier versions' item are not listed: ``make migrate`` moves them.
        """
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        values: dict[str, Any] = {":pk": route_index_partition(namespace)}
        condition = "GSI1PK = :pk"
        if prefix:
            values[":prefix"] = prefix
            condition += " AND begins_with(GSI1SK, :prefix)"
        kwargs: dict[str, Any] = {
            "IndexName": "GSI1",
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "Limit": limit,
        }
        if cursor:
            after = decode_route_cursor(cursor)
            kwargs["ExclusiveStartKey"] = {
                **route_key(namespace, after),
                "GSI1PK": route_index_partition(namespace),
                "GSI1SK": after,
            }
        found: list[dict[str, Any]] = []
        while True:
            page = self._table.query(**kwargs)
            found.extend(plain(i) for i in page.get("Items", []))
            last = page.get("LastEvaluatedKey")
            if not last or len(found) >= limit:
                break
            kwargs["ExclusiveStartKey"] = last
            kwargs["Limit"] = limit - len(found)
        routes = [_route(item) for item in found[:limit]]
        more = len(found) > limit or bool(last)
        next_cursor = _encode_cursor(routes[-1].source_id) if more and routes else None
        return RoutePage(routes, next_cursor)

    # --- changing ---------------------------------------------------------------------------------------

    def set(self, namespace: RouteNamespace, source_id: str, connector_id: str, *, now: str) -> bool:
        """Send ``source_id``'s documents to ``connector_id`` from now on; False: it already went there."""
        _check_id(source_id)
        if self.get(namespace, source_id) == connector_id:
            return False
        self._table.put_item(Item=route_item(namespace, source_id, connector_id, now=now))
        self._emptiness.pop(namespace, None)
        self._remember(namespace, source_id, connector_id, self._monotonic())
        return True

    def put_many(self, namespace: RouteNamespace, routes: Mapping[str, str], *, now: str) -> None:
        """Write many routes at once (a bulk import: batch writes, 25 a request, unchanged ones too)."""
        for source_id in routes:
            _check_id(source_id)
        with self._table.batch_writer() as batch:
            for source_id, connector_id in routes.items():
                batch.put_item(Item=route_item(namespace, source_id, connector_id, now=now))
        self._emptiness.pop(namespace, None)
        read_at = self._monotonic()
        for source_id, connector_id in routes.items():
            self._remember(namespace, source_id, connector_id, read_at)

    def delete(self, namespace: RouteNamespace, source_id: str, *, now: str) -> bool:
        """Send ``source_id``'s documents to the default connector again; False if it had no route."""
        if not _valid_id(source_id):
            return False
        removed = False
        if namespace == "organization":
            removed = self._drop_legacy(source_id, now=now)
        old = self._table.delete_item(Key=route_key(namespace, source_id), ReturnValues="ALL_OLD")
        removed = "Attributes" in old or removed
        self._remember(namespace, source_id, None, self._monotonic())
        return removed

    # --- internals --------------------------------------------------------------------------------------

    def _no_routes(self, namespace: RouteNamespace, max_age_seconds: float) -> bool:
        """Whether the namespace has no route at all (one query, remembered like a route): most installations
        route nothing, and then enqueueing reads nothing per organization or resource."""
        now = self._monotonic()
        seen = self._emptiness.get(namespace)
        if seen is not None and now - seen[1] < max_age_seconds:
            return seen[0]
        page = self._table.query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": route_index_partition(namespace)},
            Limit=1,
        )
        empty = not page.get("Items") and not (
            namespace == "organization" and self._legacy_routes(max_age_seconds)[0]
        )
        self._emptiness[namespace] = (empty, now)
        return empty

    def _read(
        self, namespace: RouteNamespace, source_id: str, *, legacy_max_age: float
    ) -> tuple[str | None, float]:
        """The route and when the answer was read (the older time if the earlier versions' item answered)."""
        read_at = self._monotonic()
        item = self._table.get_item(Key=route_key(namespace, source_id), ConsistentRead=True).get("Item")
        if item is not None:
            return str(item["connector_id"]), read_at
        if namespace != "organization":
            return None, read_at
        legacy, legacy_read_at = self._legacy_routes(legacy_max_age)
        return legacy.get(source_id), min(read_at, legacy_read_at)

    def _legacy_routes(self, max_age_seconds: float) -> tuple[dict[str, str], float]:
        now = self._monotonic()
        if self._legacy_read_at is None or now - self._legacy_read_at >= max_age_seconds:
            item = self._table.get_item(Key=LEGACY_ROUTES_KEY, ConsistentRead=True).get("Item")
            self._legacy = legacy_routes(item)
            self._legacy_read_at = now
        return self._legacy, self._legacy_read_at

    def _drop_legacy(self, org_id: str, *, now: str) -> bool:
        """Remove ``org_id`` from the earlier versions' item if it is there; True if it was."""
        legacy, _ = self._legacy_routes(0.0)
        if org_id not in legacy:
            return False
        try:
            # Bumping the version makes an older version's conditional rewrite of the map start again.
            self._table.update_item(
                Key=LEGACY_ROUTES_KEY,
                UpdateExpression="SET #version = #version + :one, updated_at = :now REMOVE #routes.#org",
                ConditionExpression="attribute_exists(#routes.#org)",
                ExpressionAttributeNames={"#routes": "routes", "#org": org_id, "#version": "version"},
                ExpressionAttributeValues={":one": 1, ":now": now},
            )
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise
            # Someone else removed it first.
        self._legacy.pop(org_id, None)
        return True

    def _remember(
        self, namespace: RouteNamespace, source_id: str, connector_id: str | None, read_at: float
    ) -> None:
        key = (namespace, source_id)
        with self._cache_lock:
            self._cache[key] = (connector_id, read_at)
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)


def _valid_id(source_id: str) -> bool:
    return 0 < len(source_id) <= MAX_SOURCE_ID_LENGTH


def _check_id(source_id: str) -> None:
    if not _valid_id(source_id):
        raise ValueError(f"a route's id is 1 to {MAX_SOURCE_ID_LENGTH} characters, not {len(source_id)}")


def _route(item: Mapping[str, Any]) -> Route:
    return Route(
        namespace=item["namespace"],
        source_id=str(item["source_id"]),
        connector_id=str(item["connector_id"]),
        updated_at=str(item["updated_at"]),
    )


def _encode_cursor(source_id: str) -> str:
    return base64.urlsafe_b64encode(source_id.encode("utf-8")).decode("ascii").rstrip("=")


def decode_route_cursor(cursor: str) -> str:
    """The id a cursor continues after; ``InvalidInput`` (invalid_cursor) for one this store did not give."""
    try:
        source_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("the cursor is not one this API gave out", code="invalid_cursor") from exc
    if not _valid_id(source_id):
        raise InvalidInput("the cursor is not one this API gave out", code="invalid_cursor")
    return source_id
