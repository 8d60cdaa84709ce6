"""API token routes (admin only): list by id and label, issue (shown once), revoke.

Route bodies import the admin and domain code they call (cold start: ``import app`` builds no pydantic model).
"""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.auth import bearer_token
from chalicelib.api.dependencies import get_clock, get_store
from chalicelib.api.http import NO_STORE, api_route, json_response, parse_body, require_scope
from chalicelib.clock import iso
from chalicelib.errors import NotFound

tokens_blueprint = Blueprint(__name__)
bp = tokens_blueprint


@bp.route("/api/tokens", methods=["GET"], authorizer=bearer_token)
@api_route
def list_tokens() -> Response:
    require_scope(bp, "admin")
    return json_response({"tokens": [t.public() for t in get_store().tokens.list()]})


@bp.route("/api/tokens", methods=["POST"], authorizer=bearer_token)
@api_route
def create() -> Response:
    from chalicelib.admin.tokens import issue_token  # cold start
    from chalicelib.domain.api_token import ApiTokenCreate

    require_scope(bp, "admin")
    body = parse_body(bp.current_request.raw_body, ApiTokenCreate)
    issued = issue_token(get_store(), scope=body.scope, label=body.label, now=iso(get_clock().now()))
    return json_response({**issued.token.public(), "token": issued.plaintext}, 201, NO_STORE)


@bp.route("/api/tokens/{token_id}", methods=["DELETE"], authorizer=bearer_token)
@api_route
def revoke(token_id: str) -> Response:
    from chalicelib.admin.tokens import is_token_id  # cold start

    require_scope(bp, "admin")
    # An id no token can have is not looked up: one over DynamoDB's key size limit would fail as a 500.
    if not is_token_id(token_id):
        raise NotFound("no token with that id", code="token_not_found")
    get_store().tokens.revoke(token_id)
    return json_response({"id": token_id, "revoked": True})
