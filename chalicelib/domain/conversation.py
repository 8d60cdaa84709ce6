"""Conversations (one QBWC session each) and the exact status strings an admin sees."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from chalicelib.domain.base import StoredModel


class ConversationStatus(StrEnum):
    """Conversation outcomes, exactly as product.md spells them."""

    IN_PROGRESS = "In Progress"
    SUCCESS = "Success"
    CONFIGURATION_ISSUES = "Success, but there are configuration issues that need attention"
    FINISHED_WITH_ERRORS = "Finished, but with errors on the following transfers"
    UNSUCCESSFUL = "Unsuccessful - Could not communicate with QuickBooks"
    PASSWORD_INCORRECT = "The password is incorrect"  # noqa: S105 - a status, not a password
    USER_LOCKED = "The user account is locked"
    CONNECTOR_INACTIVE = "The connector is inactive"


AUTH_FAILURE_STATUSES = frozenset(
    {
        ConversationStatus.PASSWORD_INCORRECT,
        ConversationStatus.USER_LOCKED,
        ConversationStatus.CONNECTOR_INACTIVE,
    }
)


class Issue(StoredModel):
    """A configuration issue or an error, with what a person should do about it."""

    code: str
    message: str
    fix: str = ""


class TransferIssue(Issue):
    """A transfer that failed in a conversation, as data: rendered to text only where a person reads it."""

    kind: str = ""  # the transfer kind's slug
    transfer_id: str = ""
    source_id: str = ""
    number: str = ""  # what people know the document by (an invoice's number)

    def line(self) -> str:
        """``<number> (<source id>): <message>``, how the conversation's message names it."""
        return f"{self.number or self.source_id} ({self.source_id}): {self.message}"


class TransferCounts(StoredModel):
    sent: int = 0
    ok: int = 0
    failed: int = 0


def new_conversation_id() -> str:
    """A conversation's public id. It is no credential: the QBWC ticket never leaves the SOAP exchange."""
    return "cv_" + secrets.token_hex(12)


def legacy_conversation_id(ticket: str) -> str:
    """The public id of a conversation stored before conversations had one (derived, one-way, from its ticket).

    Transfer histories written then name the ticket; both sides map through this function, so old links still
    meet and no ticket is ever shown.
    """
    return "cv_" + hashlib.sha256(f"conversation\n{ticket}".encode()).hexdigest()[:24]


class Conversation(StoredModel):
    """One entry of a connector's conversation log."""

    id: str
    connector_id: str
    user: str
    started_at: str
    ended_at: str | None = None
    last_activity_at: str
    status: str = ConversationStatus.IN_PROGRESS.value
    message: str = ""
    counts: dict[str, TransferCounts] = Field(default_factory=dict)
    configuration_issues: list[Issue] = Field(default_factory=list)
    errors: list[TransferIssue] = Field(default_factory=list)
    # Repeated identical authentication failures fold into one entry (product.md, Decisions).
    attempts: int = 1
    last_attempt_at: str | None = None
    company_file_location: str | None = None
    progress: int = 0

    @model_validator(mode="before")
    @classmethod
    def _id_from_legacy_ticket(cls, data: Any) -> Any:
        # Entries stored before conversations had a public id carry the ticket instead; it is never kept.
        if isinstance(data, dict) and "ticket" in data:
            data = dict(data)
            ticket = str(data.pop("ticket") or "")
            data.setdefault("id", legacy_conversation_id(ticket))
        return data


def finished_status(
    *, unsuccessful: bool, error_kinds: set[str], has_configuration_issues: bool, labels: dict[str, str]
) -> str:
    """The status of an ended conversation, by the precedence of product.md; ``labels`` (kind slug -> label,
    in status order) name the kinds with errors."""
    if unsuccessful:
        return ConversationStatus.UNSUCCESSFUL.value
    if error_kinds:
        # Two kinds may share a label (receipts and levels are both "Inventory Sync"): named once.
        named = list(dict.fromkeys(label for kind, label in labels.items() if kind in error_kinds))
        named += sorted(kind for kind in error_kinds if kind not in labels)
        return f"{ConversationStatus.FINISHED_WITH_ERRORS.value}: {', '.join(named)}"
    if has_configuration_issues:
        return ConversationStatus.CONFIGURATION_ISSUES.value
    return ConversationStatus.SUCCESS.value


def abandoned_message(idle_seconds: int) -> str:
    """Why a session with no callback for the idle time ended."""
    return (
        f"QuickBooks Web Connector stopped calling for {_duration(idle_seconds)}; the session was abandoned. "
        "Usual causes: QBWC was closed or the update cancelled, the PC went to sleep, or the network dropped. "
        "Nothing is lost or sent twice: the next scheduled update picks up the remaining work."
    )


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
