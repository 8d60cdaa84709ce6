"""Operations: health (no auth)."""

from __future__ import annotations

import logging

from chalice.app import Blueprint, Response

from chalicelib.api.dependencies import get_store
from chalicelib.api.http import json_response

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
