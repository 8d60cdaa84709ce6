"""Invoices, declared for the registry: routed by organization, sent as InvoiceAdd, paid dates read back."""

from __future__ import annotations

from chalicelib.domain.invoice import InvoiceDocument
from chalicelib.qbxml.invoices import build_invoice_changes_query
from chalicelib.steps.base import Step
from chalicelib.transfers.changes import change_steps
from chalicelib.transfers.customers import CustomerStep
from chalicelib.transfers.drift import DeletedStep
from chalicelib.transfers.invoices.pipeline import CUSTOMERS, ITEMS, SLUG, InvoicePipeline
from chalicelib.transfers.invoices.preview import preview_invoices
from chalicelib.transfers.items import ItemStep
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.paid_dates import PaidDateStep, paid_sync_due
from chalicelib.transfers.pipeline import PlanStep, ReconcileStep, SendStep

QB = QbNames(add="InvoiceAdd", query="InvoiceQuery", mod="InvoiceMod", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "update", "void")


def invoice_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    """Sending (plan, reconcile, customers, items, add) waits for ``after`` (the company check)."""
    pipeline = InvoicePipeline()
    steps: list[Step] = []
    if wanted.send:
        steps += [
            PlanStep(pipeline, depends_on=after),
            ReconcileStep(pipeline),
            CustomerStep(SLUG),
            ItemStep(SLUG),
            SendStep(pipeline, depends_on=(CUSTOMERS, ITEMS)),
            *change_steps(pipeline, QB, OPERATIONS, depends_on=(CUSTOMERS, ITEMS)),
        ]
    if wanted.sync:
        steps += [PaidDateStep(SLUG, build_invoice_changes_query, SETTLING), DeletedStep(SLUG, QB.txn_type)]
    return steps


# Linked transactions that settle an invoice.
SETTLING = frozenset({"ReceivePayment", "CreditMemo", "JournalEntry", "Deposit"})


KIND = TransferKind(
    slug=SLUG,
    label="Invoice",
    order=10,
    switch="invoices",
    routing="organization",
    document_model=InvoiceDocument,
    scope="sales",
    qb=QB,
    operations=OPERATIONS,
    steps=invoice_steps,
    requirements=Requirements(accounts=("other_income",), sales_tax_codes=True),
    keeps=("TxnID", "RefNumber", "TimeCreated"),
    followed=True,
    sync_due=paid_sync_due(SLUG),
    routing_id=lambda document: document.organization.id,
    preview=preview_invoices,
)
