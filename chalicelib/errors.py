"""Domain errors. The API layer maps each to one HTTP status and a stable snake_case code."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: ``code`` is the stable machine-readable code, ``str(self)`` the sentence for a person."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, details: list[Any] | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.details = details or []


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 422


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    http_status = 413


class ConcurrentUpdate(Conflict):
    """A conditional write lost a race; the caller may re-read and retry."""

    code = "concurrent_update"
