"""Receipts against purchase orders, declared for the registry: to the default connector, sent as
ItemReceiptAdd after this conversation's purchase orders."""

from __future__ import annotations

from chalicelib.domain.purchasing import PoReceiptDocument
from chalicelib.steps.base import Step
from chalicelib.transfers.changes import change_steps
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.pipeline import PlanStep, ReconcileStep, SendStep
from chalicelib.transfers.po_receipts.pipeline import LINES, SLUG, LinesStep, ReceiptPipeline
from chalicelib.transfers.purchase_orders.pipeline import SLUG as PURCHASE_ORDERS

QB = QbNames(add="ItemReceiptAdd", query="ItemReceiptQuery", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def receipt_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    if not wanted.send:
        return []
    pipeline = ReceiptPipeline()
    return [
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
    steps=receipt_steps,
    requirements=Requirements(inventory=True),
    keeps=("TxnID", "TimeCreated"),
    runs_after=(PURCHASE_ORDERS,),
)
