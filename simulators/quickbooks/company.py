"""The simulated QuickBooks company file: its lists, its settings, and how it executes qbXML documents."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any, TypeVar

from lxml import etree

from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import MalformedXmlError, UnsafeXmlError, local_name, parse_xml
from simulators.quickbooks.adds import (
    AccountAdd,
    ClassAdd,
    CustomerAdd,
    ItemNonInventoryAdd,
    ItemServiceAdd,
    VendorAdd,
)
from simulators.quickbooks.bill_mods import BillMod
from simulators.quickbooks.bills import (
    Bill,
    BillAdd,
    BillApplication,
    BillPayment,
    BillPaymentCheck,
    BillPaymentCreditCard,
)
from simulators.quickbooks.deletions import DeletedTxn, TxnDel, TxnDeletedQuery, delete
from simulators.quickbooks.entities import (
    ITEM_KINDS,
    Account,
    Currency,
    Customer,
    DateDrivenTerms,
    Employee,
    Item,
    ItemInventory,
    ItemSalesTax,
    ListObject,
    OtherName,
    PayrollItemWage,
    SalesTaxCode,
    StandardTerms,
    Template,
    Terms,
    TrackingClass,
    TreeObject,
    Vendor,
)
from simulators.quickbooks.errors import (
    IN_USE_CODES,
    QbXmlParseError,
    Status,
    StatusError,
    record_in_use,
    severity_of,
    string_too_long,
    unsupported,
)
from simulators.quickbooks.handlers import Reply, RequestHandler, response_tag
from simulators.quickbooks.hcp import HCP_QUERIES
from simulators.quickbooks.inventory import ItemInventoryAdd
from simulators.quickbooks.inventory_adjustments import (
    InventoryAdjustment,
    InventoryAdjustmentAdd,
    ItemFilter,
)
from simulators.quickbooks.invoice_mods import InvoiceMod
from simulators.quickbooks.invoices import InvoiceAdd
from simulators.quickbooks.item_receipts import ItemReceipt, ItemReceiptAdd
from simulators.quickbooks.journal_entries import JournalEntry, JournalEntryAdd
from simulators.quickbooks.lists import ListStore, NameInUseError, Stamper
from simulators.quickbooks.locales import locale_for
from simulators.quickbooks.purchase_orders import PurchaseOrder, PurchaseOrderAdd
from simulators.quickbooks.queries import AccountTypeFilter, IteratorRegistry, ListQuery
from simulators.quickbooks.sample import populate
from simulators.quickbooks.time_tracking import TimeEntry, TimeTracking, TimeTrackingAdd, TimeTrackingQuery
from simulators.quickbooks.transactions import (
    Application,
    Invoice,
    InvoiceLine,
    ReceivePayment,
    Transaction,
    TxnStore,
    to_cents,
)
from simulators.quickbooks.txn_queries import PaidStatusFilter, TxnQuery
from simulators.quickbooks.voids import TxnVoid, void

T = TypeVar("T", bound=ListObject)
X = TypeVar("X", bound=Transaction)

_QBXML_VERSION = re.compile(r"\s*(\d+)\.(\d+)\s*")
# The simulated clock starts here; every change moves it one second on.
_CLOCK_START = datetime(2024, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
# How the schema reports a string longer than its field allows (QuickBooks answers those with 3070).
_TOO_LONG = re.compile(
    r"line (\d+): Element '([^']+)': \[facet 'maxLength'\] The value has a length of '(\d+)'"
)

_HANDLERS: dict[str, RequestHandler] = {
    handler.request_tag: handler
    for handler in (
        *HCP_QUERIES,
        ListQuery("AccountQueryRq", lambda company: company.accounts, [AccountTypeFilter()]),
        ListQuery("ClassQueryRq", lambda company: company.classes),
        ListQuery("TermsQueryRq", lambda company: company.terms),
        ListQuery("SalesTaxCodeQueryRq", lambda company: company.sales_tax_codes),
        ListQuery("PayrollItemWageQueryRq", lambda company: company.payroll_wage_items),
        ListQuery("CustomerQueryRq", lambda company: company.customers),
        ListQuery("VendorQueryRq", lambda company: company.vendors),
        ListQuery("EmployeeQueryRq", lambda company: company.employees),
        ListQuery("OtherNameQueryRq", lambda company: company.other_names),
        ListQuery("ItemQueryRq", lambda company: company.items),
        ListQuery("ItemInventoryQueryRq", lambda company: company.items, kinds=(ItemInventory,)),
        ListQuery("CurrencyQueryRq", lambda company: company.currencies),
        ListQuery("TemplateQueryRq", lambda company: company.templates),
        TxnQuery(
            "InvoiceQueryRq", lambda company: company.invoices, [PaidStatusFilter()], has_linked_txns=True
        ),
        TxnQuery("ReceivePaymentQueryRq", lambda company: company.payments),
        TxnQuery("BillQueryRq", lambda company: company.bills, [PaidStatusFilter()], has_linked_txns=True),
        TxnQuery("JournalEntryQueryRq", lambda company: company.journal_entries),
        TxnQuery("PurchaseOrderQueryRq", lambda company: company.purchase_orders, has_linked_txns=True),
        TxnQuery("ItemReceiptQueryRq", lambda company: company.item_receipts, has_linked_txns=True),
        TxnQuery("InventoryAdjustmentQueryRq", lambda company: company.inventory_adjustments, [ItemFilter()]),
        TimeTrackingQuery(),
        AccountAdd(),
        ClassAdd(),
        CustomerAdd(),
        VendorAdd(),
        ItemServiceAdd(),
        ItemNonInventoryAdd(),
        ItemInventoryAdd(),
        InvoiceAdd(),
        BillAdd(),
        JournalEntryAdd(),
        TimeTrackingAdd(),
        PurchaseOrderAdd(),
        ItemReceiptAdd(),
        InventoryAdjustmentAdd(),
        InvoiceMod(),
        BillMod(),
        TxnVoid(),
        TxnDel(),
        TxnDeletedQuery(),
    )
}
# A fault waiting for the next request of its tag: the status it answers that request with.
_Fault = Callable[[etree._Element], Status]


# Where the sample company file lives. One company file belongs to one connector, so tests that share a
# stack across tests (end to end, the browser) give each test a file of its own by setting this.
SAMPLE_COMPANY_FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Sample Company.qbw"


@dataclass(eq=False)
class QuickBooksCompany:
    """An open QuickBooks company file that answers qbXML request documents as QuickBooks Desktop does.

    Every request document is checked against the official qbXML 13.0 schema first (QuickBooks refuses
    invalid ones as a whole, which QBWC reports as hresult 0x80040400), so a test run through the
    simulator proves every request the bridge sends is valid; only strings longer than their field are
    answered per request, with QuickBooks' 3070. Elements enter the lists with ``add`` (or qbXML Add
    requests), invoices with InvoiceAdd requests, bills with BillAdd, journal entries with
    JournalEntryAdd, time records with TimeTrackingAdd requests (while ``time_tracking_on``;
    ``time_tracking()`` lists them for tests); ``pay_invoice`` and ``unpay_invoice`` stand for a bookkeeper
    receiving (or deleting) payments, ``pay_bill`` and ``unpay_bill`` for one paying a vendor's bill (or
    deleting the payment). While ``inventory_on``, ItemInventoryAdd adds inventory parts, PurchaseOrderAdd
    purchase orders, ItemReceiptAdd item receipts (receiving against purchase order lines) and
    InventoryAdjustmentAdd inventory adjustments; bills and item receipts bring stock in, invoices take it
    out (``on_hand`` and ``inventory_part`` tell a test where a part stands). InvoiceMod and BillMod
    change transactions, TxnVoid voids, TxnDel deletes (``deleted_transactions`` remembers each deletion
    for TxnDeletedQuery); ``edit``, ``edit_invoice_lines``, ``mark_printed``, ``void_transaction`` and
    ``delete_transaction`` stand for a person doing the same at the keyboard. ``sample()`` builds a
    realistic small-business file; ``lock_list`` and ``fail_next`` inject faults.
    """

    company_file: str = SAMPLE_COMPANY_FILE
    country: str = "US"  # "US", "CA" or "UK"
    product_name: str = "QuickBooks Pro 2024"
    qbxml_version: tuple[int, int] = (13, 0)  # the newest qbXML version this QuickBooks accepts
    sales_tax_on: bool = True
    time_tracking_on: bool = True
    multicurrency_on: bool = False
    class_tracking_on: bool = True
    inventory_on: bool = True
    can_start: bool = True  # False: QBWC cannot start QuickBooks (hresult 0x80040408)
    company_name: str = "Sample Company"

    accounts: ListStore[Account] = field(init=False)
    classes: ListStore[TrackingClass] = field(init=False)
    terms: ListStore[Terms] = field(init=False)
    sales_tax_codes: ListStore[SalesTaxCode] = field(init=False)
    payroll_wage_items: ListStore[PayrollItemWage] = field(init=False)
    customers: ListStore[Customer] = field(init=False)
    vendors: ListStore[Vendor] = field(init=False)
    employees: ListStore[Employee] = field(init=False)
    other_names: ListStore[OtherName] = field(init=False)
    items: ListStore[Item] = field(init=False)
    currencies: ListStore[Currency] = field(init=False)
    templates: ListStore[Template] = field(init=False)
    invoices: TxnStore[Invoice] = field(init=False)
    payments: TxnStore[ReceivePayment] = field(init=False)
    time_records: TxnStore[TimeTracking] = field(init=False)
    bills: TxnStore[Bill] = field(init=False)
    bill_payments: TxnStore[BillPayment] = field(init=False)
    journal_entries: TxnStore[JournalEntry] = field(init=False)
    purchase_orders: TxnStore[PurchaseOrder] = field(init=False)
    item_receipts: TxnStore[ItemReceipt] = field(init=False)
    inventory_adjustments: TxnStore[InventoryAdjustment] = field(init=False)
    deleted_transactions: list[DeletedTxn] = field(default_factory=list, init=False)

    requests_seen: list[str] = field(default_factory=list, init=False, repr=False)
    iterators: IteratorRegistry = field(default_factory=IteratorRegistry, init=False, repr=False)
    _stamper: Stamper = field(default_factory=lambda: Stamper(_CLOCK_START), init=False, repr=False)
    _faults: dict[str, deque[_Fault]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        locale_for(self.country)  # fail fast on an edition the simulator does not know
        self.accounts = ListStore("Accounts", Account)
        self.classes = ListStore("Classes", TrackingClass)
        self.terms = ListStore("Terms", StandardTerms, DateDrivenTerms)
        self.sales_tax_codes = ListStore("Sales Tax Codes", SalesTaxCode)
        self.payroll_wage_items = ListStore("Payroll Items", PayrollItemWage)
        self.customers = ListStore("Customers", Customer)
        self.vendors = ListStore("Vendors", Vendor)
        self.employees = ListStore("Employees", Employee)
        self.other_names = ListStore("Other Names", OtherName)
        self.items = ListStore("Items", *ITEM_KINDS)
        self.currencies = ListStore("Currencies", Currency)
        self.templates = ListStore("Templates", Template)
        self.invoices = TxnStore("Invoice")
        self.payments = TxnStore("ReceivePayment")
        self.time_records = TxnStore("TimeTracking")
        self.bills = TxnStore("Bill")
        self.bill_payments = TxnStore("BillPayment")
        self.journal_entries = TxnStore("JournalEntry")
        self.purchase_orders = TxnStore("PurchaseOrder")
        self.item_receipts = TxnStore("ItemReceipt")
        self.inventory_adjustments = TxnStore("InventoryAdjustment")

    @classmethod
    def sample(
        cls,
        *,
        customers: int = 25,
        vendors: int = 10,
        items: int = 20,
        employees: int = 5,
        missing_accounts: Sequence[str] = (),
        customers_named: Sequence[str] = (),
        employees_named: Sequence[str] = (),
        use_time_data: str | Mapping[str, str] | None = None,
        **settings: Any,
    ) -> QuickBooksCompany:
        """A realistic small-business company file, the same on every call (see ``sample.populate``).

        ``settings`` are the constructor's fields (``country``, ``sales_tax_on`` ...);
        ``missing_accounts`` names accounts of the sample chart to leave out, with whatever needs them;
        ``customers_named`` adds customers with exactly these names after the numbered ones
        (``"Parent:Job"`` adds a job below an existing customer); ``employees_named`` adds active hourly
        employees with exactly these names ("First Last") after the numbered ones; ``use_time_data`` sets
        "Use time data to create paychecks" (``UseTimeData``, ``DoNotUseTimeData`` or ``NotSet``) on every
        employee, or per employee with a mapping from name to value (left unsaid by default). Time tracking
        is on unless ``time_tracking_on=False``.
        """
        settings.setdefault("company_file", SAMPLE_COMPANY_FILE)
        company = cls(**settings)
        populate(
            company,
            customers=customers,
            vendors=vendors,
            items=items,
            employees=employees,
            missing_accounts=missing_accounts,
            customers_named=customers_named,
            employees_named=employees_named,
            use_time_data=use_time_data,
        )
        return company

    @property
    def local_tz(self) -> tzinfo:
        """The company file's time zone (dates in requests without an offset are local)."""
        tz = self._stamper.now.tzinfo
        assert tz is not None
        return tz

    @property
    def today(self) -> date:
        """The simulated date: what a transaction without TxnDate is dated."""
        return self._stamper.now.date()

    @property
    def home_currency(self) -> Currency | None:
        """The edition's own currency, once multi-currency is on and the currency list has it."""
        if not self.multicurrency_on:
            return None
        return self.currencies.find(locale_for(self.country).currency)

    @property
    def default_sales_tax_item(self) -> ItemSalesTax | None:
        """The sales tax item an invoice uses when neither it nor its customer names one."""
        return next((i for i in self.items if isinstance(i, ItemSalesTax) and i.is_active), None)

    @property
    def default_ar_account(self) -> Account | None:
        """The receivables account an invoice posts to when it names none."""
        return next(
            (a for a in self.accounts if a.account_type == "AccountsReceivable" and a.is_active), None
        )

    @property
    def default_ap_account(self) -> Account | None:
        """The payables account a bill posts to when it names none."""
        return next((a for a in self.accounts if a.account_type == "AccountsPayable" and a.is_active), None)

    @property
    def default_invoice_template(self) -> Template | None:
        """The template an invoice prints with when it names none."""
        return next((t for t in self.templates if t.template_type == "Invoice" and t.is_active), None)

    def add(self, element: T) -> T:
        """Put a new element into its list, stamping its ListID and times; returns it.

        A parent must already be in the same list and of the same kind (QuickBooks refuses a sub-item of
        another item type). ``NameInUseError`` when the FullName is taken (QuickBooks' 3100), which for
        customers, vendors, employees and Other Names means taken in any of these lists.
        """
        store = self._store_for(element)
        parent = element.parent if isinstance(element, TreeObject) else None
        if parent is not None and (
            type(parent) is not type(element) or store.get(parent.list_id) is not parent
        ):
            raise ValueError(
                f"the parent of {element.name!r} is not a {type(element).__name__} of this company"
            )
        if parent is None and isinstance(element, Customer | Vendor | Employee | OtherName):
            names: tuple[ListStore[Any], ...] = (
                self.customers,
                self.vendors,
                self.employees,
                self.other_names,
            )
            if any(other.find(element.name) is not None for other in names if other is not store):
                raise NameInUseError(element.name)
        self._stamper.stamp_new(element)
        store.insert(element)
        if parent is not None:
            parent.children.append(element)
        return element

    def record(self, txn: X) -> X:
        """Enter a new transaction: stamp it and its lines, file it, post it to the balances and move
        the stock of the inventory parts it buys, sells or adjusts."""
        self._stamper.stamp_txn(txn)
        txn.stamp_lines(self._stamper.next_txn_id)
        self._txn_store_for(txn).insert(txn)
        self._post(txn, Decimal(1))
        self._move_stock(txn, Decimal(1))
        return txn

    def revise(self, txn: X, change: Callable[[X], None]) -> X:
        """Change a recorded transaction now, as a Mod, a void or a person at the keyboard does: what it
        did to balances and stock is taken back, ``change`` (which must not fail halfway) is made, what
        it derives from its lines is worked out again, new lines get their TxnLineIDs, and it posts and
        moves stock anew with a new TimeModified and EditSequence. Stock taken back leaves average costs
        as they are (the simulator does not replay a part's cost history)."""
        self._post(txn, Decimal(-1))
        self._move_stock(txn, Decimal(-1))
        # The clock moves first, so whatever the change touches (a purchase order a voided receipt
        # received against) is modified in the same second as the transaction.
        self._stamper.touch(txn)
        change(txn)
        txn.recalculate()
        txn.stamp_lines(self._stamper.next_txn_id)
        self._post(txn, Decimal(1))
        self._move_stock(txn, Decimal(1))
        return txn

    def unrecord(self, txn: Transaction) -> datetime:
        """Take a transaction out of the file, with what it did to balances and stock; returns when."""
        deleted_at = self._stamper.advance()
        self._post(txn, Decimal(-1))
        self._move_stock(txn, Decimal(-1))
        self._txn_store_for(txn).remove(txn)
        return deleted_at

    def find_transaction(self, txn_type: str, txn_id: str) -> Transaction | None:
        """The transaction of this TxnType ("Invoice", "BillPaymentCheck" ...) with this TxnID."""
        for store in self._txn_stores():
            found = store.get(txn_id)
            if found is not None:
                return found if found.txn_type == txn_type else None
        return None

    def edit(self, txn: X, mutate: Callable[[X], None]) -> X:
        """A person edits a transaction at the keyboard and saves it: ``mutate`` changes it (lines added
        without a TxnLineID get one); it posts anew and gets a new EditSequence and TimeModified, so an
        integration's Mod with the EditSequence it read before answers 3200."""
        return self.revise(txn, mutate)

    def edit_invoice_lines(
        self, txn_id_or_ref_number: str, change: Callable[[list[InvoiceLine]], None]
    ) -> Invoice:
        """A person changes an invoice's lines (by TxnID, or a RefNumber only it has): ``change`` edits,
        adds (``InvoiceLine`` without a TxnLineID) or removes lines in the list; sales tax follows."""
        return self.edit(self._one_invoice(txn_id_or_ref_number), lambda invoice: change(invoice.lines))

    def mark_printed(self, txn_id: str) -> Transaction:
        """A person prints (or e-mails) a transaction: nothing in it changes but its EditSequence and
        TimeModified (an invoice is no longer to be printed), as QuickBooks saves it when it prints."""
        found: list[Transaction | None] = [store.get(txn_id) for store in self._txn_stores()]
        txn = next((txn for txn in found if txn is not None), None)
        if txn is None:
            raise ValueError(f"no transaction has TxnID {txn_id!r}")
        if isinstance(txn, Invoice):
            txn.is_to_be_printed = False
        self._stamper.touch(txn)
        return txn

    def void_transaction(self, txn_type: str, txn_id: str) -> Transaction:
        """A person voids a transaction in QuickBooks (see ``voids``); ``ValueError`` when QuickBooks
        would not, or no such transaction exists."""
        txn = self._existing(txn_type, txn_id)
        try:
            void(self, txn)
        except StatusError as exc:
            raise ValueError(exc.status.message) from None
        return txn

    def delete_transaction(self, txn_type: str, txn_id: str) -> DeletedTxn:
        """A person deletes a transaction in QuickBooks (see ``deletions``): it is gone, and
        TxnDeletedQuery reports it; ``ValueError`` when QuickBooks would refuse, or no such transaction
        exists."""
        txn = self._existing(txn_type, txn_id)
        try:
            return delete(self, txn)
        except StatusError as exc:
            raise ValueError(exc.status.message) from None

    def find_invoices(self, *, ref_number: str) -> list[Invoice]:
        """Every invoice with this RefNumber (ignoring case), oldest first."""
        return self.invoices.with_ref_number(ref_number)

    def find_invoices_by_external_guid(self, guid: str) -> list[Invoice]:
        """Every invoice carrying this ExternalGUID, oldest first."""
        return self.invoices.with_external_guid(guid)

    def find_bills(self, *, ref_number: str) -> list[Bill]:
        """Every bill with this RefNumber (ignoring case), oldest first."""
        return self.bills.with_ref_number(ref_number)

    def find_bills_by_external_guid(self, guid: str) -> list[Bill]:
        """Every bill carrying this ExternalGUID, oldest first."""
        return self.bills.with_external_guid(guid)

    def find_journal_entries(self, *, ref_number: str) -> list[JournalEntry]:
        """Every journal entry with this RefNumber (ignoring case), oldest first."""
        return self.journal_entries.with_ref_number(ref_number)

    def find_journal_entries_by_external_guid(self, guid: str) -> list[JournalEntry]:
        """Every journal entry carrying this ExternalGUID, oldest first."""
        return self.journal_entries.with_external_guid(guid)

    def find_purchase_orders(self, *, ref_number: str) -> list[PurchaseOrder]:
        """Every purchase order with this RefNumber (ignoring case), oldest first."""
        return self.purchase_orders.with_ref_number(ref_number)

    def find_purchase_orders_by_external_guid(self, guid: str) -> list[PurchaseOrder]:
        """Every purchase order carrying this ExternalGUID, oldest first."""
        return self.purchase_orders.with_external_guid(guid)

    def find_item_receipts(self, *, ref_number: str) -> list[ItemReceipt]:
        """Every item receipt with this RefNumber (ignoring case), oldest first."""
        return self.item_receipts.with_ref_number(ref_number)

    def find_item_receipts_by_external_guid(self, guid: str) -> list[ItemReceipt]:
        """Every item receipt carrying this ExternalGUID, oldest first."""
        return self.item_receipts.with_external_guid(guid)

    def find_inventory_adjustments(self, *, ref_number: str) -> list[InventoryAdjustment]:
        """Every inventory adjustment with this RefNumber (ignoring case), oldest first."""
        return self.inventory_adjustments.with_ref_number(ref_number)

    def find_inventory_adjustments_by_external_guid(self, guid: str) -> list[InventoryAdjustment]:
        """Every inventory adjustment carrying this ExternalGUID, oldest first."""
        return self.inventory_adjustments.with_external_guid(guid)

    def inventory_part(self, full_name: str) -> ItemInventory:
        """The inventory part with this FullName (ignoring case); ``KeyError`` when no item has it or
        the item is of another kind."""
        item = self.items.find(full_name)
        if not isinstance(item, ItemInventory):
            raise KeyError(f"the company file has no inventory part {full_name!r}")
        return item

    def on_hand(self, full_name: str) -> Decimal:
        """The quantity on hand of the inventory part with this FullName (see ``inventory_part``)."""
        return self.inventory_part(full_name).quantity_on_hand

    def touch(self, record: ListObject | Transaction) -> None:
        """Mark ``record`` as changed by the transaction just recorded, in the same instant (an item
        receipt changes the purchase orders it receives against)."""
        self._stamper.touch(record, tick=False)

    def time_tracking(self, *, external_guid: str | None = None) -> list[TimeEntry]:
        """Every time record in the company file, oldest first, as ``TimeEntry``s (references by name);
        only those carrying ``external_guid`` (compared without regard to case) when it is given."""
        records = (
            self.time_records
            if external_guid is None
            else self.time_records.with_external_guid(external_guid)
        )
        return [record.entry() for record in records]

    def pay_invoice(
        self, txn_id_or_ref_number: str, *, amount: Decimal | None = None, on: date | None = None
    ) -> str:
        """A bookkeeper records a payment against one invoice (by TxnID, or a RefNumber only it has);
        returns the payment's TxnID.

        ``amount`` defaults to the whole balance remaining, ``on`` to today. The invoice's balance falls,
        it is paid once nothing remains, it links to the payment, and its TimeModified becomes the
        payment's time, as in QuickBooks (a ModifiedDateRangeFilter finds invoices paid since).
        """
        invoice = self._one_invoice(txn_id_or_ref_number)
        paid = invoice.balance_remaining if amount is None else to_cents(Decimal(amount))
        if not 0 < paid <= invoice.balance_remaining:
            raise ValueError(
                f"invoice {invoice.ref_number!r} has {invoice.balance_remaining} to pay; cannot apply {paid}"
            )
        payment = ReceivePayment(
            customer=invoice.customer,
            txn_date=on or self.today,
            total_amount=paid,
            currency=invoice.currency,
            exchange_rate=invoice.exchange_rate,
            ar_account=invoice.ar_account,
            deposit_to=next((a for a in self.accounts if a.special_account_type == "UndepositedFunds"), None),
        )
        application = Application(payment, invoice, paid)
        payment.applications.append(application)
        invoice.applications.append(application)
        self.record(payment)
        self._stamper.touch(invoice, tick=False)
        return payment.txn_id

    def unpay_invoice(self, txn_id_or_ref_number: str, *, payment_txn_id: str | None = None) -> str:
        """A bookkeeper deletes a payment applied to the invoice (the latest one unless
        ``payment_txn_id`` says which); returns its TxnID. Every invoice it paid owes that amount again
        and is modified now."""
        invoice = self._one_invoice(txn_id_or_ref_number)
        applied = [a.payment for a in invoice.applications]
        if payment_txn_id is not None:
            applied = [payment for payment in applied if payment.txn_id == payment_txn_id]
        if not applied:
            raise ValueError(f"invoice {invoice.ref_number!r} has no such payment applied")
        payment = applied[-1]
        self._post(payment, Decimal(-1))
        self.payments.remove(payment)
        for index, application in enumerate(payment.applications):
            application.invoice.applications.remove(application)
            # The deletion is one change: its invoices are all modified in the same second.
            self._stamper.touch(application.invoice, tick=index == 0)
        return payment.txn_id

    def pay_bill(
        self,
        txn_id_or_ref_number: str,
        *,
        amount: Decimal | None = None,
        on: date | None = None,
        by: str = "check",
    ) -> str:
        """A bookkeeper pays one bill (by TxnID, or a RefNumber only it has); returns the payment's TxnID.

        ``by`` is ``"check"`` (a BillPaymentCheck from the first bank account) or ``"credit_card"`` (a
        BillPaymentCreditCard on the first credit card account); ``amount`` defaults to all that is still
        open, ``on`` to today. The bill's open amount falls, it is paid once nothing remains, it links to
        the payment, and its TimeModified becomes the payment's time, as in QuickBooks (a
        ModifiedDateRangeFilter finds bills paid since).
        """
        bill = self._one_bill(txn_id_or_ref_number)
        paid = bill.open_amount if amount is None else to_cents(Decimal(amount))
        if not 0 < paid <= bill.open_amount:
            raise ValueError(f"bill {bill.ref_number!r} has {bill.open_amount} to pay; cannot apply {paid}")
        kinds: dict[str, tuple[type[BillPaymentCheck | BillPaymentCreditCard], str]] = {
            "check": (BillPaymentCheck, "Bank"),
            "credit_card": (BillPaymentCreditCard, "CreditCard"),
        }
        if by not in kinds:
            raise ValueError(f"by is one of {sorted(kinds)}, not {by!r}")
        kind, account_type = kinds[by]
        paid_from = next((a for a in self.accounts if a.account_type == account_type and a.is_active), None)
        if paid_from is None:
            raise ValueError(f"the company file has no {account_type} account to pay the bill from")
        payment = kind(
            vendor=bill.vendor,
            txn_date=on or self.today,
            total_amount=paid,
            currency=bill.currency,
            exchange_rate=bill.exchange_rate,
            ap_account=bill.ap_account,
            paid_from=paid_from,
        )
        application = BillApplication(payment, bill, paid)
        payment.applications.append(application)
        bill.applications.append(application)
        self.record(payment)
        self._stamper.touch(bill, tick=False)
        return payment.txn_id

    def unpay_bill(self, txn_id_or_ref_number: str, *, payment_txn_id: str | None = None) -> str:
        """A bookkeeper deletes a payment applied to the bill (the latest one unless ``payment_txn_id``
        says which); returns its TxnID. Every bill it paid is open for that amount again and is modified
        now."""
        bill = self._one_bill(txn_id_or_ref_number)
        applied = [a.payment for a in bill.applications]
        if payment_txn_id is not None:
            applied = [payment for payment in applied if payment.txn_id == payment_txn_id]
        if not applied:
            raise ValueError(f"bill {bill.ref_number!r} has no such payment applied")
        payment = applied[-1]
        self._post(payment, Decimal(-1))
        self.bill_payments.remove(payment)
        for index, application in enumerate(payment.applications):
            application.bill.applications.remove(application)
            self._stamper.touch(application.bill, tick=index == 0)
        return payment.txn_id

    def hcp_response(self) -> str:
        """The ``strHCPResponse`` QBWC sends with the first sendRequestXML of a session: HostQueryRs,
        CompanyQueryRs and PreferencesQueryRs."""
        messages = etree.Element("QBXMLMsgsRs")
        for number, handler in enumerate(HCP_QUERIES):
            reply = handler.handle(etree.Element(handler.request_tag), self)
            messages.append(reply.to_element(handler.response_tag, str(number)))
        return _document(messages)

    def process(self, request_xml: str) -> str:
        """Execute a qbXML request document and return QuickBooks' response document.

        Raises ``QbXmlParseError`` when QuickBooks would refuse the whole document: not well-formed, a DTD,
        not valid qbXML 13.0, or a qbXML version newer than ``qbxml_version``. A string longer than its
        field is no reason to refuse the document: QuickBooks answers that request with 3070. Otherwise
        each request is answered in order; with ``onError="stopOnError"`` the first warning or error ends
        the message set (``rollbackOnError``, which QuickBooks does not honour, behaves the same).
        """
        self.requests_seen.append(request_xml)
        message_set, too_long = self._valid_message_set(request_xml)
        continue_on_error = message_set.get("onError") == "continueOnError"
        answers = etree.Element("QBXMLMsgsRs")
        for position, request in enumerate(message_set.iterchildren(etree.Element)):
            rs, status = self._answer(request, too_long.get(position))
            answers.append(rs)
            if status.stops_batch and not continue_on_error:
                break
        return _document(answers)

    def lock_list(self, request_tag: str, times: int, status_code: int | None = None) -> None:
        """Fault injection: the next ``times`` requests named ``request_tag`` find their list or
        transaction in use by another user, and are not carried out.

        A list request ("CustomerQueryRq", "CustomerAddRq" ...) answers 3180 by default, a transaction
        request ("InvoiceAddRq" ...) 3175; ``status_code`` picks another of 3170, 3175, 3176 and 3180.
        """
        handler = _HANDLERS.get(request_tag)
        list_label = None if handler is None else handler.list_label(self)
        txn_label = None if handler is None else handler.txn_label(self)
        if handler is None or (list_label is None and txn_label is None):
            raise ValueError(f"{request_tag} is not a list or transaction request the simulator handles")
        code = status_code or (3180 if list_label is not None else 3175)
        if code not in IN_USE_CODES:
            raise ValueError(f"a lock answers one of {sorted(IN_USE_CODES)}, not {code}")

        def locked(request: etree._Element) -> Status:
            if list_label is not None:
                return record_in_use(code, list_label, handler.element_name(request), transaction=False)
            return record_in_use(code, txn_label or "", None, transaction=True)

        self._faults.setdefault(request_tag, deque()).extend([locked] * times)

    def fail_next(self, request_tag: str, status_code: int, message: str, times: int = 1) -> None:
        """Fault injection: the next ``times`` requests named ``request_tag`` answer ``status_code``
        (severity as QuickBooks gives it: Info below 500, Warn below 1000, Error from 1000) with
        ``message``, and are not carried out. Faults queue up in the order injected."""
        if not request_tag.endswith("Rq"):
            raise ValueError(f"{request_tag} is not a request element name")
        status = Status(status_code, severity_of(status_code), message)
        self._faults.setdefault(request_tag, deque()).extend([lambda _request: status] * times)

    def end_session(self) -> None:
        """QBWC closed its QuickBooks session: iterators opened in it are no longer valid."""
        self.iterators.clear()

    def _store_for(self, element: ListObject) -> ListStore[Any]:
        stores: tuple[ListStore[Any], ...] = (
            self.accounts,
            self.classes,
            self.terms,
            self.sales_tax_codes,
            self.payroll_wage_items,
            self.customers,
            self.vendors,
            self.employees,
            self.other_names,
            self.items,
            self.currencies,
            self.templates,
        )
        for store in stores:
            if isinstance(element, store.kinds):
                return store
        raise TypeError(f"no list holds {type(element).__name__}")

    def _txn_stores(self) -> tuple[TxnStore[Any], ...]:
        return (
            self.invoices,
            self.payments,
            self.time_records,
            self.bills,
            self.bill_payments,
            self.journal_entries,
            self.purchase_orders,
            self.item_receipts,
            self.inventory_adjustments,
        )

    def _existing(self, txn_type: str, txn_id: str) -> Transaction:
        txn = self.find_transaction(txn_type, txn_id)
        if txn is None:
            raise ValueError(f"no {txn_type} has TxnID {txn_id!r}")
        return txn

    def _move_stock(self, txn: Transaction, sign: Decimal) -> None:
        """Make (sign 1) or take back (sign -1) the transaction's stock moves; taking back leaves the
        average cost alone."""
        for move in txn.stock_moves():
            move.item.move_stock(sign * move.quantity, move.unit_cost if sign > 0 else None)

    def _txn_store_for(self, txn: Transaction) -> TxnStore[Any]:
        if isinstance(txn, Invoice):
            return self.invoices
        if isinstance(txn, ReceivePayment):
            return self.payments
        if isinstance(txn, TimeTracking):
            return self.time_records
        if isinstance(txn, Bill):
            return self.bills
        if isinstance(txn, BillPayment):
            return self.bill_payments
        if isinstance(txn, JournalEntry):
            return self.journal_entries
        if isinstance(txn, PurchaseOrder):
            return self.purchase_orders
        if isinstance(txn, ItemReceipt):
            return self.item_receipts
        if isinstance(txn, InventoryAdjustment):
            return self.inventory_adjustments
        raise TypeError(f"no store holds {type(txn).__name__}")

    def _post(self, txn: Transaction, sign: Decimal) -> None:
        """Add (sign 1) or take back (sign -1) what ``txn`` does to customer, vendor and account
        balances."""
        for holder, change in txn.balance_changes():
            holder.balance += sign * change

    def _one_invoice(self, txn_id_or_ref_number: str) -> Invoice:
        invoice = self.invoices.get(txn_id_or_ref_number)
        if invoice is not None:
            return invoice
        found = self.invoices.with_ref_number(txn_id_or_ref_number)
        if len(found) != 1:
            raise ValueError(
                f"{len(found)} invoices have TxnID or RefNumber {txn_id_or_ref_number!r}; name one by TxnID"
            )
        return found[0]

    def _one_bill(self, txn_id_or_ref_number: str) -> Bill:
        bill = self.bills.get(txn_id_or_ref_number)
        if bill is not None:
            return bill
        found = self.bills.with_ref_number(txn_id_or_ref_number)
        if len(found) != 1:
            raise ValueError(
                f"{len(found)} bills have TxnID or RefNumber {txn_id_or_ref_number!r}; name one by TxnID"
            )
        return found[0]

    def _valid_message_set(self, request_xml: str) -> tuple[etree._Element, dict[int, Status]]:
        """The request message set, and the 3070 answers of the requests with strings too long (by
        position in the set)."""
        try:
            root = parse_xml(request_xml)
        except (UnsafeXmlError, MalformedXmlError) as exc:
            raise QbXmlParseError([str(exc)]) from exc
        version = _requested_version(root)
        if version is not None and version > self.qbxml_version:
            newest = ".".join(map(str, self.qbxml_version))
            raise QbXmlParseError(
                [f"qbXML version {version[0]}.{version[1]} is newer than this QuickBooks ({newest})"]
            )
        errors = qbxml_errors(request_xml)
        too_long = [match for match in map(_TOO_LONG.match, errors) if match is not None]
        if len(too_long) < len(errors):
            raise QbXmlParseError(errors)
        message_set = root.find("QBXMLMsgsRq")
        if message_set is None:
            # Valid qbXML, but a response document or a subscription request: not something QBWC relays.
            raise QbXmlParseError(["the document holds no QBXMLMsgsRq request message set"])
        refused = _too_long_requests(message_set, too_long) if too_long else {}
        if too_long and not refused:
            raise QbXmlParseError(errors)  # a length the simulator cannot pin on any request
        return message_set, refused

    def _answer(self, request: etree._Element, too_long: Status | None) -> tuple[etree._Element, Status]:
        tag = local_name(request)
        faults = self._faults.get(tag)
        try:
            if too_long is not None:
                raise StatusError(too_long)
            if faults:
                raise StatusError(faults.popleft()(request))
            handler = _HANDLERS.get(tag)
            if handler is None:
                raise StatusError(unsupported(f"The simulator does not handle {tag}."))
            reply = handler.handle(request, self)
        except StatusError as exc:
            reply = Reply(status=exc.status)
        return reply.to_element(response_tag(tag), request.get("requestID")), reply.status


def _too_long_requests(message_set: etree._Element, errors: list[re.Match[str]]) -> dict[int, Status]:
    """The 3070 answer of each request (by position) holding a string the schema found too long.

    The schema names the element, its line and the string's length; a request holding such an element
    is validated again on its own, one element a line, to tell which of its strings is at fault.
    """
    wanted = {(int(m.group(1)), m.group(2), int(m.group(3))) for m in errors}
    refused: dict[int, Status] = {}
    for position, request in enumerate(message_set.iterchildren(etree.Element)):
        holds = any(
            (_line_of(element), local_name(element), len(element.text or "")) in wanted
            for element in request.iter(etree.Element)
        )
        status = _first_too_long(request) if holds else None
        if status is not None:
            refused[position] = status
    return refused


def _first_too_long(request: etree._Element) -> Status | None:
    """3070 for the first string of ``request`` longer than its field; None when all fit."""
    body = etree.tostring(request, encoding="unicode", pretty_print=True, with_tail=False)
    document = (
        '<?xml version="1.0"?>\n<?qbxml version="13.0"?>\n<QBXML>\n<QBXMLMsgsRq onError="stopOnError">\n'
        f"{body}</QBXMLMsgsRq>\n</QBXML>\n"
    )
    root = parse_xml(document)
    for match in map(_TOO_LONG.match, qbxml_errors(document)):
        if match is None:
            continue
        line, tag = int(match.group(1)), match.group(2)
        for element in root.iter(tag):
            if _line_of(element) == line:
                return string_too_long(element.text or "", tag)
    return None


def _line_of(element: etree._Element) -> int | None:
    # lxml-stubs leave sourceline untyped; lxml gives the element's line in its document, or None.
    line: int | None = element.sourceline  # type: ignore[assignment]
    return line


def _requested_version(root: etree._Element) -> tuple[int, int] | None:
    """The version of the ``<?qbxml version="13.0"?>`` instruction before the root, if there is one."""
    for node in root.itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction) and node.target == "qbxml":
            match = _QBXML_VERSION.fullmatch(node.get("version") or "")
            if match:
                return int(match.group(1)), int(match.group(2))
    return None


def _document(message_set: etree._Element) -> str:
    # QuickBooks writes responses without an encoding declaration and without the qbxml instruction.
    root = etree.Element("QBXML")
    root.append(message_set)
    return '<?xml version="1.0" ?>\n' + etree.tostring(root, encoding="unicode", pretty_print=True)
