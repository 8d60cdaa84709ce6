"""Transfers: one document on its way to QuickBooks, with its history."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from chalicelib.domain.base import StoredModel
from chalicelib.domain.conversation import legacy_conversation_id

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
    conversation: str | None = None  # the public id of the conversation that made the change
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _conversation_from_legacy_ticket(cls, data: Any) -> Any:
        # Entries written before conversations had a public id named the QBWC ticket: never shown again.
        if isinstance(data, dict) and "ticket" in data:
            data = dict(data)
            ticket = data.pop("ticket")
            if ticket and not data.get("conversation"):
                data["conversation"] = legacy_conversation_id(str(ticket))
        return data


class Transfer(StoredModel):
    """A stored transfer. ``document`` is the validated source document as JSON."""

    id: str
    kind: str  # a registered kind's slug (chalicelib.transfers.registry)
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
    # A document of several QuickBooks transactions (a timesheet's entries): the TxnID of each part that is in
    # QuickBooks, by the part's key; a retry sends only the parts missing here.
    qb_parts: dict[str, str] = Field(default_factory=dict)
    # Whether a sync follows it once transferred (its kind reads paid dates back).
    followed: bool = False
    paid_date: str | None = None
    in_flight_conversation: str | None = None  # the conversation whose message carries it (while in_flight)
    error: TransferError | None = None
    # What went through but deserves a look (a product QuickBooks does not have, left out of a levels sync).
    warnings: list[str] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _in_flight_from_legacy_ticket(cls, data: Any) -> Any:
        if isinstance(data, dict) and "in_flight_ticket" in data:
            data = dict(data)
            ticket = data.pop("in_flight_ticket")
            if ticket and not data.get("in_flight_conversation"):
                data["in_flight_conversation"] = legacy_conversation_id(str(ticket))
        return data

    def record(
        self, status: TransferStatus, at: str, *, conversation: str | None = None, note: str = ""
    ) -> None:
        """Move to ``status`` and say so in the history (the newest 50 entries are kept)."""
        self.status = status
        self.updated_at = at
        entry = HistoryEntry(at=at, status=status, conversation=conversation, note=note)
        self.history = [*self.history, entry][-50:]

    def public(self) -> dict[str, Any]:
        return self.model_dump(exclude={"in_flight_conversation"})


def transfer_id(kind: str, source_id: str) -> str:
    """The transfer's id, derived from (kind, source_id): enqueueing the same document twice finds it again."""
    digest = hashlib.sha256(f"{kind}\n{source_id}".encode()).hexdigest()[:24]
    return f"{kind[:3]}_{digest}"


def external_guid(transfer_id_: str) -> str:
    """The ``{GUID}`` stamped on the QuickBooks transaction, so the bridge can recognise its own documents."""
    return "{" + str(uuid.uuid5(_GUID_NAMESPACE, transfer_id_)).upper() + "}"
