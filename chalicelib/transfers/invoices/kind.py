"""Invoices, declared for the registry: routed by organization, sent as InvoiceAdd, paid dates read back."""

from __future__ import annotations

from chalicelib.domain.invoice import InvoiceDocument
from chalicelib.qbxml.invoices import build_invoice_changes_query
from chalicelib.steps.base import Step
from chalicelib.transfers.customers import CustomerStep
from chalicelib.transfers.invoices.pipeline import SLUG, InvoicePipeline
from chalicelib.transfers.invoices.preview import preview_invoices
from chalicelib.transfers.items import ItemStep
from chalicelib.transfers.kind import Operation, QbNames, Requirements, StepsWanted, TransferKind
from chalicelib.transfers.kind_steps import document_steps, followed_steps
from chalicelib.transfers.paid_dates import PaidDateStep, paid_sync_due

QB = QbNames(add="InvoiceAdd", query="InvoiceQuery", mod="InvoiceMod", void="TxnVoid")
OPERATIONS: tuple[Operation, ...] = ("add", "update", "void")


def invoice_steps(wanted: StepsWanted, after: tuple[str, ...]) -> list[Step]:
    """Sending (plan, reconcile, customers, items, add) waits for ``after`` (the company check)."""
    needs: list[Step] = [CustomerStep(SLUG), ItemStep(SLUG)]
    steps = document_steps(InvoicePipeline(), QB, OPERATIONS, after, needs) if wanted.send else []
    if wanted.sync:
        steps += followed_steps(SLUG, QB, PaidDateStep(SLUG, build_invoice_changes_query, SETTLING))
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
