"""Inventory levels, declared for the registry: to the default connector, after this conversation's invoices,
purchase orders and receipts; and the on-hand read that rides along in the default connector's conversations."""

from __future__ import annotations

from chalicelib.domain.connector import Connector
from chalicelib.domain.purchasing import InventoryLevelsDocument
from chalicelib.steps.base import Step
from chalicelib.transfers.inventory_levels.pipeline import SLUG, LevelsPipeline, OnHandStep
from chalicelib.transfers.inventory_levels.read import InventoryReadStep
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.kind_steps import document_steps, followed_steps
from chalicelib.transfers.po_receipts.pipeline import SLUG as RECEIPTS
from chalicelib.transfers.purchase_orders.pipeline import SLUG as PURCHASE_ORDERS

SEND = f"{SLUG}.add"


QB = QbNames(add="InventoryAdjustmentAdd", query="InventoryAdjustmentQuery", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def levels_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    steps = document_steps(LevelsPipeline(), QB, OPERATIONS, after, [OnHandStep()]) if wanted.send else []
    if wanted.sync:
        # The on-hand read rides along after whatever this conversation sends, and the deletions check.
        steps += [
            InventoryReadStep(depends_on=(*after, SEND) if wanted.send else after),
            *followed_steps(SLUG, QB),
        ]
    return steps


def _on_default_connector(connector: Connector) -> bool:
    return connector.is_default


KIND = TransferKind(
    slug=SLUG,
    label="Inventory Sync",
    order=80,
    switch="purchase_orders",
    routing="default",  # inventory lives only in the default connector's company file
    document_model=InventoryLevelsDocument,
    scope="purchases",
    qb=QB,
    operations=OPERATIONS,
    steps=levels_steps,
    followed=True,  # checked for deletions by the read that rides along
    requirements=Requirements(accounts=("inventory_adjustment",), inventory=True),
    keeps=("TxnID",),
    runs_after=("invoices", PURCHASE_ORDERS, RECEIPTS),
    refresh=_on_default_connector,
)
