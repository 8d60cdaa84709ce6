"""The registry of transfer kinds: the one list generic code iterates over.

Built-in kinds are loaded on first use (their packages import the qbXML builders; loading them lazily keeps
a cold start that needs none of them cheap). A test, or a later kind, adds itself with ``register``; nothing
else has to change for it to be enqueued, listed, sent, counted and named in statuses.
"""

from __future__ import annotations

import importlib
from datetime import datetime

from chalicelib.domain.connector import Connector
from chalicelib.steps.requirements import KindRequirements
from chalicelib.transfers.kind import TransferKind

BUILT_IN = (
    "chalicelib.transfers.invoices.kind",
    "chalicelib.transfers.timesheets.kind",
    "chalicelib.transfers.expense_reports.kind",
    "chalicelib.transfers.bills.kind",
    "chalicelib.transfers.journal_entries.kind",
    "chalicelib.transfers.purchase_orders.kind",
    "chalicelib.transfers.po_receipts.kind",
    "chalicelib.transfers.inventory_levels.kind",
)

_kinds: dict[str, TransferKind] = {}
_loaded = False


def register(kind: TransferKind) -> None:
    """Add ``kind`` (or replace the kind with its slug)."""
    _kinds[kind.slug] = kind


def unregister(slug: str) -> None:
    """Remove a kind (tests that registered a throwaway kind clean up with this)."""
    _kinds.pop(slug, None)


def _load() -> None:
    global _loaded  # the built-ins are imported once per process
    if _loaded:
        return
    _loaded = True
    for module in BUILT_IN:
        register(importlib.import_module(module).KIND)


def kinds() -> list[TransferKind]:
    """Every registered kind, in status order (Invoice, Timesheet, ...)."""
    _load()
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.slug))


def find(slug: str) -> TransferKind | None:
    _load()
    return _kinds.get(slug)


def get(slug: str) -> TransferKind:
    kind = find(slug)
    if kind is None:
        raise KeyError(f"no transfer kind {slug!r}")
    return kind


def labels() -> dict[str, str]:
    """slug -> label, in status order."""
    return {kind.slug: kind.label for kind in kinds()}


def enabled(connector: Connector) -> list[TransferKind]:
    """The kinds whose switch is on for ``connector``."""
    switches = connector.transfers.model_dump()
    return [kind for kind in kinds() if switches.get(kind.switch)]


def may_send(user_scope: str, kind: TransferKind) -> bool:
    """Whether a QBWC user of ``user_scope`` may send documents of ``kind`` (transfer-kinds.md, "Access
    scopes"): ``all`` sends everything; ``sales``, ``purchases`` and ``payroll`` the kinds of that scope."""
    return user_scope == "all" or user_scope == kind.scope


def requirements(connector: Connector) -> list[KindRequirements]:
    """What the company check asks for: the enabled kinds' requirements."""
    return [
        KindRequirements(
            slug=kind.slug,
            label=kind.label,
            accounts=kind.requirements.accounts,
            sales_tax_codes=kind.requirements.sales_tax_codes,
            time_tracking=kind.requirements.time_tracking,
            inventory=kind.requirements.inventory,
        )
        for kind in enabled(connector)
    ]


def refreshes(kind: TransferKind, connector: Connector) -> bool:
    """Whether ``kind``'s read rides along in ``connector``'s conversations (see ``TransferKind.refresh``)."""
    return kind.refresh is not None and kind.refresh(connector)


def sync_due(kind: TransferKind, connector: Connector, now: datetime) -> bool:
    """Whether ``kind``'s sync (paid dates) is due on ``connector`` now."""
    return kind.sync_due is not None and kind.sync_due(connector, now)
