"""Vendor bills, declared for the registry: to the default connector, sent as BillAdd, paid dates read back."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.domain.payables import BillDocument
from chalicelib.qbxml.bills import build_bill_changes_query
from chalicelib.steps.base import Step
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.bills.pipeline import SLUG, BillPipeline
from chalicelib.transfers.customers import CustomerStep
from chalicelib.transfers.items import ItemStep
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.kind_steps import document_steps, followed_steps
from chalicelib.transfers.paid_dates import PaidDateStep, paid_sync_due
from chalicelib.transfers.preview import Preview, preview_pipeline
from chalicelib.transfers.vendors import VendorStep

# Linked transactions that settle a bill.
BILL_SETTLING = frozenset({"BillPaymentCheck", "BillPaymentCreditCard", "VendorCredit", "JournalEntry"})


QB = QbNames(add="BillAdd", query="BillQuery", mod="BillMod", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "update", "void")


def bill_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    needs: list[Step] = [VendorStep(SLUG), CustomerStep(SLUG), ItemStep(SLUG)]
    steps = document_steps(BillPipeline(), QB, OPERATIONS, after, needs) if wanted.send else []
    if wanted.sync:
        steps += followed_steps(SLUG, QB, PaidDateStep(SLUG, build_bill_changes_query, BILL_SETTLING))
    return steps


def preview(connector: Connector, ports: TransferPorts, lists: Any, *, now: str) -> Preview:
    """The dry run: the vendors, customers and items the next conversation would find or create, and the adds."""
    return preview_pipeline(BillPipeline(), connector, ports, lists, now=now)


KIND = TransferKind(
    slug=SLUG,
    label="Bill",
    order=40,
    switch="bills",
    routing="default",
    document_model=BillDocument,
    scope="purchases",
    qb=QB,
    operations=OPERATIONS,
    steps=bill_steps,
    requirements=Requirements(accounts=("other_income", "cost_of_goods_sold")),
    keeps=("TxnID", "RefNumber", "TimeCreated"),
    followed=True,
    sync_due=paid_sync_due(SLUG),
    preview=preview,
)
