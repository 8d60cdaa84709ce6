"""Journal entries, declared for the registry: to the default connector, sent as JournalEntryAdd."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.domain.payables import JournalEntryDocument
from chalicelib.steps.base import Step
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.customers import CustomerStep
from chalicelib.transfers.journal_entries.pipeline import SLUG, JournalEntryPipeline
from chalicelib.transfers.kind import Operation, QbNames, StepsWanted, TransferKind
from chalicelib.transfers.kind_steps import document_steps, followed_steps
from chalicelib.transfers.paid_dates import paid_sync_due
from chalicelib.transfers.preview import Preview, preview_pipeline
from chalicelib.transfers.vendors import VendorStep

QB = QbNames(add="JournalEntryAdd", query="JournalEntryQuery", mod="JournalEntryMod", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def journal_entry_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    steps = followed_steps(SLUG, QB) if wanted.sync else []
    if wanted.send:
        # A journal entry's customers and vendors are matched, never created.
        needs: list[Step] = [CustomerStep(SLUG, creates=False), VendorStep(SLUG, creates=False)]
        steps += document_steps(JournalEntryPipeline(), QB, OPERATIONS, after, needs)
    return steps


def preview(connector: Connector, ports: TransferPorts, lists: Any, *, now: str) -> Preview:
    """The dry run: the vendors, customers and items the next conversation would find or create, and the adds."""
    return preview_pipeline(JournalEntryPipeline(), connector, ports, lists, now=now)


KIND = TransferKind(
    slug=SLUG,
    label="Journal Entry",
    order=50,
    switch="journal_entries",
    routing="default",
    document_model=JournalEntryDocument,
    scope="all",  # the general ledger: only a user with every right
    qb=QB,
    operations=OPERATIONS,
    followed=True,
    sync_due=paid_sync_due(SLUG),
    steps=journal_entry_steps,
    keeps=("TxnID", "RefNumber", "TimeCreated"),
    preview=preview,
)
