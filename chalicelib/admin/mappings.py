"""Mapping, naming-convention and organization-routing rules behind the admin routes.

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

MAX_ORG_ID_LENGTH = 100  # as the transfers' organization id


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


# --- organization routes ---------------------------------------------------------------------------------


def check_org_id(org_id: str) -> str:
    """The org id from the path, or a 422 naming ``org_id``."""
    problem = None
    if not org_id.strip():
        problem = "the organization id is empty"
    elif len(org_id) > MAX_ORG_ID_LENGTH:
        problem = f"the organization id is longer than {MAX_ORG_ID_LENGTH} characters"
    elif not org_id.isprintable():
        problem = "the organization id contains control characters"
    if problem is not None:
        raise InvalidInput(
            f"invalid organization id: {problem}",
            code="validation_failed",
            details=[{"field": "org_id", "message": problem, "type": "value_error"}],
        )
    return org_id


def organization_route(store: Store, org_id: str) -> dict[str, Any]:
    """Where ``org_id``'s documents go now; ``Conflict`` (no_connector) when there is no connector at all."""
    routed = store.mappings.routes().get(org_id)
    if routed is not None:
        return {"org_id": org_id, "connector_id": routed, "is_default_route": False}
    # The same answer the enqueue path gets, so what the admin sees is where documents go.
    default_id = store.connectors.default_id()
    if default_id is None:
        raise Conflict(
            "there is no connector yet, so the organization's documents have nowhere to go; create one",
            code="no_connector",
        )
    return {"org_id": org_id, "connector_id": default_id, "is_default_route": True}


def route_organization(store: Store, org_id: str, connector_id: str, *, now: str) -> dict[str, Any]:
    """Send ``org_id``'s documents enqueued from now on to ``connector_id`` (active or not).

    Routing to the default connector is the same as removing the route: the default never changes, and an
    organization without a route already goes there.
    """
    connector = store.connectors.get(connector_id)
    if connector.is_default:
        store.mappings.unroute(org_id, now=now)
    else:
        store.mappings.route(org_id, connector.id, now=now)
    return organization_route(store, org_id)


def unroute_organization(store: Store, org_id: str, *, now: str) -> dict[str, Any]:
    """Send ``org_id``'s documents to the default connector again (nothing to do if it was not routed)."""
    store.mappings.unroute(org_id, now=now)
    return organization_route(store, org_id)
