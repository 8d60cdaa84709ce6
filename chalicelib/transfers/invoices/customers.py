"""Customers for the invoices' organizations: linked by the stored ListID, else found by name or created.

Matching is by exact full name (QuickBooks compares names case-insensitively); the link is stored once
resolved, so renaming the organization in the source application never creates a second customer.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.conversation.steps import StepContext
from chalicelib.domain.invoice import InvoiceDocument, Organization
from chalicelib.domain.transfer import CustomerLink
from chalicelib.qbxml.invoices import AddressParts, build_customer_add, build_names_query
from chalicelib.qbxml.responses import child_named, child_text
from chalicelib.transfers.invoices.plan import KEY as PLAN
from chalicelib.transfers.invoices.tax import customer_tax_code
from chalicelib.transfers.list_objects import EnsureListObjects, parent_of

KEY = "invoices.customers"


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


class CustomerStep(EnsureListObjects):
    key = KEY
    depends_on = (PLAN,)

    def __init__(self) -> None:
        self._organizations: dict[str, Organization] | None = None

    def wanted(self, ctx: StepContext) -> list[str]:
        return sorted(set(ctx.states[PLAN]["customers"].values()))

    def build_query(self, request_id: str, names: list[str]) -> etree._Element:
        # CurrencyRef is answered only by multi-currency files; asking is harmless otherwise.
        return build_names_query("CustomerQueryRq", request_id, names, also=("CurrencyRef",))

    def remember(self, state: dict[str, Any], full_name: str, ret: etree._Element) -> None:
        currency = child_named(ret, "CurrencyRef")
        if currency is not None:
            state.setdefault("currency", {})[full_name.lower()] = child_text(currency, "FullName") or ""

    def build_add(self, ctx: StepContext, request_id: str, full_name: str) -> etree._Element:
        organization = self._organization_named(ctx, full_name)
        leaf = full_name.rsplit(":", 1)[-1]
        if organization is None:  # a parent level the naming convention introduced
            return build_customer_add(request_id, name=leaf, parent=parent_of(full_name))
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
            for org_id, name in ctx.states[PLAN]["customers"].items()
            if state["known"].get(name.lower())
        ]
        ports.customer_links.put_many(ports.connector_id, links)

    def _organization_named(self, ctx: StepContext, full_name: str) -> Organization | None:
        """The organization a customer name was formed from (None for a parent level of the convention)."""
        if self._organizations is None:
            # Once per callback (steps are built per callback), not once per CustomerAdd.
            ports = ctx.ports
            assert ports is not None
            names = ctx.states[PLAN]["customers"]
            self._organizations = {}
            for transfer in ports.planned(ctx.states[PLAN]["ids"]).values():
                name = names.get(transfer.organization_id or "")
                if name and name.lower() not in self._organizations:
                    organization = InvoiceDocument.model_validate(transfer.document).organization
                    self._organizations[name.lower()] = organization
        return self._organizations.get(full_name.lower())
