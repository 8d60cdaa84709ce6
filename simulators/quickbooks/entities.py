"""The objects a QuickBooks company file keeps in its lists, one small class per kind.

Each class holds the kind's own fields and knows its ``...Ret`` shape (``ret_fields``, in the order the
qbXML 13.0 schema demands). Identity and timestamps (ListID, TimeCreated, TimeModified, EditSequence) are
stamped by the company when an object is added, never by the caller. References to other list objects
are the objects themselves, so a Ret always shows their current ListID and FullName.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import ClassVar, TypeAlias

from simulators.quickbooks.fields import (
    Field,
    amount,
    compact,
    day,
    flag,
    float_value,
    group,
    price,
    quantity,
    text,
    timestamp,
)

_UNSTAMPED = datetime(1970, 1, 1, tzinfo=UTC)
ZERO = Decimal("0.00")
_PRICE_PLACES = Decimal("0.00001")  # PRICETYPE keeps five decimals


@dataclass(kw_only=True, eq=False)
class ListObject(ABC):
    """What every list element has: a name, an active flag and the identity QuickBooks stamps on it.

    ``eq=False``: two objects are the same element only if they are the same object, as ListIDs are.
    """

    ret_tag: ClassVar[str]
    kind_label: ClassVar[str]  # how QuickBooks names the kind in messages ("Customer", "Item" ...)
    # Children of the Ret that QuickBooks only answers with when IncludeRetElement names them.
    ret_on_request: ClassVar[frozenset[str]] = frozenset()

    name: str
    is_active: bool = True
    list_id: str = field(default="", init=False)
    time_created: datetime = field(default=_UNSTAMPED, init=False)
    time_modified: datetime = field(default=_UNSTAMPED, init=False)
    edit_sequence: str = field(default="", init=False)

    @property
    def full_name(self) -> str:
        """The name that identifies the element in its list (``Parent:Child`` for sub-levels)."""
        return self.name

    @property
    def name_path(self) -> tuple[str, ...]:
        """Case-insensitive sort key: QuickBooks lists run alphabetically, each parent followed by its
        children."""
        return (self.name.casefold(),)

    @abstractmethod
    def ret_fields(self) -> list[Field]:
        """The Ret's children in schema order."""

    def _stamp_fields(self) -> list[Field]:
        return [
            ("ListID", self.list_id),
            timestamp("TimeCreated", self.time_created),
            timestamp("TimeModified", self.time_modified),
            ("EditSequence", self.edit_sequence),
        ]


@dataclass(kw_only=True, eq=False)
class TreeObject(ListObject):
    """An element of a hierarchical list (accounts, classes, customers and jobs, items)."""

    parent: TreeObject | None = None
    children: list[TreeObject] = field(default_factory=list, init=False, repr=False)

    @property
    def full_name(self) -> str:
        """``Parent:Child`` down to this element."""
        return self.name if self.parent is None else f"{self.parent.full_name}:{self.name}"

    @property
    def name_path(self) -> tuple[str, ...]:
        """Case-insensitive sort key: parents before their children."""
        own = (self.name.casefold(),)
        return own if self.parent is None else self.parent.name_path + own

    @property
    def sublevel(self) -> int:
        """0 for a top-level element, 1 for its children, and so on."""
        return 0 if self.parent is None else self.parent.sublevel + 1

    def _tree_fields(self) -> list[Field]:
        return compact(ref("ParentRef", self.parent), ("Sublevel", str(self.sublevel)))


def ref(tag: str, target: ListObject | None) -> Field | None:
    """A ``...Ref`` to another list element, as QuickBooks returns it: ListID and FullName."""
    if target is None:
        return None
    return (tag, [("ListID", target.list_id), ("FullName", target.full_name)])


@dataclass(frozen=True)
class Address:
    """A postal address (BillAddress, ShipAddress, VendorAddress, EmployeeAddress ...)."""

    addr1: str | None = None
    addr2: str | None = None
    addr3: str | None = None
    addr4: str | None = None
    addr5: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    note: str | None = None

    @property
    def street_lines(self) -> tuple[str | None, ...]:
        """Addr1 to Addr5."""
        return (self.addr1, self.addr2, self.addr3, self.addr4, self.addr5)

    def to_field(self, tag: str) -> Field | None:
        """The address element itself."""
        return group(
            tag,
            (
                *(text(f"Addr{index}", line) for index, line in enumerate(self.street_lines, start=1)),
                text("City", self.city),
                text("State", self.state),
                text("PostalCode", self.postal_code),
                text("Country", self.country),
                text("Note", self.note),
            ),
        )

    def to_block_field(self, tag: str) -> Field | None:
        """The ``...AddressBlock`` QuickBooks adds: the address as printed, at most five lines."""
        region = " ".join(part for part in (self.state, self.postal_code) if part)
        locality = ", ".join(part for part in (self.city, region) if part)
        lines = [line for line in (*self.street_lines, locality, self.country) if line][:5]
        return group(tag, (text(f"Addr{index}", line) for index, line in enumerate(lines, start=1)))


def address(tag: str, value: Address | None) -> Field | None:
    """An address element, left out when there is no address."""
    return None if value is None else value.to_field(tag)


def address_block(tag: str, value: Address | None) -> Field | None:
    """An address block element, left out when there is no address."""
    return None if value is None else value.to_block_field(tag)


@dataclass(kw_only=True, eq=False)
class SalesTaxCode(ListObject):
    """A sales tax code (US ``Tax``/``Non``; Canadian and UK editions use codes such as ``S`` and ``E``)."""

    ret_tag: ClassVar[str] = "SalesTaxCodeRet"
    kind_label: ClassVar[str] = "Sales Tax Code"

    is_taxable: bool
    desc: str | None = None

    def ret_fields(self) -> list[Field]:
        """The SalesTaxCodeRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            flag("IsTaxable", self.is_taxable),
            text("Desc", self.desc),
        )


@dataclass(kw_only=True, eq=False)
class Currency(ListObject):
    """A currency of the currency list, which QuickBooks keeps once multi-currency is on."""

    ret_tag: ClassVar[str] = "CurrencyRet"
    kind_label: ClassVar[str] = "Currency"

    currency_code: str  # ISO 4217
    exchange_rate: Decimal | None = None  # units of home currency per unit; None for the home currency
    as_of: date | None = None

    def ret_fields(self) -> list[Field]:
        """The CurrencyRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            ("CurrencyCode", self.currency_code),
            ("IsUserDefinedCurrency", "false"),
            float_value("ExchangeRate", self.exchange_rate),
            day("AsOfDate", self.as_of),
        )


@dataclass(kw_only=True, eq=False)
class Template(ListObject):
    """A form template ("Intuit Product Invoice" ...); a sales form names the one it prints with."""

    ret_tag: ClassVar[str] = "TemplateRet"
    kind_label: ClassVar[str] = "Template"

    template_type: str  # Invoice, SalesReceipt, CreditMemo, Estimate, SalesOrder, PurchaseOrder ...

    def ret_fields(self) -> list[Field]:
        """The TemplateRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            ("TemplateType", self.template_type),
        )


@dataclass(kw_only=True, eq=False)
class Account(TreeObject):
    """An account of the chart of accounts."""

    ret_tag: ClassVar[str] = "AccountRet"
    kind_label: ClassVar[str] = "Account"

    account_type: str  # AccountsReceivable, Bank, Income, CostOfGoodsSold ...
    special_account_type: str | None = None  # set by QuickBooks on the accounts it created itself
    account_number: str | None = None
    bank_number: str | None = None
    desc: str | None = None
    balance: Decimal = ZERO
    sales_tax_code: SalesTaxCode | None = None  # Canadian and UK editions only

    @property
    def total_balance(self) -> Decimal:
        """The balance including all sub-accounts."""
        return self.balance + sum((_account(child).total_balance for child in self.children), ZERO)

    def ret_fields(self) -> list[Field]:
        """The AccountRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            ("FullName", self.full_name),
            flag("IsActive", self.is_active),
            *self._tree_fields(),
            ("AccountType", self.account_type),
            text("SpecialAccountType", self.special_account_type),
            text("AccountNumber", self.account_number),
            text("BankNumber", self.bank_number),
            text("Desc", self.desc),
            amount("Balance", self.balance),
            amount("TotalBalance", self.total_balance),
            ref("SalesTaxCodeRef", self.sales_tax_code),
        )


def _account(node: TreeObject) -> Account:
    # A sub-account can only hang below an account (the company checks parents on add).
    assert isinstance(node, Account)
    return node


@dataclass(kw_only=True, eq=False)
class TrackingClass(TreeObject):
    """A class, the QuickBooks dimension for departments, locations or lines of business."""

    ret_tag: ClassVar[str] = "ClassRet"
    kind_label: ClassVar[str] = "Class"

    def ret_fields(self) -> list[Field]:
        """The ClassRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            ("FullName", self.full_name),
            flag("IsActive", self.is_active),
            *self._tree_fields(),
        )


@dataclass(kw_only=True, eq=False)
class StandardTerms(ListObject):
    """Payment terms counted in days from the invoice date ("Net 30", "1% 10 Net 30")."""

    ret_tag: ClassVar[str] = "StandardTermsRet"
    kind_label: ClassVar[str] = "Terms"

    due_days: int | None = None
    discount_days: int | None = None
    discount_pct: Decimal | None = None

    def ret_fields(self) -> list[Field]:
        """The StandardTermsRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            text("StdDueDays", self.due_days),
            text("StdDiscountDays", self.discount_days),
            price("DiscountPct", self.discount_pct),
        )


@dataclass(kw_only=True, eq=False)
class DateDrivenTerms(ListObject):
    """Payment terms due on a day of the month ("due the 10th of next month")."""

    ret_tag: ClassVar[str] = "DateDrivenTermsRet"
    kind_label: ClassVar[str] = "Terms"

    day_of_month_due: int
    due_next_month_days: int | None = None  # issued this close to the due day: due the month after
    discount_day_of_month: int | None = None
    discount_pct: Decimal | None = None

    def ret_fields(self) -> list[Field]:
        """The DateDrivenTermsRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            ("DayOfMonthDue", str(self.day_of_month_due)),
            text("DueNextMonthDays", self.due_next_month_days),
            text("DiscountDayOfMonth", self.discount_day_of_month),
            price("DiscountPct", self.discount_pct),
        )


Terms: TypeAlias = StandardTerms | DateDrivenTerms


@dataclass(kw_only=True, eq=False)
class PayrollItemWage(ListObject):
    """A payroll wage item (hourly, salary, overtime ...)."""

    ret_tag: ClassVar[str] = "PayrollItemWageRet"
    kind_label: ClassVar[str] = "Payroll Item"

    wage_type: str  # HourlyRegular, SalaryRegular, HourlyOvertime, Bonus, Commission ...
    expense_account: Account

    def ret_fields(self) -> list[Field]:
        """The PayrollItemWageRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            ("WageType", self.wage_type),
            ref("ExpenseAccountRef", self.expense_account),
        )


@dataclass(kw_only=True, eq=False)
class Customer(TreeObject):
    """A customer, or a job when it has a parent customer."""

    ret_tag: ClassVar[str] = "CustomerRet"
    kind_label: ClassVar[str] = "Customer"

    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    bill_address: Address | None = None
    ship_address: Address | None = None
    phone: str | None = None
    email: str | None = None
    contact: str | None = None
    terms: Terms | None = None
    balance: Decimal = ZERO
    sales_tax_code: SalesTaxCode | None = None
    item_sales_tax: ItemSalesTax | None = None
    resale_number: str | None = None
    account_number: str | None = None
    credit_limit: Decimal | None = None
    job_status: str = "None"  # Awarded, Closed, InProgress, None, NotAwarded, Pending
    job_desc: str | None = None
    notes: str | None = None
    class_: TrackingClass | None = None
    external_guid: str | None = None
    currency: Currency | None = None  # with multi-currency on, the currency the customer is invoiced in

    @property
    def total_balance(self) -> Decimal:
        """The balance including all jobs."""
        return self.balance + sum((_customer(child).total_balance for child in self.children), ZERO)

    def ret_fields(self) -> list[Field]:
        """The CustomerRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            ("FullName", self.full_name),
            flag("IsActive", self.is_active),
            ref("ClassRef", self.class_),
            *self._tree_fields(),
            text("CompanyName", self.company_name),
            text("FirstName", self.first_name),
            text("LastName", self.last_name),
            address("BillAddress", self.bill_address),
            address_block("BillAddressBlock", self.bill_address),
            address("ShipAddress", self.ship_address),
            address_block("ShipAddressBlock", self.ship_address),
            text("Phone", self.phone),
            text("Email", self.email),
            text("Contact", self.contact),
            ref("TermsRef", self.terms),
            amount("Balance", self.balance),
            amount("TotalBalance", self.total_balance),
            ref("SalesTaxCodeRef", self.sales_tax_code),
            ref("ItemSalesTaxRef", self.item_sales_tax),
            text("ResaleNumber", self.resale_number),
            text("AccountNumber", self.account_number),
            amount("CreditLimit", self.credit_limit),
            ("JobStatus", self.job_status),
            text("JobDesc", self.job_desc),
            text("Notes", self.notes),
            text("ExternalGUID", self.external_guid),
            ref("CurrencyRef", self.currency),
        )


def _customer(node: TreeObject) -> Customer:
    # Jobs only hang below customers (the company checks parents on add).
    assert isinstance(node, Customer)
    return node


@dataclass(kw_only=True, eq=False)
class Vendor(ListObject):
    """A vendor (suppliers, and the agencies sales tax is paid to)."""

    ret_tag: ClassVar[str] = "VendorRet"
    kind_label: ClassVar[str] = "Vendor"

    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    vendor_address: Address | None = None
    phone: str | None = None
    email: str | None = None
    contact: str | None = None
    name_on_check: str | None = None
    account_number: str | None = None
    notes: str | None = None
    terms: Terms | None = None
    credit_limit: Decimal | None = None
    vendor_tax_ident: str | None = None
    is_eligible_for_1099: bool | None = None  # US editions only
    balance: Decimal = ZERO
    external_guid: str | None = None
    is_sales_tax_agency: bool | None = None  # set on the agency a US sales tax item pays to

    def ret_fields(self) -> list[Field]:
        """The VendorRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            text("CompanyName", self.company_name),
            text("FirstName", self.first_name),
            text("LastName", self.last_name),
            address("VendorAddress", self.vendor_address),
            address_block("VendorAddressBlock", self.vendor_address),
            text("Phone", self.phone),
            text("Email", self.email),
            text("Contact", self.contact),
            text("NameOnCheck", self.name_on_check),
            text("AccountNumber", self.account_number),
            text("Notes", self.notes),
            ref("TermsRef", self.terms),
            amount("CreditLimit", self.credit_limit),
            text("VendorTaxIdent", self.vendor_tax_ident),
            flag("IsVendorEligibleFor1099", self.is_eligible_for_1099),
            amount("Balance", self.balance),
            text("ExternalGUID", self.external_guid),
            flag("IsSalesTaxAgency", self.is_sales_tax_agency),
        )


@dataclass(frozen=True)
class Earning:
    """One line of an employee's default pay: a wage item and its rate."""

    wage_item: PayrollItemWage
    rate: Decimal

    def to_field(self) -> Field:
        """The ``Earnings`` element of EmployeePayrollInfo."""
        return ("Earnings", compact(ref("PayrollItemWageRef", self.wage_item), price("Rate", self.rate)))


# The values of UseTimeDataToCreatePaychecks: whether the employee's paychecks come from time data.
USE_TIME_DATA_VALUES = ("UseTimeData", "DoNotUseTimeData", "NotSet")


@dataclass(kw_only=True, eq=False)
class Employee(ListObject):
    """An employee; ``name`` is what QuickBooks shows, normally "First Last".

    ``use_time_data`` is the payroll setting "Use time data to create paychecks" (``UseTimeData``,
    ``DoNotUseTimeData`` or ``NotSet``; None leaves it out of EmployeePayrollInfo). Only an employee paid
    from time data can have a payroll wage item on a time record, and must have one. QuickBooks answers
    with EmployeePayrollInfo only when IncludeRetElement asks for it.
    """

    ret_tag: ClassVar[str] = "EmployeeRet"
    kind_label: ClassVar[str] = "Employee"
    ret_on_request: ClassVar[frozenset[str]] = frozenset({"EmployeePayrollInfo"})

    first_name: str | None = None
    last_name: str | None = None
    employee_address: Address | None = None
    phone: str | None = None
    email: str | None = None
    employee_type: str | None = None  # Officer, Owner, Regular, Statutory
    gender: str | None = None
    hired_date: date | None = None
    released_date: date | None = None
    account_number: str | None = None
    pay_period: str | None = None  # Daily, Weekly, Biweekly, Semimonthly, Monthly, Quarterly, Yearly
    earnings: tuple[Earning, ...] = ()
    use_time_data: str | None = None  # UseTimeData, DoNotUseTimeData, NotSet

    def __post_init__(self) -> None:
        if self.use_time_data is not None and self.use_time_data not in USE_TIME_DATA_VALUES:
            raise ValueError(
                f"use_time_data is one of {USE_TIME_DATA_VALUES} (or None), not {self.use_time_data!r}"
            )

    @property
    def uses_time_data(self) -> bool:
        """Whether the employee's paychecks are created from time data (``UseTimeData``)."""
        return self.use_time_data == "UseTimeData"

    def ret_fields(self) -> list[Field]:
        """The EmployeeRet children in schema order."""
        payroll = group(
            "EmployeePayrollInfo",
            (
                text("PayPeriod", self.pay_period),
                *(e.to_field() for e in self.earnings),
                text("UseTimeDataToCreatePaychecks", self.use_time_data),
            ),
        )
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            text("FirstName", self.first_name),
            text("LastName", self.last_name),
            address("EmployeeAddress", self.employee_address),
            text("Phone", self.phone),
            text("Email", self.email),
            text("EmployeeType", self.employee_type),
            text("Gender", self.gender),
            day("HiredDate", self.hired_date),
            day("ReleasedDate", self.released_date),
            text("AccountNumber", self.account_number),
            payroll,
        )


@dataclass(kw_only=True, eq=False)
class OtherName(ListObject):
    """A name on QuickBooks' Other Names list: someone who is neither customer, vendor nor employee
    (an owner, a partner), whose time QuickBooks can still track."""

    ret_tag: ClassVar[str] = "OtherNameRet"
    kind_label: ClassVar[str] = "Other Name"

    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    notes: str | None = None

    def ret_fields(self) -> list[Field]:
        """The OtherNameRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            text("CompanyName", self.company_name),
            text("FirstName", self.first_name),
            text("LastName", self.last_name),
            text("Phone", self.phone),
            text("Email", self.email),
            text("Notes", self.notes),
        )


# Items ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesOrPurchase:
    """Pricing of an item that is either sold or bought: one price, one account."""

    account: Account
    desc: str | None = None
    price: Decimal | None = None

    def to_field(self) -> Field:
        """The ``SalesOrPurchase`` element."""
        return (
            "SalesOrPurchase",
            compact(text("Desc", self.desc), price("Price", self.price), ref("AccountRef", self.account)),
        )


@dataclass(frozen=True)
class SalesAndPurchase:
    """Pricing of an item that is bought and resold (or subcontracted): both sides, two accounts."""

    income_account: Account
    expense_account: Account
    sales_desc: str | None = None
    sales_price: Decimal | None = None
    purchase_desc: str | None = None
    purchase_cost: Decimal | None = None
    preferred_vendor: Vendor | None = None

    def to_field(self) -> Field:
        """The ``SalesAndPurchase`` element."""
        return (
            "SalesAndPurchase",
            compact(
                text("SalesDesc", self.sales_desc),
                price("SalesPrice", self.sales_price),
                ref("IncomeAccountRef", self.income_account),
                text("PurchaseDesc", self.purchase_desc),
                price("PurchaseCost", self.purchase_cost),
                ref("ExpenseAccountRef", self.expense_account),
                ref("PrefVendorRef", self.preferred_vendor),
            ),
        )


@dataclass(kw_only=True, eq=False)
class _PricedItem(TreeObject):
    """What service, non-inventory and other-charge items share: a tax code and one pricing block."""

    kind_label: ClassVar[str] = "Item"

    pricing: SalesOrPurchase | SalesAndPurchase
    sales_tax_code: SalesTaxCode | None = None
    external_guid: str | None = None

    @property
    def sales_price(self) -> Decimal | None:
        """What the item sells for, which a sales line uses when it names no rate of its own."""
        if isinstance(self.pricing, SalesOrPurchase):
            return self.pricing.price
        return self.pricing.sales_price

    @property
    def sales_desc(self) -> str | None:
        """How a sales line describes the item when it says nothing itself."""
        if isinstance(self.pricing, SalesOrPurchase):
            return self.pricing.desc
        return self.pricing.sales_desc

    def ret_fields(self) -> list[Field]:
        """The Ret children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            ("FullName", self.full_name),
            flag("IsActive", self.is_active),
            *self._tree_fields(),
            *self._between_sublevel_and_tax(),
            ref("SalesTaxCodeRef", self.sales_tax_code),
            self.pricing.to_field(),
            text("ExternalGUID", self.external_guid),
        )

    def _between_sublevel_and_tax(self) -> list[Field]:
        return []


@dataclass(kw_only=True, eq=False)
class ItemService(_PricedItem):
    """A service item (labour, consulting, fees)."""

    ret_tag: ClassVar[str] = "ItemServiceRet"


@dataclass(kw_only=True, eq=False)
class ItemNonInventory(_PricedItem):
    """A product the company sells or buys without tracking quantities."""

    ret_tag: ClassVar[str] = "ItemNonInventoryRet"

    manufacturer_part_number: str | None = None

    def _between_sublevel_and_tax(self) -> list[Field]:
        return compact(text("ManufacturerPartNumber", self.manufacturer_part_number))


@dataclass(kw_only=True, eq=False)
class ItemOtherCharge(_PricedItem):
    """A miscellaneous charge (shipping, handling, reimbursable costs)."""

    ret_tag: ClassVar[str] = "ItemOtherChargeRet"


@dataclass(kw_only=True, eq=False)
class ItemInventory(TreeObject):
    """A product whose quantity on hand and average cost QuickBooks tracks."""

    ret_tag: ClassVar[str] = "ItemInventoryRet"
    kind_label: ClassVar[str] = "Item"

    income_account: Account
    cogs_account: Account
    asset_account: Account
    manufacturer_part_number: str | None = None
    sales_tax_code: SalesTaxCode | None = None
    sales_desc: str | None = None
    sales_price: Decimal | None = None
    purchase_desc: str | None = None
    purchase_cost: Decimal | None = None
    preferred_vendor: Vendor | None = None
    reorder_point: Decimal | None = None
    quantity_on_hand: Decimal = Decimal(0)
    average_cost: Decimal = ZERO
    quantity_on_order: Decimal = Decimal(0)
    quantity_on_sales_order: Decimal = Decimal(0)
    external_guid: str | None = None

    def move_stock(self, quantity: Decimal, unit_cost: Decimal | None = None) -> None:
        """Stock comes in (``quantity`` above zero) or goes out (below zero); QuickBooks lets it go negative.

        Stock bought (``unit_cost`` given) moves the average cost to the mean of what is on hand and
        what comes in, weighted by quantity; stock sold or adjusted moves at the average cost, which it
        leaves as it is. A negative quantity on hand has no value to weigh.
        """
        if unit_cost is not None and quantity > 0:
            held = max(self.quantity_on_hand, Decimal(0))
            value = held * self.average_cost + quantity * unit_cost
            self.average_cost = (value / (held + quantity)).quantize(_PRICE_PLACES)
        self.quantity_on_hand += quantity

    def ret_fields(self) -> list[Field]:
        """The ItemInventoryRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            ("FullName", self.full_name),
            flag("IsActive", self.is_active),
            *self._tree_fields(),
            text("ManufacturerPartNumber", self.manufacturer_part_number),
            ref("SalesTaxCodeRef", self.sales_tax_code),
            text("SalesDesc", self.sales_desc),
            price("SalesPrice", self.sales_price),
            ref("IncomeAccountRef", self.income_account),
            text("PurchaseDesc", self.purchase_desc),
            price("PurchaseCost", self.purchase_cost),
            ref("COGSAccountRef", self.cogs_account),
            ref("PrefVendorRef", self.preferred_vendor),
            ref("AssetAccountRef", self.asset_account),
            quantity("ReorderPoint", self.reorder_point),
            quantity("QuantityOnHand", self.quantity_on_hand),
            price("AverageCost", self.average_cost),
            quantity("QuantityOnOrder", self.quantity_on_order),
            quantity("QuantityOnSalesOrder", self.quantity_on_sales_order),
            text("ExternalGUID", self.external_guid),
        )


@dataclass(kw_only=True, eq=False)
class ItemSalesTax(ListObject):
    """A sales tax item: a rate and the agency (vendor) it is paid to. Not hierarchical."""

    ret_tag: ClassVar[str] = "ItemSalesTaxRet"
    kind_label: ClassVar[str] = "Item"

    tax_rate: Decimal  # percent
    tax_vendor: Vendor
    desc: str | None = None

    def ret_fields(self) -> list[Field]:
        """The ItemSalesTaxRet children in schema order."""
        return compact(
            *self._stamp_fields(),
            ("Name", self.name),
            flag("IsActive", self.is_active),
            text("ItemDesc", self.desc),
            price("TaxRate", self.tax_rate),
            ref("TaxVendorRef", self.tax_vendor),
        )


Item: TypeAlias = ItemService | ItemNonInventory | ItemOtherCharge | ItemInventory | ItemSalesTax
ITEM_KINDS: tuple[type[Item], ...] = (
    ItemService,
    ItemNonInventory,
    ItemOtherCharge,
    ItemInventory,
    ItemSalesTax,
)
