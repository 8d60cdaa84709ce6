"""Vendor bills (``BillAddRq``, ``BillQueryRq``) and the bill payments a bookkeeper records against them.

A bill is what the company owes a vendor: expense lines (an account and an amount, for costs that are no
item) and item lines (an item bought: quantity x cost). Recording it raises the vendor's balance and
Accounts Payable by its total; paying it (``QuickBooksCompany.pay_bill``, a BillPaymentCheck or a
BillPaymentCreditCard) lowers them again. QuickBooks fills in what a BillAdd leaves out, and so does the
simulator: the vendor's address and terms, the company's Accounts Payable account, the due date the terms
give, an item line's description and cost from the item's purchase side. QuickBooks never numbers bills
itself: RefNumber is the vendor's invoice number, and stays empty when the request gives none.

BillRet: ``AmountDue`` is the bill's total, which payments do not change; ``OpenAmount`` is what is still
to pay and ``IsPaid`` says whether anything is; ``LinkedTxn`` (with ``IncludeLinkedTxns``) lists each
payment with its TxnType (``BillPaymentCheck`` or ``BillPaymentCreditCard``), TxnDate and the amount it
paid, negative, as on invoices.

What the simulator enforces. Where Intuit does not document the status code QuickBooks answers a broken
rule with, the code is the simulator's choice, marked (chosen):

* references must name active elements of the right list, else 3140 naming the kind, as for invoices:
  ``VendorRef`` a vendor ("Vendor"; a customer or employee of that name is no vendor), ``TermsRef``
  terms, ``APAccountRef`` an Accounts Payable account ("AP Account", QuickBooks' own word in a captured
  answer), on a line (named "Bill line") ``AccountRef`` an account, ``ItemRef`` an item that can be bought
  (a sales tax item cannot), ``CustomerRef`` a customer or job, ``ClassRef`` a class;
* an expense line needs its ``AccountRef`` and an item line its ``ItemRef``: 3150 naming the element
  (chosen, as for time tracking);
* a billable line needs a customer to bill: ``BillableStatus`` Billable without ``CustomerRef`` is 3150
  naming ``CustomerRef`` (chosen). Without ``BillableStatus``, a line with a customer is Billable
  (QuickBooks' "Mark all expenses as billable" preference is on by default) and one without says nothing;
* lines may be negative (a cash advance taken back on an expense report), the bill may not: a negative
  total is refused with 3210 on ``AmountDue`` (chosen: QuickBooks' window refuses to save such a bill and
  asks for a vendor credit instead; 3210 is the code for a value its rules refuse, so the bridge reports a
  fault in the document rather than retrying). A zero bill is allowed, and counts as paid.

An item line buying an inventory part brings its quantity into stock and moves the part's average cost,
as an item receipt does (``purchases``); its amount posts to the part's asset account.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from simulators.quickbooks.entities import (
    ZERO,
    Account,
    Address,
    ListObject,
    StandardTerms,
    Terms,
    Vendor,
    address,
    ref,
)
from simulators.quickbooks.errors import StatusError, invalid_value
from simulators.quickbooks.fields import Field, amount, compact, day, flag, text
from simulators.quickbooks.handlers import child_text, read_address, read_date
from simulators.quickbooks.invoices import due_date
from simulators.quickbooks.purchases import PurchaseAdd, VendorPurchase
from simulators.quickbooks.transactions import BalanceHolder, Transaction, TxnStore, credit, debit

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

NEGATIVE_TOTAL = "A bill cannot have a negative total. Enter a vendor credit instead."


@dataclass(eq=False)
class BillApplication:
    """Part of a bill payment applied to one bill."""

    payment: BillPayment
    bill: Bill
    amount: Decimal


@dataclass(kw_only=True, eq=False)
class Bill(VendorPurchase):
    """A bill from a vendor: what the company owes for its lines, less what was paid."""

    ret_tag: ClassVar[str] = "BillRet"
    txn_type: ClassVar[str] = "Bill"

    vendor_address: Address | None = None
    due_date: date | None = None
    terms: Terms | None = None
    applications: list[BillApplication] = field(default_factory=list, init=False, repr=False)

    @property
    def paid_amount(self) -> Decimal:
        """What payments have paid of the bill so far."""
        return sum((application.amount for application in self.applications), ZERO)

    @property
    def open_amount(self) -> Decimal:
        """What is still to pay (OpenAmount)."""
        return self.total - self.paid_amount

    @property
    def is_paid(self) -> bool:
        """QuickBooks counts a bill with nothing left to pay as paid (a zero bill included)."""
        return self.open_amount <= 0

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The BillRet children in schema order."""
        linked_txns = (
            [
                application.payment.link_field("AMTTYPE", -application.amount)
                for application in self.applications
            ]
            if linked
            else []
        )
        line_fields = [line.to_field() for line in self.lines] if lines else []
        return compact(
            *self._stamp_fields(),
            ref("VendorRef", self.vendor),
            address("VendorAddress", self.vendor_address),
            ref("APAccountRef", self.ap_account),
            day("TxnDate", self.txn_date),
            day("DueDate", self.due_date),
            amount("AmountDue", self.total),
            *self._currency_fields("AmountDueInHomeCurrency", self.total),
            text("RefNumber", self.ref_number),
            ref("TermsRef", self.terms),
            text("Memo", self.memo),
            flag("IsPaid", self.is_paid),
            text("ExternalGUID", self.external_guid),
            *linked_txns,
            *line_fields,
            amount("OpenAmount", self.open_amount),
        )


@dataclass(kw_only=True, eq=False)
class BillPayment(Transaction):
    """A payment to a vendor, applied to some of its bills: by check from a bank account
    (``BillPaymentCheck``) or charged to a credit card (``BillPaymentCreditCard``)."""

    vendor: Vendor
    total_amount: Decimal
    paid_from: Account | None = None  # the bank or credit card account
    ap_account: Account | None = None
    memo: str | None = None
    applications: list[BillApplication] = field(default_factory=list, init=False, repr=False)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Accounts Payable and the account the money comes from."""
        return tuple(account for account in (self.ap_account, self.paid_from) if account is not None)

    @property
    def entities(self) -> tuple[ListObject, ...]:
        """The vendor paid."""
        return (self.vendor,)

    def balance_changes(self) -> list[tuple[BalanceHolder, Decimal]]:
        """The vendor is owed less; Accounts Payable shrinks, and the bank (or card) pays."""
        home = self.in_home_currency(self.total_amount)
        changes: list[tuple[BalanceHolder, Decimal]] = [(self.vendor, -self.total_amount)]
        return changes + debit(self.ap_account, home) + credit(self.paid_from, home)

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The Ret children in schema order; ``lines`` are the AppliedToTxnRet."""
        applied = (
            [
                (
                    "AppliedToTxnRet",
                    compact(
                        ("TxnID", application.bill.txn_id),
                        ("TxnType", application.bill.txn_type),
                        day("TxnDate", application.bill.txn_date),
                        text("RefNumber", application.bill.ref_number),
                        amount("BalanceRemaining", application.bill.open_amount),
                        amount("Amount", application.amount),
                    ),
                )
                for application in self.applications
            ]
            if lines
            else []
        )
        return compact(
            *self._stamp_fields(),
            ref("PayeeEntityRef", self.vendor),
            ref("APAccountRef", self.ap_account),
            day("TxnDate", self.txn_date),
            ref(self.paid_from_tag, self.paid_from),
            amount("Amount", self.total_amount),
            *self._currency_fields("AmountInHomeCurrency", self.total_amount),
            text("RefNumber", self.ref_number),
            text("Memo", self.memo),
            *self._between_memo_and_guid(),
            text("ExternalGUID", self.external_guid),
            *applied,
        )

    @property
    @abstractmethod
    def paid_from_tag(self) -> str:
        """How the Ret names the account paid from."""

    def _between_memo_and_guid(self) -> list[Field]:
        return []


@dataclass(kw_only=True, eq=False)
class BillPaymentCheck(BillPayment):
    """A bill paid by check."""

    ret_tag: ClassVar[str] = "BillPaymentCheckRet"
    txn_type: ClassVar[str] = "BillPaymentCheck"

    @property
    def paid_from_tag(self) -> str:
        """The bank account."""
        return "BankAccountRef"

    def _between_memo_and_guid(self) -> list[Field]:
        return compact(flag("IsToBePrinted", False))


@dataclass(kw_only=True, eq=False)
class BillPaymentCreditCard(BillPayment):
    """A bill paid with a credit card."""

    ret_tag: ClassVar[str] = "BillPaymentCreditCardRet"
    txn_type: ClassVar[str] = "BillPaymentCreditCard"

    @property
    def paid_from_tag(self) -> str:
        """The credit card account."""
        return "CreditCardAccountRef"


class BillAdd(PurchaseAdd[Bill]):
    """``BillAddRq``: records a bill and answers with its BillRet, lines included."""

    request_tag = "BillAddRq"
    line_referrer = "Bill line"
    handled = frozenset(
        {
            "VendorRef",
            "VendorAddress",
            "APAccountRef",
            "TxnDate",
            "DueDate",
            "RefNumber",
            "TermsRef",
            "Memo",
            "ExternalGUID",
            "ExpenseLineAdd",
            "ItemLineAdd",
        }
    )

    def store(self, company: QuickBooksCompany) -> TxnStore[Bill]:
        """The company's bills."""
        return company.bills

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> Bill:
        """The bill the aggregate describes, completed as QuickBooks completes it."""
        vendor = self.vendor(aggregate, company)
        ap_account = self.ap_account(aggregate, company)
        txn_date = read_date(aggregate, "TxnDate") or company.today
        terms = (
            self.resolve_active(aggregate, "TermsRef", company.terms, StandardTerms.kind_label)
            or vendor.terms
        )
        currency = company.home_currency  # vendors here deal in the home currency
        bill = Bill(
            vendor=vendor,
            txn_date=txn_date,
            ref_number=child_text(aggregate, "RefNumber"),
            external_guid=child_text(aggregate, "ExternalGUID"),
            currency=currency,
            exchange_rate=None if currency is None else Decimal(1),
            vendor_address=read_address(aggregate, "VendorAddress") or vendor.vendor_address,
            ap_account=ap_account,
            due_date=read_date(aggregate, "DueDate") or due_date(terms, txn_date),
            terms=terms,
            memo=child_text(aggregate, "Memo"),
            expense_lines=[self.expense_line(line, company) for line in aggregate.iterfind("ExpenseLineAdd")],
            item_lines=[self.item_line(line, company) for line in aggregate.iterfind("ItemLineAdd")],
        )
        if bill.total < 0:
            raise StatusError(invalid_value("AmountDue", f"{bill.total:.2f}", NEGATIVE_TOTAL))
        return bill
