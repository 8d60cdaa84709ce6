"""JSON in and out: body validation with pydantic, the error envelope, scope checks."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from chalice.app import Blueprint, Response

from chalicelib.errors import DomainError, Forbidden, InvalidInput, PayloadTooLarge

if TYPE_CHECKING:
    from pydantic import BaseModel

log = logging.getLogger(__name__)
Model = TypeVar("Model", bound="BaseModel")
MAX_JSON_BODY_BYTES = 1_000_000
JSON_HEADERS: dict[str, str | list[str]] = {"Content-Type": "application/json"}
# Answers that carry a secret shown once must not be kept by any cache.
NO_STORE: dict[str, str | list[str]] = {"Cache-Control": "no-store"}


def json_response(
    body: Any, status: int = 200, headers: dict[str, str | list[str]] | None = None
) -> Response:
    return Response(body=json.dumps(body), status_code=status, headers={**JSON_HEADERS, **(headers or {})})


def error_response(status: int, code: str, message: str, details: list[Any] | None = None) -> Response:
    """``{"error": {"code", "message", "details"}}``, the shape of every 4xx/5xx."""
    return json_response({"error": {"code": code, "message": message, "details": details or []}}, status)


def parse_body(raw: bytes | str | None, model: type[Model]) -> Model:
    """Validate a JSON body against ``model`` (unknown fields rejected); ``InvalidInput`` names each field."""
    from pydantic import ValidationError  # cold start: pydantic's models are built by the first request

    if raw is not None and len(raw) > MAX_JSON_BODY_BYTES:
        raise PayloadTooLarge(f"the request body is over {MAX_JSON_BODY_BYTES:,} bytes")
    if not raw:
        raise InvalidInput("the request needs a JSON body", code="body_required")
    refuse_xml_incompatible_text(raw)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        details = [
            {
                "field": ".".join(str(p) for p in err["loc"]) or "(body)",
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors(include_url=False, include_input=False)
        ]
        fields = ", ".join(d["field"] for d in details)
        raise InvalidInput(
            f"invalid request body: {fields}", code="validation_failed", details=details
        ) from exc


def refuse_xml_incompatible_text(raw: bytes | str) -> None:
    """422 naming the field when any string of a JSON body (keys too) holds text XML 1.0 cannot carry.

    Everything sent here may end up in qbXML; a control character accepted now would fail every conversation
    later. A body that is not JSON at all is left to the model's own validation (which names the problem).
    """
    # Imported here (cold start): compiling its pattern of the XML character ranges takes milliseconds.
    from chalicelib.domain.xml_text import describe_char, find_xml_incompatible

    try:
        data = json.loads(raw)
    except ValueError:
        return
    found = find_xml_incompatible(data)
    if found is None:
        return
    field, char = found
    raise InvalidInput(
        f"invalid request body: {field} holds the character {describe_char(char)}, which QuickBooks' XML "
        "cannot carry; remove it (control characters other than tab and line breaks are never allowed)",
        code="validation_failed",
        details=[{"field": field, "message": "text XML 1.0 cannot carry", "type": "xml_incompatible_text"}],
    )


def query_params(blueprint: Blueprint, allowed: set[str]) -> dict[str, str]:
    """The request's query parameters; 422 naming any this route does not know (a typo is never ignored)."""
    params: dict[str, str] = dict(blueprint.current_request.query_params or {})
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput(f"unknown query parameter(s): {', '.join(unknown)}", code="unknown_parameter")
    return params


def limit_param(params: dict[str, str], *, default: int, maximum: int) -> int:
    """The ``limit`` query parameter (a page size); 422 unless a whole number from 1 to ``maximum``."""
    try:
        limit = int(params.get("limit", str(default)))
    except ValueError:
        limit = 0
    if not 1 <= limit <= maximum:
        raise InvalidInput(
            f"limit must be a whole number from 1 to {maximum}",
            code="validation_failed",
            details=[{"field": "limit"}],
        )
    return limit


def require_scope(blueprint: Blueprint, scope: str) -> None:
    """403 unless the caller's token has ``scope`` (``admin`` may do everything)."""
    context = blueprint.current_request.context.get("authorizer") or {}
    granted = context.get("scope")
    if granted != "admin" and granted != scope:
        raise Forbidden(f"this route needs a token with the {scope!r} scope", code="insufficient_scope")


def api_route(func: Callable[..., Response]) -> Callable[..., Response]:
    """Map domain errors to the JSON error envelope; anything unexpected is a logged 500."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            return error_response(exc.http_status, exc.code, str(exc), exc.details)
        except Exception:
            log.exception("unexpected error in %s", func.__name__)
            return error_response(
                500, "internal_error", "Something went wrong on our side; it has been logged."
            )

    return wrapper
