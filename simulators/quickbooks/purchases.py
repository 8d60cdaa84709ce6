"""What bills and item receipts share: buying from a vendor with expense lines and item lines.

A purchase (``VendorPurchase``) owes its vendor the sum of its lines: it raises the vendor's balance and
Accounts Payable by its total and debits each line's account. An item line buying an inventory part
brings its quantity into stock at the line's unit cost, which moves the part's average cost (QuickBooks
values stock at the weighted average of what it cost). ``PurchaseAdd`` reads the parts of a BillAdd or
ItemReceiptAdd that are the same in both: the vendor, the Accounts Payable account and the lines, with
the references they make checked as QuickBooks checks them (3140 naming the kind; a line without its
``AccountRef`` or ``ItemRef`` is 3150, the simulator's choice, as for time tracking).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, TypeVar

from lxml import etree

from simulators.quickbooks.adds import TxnAdd
from simulators.quickbooks.entities import (
    ZERO,
    Account,
    Customer,
    Item,
    ItemInventory,
    ItemSalesTax,
    ListObject,
    SalesOrPurchase,
    TrackingClass,
    Vendor,
    ref,
)
from simulators.quickbooks.errors import StatusError, missing_element
from simulators.quickbooks.fields import Field, amount, price, quantity, text
from simulators.quickbooks.handlers import (
    child_text,
    read_decimal,
    reject_unhandled_children,
    resolve_ref,
)
from simulators.quickbooks.transactions import (
    AccountLine,
    BalanceHolder,
    StockMove,
    Transaction,
    TxnLine,
    credit,
    debit,
    priced,
    stamp_new_lines,
    to_cents,
)

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

EXPENSE_LINE_TAGS = frozenset({"AccountRef", "Amount", "Memo", "CustomerRef", "ClassRef", "BillableStatus"})
ITEM_LINE_TAGS = frozenset(
    {"ItemRef", "Desc", "Quantity", "Cost", "Amount", "CustomerRef", "ClassRef", "BillableStatus"}
)


@dataclass(kw_only=True, eq=False)
class ExpenseLine(AccountLine):
    """An expense line of a bill or item receipt: an amount charged to an account."""

    customer: Customer | None = None

    def to_field(self) -> Field:
        """The ``ExpenseLineRet`` element."""
        return self._account_line_ret("ExpenseLineRet", ref("CustomerRef", self.customer))


@dataclass(kw_only=True, eq=False)
class ItemLine(TxnLine):
    """An item line of a bill or item receipt: an item bought, its quantity, cost and amount; ``account``
    is where the purchase posts (the item's expense, or for inventory its asset account)."""

    item: Item
    account: Account
    amount: Decimal
    desc: str | None = None
    quantity: Decimal | None = None
    cost: Decimal | None = None
    customer: Customer | None = None
    class_: TrackingClass | None = None
    billable_status: str | None = None

    def to_field(self) -> Field:
        """The ``ItemLineRet`` element."""
        return self._line_ret(
            "ItemLineRet",
            ref("ItemRef", self.item),
            text("Desc", self.desc),
            quantity("Quantity", self.quantity),
            price("Cost", self.cost),
            amount("Amount", self.amount),
            ref("CustomerRef", self.customer),
            ref("ClassRef", self.class_),
            text("BillableStatus", self.billable_status),
        )

    def stock_move(self) -> StockMove | None:
        """The stock an inventory part's line brings in, at its unit cost (what it cost over how many,
        when the line gives no Cost); None for other items and for lines without a quantity."""
        if not isinstance(self.item, ItemInventory) or not self.quantity:
            return None
        unit_cost = self.cost if self.cost is not None else self.amount / self.quantity
        return StockMove(self.item, self.quantity, unit_cost)


@dataclass(kw_only=True, eq=False)
class VendorPurchase(Transaction):
    """A purchase from a vendor (a bill, an item receipt): what the company owes for its lines."""

    vendor: Vendor
    ap_account: Account | None = None
    memo: str | None = None
    expense_lines: list[ExpenseLine] = field(default_factory=list)
    item_lines: list[ItemLine] = field(default_factory=list)

    @property
    def lines(self) -> list[ExpenseLine | ItemLine]:
        """Every line: expense lines first, as they come in the Ret."""
        return [*self.expense_lines, *self.item_lines]

    def stamp_lines(self, next_id: Callable[[], str]) -> None:
        """Give each new line its TxnLineID."""
        stamp_new_lines(self.lines, next_id)

    @property
    def total(self) -> Decimal:
        """The sum of all lines."""
        return sum((line.amount for line in self.lines), ZERO)

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

    def stock_moves(self) -> list[StockMove]:
        """The stock the item lines of inventory parts bring in."""
        moves = (line.stock_move() for line in self.item_lines)
        return [move for move in moves if move is not None]


P = TypeVar("P", bound=VendorPurchase)


@dataclass(frozen=True)
class LineDefaults:
    """What an item line takes when it does not say: the item, its quantity and unit cost (an item
    receipt line linked to a purchase order line takes these from the order line)."""

    item: Item | None = None
    quantity: Decimal | None = None
    cost: Decimal | None = None


class PurchaseAdd(TxnAdd[P]):
    """An Add of a purchase from a vendor: reads the vendor, Accounts Payable account and lines."""

    line_referrer: ClassVar[str]  # how 3140 messages name a line ("Bill line")
    item_line_tags: ClassVar[frozenset[str]] = ITEM_LINE_TAGS

    def vendor(self, aggregate: etree._Element, company: QuickBooksCompany) -> Vendor:
        """The active vendor ``VendorRef`` names (a customer or employee of that name is no vendor)."""
        vendor = self.resolve_active(aggregate, "VendorRef", company.vendors, Vendor.kind_label)
        assert vendor is not None  # the schema requires VendorRef
        return vendor

    def ap_account(self, aggregate: etree._Element, company: QuickBooksCompany) -> Account | None:
        """The Accounts Payable account named ("AP Account", QuickBooks' own word in a captured answer,
        for anything else), else the company's first."""
        account = resolve_ref(
            aggregate,
            "APAccountRef",
            company.accounts,
            self.missing("AP Account"),
            usable=lambda found: found.is_active and found.account_type == "AccountsPayable",
        )
        return account or company.default_ap_account

    def expense_line(self, element: etree._Element, company: QuickBooksCompany) -> ExpenseLine:
        """An ``ExpenseLineAdd``: its account is required (3150)."""
        reject_unhandled_children(element, EXPENSE_LINE_TAGS, "ExpenseLineAdd")
        account = self.line_account(element, company, self.line_referrer)
        customer, class_ = self.line_customer_and_class(element, company)
        return ExpenseLine(
            account=account,
            amount=to_cents(read_decimal(element, "Amount") or ZERO),
            memo=child_text(element, "Memo"),
            customer=customer,
            class_=class_,
            billable_status=billable_status(element, customer),
        )

    def item_line(
        self, element: etree._Element, company: QuickBooksCompany, defaults: LineDefaults | None = None
    ) -> ItemLine:
        """An ``ItemLineAdd``: an item that can be bought (3150 without one), quantity x cost, the cost
        and description from the item's purchase side unless the line or ``defaults`` say."""
        reject_unhandled_children(element, self.item_line_tags, "ItemLineAdd")
        defaults = defaults or LineDefaults()
        item = resolve_ref(
            element,
            "ItemRef",
            company.items,
            self.missing("Item", self.line_referrer),
            usable=can_be_bought,
        )
        item = item or defaults.item
        if item is None:
            raise StatusError(missing_element("ItemRef"))
        default_desc, default_cost, account = purchase_side(item)
        count = read_decimal(element, "Quantity")
        count = defaults.quantity if count is None else count
        cost, total = priced(
            count,
            read_decimal(element, "Cost"),
            read_decimal(element, "Amount"),
            default_cost if defaults.cost is None else defaults.cost,
        )
        customer, class_ = self.line_customer_and_class(element, company)
        return ItemLine(
            item=item,
            account=account,
            amount=total,
            desc=child_text(element, "Desc") or default_desc,
            quantity=count,
            cost=cost,
            customer=customer,
            class_=class_,
            billable_status=billable_status(element, customer),
        )

    def line_customer_and_class(
        self, element: etree._Element, company: QuickBooksCompany
    ) -> tuple[Customer | None, TrackingClass | None]:
        """A line's active customer (or job) and class, when it names them."""
        customer = self.resolve_active(
            element, "CustomerRef", company.customers, Customer.kind_label, self.line_referrer
        )
        class_ = self.resolve_active(
            element, "ClassRef", company.classes, TrackingClass.kind_label, self.line_referrer
        )
        return customer, class_


def can_be_bought(item: Item) -> bool:
    """``usable`` for the item of a purchase line: an active item, and no sales tax item (that is what the
    company charges, never something it buys)."""
    return item.is_active and not isinstance(item, ItemSalesTax)


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
