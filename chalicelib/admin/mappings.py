"""Mapping, naming-convention and routing (organization, resource) rules behind the admin routes.

A mapping may name a QuickBooks object that does not exist yet (the admin creates it in QuickBooks later),
so targets are not refused; instead every entry shown carries ``known``: whether the connector's last
pulled QuickBooks lists have that name, so the admin page can flag a typo before a transfer fails on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.domain.mapping import (
    CUSTOMER_PLACEHOLDERS,
    ITEM_PLACEHOLDERS,
    MAPPING_KINDS,
    TARGET_LISTS,
    MappingKind,
    MappingSet,
    NamingConventions,
    stored_entries,
)
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.store import Store
from chalicelib.store.qb_lists import StoredQbList
from chalicelib.store.routes import MAX_SOURCE_ID_LENGTH, RouteNamespace

MAX_ROUTE_ID_LENGTH = MAX_SOURCE_ID_LENGTH  # as the transfers' organization and resource ids


def mapping_kind(kind: str) -> MappingKind:
    """``kind`` as a ``MappingKind``, or ``NotFound`` naming the kinds there are."""
    if kind not in MAPPING_KINDS:
        raise NotFound(
            f"unknown mapping kind {kind!r}; one of: {', '.join(MAPPING_KINDS)}", code="unknown_mapping_kind"
        )
    return kind


def flag_known(
    kind: MappingKind, entries: list[dict[str, Any]], read_list: Callable[[str], StoredQbList | None]
) -> tuple[list[dict[str, Any]], dict[str, str | None]]:
    """``entries`` each with ``known`` and ``unknown_targets``, and when each list consulted was read.

    ``known`` is true when every target the entry names is in its QuickBooks list (names compared
    regardless of case, as QuickBooks does; inactive objects count), false when one is missing, and null
    when a list it needs has not been read from QuickBooks yet, so nothing can be said. An entry naming
    nothing (a billing code left to the naming convention) is known.
    """
    fields = TARGET_LISTS[kind]
    names: dict[str, set[str] | None] = {}
    read_at: dict[str, str | None] = {}

    def names_in(list_name: str) -> set[str] | None:
        # Read each list once, and only if some entry needs it: the items list can be large.
        if list_name not in names:
            stored = read_list(list_name)
            names[list_name] = (
                None if stored is None else {str(e["full_name"]).casefold() for e in stored.entries}
            )
            read_at[list_name] = None if stored is None else stored.read_at
        return names[list_name]

    flagged: list[dict[str, Any]] = []
    for entry in entries:
        unknown: list[str] = []
        unchecked = False
        for field, list_name in fields.items():
            target = entry.get(field)
            if target is None:
                continue
            in_list = names_in(list_name)
            if in_list is None:
                unchecked = True
            elif str(target).casefold() not in in_list:
                unknown.append(field)
        known = False if unknown else (None if unchecked else True)
        flagged.append({**entry, "known": known, "unknown_targets": unknown})
    return flagged, read_at


def mapping_answer(store: Store, connector_id: str, kind: MappingKind) -> dict[str, Any]:
    """The answer of ``GET /api/connectors/{id}/mappings/{kind}`` (``NotFound`` for an unknown connector)."""
    store.connectors.get(connector_id)
    return _mapping_answer(store, connector_id, kind)


def replace_mappings(
    store: Store,
    connector: Connector,
    kind: MappingKind,
    body: MappingSet[Any],
    *,
    now: str,
) -> dict[str, Any]:
    """Store ``body`` as the connector's whole set of ``kind``; the answer is the new set as GET shows it."""
    store.mappings.put(connector.id, kind, stored_entries(body), now=now)
    return _mapping_answer(store, connector.id, kind)


def _mapping_answer(store: Store, connector_id: str, kind: MappingKind) -> dict[str, Any]:
    stored = store.mappings.read(connector_id, kind)
    entries, read_at = flag_known(
        kind, [] if stored is None else stored.entries, lambda name: store.qb_lists.read(connector_id, name)
    )
    return {
        "connector_id": connector_id,
        "kind": kind,
        "updated_at": None if stored is None else stored.updated_at,
        "lists_read_at": read_at,
        "entries": entries,
    }


def naming_answer(connector_id: str, conventions: NamingConventions) -> dict[str, Any]:
    """The naming conventions as the API shows them, with the placeholders each template may use."""
    return {
        "connector_id": connector_id,
        **conventions.model_dump(),
        "placeholders": {"item": list(ITEM_PLACEHOLDERS), "customer": list(CUSTOMER_PLACEHOLDERS)},
    }


# --- organization and resource routes --------------------------------------------------------------------
# Invoices follow their organization, timesheets and expense reports their resource; without a route of its
# own an id goes to the default connector. One stored item per route (``store.routes``).


def _check_id(value: str, *, field: str, what: str) -> str:
    problem = None
    if not value.strip():
        problem = f"the {what} id is empty"
    elif len(value) > MAX_ROUTE_ID_LENGTH:
        problem = f"the {what} id is longer than {MAX_ROUTE_ID_LENGTH} characters"
    elif not value.isprintable():
        problem = f"the {what} id contains control characters"
    if problem is not None:
        raise InvalidInput(
            f"invalid {what} id: {problem}",
            code="validation_failed",
            details=[{"field": field, "message": problem, "type": "value_error"}],
        )
    return value


def check_org_id(org_id: str) -> str:
    """The org id from the path, or a 422 naming ``org_id``."""
    return _check_id(org_id, field="org_id", what="organization")


def check_resource_id(resource_id: str) -> str:
    """The resource id from the path, or a 422 naming ``resource_id``."""
    return _check_id(resource_id, field="resource_id", what="resource")


_ANSWER_FIELD: dict[RouteNamespace, str] = {"organization": "org_id", "resource": "resource_id"}


def route_answer(store: Store, namespace: RouteNamespace, source_id: str) -> dict[str, Any]:
    """Where ``source_id``'s documents go now; ``Conflict`` (no_connector) when there is no connector at all.

    Read now, not from the enqueue cache; other processes follow within 10 seconds.
    """
    field = _ANSWER_FIELD[namespace]
    routed = store.routes.get(namespace, source_id)
    if routed is not None:
        return {field: source_id, "connector_id": routed, "is_default_route": False}
    # The same answer the enqueue path gets, so what the admin sees is where documents go.
    default_id = store.connectors.default_id()
    if default_id is None:
        raise Conflict(
            f"there is no connector yet, so the {namespace}'s documents have nowhere to go; create one",
            code="no_connector",
        )
    return {field: source_id, "connector_id": default_id, "is_default_route": True}


def set_route(
    store: Store, namespace: RouteNamespace, source_id: str, connector_id: str, *, now: str
) -> dict[str, Any]:
    """Send ``source_id``'s documents enqueued from now on to ``connector_id`` (active or not).

    ``NotFound`` for an unknown connector. Routing to the default connector is the same as removing the
    route: the default never changes, and an id without a route already goes there.
    """
    connector = store.connectors.get(connector_id)
    if connector.is_default:
        store.routes.delete(namespace, source_id, now=now)
    else:
        store.routes.set(namespace, source_id, connector.id, now=now)
    return route_answer(store, namespace, source_id)


def remove_route(store: Store, namespace: RouteNamespace, source_id: str, *, now: str) -> dict[str, Any]:
    """Send ``source_id``'s documents to the default connector again (nothing to do if it had no route)."""
    store.routes.delete(namespace, source_id, now=now)
    return route_answer(store, namespace, source_id)


def organization_route(store: Store, org_id: str) -> dict[str, Any]:
    """Where ``org_id``'s invoices go now (see ``route_answer``)."""
    return route_answer(store, "organization", org_id)


def route_organization(store: Store, org_id: str, connector_id: str, *, now: str) -> dict[str, Any]:
    """Send ``org_id``'s documents enqueued from now on to ``connector_id`` (see ``set_route``)."""
    return set_route(store, "organization", org_id, connector_id, now=now)


def unroute_organization(store: Store, org_id: str, *, now: str) -> dict[str, Any]:
    """Send ``org_id``'s documents to the default connector again."""
    return remove_route(store, "organization", org_id, now=now)


def resource_route(store: Store, resource_id: str) -> dict[str, Any]:
    """Where ``resource_id``'s timesheets and expense reports go now (see ``route_answer``)."""
    return route_answer(store, "resource", resource_id)


def route_resource(store: Store, resource_id: str, connector_id: str, *, now: str) -> dict[str, Any]:
    """Send ``resource_id``'s timesheets and expense reports enqueued from now on to ``connector_id``."""
    return set_route(store, "resource", resource_id, connector_id, now=now)


def unroute_resource(store: Store, resource_id: str, *, now: str) -> dict[str, Any]:
    """Send ``resource_id``'s timesheets and expense reports to the default connector again."""
    return remove_route(store, "resource", resource_id, now=now)
