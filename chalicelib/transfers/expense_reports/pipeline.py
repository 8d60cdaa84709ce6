"""Expense reports on the shared pipeline: one BillAdd to the resource's vendor for what is owed back to it.

- Vendor: the resources mapping's ``vendor`` (never created: a typo must not become a vendor), else the
  vendor named "v-Last, First", created when absent (the seed product's rule).
- Each reimbursable item is an expense line on its expense category's mapped ``account``, with the item's
  organization as customer and ``BillableStatus`` Billable when it is billable, and its line of business as
  class. The item's own ``billable`` / ``reimbursable`` decide; the mapping's flags are the defaults. Items not
  reimbursable (paid by the company) are not on the bill.
- ``cash_advance`` is a negative line on the connector's cash-advance account (``accounts.cash_advance``,
  "Employee Advances"); while that account is missing, reports with an advance wait (a configuration issue).
  A bill whose total would be negative fails with the fix. A report with nothing reimbursable and no advance
  ends ``transferred`` with nothing sent.
- Lost answers: BillQuery by RefNumber, ExternalGUID compared in code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from chalicelib.domain.payables import ExpenseItem, ExpenseReportDocument
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.qbxml.bills import BillSpec, ExpenseLineSpec, build_bill_add, build_bill_query_by_ref_numbers
from chalicelib.qbxml.invoices import Ref
from chalicelib.steps.base import StepContext
from chalicelib.transfers.naming import (
    Names,
    checked_mapping_target,
    customer_ref,
    line_customer_failure,
    plan_classes,
    plan_line_customers,
    prepare_names,
)
from chalicelib.transfers.pipeline import (
    DocumentRefused,
    DocumentWaits,
    Identity,
    NothingToSend,
    Part,
    txn_identity,
)
from chalicelib.transfers.vendors import (
    plan_vendor,
    prepare_vendors,
    vendor_failure,
    vendor_name,
    vendor_ref_id,
)

SLUG = "expense-reports"
PLAN = f"{SLUG}.plan"
CUSTOMERS = f"{SLUG}.customers"
VENDORS = f"{SLUG}.vendors"


def vendor_key(resource_id: str) -> str:
    """The vendor link's key of a resource (apart from source vendor ids, which bills use)."""
    return f"resource:{resource_id}"


class ExpenseReportPipeline:
    """The expense-report hooks of the shared plan, reconcile and send steps."""

    slug = SLUG
    label = "Expense Report"

    def __init__(self) -> None:
        self._names: Names | None = None
        self._categories: dict[str, dict[str, Any]] = {}
        self._resources: dict[str, dict[str, Any]] = {}

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        ports = ctx.ports
        assert ports is not None
        org_ids = {
            str(item["organization"]["id"])
            for t in transfers
            for item in t.document.get("items", [])
            if item.get("organization")
        }
        self._names = prepare_names(ctx, plan, org_ids, CUSTOMERS)
        keys = {vendor_key(str(t.document["resource"]["id"])) for t in transfers}
        prepare_vendors(ctx, plan, keys, VENDORS)
        self._categories = {str(e["source"]).lower(): e for e in ports.mapping("expense-categories")}
        self._resources = {str(e["source"]): e for e in ports.mapping("resources")}
        plan["lines"] = {}

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        names = self._names
        assert names is not None  # prepare came first
        document = ctx.document(ExpenseReportDocument, transfer)
        lines = [self._line(item) for item in document.items]
        owed = [
            (item, line) for item, line in zip(document.items, lines, strict=True) if line["reimbursable"]
        ]
        advance = document.cash_advance or Decimal(0)
        if not owed and not advance:
            raise NothingToSend("nothing in this expense report is reimbursable and there is no cash advance")
        total = sum((item.amount for item, _ in owed), Decimal(0)) - advance
        if total < 0:
            raise DocumentRefused(
                TransferError(
                    code="negative_bill",
                    message=f"The bill would total {total:.2f}: the cash advance is more than what is owed back.",
                    explanation="QuickBooks records money a vendor owes back as a vendor credit, never as a bill "
                    "below zero.",
                    fix="Settle the rest of the advance in the source application (a later report, or a "
                    "repayment), then send the report again.",
                )
            )
        if advance and not _has_account(ctx, ctx.connector.accounts.cash_advance):
            ctx.add_configuration_issue(
                "account_missing",
                f'The Other Current Asset account "{ctx.connector.accounts.cash_advance}" (for the cash advances of '
                "expense reports) does not exist in the QuickBooks company file; reports with an advance wait.",
                f'Create an Other Current Asset account named "{ctx.connector.accounts.cash_advance}" in QuickBooks, '
                "or set another existing account's name in the connector's account settings (accounts.cash_advance).",
            )
            raise DocumentWaits()
        resource = document.resource
        mapped = self._resources.get(resource.id, {}).get("vendor")
        if mapped:
            name = checked_mapping_target(mapped, f"vendor of resource '{resource.id}'", "resources")
        else:
            name = vendor_name(
                f"v-{resource.last_name}, {resource.first_name}",
                what=f"vendor name for resource '{resource.id}'",
                fix=f"map resource '{resource.id}' to its QuickBooks vendor in the resources mapping",
            )
        classes = plan_classes([item.line_of_business for item, _ in owed], names.classes_map)
        plan_vendor(plan, vendor_key(resource.id), name, {}, mapped=bool(mapped))
        plan["classes"].update(classes)
        plan_line_customers(plan, names, [item.organization for item, line in owed if line["billable"]])
        plan["lines"][transfer.id] = lines

    def _line(self, item: ExpenseItem) -> dict[str, Any]:
        """What an item is on the bill: its account, and whether it is owed back and billable."""
        mapping = self._categories.get(item.expense_category.lower())
        if mapping is None:
            raise DocumentRefused(
                TransferError(
                    code="expense_category_unmapped",
                    message=f'The expense category "{item.expense_category}" of item {item.id} has no account.',
                    explanation="Each reimbursable expense posts to the expense account its category is mapped to.",
                    fix=f'Map the expense category "{item.expense_category}" to a QuickBooks expense account '
                    "(expense-categories mapping), then requeue.",
                )
            )
        reimbursable = (
            item.reimbursable if item.reimbursable is not None else bool(mapping.get("reimbursable"))
        )
        billable = item.billable if item.billable is not None else bool(mapping.get("billable"))
        return {
            "account": checked_mapping_target(
                mapping["account"], f"account of '{item.expense_category}'", "expense-categories"
            ),
            "reimbursable": reimbursable,
            "billable": billable and item.organization is not None,
        }

    def parts(self, transfer: Transfer) -> list[Part]:
        return [Part("", transfer.external_guid)]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        plan = ctx.states[PLAN]
        document = ctx.document(ExpenseReportDocument, transfer)
        resource = document.resource
        key = vendor_key(resource.id)
        error = vendor_failure(
            ctx, plan, key, f"The vendor of {resource.first_name} {resource.last_name} could not be had"
        )
        if error is not None:
            return error
        lines = zip(document.items, plan["lines"][transfer.id], strict=True)
        return line_customer_failure(
            ctx,
            plan,
            [item.organization for item, line in lines if line["reimbursable"] and line["billable"]],
        )

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        plan = ctx.states[PLAN]
        document = ctx.document(ExpenseReportDocument, transfer)
        list_id, name = vendor_ref_id(ctx, plan, vendor_key(document.resource.id))
        class_tracking = ctx.company.is_class_tracking_on
        lines = []
        for item, line in zip(document.items, plan["lines"][transfer.id], strict=True):
            if not line["reimbursable"]:
                continue
            target = plan["classes"].get(item.line_of_business.lower()) if item.line_of_business else None
            lines.append(
                ExpenseLineSpec(
                    account=Ref(full_name=line["account"]),
                    amount=item.amount,
                    memo=item.description or item.expense_category,
                    customer=customer_ref(ctx, plan, item.organization.id)
                    if line["billable"] and item.organization is not None
                    else None,
                    class_=Ref(full_name=target) if target and class_tracking else None,
                    billable=True if line["billable"] else None,
                )
            )
        if document.cash_advance:
            lines.append(
                ExpenseLineSpec(
                    account=Ref(full_name=ctx.connector.accounts.cash_advance),
                    amount=-document.cash_advance,
                    memo="Cash advance",
                )
            )
        spec = BillSpec(
            vendor=Ref(list_id=list_id, full_name=None if list_id else name),
            txn_date=document.date.isoformat(),
            ref_number=document.number,
            external_guid=transfer.external_guid,
            expense_lines=tuple(lines),
        )
        return build_bill_add(request_id, spec)

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        return [build_bill_query_by_ref_numbers("q", sorted({str(t.document["number"]) for t in transfers}))]

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)


def _has_account(ctx: StepContext, name: str) -> bool:
    """Whether the last accounts read (every conversation reads them) has an active account of that name."""
    accounts = ctx.list_source.entries("accounts")
    if accounts is None:
        return True  # never read: QuickBooks will say
    return any(str(a.get("full_name")).lower() == name.lower() and a.get("is_active", True) for a in accounts)
