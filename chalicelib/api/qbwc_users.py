"""QBWC user routes: create (password shown once), list, unlock, new password, .qwc, disable, delete.

Route bodies import the admin and domain code they call (cold start: ``import app`` builds no pydantic model).
"""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.auth import bearer_token
from chalicelib.api.dependencies import get_clock, get_store
from chalicelib.api.http import NO_STORE, api_route, json_response, parse_body, require_scope
from chalicelib.clock import iso
from chalicelib.errors import Conflict
from chalicelib.qbwc.public_url import PublicUrlError
from chalicelib.settings import get_settings

users_blueprint = Blueprint(__name__)
bp = users_blueprint


@bp.route("/api/connectors/{connector_id}/users", methods=["POST"], authorizer=bearer_token)
@api_route
def create(connector_id: str) -> Response:
    from chalicelib.admin.qbwc_users import create_user  # cold start
    from chalicelib.domain.qbwc_user import QbwcUserCreate

    require_scope(bp, "admin")
    body = parse_body(bp.current_request.raw_body, QbwcUserCreate)
    connector = get_store().connectors.get(connector_id)
    created = create_user(get_store(), connector, body, now=iso(get_clock().now()))
    return json_response({**created.user.public(), "password": created.password}, 201, NO_STORE)


@bp.route("/api/connectors/{connector_id}/users", methods=["GET"], authorizer=bearer_token)
@api_route
def list_users(connector_id: str) -> Response:
    require_scope(bp, "admin")
    get_store().connectors.get(connector_id)
    return json_response({"users": [u.public() for u in get_store().users.list_for_connector(connector_id)]})


@bp.route("/api/connectors/{connector_id}/users/{username}", methods=["PATCH"], authorizer=bearer_token)
@api_route
def patch_user(connector_id: str, username: str) -> Response:
    """``{"active": false}`` disables the user (its .qwc stops working at once), ``true`` enables it."""
    from chalicelib.admin.qbwc_users import set_user_active  # cold start
    from chalicelib.domain.qbwc_user import QbwcUserPatch

    require_scope(bp, "admin")
    body = parse_body(bp.current_request.raw_body, QbwcUserPatch)
    user = set_user_active(get_store(), connector_id, username, active=body.active)
    return json_response(user.public())


@bp.route("/api/connectors/{connector_id}/users/{username}", methods=["DELETE"], authorizer=bearer_token)
@api_route
def delete(connector_id: str, username: str) -> Response:
    from chalicelib.admin.qbwc_users import delete_user  # cold start

    require_scope(bp, "admin")
    deleted = delete_user(get_store(), connector_id, username)
    return json_response({"username": deleted, "deleted": True})


@bp.route("/api/connectors/{connector_id}/users/{username}/unlock", methods=["POST"], authorizer=bearer_token)
@api_route
def unlock(connector_id: str, username: str) -> Response:
    require_scope(bp, "admin")
    user = get_store().users.get(connector_id, username)
    return json_response(get_store().users.unlock(user.username).public())


@bp.route(
    "/api/connectors/{connector_id}/users/{username}/password", methods=["POST"], authorizer=bearer_token
)
@api_route
def new_password(connector_id: str, username: str) -> Response:
    from chalicelib.admin.qbwc_users import reset_password  # cold start

    require_scope(bp, "admin")
    renewed = reset_password(get_store(), connector_id, username)
    return json_response({**renewed.user.public(), "password": renewed.password}, 200, NO_STORE)


@bp.route("/api/connectors/{connector_id}/users/{username}/qwc", methods=["GET"], authorizer=bearer_token)
@api_route
def qwc(connector_id: str, username: str) -> Response:
    from chalicelib.admin.qbwc_users import qwc_download  # cold start

    require_scope(bp, "admin")
    connector = get_store().connectors.get(connector_id)
    try:
        filename, content = qwc_download(
            get_store(), connector, username, public_url=get_settings().public_url, now=iso(get_clock().now())
        )
    except PublicUrlError as exc:
        # The server's setting, not the request, is wrong: nothing the caller sends can fix it.
        raise Conflict(str(exc), code="public_url_not_usable") from exc
    return Response(
        body=content.decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": "application/xml",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
