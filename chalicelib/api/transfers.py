"""Transfer routes: enqueue (source), list and read (source), requeue and cancel (admin).

Route bodies import the admin and domain code they call (cold start: ``import app`` builds no pydantic model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from chalicelib.api.auth import bearer_token
from chalicelib.api.dependencies import get_clock, get_store
from chalicelib.api.http import api_route, json_response, limit_param, parse_body, query_params, require_scope
from chalicelib.clock import epoch, iso
from chalicelib.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge

if TYPE_CHECKING:
    from chalicelib.transfers.kind import TransferKind

transfers_blueprint = Blueprint(__name__)
bp = transfers_blueprint


# POST /api/transfers/{kind} and GET /api/transfers/{id} share one path segment, and API Gateway allows one
# variable name per segment: every route here calls it ``name``.
@bp.route("/api/transfers/{name}", methods=["POST"], authorizer=bearer_token)
@api_route
def enqueue_document(name: str) -> Response:
    from chalicelib.transfers import registry  # cold start
    from chalicelib.transfers.queue import enqueue

    require_scope(bp, "source")
    kind = registry.find(name)
    if kind is None:
        slugs = ", ".join(k.slug for k in registry.kinds())
        raise NotFound(f"unknown transfer kind {name[:100]!r}; one of {slugs}", code="unknown_transfer_kind")
    raw = bp.current_request.raw_body
    if raw is not None and len(raw) > kind.max_document_bytes:
        raise PayloadTooLarge(
            f"a document is at most {kind.max_document_bytes:,} bytes of JSON (it is stored with its history in "
            f"one DynamoDB item); split the {kind.label.lower()}",
            code="document_too_large",
        )
    document = parse_body(raw, kind.document_model)
    store = get_store()
    default_id = store.connectors.default_id()
    if default_id is None:
        raise Conflict(
            "there is no connector yet: create one first (POST /api/connectors)", code="no_connector"
        )
    routing_id = kind.routing_id(document)
    body = document.model_dump(mode="json", by_alias=True)
    result = enqueue(
        store.transfers,
        kind=kind.slug,
        source_id=str(body["source_id"]),
        connector_id=_connector_for(kind, routing_id, default_id),
        organization_id=routing_id if kind.routing == "organization" else None,
        document=body,
        followed=kind.followed,
        operations=kind.operations,
        now=iso(get_clock().now()),
        conversation_running=_conversation_running,
    )
    transfer = result.transfer
    answer = {
        "id": transfer.id,
        "status": transfer.status,
        "connector_id": transfer.connector_id,
        "operation": transfer.operation,
        "version": transfer.version,
    }
    # 202 when something was queued (a new document, or an update of one QuickBooks has); 200 for the same
    # body again, or a pending document's body replaced.
    queued_update = not result.created and transfer.operation == "update" and transfer.status == "queued"
    return json_response(answer, 202 if result.created or queued_update else 200)


def _connector_for(kind: TransferKind, routing_id: str | None, default_id: str) -> str:
    """Where a document goes: its organization's or resource's route, else the default connector."""
    if kind.routing == "default" or not routing_id:
        return default_id
    return get_store().routes.connector_for(kind.routing, routing_id, default_id)


@bp.route("/api/transfer-kinds", methods=["GET"], authorizer=bearer_token)
@api_route
def transfer_kinds() -> Response:
    from chalicelib.transfers import registry  # cold start

    require_scope(bp, "source")
    return json_response({"kinds": [kind_view(kind) for kind in registry.kinds()]})


def kind_view(kind: TransferKind) -> dict[str, object]:
    """A kind as the API describes it."""
    return {
        "slug": kind.slug,
        "label": kind.label,
        "switch": kind.switch,
        "routing": kind.routing,
        "scope": kind.scope,
        "operations": list(kind.operations),
        "keeps": list(kind.keeps),
        "quickbooks": {"add": kind.qb.add, "query": kind.qb.query},
    }


@bp.route("/api/transfers", methods=["GET"], authorizer=bearer_token)
@api_route
def list_transfers() -> Response:
    from chalicelib.domain.transfer import TRANSFER_STATUSES  # cold start
    from chalicelib.transfers import registry

    require_scope(bp, "source")
    params = query_params(bp, {"connector_id", "kind", "status", "limit", "cursor", "conversation"})
    if params.get("kind") and registry.find(params["kind"]) is None:
        slugs = ", ".join(k.slug for k in registry.kinds())
        raise InvalidInput(
            f"kind must be one of {slugs}", code="validation_failed", details=[{"field": "kind"}]
        )
    if params.get("status") and params["status"] not in TRANSFER_STATUSES:
        raise InvalidInput(
            f"status must be one of {', '.join(TRANSFER_STATUSES)}",
            code="validation_failed",
            details=[{"field": "status"}],
        )
    limit = limit_param(params, default=50, maximum=200)
    conversation = params.get("conversation")
    if conversation is not None:
        if len(params.keys() & {"connector_id", "kind", "status"}):
            raise InvalidInput(
                "conversation is a filter of its own: it cannot be combined with connector_id, kind or status",
                code="validation_failed",
                details=[{"field": "conversation"}],
            )
        if not 0 < len(conversation) <= 100:
            raise InvalidInput(
                "conversation is a conversation's id (1 to 100 characters)",
                code="validation_failed",
                details=[{"field": "conversation"}],
            )
        page = get_store().transfers.for_conversation(conversation, limit=limit, cursor=params.get("cursor"))
    else:
        page = get_store().transfers.list(
            connector_id=params.get("connector_id"),
            kind=params.get("kind"),
            status=params.get("status"),
            limit=limit,
            cursor=params.get("cursor"),
        )
    return json_response({"transfers": [t.public() for t in page.transfers], "next": page.next_cursor})


@bp.route("/api/transfers/{name}", methods=["GET"], authorizer=bearer_token)
@api_route
def get_transfer(name: str) -> Response:
    require_scope(bp, "source")
    return json_response(get_store().transfers.get(name).public())


@bp.route("/api/transfers/{name}/requeue", methods=["POST"], authorizer=bearer_token)
@api_route
def requeue_transfer(name: str) -> Response:
    from chalicelib.domain.transfer import RequeueOptions  # cold start
    from chalicelib.transfers.queue import requeue

    require_scope(bp, "admin")
    raw = bp.current_request.raw_body
    options = parse_body(raw, RequeueOptions) if raw else RequeueOptions()
    transfer = requeue(get_store().transfers, name, now=iso(get_clock().now()), force=options.force)
    return json_response(transfer.public())


@bp.route("/api/transfers/{name}/void", methods=["POST"], authorizer=bearer_token)
@api_route
def void_transfer(name: str) -> Response:
    from chalicelib.transfers import registry  # cold start
    from chalicelib.transfers.queue import void

    require_scope(bp, "admin")
    store = get_store()
    found = store.transfers.get(name)
    kind = registry.find(found.kind)
    transfer = void(
        store.transfers,
        name,
        now=iso(get_clock().now()),
        operations=kind.operations if kind is not None else (),
        conversation_running=_conversation_running,
    )
    return json_response(transfer.public(), 202 if transfer.status == "queued" else 200)


@bp.route("/api/transfers/{name}/cancel", methods=["POST"], authorizer=bearer_token)
@api_route
def cancel_transfer(name: str) -> Response:
    from chalicelib.transfers.queue import cancel  # cold start

    require_scope(bp, "admin")
    transfer = cancel(
        get_store().transfers, name, now=iso(get_clock().now()), conversation_running=_conversation_running
    )
    return json_response(transfer.public())


def _conversation_running(connector_id: str) -> bool:
    return get_store().sessions.conversation_running(connector_id, now=epoch(get_clock().now()))
