"""Timesheets on the shared pipeline: one TimeTrackingAdd per entry, each with its own ExternalGUID.

- Entity: the resources mapping's employee, else the employee named "First Last", else the mapping's vendor
  (that vendor's time, no payroll item). No match fails the timesheet with the fix; payroll names are never
  invented.
- Customer: the entry's organization, linked / found / created exactly as for invoices, in the timesheet's
  connector. Item: the billing code's service item (mapping or naming convention, created when missing).
  Class: the line of business. Payroll item: the payroll category's wage item, only for an employee whose
  paychecks are made from time data (then required: a failure with its fix otherwise).
- Lost answers: TimeTrackingQuery by the period and the entity, ExternalGUID compared in code.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.domain.timesheet import Resource, TimeEntry, TimesheetDocument
from chalicelib.domain.transfer import Transfer, TransferError, external_guid
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.time_tracking import (
    TimeTrackingSpec,
    build_time_tracking_add,
    build_time_tracking_query,
    duration_of_hours,
)
from chalicelib.steps.base import StepContext
from chalicelib.transfers.naming import (
    Names,
    add_customers,
    checked_mapping_target,
    customer_ref,
    dependency_failure,
    line_key,
    plan_classes,
    plan_customer,
    plan_items,
    prepare_names,
)
from chalicelib.transfers.pipeline import DocumentWaits, Identity, Part, txn_identity

SLUG = "timesheets"
CUSTOMERS = f"{SLUG}.customers"
ITEMS = f"{SLUG}.items"
PEOPLE = f"{SLUG}.people"
PLAN = f"{SLUG}.plan"


def resource_key(resource: Resource) -> str:
    """A resource as the plan knows it: its id and its name, since two queued timesheets of one resource may
    carry different names (renamed in the source application meanwhile), and each is matched by its own."""
    return f"{resource.id}|{resource.full_name}"


def entry_guid(transfer_id: str, entry_id: str) -> str:
    """The ExternalGUID of one entry's TimeTracking record."""
    return external_guid(f"{transfer_id}#{entry_id}")


class TimesheetPipeline:
    """The timesheet hooks of the shared plan, reconcile and send steps."""

    slug = SLUG
    label = "Timesheet"

    def __init__(self) -> None:
        self._names: Names | None = None
        self._payroll: dict[str, str] = {}
        self._resources: dict[str, dict[str, Any]] = {}

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        ports = ctx.ports
        assert ports is not None
        org_ids = {
            str(entry["organization"]["id"])
            for t in transfers
            for entry in t.document.get("entries", [])
            if entry.get("organization")
        }
        self._names = prepare_names(ctx, plan, org_ids, CUSTOMERS)
        self._payroll = {
            str(e["source"]).lower(): str(e["payroll_item"]) for e in ports.mapping("payroll-categories")
        }
        self._resources = {str(e["source"]): e for e in ports.mapping("resources")}
        plan.update(resources={}, payroll_items={})

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        names = self._names
        assert names is not None  # prepare came first
        document = ctx.document(TimesheetDocument, transfer)
        lines = [(e.billing_code, e.line_of_business) for e in document.entries if e.billing_code]
        items = plan_items(
            lines, names.codes, names.naming, ctx.connector.accounts.other_income, known=plan["items"]
        )
        classes = plan_classes([e.line_of_business for e in document.entries], names.classes_map)
        payroll = {}
        for entry in document.entries:
            category = entry.payroll_category
            if category and category.lower() in self._payroll:
                payroll[category.lower()] = checked_mapping_target(
                    self._payroll[category.lower()], f"payroll item of '{category}'", "payroll-categories"
                )
        missing = _missing_payroll_items(ctx, set(payroll.values()))
        if missing:
            # The mapped wage item is not in QuickBooks: a configuration issue, and the timesheet waits.
            for item in missing:
                ctx.add_configuration_issue(
                    "payroll_item_missing",
                    f'The payroll wage item "{item}" named by the payroll-categories mapping does not exist in '
                    "the QuickBooks company file; timesheets that need it wait.",
                    f'Create the payroll item "{item}" in QuickBooks (Lists > Payroll Item List), or correct the '
                    "payroll-categories mapping.",
                )
            raise DocumentWaits()
        customers: dict[str, str] = {}
        organizations = {}
        for entry in document.entries:
            if entry.organization is not None:
                found = plan_customer(plan, names, entry.organization)
                if found and entry.organization.id not in customers:
                    customers.update(found)
                    organizations[entry.organization.id] = entry.organization
        resource = document.resource
        mapped = self._resources.get(resource.id, {})
        plan["resources"][resource_key(resource)] = {
            "id": resource.id,
            "name": resource.full_name,
            "employee": checked_mapping_target(
                mapped["employee"], f"employee of resource '{resource.id}'", "resources"
            )
            if mapped.get("employee")
            else None,
            "vendor": checked_mapping_target(
                mapped["vendor"], f"vendor of resource '{resource.id}'", "resources"
            )
            if mapped.get("vendor")
            else None,
        }
        plan["items"].update(items)
        plan["classes"].update(classes)
        plan["payroll_items"].update(payroll)
        add_customers(plan, customers, organizations)

    def parts(self, transfer: Transfer) -> list[Part]:
        return [
            Part(str(e["id"]), entry_guid(transfer.id, str(e["id"]))) for e in transfer.document["entries"]
        ]

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        plan = ctx.states[PLAN]
        people = ctx.states[PEOPLE]
        if people.get("failed"):
            return TransferError.model_validate(people["failed"])
        document = ctx.document(TimesheetDocument, transfer)
        entity, error = _entity(plan, people, document)
        if error is not None:
            return error
        for entry in document.entries:
            if entry.organization is not None and entry.organization.id not in plan["linked"]:
                name = plan["customers"].get(entry.organization.id, "")
                what = (
                    f'The customer "{name}" for organization "{entry.organization.id}" could not be created'
                )
                failure = dependency_failure(ctx, CUSTOMERS, name, what)
                if failure is not None:
                    return failure
            if entry.billing_code:
                info = plan["items"][line_key(entry.billing_code, entry.line_of_business)]
                what = f'The item "{info["name"]}" for billing code "{entry.billing_code}" is not available'
                failure = dependency_failure(ctx, ITEMS, info["name"], what)
                if failure is not None:
                    return failure
            if entity.get("uses_time_data") and _payroll_item(plan, entry) is None:
                return _payroll_missing(document, entry, entity["name"])
        return None

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        plan = ctx.states[PLAN]
        document = ctx.document(TimesheetDocument, transfer)
        entity, _ = _entity(plan, ctx.states[PEOPLE], document)
        entry = next(e for e in document.entries if e.id == part.key)
        class_name = plan["classes"].get(entry.line_of_business.lower()) if entry.line_of_business else None
        payroll_item = _payroll_item(plan, entry) if entity.get("uses_time_data") else None
        spec = TimeTrackingSpec(
            txn_date=entry.date.isoformat(),
            entity=Ref(list_id=entity["list_id"]),
            duration=duration_of_hours(entry.hours),
            external_guid=part.external_guid,
            customer=customer_ref(ctx, plan, entry.organization.id) if entry.organization else None,
            item_service=Ref(
                full_name=plan["items"][line_key(entry.billing_code, entry.line_of_business)]["name"]
            )
            if entry.billing_code
            else None,
            class_=Ref(full_name=class_name) if class_name and ctx.company.is_class_tracking_on else None,
            payroll_item_wage=Ref(full_name=payroll_item) if payroll_item else None,
            notes=entry.notes,
            billable=entry.billable if entry.organization else None,
        )
        return build_time_tracking_add(request_id, spec)

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        plan = ctx.states[PLAN]
        people = ctx.states[PEOPLE]
        queries = []
        for transfer in transfers:
            document = ctx.document(TimesheetDocument, transfer)
            entity, _ = _entity(plan, people, document)
            queries.append(
                build_time_tracking_query(
                    "q",
                    from_date=document.period.start.isoformat(),
                    to_date=document.period.end.isoformat(),
                    entity=Ref(list_id=entity["list_id"]) if entity.get("list_id") else None,
                )
            )
        return queries

    def identity(self, ret: etree._Element) -> Identity:
        return txn_identity(ret)


def _missing_payroll_items(ctx: StepContext, wanted: set[str]) -> list[str]:
    """Mapped wage items the last payroll-items read does not have (none known when never read)."""
    if not wanted:
        return []
    entries = ctx.list_source.entries("payroll-items")
    if entries is None:
        return []
    have = {str(e.get("full_name") or e.get("name")).lower() for e in entries}
    return sorted(item for item in wanted if item.lower() not in have)


def _payroll_item(plan: dict[str, Any], entry: TimeEntry) -> str | None:
    category = entry.payroll_category
    return plan["payroll_items"].get(category.lower()) if category else None


def _entity(
    plan: dict[str, Any], people: dict[str, Any], document: TimesheetDocument
) -> tuple[dict[str, Any], TransferError | None]:
    """The QuickBooks entity of the timesheet's resource, or the error saying why there is none."""
    resource = plan["resources"][resource_key(document.resource)]
    employees, vendors = people.get("employees", {}), people.get("vendors", {})
    mapped = resource.get("employee")
    if mapped:
        found = employees.get(mapped.lower())
        if found is None:
            return {}, TransferError(
                code="employee_missing",
                message=f'QuickBooks has no employee "{mapped}" (resource {document.resource.id}).',
                explanation=f'The resources mapping sends resource "{document.resource.id}" to the employee '
                f'"{mapped}", which does not exist in the company file.',
                fix=f'Create the employee "{mapped}" in QuickBooks, or correct the resources mapping, then requeue.',
            )
        return found, None
    by_name = employees.get(resource["name"].lower())
    if by_name is not None:
        return by_name, None
    vendor = resource.get("vendor")
    if vendor and vendors.get(vendor.lower()):
        return {"list_id": vendors[vendor.lower()], "name": vendor, "uses_time_data": False}, None
    return {}, TransferError(
        code="no_employee",
        message=f'No QuickBooks employee for resource "{document.resource.id}" ({resource["name"]}).',
        explanation=f'QuickBooks has no employee named "{resource["name"]}", and the resources mapping names no '
        "employee (or vendor) for this resource. Payroll names are never invented.",
        fix=f'Map resource "{document.resource.id}" to its QuickBooks employee (or vendor) in the resources mapping, '
        "or add the employee in QuickBooks, then requeue the timesheet.",
    )


def _payroll_missing(document: TimesheetDocument, entry: TimeEntry, employee: str) -> TransferError:
    category = entry.payroll_category
    what = f'payroll category "{category}"' if category else "no payroll category"
    return TransferError(
        code="payroll_item_unmapped",
        message=f"Entry {entry.id} of {document.source_id} has {what}, with no payroll wage item mapped.",
        explanation=f'QuickBooks makes the paychecks of "{employee}" from time data, so each of their time entries '
        "needs a payroll wage item.",
        fix="Map the payroll category to a QuickBooks payroll wage item (payroll-categories mapping), or send the "
        "entry's payroll category, then requeue the timesheet.",
    )
