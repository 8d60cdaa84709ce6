"""The dry run of invoices: which customers and items the next conversation would find or create, which
invoices fail now, and the InvoiceAdd requests. Nothing is written."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.invoices.pipeline import CUSTOMERS, ITEMS, SLUG, InvoicePipeline
from chalicelib.transfers.preview import Preview, build_adds, failing_now, names_summary, plan_dry


def preview_invoices(connector: Connector, ports: TransferPorts, lists: Any, *, now: str) -> Preview:
    """``lists`` answers ``entries(name)`` with the last pulled QuickBooks lists (or None)."""
    pipeline = InvoicePipeline()
    ctx, plan = plan_dry(pipeline, connector, ports, lists, now=now)
    summary = {
        "documents": len(plan["ids"]),
        "lost_answers_to_check": len(plan["reconcile"]),
        **names_summary(ctx, plan, lists, customers=CUSTOMERS, items=ITEMS),
        "failing_now": failing_now(ports, SLUG, plan["ids"]),
    }
    return Preview(summary=summary, requests=build_adds(pipeline, ctx, plan))
