"""Time tracking: the time records of QuickBooks' timesheets, ``TimeTrackingAddRq`` and ``TimeTrackingQueryRq``.

A weekly timesheet in QuickBooks Desktop is nothing but TimeTracking transactions, one per person, day and
line: whose time it is (an employee, a vendor or an Other Name), how long (a ``Duration`` such as
``PT7H30M``), and optionally the customer or job and service item it is billed to, a class, a payroll wage
item and notes. Time posts nothing to any balance.

What the simulator enforces. Intuit documents the rules; where it does not document the status code
QuickBooks answers a broken rule with, the code is the simulator's choice, marked (chosen):

* time tracking must be on in the company file (Edit > Preferences > Time & Expenses): with it off, both
  requests answer 3250, "This feature is not enabled or not available in this version of QuickBooks."
  (the wording of a captured QuickBooks answer; answering the query so too is chosen), and the HCP's
  PreferencesRet has no TimeTrackingPreferences;
* every reference must name an active element of the right list, else 3140 as for invoices: the
  ``EntityRef`` an employee, vendor or Other Name (a customer has no time of its own; the kind is named
  "Entity", chosen), the ``ItemServiceRef`` a service item (another kind of item is refused like an
  invoice's receivables account that is not one), the ``ClassRef`` a class, the ``PayrollItemWageRef``
  a payroll wage item;
* a payroll wage item only on the time of an employee whose paychecks are created from time data
  (``UseTimeDataToCreatePaychecks`` = ``UseTimeData``; ``NotSet`` is not): on a vendor's or Other Name's
  time, or an employee's who is not paid from time data, it is refused with 3210 (chosen: the reference
  itself is valid, so not 3140, and the fix is in the request, not in QuickBooks' lists);
* an employee paid from time data needs a payroll wage item on each time record, as the timesheet
  window requires: 3150 naming ``PayrollItemWageRef`` (chosen; not 3180, which integrations retry);
* billable time needs both ``CustomerRef`` and ``ItemServiceRef``: 3150 naming the first one missing
  (chosen). Without ``BillableStatus``, time for a customer and service item is ``Billable`` (QuickBooks'
  default preference marks time for a customer billable) and any other ``NotBillable``;
* a negative ``Duration`` is refused (3210), an empty one is missing (3150) (both chosen).

``Rate`` exists in the schema for QuickBooks Online only and is answered with 1030 like anything else the
simulator does not handle. ``TimeTrackingQueryRq`` takes ``TxnID``s (500 naming any that are missing), or
``MaxReturned``, ``ModifiedDateRangeFilter`` or ``TxnDateRangeFilter`` and ``TimeTrackingEntityFilter``
(``ListID``s or ``FullName``s of employees, vendors or Other Names); it pages with iterators as the other
transaction queries do, and answers statusCode 1 when nothing matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from lxml import etree

from simulators.quickbooks.adds import TxnAdd
from simulators.quickbooks.entities import (
    Customer,
    Employee,
    ItemService,
    ListObject,
    OtherName,
    PayrollItemWage,
    TrackingClass,
    Vendor,
    ref,
)
from simulators.quickbooks.errors import (
    NO_MATCH,
    OK,
    Status,
    StatusError,
    feature_not_enabled,
    invalid_value,
    missing_element,
)
from simulators.quickbooks.fields import Field, compact, day, text
from simulators.quickbooks.handlers import (
    Reply,
    child_text,
    children_text,
    read_date,
    resolve_ref,
)
from simulators.quickbooks.lists import ListStore
from simulators.quickbooks.queries import PagedQuery
from simulators.quickbooks.transactions import Transaction, TxnStore
from simulators.quickbooks.txn_queries import DateFilter, explicit_answer, found_by_id

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

# Whose time a record is.
Entity: TypeAlias = Employee | Vendor | OtherName

BILLABLE_STATUSES = ("Billable", "NotBillable", "HasBeenBilled")
# TIMEINTERVALTYPE: the schema has checked the form already; the parts are read here.
_DURATION = re.compile(r"(?P<sign>[+-]?)PT(?:(?P<h>[0-9]+)H)?(?:(?P<m>[0-9]+)M)?(?:(?P<s>[0-9]+)S)?")
_PAYROLL_ITEM_REFUSED = (
    "A payroll item can only be used on the time of an employee whose paychecks are created from time data."
)


def format_duration(duration: timedelta) -> str:
    """A duration as QuickBooks writes it back: hours, minutes and seconds (``PT7H30M0S``)."""
    seconds = int(duration.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{seconds}S"


def parse_duration(raw: str) -> timedelta | None:
    """A TIMEINTERVALTYPE value (``PT7H30M``, ``PT90M``, ``-PT1H``); None for an empty one."""
    match = _DURATION.fullmatch(raw.strip())
    if match is None:
        return None
    parts = {name: int(match.group(name) or 0) for name in ("h", "m", "s")}
    duration = timedelta(hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    return -duration if match.group("sign") == "-" else duration


@dataclass(kw_only=True, eq=False)
class TimeTracking(Transaction):
    """One time record: someone's time on a day, possibly billable to a customer."""

    ret_tag: ClassVar[str] = "TimeTrackingRet"
    txn_type: ClassVar[str] = "TimeTracking"

    entity: Entity
    duration: timedelta
    customer: Customer | None = None
    item: ItemService | None = None
    class_: TrackingClass | None = None
    payroll_item: PayrollItemWage | None = None
    notes: str | None = None
    billable_status: str = "NotBillable"  # Billable, NotBillable, HasBeenBilled

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The TimeTrackingRet children in schema order (a time record has no lines nor links)."""
        return compact(
            *self._stamp_fields(),
            day("TxnDate", self.txn_date),
            ref("EntityRef", self.entity),
            ref("CustomerRef", self.customer),
            ref("ItemServiceRef", self.item),
            ("Duration", format_duration(self.duration)),
            ref("ClassRef", self.class_),
            ref("PayrollItemWageRef", self.payroll_item),
            text("Notes", self.notes),
            ("BillableStatus", self.billable_status),
            text("ExternalGUID", self.external_guid),
        )

    def entry(self) -> TimeEntry:
        """The record as a test reads it: names instead of objects."""
        return TimeEntry(
            txn_id=self.txn_id,
            txn_date=self.txn_date,
            entity=self.entity.full_name,
            entity_kind=self.entity.kind_label,
            duration=self.duration,
            external_guid=self.external_guid,
            customer=None if self.customer is None else self.customer.full_name,
            item=None if self.item is None else self.item.full_name,
            payroll_item=None if self.payroll_item is None else self.payroll_item.name,
            class_=None if self.class_ is None else self.class_.full_name,
            billable_status=self.billable_status,
            notes=self.notes,
        )


@dataclass(frozen=True)
class TimeEntry:
    """A time record in the company file, as ``QuickBooksCompany.time_tracking()`` lists it for tests:
    every reference by its FullName (``entity_kind`` is "Employee", "Vendor" or "Other Name")."""

    txn_id: str
    txn_date: date
    entity: str
    entity_kind: str
    duration: timedelta
    external_guid: str | None
    customer: str | None
    item: str | None
    payroll_item: str | None
    class_: str | None
    billable_status: str
    notes: str | None

    @property
    def hours(self) -> Decimal:
        """The duration in hours (7.5 for ``PT7H30M``)."""
        return Decimal(int(self.duration.total_seconds())) / 3600


def require_time_tracking(company: QuickBooksCompany) -> None:
    """3250 unless time tracking is on in the company file."""
    if not company.time_tracking_on:
        raise StatusError(feature_not_enabled())


def entity_stores(company: QuickBooksCompany) -> tuple[ListStore[Any], ...]:
    """The lists whose people can have time: employees, vendors and Other Names."""
    return (company.employees, company.vendors, company.other_names)


def find_name(company: QuickBooksCompany, list_id: str | None, full_name: str | None) -> ListObject | None:
    """The element of any name list (customers included: they share the name space) a reference names:
    by ListID when it has one, as QuickBooks reads references, else by FullName."""
    stores: tuple[ListStore[Any], ...] = (*entity_stores(company), company.customers)
    for store in stores:
        found: ListObject | None = store.get(list_id) if list_id is not None else store.find(full_name or "")
        if found is not None:
            return found
    return None


class TimeTrackingAdd(TxnAdd[TimeTracking]):
    """``TimeTrackingAddRq``: records one time record and answers with its TimeTrackingRet."""

    request_tag = "TimeTrackingAddRq"
    handled = frozenset(
        {
            "TxnDate",
            "EntityRef",
            "CustomerRef",
            "ItemServiceRef",
            "Duration",
            "ClassRef",
            "PayrollItemWageRef",
            "Notes",
            "BillableStatus",
            "ExternalGUID",
        }
    )

    def store(self, company: QuickBooksCompany) -> TxnStore[TimeTracking]:
        """The company's time records."""
        return company.time_records

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Refuse with 3250 while time tracking is off, else add the record."""
        require_time_tracking(company)
        return super().handle(request, company)

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> TimeTracking:
        """The time record the aggregate describes, checked against QuickBooks' rules."""
        entity = self._entity(aggregate, company)
        customer = self.resolve_active(aggregate, "CustomerRef", company.customers, Customer.kind_label)
        found_item = resolve_ref(
            aggregate,
            "ItemServiceRef",
            company.items,
            self.missing("Item"),
            usable=lambda found: isinstance(found, ItemService) and found.is_active,
        )
        assert found_item is None or isinstance(found_item, ItemService)
        duration = self._duration(aggregate)
        class_ = self.resolve_active(aggregate, "ClassRef", company.classes, TrackingClass.kind_label)
        payroll_item = self.resolve_active(
            aggregate, "PayrollItemWageRef", company.payroll_wage_items, PayrollItemWage.kind_label
        )
        paid_from_time = isinstance(entity, Employee) and entity.uses_time_data
        if payroll_item is not None and not paid_from_time:
            raise StatusError(invalid_value("PayrollItemWageRef", payroll_item.name, _PAYROLL_ITEM_REFUSED))
        if payroll_item is None and paid_from_time:
            raise StatusError(missing_element("PayrollItemWageRef"))
        billable_status = child_text(aggregate, "BillableStatus") or (
            "Billable" if customer is not None and found_item is not None else "NotBillable"
        )
        if billable_status == "Billable":
            for tag, given in (("CustomerRef", customer), ("ItemServiceRef", found_item)):
                if given is None:
                    raise StatusError(missing_element(tag))
        return TimeTracking(
            txn_date=read_date(aggregate, "TxnDate") or company.today,
            external_guid=child_text(aggregate, "ExternalGUID"),
            entity=entity,
            duration=duration,
            customer=customer,
            item=found_item,
            class_=class_,
            payroll_item=payroll_item,
            notes=child_text(aggregate, "Notes"),
            billable_status=billable_status,
        )

    def _entity(self, aggregate: etree._Element, company: QuickBooksCompany) -> Entity:
        """The employee, vendor or Other Name of ``EntityRef`` (required by the schema); 3140 for a name
        that is none of these, or is inactive."""
        element = aggregate.find("EntityRef")
        assert element is not None
        list_id, full_name = child_text(element, "ListID"), child_text(element, "FullName")
        found = find_name(company, list_id, full_name)
        if not isinstance(found, Employee | Vendor | OtherName) or not found.is_active:
            name = full_name if full_name is not None else list_id or ""
            raise StatusError(self.missing("Entity")(name))
        return found

    def _duration(self, aggregate: etree._Element) -> timedelta:
        raw = child_text(aggregate, "Duration") or ""
        duration = parse_duration(raw)
        if duration is None:
            raise StatusError(missing_element("Duration"))
        if duration < timedelta(0):
            raise StatusError(invalid_value("Duration", raw.strip()))
        return duration


_QUERY_TAGS = frozenset(
    {
        "TxnID",
        "MaxReturned",
        "ModifiedDateRangeFilter",
        "TxnDateRangeFilter",
        "TimeTrackingEntityFilter",
        "IncludeRetElement",
    }
)


@dataclass(frozen=True)
class TimeFilter:
    """The filters of a TimeTrackingQuery; None means "any"."""

    dates: DateFilter
    entities: frozenset[str] | None = None  # ListIDs of the people selected

    @classmethod
    def from_request(cls, request: etree._Element, company: QuickBooksCompany) -> TimeFilter:
        """Read the filters; dates without an offset are in the company's time zone."""
        dates = DateFilter.from_request(request, company)
        people = request.find("TimeTrackingEntityFilter")
        return cls(dates=dates, entities=None if people is None else _selected_people(people, company))

    def matches(self, record: TimeTracking) -> bool:
        """Whether a filtered query selects ``record``."""
        return self.dates.matches(record) and (
            self.entities is None or record.entity.list_id in self.entities
        )


def _selected_people(block: etree._Element, company: QuickBooksCompany) -> frozenset[str]:
    """The ListIDs a TimeTrackingEntityFilter names; names of nobody whose time is tracked select
    nothing, so the query matches nothing."""
    named = [find_name(company, list_id, None) for list_id in children_text(block, "ListID")]
    named += [find_name(company, None, full_name) for full_name in children_text(block, "FullName")]
    return frozenset(found.list_id for found in named if isinstance(found, Employee | Vendor | OtherName))


class TimeTrackingQuery(PagedQuery):
    """``TimeTrackingQueryRq``: the time records asked for by TxnID, or those the filters match."""

    def __init__(self) -> None:
        super().__init__("TimeTrackingQueryRq", _QUERY_TAGS)

    def txn_label(self, company: QuickBooksCompany) -> str:
        """The transaction type the query reads."""
        return company.time_records.label

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Refuse with 3250 while time tracking is off, else answer the query."""
        require_time_tracking(company)
        return super().handle(request, company)

    def select(self, request: etree._Element, company: QuickBooksCompany) -> tuple[list[Any], Status]:
        """The named records (500 when some are missing), or those the filters match (1 for none), in the
        order they were recorded."""
        store = company.time_records
        txn_ids = children_text(request, "TxnID")
        if txn_ids:
            return explicit_answer([(txn_id, found_by_id(store, txn_id)) for txn_id in txn_ids])
        query = TimeFilter.from_request(request, company)
        matches = [record for record in store if query.matches(record)]
        return matches, OK if matches else NO_MATCH
