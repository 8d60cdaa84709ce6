"""Customers for a kind's organizations: linked by the stored ListID, else found by name or created.

Shared by every kind whose documents name organizations. The kind's plan puts in its state ``customers``
(organization id -> customer full name, for organizations not linked yet) and ``customer_details`` (lower-case
full name -> what a CustomerAdd needs of the organization). Matching is by exact full name (QuickBooks compares
names case-insensitively); the link is stored once resolved, so renaming the organization in the source
application never creates a second customer.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.domain.invoice import Organization
from chalicelib.domain.transfer import CustomerLink
from chalicelib.qbxml.invoices import AddressParts, build_customer_add, build_names_query
from chalicelib.qbxml.responses import child_named, child_text
from chalicelib.steps.base import StepContext
from chalicelib.transfers.list_objects import EnsureListObjects, parent_of
from chalicelib.transfers.tax import customer_tax_code


def address_parts(address: Any) -> AddressParts | None:
    if address is None:
        return None
    return AddressParts(
        lines=tuple(address.lines),
        city=address.city,
        state=address.state,
        postal_code=address.postal_code,
        country=address.country,
    )


def customer_details(organization: Organization) -> dict[str, Any]:
    """What the customer step keeps of an organization for its CustomerAdd (JSON-safe)."""
    return organization.model_dump(mode="json", exclude_none=True)


class CustomerStep(EnsureListObjects):
    """``<slug>.customers``: after the kind's plan."""

    list_label = "customer"

    def __init__(self, slug: str, *, creates: bool = True) -> None:
        self.creates = creates
        self.key = f"{slug}.customers"
        self._plan = f"{slug}.plan"
        self.depends_on = (self._plan,)

    def wanted(self, ctx: StepContext) -> list[str]:
        return sorted(set(ctx.states[self._plan]["customers"].values()))

    def build_query(self, request_id: str, names: list[str]) -> etree._Element:
        # CurrencyRef is answered only by multi-currency files; asking is harmless otherwise.
        return build_names_query("CustomerQueryRq", request_id, names, also=("CurrencyRef",))

    def remember(self, state: dict[str, Any], full_name: str, ret: etree._Element) -> None:
        currency = child_named(ret, "CurrencyRef")
        if currency is not None:
            state.setdefault("currency", {})[full_name.lower()] = child_text(currency, "FullName") or ""

    def build_add(self, ctx: StepContext, request_id: str, full_name: str) -> etree._Element:
        details = ctx.states[self._plan].get("customer_details", {}).get(full_name.lower())
        leaf = full_name.rsplit(":", 1)[-1]
        if details is None:  # a parent level the naming convention introduced
            return build_customer_add(request_id, name=leaf, parent=parent_of(full_name))
        organization = Organization.model_validate(details)
        multicurrency = ctx.company.is_multicurrency_on
        return build_customer_add(
            request_id,
            name=leaf,
            parent=parent_of(full_name),
            company_name=organization.name,
            bill_address=address_parts(organization.bill_address),
            ship_address=address_parts(organization.ship_address),
            email=organization.email,
            sales_tax_code=customer_tax_code(ctx.company, organization.tax_exempt),
            currency=organization.currency if multicurrency else None,
        )

    def resolved(self, ctx: StepContext, state: dict[str, Any]) -> None:
        ports = ctx.ports
        assert ports is not None
        currencies = state.get("currency", {})
        links = [
            CustomerLink(org_id, state["known"][name.lower()], name, currencies.get(name.lower()))
            for org_id, name in ctx.states[self._plan]["customers"].items()
            if state["known"].get(name.lower())
        ]
        ports.customer_links.put_many(ports.connector_id, links)
