"""Add requests: ``Add`` does what every Add shares, one small subclass per kind reads its fields.

A new list Add (ItemOtherChargeAdd ...) is one ``ListAdd`` subclass: name the request, list the
children of its ``...Add`` aggregate that it understands, say which list it adds to, and build the
element from the aggregate, resolving references with ``resolve_ref`` (3140 for a reference to nothing,
3130 for a missing parent), then register an instance in ``company._HANDLERS``. A transaction Add is a
``TxnAdd`` subclass the same way (see ``invoices.InvoiceAdd``), resolving the references a new
transaction makes with ``resolve_active`` (QuickBooks refuses inactive elements there). Any other child
of the aggregate is answered with 1030 rather than silently dropped.

QuickBooks' own rules the Adds here follow: customers, vendors and employees share one name space (the
company's ``add`` refuses a customer named like a vendor with 3100 as well); an item's name is unique
among all kinds of items; a sub-item hangs below an item of its own kind; a service or non-inventory
item needs the account(s) it posts to.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from lxml import etree

from simulators.quickbooks.entities import (
    Account,
    Currency,
    Customer,
    Item,
    ItemNonInventory,
    ItemSalesTax,
    ItemService,
    ListObject,
    SalesAndPurchase,
    SalesOrPurchase,
    SalesTaxCode,
    StandardTerms,
    TrackingClass,
    TreeObject,
    Vendor,
)
from simulators.quickbooks.errors import (
    Status,
    StatusError,
    invalid_parent,
    invalid_reference,
    missing_element,
    missing_field,
    name_in_use,
)
from simulators.quickbooks.handlers import (
    Reply,
    RequestHandler,
    child_text,
    include_ret_elements,
    is_active,
    read_address,
    read_date,
    read_decimal,
    read_flag,
    reject_unhandled_children,
    resolve_ref,
)
from simulators.quickbooks.lists import ListStore, NameInUseError
from simulators.quickbooks.transactions import RateLine, Transaction, TxnStore, priced

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

R = TypeVar("R", bound=ListObject | Transaction)
T = TypeVar("T", bound=ListObject)
X = TypeVar("X", bound=Transaction)
N = TypeVar("N", bound=TreeObject)
P = TypeVar("P", ItemService, ItemNonInventory)
L = TypeVar("L", bound=RateLine)


class Add(RequestHandler, Generic[R]):
    """Builds one new list element or transaction from the request's aggregate, saves it and answers
    with its Ret (trimmed to IncludeRetElement). Nothing is saved when ``build`` raises."""

    handled: frozenset[str]  # the children of the ...Add aggregate the subclass reads

    @property
    def aggregate_tag(self) -> str:
        """The element inside the request that carries the new record, e.g. ``AccountAdd``."""
        return self.request_tag.removesuffix("Rq")

    @property
    def referrer(self) -> str:
        """How QuickBooks names the new record in a 3140 message ("Customer", "Invoice")."""
        return self.aggregate_tag.removesuffix("Add")

    def check_allowed(self, company: QuickBooksCompany) -> None:
        """Raise ``StatusError`` when the company file's preferences turn off what this Add needs
        (inventory for an inventory part ...); every Add is allowed unless its subclass says."""
        return None

    @abstractmethod
    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> R:
        """The new (not yet stamped) record; raise ``StatusError`` for bad references or values."""

    @abstractmethod
    def save(self, record: R, company: QuickBooksCompany) -> None:
        """Stamp and store the record; raise ``StatusError`` when QuickBooks would refuse it."""

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Build, save and return the new record."""
        self.check_allowed(company)
        # The schema makes the aggregate mandatory, and the company validated the document.
        aggregate = request.find(self.aggregate_tag)
        assert aggregate is not None
        reject_unhandled_children(aggregate, self.handled, self.aggregate_tag)
        record = self.build(aggregate, company)
        self.save(record, company)
        return Reply(rets=[record], include=include_ret_elements(request))

    def missing(self, kind: str, referrer: str | None = None) -> partial[Status]:
        """``on_missing`` for ``resolve_ref``: 3140 naming ``kind`` and the record that refers to it
        (this Add's record unless ``referrer`` says otherwise, e.g. "Invoice line")."""
        return partial(invalid_reference, kind, referrer=referrer or self.referrer)


class ListAdd(Add[T]):
    """Adds one element to a list (3100 when the name is taken)."""

    @abstractmethod
    def store(self, company: QuickBooksCompany) -> ListStore[Any]:
        """The list the element goes into (its label names it in messages)."""

    def list_label(self, company: QuickBooksCompany) -> str:
        """The list the Add writes to."""
        return self.store(company).label

    def element_name(self, request: etree._Element) -> str | None:
        """The Name being added."""
        aggregate = request.find(self.aggregate_tag)
        return None if aggregate is None else child_text(aggregate, "Name")

    def save(self, record: T, company: QuickBooksCompany) -> None:
        """Stamp and file the element."""
        try:
            company.add(record)
        except NameInUseError:
            raise StatusError(name_in_use(record.name)) from None

    def missing_parent(self, company: QuickBooksCompany) -> partial[Status]:
        """``on_missing`` for a ParentRef: 3130 naming the list."""
        return partial(invalid_parent, list_label=self.store(company).label)


class TxnAdd(Add[X]):
    """Records one new transaction."""

    @abstractmethod
    def store(self, company: QuickBooksCompany) -> TxnStore[X]:
        """The transactions the new one joins."""

    def txn_label(self, company: QuickBooksCompany) -> str:
        """The transaction type the Add creates."""
        return self.store(company).label

    def save(self, record: X, company: QuickBooksCompany) -> None:
        """Stamp and record the transaction."""
        company.record(record)

    def resolve_active(
        self, element: etree._Element, tag: str, store: ListStore[T], kind: str, referrer: str | None = None
    ) -> T | None:
        """The element the ``tag`` reference of ``element`` names: a new transaction may only use active
        ones, so an inactive one is answered like one that does not exist (3140 naming ``kind`` and the
        referrer, as ``missing``)."""
        return resolve_ref(element, tag, store, self.missing(kind, referrer), usable=is_active)

    def line_account(self, element: etree._Element, company: QuickBooksCompany, referrer: str) -> Account:
        """The active account a line's ``AccountRef`` names, which the line needs (3150 without one, the
        simulator's choice, as for time tracking)."""
        account = self.resolve_active(element, "AccountRef", company.accounts, Account.kind_label, referrer)
        if account is None:
            raise StatusError(missing_element("AccountRef"))
        return account

    def rate_line(
        self,
        line_kind: type[L],
        element: etree._Element,
        company: QuickBooksCompany,
        referrer: str,
        item: Item | None,
        item_defaults: tuple[str | None, Decimal | None],
    ) -> L:
        """The ``line_kind`` line an InvoiceLineAdd or PurchaseOrderLineAdd describes, for ``item`` (which
        the caller resolves: it knows which items the line may name): quantity x rate (see ``priced``),
        the description and rate from ``item_defaults`` unless the line gives them, its active class. The
        kind's own fields keep their defaults for the caller to read after these."""
        default_desc, default_rate = item_defaults
        count = read_decimal(element, "Quantity")
        rate, total = priced(
            count, read_decimal(element, "Rate"), read_decimal(element, "Amount"), default_rate
        )
        return line_kind(
            item=item,
            amount=total,
            desc=child_text(element, "Desc") or default_desc,
            quantity=count,
            rate=rate,
            class_=self.resolve_active(
                element, "ClassRef", company.classes, TrackingClass.kind_label, referrer
            ),
            service_date=read_date(element, "ServiceDate"),
        )


def resolve_sales_tax_item(
    aggregate: etree._Element, company: QuickBooksCompany, on_missing: Callable[[str], Status]
) -> ItemSalesTax | None:
    """The ``ItemSalesTaxRef`` of an aggregate; ``on_missing`` unless it names a sales tax item."""
    item = resolve_ref(
        aggregate,
        "ItemSalesTaxRef",
        company.items,
        on_missing,
        usable=lambda found: isinstance(found, ItemSalesTax),
    )
    assert item is None or isinstance(item, ItemSalesTax)
    return item


class AccountAdd(ListAdd[Account]):
    """``AccountAddRq``: a new account, optionally below a parent account."""

    request_tag = "AccountAddRq"
    # OpenBalanceDate only dates the opening-balance transaction, which the simulator does not keep.
    handled = frozenset(
        {
            "Name",
            "IsActive",
            "ParentRef",
            "AccountType",
            "AccountNumber",
            "BankNumber",
            "Desc",
            "OpenBalance",
            "OpenBalanceDate",
            "SalesTaxCodeRef",
        }
    )

    def store(self, company: QuickBooksCompany) -> ListStore[Account]:
        """The chart of accounts."""
        return company.accounts

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> Account:
        """The account described by the AccountAdd aggregate."""
        return Account(
            name=child_text(aggregate, "Name") or "",
            is_active=read_flag(aggregate, "IsActive", default=True),
            parent=resolve_ref(aggregate, "ParentRef", company.accounts, self.missing_parent(company)),
            account_type=child_text(aggregate, "AccountType") or "",
            account_number=child_text(aggregate, "AccountNumber"),
            bank_number=child_text(aggregate, "BankNumber"),
            desc=child_text(aggregate, "Desc"),
            balance=read_decimal(aggregate, "OpenBalance") or Decimal(0),
            sales_tax_code=resolve_ref(
                aggregate, "SalesTaxCodeRef", company.sales_tax_codes, self.missing(SalesTaxCode.kind_label)
            ),
        )


class ClassAdd(ListAdd[TrackingClass]):
    """``ClassAddRq``: a new class, optionally below a parent class."""

    request_tag = "ClassAddRq"
    handled = frozenset({"Name", "IsActive", "ParentRef"})

    def store(self, company: QuickBooksCompany) -> ListStore[TrackingClass]:
        """The classes."""
        return company.classes

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> TrackingClass:
        """The class described by the ClassAdd aggregate."""
        return TrackingClass(
            name=child_text(aggregate, "Name") or "",
            is_active=read_flag(aggregate, "IsActive", default=True),
            parent=resolve_ref(aggregate, "ParentRef", company.classes, self.missing_parent(company)),
        )


class CustomerAdd(ListAdd[Customer]):
    """``CustomerAddRq``: a new customer, or a job (sub-customer) below one."""

    request_tag = "CustomerAddRq"
    # OpenBalanceDate only dates the opening-balance invoice, which the simulator does not keep.
    handled = frozenset(
        {
            "Name",
            "IsActive",
            "ClassRef",
            "ParentRef",
            "CompanyName",
            "FirstName",
            "LastName",
            "BillAddress",
            "ShipAddress",
            "Phone",
            "Email",
            "Contact",
            "TermsRef",
            "OpenBalance",
            "OpenBalanceDate",
            "SalesTaxCodeRef",
            "ItemSalesTaxRef",
            "ResaleNumber",
            "AccountNumber",
            "CreditLimit",
            "JobStatus",
            "JobDesc",
            "Notes",
            "ExternalGUID",
            "CurrencyRef",
        }
    )

    def store(self, company: QuickBooksCompany) -> ListStore[Customer]:
        """The customers and jobs."""
        return company.customers

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> Customer:
        """The customer described by the CustomerAdd aggregate."""
        parent = resolve_ref(aggregate, "ParentRef", company.customers, self.missing_parent(company))
        currency = resolve_ref(
            aggregate, "CurrencyRef", company.currencies, self.missing(Currency.kind_label)
        )
        if currency is None:
            # A job bills in its customer's currency; a new customer in the home currency.
            currency = parent.currency if parent is not None else company.home_currency
        return Customer(
            name=child_text(aggregate, "Name") or "",
            parent=parent,
            is_active=read_flag(aggregate, "IsActive", default=True),
            class_=resolve_ref(
                aggregate, "ClassRef", company.classes, self.missing(TrackingClass.kind_label)
            ),
            company_name=child_text(aggregate, "CompanyName"),
            first_name=child_text(aggregate, "FirstName"),
            last_name=child_text(aggregate, "LastName"),
            bill_address=read_address(aggregate, "BillAddress"),
            ship_address=read_address(aggregate, "ShipAddress"),
            phone=child_text(aggregate, "Phone"),
            email=child_text(aggregate, "Email"),
            contact=child_text(aggregate, "Contact"),
            terms=resolve_ref(aggregate, "TermsRef", company.terms, self.missing(StandardTerms.kind_label)),
            balance=read_decimal(aggregate, "OpenBalance") or Decimal(0),
            sales_tax_code=resolve_ref(
                aggregate, "SalesTaxCodeRef", company.sales_tax_codes, self.missing(SalesTaxCode.kind_label)
            ),
            item_sales_tax=resolve_sales_tax_item(aggregate, company, self.missing("Item")),
            resale_number=child_text(aggregate, "ResaleNumber"),
            account_number=child_text(aggregate, "AccountNumber"),
            credit_limit=read_decimal(aggregate, "CreditLimit"),
            job_status=child_text(aggregate, "JobStatus") or "None",
            job_desc=child_text(aggregate, "JobDesc"),
            notes=child_text(aggregate, "Notes"),
            external_guid=child_text(aggregate, "ExternalGUID"),
            currency=currency if company.multicurrency_on else None,
        )


class VendorAdd(ListAdd[Vendor]):
    """``VendorAddRq``: a new vendor. Its name is taken once it is a customer's, an employee's or an Other
    Name's too (3100, as for CustomerAdd); longer than 41 characters, it is refused with 3070 like any
    string longer than its field."""

    request_tag = "VendorAddRq"
    # OpenBalanceDate only dates the opening-balance bill, which the simulator does not keep.
    handled = frozenset(
        {
            "Name",
            "IsActive",
            "CompanyName",
            "FirstName",
            "LastName",
            "VendorAddress",
            "Phone",
            "Email",
            "Contact",
            "NameOnCheck",
            "AccountNumber",
            "Notes",
            "TermsRef",
            "CreditLimit",
            "VendorTaxIdent",
            "IsVendorEligibleFor1099",
            "OpenBalance",
            "OpenBalanceDate",
            "ExternalGUID",
        }
    )

    def store(self, company: QuickBooksCompany) -> ListStore[Vendor]:
        """The vendors."""
        return company.vendors

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> Vendor:
        """The vendor described by the VendorAdd aggregate."""
        eligible = child_text(aggregate, "IsVendorEligibleFor1099")
        return Vendor(
            name=child_text(aggregate, "Name") or "",
            is_active=read_flag(aggregate, "IsActive", default=True),
            company_name=child_text(aggregate, "CompanyName"),
            first_name=child_text(aggregate, "FirstName"),
            last_name=child_text(aggregate, "LastName"),
            vendor_address=read_address(aggregate, "VendorAddress"),
            phone=child_text(aggregate, "Phone"),
            email=child_text(aggregate, "Email"),
            contact=child_text(aggregate, "Contact"),
            name_on_check=child_text(aggregate, "NameOnCheck"),
            account_number=child_text(aggregate, "AccountNumber"),
            notes=child_text(aggregate, "Notes"),
            terms=resolve_ref(aggregate, "TermsRef", company.terms, self.missing(StandardTerms.kind_label)),
            credit_limit=read_decimal(aggregate, "CreditLimit"),
            vendor_tax_ident=child_text(aggregate, "VendorTaxIdent"),
            is_eligible_for_1099=None
            if eligible is None
            else read_flag(aggregate, "IsVendorEligibleFor1099", False),
            balance=read_decimal(aggregate, "OpenBalance") or Decimal(0),
            external_guid=child_text(aggregate, "ExternalGUID"),
        )


# The children of an item Add that ItemServiceAdd and ItemNonInventoryAdd both read.
_PRICED_ITEM_TAGS = frozenset(
    {
        "Name",
        "IsActive",
        "ParentRef",
        "SalesTaxCodeRef",
        "SalesOrPurchase",
        "SalesAndPurchase",
        "ExternalGUID",
    }
)
_PRICING_TAGS = {
    "SalesOrPurchase": frozenset({"Desc", "Price", "AccountRef"}),
    "SalesAndPurchase": frozenset(
        {
            "SalesDesc",
            "SalesPrice",
            "IncomeAccountRef",
            "PurchaseDesc",
            "PurchaseCost",
            "ExpenseAccountRef",
            "PrefVendorRef",
        }
    ),
}


class ItemAdd(ListAdd[N]):
    """What the Adds of items share: they add to the items list, a sub-item hangs below an item of its own
    kind, and the accounts an item posts to are required."""

    item_kind: type[N]

    def store(self, company: QuickBooksCompany) -> ListStore[Any]:
        """The items list (every kind of item shares its name space)."""
        return company.items

    def parent(self, aggregate: etree._Element, company: QuickBooksCompany) -> N | None:
        """The item ``ParentRef`` names; 3130 for an item of another kind."""
        parent = resolve_ref(
            aggregate,
            "ParentRef",
            company.items,
            self.missing_parent(company),
            # QuickBooks keeps sub-items below an item of their own kind.
            usable=lambda found: type(found) is self.item_kind,
        )
        assert parent is None or isinstance(parent, self.item_kind)
        return parent

    def required_account(self, account: Account | None, company: QuickBooksCompany, name: str) -> Account:
        """``account``, which the item ``name`` needs: 3180 without one."""
        if account is None:
            raise StatusError(
                missing_field(company.items.label, name, "An account is required for this item.")
            )
        return account


class _PricedItemAdd(ItemAdd[P]):
    """What ItemServiceAdd and ItemNonInventoryAdd share: a name, a parent of the same kind, a tax code
    and one pricing block (SalesOrPurchase, or SalesAndPurchase for items bought and resold)."""

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> P:
        """The item described by the aggregate."""
        name = child_text(aggregate, "Name") or ""
        parent = self.parent(aggregate, company)
        item = self.create(
            aggregate,
            name=name,
            pricing=self._pricing(aggregate, company, name),
            sales_tax_code=resolve_ref(
                aggregate, "SalesTaxCodeRef", company.sales_tax_codes, self.missing(SalesTaxCode.kind_label)
            ),
        )
        item.parent = parent
        item.is_active = read_flag(aggregate, "IsActive", default=True)
        item.external_guid = child_text(aggregate, "ExternalGUID")
        return item

    @abstractmethod
    def create(
        self,
        aggregate: etree._Element,
        *,
        name: str,
        pricing: SalesOrPurchase | SalesAndPurchase,
        sales_tax_code: SalesTaxCode | None,
    ) -> P:
        """The item of this kind, with the kind's own fields read from ``aggregate``."""

    def _pricing(
        self, aggregate: etree._Element, company: QuickBooksCompany, name: str
    ) -> SalesOrPurchase | SalesAndPurchase:
        one_sided, two_sided = aggregate.find("SalesOrPurchase"), aggregate.find("SalesAndPurchase")
        block = one_sided if one_sided is not None else two_sided
        assert block is not None  # the schema requires one of them
        where = "SalesOrPurchase" if block is one_sided else "SalesAndPurchase"
        reject_unhandled_children(block, _PRICING_TAGS[where], where)
        account = partial(
            resolve_ref, block, store=company.accounts, on_missing=self.missing(Account.kind_label)
        )
        if block is one_sided:
            return SalesOrPurchase(
                account=self.required_account(account(tag="AccountRef"), company, name),
                desc=child_text(block, "Desc"),
                price=read_decimal(block, "Price"),
            )
        return SalesAndPurchase(
            income_account=self.required_account(account(tag="IncomeAccountRef"), company, name),
            expense_account=self.required_account(account(tag="ExpenseAccountRef"), company, name),
            sales_desc=child_text(block, "SalesDesc"),
            sales_price=read_decimal(block, "SalesPrice"),
            purchase_desc=child_text(block, "PurchaseDesc"),
            purchase_cost=read_decimal(block, "PurchaseCost"),
            preferred_vendor=resolve_ref(
                block, "PrefVendorRef", company.vendors, self.missing(Vendor.kind_label)
            ),
        )


class ItemServiceAdd(_PricedItemAdd[ItemService]):
    """``ItemServiceAddRq``: a service item (labour, consulting, fees)."""

    request_tag = "ItemServiceAddRq"
    handled = _PRICED_ITEM_TAGS
    item_kind = ItemService

    def create(
        self,
        aggregate: etree._Element,
        *,
        name: str,
        pricing: SalesOrPurchase | SalesAndPurchase,
        sales_tax_code: SalesTaxCode | None,
    ) -> ItemService:
        """A service item."""
        return ItemService(name=name, pricing=pricing, sales_tax_code=sales_tax_code)


class ItemNonInventoryAdd(_PricedItemAdd[ItemNonInventory]):
    """``ItemNonInventoryAddRq``: a product sold or bought without tracking quantities."""

    request_tag = "ItemNonInventoryAddRq"
    handled = _PRICED_ITEM_TAGS | {"ManufacturerPartNumber"}
    item_kind = ItemNonInventory

    def create(
        self,
        aggregate: etree._Element,
        *,
        name: str,
        pricing: SalesOrPurchase | SalesAndPurchase,
        sales_tax_code: SalesTaxCode | None,
    ) -> ItemNonInventory:
        """A non-inventory item, with its manufacturer's part number."""
        return ItemNonInventory(
            name=name,
            pricing=pricing,
            sales_tax_code=sales_tax_code,
            manufacturer_part_number=child_text(aggregate, "ManufacturerPartNumber"),
        )
