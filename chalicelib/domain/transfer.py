"""Transfers: one document on its way to QuickBooks, with its history."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from chalicelib.domain.base import StoredModel, StrictModel
from chalicelib.domain.conversation import legacy_conversation_id

TransferStatus = Literal[
    "queued", "in_flight", "transferred", "failed", "needs_attention", "cancelled", "voided"
]
# What the pending (or last) operation does in QuickBooks: the first add, an update (Mod) of what is there, or a
# void (TxnVoid, or TxnDel for what QuickBooks only deletes).
Operation = Literal["add", "update", "void"]
TRANSFER_STATUSES: tuple[str, ...] = (
    "queued",
    "in_flight",
    "transferred",
    "failed",
    "needs_attention",
    "cancelled",
    "voided",
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
    version: int = 1  # the document's version the entry is about
    operation: Operation = "add"

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
    # Changes after transfer (transfer-kinds.md): ``status`` is about the pending ``operation``; what QuickBooks
    # holds is ``in_quickbooks`` at ``version_in_quickbooks``. ``version`` counts the bodies the source sent
    # since the first one reached QuickBooks (earlier bodies are kept as version items, not in this one).
    operation: Operation = "add"
    in_quickbooks: bool = False
    version: int = 1
    version_in_quickbooks: int | None = None
    # What the bridge last wrote, as QuickBooks reported it: how a person's edit is told from the bridge's own.
    qb_edit_sequence: str | None = None
    qb_fingerprint: str | None = None  # of the lines and totals (chalicelib.qbxml.changes.txn_fingerprint)
    qb_line_ids: dict[str, str] = Field(default_factory=dict)  # the source's line id -> QuickBooks TxnLineID
    sent_edit_sequence: str | None = None  # the EditSequence an update in flight was sent with
    force: bool = False  # the next update overwrites a person's edit (an admin's requeue with force)
    changed_in_quickbooks_at: str | None = None
    deleted_in_quickbooks_at: str | None = None
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

    @model_validator(mode="before")
    @classmethod
    def _in_quickbooks_from_legacy(cls, data: Any) -> Any:
        # Transfers stored before changes after transfer: what is transferred is in QuickBooks at version 1.
        if isinstance(data, dict) and "in_quickbooks" not in data and data.get("status") == "transferred":
            data = {**data, "in_quickbooks": True, "version_in_quickbooks": 1}
        return data

    def record(
        self, status: TransferStatus, at: str, *, conversation: str | None = None, note: str = ""
    ) -> None:
        """Move to ``status`` and say so in the history (the newest 50 entries are kept)."""
        self.status = status
        self.updated_at = at
        entry = HistoryEntry(
            at=at,
            status=status,
            conversation=conversation,
            note=note,
            version=self.version,
            operation=self.operation,
        )
        self.history = [*self.history, entry][-50:]

    def public(self) -> dict[str, Any]:
        return self.model_dump(exclude={"in_flight_conversation"})


class RequeueOptions(StrictModel):
    """Body of ``POST /api/transfers/{id}/requeue`` (optional): ``force`` lets an update overwrite what a person
    changed in QuickBooks (after it failed with ``changed_in_quickbooks``)."""

    force: bool = False


def transfer_id(kind: str, source_id: str) -> str:
    """The transfer's id, derived from (kind, source_id): enqueueing the same document twice finds it again."""
    digest = hashlib.sha256(f"{kind}\n{source_id}".encode()).hexdigest()[:24]
    return f"{kind[:3]}_{digest}"


def external_guid(transfer_id_: str) -> str:
    """The ``{GUID}`` stamped on the QuickBooks transaction, so the bridge can recognise its own documents."""
    return "{" + str(uuid.uuid5(_GUID_NAMESPACE, transfer_id_)).upper() + "}"
