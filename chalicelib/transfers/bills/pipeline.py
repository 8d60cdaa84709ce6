"""Vendor bills on the shared pipeline: one BillAdd per bill.

- Vendor: linked by the source vendor id, else matched by name, else created with its name and address.
- Expense lines post to the account named verbatim (``:`` separates account levels; never created: QuickBooks
  refuses an unknown one and the bill fails with the fix); a line's organization is its customer (linked,
  found or created as for invoices), billable when the line says so; its line of business is its class.
- Item lines use the item of the product's name, or a new non-inventory part (purchased and sold: income
  "PSA Other", expense "Cost of Goods Sold" by default).
- Lost answers: BillQuery by RefNumber, ExternalGUID compared in code.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.domain.payables import BillDocument, BillExpenseLine, BillItemLine
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.qbxml.bills import (
    BillSpec,
    ExpenseLineSpec,
    ItemLineSpec,
    build_bill_add,
    build_bill_mod,
    build_bill_query_by_ref_numbers,
)
from chalicelib.qbxml.invoices import Ref
from chalicelib.steps.base import StepContext
from chalicelib.transfers.items import product_item, product_key
from chalicelib.transfers.naming import (
    Names,
    customer_ref,
    dependency_failure,
    line_customer_failure,
    line_organization_ids,
    plan_classes,
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

SLUG = "bills"
PLAN = f"{SLUG}.plan"
CUSTOMERS = f"{SLUG}.customers"
ITEMS = f"{SLUG}.items"
VENDORS = f"{SLUG}.vendors"


class BillPipeline:
    """The bill hooks of the shared plan, reconcile and send steps."""

    slug = SLUG
    label = "Bill"

    def __init__(self) -> None:
        self._names: Names | None = None

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        org_ids = line_organization_ids(transfers, "expense_lines", "item_lines")
        self._names = prepare_names(ctx, plan, org_ids, CUSTOMERS)
        prepare_vendors(ctx, plan, {str(t.document["vendor"]["id"]) for t in transfers}, VENDORS)

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        names = self._names
        assert names is not None  # prepare came first
        document = ctx.document(BillDocument, transfer)
        accounts = ctx.connector.accounts
        vendor = document.vendor
        name = source_vendor_name(vendor)
        items = {
            product_key(line.product): product_item(
                line.product,
                cost=line.cost,
                description=line.description,
                income=accounts.other_income,
                expense=accounts.cost_of_goods_sold,
            )
            for line in document.item_lines
        }
        lines: list[BillExpenseLine | BillItemLine] = [*document.expense_lines, *document.item_lines]
        classes = plan_classes([line.line_of_business for line in lines], names.classes_map)
        plan_vendor(plan, vendor.id, name, vendor_details(vendor), mapped=False)
        for key, entry in items.items():
            plan["items"].setdefault(key, entry)
        plan["classes"].update(classes)
        plan_line_customers(plan, names, [line.organization for line in lines])

    def parts(self, transfer: Transfer) -> list[Part]:
        return [Part("", transfer.external_guid)]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        plan = ctx.states[PLAN]
        document = ctx.document(BillDocument, transfer)
        error = vendor_failure(
            ctx, plan, document.vendor.id, f'The vendor "{document.vendor.name}" could not be had'
        )
        if error is not None:
            return error
        lines: list[BillExpenseLine | BillItemLine] = [*document.expense_lines, *document.item_lines]
        failure = line_customer_failure(ctx, plan, [line.organization for line in lines])
        if failure is not None:
            return failure
        for line in document.item_lines:
            info = plan["items"][product_key(line.product)]
            failure = dependency_failure(
                ctx, ITEMS, info["name"], f'The item "{info["name"]}" is not available'
            )
            if failure is not None:
                return failure
        return None

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        return build_bill_add(request_id, self._spec(ctx, transfer))

    def _spec(self, ctx: StepContext, transfer: Transfer) -> BillSpec:
        plan = ctx.states[PLAN]
        document = ctx.document(BillDocument, transfer)
        list_id, name = vendor_ref_id(ctx, plan, document.vendor.id)

        def class_ref(lob: str | None) -> Ref | None:
            target = plan["classes"].get(lob.lower()) if lob and ctx.company.is_class_tracking_on else None
            return Ref(full_name=target) if target else None

        def customer(org: Any) -> Ref | None:
            return customer_ref(ctx, plan, org.id) if org is not None else None

        spec = BillSpec(
            vendor=Ref(list_id=list_id, full_name=None if list_id else name),
            txn_date=document.date.isoformat(),
            ref_number=document.number,
            external_guid=transfer.external_guid,
            due_date=document.due_date.isoformat() if document.due_date else None,
            terms=Ref(full_name=document.terms) if document.terms else None,
            memo=document.memo,
            expense_lines=tuple(
                ExpenseLineSpec(
                    account=Ref(full_name=line.account),
                    amount=line.amount,
                    memo=line.memo,
                    customer=customer(line.organization),
                    class_=class_ref(line.line_of_business),
                    billable=line.billable if line.organization is not None else None,
                )
                for line in document.expense_lines
            ),
            item_lines=tuple(
                ItemLineSpec(
                    item=Ref(full_name=plan["items"][product_key(line.product)]["name"]),
                    description=line.description,
                    quantity=line.quantity,
                    cost=line.cost,
                    amount=line.amount,
                    customer=customer(line.organization),
                    class_=class_ref(line.line_of_business),
                    billable=line.billable if line.organization is not None else None,
                )
                for line in document.item_lines
            ),
        )
        return spec

    def line_keys(self, transfer: Transfer) -> list[str | None]:
        document = transfer.document
        return [
            line.get("id") for line in [*document.get("expense_lines", []), *document.get("item_lines", [])]
        ]

    def build_mod(
        self,
        ctx: StepContext,
        transfer: Transfer,
        request_id: str,
        *,
        txn_id: str,
        edit_sequence: str,
        line_ids: list[str],
    ) -> etree._Element:
        spec = self._spec(ctx, transfer)
        expenses = len(spec.expense_lines)
        return build_bill_mod(
            request_id,
            spec,
            txn_id=txn_id,
            edit_sequence=edit_sequence,
            expense_line_ids=line_ids[:expenses],
            item_line_ids=line_ids[expenses:],
        )

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        return [build_bill_query_by_ref_numbers("q", sorted({str(t.document["number"]) for t in transfers}))]

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)
