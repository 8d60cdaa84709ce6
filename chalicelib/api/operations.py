"""Operations: health and the OpenAPI document (neither needs a token)."""

from __future__ import annotations

import logging

from chalice.app import Blueprint, Response

from chalicelib.api.dependencies import get_store
from chalicelib.api.http import JSON_HEADERS, json_response
from chalicelib.settings import get_settings

operations_blueprint = Blueprint(__name__)
log = logging.getLogger(__name__)


@operations_blueprint.route("/api/health", methods=["GET"])
def health() -> Response:
    """``{"status": "ok", "storage": "ok"}``, or 503 when DynamoDB cannot be reached."""
    try:
        get_store().ping()
    except Exception:
        log.exception("storage check failed")
        return json_response({"status": "degraded", "storage": "unreachable"}, 503)
    return json_response({"status": "ok", "storage": "ok"})


@operations_blueprint.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """The OpenAPI 3.1 document of the REST API, built on the first request of the process."""
    # Imported here: building the document imports every request model, which a cold start need not pay for.
    from chalicelib.api.openapi import document_json

    return Response(body=document_json(get_settings().public_url), status_code=200, headers=JSON_HEADERS)
