"""Invoices on the shared pipeline: what an invoice needs, and how one InvoiceAdd is built.

The plan names every customer (by the organization's stored link, or by the customer naming convention),
every item (by the billing-code mapping, or by the item naming convention) and every class (by the
lines-of-business mapping). A name QuickBooks could not accept fails its invoice there, with the fix. Lost
answers are found again by RefNumber (QuickBooks cannot filter invoices by ExternalGUID; it is compared in
code).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.domain.invoice import InvoiceDocument, InvoiceLine
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.qbxml.invoices import (
    InvoiceLineSpec,
    InvoiceSpec,
    Ref,
    build_invoice_add,
    build_invoice_mod,
    build_invoice_query_by_ref_numbers,
)
from chalicelib.steps.base import StepContext
from chalicelib.transfers.customers import address_parts
from chalicelib.transfers.items import product_item, product_key
from chalicelib.transfers.naming import (
    Names,
    add_customers,
    customer_ref,
    dependency_failure,
    line_key,
    plan_classes,
    plan_customer,
    plan_items,
    prepare_names,
)
from chalicelib.transfers.pipeline import DocumentWaits, Identity, Part, txn_identity
from chalicelib.transfers.tax import customer_tax_code, line_tax_code

SLUG = "invoices"
CUSTOMERS = f"{SLUG}.customers"
ITEMS = f"{SLUG}.items"


class InvoicePipeline:
    """The invoice hooks of the shared plan, reconcile and send steps."""

    slug = SLUG
    label = "Invoice"

    def __init__(self) -> None:
        self._names: Names | None = None

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        org_ids = {t.organization_id for t in transfers if t.organization_id}
        self._names = prepare_names(ctx, plan, org_ids, CUSTOMERS)

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        names = self._names
        assert names is not None  # prepare came first
        document = ctx.document(InvoiceDocument, transfer)
        accounts = ctx.connector.accounts
        lines = [
            (line.billing_code, line.line_of_business or document.line_of_business)
            for line in document.lines
            if line.billing_code is not None
        ]
        # Everything is worked out before anything is recorded: a document that fails leaves no trace.
        items = plan_items(lines, names.codes, names.naming, accounts.other_income, known=plan["items"])
        for line in document.lines:
            if line.product is not None:
                # An inventory part of the product's name is used as is; else a non-inventory part is created.
                items[product_key(line.product)] = product_item(
                    line.product,
                    cost=None,
                    description=line.description,
                    income=accounts.other_income,
                    expense=accounts.cost_of_goods_sold,
                )
        classes = plan_classes(
            [line.line_of_business or document.line_of_business for line in document.lines], names.classes_map
        )
        customers = plan_customer(plan, names, document.organization)
        plan["items"].update(items)
        plan["classes"].update(classes)
        add_customers(plan, customers, {document.organization.id: document.organization})

    def parts(self, transfer: Transfer) -> list[Part]:
        return [Part("", transfer.external_guid)]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        plan = ctx.states[f"{SLUG}.plan"]
        document = ctx.document(InvoiceDocument, transfer)
        org = document.organization
        if org.id not in plan["linked"]:
            name = plan["customers"].get(org.id, "")
            what = f'The customer "{name}" for organization "{org.id}" could not be created'
            error = dependency_failure(ctx, CUSTOMERS, name, what)
            if error is not None:
                return error
        mismatch = _currency_mismatch(ctx, plan, document)
        if mismatch is not None:
            return mismatch
        for line in document.lines:
            info = plan["items"][_item_key(line, document)]
            source = (
                f'billing code "{line.billing_code}"' if line.product is None else f'product "{line.product}"'
            )
            what = f'The item "{info["name"]}" for {source} is not available'
            error = dependency_failure(ctx, ITEMS, info["name"], what)
            if error is not None:
                return error
        _need_inventory_adjustment(ctx, plan, document)
        return None

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        return build_invoice_add(request_id, _spec(ctx, transfer))

    def line_keys(self, transfer: Transfer) -> list[str | None]:
        return [line.get("id") for line in transfer.document["lines"]]

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
        spec = _spec(ctx, transfer)
        return build_invoice_mod(
            request_id, spec, txn_id=txn_id, edit_sequence=edit_sequence, line_ids=line_ids
        )

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        refs = sorted({str(t.document["number"]) for t in transfers})
        return [build_invoice_query_by_ref_numbers("q", refs)]

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)


def _item_key(line: InvoiceLine, document: InvoiceDocument) -> str:
    """The plan's key of a line's item: its product's, else its billing code's (with its line of business)."""
    if line.product is not None:
        return product_key(line.product)
    return line_key(line.billing_code or "", line.line_of_business or document.line_of_business)


def _need_inventory_adjustment(ctx: StepContext, plan: dict[str, Any], document: InvoiceDocument) -> None:
    """An invoice selling inventory parts waits while the "Inventory Adjustment" account is missing (a
    configuration issue): QuickBooks posts the parts' cost through inventory."""
    types = ctx.states[ITEMS].get("types", {})
    stocked = [
        line.product
        for line in document.lines
        if line.product is not None
        and types.get(plan["items"][product_key(line.product)]["name"].lower()) == "ItemInventory"
    ]
    if not stocked:
        return
    account = ctx.connector.accounts.inventory_adjustment
    accounts = ctx.list_source.entries("accounts")
    if accounts is None or any(str(a["full_name"]).lower() == account.lower() for a in accounts):
        return
    message = (
        f'The account "{account}" (needed for invoices that sell inventory parts, such as "{stocked[0]}") does '
        "not exist in the QuickBooks company file."
    )
    ctx.add_configuration_issue(
        "account_missing",
        message,
        f'Create an account of type CostOfGoodsSold named "{account}" in QuickBooks (Lists > Chart of Accounts), '
        "or set another existing account's name in the connector's account settings.",
    )
    raise DocumentWaits(message)


def _spec(ctx: StepContext, transfer: Transfer) -> InvoiceSpec:
    plan = ctx.states[f"{SLUG}.plan"]
    document = ctx.document(InvoiceDocument, transfer)
    org = document.organization
    class_tracking = ctx.company.is_class_tracking_on

    def class_ref(lob: str | None) -> Ref | None:
        target = plan["classes"].get(lob.lower()) if lob and class_tracking else None
        return Ref(full_name=target) if target else None

    lines = tuple(
        InvoiceLineSpec(
            item=Ref(full_name=plan["items"][_item_key(line, document)]["name"]),
            description=line.description,
            quantity=line.quantity,
            rate=line.rate if line.amount is None else None,
            amount=line.amount,
            class_=class_ref(line.line_of_business or document.line_of_business),
            sales_tax_code=(
                Ref(full_name=code)
                if (code := line_tax_code(ctx.company, taxable=line.taxable, tax_exempt=org.tax_exempt))
                else None
            ),
            service_date=line.service_date.isoformat() if line.service_date else None,
        )
        for line in document.lines
    )
    tax = customer_tax_code(ctx.company, org.tax_exempt)
    return InvoiceSpec(
        customer=customer_ref(ctx, plan, org.id),
        txn_date=document.date.isoformat(),
        ref_number=document.number,
        external_guid=transfer.external_guid,
        lines=lines,
        class_=class_ref(document.line_of_business),
        template=Ref(full_name=document.template) if document.template else None,
        bill_address=address_parts(org.bill_address),
        ship_address=address_parts(org.ship_address),
        po_number=document.po_number,
        terms=Ref(full_name=document.terms) if document.terms else None,
        due_date=document.due_date.isoformat() if document.due_date else None,
        memo=document.memo,
        to_be_printed=document.to_be_printed,
        to_be_emailed=document.to_be_emailed,
        customer_sales_tax_code=Ref(full_name=tax) if tax else None,
    )


def _currency_mismatch(
    ctx: StepContext, plan: dict[str, Any], document: InvoiceDocument
) -> TransferError | None:
    """With multi-currency on, an invoice is in its customer's currency: a different one is refused clearly."""
    wanted = document.currency or document.organization.currency
    if not (ctx.company.is_multicurrency_on and wanted):
        return None
    org = document.organization
    if org.id in plan["linked"]:
        have = plan.get("linked_currency", {}).get(org.id)
        name = org.name
    else:
        name = plan["customers"].get(org.id, "")
        have = ctx.states[CUSTOMERS].get("currency", {}).get(name.lower())
    if not have or have.lower() == wanted.lower():
        return None
    return TransferError(
        code="currency_mismatch",
        message=f'The invoice is in {wanted}, but the QuickBooks customer "{name}" uses {have}.',
        explanation="QuickBooks invoices a customer in the customer's own currency only.",
        fix=f"Send the invoice in {have}, or invoice a QuickBooks customer that uses {wanted} (a separate "
        "customer, e.g. through the customer naming convention), then requeue the transfer.",
    )
