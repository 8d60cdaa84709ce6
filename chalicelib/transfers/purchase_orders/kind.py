"""Purchase orders, declared for the registry: to the default connector, sent as PurchaseOrderAdd."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.domain.purchasing import PurchaseOrderDocument
from chalicelib.steps.base import Step
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.customers import CustomerStep
from chalicelib.transfers.items import ItemStep
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.kind_steps import document_steps, followed_steps
from chalicelib.transfers.paid_dates import paid_sync_due
from chalicelib.transfers.preview import Preview, preview_pipeline
from chalicelib.transfers.purchase_orders.pipeline import (
    SLUG,
    PurchaseOrderPipeline,
)
from chalicelib.transfers.vendors import VendorStep

QB = QbNames(add="PurchaseOrderAdd", query="PurchaseOrderQuery", mod="PurchaseOrderMod", void="TxnDel")
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def purchase_order_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    steps = followed_steps(SLUG, QB) if wanted.sync else []
    if wanted.send:
        needs: list[Step] = [VendorStep(SLUG), CustomerStep(SLUG), ItemStep(SLUG)]
        steps += document_steps(PurchaseOrderPipeline(), QB, OPERATIONS, after, needs)
    return steps


def preview(connector: Connector, ports: TransferPorts, lists: Any, *, now: str) -> Preview:
    """The dry run: the vendors, customers and inventory parts the next conversation would find or create."""
    return preview_pipeline(PurchaseOrderPipeline(), connector, ports, lists, now=now)


KIND = TransferKind(
    slug=SLUG,
    label="Purchase Order",
    order=60,
    switch="purchase_orders",
    routing="default",  # inventory lives only in the default connector's company file
    document_model=PurchaseOrderDocument,
    scope="purchases",
    qb=QB,
    operations=OPERATIONS,
    followed=True,
    sync_due=paid_sync_due(SLUG),
    steps=purchase_order_steps,
    requirements=Requirements(
        accounts=("po_income", "cost_of_goods_sold", "inventory_asset"), inventory=True
    ),
    keeps=("TxnID", "RefNumber", "TimeCreated"),
    preview=preview,
)
