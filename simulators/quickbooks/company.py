"""The simulated QuickBooks company file: its lists, its settings, and how it executes qbXML documents."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, TypeVar

from lxml import etree

from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import MalformedXmlError, UnsafeXmlError, local_name, parse_xml
from simulators.quickbooks.adds import AccountAdd
from simulators.quickbooks.entities import (
    ITEM_KINDS,
    Account,
    Customer,
    DateDrivenTerms,
    Employee,
    Item,
    ListObject,
    PayrollItemWage,
    SalesTaxCode,
    StandardTerms,
    Terms,
    TrackingClass,
    TreeObject,
    Vendor,
)
from simulators.quickbooks.errors import QbXmlParseError, Status, StatusError, list_locked, unsupported
from simulators.quickbooks.handlers import Reply, RequestHandler, response_tag
from simulators.quickbooks.hcp import HCP_QUERIES
from simulators.quickbooks.lists import ListStore, Stamper
from simulators.quickbooks.locales import locale_for
from simulators.quickbooks.queries import AccountTypeFilter, IteratorRegistry, ListQuery
from simulators.quickbooks.sample import populate

T = TypeVar("T", bound=ListObject)

_QBXML_VERSION = re.compile(r"\s*(\d+)\.(\d+)\s*")
# The simulated clock starts here; every change moves it one second on.
_CLOCK_START = datetime(2024, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=-5)))

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
        ListQuery("ItemQueryRq", lambda company: company.items),
        AccountAdd(),
    )
}


@dataclass(eq=False)
class QuickBooksCompany:
    """An open QuickBooks company file that answers qbXML request documents as QuickBooks Desktop does.

    Every request document is checked against the official qbXML 13.0 schema first (QuickBooks refuses
    invalid ones as a whole, which QBWC reports as hresult 0x80040400), so a test run through the
    simulator proves every request the bridge sends is valid. Elements enter the lists with ``add`` (or
    qbXML Add requests); ``sample()`` builds a realistic small-business file.
    """

    company_file: str = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Sample Company.qbw"
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
    items: ListStore[Item] = field(init=False)

    requests_seen: list[str] = field(default_factory=list, init=False, repr=False)
    iterators: IteratorRegistry = field(default_factory=IteratorRegistry, init=False, repr=False)
    _stamper: Stamper = field(default_factory=lambda: Stamper(_CLOCK_START), init=False, repr=False)
    _locks: dict[str, int] = field(default_factory=dict, init=False, repr=False)

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
        self.items = ListStore("Items", *ITEM_KINDS)

    @classmethod
    def sample(
        cls,
        *,
        customers: int = 25,
        vendors: int = 10,
        items: int = 20,
        employees: int = 5,
        missing_accounts: Sequence[str] = (),
        **settings: Any,
    ) -> QuickBooksCompany:
        """A realistic small-business company file, the same on every call (see ``sample.populate``).

        ``settings`` are the constructor's fields (``country``, ``sales_tax_on`` ...);
        ``missing_accounts`` names accounts of the sample chart to leave out, with whatever needs them.
        """
        company = cls(**settings)
        populate(
            company,
            customers=customers,
            vendors=vendors,
            items=items,
            employees=employees,
            missing_accounts=missing_accounts,
        )
        return company

    @property
    def local_tz(self) -> tzinfo:
        """The company file's time zone (dates in requests without an offset are local)."""
        tz = self._stamper.now.tzinfo
        assert tz is not None
        return tz

    def add(self, element: T) -> T:
        """Put a new element into its list, stamping its ListID and times; returns it.

        A parent must already be in the same list and of the same kind (QuickBooks refuses a sub-item of
        another item type). ``NameInUseError`` when the FullName is taken (QuickBooks' 3100).
        """
        store = self._store_for(element)
        parent = element.parent if isinstance(element, TreeObject) else None
        if parent is not None and (
            type(parent) is not type(element) or store.get(parent.list_id) is not parent
        ):
            raise ValueError(
                f"the parent of {element.name!r} is not a {type(element).__name__} of this company"
            )
        self._stamper.stamp_new(element)
        store.insert(element)
        if parent is not None:
            parent.children.append(element)
        return element

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
        not valid qbXML 13.0, or a qbXML version newer than ``qbxml_version``. Otherwise each request is
        answered in order; with ``onError="stopOnError"`` the first warning or error ends the message set
        (``rollbackOnError``, which QuickBooks does not honour, behaves the same).
        """
        self.requests_seen.append(request_xml)
        message_set = self._valid_message_set(request_xml)
        continue_on_error = message_set.get("onError") == "continueOnError"
        answers = etree.Element("QBXMLMsgsRs")
        for request in message_set.iterchildren(etree.Element):
            rs, status = self._answer(request)
            answers.append(rs)
            if status.stops_batch and not continue_on_error:
                break
        return _document(answers)

    def lock_list(self, request_tag: str, times: int) -> None:
        """Fault injection: the next ``times`` requests named ``request_tag`` (e.g. "CustomerQueryRq")
        answer 3180, as when another user holds the list."""
        handler = _HANDLERS.get(request_tag)
        if handler is None or handler.list_label(self) is None:
            raise ValueError(f"{request_tag} is not a list request the simulator handles")
        self._locks[request_tag] = times

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
            self.items,
        )
        for store in stores:
            if isinstance(element, store.kinds):
                return store
        raise TypeError(f"no list holds {type(element).__name__}")

    def _valid_message_set(self, request_xml: str) -> etree._Element:
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
        if errors:
            raise QbXmlParseError(errors)
        message_set = root.find("QBXMLMsgsRq")
        if message_set is None:
            # Valid qbXML, but a response document or a subscription request: not something QBWC relays.
            raise QbXmlParseError(["the document holds no QBXMLMsgsRq request message set"])
        return message_set

    def _answer(self, request: etree._Element) -> tuple[etree._Element, Status]:
        tag = local_name(request)
        handler = _HANDLERS.get(tag)
        try:
            if handler is None:
                raise StatusError(unsupported(f"The simulator does not handle {tag}."))
            if self._locks.get(tag, 0) > 0:
                self._locks[tag] -= 1
                raise StatusError(list_locked(handler.list_label(self) or tag, handler.element_name(request)))
            reply = handler.handle(request, self)
        except StatusError as exc:
            reply = Reply(status=exc.status)
        return reply.to_element(response_tag(tag), request.get("requestID")), reply.status


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
