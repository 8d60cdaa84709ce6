"""Names a plan forms for QuickBooks (customers, items, classes) and what their steps found, shared by the
kinds whose documents name organizations and billing codes.

A plan works everything out before it records anything, so a document that fails leaves no trace; the mappings
and naming conventions it reads are kept for the callback only (``Names``), never in the session state.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.invoice import Organization
from chalicelib.domain.mapping import InvalidQbName, NamingConventions, customer_name, item_name
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.domain.xml_text import bad_xml_char, describe_char
from chalicelib.qbxml.invoices import Ref
from chalicelib.steps.base import StepContext
from chalicelib.transfers.customers import customer_details
from chalicelib.transfers.list_objects import EnsureListObjects


def line_key(billing_code: str, line_of_business: str | None) -> str:
    """How the plan finds a line's item: the item naming convention may use the line of business."""
    return f"{billing_code.lower()}|{(line_of_business or '').lower()}"


def checked_mapping_target(target: object, what: str, mapping: str) -> str:
    """A mapping's QuickBooks name as text, refused (``InvalidQbName``) if XML cannot carry it.

    The API refuses such text; this catches what was stored before it did, so the document fails alone.
    """
    name = str(target)
    char = bad_xml_char(name)
    if char is None:
        return name
    fix = f"correct the {what} in the {mapping} mapping"
    raise InvalidQbName(
        f"The {what} holds the character {describe_char(char)}, which QuickBooks' XML cannot carry. To fix it, "
        f"{fix}.",
        what=what,
        name=name.replace(char, "?"),
        fix=fix,
    )


def plan_items(
    lines: list[tuple[str, str | None]],
    codes: dict[str, dict[str, Any]],
    naming: NamingConventions,
    default_account: str,
    known: Container[str] = (),
) -> dict[str, dict[str, Any]]:
    """The item of each (billing code, line of business): mapped, or formed by the item naming convention;
    none for the keys in ``known`` (what the plan has already: the same code and line of business always
    name the same item)."""
    found: dict[str, dict[str, Any]] = {}
    for code, lob in lines:
        if line_key(code, lob) in known:
            continue
        mapped = codes.get(code.lower(), {})
        account = checked_mapping_target(
            mapped.get("income_account") or default_account,
            f"income account of billing code '{code}'",
            "billing-codes",
        )
        if mapped.get("item"):
            name = checked_mapping_target(mapped["item"], f"item of billing code '{code}'", "billing-codes")
            entry = {"name": name, "create": False, "account": account, "code": code}
        else:
            name = item_name(naming, code, line_of_business=lob or "")
            entry = {"name": name, "create": True, "account": account, "code": code}
        found[line_key(code, lob)] = entry
    return found


def plan_classes(lobs: list[str | None], classes_map: dict[str, Any]) -> dict[str, str]:
    """The class of each line of business the lines-of-business mapping names."""
    return {
        lob.lower(): checked_mapping_target(
            classes_map[lob.lower()], f"class of '{lob}'", "lines-of-business"
        )
        for lob in lobs
        if lob and classes_map.get(lob.lower())
    }


@dataclass(frozen=True)
class Names:
    """The mappings and naming conventions a plan forms names with (read once per plan, never stored)."""

    naming: NamingConventions
    codes: dict[str, dict[str, Any]]
    classes_map: dict[str, Any]


def prepare_names(ctx: StepContext, plan: dict[str, Any], org_ids: set[str], customer_step: str) -> Names:
    """What every kind that names customers, items and classes reads once per plan; the plan's name maps."""
    ports = ctx.ports
    assert ports is not None
    links = ports.customer_links.get_many(ports.connector_id, org_ids) if org_ids else {}
    plan.update(
        customer_step=customer_step,
        customers={},
        customer_details={},
        linked={org: link.list_id for org, link in links.items()},
        linked_currency={org: link.currency for org, link in links.items() if link.currency},
        items={},
        classes={},
    )
    return Names(
        naming=ports.mappings.get_naming(ports.connector_id),
        codes={str(e["source"]).lower(): e for e in ports.mapping("billing-codes")},
        classes_map={str(e["source"]).lower(): e.get("class") for e in ports.mapping("lines-of-business")},
    )


def plan_customer(plan: dict[str, Any], names: Names, organization: Organization) -> dict[str, str]:
    """The customer name of an organization not linked yet (``{}`` when linked or already planned)."""
    if organization.id in plan["linked"] or organization.id in plan["customers"]:
        return {}
    return {organization.id: customer_name(names.naming, organization)}


def add_customers(
    plan: dict[str, Any], customers: dict[str, str], organizations: dict[str, Organization]
) -> None:
    """Record planned customers and what their CustomerAdd needs."""
    plan["customers"].update(customers)
    for org_id, name in customers.items():
        plan["customer_details"][name.lower()] = customer_details(organizations[org_id])


def line_organization_ids(transfers: Iterable[Transfer], *fields: str) -> set[str]:
    """The ids of the organizations named on the lines (the documents' ``fields``) of ``transfers``."""
    return {
        str(line["organization"]["id"])
        for transfer in transfers
        for field in fields
        for line in transfer.document.get(field, [])
        if line.get("organization")
    }


def plan_line_customers(
    plan: dict[str, Any], names: Names, organizations: Iterable[Organization | None]
) -> None:
    """Plan the customer of each organization of a document's lines (each once; linked ones need none).

    Called last in a kind's ``plan_document``, once nothing can fail any more: a failing document leaves no
    trace in the plan."""
    customers: dict[str, str] = {}
    found: dict[str, Organization] = {}
    for organization in organizations:
        if organization is not None and organization.id not in customers:
            customers.update(plan_customer(plan, names, organization))
            found[organization.id] = organization
    add_customers(plan, customers, {k: v for k, v in found.items() if k in customers})


def line_customer_failure(
    ctx: StepContext, plan: dict[str, Any], organizations: Iterable[Organization | None]
) -> TransferError | None:
    """The error of a document one of whose lines' customers could not be created, or None."""
    for organization in organizations:
        if organization is not None and organization.id not in plan["linked"]:
            name = plan["customers"].get(organization.id, "")
            failure = dependency_failure(
                ctx, plan["customer_step"], name, f'The customer "{name}" could not be created'
            )
            if failure is not None:
                return failure
    return None


def dependency_failure(ctx: StepContext, step_key: str, name: str, what: str) -> TransferError | None:
    """The error of a document whose customer or item (``name``, from step ``step_key``) could not be had."""
    failure = EnsureListObjects.failure_for(ctx.states[step_key], name)
    if failure is None:
        return None
    return TransferError(
        code=failure["code"],
        message=f"{what}: {failure['message']}",
        explanation=failure.get("explanation", ""),
        fix=failure.get("fix", ""),
        status_code=failure.get("status_code"),
    )


def customer_ref(ctx: StepContext, plan: dict[str, Any], org_id: str) -> Ref:
    """The customer of an organization: its stored link, else the name planned (with the ListID if found)."""
    if org_id in plan["linked"]:
        return Ref(list_id=plan["linked"][org_id])
    name = plan["customers"][org_id]
    return Ref(list_id=ctx.states[plan["customer_step"]]["known"].get(name.lower()) or None, full_name=name)
