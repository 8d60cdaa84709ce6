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

Inventory quantities are not changed by a bill's item lines (the simulator keeps no stock movements); the
amount does post to the item's asset account.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from simulators.quickbooks.adds import TxnAdd
from simulators.quickbooks.entities import (
    ZERO,
    Account,
    Address,
    Customer,
    Item,
    ItemInventory,
    ItemSalesTax,
    ListObject,
    SalesOrPurchase,
    StandardTerms,
    Terms,
    TrackingClass,
    Vendor,
    address,
    ref,
)
from simulators.quickbooks.errors import StatusError, invalid_value, missing_element
from simulators.quickbooks.fields import Field, amount, compact, day, flag, price, quantity, text
from simulators.quickbooks.handlers import (
    child_text,
    is_active,
    read_address,
    read_date,
    read_decimal,
    reject_unhandled_children,
    resolve_ref,
)
from simulators.quickbooks.invoices import due_date
from simulators.quickbooks.transactions import BalanceHolder, Transaction, TxnStore, credit, debit, to_cents

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

_LINE_REFERRER = "Bill line"
_EXPENSE_LINE_TAGS = frozenset({"AccountRef", "Amount", "Memo", "CustomerRef", "ClassRef", "BillableStatus"})
_ITEM_LINE_TAGS = frozenset(
    {"ItemRef", "Desc", "Quantity", "Cost", "Amount", "CustomerRef", "ClassRef", "BillableStatus"}
)
_COST_PLACES = Decimal("0.00001")  # PRICETYPE keeps five decimals
NEGATIVE_TOTAL = "A bill cannot have a negative total. Enter a vendor credit instead."


@dataclass(kw_only=True, eq=False)
class ExpenseLine:
    """An expense line of a bill: an amount charged to an account."""

    account: Account
    amount: Decimal
    memo: str | None = None
    customer: Customer | None = None
    class_: TrackingClass | None = None
    billable_status: str | None = None  # Billable, NotBillable, HasBeenBilled
    txn_line_id: str = field(default="", init=False)

    def to_field(self) -> Field:
        """The ``ExpenseLineRet`` element."""
        return (
            "ExpenseLineRet",
            compact(
                ("TxnLineID", self.txn_line_id),
                ref("AccountRef", self.account),
                amount("Amount", self.amount),
                text("Memo", self.memo),
                ref("CustomerRef", self.customer),
                ref("ClassRef", self.class_),
                text("BillableStatus", self.billable_status),
            ),
        )


@dataclass(kw_only=True, eq=False)
class ItemLine:
    """An item line of a bill: an item bought, its quantity, cost and amount; ``account`` is where the
    purchase posts (the item's expense, or for inventory its asset account)."""

    item: Item
    account: Account
    amount: Decimal
    desc: str | None = None
    quantity: Decimal | None = None
    cost: Decimal | None = None
    customer: Customer | None = None
    class_: TrackingClass | None = None
    billable_status: str | None = None
    txn_line_id: str = field(default="", init=False)

    def to_field(self) -> Field:
        """The ``ItemLineRet`` element."""
        return (
            "ItemLineRet",
            compact(
                ("TxnLineID", self.txn_line_id),
                ref("ItemRef", self.item),
                text("Desc", self.desc),
                quantity("Quantity", self.quantity),
                price("Cost", self.cost),
                amount("Amount", self.amount),
                ref("CustomerRef", self.customer),
                ref("ClassRef", self.class_),
                text("BillableStatus", self.billable_status),
            ),
        )


@dataclass(eq=False)
class BillApplication:
    """Part of a bill payment applied to one bill."""

    payment: BillPayment
    bill: Bill
    amount: Decimal


@dataclass(kw_only=True, eq=False)
class Bill(Transaction):
    """A bill from a vendor: what the company owes for its lines, less what was paid."""

    ret_tag: ClassVar[str] = "BillRet"
    txn_type: ClassVar[str] = "Bill"

    vendor: Vendor
    vendor_address: Address | None = None
    ap_account: Account | None = None
    due_date: date | None = None
    terms: Terms | None = None
    memo: str | None = None
    expense_lines: list[ExpenseLine] = field(default_factory=list)
    item_lines: list[ItemLine] = field(default_factory=list)
    applications: list[BillApplication] = field(default_factory=list, init=False, repr=False)

    @property
    def lines(self) -> list[ExpenseLine | ItemLine]:
        """Every line: expense lines first, as they come in the Ret."""
        return [*self.expense_lines, *self.item_lines]

    def stamp_lines(self, next_id: Callable[[], str]) -> None:
        """Give each line its TxnLineID."""
        for line in self.lines:
            line.txn_line_id = next_id()

    @property
    def total(self) -> Decimal:
        """The sum of all lines: what the bill asks for (AmountDue)."""
        return sum((line.amount for line in self.lines), ZERO)

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

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Accounts Payable and every account a line posts to, each once."""
        found = [self.ap_account, *(line.account for line in self.lines)]
        return tuple(dict.fromkeys(account for account in found if account is not None))

    @property
    def entities(self) -> tuple[ListObject, ...]:
        """The vendor."""
        return (self.vendor,)

    def balance_changes(self) -> list[tuple[BalanceHolder, Decimal]]:
        """The vendor is owed the total, Accounts Payable grows by it; each line debits its account."""
        changes: list[tuple[BalanceHolder, Decimal]] = [(self.vendor, self.total)]
        changes += credit(self.ap_account, self.in_home_currency(self.total))
        for line in self.lines:
            changes += debit(line.account, self.in_home_currency(line.amount))
        return changes

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The BillRet children in schema order."""
        linked_txns = (
            [application.payment.link_field(application.amount) for application in self.applications]
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

    def link_field(self, applied: Decimal) -> Field:
        """The ``LinkedTxn`` a bill shows for this payment: the amount applied, negative."""
        return (
            "LinkedTxn",
            compact(
                ("TxnID", self.txn_id),
                ("TxnType", self.txn_type),
                day("TxnDate", self.txn_date),
                text("RefNumber", self.ref_number),
                ("LinkType", "AMTTYPE"),
                amount("Amount", -applied),
            ),
        )

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


class BillAdd(TxnAdd[Bill]):
    """``BillAddRq``: records a bill and answers with its BillRet, lines included."""

    request_tag = "BillAddRq"
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
        vendor = resolve_ref(
            aggregate, "VendorRef", company.vendors, self.missing(Vendor.kind_label), usable=is_active
        )
        assert vendor is not None  # the schema requires VendorRef
        ap_account = resolve_ref(
            aggregate,
            "APAccountRef",
            company.accounts,
            self.missing("AP Account"),
            usable=lambda found: found.is_active and found.account_type == "AccountsPayable",
        )
        txn_date = read_date(aggregate, "TxnDate") or company.today
        terms = (
            resolve_ref(
                aggregate, "TermsRef", company.terms, self.missing(StandardTerms.kind_label), usable=is_active
            )
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
            ap_account=ap_account or company.default_ap_account,
            due_date=read_date(aggregate, "DueDate") or due_date(terms, txn_date),
            terms=terms,
            memo=child_text(aggregate, "Memo"),
            expense_lines=[
                self._expense_line(line, company) for line in aggregate.iterfind("ExpenseLineAdd")
            ],
            item_lines=[self._item_line(line, company) for line in aggregate.iterfind("ItemLineAdd")],
        )
        if bill.total < 0:
            raise StatusError(invalid_value("AmountDue", f"{bill.total:.2f}", NEGATIVE_TOTAL))
        return bill

    def _expense_line(self, element: etree._Element, company: QuickBooksCompany) -> ExpenseLine:
        reject_unhandled_children(element, _EXPENSE_LINE_TAGS, "ExpenseLineAdd")
        account = resolve_ref(
            element,
            "AccountRef",
            company.accounts,
            self.missing(Account.kind_label, _LINE_REFERRER),
            usable=is_active,
        )
        if account is None:
            raise StatusError(missing_element("AccountRef"))
        customer, class_ = self._line_customer_and_class(element, company)
        return ExpenseLine(
            account=account,
            amount=to_cents(read_decimal(element, "Amount") or ZERO),
            memo=child_text(element, "Memo"),
            customer=customer,
            class_=class_,
            billable_status=billable_status(element, customer),
        )

    def _item_line(self, element: etree._Element, company: QuickBooksCompany) -> ItemLine:
        reject_unhandled_children(element, _ITEM_LINE_TAGS, "ItemLineAdd")
        item = resolve_ref(
            element,
            "ItemRef",
            company.items,
            self.missing("Item", _LINE_REFERRER),
            # A sales tax item is what the company charges, never something it buys.
            usable=lambda found: found.is_active and not isinstance(found, ItemSalesTax),
        )
        if item is None:
            raise StatusError(missing_element("ItemRef"))
        default_desc, default_cost, account = purchase_side(item)
        count = read_decimal(element, "Quantity")
        cost = read_decimal(element, "Cost")
        total = read_decimal(element, "Amount")
        if cost is None and total is None:
            cost = default_cost
        if total is None:
            total = (Decimal(1) if count is None else count) * (cost or ZERO)
        elif cost is None and count:
            cost = (total / count).quantize(_COST_PLACES)
        customer, class_ = self._line_customer_and_class(element, company)
        return ItemLine(
            item=item,
            account=account,
            amount=to_cents(total),
            desc=child_text(element, "Desc") or default_desc,
            quantity=count,
            cost=cost,
            customer=customer,
            class_=class_,
            billable_status=billable_status(element, customer),
        )

    def _line_customer_and_class(
        self, element: etree._Element, company: QuickBooksCompany
    ) -> tuple[Customer | None, TrackingClass | None]:
        customer = resolve_ref(
            element,
            "CustomerRef",
            company.customers,
            self.missing(Customer.kind_label, _LINE_REFERRER),
            usable=is_active,
        )
        class_ = resolve_ref(
            element,
            "ClassRef",
            company.classes,
            self.missing(TrackingClass.kind_label, _LINE_REFERRER),
            usable=is_active,
        )
        return customer, class_


def billable_status(element: etree._Element, customer: Customer | None) -> str | None:
    """A line's BillableStatus: as given (Billable only with a customer to bill, else 3150 naming
    CustomerRef), else Billable for a line with a customer and nothing for one without."""
    given = child_text(element, "BillableStatus")
    if given:
        if given == "Billable" and customer is None:
            raise StatusError(missing_element("CustomerRef"))
        return given
    return "Billable" if customer is not None else None


def purchase_side(item: Item) -> tuple[str | None, Decimal | None, Account]:
    """What a purchase line takes from its item: description, cost, and the account it posts to (an
    item sold or bought has one account for both; a bought-and-resold item its expense account; an
    inventory item its asset account)."""
    if isinstance(item, ItemInventory):
        return item.purchase_desc, item.purchase_cost, item.asset_account
    assert not isinstance(item, ItemSalesTax)  # refused before
    pricing = item.pricing
    if isinstance(pricing, SalesOrPurchase):
        return pricing.desc, pricing.price, pricing.account
    return pricing.purchase_desc, pricing.purchase_cost, pricing.expense_account
