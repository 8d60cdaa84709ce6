"""Transfers: one document on its way to QuickBooks, with its history."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from chalicelib.domain.base import StoredModel

TransferKind = Literal["invoices", "timesheets", "expense-reports", "purchase-orders"]
TransferStatus = Literal["queued", "in_flight", "transferred", "failed", "needs_attention", "cancelled"]
TRANSFER_STATUSES: tuple[str, ...] = (
    "queued",
    "in_flight",
    "transferred",
    "failed",
    "needs_attention",
    "cancelled",
)
# Statuses a conversation still has to act on: they sit in the connector's queue index.
PENDING_STATUSES = frozenset({"queued", "in_flight", "failed"})
MAX_ATTEMPTS = 3
_GUID_NAMESPACE = uuid.UUID("6f6d2f38-6a5c-4f07-9d1e-7a2f5b0c9e41")


@dataclass(frozen=True)
class CustomerLink:
    """The QuickBooks customer an organization became on one connector."""

    org_id: str
    list_id: str
    full_name: str
    currency: str | None = None  # the customer's currency, when the company file has multi-currency on


class TransferError(StoredModel):
    """Why the last attempt failed, and what a person should do (from the error catalogue)."""

    code: str
    message: str
    explanation: str = ""
    fix: str = ""
    status_code: int | None = None


class HistoryEntry(StoredModel):
    at: str
    status: str
    ticket: str | None = None
    note: str = ""


class Transfer(StoredModel):
    """A stored transfer. ``document`` is the validated source document as JSON."""

    id: str
    kind: TransferKind
    source_id: str
    connector_id: str
    status: TransferStatus = "queued"
    attempts: int = 0
    document: dict[str, Any]
    organization_id: str | None = None
    enqueued_at: str
    updated_at: str
    external_guid: str
    qb_txn_id: str | None = None
    qb_ref_number: str | None = None
    qb_time_created: str | None = None
    paid_date: str | None = None
    in_flight_ticket: str | None = None
    error: TransferError | None = None
    history: list[HistoryEntry] = Field(default_factory=list)

    def record(self, status: TransferStatus, at: str, *, ticket: str | None = None, note: str = "") -> None:
        """Move to ``status`` and say so in the history (the newest 50 entries are kept)."""
        self.status = status
        self.updated_at = at
        self.history = [*self.history, HistoryEntry(at=at, status=status, ticket=ticket, note=note)][-50:]

    def public(self) -> dict[str, Any]:
        return self.model_dump(exclude={"in_flight_ticket"})


def transfer_id(kind: str, source_id: str) -> str:
    """The transfer's id, derived from (kind, source_id): enqueueing the same document twice finds it again."""
    digest = hashlib.sha256(f"{kind}\n{source_id}".encode()).hexdigest()[:24]
    return f"{kind[:3]}_{digest}"


def external_guid(transfer_id_: str) -> str:
    """The ``{GUID}`` stamped on the QuickBooks transaction, so the bridge can recognise its own documents."""
    return "{" + str(uuid.uuid5(_GUID_NAMESPACE, transfer_id_)).upper() + "}"
