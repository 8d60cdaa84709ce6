"""Expense reports, declared for the registry: routed by resource, sent as a BillAdd to the resource's vendor,
paid dates read back."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.domain.payables import ExpenseReportDocument
from chalicelib.qbxml.bills import build_bill_changes_query
from chalicelib.steps.base import Step
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.bills.kind import BILL_SETTLING
from chalicelib.transfers.customers import CustomerStep
from chalicelib.transfers.expense_reports.pipeline import SLUG, ExpenseReportPipeline
from chalicelib.transfers.kind import Operation, QbNames, StepsWanted, TransferKind
from chalicelib.transfers.kind_steps import document_steps, followed_steps
from chalicelib.transfers.paid_dates import PaidDateStep, paid_sync_due
from chalicelib.transfers.preview import Preview, preview_pipeline
from chalicelib.transfers.vendors import VendorStep

QB = QbNames(add="BillAdd", query="BillQuery", mod="BillMod", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "void")


def expense_report_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    needs: list[Step] = [VendorStep(SLUG), CustomerStep(SLUG)]
    steps = document_steps(ExpenseReportPipeline(), QB, OPERATIONS, after, needs) if wanted.send else []
    if wanted.sync:
        steps += followed_steps(SLUG, QB, PaidDateStep(SLUG, build_bill_changes_query, BILL_SETTLING))
    return steps


def preview(connector: Connector, ports: TransferPorts, lists: Any, *, now: str) -> Preview:
    """The dry run: the vendors, customers and items the next conversation would find or create, and the adds."""
    return preview_pipeline(ExpenseReportPipeline(), connector, ports, lists, now=now)


KIND = TransferKind(
    slug=SLUG,
    label="Expense Report",
    order=30,
    switch="expense_reports",
    routing="resource",
    document_model=ExpenseReportDocument,
    scope="purchases",
    qb=QB,
    operations=OPERATIONS,
    steps=expense_report_steps,
    keeps=("TxnID", "RefNumber", "TimeCreated"),
    followed=True,
    sync_due=paid_sync_due(SLUG),
    routing_id=lambda document: document.resource.id,
    preview=preview,
)
