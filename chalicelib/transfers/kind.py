"""What a transfer kind declares: everything generic code (the engine's wiring, the SOAP service, the REST
routes, OpenAPI, the preview, the store's indexes, notices, the admin page) needs to know about it.

A kind is a plug-in: its package builds one ``TransferKind`` and the registry lists it. Nothing outside the
kind's package names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from chalicelib.domain.connector import Connector
from chalicelib.steps.base import Step
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.preview import Preview

Routing = Literal["organization", "resource", "default"]
Scope = Literal["sales", "purchases", "payroll", "all"]
Operation = Literal["add", "update", "void", "delete"]


class PreviewFn(Protocol):
    def __call__(self, connector: Connector, ports: TransferPorts, lists: Any, *, now: str) -> Preview: ...


@dataclass(frozen=True)
class QbNames:
    """The kind's QuickBooks requests: the Add it sends, the query that finds its documents again (lost
    answers), and later the Mod and the void or delete."""

    add: str
    query: str
    mod: str | None = None
    void: Literal["TxnVoid", "TxnDel"] | None = None
    lines: bool = True  # whether its query takes IncludeLineItems (TimeTrackingQuery has no lines)

    @property
    def txn_type(self) -> str:
        """The transaction's type in TxnVoid / TxnDel / TxnDeleted requests ("Invoice", "TimeTracking")."""
        return self.add.removesuffix("Add")

    @property
    def deletes(self) -> bool:
        """Whether QuickBooks only deletes it (TxnDel) rather than voiding it."""
        return self.void == "TxnDel"


@dataclass(frozen=True)
class Requirements:
    """What the company file must have before the kind sends anything (configuration issues otherwise)."""

    accounts: tuple[str, ...] = ()  # fields of the connector's ``accounts``
    sales_tax_codes: bool = False  # the tax codes, when the company file has sales tax on
    time_tracking: bool = False  # HCP TimeTrackingPreferences
    inventory: bool = False  # HCP PurchasesAndVendorsPreferences/IsUsingInventory


@dataclass(frozen=True)
class StepsWanted:
    """What a conversation does for a kind: send its queued documents, and/or run its sync (paid dates)."""

    send: bool
    sync: bool


@dataclass(frozen=True)
class TransferKind:
    """One kind of document. ``slug`` is its one spelling: URL, stored ``kind``, counts and filters."""

    slug: str  # "invoices", "timesheets", ...
    label: str  # "Invoice": how statuses and e-mails name it
    order: int  # its place in "Finished, but with errors on the following transfers: ..."
    switch: str  # the connector's ``transfers`` field that turns it on
    routing: Routing
    document_model: type[BaseModel]
    scope: Scope  # the QBWC user scope that may send it
    qb: QbNames
    steps: Callable[[StepsWanted, tuple[str, ...]], list[Step]]  # its steps, after the given step keys
    requirements: Requirements = Requirements()
    operations: tuple[Operation, ...] = ("add",)
    # What it keeps from QuickBooks' answer (documentation for the admin and for updates later).
    keeps: tuple[str, ...] = ("TxnID",)
    followed: bool = False  # a sync reads something back after transfer (paid dates, deletions in QuickBooks)
    # Whether its sync is due now (None: the kind has no sync); ``has_followed`` says whether any is followed.
    sync_due: Callable[[Connector, datetime], bool] | None = None
    # The routing key of a validated document (organization or resource id; None: the default connector).
    routing_id: Callable[[Any], str | None] = field(default=lambda document: None)
    # The dry run: (summary, qbXML requests) from the connector's lists, writing nothing.
    preview: PreviewFn | None = None
    max_document_bytes: int = 300_000
    # Kinds whose documents go first in a conversation that sends both (receipts after their purchase orders):
    # this kind's plan waits for their send step (``<slug>.add``, the shared ``SendStep``).
    runs_after: tuple[str, ...] = ()
    # A read that rides along in every conversation that happens anyway on a connector for which this says
    # True (on-hand quantities), never a conversation of its own; it runs as the kind's sync.
    refresh: Callable[[Connector], bool] | None = None

    @property
    def plan_key(self) -> str:
        return f"{self.slug}.plan"
