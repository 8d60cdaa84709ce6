"""Transfer routes: enqueue (source), list and read (source), requeue and cancel (admin)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.auth import bearer_token
from chalicelib.api.dependencies import get_clock, get_store
from chalicelib.api.http import api_route, json_response, parse_body, require_scope
from chalicelib.clock import epoch, iso
from chalicelib.domain.invoice import InvoiceDocument
from chalicelib.domain.transfer import TRANSFER_STATUSES
from chalicelib.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from chalicelib.transfers.queue import cancel, enqueue, requeue

transfers_blueprint = Blueprint(__name__)
bp = transfers_blueprint
KINDS = ("invoices", "timesheets", "expense-reports", "purchase-orders")
AVAILABLE_KINDS = ("invoices",)
MAX_DOCUMENT_BYTES = 300_000


# POST /api/transfers/{kind} and GET /api/transfers/{id} share one path segment, and API Gateway allows one
# variable name per segment: every route here calls it ``name``.
@bp.route("/api/transfers/{name}", methods=["POST"], authorizer=bearer_token)
@api_route
def enqueue_document(name: str) -> Response:
    kind = name
    require_scope(bp, "source")
    if kind not in KINDS:
        raise NotFound(
            f"unknown transfer kind {kind!r}; one of {', '.join(KINDS)}", code="unknown_transfer_kind"
        )
    if kind not in AVAILABLE_KINDS:
        raise NotFound(
            f"transfers of {kind} are not available in this version", code="transfer_kind_not_available"
        )
    raw = bp.current_request.raw_body
    if raw is not None and len(raw) > MAX_DOCUMENT_BYTES:
        raise PayloadTooLarge(
            f"a document is at most {MAX_DOCUMENT_BYTES:,} bytes of JSON (it is stored with its history in one "
            "DynamoDB item); split the invoice",
            code="document_too_large",
        )
    document = parse_body(raw, InvoiceDocument)
    store = get_store()
    default_id = store.connectors.default_id()
    if default_id is None:
        raise Conflict(
            "there is no connector yet: create one first (POST /api/connectors)", code="no_connector"
        )
    connector_id = store.mappings.connector_for(document.organization.id, default_id)
    result = enqueue(
        store.transfers,
        kind="invoices",
        source_id=document.source_id,
        connector_id=connector_id,
        organization_id=document.organization.id,
        document=document.model_dump(mode="json", by_alias=True),
        now=iso(get_clock().now()),
        conversation_running=_conversation_running,
    )
    transfer = result.transfer
    body = {"id": transfer.id, "status": transfer.status, "connector_id": transfer.connector_id}
    return json_response(body, 202 if result.created else 200)


@bp.route("/api/transfers", methods=["GET"], authorizer=bearer_token)
@api_route
def list_transfers() -> Response:
    require_scope(bp, "source")
    params: dict[str, str] = dict(bp.current_request.query_params or {})
    unknown = sorted(set(params) - {"connector_id", "kind", "status", "limit", "cursor"})
    if unknown:
        raise InvalidInput(f"unknown query parameter(s): {', '.join(unknown)}", code="unknown_parameter")
    if params.get("kind") and params["kind"] not in KINDS:
        raise InvalidInput(
            f"kind must be one of {', '.join(KINDS)}", code="validation_failed", details=[{"field": "kind"}]
        )
    if params.get("status") and params["status"] not in TRANSFER_STATUSES:
        raise InvalidInput(
            f"status must be one of {', '.join(TRANSFER_STATUSES)}",
            code="validation_failed",
            details=[{"field": "status"}],
        )
    try:
        limit = int(params.get("limit", "50"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 200:
        raise InvalidInput(
            "limit must be a whole number from 1 to 200",
            code="validation_failed",
            details=[{"field": "limit"}],
        )
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
    require_scope(bp, "admin")
    return json_response(requeue(get_store().transfers, name, now=iso(get_clock().now())).public())


@bp.route("/api/transfers/{name}/cancel", methods=["POST"], authorizer=bearer_token)
@api_route
def cancel_transfer(name: str) -> Response:
    require_scope(bp, "admin")
    transfer = cancel(
        get_store().transfers, name, now=iso(get_clock().now()), conversation_running=_conversation_running
    )
    return json_response(transfer.public())


def _conversation_running(connector_id: str) -> bool:
    return get_store().sessions.conversation_running(connector_id, now=epoch(get_clock().now()))
