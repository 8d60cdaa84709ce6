"""The dry run: what the next conversation would send for the queued invoices, sending nothing.

It plans exactly as a conversation does, predicts which customers and items QuickBooks already has from the
lists the last conversation read, and renders the InvoiceAdd messages. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.conversation.steps import StepContext
from chalicelib.domain.connector import Connector
from chalicelib.qbxml.document import render_request_message
from chalicelib.qbxml.hcp import CompanyInfo
from chalicelib.transfers.invoices.add import InvoiceAddStep
from chalicelib.transfers.invoices.customers import KEY as CUSTOMERS
from chalicelib.transfers.invoices.items import KEY as ITEMS
from chalicelib.transfers.invoices.plan import KEY as PLAN
from chalicelib.transfers.invoices.plan import InvoicePlanStep
from chalicelib.transfers.ports import TransferPorts


@dataclass(frozen=True)
class Preview:
    summary: dict[str, Any]
    qbxml: list[str]


class _NoWrites:
    """Stands in for every store the steps would write to."""

    def write_page(self, *args: Any, **kwargs: Any) -> None:
        return None

    def commit(self, *args: Any, **kwargs: Any) -> None:
        return None


def preview_invoices(
    connector: Connector, ports: TransferPorts, lists: Any, *, now: str, max_requests: int
) -> Preview:
    """``lists`` answers ``entries(name)`` with the last pulled QuickBooks lists (or None)."""
    ports.dry_run = True
    ctx = StepContext(
        connector=connector,
        company=CompanyInfo.from_dict(connector.company or {}),
        now=now,
        generation="preview",
        list_sink=_NoWrites(),
        list_source=lists,
        ports=ports,
    )
    plan: dict[str, Any] = {}
    ctx.states = {PLAN: plan}
    InvoicePlanStep(depends_on=()).advance(ctx, plan)
    customers = {str(e["full_name"]).lower(): e["list_id"] for e in lists.entries("customers") or []}
    items = {str(e["full_name"]).lower(): e["list_id"] for e in lists.entries("items") or []}
    ctx.states[CUSTOMERS] = {
        "known": {n.lower(): customers.get(n.lower(), "") for n in plan["customers"].values()}
    }
    ctx.states[ITEMS] = {
        "known": {i["name"].lower(): items.get(i["name"].lower(), "") for i in plan["items"].values()}
    }
    step = InvoiceAddStep()
    requests = step.requests(ctx, {}) if plan["ids"] else []
    messages = [
        render_request_message([element for _, element in requests[start : start + max_requests]])
        for start in range(0, len(requests), max_requests)
    ]
    summary = {
        "invoices": len(plan["ids"]),
        "lost_answers_to_check": len(plan["reconcile"]),
        "customers": {
            "linked": len(plan["linked"]),
            "found_by_name": sorted(n for n in plan["customers"].values() if n.lower() in customers),
            "to_create": sorted(n for n in plan["customers"].values() if n.lower() not in customers),
        },
        "items": {
            "existing": sorted({i["name"] for i in plan["items"].values() if i["name"].lower() in items}),
            "to_create": sorted(
                {i["name"] for i in plan["items"].values() if i["create"] and i["name"].lower() not in items}
            ),
            "mapped_but_missing": sorted(
                {
                    i["name"]
                    for i in plan["items"].values()
                    if not i["create"] and i["name"].lower() not in items
                }
            ),
        },
        "failing_now": [
            {"id": t.id, "error": t.error.model_dump() if t.error else None}
            for t in ports.planned(ports.pending()).values()
            if t.status in ("failed", "needs_attention") and t.id not in plan["ids"]
        ],
    }
    return Preview(summary=summary, qbxml=messages)
