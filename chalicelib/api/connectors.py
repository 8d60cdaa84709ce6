"""Connector routes: settings, the conversation log, transcripts, the QuickBooks lists and inventory read.

Route bodies import the admin and domain code they call (cold start: ``import app`` builds no pydantic model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from chalicelib.api.auth import bearer_token
from chalicelib.api.dependencies import get_clock, get_store
from chalicelib.api.http import (
    api_route,
    json_response,
    limit_param,
    parse_body,
    query_params,
    require_scope,
)
from chalicelib.clock import iso
from chalicelib.errors import Conflict, NotFound
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.domain.conversation import Conversation

connectors_blueprint = Blueprint(__name__)
bp = connectors_blueprint


def _latest(connector_id: str, limit: int = 10) -> list[Conversation]:
    from chalicelib.admin.connectors import effective_status  # cold start

    now = get_clock().now()
    idle = get_settings().session_idle_seconds
    return [
        effective_status(c, now=now, idle_seconds=idle)
        for c in get_store().conversations.latest(connector_id, limit)
    ]


@bp.route("/api/connectors", methods=["POST"], authorizer=bearer_token)
@api_route
def create() -> Response:
    from chalicelib.admin.connectors import connector_summary, create_connector  # cold start
    from chalicelib.domain.connector import ConnectorCreate

    require_scope(bp, "admin")
    body = parse_body(bp.current_request.raw_body, ConnectorCreate)
    connector = create_connector(get_store(), body, now=iso(get_clock().now()))
    return json_response(connector_summary(connector, []), 201)


@bp.route("/api/connectors", methods=["GET"], authorizer=bearer_token)
@api_route
def list_connectors() -> Response:
    from chalicelib.admin.connectors import connector_summary  # cold start

    require_scope(bp, "source")
    connectors = get_store().connectors.list()
    return json_response({"connectors": [connector_summary(c, _latest(c.id)) for c in connectors]})


@bp.route("/api/connectors/{connector_id}", methods=["GET"], authorizer=bearer_token)
@api_route
def get_connector(connector_id: str) -> Response:
    from chalicelib.admin.connectors import connector_summary  # cold start

    require_scope(bp, "source")
    connector = get_store().connectors.get(connector_id)
    return json_response(connector_summary(connector, _latest(connector.id)))


@bp.route("/api/connectors/{connector_id}", methods=["PATCH"], authorizer=bearer_token)
@api_route
def update_connector(connector_id: str) -> Response:
    from chalicelib.admin.connectors import connector_summary, patch_connector  # cold start
    from chalicelib.domain.connector import ConnectorPatch

    require_scope(bp, "admin")
    patch = parse_body(bp.current_request.raw_body, ConnectorPatch)
    connector = patch_connector(get_store(), connector_id, patch, now=iso(get_clock().now()))
    return json_response(connector_summary(connector, _latest(connector.id)))


@bp.route("/api/connectors/{connector_id}", methods=["DELETE"], authorizer=bearer_token)
@api_route
def delete_connector(connector_id: str) -> Response:
    require_scope(bp, "admin")
    get_store().connectors.get(connector_id)
    raise Conflict(
        'connectors are never deleted; deactivate it with PATCH {"active": false}',
        code="connectors_cannot_be_deleted",
    )


@bp.route("/api/connectors/{connector_id}/conversations", methods=["GET"], authorizer=bearer_token)
@api_route
def conversations(connector_id: str) -> Response:
    require_scope(bp, "source")
    get_store().connectors.get(connector_id)
    return json_response({"conversations": [c.model_dump() for c in _latest(connector_id)]})


@bp.route("/api/conversations/{conversation_id}/transcript", methods=["GET"], authorizer=bearer_token)
@api_route
def transcript(conversation_id: str) -> Response:
    require_scope(bp, "admin")
    conversation = get_store().conversations.get(conversation_id)
    messages = get_store().transcripts.list(conversation.id)
    return json_response(
        {
            "id": conversation.id,
            "connector_id": conversation.connector_id,
            "messages": [
                {"at": m.at, "method": m.method, "request": m.request, "response": m.response}
                for m in messages
            ],
        }
    )


@bp.route("/api/connectors/{connector_id}/qb-lists/{list_name}", methods=["GET"], authorizer=bearer_token)
@api_route
def qb_list(connector_id: str, list_name: str) -> Response:
    from chalicelib.qbxml.lists import QB_LISTS  # cold start

    require_scope(bp, "admin")
    list_names = {spec.name for spec in QB_LISTS}
    if list_name not in list_names:
        raise NotFound(
            f"unknown QuickBooks list {list_name!r}; one of: {', '.join(sorted(list_names))}",
            code="unknown_list",
        )
    get_store().connectors.get(connector_id)
    stored = get_store().qb_lists.read(connector_id, list_name)
    if stored is None:
        return json_response({"read_at": None, "entries": []})
    return json_response({"read_at": stored.read_at, "entries": stored.entries})


@bp.route("/api/connectors/{connector_id}/inventory", methods=["GET"], authorizer=bearer_token)
@api_route
def inventory(connector_id: str) -> Response:
    # cold start
    from chalicelib.admin.inventory import INVENTORY_PAGE_DEFAULT, INVENTORY_PAGE_MAX, inventory_page

    # The admin scope, as the QuickBooks lists: both are the company file's own data, read by conversations.
    require_scope(bp, "admin")
    params = query_params(bp, {"limit", "cursor"})
    limit = limit_param(params, default=INVENTORY_PAGE_DEFAULT, maximum=INVENTORY_PAGE_MAX)
    return json_response(inventory_page(get_store(), connector_id, limit=limit, cursor=params.get("cursor")))


@bp.route("/api/connectors/{connector_id}/refresh-lists", methods=["POST"], authorizer=bearer_token)
@api_route
def refresh_lists(connector_id: str) -> Response:
    from chalicelib.admin.connectors import request_list_refresh  # cold start

    require_scope(bp, "admin")
    connector = request_list_refresh(get_store(), connector_id, now=iso(get_clock().now()))
    return json_response({"id": connector.id, "lists_refresh_requested": True}, 202)


@bp.route("/api/connectors/{connector_id}/preview", methods=["GET"], authorizer=bearer_token)
@api_route
def preview(connector_id: str) -> Response:
    from chalicelib.qbxml.document import render_request_message  # cold start
    from chalicelib.steps.ports import TransferPorts
    from chalicelib.store.qb_lists import CommittedQbLists
    from chalicelib.transfers import registry

    require_scope(bp, "admin")
    store = get_store()
    connector = store.connectors.get(connector_id)
    settings = get_settings()
    summary: dict[str, object] = {}
    requests = []
    users = [u for u in store.users.list_for_connector(connector.id) if u.active]
    for kind in registry.kinds():
        if kind.preview is None:
            continue
        ports = TransferPorts(
            connector_id=connector.id,
            transfers=store.transfers,
            customer_links=store.customer_links,
            vendor_links=store.vendor_links,
            mappings=store.mappings,
            connectors=store.connectors,
            max_per_conversation=settings.max_transfers_per_conversation,
        )
        shown = kind.preview(
            connector, ports, CommittedQbLists(store.qb_lists, connector.id), now=iso(get_clock().now())
        )
        summary[kind.slug] = {
            **shown.summary,
            "switched_on": bool(getattr(connector.transfers, kind.switch, False)),
            # Which QBWC users' conversations send this kind (their scope allows it).
            "sent_by": sorted(u.username for u in users if registry.may_send(u.scope, kind)),
        }
        requests += shown.requests
    size = settings.max_message_requests
    messages = [
        render_request_message(requests[start : start + size]) for start in range(0, len(requests), size)
    ]
    return json_response({"summary": summary, "qbxml": messages})
