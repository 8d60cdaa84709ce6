"""The dry run every kind offers: plan as a conversation would, predict what QuickBooks has from the lists the
last conversation read, build the Add requests. Nothing is written (the ports are in dry-run mode)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from chalicelib.domain.connector import Connector
from chalicelib.qbxml.hcp import CompanyInfo
from chalicelib.steps.base import StepContext
from chalicelib.steps.ports import TransferPorts
from chalicelib.transfers.pipeline import Pipeline, PlanStep, SendStep


@dataclass(frozen=True)
class Preview:
    """One kind's dry run: a summary for a person and the requests the next conversation would send."""

    summary: dict[str, Any]
    requests: list[etree._Element]


class _NoWrites:
    """Stands in for every store the steps would write to."""

    def write_page(self, *args: Any, **kwargs: Any) -> None:
        return None

    def commit(self, *args: Any, **kwargs: Any) -> None:
        return None


def plan_dry(
    pipeline: Pipeline, connector: Connector, ports: TransferPorts, lists: Any, *, now: str
) -> tuple[StepContext, dict[str, Any]]:
    """The context and the kind's plan, as the next conversation would make them (writing nothing)."""
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
    ctx.states = {f"{pipeline.slug}.plan": plan}
    PlanStep(pipeline, depends_on=()).advance(ctx, plan)
    return ctx, plan


def predict(ctx: StepContext, step_key: str, names: list[str], lists: Any, list_name: str) -> set[str]:
    """Stand in for a list step's answers: ``names`` QuickBooks has by the last read list (lower-case)."""
    have = {str(e["full_name"]).lower(): e["list_id"] for e in lists.entries(list_name) or []}
    ctx.states[step_key] = {"known": {n.lower(): have.get(n.lower(), "") for n in names}}
    return {n.lower() for n in names if n.lower() in have}


def build_adds(pipeline: Pipeline, ctx: StepContext, plan: dict[str, Any]) -> list[etree._Element]:
    """The Add requests of every ready part."""
    if not plan["ids"]:
        return []
    return [element for _, element in SendStep(pipeline, depends_on=()).requests(ctx, {})]


def failing_now(ports: TransferPorts, slug: str, planned: list[str]) -> list[dict[str, Any]]:
    """The kind's transfers that failed and will not be sent as they are."""
    return [
        {"id": t.id, "error": t.error.model_dump() if t.error else None}
        for t in ports.planned(ports.pending_ids(slug)).values()
        if t.status in ("failed", "needs_attention") and t.id not in planned
    ]


def names_summary(
    ctx: StepContext, plan: dict[str, Any], lists: Any, *, customers: str, items: str
) -> dict[str, Any]:
    """Which customers and items a kind's plan names would be found or created (the steps ``customers`` and
    ``items`` stand in with what the last lists read say)."""
    customer_names = sorted(set(plan.get("customers", {}).values()))
    wanted = plan.get("items", {}).values()
    item_names = sorted({i["name"] for i in wanted})
    have_customers = predict(ctx, customers, customer_names, lists, "customers")
    have_items = predict(ctx, items, item_names, lists, "items")
    return {
        "customers": {
            "linked": len(plan.get("linked", {})),
            "found_by_name": [n for n in customer_names if n.lower() in have_customers],
            "to_create": [n for n in customer_names if n.lower() not in have_customers],
        },
        "items": {
            "existing": [n for n in item_names if n.lower() in have_items],
            "to_create": sorted(
                {i["name"] for i in wanted if i["create"] and i["name"].lower() not in have_items}
            ),
            "mapped_but_missing": sorted(
                {i["name"] for i in wanted if not i["create"] and i["name"].lower() not in have_items}
            ),
        },
    }


def vendors_summary(ctx: StepContext, plan: dict[str, Any], lists: Any, *, vendors: str) -> dict[str, Any]:
    """Which vendors a kind's plan names would be linked, found or created (the vendor step stands in with
    the last vendors list read)."""
    names = sorted(set(plan.get("vendors", {}).values()))
    have = predict(ctx, vendors, names, lists, "vendors")
    mapped = {n.lower() for n in plan.get("vendors_mapped", [])}
    return {
        "vendors": {
            "linked": len(plan.get("vendor_links", {})),
            "found_by_name": [n for n in names if n.lower() in have],
            "to_create": [n for n in names if n.lower() not in have and n.lower() not in mapped],
            "mapped_but_missing": [n for n in names if n.lower() not in have and n.lower() in mapped],
        }
    }


def preview_pipeline(
    pipeline: Pipeline, connector: Connector, ports: TransferPorts, lists: Any, *, now: str
) -> Preview:
    """The dry run of a kind whose plan names customers, items and vendors (its steps keyed
    ``<slug>.customers``, ``<slug>.items``, ``<slug>.vendors``); a name the lists lack counts as to create."""
    slug = pipeline.slug
    ctx, plan = plan_dry(pipeline, connector, ports, lists, now=now)
    summary = {
        "documents": len(plan["ids"]),
        "lost_answers_to_check": len(plan["reconcile"]),
        **names_summary(ctx, plan, lists, customers=f"{slug}.customers", items=f"{slug}.items"),
        **(vendors_summary(ctx, plan, lists, vendors=f"{slug}.vendors") if "vendors" in plan else {}),
        "failing_now": failing_now(ports, slug, plan["ids"]),
    }
    return Preview(summary=summary, requests=build_adds(pipeline, ctx, plan))
