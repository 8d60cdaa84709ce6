"""The dry run of invoices: which customers and items the next conversation would find or create, which
invoices fail now, and the InvoiceAdd requests. Nothing is written."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.invoices.pipeline import CUSTOMERS, ITEMS, SLUG, InvoicePipeline
from chalicelib.transfers.preview import Preview, build_adds, failing_now, plan_dry, predict


def preview_invoices(connector: Connector, ports: TransferPorts, lists: Any, *, now: str) -> Preview:
    """``lists`` answers ``entries(name)`` with the last pulled QuickBooks lists (or None)."""
    pipeline = InvoicePipeline()
    ctx, plan = plan_dry(pipeline, connector, ports, lists, now=now)
    customers = sorted(set(plan.get("customers", {}).values()))
    items = plan.get("items", {}).values()
    item_names = sorted({i["name"] for i in items})
    have_customers = predict(ctx, CUSTOMERS, customers, lists, "customers")
    have_items = predict(ctx, ITEMS, item_names, lists, "items")
    summary = {
        "documents": len(plan["ids"]),
        "lost_answers_to_check": len(plan["reconcile"]),
        "customers": {
            "linked": len(plan.get("linked", {})),
            "found_by_name": [n for n in customers if n.lower() in have_customers],
            "to_create": [n for n in customers if n.lower() not in have_customers],
        },
        "items": {
            "existing": [n for n in item_names if n.lower() in have_items],
            "to_create": sorted(
                {i["name"] for i in items if i["create"] and i["name"].lower() not in have_items}
            ),
            "mapped_but_missing": sorted(
                {i["name"] for i in items if not i["create"] and i["name"].lower() not in have_items}
            ),
        },
        "failing_now": failing_now(ports, SLUG, plan["ids"]),
    }
    return Preview(summary=summary, requests=build_adds(pipeline, ctx, plan))
