"""Service items for a kind's billing codes: the mapped item, or one made by the naming convention.

The kind's plan puts ``items`` in its state: line key -> {``name``, ``create``, ``account``, ``code``}.

A mapped item is never created (a typo in a mapping should not become a new item): if QuickBooks does not
have it, the invoices that need it fail with an explanation naming the mapping.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from chalicelib.qbxml.invoices import build_item_service_add, build_names_query
from chalicelib.qbxml.items import build_item_non_inventory_add
from chalicelib.qbxml.responses import QbResponse
from chalicelib.steps.base import StepContext
from chalicelib.transfers.list_objects import EnsureListObjects, parent_of


class ItemStep(EnsureListObjects):
    """``<slug>.items``: after the kind's plan."""

    def __init__(self, slug: str) -> None:
        self.key = f"{slug}.items"
        self._plan = f"{slug}.plan"
        self.depends_on = (self._plan,)

    def wanted(self, ctx: StepContext) -> list[str]:
        return sorted({info["name"] for info in ctx.states[self._plan]["items"].values()})

    def build_query(self, request_id: str, names: list[str]) -> etree._Element:
        return build_names_query("ItemQueryRq", request_id, names)

    def build_add(self, ctx: StepContext, request_id: str, full_name: str) -> etree._Element:
        infos = [
            i
            for i in ctx.states[self._plan]["items"].values()
            if i["name"].lower().startswith(full_name.lower())
        ]
        account = infos[0]["account"] if infos else ctx.connector.accounts.other_income
        leaf, parent = full_name.rsplit(":", 1)[-1], parent_of(full_name)
        # A product a bill buys becomes a non-inventory part (bought and resold); a billing code a service item.
        exact = next((i for i in infos if i["name"].lower() == full_name.lower()), None)
        part = exact.get("non_inventory") if exact is not None else None
        if part is not None:
            return build_item_non_inventory_add(
                request_id,
                name=leaf,
                parent=parent,
                description=part.get("description"),
                cost=Decimal(part["cost"]) if part.get("cost") else None,
                income_account=account,
                expense_account=part["expense_account"],
            )
        return build_item_service_add(request_id, name=leaf, parent=parent, income_account=account)

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        super().apply(ctx, state, tag, response)
        if tag == "q":
            self._refuse_unmapped_creation(ctx.states[self._plan]["items"], state)

    @staticmethod
    def _refuse_unmapped_creation(items: dict[str, dict[str, Any]], state: dict[str, Any]) -> None:
        creatable = {i["name"].lower() for i in items.values() if i["create"]}
        creatable |= {a.lower() for n in creatable for a in _ancestors(n)}
        for info in items.values():
            code = info["code"]
            name = info["name"].lower()
            if name in creatable or name in state["known"]:
                continue
            state["failed"].setdefault(
                name,
                {
                    "code": "mapped_item_missing",
                    "message": f'QuickBooks has no item "{info["name"]}".',
                    "explanation": f'The billing-codes mapping sends billing code "{code}" to the QuickBooks item '
                    f'"{info["name"]}", which does not exist in the company file.',
                    "fix": f'Create the item "{info["name"]}" in QuickBooks, or correct the billing-codes mapping '
                    f'for "{code}" (or remove it, so the bridge creates an item by the naming convention).',
                },
            )
            for ancestor in _ancestors(name):
                if ancestor not in state["known"] and ancestor not in creatable:
                    state["failed"].setdefault(ancestor, state["failed"][name])


def _ancestors(name: str) -> list[str]:
    parts = name.split(":")
    return [":".join(parts[:depth]) for depth in range(1, len(parts))]
