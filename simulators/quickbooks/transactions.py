"""The transactions a QuickBooks company file keeps (invoices, received payments) and their store; time
tracking, which posts nothing, is in ``time_tracking``, bills and their payments in ``bills``, journal
entries in ``journal_entries``.

A transaction refers to list elements by the objects themselves, like list elements do, and is stamped by
the company when it is recorded (TxnID, TxnNumber, TimeCreated, TimeModified, EditSequence; each line gets
a TxnLineID). Amounts are kept as ``Decimal`` rounded to cents, the way QuickBooks stores money.

A received payment is linked to the invoices it pays through ``Application`` records held by both sides:
the invoice derives its AppliedAmount, BalanceRemaining, IsPaid and LinkedTxn from them.

What a transaction does to balances (``balance_changes``) is said in each account's own sign: QuickBooks
shows an asset or expense account's balance growing with debits and a liability, equity or income
account's growing with credits (``debit`` and ``credit`` turn one into the other). Only balance-sheet
accounts keep a balance here: QuickBooks reports income and expense accounts by period, not as a Balance.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar, Generic, TypeAlias, TypeVar, overload

from simulators.quickbooks.entities import (
    ZERO,
    Account,
    Address,
    Currency,
    Customer,
    Item,
    ItemInventory,
    ItemSalesTax,
    ListObject,
    SalesTaxCode,
    Template,
    Terms,
    TrackingClass,
    Vendor,
    address,
    address_block,
    ref,
)
from simulators.quickbooks.fields import (
    Field,
    amount,
    compact,
    day,
    flag,
    float_value,
    price,
    quantity,
    text,
    timestamp,
)

_UNSTAMPED = datetime(1970, 1, 1, tzinfo=UTC)
_CENT = Decimal("0.01")
_RATE_PLACES = Decimal("0.00001")  # PRICETYPE keeps five decimals
# Whose balance a transaction changes: customers owe, vendors are owed, accounts hold.
BalanceHolder: TypeAlias = Customer | Vendor | Account
# Account types whose balance grows with debits; every other type grows with credits.
_DEBIT_NORMAL = frozenset(
    {
        "Bank",
        "AccountsReceivable",
        "OtherCurrentAsset",
        "FixedAsset",
        "OtherAsset",
        "Expense",
        "OtherExpense",
        "CostOfGoodsSold",
    }
)
# Account types that keep a running Balance (the balance sheet); the others report by period.
_BALANCE_SHEET = frozenset(
    {
        "Bank",
        "AccountsReceivable",
        "OtherCurrentAsset",
        "FixedAsset",
        "OtherAsset",
        "AccountsPayable",
        "CreditCard",
        "OtherCurrentLiability",
        "LongTermLiability",
        "Equity",
    }
)


def to_cents(value: Decimal) -> Decimal:
    """``value`` rounded to cents, halves away from zero as QuickBooks rounds money."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def priced(
    count: Decimal | None, rate: Decimal | None, total: Decimal | None, default_rate: Decimal | None
) -> tuple[Decimal | None, Decimal]:
    """A line's rate (or cost) and amount as QuickBooks works them out from what the request gives: the
    item's ``default_rate`` when it gives neither, quantity x rate (a rate alone counts once) without an
    amount, and amount over quantity without a rate."""
    if rate is None and total is None:
        rate = default_rate
    if total is None:
        total = (Decimal(1) if count is None else count) * (rate or ZERO)
    elif rate is None and count:
        rate = (total / count).quantize(_RATE_PLACES)
    return rate, to_cents(total)


def debit(account: Account | None, value: Decimal) -> list[tuple[BalanceHolder, Decimal]]:
    """What debiting ``account`` with ``value`` does to its balance, in the account's own sign; nothing
    for an account that keeps no balance (income, expense) or no account at all."""
    if account is None or account.account_type not in _BALANCE_SHEET:
        return []
    return [(account, value if account.account_type in _DEBIT_NORMAL else -value)]


def credit(account: Account | None, value: Decimal) -> list[tuple[BalanceHolder, Decimal]]:
    """What crediting ``account`` with ``value`` does to its balance (see ``debit``)."""
    return debit(account, -value)


@dataclass(frozen=True)
class StockMove:
    """What a transaction does to one inventory part's stock: ``quantity`` in (above zero) or out, and for
    stock bought the unit cost it comes in at (None: at the part's average cost)."""

    item: ItemInventory
    quantity: Decimal
    unit_cost: Decimal | None = None


@dataclass(kw_only=True, eq=False)
class Transaction(ABC):
    """What every transaction has: a date, the identity QuickBooks stamps on it, an ExternalGUID when the
    integration that added it gave one, and a RefNumber for the types that have one. ``eq=False``: two
    transactions are the same only if they are the same object."""

    ret_tag: ClassVar[str]
    txn_type: ClassVar[str]  # the TxnType QuickBooks names it with in links ("Invoice", "ReceivePayment")

    txn_date: date
    ref_number: str | None = None  # always None for types without one (TimeTracking)
    external_guid: str | None = None
    currency: Currency | None = None  # with multi-currency on: the currency the transaction is in
    exchange_rate: Decimal | None = None  # home currency per unit of ``currency``
    txn_id: str = field(default="", init=False)
    txn_number: int = field(default=0, init=False)
    time_created: datetime = field(default=_UNSTAMPED, init=False)
    time_modified: datetime = field(default=_UNSTAMPED, init=False)
    edit_sequence: str = field(default="", init=False)
    is_voided: bool = field(default=False, init=False)  # voided: kept, its number too, worth nothing

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The accounts the transaction posts to (what ``AccountFilter`` selects on)."""
        return ()

    def recalculate(self) -> None:
        """Work out again what the transaction derives from its lines once they change (an invoice's
        sales tax); types that derive nothing stored have nothing to do."""
        return None

    @property
    def entities(self) -> tuple[ListObject, ...]:
        """The customers, vendors, employees or Other Names it is with (what ``EntityFilter`` selects on)."""
        return ()

    @abstractmethod
    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The Ret's children in schema order; ``lines`` and ``linked`` as IncludeLineItems and
        IncludeLinkedTxns ask (an Add answers with both)."""

    def stamp_lines(self, next_id: Callable[[], str]) -> None:
        """Give each line without one its TxnLineID (types without lines have nothing to stamp)."""
        return None

    def balance_changes(self) -> list[tuple[BalanceHolder, Decimal]]:
        """What recording the transaction adds to customer, vendor and account balances (deleting it
        subtracts); nothing unless the type posts."""
        return []

    def stock_moves(self) -> list[StockMove]:
        """What recording the transaction does to inventory quantities; nothing unless the type moves
        stock."""
        return []

    def link_field(self, link_type: str, value: Decimal) -> Field:
        """The ``LinkedTxn`` another transaction shows for this one: ``link_type`` AMTTYPE for money
        applied, QUANTYPE for quantities received; ``value`` as the other transaction shows it."""
        return (
            "LinkedTxn",
            compact(
                ("TxnID", self.txn_id),
                ("TxnType", self.txn_type),
                day("TxnDate", self.txn_date),
                text("RefNumber", self.ref_number),
                ("LinkType", link_type),
                amount("Amount", value),
            ),
        )

    def in_home_currency(self, value: Decimal) -> Decimal:
        """``value`` converted at the transaction's exchange rate."""
        return value if self.exchange_rate is None else to_cents(value * self.exchange_rate)

    def _currency_fields(self, tag: str, value: Decimal) -> list[Field | None]:
        """CurrencyRef, ExchangeRate and ``tag`` (``value`` in home currency), with multi-currency only."""
        if self.currency is None:
            return []
        return [
            ref("CurrencyRef", self.currency),
            float_value("ExchangeRate", self.exchange_rate),
            amount(tag, self.in_home_currency(value)),
        ]

    def _stamp_fields(self) -> list[Field]:
        return [
            ("TxnID", self.txn_id),
            timestamp("TimeCreated", self.time_created),
            timestamp("TimeModified", self.time_modified),
            ("EditSequence", self.edit_sequence),
            ("TxnNumber", str(self.txn_number)),
        ]


@dataclass(kw_only=True, eq=False)
class CustomerTransaction(Transaction):
    """A transaction with a customer that posts to receivables (invoices, received payments), in the
    customer's currency with multi-currency on."""

    customer: Customer  # with multi-currency on, ``currency`` is the customer's

    @property
    def entities(self) -> tuple[ListObject, ...]:
        """The customer (or job)."""
        return (self.customer,)

    @abstractmethod
    def balance_changes(self) -> list[tuple[BalanceHolder, Decimal]]:
        """What recording the transaction adds to customer and account balances (deleting it subtracts)."""


@dataclass(frozen=True)
class TxnView:
    """A transaction as one query answers it: with or without its lines and linked transactions."""

    txn: Transaction
    lines: bool
    linked: bool

    @property
    def ret_tag(self) -> str:
        """The transaction's Ret tag."""
        return self.txn.ret_tag

    def ret_fields(self) -> list[Field]:
        """The Ret's children, as the query asked for them."""
        return self.txn.ret_fields(lines=self.lines, linked=self.linked)


@dataclass(kw_only=True, eq=False)
class TxnLine:
    """What every transaction line has: the TxnLineID the company stamps on it when the transaction is
    recorded, which its Ret element lists first."""

    txn_line_id: str = field(default="", init=False)

    def _line_ret(self, tag: str, *fields: Field | None) -> Field:
        """The line's ``tag`` element: its TxnLineID, then ``fields`` (those with a value)."""
        return (tag, compact(("TxnLineID", self.txn_line_id), *fields))


def stamp_new_lines(lines: Iterable[TxnLine], next_id: Callable[[], str]) -> None:
    """Give each line that has no TxnLineID yet its own: all of them when the transaction is recorded,
    the lines a Mod or an edit adds later (the others keep theirs, as in QuickBooks)."""
    for line in lines:
        if not line.txn_line_id:
            line.txn_line_id = next_id()


@dataclass(kw_only=True, eq=False)
class RateLine(TxnLine):
    """A line that sells or orders an item at a rate (invoices, purchase orders): quantity x rate is its
    amount, as ``priced`` works it out, and its Ret starts with the same elements."""

    item: Item | None
    amount: Decimal
    desc: str | None = None
    quantity: Decimal | None = None
    rate: Decimal | None = None
    class_: TrackingClass | None = None
    service_date: date | None = None

    def _rate_line_ret(self, tag: str, *fields: Field | None) -> Field:
        """The line's ``tag`` element: ItemRef to Amount, then ``fields``."""
        return self._line_ret(
            tag,
            ref("ItemRef", self.item),
            text("Desc", self.desc),
            quantity("Quantity", self.quantity),
            price("Rate", self.rate),
            ref("ClassRef", self.class_),
            amount("Amount", self.amount),
            *fields,
        )


@dataclass(kw_only=True, eq=False)
class InvoiceLine(RateLine):
    """One line of an invoice: an item sold (or a description only), its quantity, rate and amount."""

    sales_tax_code: SalesTaxCode | None = None

    @property
    def is_taxable(self) -> bool:
        """Whether the line's sales tax code taxes it."""
        return self.sales_tax_code is not None and self.sales_tax_code.is_taxable

    def to_field(self) -> Field:
        """The ``InvoiceLineRet`` element."""
        return self._rate_line_ret(
            "InvoiceLineRet",
            day("ServiceDate", self.service_date),
            ref("SalesTaxCodeRef", self.sales_tax_code),
        )


@dataclass(kw_only=True, eq=False)
class AccountLine(TxnLine):
    """A line straight on an account (a bill's expense line, a journal entry's debit or credit line): an
    amount, a memo, whom it is for, a class, and whether it is billable to a customer."""

    account: Account
    amount: Decimal
    memo: str | None = None
    class_: TrackingClass | None = None
    billable_status: str | None = None  # Billable, NotBillable, HasBeenBilled

    def _account_line_ret(self, tag: str, whom: Field | None) -> Field:
        """The line's ``tag`` element, ``whom`` (the reference to whom it is for) after its Memo."""
        return self._line_ret(
            tag,
            ref("AccountRef", self.account),
            amount("Amount", self.amount),
            text("Memo", self.memo),
            whom,
            ref("ClassRef", self.class_),
            text("BillableStatus", self.billable_status),
        )


@dataclass(eq=False)
class Application:
    """Part of a received payment applied to one invoice."""

    payment: ReceivePayment
    invoice: Invoice
    amount: Decimal


@dataclass(kw_only=True, eq=False)
class Invoice(CustomerTransaction):
    """An invoice: what a customer owes for the lines sold, plus sales tax, less what was paid."""

    ret_tag: ClassVar[str] = "InvoiceRet"
    txn_type: ClassVar[str] = "Invoice"

    lines: list[InvoiceLine]
    ar_account: Account | None = None
    class_: TrackingClass | None = None
    template: Template | None = None
    bill_address: Address | None = None
    ship_address: Address | None = None
    is_pending: bool = False
    po_number: str | None = None
    terms: Terms | None = None
    due_date: date | None = None
    ship_date: date | None = None
    fob: str | None = None
    item_sales_tax: ItemSalesTax | None = None
    sales_tax_percentage: Decimal = ZERO
    sales_tax_total: Decimal = ZERO
    memo: str | None = None
    is_to_be_printed: bool = False
    is_to_be_emailed: bool = False
    sales_tax_code: SalesTaxCode | None = None  # the customer's code on this invoice
    other: str | None = None
    applications: list[Application] = field(default_factory=list, init=False, repr=False)

    def stamp_lines(self, next_id: Callable[[], str]) -> None:
        """Give each new line its TxnLineID."""
        stamp_new_lines(self.lines, next_id)

    def recalculate(self) -> None:
        """The sales tax: the tax item's rate on the taxable lines, nothing for a customer whose tax
        code does not tax."""
        taxable = sum((line.amount for line in self.lines if line.is_taxable), ZERO)
        if self.sales_tax_code is not None and not self.sales_tax_code.is_taxable:
            taxable = ZERO
        self.sales_tax_total = to_cents(taxable * self.sales_tax_percentage / 100)

    @property
    def subtotal(self) -> Decimal:
        """The sum of the line amounts."""
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        """What the customer owes in all: subtotal plus sales tax."""
        return self.subtotal + self.sales_tax_total

    @property
    def applied_amount(self) -> Decimal:
        """What payments have paid of the invoice so far."""
        return sum((application.amount for application in self.applications), ZERO)

    @property
    def balance_remaining(self) -> Decimal:
        """What is still owed."""
        return self.total - self.applied_amount

    @property
    def is_paid(self) -> bool:
        """QuickBooks counts an invoice with nothing left to pay as paid (a zero invoice included)."""
        return self.balance_remaining <= 0

    def stock_moves(self) -> list[StockMove]:
        """Each line selling an inventory part takes its quantity out of stock (a line without a quantity
        moves none); the cost of goods sold it stands for is not posted."""
        return [
            StockMove(line.item, -line.quantity)
            for line in self.lines
            if isinstance(line.item, ItemInventory) and line.quantity is not None
        ]

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The receivables account the invoice posts to."""
        return () if self.ar_account is None else (self.ar_account,)

    def balance_changes(self) -> list[tuple[BalanceHolder, Decimal]]:
        """The customer owes the total; receivables grow by it in home currency."""
        changes: list[tuple[BalanceHolder, Decimal]] = [(self.customer, self.total)]
        if self.ar_account is not None:
            changes.append((self.ar_account, self.in_home_currency(self.total)))
        return changes

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The InvoiceRet children in schema order."""
        linked_txns = (
            [
                application.payment.link_field("AMTTYPE", -application.amount)
                for application in self.applications
            ]
            if linked
            else []
        )
        return compact(
            *self._stamp_fields(),
            ref("CustomerRef", self.customer),
            ref("ClassRef", self.class_),
            ref("ARAccountRef", self.ar_account),
            ref("TemplateRef", self.template),
            day("TxnDate", self.txn_date),
            text("RefNumber", self.ref_number),
            address("BillAddress", self.bill_address),
            address_block("BillAddressBlock", self.bill_address),
            address("ShipAddress", self.ship_address),
            address_block("ShipAddressBlock", self.ship_address),
            flag("IsPending", self.is_pending),
            flag("IsFinanceCharge", False),
            text("PONumber", self.po_number),
            ref("TermsRef", self.terms),
            day("DueDate", self.due_date),
            text("FOB", self.fob),
            day("ShipDate", self.ship_date),
            amount("Subtotal", self.subtotal),
            ref("ItemSalesTaxRef", self.item_sales_tax),
            price("SalesTaxPercentage", self.sales_tax_percentage),
            amount("SalesTaxTotal", self.sales_tax_total),
            # QuickBooks shows what was applied as a negative amount.
            amount("AppliedAmount", -self.applied_amount),
            amount("BalanceRemaining", self.balance_remaining),
            *self._currency_fields("BalanceRemainingInHomeCurrency", self.balance_remaining),
            text("Memo", self.memo),
            flag("IsPaid", self.is_paid),
            flag("IsToBePrinted", self.is_to_be_printed),
            flag("IsToBeEmailed", self.is_to_be_emailed),
            ref("CustomerSalesTaxCodeRef", self.sales_tax_code),
            text("Other", self.other),
            text("ExternalGUID", self.external_guid),
            *linked_txns,
            *(line.to_field() for line in (self.lines if lines else ())),
        )


@dataclass(kw_only=True, eq=False)
class ReceivePayment(CustomerTransaction):
    """A payment received from a customer, applied to some of its invoices."""

    ret_tag: ClassVar[str] = "ReceivePaymentRet"
    txn_type: ClassVar[str] = "ReceivePayment"

    total_amount: Decimal
    ar_account: Account | None = None
    deposit_to: Account | None = None
    memo: str | None = None
    applications: list[Application] = field(default_factory=list, init=False, repr=False)

    @property
    def unused_payment(self) -> Decimal:
        """The part of the payment not applied to any invoice."""
        return self.total_amount - sum((application.amount for application in self.applications), ZERO)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The receivables account it clears and the account the money goes to."""
        return tuple(account for account in (self.ar_account, self.deposit_to) if account is not None)

    def balance_changes(self) -> list[tuple[BalanceHolder, Decimal]]:
        """The customer owes less; receivables shrink and the deposit account grows, in home currency."""
        home = self.in_home_currency(self.total_amount)
        changes: list[tuple[BalanceHolder, Decimal]] = [(self.customer, -self.total_amount)]
        if self.ar_account is not None:
            changes.append((self.ar_account, -home))
        if self.deposit_to is not None:
            changes.append((self.deposit_to, home))
        return changes

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The ReceivePaymentRet children in schema order; ``lines`` are the AppliedToTxnRet."""
        applied = (
            [
                (
                    "AppliedToTxnRet",
                    compact(
                        ("TxnID", application.invoice.txn_id),
                        ("TxnType", application.invoice.txn_type),
                        day("TxnDate", application.invoice.txn_date),
                        text("RefNumber", application.invoice.ref_number),
                        amount("BalanceRemaining", application.invoice.balance_remaining),
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
            ref("CustomerRef", self.customer),
            ref("ARAccountRef", self.ar_account),
            day("TxnDate", self.txn_date),
            text("RefNumber", self.ref_number),
            amount("TotalAmount", self.total_amount),
            *self._currency_fields("TotalAmountInHomeCurrency", self.total_amount),
            text("Memo", self.memo),
            ref("DepositToAccountRef", self.deposit_to),
            amount("UnusedPayment", self.unused_payment),
            amount("UnusedCredits", ZERO),
            text("ExternalGUID", self.external_guid),
            *applied,
        )


X = TypeVar("X", bound=Transaction)


class TxnStore(Generic[X]):
    """The transactions of one type in the order they were recorded, indexed by TxnID, by RefNumber
    (ignoring case; QuickBooks lets several invoices share one) and by ExternalGUID."""

    def __init__(self, label: str) -> None:
        self.label = label  # as QuickBooks names the transaction type in messages: "Invoice"
        self._ordered: list[X] = []
        self._by_id: dict[str, X] = {}
        self._by_ref: dict[str, list[X]] = {}
        self._by_guid: dict[str, list[X]] = {}

    def __iter__(self) -> Iterator[X]:
        return iter(self._ordered)

    def __len__(self) -> int:
        return len(self._ordered)

    @overload
    def __getitem__(self, index: int) -> X: ...

    @overload
    def __getitem__(self, index: slice) -> list[X]: ...

    def __getitem__(self, index: int | slice) -> X | list[X]:
        return self._ordered[index]

    def __repr__(self) -> str:
        return f"<TxnStore {self.label}: {len(self)} transactions>"

    def get(self, txn_id: str) -> X | None:
        """The transaction with this TxnID."""
        return self._by_id.get(txn_id)

    def with_ref_number(self, ref_number: str, *, case_sensitive: bool = False) -> list[X]:
        """Every transaction with this RefNumber, oldest first."""
        found = self._by_ref.get(ref_number.casefold(), [])
        return [txn for txn in found if txn.ref_number == ref_number] if case_sensitive else list(found)

    def with_external_guid(self, guid: str) -> list[X]:
        """Every transaction carrying this ExternalGUID (GUIDs compare without regard to case)."""
        return list(self._by_guid.get(guid.casefold(), []))

    def insert(self, txn: X) -> None:
        """Add a stamped transaction."""
        self._ordered.append(txn)
        self._by_id[txn.txn_id] = txn
        if txn.ref_number is not None:
            self._by_ref.setdefault(txn.ref_number.casefold(), []).append(txn)
        if txn.external_guid is not None:
            self._by_guid.setdefault(txn.external_guid.casefold(), []).append(txn)

    def remove(self, txn: X) -> None:
        """Delete a transaction."""
        self._ordered.remove(txn)
        del self._by_id[txn.txn_id]
        for index, key in ((self._by_ref, txn.ref_number), (self._by_guid, txn.external_guid)):
            if key is not None:
                index[key.casefold()].remove(txn)
