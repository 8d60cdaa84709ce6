"""Purchase orders on the shared pipeline: one PurchaseOrderAdd per purchase order (default connector).

- Vendor: linked by the source vendor id, else matched by name, else created with its name and address.
- Each line's product is an inventory part: used when QuickBooks has it, created when missing (income
  "PSA Income from PO", cost of goods sold, inventory asset; cost and price from the first line that needs
  it); an item of another type by that name fails the purchase order with the fix. A missing parent of a
  sub-item (``Cisco~Switch 24p``) is created as an inventory part too.
- A line's organization is its customer (linked, found or created as for invoices).
- Lost answers: PurchaseOrderQuery by RefNumber, ExternalGUID compared in code.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.domain.purchasing import PurchaseOrderDocument
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.purchase_orders import (
    PurchaseOrderLineSpec,
    PurchaseOrderSpec,
    build_purchase_order_add,
    build_purchase_order_query_by_ref_numbers,
)
from chalicelib.steps.base import StepContext
from chalicelib.transfers.items import product_item_name
from chalicelib.transfers.naming import (
    Names,
    customer_ref,
    dependency_failure,
    line_customer_failure,
    line_organization_ids,
    plan_line_customers,
    prepare_names,
)
from chalicelib.transfers.pipeline import Identity, Part, txn_identity
from chalicelib.transfers.vendors import (
    plan_vendor,
    prepare_vendors,
    source_vendor_name,
    vendor_details,
    vendor_failure,
    vendor_ref_id,
)

SLUG = "purchase-orders"
PLAN = f"{SLUG}.plan"
CUSTOMERS = f"{SLUG}.customers"
ITEMS = f"{SLUG}.items"
VENDORS = f"{SLUG}.vendors"


class PurchaseOrderPipeline:
    """The purchase-order hooks of the shared plan, reconcile and send steps."""

    slug = SLUG
    label = "Purchase Order"

    def __init__(self) -> None:
        self._names: Names | None = None

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        org_ids = line_organization_ids(transfers, "lines")
        self._names = prepare_names(ctx, plan, org_ids, CUSTOMERS)
        prepare_vendors(ctx, plan, {str(t.document["vendor"]["id"]) for t in transfers}, VENDORS)

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        names = self._names
        assert names is not None  # prepare came first
        document = ctx.document(PurchaseOrderDocument, transfer)
        accounts = ctx.connector.accounts
        vendor = document.vendor
        name = source_vendor_name(vendor)
        items: dict[str, dict[str, Any]] = {}
        for line in document.lines:
            full_name = product_item_name(line.product)
            # A product new to QuickBooks takes its cost and price from the first line that needs it.
            items.setdefault(
                full_name.lower(),
                {
                    "name": full_name,
                    "create": True,
                    "account": accounts.po_income,
                    "code": line.product,
                    "inventory": {
                        "cogs_account": accounts.cost_of_goods_sold,
                        "asset_account": accounts.inventory_asset,
                        "cost": None if line.unit_cost is None else str(line.unit_cost),
                        "price": None if line.unit_price is None else str(line.unit_price),
                        "description": line.description,
                    },
                },
            )
        plan_vendor(plan, vendor.id, name, vendor_details(vendor), mapped=False)
        for key, entry in items.items():
            plan["items"].setdefault(key, entry)
        plan_line_customers(plan, names, [line.organization for line in document.lines])

    def parts(self, transfer: Transfer) -> list[Part]:
        return [Part("", transfer.external_guid)]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        plan = ctx.states[PLAN]
        document = ctx.document(PurchaseOrderDocument, transfer)
        error = vendor_failure(
            ctx, plan, document.vendor.id, f'The vendor "{document.vendor.name}" could not be had'
        )
        if error is not None:
            return error
        failure = line_customer_failure(ctx, plan, [line.organization for line in document.lines])
        if failure is not None:
            return failure
        for line in document.lines:
            item = plan["items"][product_item_name(line.product).lower()]["name"]
            failure = dependency_failure(
                ctx, ITEMS, item, f'The inventory part "{item}" for product "{line.product}" is not available'
            )
            if failure is not None:
                return failure
        return None

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        plan = ctx.states[PLAN]
        document = ctx.document(PurchaseOrderDocument, transfer)
        list_id, name = vendor_ref_id(ctx, plan, document.vendor.id)
        spec = PurchaseOrderSpec(
            vendor=Ref(list_id=list_id, full_name=None if list_id else name),
            txn_date=document.date.isoformat(),
            ref_number=document.number,
            external_guid=transfer.external_guid,
            expected_date=document.expected_date.isoformat() if document.expected_date else None,
            memo=document.memo,
            lines=tuple(
                PurchaseOrderLineSpec(
                    item=Ref(full_name=plan["items"][product_item_name(line.product).lower()]["name"]),
                    description=line.description,
                    quantity=line.quantity,
                    rate=line.unit_cost,
                    customer=customer_ref(ctx, plan, line.organization.id) if line.organization else None,
                )
                for line in document.lines
            ),
        )
        return build_purchase_order_add(request_id, spec)

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        numbers = sorted({str(t.document["number"]) for t in transfers})
        return [build_purchase_order_query_by_ref_numbers("q", numbers)]

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)
