"""Builders for the timesheet transfer: TimeTrackingAdd, the TimeTracking query that finds lost adds, and the
employee query telling whether an employee's paychecks come from time data.

Each builder writes elements in the 13.0 schema's order and asks QuickBooks for only the fields the bridge
reads back (IncludeRetElement), so answers stay small. Schema points the builders rely on:

- ``TimeTrackingAddRq`` takes ``IncludeRetElement`` after the ``TimeTrackingAdd`` aggregate. ``Rate`` in
  ``TimeTrackingAdd`` is QuickBooks Online only, so it is never written.
- ``TimeTrackingQueryRq`` pages with an iterator. Its filter is ``MaxReturned``, then *either*
  ``ModifiedDateRangeFilter`` *or* ``TxnDateRangeFilter``, then ``TimeTrackingEntityFilter`` (``ListID``s or
  ``FullName``s, no ``...WithChildren``). It cannot filter by ExternalGUID: the caller compares it.
- ``EmployeeQueryRq`` has no iterator, and ``FullName`` and ``ActiveStatus`` are alternatives (a query by
  names finds active and inactive employees alike). ``EmployeeRet`` has ``Name`` but no ``FullName``: an
  employee's full name *is* its ``Name``, which is what a ``FullName`` filter or an ``EntityRef`` matches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from chalicelib.qbxml.document import IteratorMode, append_text_element, paged_request, request_element
from chalicelib.qbxml.fields import check_date, check_external_guid, include_ret_elements, write_ref
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.responses import QbResponseError, child_flag, child_named, child_text

NOTES_MAX_LENGTH = 4095
MAX_HOURS = Decimal(24)

# What the bridge reads back from an add, and from the query that looks for adds whose answer was lost.
ADD_RET_ELEMENTS = ("TxnID", "TimeCreated", "EditSequence", "TxnDate", "ExternalGUID", "EntityRef")
QUERY_RET_ELEMENTS = ("TxnID", "TxnDate", "EntityRef", "ExternalGUID", "TimeCreated", "EditSequence")
# EmployeeRet has no FullName (Name is the full name); asking for it would name an element it cannot have.
EMPLOYEE_RET_ELEMENTS = ("ListID", "Name", "IsActive", "EmployeePayrollInfo")

# TIMEINTERVALTYPE without the sign (a negative duration means nothing on a timesheet).
_DURATION = re.compile(r"PT(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?")


@dataclass(frozen=True)
class TimeTrackingSpec:
    """One timesheet entry as a QuickBooks time record.

    ``entity`` is the employee (or, for a resource without one, the vendor) whose time it is;
    ``duration`` is a ``TIMEINTERVALTYPE`` such as ``"PT7H30M"`` (see ``duration_of_hours``);
    ``billable`` True / False becomes ``BillableStatus`` Billable / NotBillable, None leaves it to QuickBooks.
    ``payroll_item_wage`` is for employees only: QuickBooks refuses it on a vendor's time.
    """

    txn_date: str
    entity: Ref
    duration: str
    external_guid: str
    customer: Ref | None = None
    item_service: Ref | None = None
    class_: Ref | None = None
    payroll_item_wage: Ref | None = None
    notes: str | None = None
    billable: bool | None = None


@dataclass(frozen=True)
class EmployeePayroll:
    """What the timesheet transfer needs to know about an employee.

    ``uses_time_data`` is True only when the employee's ``UseTimeDataToCreatePaychecks`` is ``UseTimeData``:
    then a time record needs a payroll wage item. ``NotSet``, ``DoNotUseTimeData`` and no payroll info at all
    (company files without payroll) read as False.
    """

    list_id: str
    full_name: str
    is_active: bool
    uses_time_data: bool


def duration_of_hours(hours: Decimal) -> str:
    """``hours`` as a QuickBooks duration, ``"PT7H30M"`` style (always hours and minutes, no seconds).

    QuickBooks keeps time in whole minutes, so the hours are rounded to the nearest minute, half a minute
    rounding up: quarter hours are exact (7.25 -> ``PT7H15M``), 7.333 h (439.98 minutes) -> ``PT7H20M``,
    0.125 h (7.5 minutes) -> ``PT0H8M``. A ``ValueError`` refuses hours that are not a finite number, zero
    or less, more than 24 (one record is at most one day's work), or less than half a minute (nothing would
    be left after rounding).
    """
    if not hours.is_finite():
        raise ValueError(f"hours must be a number, not {hours}")
    if hours <= 0:
        raise ValueError(f"a time record needs more than zero hours, not {hours}")
    if hours > MAX_HOURS:
        raise ValueError(f"a time record is at most {MAX_HOURS} hours (one day), not {hours}")
    minutes = int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))
    if minutes == 0:
        raise ValueError(f"{hours} hours is less than half a minute; QuickBooks keeps whole minutes")
    whole_hours, rest = divmod(minutes, 60)
    return f"PT{whole_hours}H{rest}M"


def build_time_tracking_add(request_id: str, spec: TimeTrackingSpec) -> etree._Element:
    """A ``TimeTrackingAddRq`` for ``spec`` with the bridge's ExternalGUID, asking back only ids, times, the
    date and the entity (``ADD_RET_ELEMENTS``).

    What QuickBooks would refuse anyway is refused here with a ``ValueError`` saying why: a date that is not
    ``YYYY-MM-DD``, a reference naming nothing, a malformed or zero duration, notes over 4095 characters,
    an ExternalGUID not in ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` form.
    """
    check_date("TxnDate", spec.txn_date)
    if not _DURATION.fullmatch(spec.duration):
        raise ValueError(f"Duration must look like 'PT7H30M', not {spec.duration!r}")
    if not any(char in "123456789" for char in spec.duration):
        raise ValueError(f"a time record needs some time, not the duration {spec.duration!r}")
    if spec.notes is not None and len(spec.notes) > NOTES_MAX_LENGTH:
        raise ValueError(
            f"the notes are {len(spec.notes)} characters; QuickBooks allows at most {NOTES_MAX_LENGTH}"
        )
    check_external_guid(spec.external_guid)

    request = request_element("TimeTrackingAddRq", request_id)
    add = etree.SubElement(request, "TimeTrackingAdd")
    # Schema order: TxnDate, EntityRef, CustomerRef, ItemServiceRef, (Rate), Duration, ClassRef,
    # PayrollItemWageRef, Notes, BillableStatus, ExternalGUID.
    append_text_element(add, "TxnDate", spec.txn_date)
    write_ref(add, "EntityRef", spec.entity)
    write_ref(add, "CustomerRef", spec.customer)
    write_ref(add, "ItemServiceRef", spec.item_service)
    append_text_element(add, "Duration", spec.duration)
    write_ref(add, "ClassRef", spec.class_)
    write_ref(add, "PayrollItemWageRef", spec.payroll_item_wage)
    if spec.notes is not None:
        append_text_element(add, "Notes", spec.notes)
    if spec.billable is not None:
        append_text_element(add, "BillableStatus", "Billable" if spec.billable else "NotBillable")
    append_text_element(add, "ExternalGUID", spec.external_guid)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def build_time_tracking_query(
    request_id: str,
    *,
    from_date: str,
    to_date: str,
    entity: Ref | None = None,
    iterator: IteratorMode | None = None,
    iterator_id: str | None = None,
    max_returned: int | None = None,
) -> etree._Element:
    """A ``TimeTrackingQueryRq`` for the time records dated ``from_date`` to ``to_date`` (inclusive,
    ``YYYY-MM-DD``), of ``entity`` only when given, asking back ``QUERY_RET_ELEMENTS``.

    QuickBooks cannot filter by ExternalGUID, so this is how lost adds are found: the caller compares the
    ExternalGUIDs of what comes back. Paging as in ``lists.build_list_query``: ``iterator="Start"`` with
    ``max_returned`` opens an iterator, ``iterator="Continue"`` with QuickBooks' ``iterator_id`` reads the
    next page with the same filters; ``max_returned`` without an iterator is refused (it would silently cut
    the answer short, and a missed record would be added twice).
    """
    check_date("FromTxnDate", from_date)
    check_date("ToTxnDate", to_date)
    if from_date > to_date:
        raise ValueError(f"the date range runs backwards: {from_date} is after {to_date}")

    request = paged_request(
        "TimeTrackingQueryRq",
        request_id,
        iterator=iterator,
        iterator_id=iterator_id,
        max_returned=max_returned,
        cut_short="the answer",
    )
    # Schema order: MaxReturned, TxnDateRangeFilter (FromTxnDate, ToTxnDate), TimeTrackingEntityFilter,
    # IncludeRetElement.
    dates = etree.SubElement(request, "TxnDateRangeFilter")
    append_text_element(dates, "FromTxnDate", from_date)
    append_text_element(dates, "ToTxnDate", to_date)
    if entity is not None:
        entity_filter = etree.SubElement(request, "TimeTrackingEntityFilter")
        _ref_content(entity_filter, "TimeTrackingEntityFilter", entity)
    include_ret_elements(request, QUERY_RET_ELEMENTS)
    return request


def build_employee_payroll_query(request_id: str, names: Sequence[str] | None = None) -> etree._Element:
    """An ``EmployeeQueryRq`` for the employees with these full names (``Name``, e.g. "Jane Smith"), or for
    every employee, active or not, when ``names`` is None; asking back ``EMPLOYEE_RET_ELEMENTS``.

    The whole ``EmployeePayrollInfo`` comes back (IncludeRetElement cannot pick a part of it), which is where
    ``UseTimeDataToCreatePaychecks`` lives. An empty ``names`` is refused: it would read every employee.
    """
    if names is not None and not names:
        raise ValueError("no employee names given; pass None to read every employee")
    if names is not None and any(not name.strip() for name in names):
        raise ValueError("an employee name cannot be empty")

    request = request_element("EmployeeQueryRq", request_id)
    # Schema: (ListID+ | FullName+ | ListFilter with ActiveStatus), then IncludeRetElement.
    if names is None:
        append_text_element(request, "ActiveStatus", "All")
    else:
        for name in names:
            append_text_element(request, "FullName", name)
    include_ret_elements(request, EMPLOYEE_RET_ELEMENTS)
    return request


def parse_employee_payroll(ret: etree._Element) -> EmployeePayroll:
    """An ``EmployeeRet`` read as an ``EmployeePayroll``; ``QbResponseError`` when it has no ListID.

    ``full_name`` is ``Name`` (``EmployeeRet`` has no ``FullName``), or "First Last" should ``Name`` be
    missing; ``is_active`` is True unless ``IsActive`` says false.
    """
    list_id = child_text(ret, "ListID")
    if not list_id:
        raise QbResponseError("an <EmployeeRet> has no ListID")
    name = (child_text(ret, "Name") or "").strip() or _person_name(ret)
    payroll = child_named(ret, "EmployeePayrollInfo")
    use_time_data = None if payroll is None else child_text(payroll, "UseTimeDataToCreatePaychecks")
    return EmployeePayroll(
        list_id=list_id,
        full_name=name,
        is_active=child_flag(ret, "IsActive") is not False,
        uses_time_data=(use_time_data or "").strip() == "UseTimeData",
    )


def _person_name(ret: etree._Element) -> str:
    parts = (child_text(ret, "FirstName"), child_text(ret, "LastName"))
    return " ".join(part.strip() for part in parts if part and part.strip())


def _ref_content(element: etree._Element, tag: str, ref: Ref) -> None:
    """``ListID`` when the bridge knows it, else ``FullName``; a reference naming nothing is refused."""
    if ref.list_id:
        append_text_element(element, "ListID", ref.list_id)
    elif ref.full_name:
        append_text_element(element, "FullName", ref.full_name)
    else:
        raise ValueError(f"{tag} needs a ListID or a FullName")
