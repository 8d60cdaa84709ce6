"""Mapping, naming-convention and routing (organization, resource) routes (admin scope).

Route bodies import the admin and domain code they call (cold start: ``import app`` builds no pydantic model).
"""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.auth import bearer_token
from chalicelib.api.dependencies import get_clock, get_store
from chalicelib.api.http import api_route, json_response, parse_body, require_scope
from chalicelib.clock import iso

mappings_blueprint = Blueprint(__name__)
bp = mappings_blueprint


def _now() -> str:
    return iso(get_clock().now())


@bp.route("/api/connectors/{connector_id}/mappings/{kind}", methods=["GET"], authorizer=bearer_token)
@api_route
def get_mappings(connector_id: str, kind: str) -> Response:
    from chalicelib.admin.mappings import mapping_answer, mapping_kind  # cold start

    require_scope(bp, "admin")
    return json_response(mapping_answer(get_store(), connector_id, mapping_kind(kind)))


@bp.route("/api/connectors/{connector_id}/mappings/{kind}", methods=["PUT"], authorizer=bearer_token)
@api_route
def put_mappings(connector_id: str, kind: str) -> Response:
    from chalicelib.admin.mappings import mapping_kind, replace_mappings  # cold start
    from chalicelib.domain.mapping import MAPPING_SETS

    require_scope(bp, "admin")
    known_kind = mapping_kind(kind)
    connector = get_store().connectors.get(connector_id)  # an unknown connector is a 404 even with a bad body
    body = parse_body(bp.current_request.raw_body, MAPPING_SETS[known_kind])
    return json_response(replace_mappings(get_store(), connector, known_kind, body, now=_now()))


@bp.route("/api/connectors/{connector_id}/naming-conventions", methods=["GET"], authorizer=bearer_token)
@api_route
def get_naming(connector_id: str) -> Response:
    from chalicelib.admin.mappings import naming_answer  # cold start

    require_scope(bp, "admin")
    get_store().connectors.get(connector_id)
    return json_response(naming_answer(connector_id, get_store().mappings.get_naming(connector_id)))


@bp.route("/api/connectors/{connector_id}/naming-conventions", methods=["PUT"], authorizer=bearer_token)
@api_route
def put_naming(connector_id: str) -> Response:
    from chalicelib.admin.mappings import naming_answer  # cold start
    from chalicelib.domain.mapping import NamingConventions

    require_scope(bp, "admin")
    get_store().connectors.get(connector_id)
    conventions = parse_body(bp.current_request.raw_body, NamingConventions)
    get_store().mappings.put_naming(connector_id, conventions, now=_now())
    return json_response(naming_answer(connector_id, conventions))


@bp.route("/api/organizations/{org_id}/connector", methods=["GET"], authorizer=bearer_token)
@api_route
def get_route(org_id: str) -> Response:
    from chalicelib.admin.mappings import check_org_id, organization_route  # cold start

    require_scope(bp, "admin")
    return json_response(organization_route(get_store(), check_org_id(org_id)))


@bp.route("/api/organizations/{org_id}/connector", methods=["PUT"], authorizer=bearer_token)
@api_route
def put_route(org_id: str) -> Response:
    from chalicelib.admin.mappings import check_org_id, route_organization  # cold start
    from chalicelib.domain.mapping import OrganizationRoute

    require_scope(bp, "admin")
    check_org_id(org_id)
    body = parse_body(bp.current_request.raw_body, OrganizationRoute)
    return json_response(route_organization(get_store(), org_id, body.connector_id, now=_now()))


@bp.route("/api/organizations/{org_id}/connector", methods=["DELETE"], authorizer=bearer_token)
@api_route
def delete_route(org_id: str) -> Response:
    from chalicelib.admin.mappings import check_org_id, unroute_organization  # cold start

    require_scope(bp, "admin")
    return json_response(unroute_organization(get_store(), check_org_id(org_id), now=_now()))


# Timesheets and expense reports follow their resource; the body is the organization route's ({"connector_id"}).


@bp.route("/api/resources/{resource_id}/connector", methods=["GET"], authorizer=bearer_token)
@api_route
def get_resource_route(resource_id: str) -> Response:
    from chalicelib.admin.mappings import check_resource_id, resource_route  # cold start

    require_scope(bp, "admin")
    return json_response(resource_route(get_store(), check_resource_id(resource_id)))


@bp.route("/api/resources/{resource_id}/connector", methods=["PUT"], authorizer=bearer_token)
@api_route
def put_resource_route(resource_id: str) -> Response:
    from chalicelib.admin.mappings import check_resource_id, route_resource  # cold start
    from chalicelib.domain.mapping import OrganizationRoute

    require_scope(bp, "admin")
    check_resource_id(resource_id)
    body = parse_body(bp.current_request.raw_body, OrganizationRoute)
    return json_response(route_resource(get_store(), resource_id, body.connector_id, now=_now()))


@bp.route("/api/resources/{resource_id}/connector", methods=["DELETE"], authorizer=bearer_token)
@api_route
def delete_resource_route(resource_id: str) -> Response:
    from chalicelib.admin.mappings import check_resource_id, unroute_resource  # cold start

    require_scope(bp, "admin")
    return json_response(unroute_resource(get_store(), check_resource_id(resource_id), now=_now()))
