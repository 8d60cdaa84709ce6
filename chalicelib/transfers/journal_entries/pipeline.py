"""Journal entries on the shared pipeline: one JournalEntryAdd per entry.

Debits equal credits to the cent (checked at enqueue). Accounts are taken verbatim as QuickBooks full names
(``:`` separates levels) and never created: an unknown one makes QuickBooks refuse the entry, which fails with
the fix. A line's organization (a customer) or vendor is its entity: linked or matched by name, never
created; a name QuickBooks does not have fails the entry naming it. A/R and A/P lines need their customer or
vendor (QuickBooks' rule, explained by the catalogue when it refuses). Lost answers: JournalEntryQuery by
RefNumber, ExternalGUID compared in code.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.domain.payables import JournalEntryDocument, JournalLine
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.journal_entries import (
    JournalEntrySpec,
    JournalLineSpec,
    build_journal_entry_add,
    build_journal_entry_query_by_ref_numbers,
)
from chalicelib.steps.base import StepContext
from chalicelib.transfers.naming import (
    Names,
    customer_ref,
    dependency_failure,
    plan_classes,
    plan_line_customers,
    prepare_names,
)
from chalicelib.transfers.pipeline import DocumentRefused, Identity, Part, txn_identity
from chalicelib.transfers.vendors import (
    plan_vendor,
    prepare_vendors,
    vendor_failure,
    vendor_name,
    vendor_ref_id,
)

SLUG = "journal-entries"
PLAN = f"{SLUG}.plan"
CUSTOMERS = f"{SLUG}.customers"
VENDORS = f"{SLUG}.vendors"


class JournalEntryPipeline:
    """The journal-entry hooks of the shared plan, reconcile and send steps."""

    slug = SLUG
    label = "Journal Entry"

    def __init__(self) -> None:
        self._names: Names | None = None

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        lines = [line for t in transfers for line in t.document.get("lines", [])]
        org_ids = {str(line["organization"]["id"]) for line in lines if line.get("organization")}
        self._names = prepare_names(ctx, plan, org_ids, CUSTOMERS)
        prepare_vendors(
            ctx, plan, {str(line["vendor"]["id"]) for line in lines if line.get("vendor")}, VENDORS
        )

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        names = self._names
        assert names is not None  # prepare came first
        document = ctx.document(JournalEntryDocument, transfer)
        _check_entities(ctx, document)
        classes = plan_classes([line.line_of_business for line in document.lines], names.classes_map)
        vendors = []
        for line in document.lines:
            if line.vendor is not None:
                name = vendor_name(
                    line.vendor.name,
                    what=f"vendor name for vendor '{line.vendor.id}'",
                    fix="correct the vendor's name in the source application",
                )
                vendors.append((line.vendor.id, name))
        plan["classes"].update(classes)
        plan_line_customers(plan, names, [line.organization for line in document.lines])
        for key, name in vendors:
            plan_vendor(plan, key, name, {}, mapped=False)

    def parts(self, transfer: Transfer) -> list[Part]:
        return [Part("", transfer.external_guid)]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        plan = ctx.states[PLAN]
        document = ctx.document(JournalEntryDocument, transfer)
        for line in document.lines:
            if line.organization is not None and line.organization.id not in plan["linked"]:
                name = plan["customers"].get(line.organization.id, "")
                failure = dependency_failure(
                    ctx, CUSTOMERS, name, f'The customer "{name}" is not in QuickBooks'
                )
                if failure is not None:
                    return failure
            if line.vendor is not None:
                failure = vendor_failure(
                    ctx, plan, line.vendor.id, f'The vendor "{line.vendor.name}" is not in QuickBooks'
                )
                if failure is not None:
                    return failure
        return None

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        plan = ctx.states[PLAN]
        document = ctx.document(JournalEntryDocument, transfer)

        def spec(line: JournalLine) -> JournalLineSpec:
            amount = line.debit if line.debit is not None else line.credit
            assert amount is not None  # the model requires one of them
            target = plan["classes"].get(line.line_of_business.lower()) if line.line_of_business else None
            entity: Ref | None = None
            if line.organization is not None:
                entity = customer_ref(ctx, plan, line.organization.id)
            elif line.vendor is not None:
                list_id, name = vendor_ref_id(ctx, plan, line.vendor.id)
                entity = Ref(list_id=list_id, full_name=None if list_id else name)
            return JournalLineSpec(
                account=Ref(full_name=line.account),
                amount=amount,
                memo=line.memo,
                entity=entity,
                class_=Ref(full_name=target) if target and ctx.company.is_class_tracking_on else None,
            )

        return build_journal_entry_add(
            request_id,
            JournalEntrySpec(
                txn_date=document.date.isoformat(),
                ref_number=document.number,
                external_guid=transfer.external_guid,
                debits=tuple(spec(line) for line in document.lines if line.debit is not None),
                credits=tuple(spec(line) for line in document.lines if line.credit is not None),
                memo=document.memo,
            ),
        )

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        refs = sorted({str(t.document["number"]) for t in transfers})
        return [build_journal_entry_query_by_ref_numbers("q", refs)]

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)


# QuickBooks' rule: a line on a receivables account names its customer, one on a payables account its vendor.
_ENTITY_NEEDED = {"AccountsReceivable": ("organization", "customer"), "AccountsPayable": ("vendor", "vendor")}


def _check_entities(ctx: StepContext, document: JournalEntryDocument) -> None:
    """Refuse, with the fix, an A/R line without its organization or an A/P line without its vendor (by the
    account types the last accounts read says; QuickBooks would refuse it with a bare "missing element")."""
    types = {
        str(a.get("full_name")).lower(): a.get("type") for a in ctx.list_source.entries("accounts") or []
    }
    for index, line in enumerate(document.lines):
        needed = _ENTITY_NEEDED.get(str(types.get(line.account.lower())))
        if needed is not None and getattr(line, needed[0]) is None:
            raise DocumentRefused(
                TransferError(
                    code="journal_line_needs_entity",
                    message=f'Line {index + 1} posts to "{line.account}", which needs a {needed[1]}.',
                    explanation=f"QuickBooks requires every journal line on an "
                    f"{'accounts receivable' if needed[1] == 'customer' else 'accounts payable'} account to "
                    f"name its {needed[1]}.",
                    fix=f"Give line {index + 1} its {needed[0]} in the source application and send the entry again.",
                )
            )
