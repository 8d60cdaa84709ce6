"""Receipts against purchase orders, declared for the registry: to the default connector, sent as
ItemReceiptAdd after this conversation's purchase orders."""

from __future__ import annotations

from chalicelib.domain.purchasing import PoReceiptDocument
from chalicelib.steps.base import Step
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.kind_steps import document_steps, followed_steps
from chalicelib.transfers.paid_dates import paid_sync_due
from chalicelib.transfers.po_receipts.pipeline import SLUG, LinesStep, ReceiptPipeline
from chalicelib.transfers.purchase_orders.pipeline import SLUG as PURCHASE_ORDERS

QB = QbNames(add="ItemReceiptAdd", query="ItemReceiptQuery", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def receipt_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    steps = followed_steps(SLUG, QB) if wanted.sync else []
    if wanted.send:
        steps += document_steps(ReceiptPipeline(), QB, OPERATIONS, after, [LinesStep()])
    return steps


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
