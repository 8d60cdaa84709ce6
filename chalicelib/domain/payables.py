"""The payables and ledger documents a source application enqueues: expense reports (``POST
/api/transfers/expense-reports``), vendor bills (``/bills``) and journal entries (``/journal-entries``),
validated at the edge with QuickBooks' own limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from chalicelib.domain.base import StrictModel
from chalicelib.domain.invoice import Money, Organization
from chalicelib.domain.timesheet import Resource

PositiveMoney = Annotated[Decimal, Field(gt=Decimal(0), max_digits=15, decimal_places=2)]
# Amounts QuickBooks keeps to the cent (AMTTYPE): never rounded here, so a 422 instead of a changed amount.
Cents = Annotated[
    Decimal, Field(max_digits=15, decimal_places=2, ge=Decimal("-9999999999"), le=Decimal("9999999999"))
]
AccountFullName = Annotated[str, Field(min_length=1, max_length=159)]  # taken verbatim: ':' separates levels


class ExpenseItem(StrictModel):
    """One expense of a report; reimbursable ones are owed to the resource and go on the bill."""

    id: str = Field(min_length=1, max_length=100)
    date: dt.date
    expense_category: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4095)
    amount: PositiveMoney
    # Left out: the expense category mapping's flag decides.
    billable: bool | None = None
    reimbursable: bool | None = None
    organization: Organization | None = None
    line_of_business: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _billable_to_someone(self) -> ExpenseItem:
        if self.billable and self.organization is None:
            raise ValueError("a billable expense needs the organization it is billed to")
        return self


class ExpenseReportDocument(StrictModel):
    """Body of ``POST /api/transfers/expense-reports``: one bill to the resource's vendor."""

    source_id: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=20)  # the bill's RefNumber
    date: dt.date
    resource: Resource
    cash_advance: PositiveMoney | None = None
    items: list[ExpenseItem] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _unique_items(self) -> ExpenseReportDocument:
        ids = [item.id for item in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("item ids are unique within an expense report")
        return self


class VendorAddress(StrictModel):
    line1: str | None = Field(default=None, max_length=41)
    line2: str | None = Field(default=None, max_length=41)
    city: str | None = Field(default=None, max_length=31)
    state: str | None = Field(default=None, max_length=21)
    postal_code: str | None = Field(default=None, max_length=13)
    country: str | None = Field(default=None, max_length=31)


class Vendor(StrictModel):
    """A vendor of the source application: linked by id, matched by name, created when absent."""

    id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    address: VendorAddress | None = None


class BillExpenseLine(StrictModel):
    id: str | None = Field(default=None, min_length=1, max_length=100)  # kept by updates (see invoices)
    account: AccountFullName
    amount: Cents
    memo: str | None = Field(default=None, max_length=4095)
    organization: Organization | None = None
    billable: bool = False
    line_of_business: str | None = Field(default=None, min_length=1, max_length=200)


class BillItemLine(StrictModel):
    id: str | None = Field(default=None, min_length=1, max_length=100)  # kept by updates (see invoices)
    product: str = Field(min_length=1, max_length=200)
    quantity: Money | None = None
    cost: Money | None = None
    amount: Cents | None = None
    description: str | None = Field(default=None, max_length=4095)
    organization: Organization | None = None
    billable: bool = False
    line_of_business: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _priced(self) -> BillItemLine:
        if self.cost is None and self.amount is None:
            raise ValueError("an item line needs a cost or an amount")
        return self


class BillDocument(StrictModel):
    """Body of ``POST /api/transfers/bills``: a bill approved in the source application (accounts payable)."""

    source_id: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=20)
    date: dt.date
    due_date: dt.date | None = None
    vendor: Vendor
    terms: str | None = Field(default=None, min_length=1, max_length=31)
    memo: str | None = Field(default=None, max_length=4095)
    expense_lines: list[BillExpenseLine] = Field(default_factory=list, max_length=1000)
    item_lines: list[BillItemLine] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self) -> BillDocument:
        if not self.expense_lines and not self.item_lines:
            raise ValueError("a bill needs at least one expense line or item line")
        if self.due_date is not None and self.due_date < self.date:
            raise ValueError("due_date is before date")
        lines: list[BillExpenseLine | BillItemLine] = [*self.expense_lines, *self.item_lines]
        ids = [line.id for line in lines if line.id is not None]
        if len(ids) != len(set(ids)):
            raise ValueError("line ids are unique within a bill")
        return self


class JournalLine(StrictModel):
    """One line: a debit or a credit (exactly one of them) on an account, optionally for a customer or vendor."""

    account: AccountFullName
    debit: PositiveMoney | None = None
    credit: PositiveMoney | None = None
    memo: str | None = Field(default=None, max_length=4095)
    organization: Organization | None = None
    vendor: Vendor | None = None
    line_of_business: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _one_side(self) -> JournalLine:
        if (self.debit is None) == (self.credit is None):
            raise ValueError("a journal line has a debit or a credit, not both and not neither")
        if self.organization is not None and self.vendor is not None:
            raise ValueError("a journal line names an organization or a vendor, not both")
        return self


class JournalEntryDocument(StrictModel):
    """Body of ``POST /api/transfers/journal-entries``; debits equal credits to the cent."""

    source_id: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=11)
    date: dt.date
    memo: str | None = Field(default=None, max_length=4095)
    lines: list[JournalLine] = Field(min_length=2, max_length=1000)

    @model_validator(mode="after")
    def _balanced(self) -> JournalEntryDocument:
        debits = sum((line.debit or Decimal(0) for line in self.lines), Decimal(0))
        credits = sum((line.credit or Decimal(0) for line in self.lines), Decimal(0))
        if debits != credits:
            raise ValueError(
                f"debits ({debits:.2f}) and credits ({credits:.2f}) differ; a journal entry balances"
            )
        return self
