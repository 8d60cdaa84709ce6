"""Vendors for a kind's documents: linked by the stored ListID, else found by name or created.

Shared by the kinds that pay someone (expense reports, bills). The kind's plan puts in its state ``vendors``
(source key -> vendor name, for keys not linked yet), ``vendor_links`` (source key -> ListID) and
``vendor_details`` (lower-case name -> what a VendorAdd needs). Customers, vendors, employees and other names
share one name space in QuickBooks: a name taken there (3100) is looked up among vendors again and linked when
found, else the document fails naming the lists that may hold it.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.domain.mapping import PARTY_NAME_LIMIT, InvalidQbName, NameTooLong
from chalicelib.domain.payables import Vendor
from chalicelib.domain.transfer import CustomerLink, TransferError
from chalicelib.qbxml.invoices import AddressParts
from chalicelib.qbxml.responses import QbResponse
from chalicelib.qbxml.vendors import build_vendor_add, build_vendor_query
from chalicelib.steps.base import StepContext
from chalicelib.transfers.list_objects import EnsureListObjects
from chalicelib.transfers.naming import dependency_failure


def vendor_name(value: str, *, what: str, fix: str) -> str:
    """The QuickBooks vendor name for ``value`` (a ``:`` becomes ``-``: vendors have no sub-levels); never
    shortened: a name over QuickBooks' 41 characters fails its document with ``fix``."""
    name = value.replace(":", "-").strip()
    if not name:
        raise InvalidQbName(f"The {what} is empty. To fix it, {fix}.", what=what, name=name, fix=fix)
    if len(name) > PARTY_NAME_LIMIT:
        raise NameTooLong(what=what, name=name, segment=name, limit=PARTY_NAME_LIMIT, fix=fix)
    return name


class VendorStep(EnsureListObjects):
    """``<slug>.vendors``: after the kind's plan."""

    other_lists = "a customer, an employee or another name; rename one of them, or map this vendor"

    list_label = "vendor"

    def __init__(self, slug: str, *, creates: bool = True) -> None:
        self.creates = creates
        self.key = f"{slug}.vendors"
        self._plan = f"{slug}.plan"
        self.depends_on = (self._plan,)

    def wanted(self, ctx: StepContext) -> list[str]:
        return sorted(set(ctx.states[self._plan]["vendors"].values()))

    def build_query(self, request_id: str, names: list[str]) -> etree._Element:
        return build_vendor_query(request_id, names)

    def build_add(self, ctx: StepContext, request_id: str, full_name: str) -> etree._Element:
        details = ctx.states[self._plan].get("vendor_details", {}).get(full_name.lower(), {})
        address = details.get("address")
        return build_vendor_add(
            request_id,
            name=full_name,
            company_name=details.get("company_name"),
            address=AddressParts(**address) if address else None,
        )

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        super().apply(ctx, state, tag, response)
        if tag == "q":
            # A vendor a mapping names is never created (a typo must not become a new vendor).
            for name in ctx.states[self._plan].get("vendors_mapped", []):
                if name.lower() not in state["known"]:
                    state["failed"].setdefault(
                        name.lower(),
                        {
                            "code": "mapped_vendor_missing",
                            "message": f'QuickBooks has no vendor "{name}".',
                            "explanation": f'The resources mapping names the vendor "{name}", which does not exist '
                            "in the company file.",
                            "fix": f'Create the vendor "{name}" in QuickBooks, or correct the resources mapping.',
                        },
                    )

    def resolved(self, ctx: StepContext, state: dict[str, Any]) -> None:
        ports = ctx.ports
        assert ports is not None
        links = [
            CustomerLink(key, state["known"][name.lower()], name)
            for key, name in ctx.states[self._plan]["vendors"].items()
            if state["known"].get(name.lower())
        ]
        ports.vendor_links.put_many(ports.connector_id, links)


def vendor_ref_id(ctx: StepContext, plan: dict[str, Any], key: str) -> tuple[str | None, str | None]:
    """(ListID, name) of the vendor for source ``key``: its link, else what the vendor step found."""
    if key in plan["vendor_links"]:
        return plan["vendor_links"][key], None
    name = plan["vendors"][key]
    return ctx.states[plan["vendor_step"]]["known"].get(name.lower()) or None, name


def prepare_vendors(ctx: StepContext, plan: dict[str, Any], keys: set[str], vendor_step: str) -> None:
    """The vendor part of a plan: links of ``keys`` (source vendor or resource ids), and empty name maps."""
    ports = ctx.ports
    assert ports is not None
    links = ports.vendor_links.get_many(ports.connector_id, keys) if keys else {}
    plan.update(
        vendor_step=vendor_step,
        vendors={},
        vendors_mapped=[],
        vendor_details={},
        vendor_links={key: link.list_id for key, link in links.items()},
    )


def source_vendor_name(vendor: Vendor) -> str:
    """The QuickBooks name of a source application's vendor (see ``vendor_name``)."""
    return vendor_name(
        vendor.name,
        what=f"vendor name for vendor '{vendor.id}'",
        fix="shorten the vendor's name in the source application",
    )


def vendor_details(vendor: Vendor) -> dict[str, Any]:
    """What a VendorAdd for a source vendor carries besides its name: company name and address."""
    address = vendor.address.model_dump(exclude_none=True) if vendor.address else None
    return {
        "company_name": vendor.name[:41],
        "address": None
        if address is None
        else {
            "lines": tuple(v for k, v in address.items() if k.startswith("line")),
            **{k: v for k, v in address.items() if not k.startswith("line")},
        },
    }


def plan_vendor(plan: dict[str, Any], key: str, name: str, details: dict[str, Any], *, mapped: bool) -> None:
    """Record that source ``key`` needs the vendor ``name`` (unless linked); ``mapped`` ones are never created."""
    if key in plan["vendor_links"]:
        return
    plan["vendors"][key] = name
    plan["vendor_details"].setdefault(name.lower(), details)
    if mapped and name not in plan["vendors_mapped"]:
        plan["vendors_mapped"].append(name)


def vendor_failure(ctx: StepContext, plan: dict[str, Any], key: str, what: str) -> TransferError | None:
    """The error of a document whose vendor could not be had (None when linked or found)."""
    if key in plan["vendor_links"]:
        return None
    return dependency_failure(ctx, plan["vendor_step"], plan["vendors"][key], what)
