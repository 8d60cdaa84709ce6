"""The invoice a source application enqueues (``POST /api/transfers/invoices``), validated at the edge.

Limits are QuickBooks' own (RefNumber 11, PONumber 25, address lines 41 ...), so a document that passes here
does not fail in QuickBooks for a field length; names of customers and items are checked later, against the
naming conventions that form them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from chalicelib.domain.base import StrictModel

Money = Annotated[
    Decimal, Field(max_digits=15, decimal_places=5, ge=Decimal("-9999999999"), le=Decimal("9999999999"))
]


class Address(StrictModel):
    """A postal address as QuickBooks stores it (up to five free lines, then the parts)."""

    lines: list[Annotated[str, Field(max_length=41)]] = Field(default_factory=list, max_length=5)
    city: str | None = Field(default=None, max_length=31)
    state: str | None = Field(default=None, max_length=21)
    postal_code: str | None = Field(default=None, max_length=13)
    country: str | None = Field(default=None, max_length=31)


class Organization(StrictModel):
    """The PSA's customer the invoice is for; becomes (or is linked to) a QuickBooks customer."""

    id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    tax_exempt: bool = False
    currency: str | None = Field(default=None, min_length=1, max_length=64)
    email: str | None = Field(default=None, max_length=1023)
    bill_address: Address | None = None
    ship_address: Address | None = None


class InvoiceLine(StrictModel):
    """One line: a billing code (-> a QuickBooks item) or a product (-> its inventory part, else a non-inventory
    part), quantity and rate, or a fixed amount."""

    # The source's id of the line: an update keeps the QuickBooks line of an id sent before (else it replaces).
    id: str | None = Field(default=None, min_length=1, max_length=100)
    billing_code: str | None = Field(default=None, min_length=1, max_length=200)
    product: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4095)
    quantity: Money | None = None
    rate: Money | None = None
    amount: Money | None = None
    line_of_business: str | None = Field(default=None, min_length=1, max_length=200)
    taxable: bool | None = None
    service_date: dt.date | None = None

    @model_validator(mode="after")
    def _priced(self) -> InvoiceLine:
        if (self.billing_code is None) == (self.product is None):
            raise ValueError("a line names a billing_code or a product, not both and not neither")
        if self.rate is None and self.amount is None:
            raise ValueError("a line needs a rate or an amount")
        return self


class InvoiceDocument(StrictModel):
    """Body of ``POST /api/transfers/invoices``."""

    source_id: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=11)  # QuickBooks' RefNumber limit
    date: dt.date
    due_date: dt.date | None = None
    terms: str | None = Field(default=None, min_length=1, max_length=31)
    po_number: str | None = Field(default=None, max_length=25)
    memo: str | None = Field(default=None, max_length=4095)
    organization: Organization
    lines: list[InvoiceLine] = Field(min_length=1, max_length=1000)
    line_of_business: str | None = Field(default=None, min_length=1, max_length=200)
    currency: str | None = Field(default=None, min_length=1, max_length=64)
    template: str | None = Field(default=None, min_length=1, max_length=31)
    to_be_printed: bool = False
    to_be_emailed: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> InvoiceDocument:
        if self.due_date is not None and self.due_date < self.date:
            raise ValueError("due_date is before date")
        if self.currency and self.organization.currency and self.currency != self.organization.currency:
            raise ValueError("currency differs from the organization's currency")
        ids = [line.id for line in self.lines if line.id is not None]
        if len(ids) != len(set(ids)):
            raise ValueError("line ids are unique within an invoice")
        return self
