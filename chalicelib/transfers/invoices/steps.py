"""The invoice steps of a conversation, wired in dependency order."""

from __future__ import annotations

from chalicelib.conversation.steps import Step
from chalicelib.transfers.invoices.add import InvoiceAddStep
from chalicelib.transfers.invoices.customers import CustomerStep
from chalicelib.transfers.invoices.items import ItemStep
from chalicelib.transfers.invoices.paid_dates import PaidDateStep
from chalicelib.transfers.invoices.plan import InvoicePlanStep
from chalicelib.transfers.invoices.reconcile import ReconcileStep


def invoice_steps(*, send: bool, paid_sync: bool, after: tuple[str, ...]) -> list[Step]:
    """Sending (plan, reconcile, customers, items, add) waits for ``after`` (the company check)."""
    steps: list[Step] = []
    if send:
        steps += [
            InvoicePlanStep(depends_on=after),
            ReconcileStep(),
            CustomerStep(),
            ItemStep(),
            InvoiceAddStep(),
        ]
    if paid_sync:
        steps.append(PaidDateStep())
    return steps
