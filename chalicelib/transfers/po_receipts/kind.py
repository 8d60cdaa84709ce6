"""Receipts against purchase orders, declared for the registry: to the default connector, sent as
ItemReceiptAdd after this conversation's purchase orders."""

from __future__ import annotations

from chalicelib.domain.purchasing import PoReceiptDocument
from chalicelib.steps.base import Step
from chalicelib.transfers.changes import change_steps
from chalicelib.transfers.drift import DeletedStep
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.paid_dates import paid_sync_due
from chalicelib.transfers.pipeline import PlanStep, ReconcileStep, SendStep
from chalicelib.transfers.po_receipts.pipeline import LINES, SLUG, LinesStep, ReceiptPipeline
from chalicelib.transfers.purchase_orders.pipeline import SLUG as PURCHASE_ORDERS

QB = QbNames(add="ItemReceiptAdd", query="ItemReceiptQuery", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def receipt_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    # The kind's sync: which of its transactions were deleted in QuickBooks.
    steps: list[Step] = [DeletedStep(SLUG, QB.txn_type, own_mark=True)] if wanted.sync else []
    if not wanted.send:
        return steps
    pipeline = ReceiptPipeline()
    return [
        *steps,
        PlanStep(pipeline, depends_on=after),
        ReconcileStep(pipeline),
        LinesStep(),
        SendStep(pipeline, depends_on=(LINES,)),
        *change_steps(pipeline, QB, OPERATIONS, depends_on=(LINES,)),
    ]


KIND = TransferKind(
    slug=SLUG,
    label="Inventory Sync",
    order=70,
    switch="purchase_orders",
    routing="default",  # inventory lives only in the default connector's company file
    document_model=PoReceiptDocument,
    scope="purchases",
    qb=QB,
    operations=OPERATIONS,
    followed=True,
    sync_due=paid_sync_due(SLUG),
    steps=receipt_steps,
    requirements=Requirements(inventory=True),
    keeps=("TxnID", "TimeCreated"),
    runs_after=(PURCHASE_ORDERS,),
)
