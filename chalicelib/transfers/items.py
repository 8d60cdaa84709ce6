"""Items for a kind's lines: the mapped item, or one made by the naming convention, or a product's part.

The kind's plan puts ``items`` in its state: line key -> {``name``, ``create``, ``account``, ``code``}, plus
``non_inventory`` (a bought product: created as a non-inventory part) or ``inventory`` (a product stocked:
created as an inventory part; an item of that name of another type fails the documents that need it).
Billing codes become service items. A missing parent of a part is created as the same type of part.

A mapped item is never created (a typo in a mapping should not become a new item): if QuickBooks does not
have it, the invoices that need it fail with an explanation naming the mapping.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from chalicelib.domain.mapping import ITEM_NAME_LIMIT, render_name
from chalicelib.qbxml.inventory import build_item_inventory_add
from chalicelib.qbxml.invoices import build_item_service_add, build_names_query
from chalicelib.qbxml.items import build_item_non_inventory_add
from chalicelib.qbxml.responses import QbResponse
from chalicelib.safe_xml import local_name
from chalicelib.steps.base import StepContext
from chalicelib.transfers.list_objects import EnsureListObjects, parent_of


def product_item_name(product: str) -> str:
    """The QuickBooks full name of a product's item (``~`` is a sub-level); never shortened: a name over
    QuickBooks' limits fails its document with the fix."""
    return render_name(
        "{product}",
        {"product": product},
        limit=ITEM_NAME_LIMIT,
        what=f"item for product '{product}'",
        fix="shorten the product's name in the source application",
    )


def product_key(product: str) -> str:
    """The plan's key of a product's item (a line that names a product instead of a billing code)."""
    return f"product|{product.lower()}"


def product_item(
    product: str, *, cost: Any, description: str | None, income: str, expense: str
) -> dict[str, Any]:
    """The plan's entry for a product: its item, created as a non-inventory part when QuickBooks lacks it."""
    return {
        "name": product_item_name(product),
        "create": True,
        "account": income,
        "code": product,
        "non_inventory": {
            "expense_account": expense,
            "cost": str(cost) if cost is not None else None,
            "description": description,
        },
    }


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
        exact = next((i for i in infos if i["name"].lower() == full_name.lower()), None)
        stocked = exact.get("inventory") if exact is not None else None
        if exact is None:
            # A parent level: the type of part below it, with nothing of its own to cost or describe.
            below = next((i["inventory"] for i in infos if i.get("inventory")), None)
            stocked = {**below, "cost": None, "price": None, "description": None} if below else None
        if stocked is not None:
            return build_item_inventory_add(
                request_id,
                name=leaf,
                parent=parent,
                description=stocked.get("description"),
                cost=_decimal(stocked.get("cost")),
                price=_decimal(stocked.get("price")),
                income_account=account,
                cogs_account=stocked["cogs_account"],
                asset_account=stocked["asset_account"],
            )
        # A product a bill buys becomes a non-inventory part (bought and resold); a billing code a service item.
        part = exact.get("non_inventory") if exact is not None else None
        if part is not None:
            return build_item_non_inventory_add(
                request_id,
                name=leaf,
                parent=parent,
                description=part.get("description"),
                cost=_decimal(part.get("cost")),
                income_account=account,
                expense_account=part["expense_account"],
            )
        return build_item_service_add(request_id, name=leaf, parent=parent, income_account=account)

    def remember(self, state: dict[str, Any], full_name: str, ret: etree._Element) -> None:
        state.setdefault("types", {})[full_name.lower()] = local_name(ret).removesuffix("Ret")

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        super().apply(ctx, state, tag, response)
        if tag in ("q", "r"):
            items = ctx.states[self._plan]["items"]
            if tag == "q":
                self._refuse_unmapped_creation(items, state)
            self._refuse_other_types(items, state)

    @staticmethod
    def _refuse_other_types(items: dict[str, dict[str, Any]], state: dict[str, Any]) -> None:
        """A product that must be stocked, held in QuickBooks by an item of another type (a non-inventory part
        or a service item of the same name): one name holds one item, so the documents needing it fail."""
        for info in items.values():
            name = info["name"].lower()
            found = state.get("types", {}).get(name)
            if not info.get("inventory") or found in (None, "ItemInventory"):
                continue
            state["failed"].setdefault(
                name,
                {
                    "code": "item_not_inventory",
                    "message": f'QuickBooks has "{info["name"]}" as an item of type {found}, not as an '
                    "inventory part.",
                    "explanation": "Purchase orders stock their products, so each product must be an inventory "
                    "part; QuickBooks already has an item of another type by this name, and one name holds one "
                    "item.",
                    "fix": f'In QuickBooks, change the type of "{info["name"]}" to Inventory Part (Lists > Item '
                    "List > Edit Item; a non-inventory part can be changed) or rename it, or give the product "
                    "another name in the source application; then requeue.",
                },
            )

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


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value else None


def _ancestors(name: str) -> list[str]:
    parts = name.split(":")
    return [":".join(parts[:depth]) for depth in range(1, len(parts))]
