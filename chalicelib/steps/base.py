"""Steps: every kind of exchange with QuickBooks is a step with two halves, build requests and apply answers.

The engine only sequences steps and packs their requests into messages; adding a transfer kind means adding
steps, not editing the engine. A step keeps its own JSON-safe state in the dict the engine hands it, and
``requests`` must not change that state: a request that did not fit into this message is simply asked for
again next time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

from lxml import etree
from pydantic import BaseModel

from chalicelib.domain.connector import Connector
from chalicelib.domain.conversation import Issue, TransferIssue
from chalicelib.domain.transfer import Transfer
from chalicelib.qbxml.hcp import CompanyInfo
from chalicelib.qbxml.responses import QbResponse
from chalicelib.steps.ports import TransferPorts

DocumentT = TypeVar("DocumentT", bound=BaseModel)


class QbListSink(Protocol):
    """Where pulled QuickBooks lists go (the store's list repository fits)."""

    def write_page(
        self, connector_id: str, list_name: str, *, generation: str, page: int, entries: list[dict[str, Any]]
    ) -> None: ...

    def commit(
        self, connector_id: str, list_name: str, *, generation: str, read_at: str, count: int
    ) -> None: ...


class QbListSource(Protocol):
    def entries(self, list_name: str) -> list[dict[str, Any]] | None:
        """The freshest committed entries of a list, or None if it was never read."""


@dataclass
class StepContext:
    """What steps may know about the world during one callback."""

    connector: Connector
    company: CompanyInfo
    now: str
    generation: str  # the conversation id: tags list pages and transfer history entries of this conversation
    list_sink: QbListSink
    list_source: QbListSource
    ports: TransferPorts | None = None  # storage for transfer steps (None when a conversation has none)
    configuration_issues: list[Issue] = field(default_factory=list)
    failed_steps: set[str] = field(default_factory=set)  # keys of steps that ended without their data
    errors: list[TransferIssue] = field(default_factory=list)  # transfers failed in this callback
    states: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # every step's state, read-only for others
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> sent / ok / failed
    # While the engine builds a message: the most requests it may carry (0 otherwise). Steps that check what
    # they send just before sending it check that much.
    message_slots: int = 0
    _documents: dict[tuple[type, str, int], Any] = field(default_factory=dict, repr=False)

    def document(self, model: type[DocumentT], transfer: Transfer) -> DocumentT:
        """``transfer``'s document read as ``model``, once per callback however many steps read it (planning,
        checking and building each need it; validating a document is not free)."""
        key = (model, transfer.id, transfer.version)
        found = self._documents.get(key)
        if found is None:
            found = self._documents[key] = model.model_validate(transfer.document)
        return cast(DocumentT, found)

    def add_configuration_issue(self, code: str, message: str, fix: str) -> None:
        if all(i.code != code or i.message != message for i in self.configuration_issues):
            self.configuration_issues.append(Issue(code=code, message=message, fix=fix))

    def count(self, kind: str, what: str, n: int = 1) -> None:
        tally = self.counts.setdefault(kind, {"sent": 0, "ok": 0, "failed": 0})
        tally[what] += n

    def record_error(self, kind: str, transfer: Transfer) -> None:
        """A transfer failed in this conversation: it is counted and named in the conversation's message."""
        error = transfer.error
        self.count(kind, "failed")
        self.errors.append(
            TransferIssue(
                code=error.code if error else "failed",
                message=(error.explanation or error.message) if error else "failed",
                fix=error.fix if error else "",
                kind=kind,
                transfer_id=transfer.id,
                source_id=transfer.source_id,
                number=str(transfer.document.get("number") or transfer.source_id),
            )
        )


class Step(Protocol):
    """One kind of exchange. ``key`` is unique within a conversation and prefixes the step's requestIDs."""

    key: str

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        """Whether the steps this one depends on are done (``states`` holds every step's state)."""

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        """Work that needs no QuickBooks round trip (decide what to create, evaluate checks). Idempotent."""

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> Iterable[tuple[str, etree._Element]]:
        """The requests this step wants in the next message, as (local tag, element without requestID), in
        order; the engine takes them until the message is full (a generator builds no more than that)."""

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        """The requests under ``tags`` are in the message about to leave (persist what must precede it)."""

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        """Take QuickBooks' answer to the request sent under ``tag``."""

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        """The request sent under ``tag`` got no answer (the message failed as a whole)."""

    def is_done(self, state: dict[str, Any]) -> bool: ...

    def remaining_messages(self, state: dict[str, Any]) -> int:
        """An honest estimate of the messages this step still needs (0 when done)."""
