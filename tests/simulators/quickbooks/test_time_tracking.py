"""Timesheets through qbXML (TimeTrackingAdd, TimeTrackingQuery), employees' payroll settings, and the time
tracking preference. Every request here passes the qbXML 13.0 schema (the simulator refuses any that does
not) and every answer is checked against it (``helpers.answers``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from lxml import etree

from simulators.quickbooks import Customer, NameInUseError, OtherName, QuickBooksCompany, TimeEntry
from tests.simulators.quickbooks.helpers import add, answers, ask, full_names, only, qbxml, ref, status

NO_SUCH_RECORD = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)
NOT_ENABLED = "This feature is not enabled or not available in this version of QuickBooks."
GUID_A = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
# Schema order of the TimeTrackingRet children.
RET_ORDER = [
    "TxnID",
    "TimeCreated",
    "TimeModified",
    "EditSequence",
    "TxnNumber",
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
]


@pytest.fixture
def company() -> QuickBooksCompany:
    """The sample with three more employees: Jane Smith is paid from time data, Joe Bloggs is not, and
    Ann Lee's payroll info does not say; and Pat Owner on the Other Names list."""
    company = QuickBooksCompany.sample(
        employees_named=["Jane Smith", "Joe Bloggs", "Ann Lee"],
        use_time_data={"Jane Smith": "UseTimeData", "Joe Bloggs": "DoNotUseTimeData", "Ann Lee": "NotSet"},
    )
    company.add(OtherName(name="Pat Owner", first_name="Pat", last_name="Owner"))
    return company


def ref_id(tag: str, list_id: str) -> str:
    return f"<{tag}><ListID>{list_id}</ListID></{tag}>"


def guid(number: int) -> str:
    return f"{{6B29FC40-CA47-1067-B31D-{number:012d}}}"


def time_add(
    entity: str | None = "Jane Smith",
    *,
    txn_date: str | None = "2024-01-08",
    duration: str = "PT7H30M",
    customer: str | None = "Customer 0001",
    item: str | None = "Consulting",
    payroll_item: str | None = "Hourly",
    class_: str | None = None,
    notes: str | None = None,
    billable: str | None = None,
    external_guid: str | None = None,
    entity_ref: str | None = None,
    extra: str = "",
    include: tuple[str, ...] = (),
    request_id: str | None = None,
) -> str:
    """A TimeTrackingAddRq, children in schema order; ``entity_ref`` replaces the EntityRef by name and
    ``extra`` goes right before Duration (where Rate would)."""
    parts = [
        f"<TxnDate>{txn_date}</TxnDate>" if txn_date else "",
        entity_ref if entity_ref is not None else ref("EntityRef", entity or ""),
        ref("CustomerRef", customer) if customer else "",
        ref("ItemServiceRef", item) if item else "",
        extra,
        f"<Duration>{duration}</Duration>",
        ref("ClassRef", class_) if class_ else "",
        ref("PayrollItemWageRef", payroll_item) if payroll_item else "",
        f"<Notes>{notes}</Notes>" if notes is not None else "",
        f"<BillableStatus>{billable}</BillableStatus>" if billable else "",
        f"<ExternalGUID>{external_guid}</ExternalGUID>" if external_guid else "",
    ]
    attribute = f' requestID="{request_id}"' if request_id else ""
    return (
        f"<TimeTrackingAddRq{attribute}><TimeTrackingAdd>{''.join(parts)}</TimeTrackingAdd>"
        + "".join(f"<IncludeRetElement>{name}</IncludeRetElement>" for name in include)
        + "</TimeTrackingAddRq>"
    )


def query(company: QuickBooksCompany, *children: str, attributes: str = "") -> etree._Element:
    return ask(company, "TimeTrackingQueryRq", *children, attributes=attributes)


def dates(from_date: str | None = None, to_date: str | None = None) -> str:
    inner = (f"<FromTxnDate>{from_date}</FromTxnDate>" if from_date else "") + (
        f"<ToTxnDate>{to_date}</ToTxnDate>" if to_date else ""
    )
    return f"<TxnDateRangeFilter>{inner}</TxnDateRangeFilter>"


def people(*full_names: str) -> str:
    return (
        "<TimeTrackingEntityFilter>"
        + "".join(f"<FullName>{name}</FullName>" for name in full_names)
        + "</TimeTrackingEntityFilter>"
    )


def guids(rs: etree._Element) -> list[str]:
    return [ret.findtext("ExternalGUID") or "" for ret in rs]


def list_id(company: QuickBooksCompany, name: str) -> str:
    for store in (company.employees, company.vendors, company.other_names, company.customers):
        found = store.find(name)
        if found is not None:
            return found.list_id
    raise AssertionError(name)


# TimeTrackingAdd ---------------------------------------------------------------------------------------


def test_time_tracking_add_records_the_time_and_answers_its_ret(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        time_add(
            "Jane Smith",
            class_="Consulting:Remote",
            notes="T2026.1104",
            billable="Billable",
            external_guid=GUID_A,
            request_id="tt-1",
        ),
    )
    assert (rs.get("requestID"), status(rs), rs.get("statusMessage")) == ("tt-1", (0, "Info"), "Status OK")
    (ret,) = rs
    assert ret.tag == "TimeTrackingRet"
    assert [child.tag for child in ret] == RET_ORDER
    assert [
        ret.findtext(path)
        for path in (
            "TxnDate",
            "EntityRef/FullName",
            "CustomerRef/FullName",
            "ItemServiceRef/FullName",
            "Duration",
            "ClassRef/FullName",
            "PayrollItemWageRef/FullName",
            "Notes",
            "BillableStatus",
            "ExternalGUID",
        )
    ] == [
        "2024-01-08",
        "Jane Smith",
        "Customer 0001",
        "Consulting",
        "PT7H30M0S",  # QuickBooks writes hours, minutes and seconds back
        "Consulting:Remote",
        "Hourly",
        "T2026.1104",
        "Billable",
        GUID_A,
    ]
    assert ret.findtext("EntityRef/ListID") == list_id(company, "Jane Smith")
    assert ret.findtext("TxnNumber") == "1"

    record = company.time_records[0]
    assert (record.txn_id, record.edit_sequence) == (ret.findtext("TxnID"), ret.findtext("EditSequence"))
    assert company.time_tracking() == [
        TimeEntry(
            txn_id=record.txn_id,
            txn_date=date(2024, 1, 8),
            entity="Jane Smith",
            entity_kind="Employee",
            duration=timedelta(hours=7, minutes=30),
            external_guid=GUID_A,
            customer="Customer 0001",
            item="Consulting",
            payroll_item="Hourly",
            class_="Consulting:Remote",
            billable_status="Billable",
            notes="T2026.1104",
        )
    ]
    assert company.time_tracking()[0].hours == Decimal("7.5")
    # Time posts nothing: no balance moves.
    assert record.balance_changes() == []


def test_time_for_a_vendor_an_other_name_and_by_list_id(company: QuickBooksCompany) -> None:
    vendor, other, by_id = add(
        company,
        time_add("Vendor 0002", payroll_item=None, duration="PT90M", external_guid=guid(1)),
        time_add("Pat Owner", customer=None, item=None, payroll_item=None, duration="PT2H"),
        time_add(
            entity_ref=ref_id("EntityRef", list_id(company, "Joe Bloggs")),
            customer=None,
            item=None,
            payroll_item=None,
            txn_date=None,
            duration="PT0H15M",
        ),
    )
    assert [status(rs)[0] for rs in (vendor, other, by_id)] == [0, 0, 0]
    assert [(e.entity, e.entity_kind, e.duration) for e in company.time_tracking()] == [
        ("Vendor 0002", "Vendor", timedelta(hours=1, minutes=30)),
        ("Pat Owner", "Other Name", timedelta(hours=2)),
        ("Joe Bloggs", "Employee", timedelta(minutes=15)),
    ]
    assert vendor[0].findtext("Duration") == "PT1H30M0S"
    assert by_id[0].findtext("TxnDate") == company.today.isoformat()  # no TxnDate: the simulated today


def test_billable_status_follows_the_customer_and_item_unless_given(company: QuickBooksCompany) -> None:
    add(
        company,
        time_add("Joe Bloggs", payroll_item=None),  # customer and service item: billable
        time_add("Joe Bloggs", payroll_item=None, item=None),  # a customer alone: not billable
        time_add("Joe Bloggs", payroll_item=None, billable="NotBillable"),
        time_add("Joe Bloggs", payroll_item=None, billable="HasBeenBilled"),
    )
    assert [e.billable_status for e in company.time_tracking()] == [
        "Billable",
        "NotBillable",
        "NotBillable",
        "HasBeenBilled",
    ]


def test_include_ret_element_trims_the_add_answer(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        time_add(external_guid=GUID_A, include=("TxnID", "EditSequence", "ExternalGUID", "EntityRef")),
    )
    assert [child.tag for child in rs[0]] == ["TxnID", "EditSequence", "EntityRef", "ExternalGUID"]


@pytest.mark.parametrize(
    ("request_xml", "kind", "name"),
    [
        (time_add("Nobody Here"), "Entity", "Nobody Here"),
        (time_add("Customer 0001"), "Entity", "Customer 0001"),  # customers have no time of their own
        (time_add("Grace Garcia", payroll_item=None), "Entity", "Grace Garcia"),  # released: inactive
        (time_add(customer="Acme Dental"), "Customer", "Acme Dental"),
        (time_add(customer="Customer 0003"), "Customer", "Customer 0003"),  # inactive
        (time_add(item="Remote Support"), "Item", "Remote Support"),
        (time_add(item="Bracket"), "Item", "Bracket"),  # a non-inventory item, not a service item
        (time_add(item="Shipping"), "Item", "Shipping"),  # an other-charge item
        (time_add(class_="Managed Services"), "Class", "Managed Services"),
        (time_add(payroll_item="Regular"), "Payroll Item", "Regular"),
        (time_add(payroll_item="Bonus"), "Payroll Item", "Bonus"),  # inactive
    ],
)
def test_references_to_nothing_usable_are_3140_naming_their_kind(
    company: QuickBooksCompany, request_xml: str, kind: str, name: str
) -> None:
    (rs,) = add(company, request_xml)
    assert status(rs) == (3140, "Error")
    assert rs.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks {kind} "{name}" in the TimeTracking.  {NO_SUCH_RECORD}'
    )
    assert len(rs) == 0
    assert company.time_tracking() == []


def test_an_entity_list_id_that_names_nothing_is_3140(company: QuickBooksCompany) -> None:
    (rs,) = add(company, time_add(entity_ref=ref_id("EntityRef", "80000999-1705000000")))
    assert rs.get("statusMessage") == (
        "There is an invalid reference to QuickBooks Entity "
        f'"80000999-1705000000" in the TimeTracking.  {NO_SUCH_RECORD}'
    )


@pytest.mark.parametrize("entity", ["Vendor 0002", "Pat Owner", "Joe Bloggs", "Ann Lee", "Liam Müller"])
def test_a_payroll_item_only_goes_on_time_of_employees_paid_from_time_data(
    company: QuickBooksCompany, entity: str
) -> None:
    (rs,) = add(company, time_add(entity, payroll_item="Hourly"))
    assert status(rs) == (3210, "Error")
    assert rs.get("statusMessage") == (
        'The "PayrollItemWageRef" field has an invalid value "Hourly".  QuickBooks error message: '
        "A payroll item can only be used on the time of an employee whose paychecks are created from time "
        "data."
    )
    assert company.time_tracking() == []


def test_an_employee_paid_from_time_data_needs_a_payroll_item(company: QuickBooksCompany) -> None:
    (rs,) = add(company, time_add("Jane Smith", payroll_item=None))
    assert (status(rs), rs.get("statusMessage")) == (
        (3150, "Error"),
        'There is a missing element: "PayrollItemWageRef".',
    )
    assert company.time_tracking() == []


@pytest.mark.parametrize(
    ("customer", "item", "missing"),
    [
        (None, "Consulting", "CustomerRef"),
        ("Customer 0001", None, "ItemServiceRef"),
        (None, None, "CustomerRef"),
    ],
)
def test_billable_time_needs_a_customer_and_a_service_item(
    company: QuickBooksCompany, customer: str | None, item: str | None, missing: str
) -> None:
    (rs,) = add(company, time_add(customer=customer, item=item, billable="Billable"))
    assert (status(rs), rs.get("statusMessage")) == (
        (3150, "Error"),
        f'There is a missing element: "{missing}".',
    )


def test_durations_quickbooks_refuses(company: QuickBooksCompany) -> None:
    negative, empty, zero = add(
        company, time_add(duration="-PT1H"), time_add(duration=""), time_add(duration="PT0M")
    )
    assert (status(negative), negative.get("statusMessage")) == (
        (3210, "Error"),
        'The "Duration" field has an invalid value "-PT1H".',
    )
    assert (status(empty), empty.get("statusMessage")) == (
        (3150, "Error"),
        'There is a missing element: "Duration".',
    )
    assert status(zero) == (0, "Info")
    assert zero[0].findtext("Duration") == "PT0H0M0S"


def test_what_the_schema_allows_but_quickbooks_desktop_has_not_is_refused_not_dropped(
    company: QuickBooksCompany,
) -> None:
    (rs,) = add(company, time_add(extra="<Rate>95.00</Rate>"))  # QuickBooks Online only
    assert status(rs) == (1030, "Error")
    assert '"Rate"' in (rs.get("statusMessage") or "")
    assert company.time_tracking() == []


def test_notes_over_4095_characters_are_3070(company: QuickBooksCompany) -> None:
    (rs,) = add(company, time_add(notes="x" * 4096))
    assert status(rs) == (3070, "Error")


def test_stop_on_error_leaves_the_time_after_the_error_unsent(company: QuickBooksCompany) -> None:
    response = company.process(
        qbxml(
            time_add(external_guid=guid(1)),
            time_add("Nobody", external_guid=guid(2)),
            time_add(external_guid=guid(3)),
        )
    )
    assert [status(rs)[0] for rs in answers(response)] == [0, 3140]
    assert [e.external_guid for e in company.time_tracking()] == [guid(1)]


# Time tracking on and off ------------------------------------------------------------------------------


def preferences(company: QuickBooksCompany) -> etree._Element:
    message_set = etree.fromstring(company.hcp_response().encode()).find("QBXMLMsgsRs")
    assert message_set is not None
    found = message_set.find("PreferencesQueryRs/PreferencesRet")
    assert found is not None
    return found


def test_time_tracking_is_on_in_the_sample_and_shows_in_the_hcp(company: QuickBooksCompany) -> None:
    assert company.time_tracking_on
    assert preferences(company).findtext("TimeTrackingPreferences/FirstDayOfWeek") == "Monday"


def test_with_time_tracking_off_adds_and_queries_answer_3250() -> None:
    company = QuickBooksCompany.sample(
        time_tracking_on=False, employees_named=["Jane Smith"], use_time_data="DoNotUseTimeData"
    )
    assert preferences(company).find("TimeTrackingPreferences") is None
    added, queried = add(company, time_add(payroll_item=None), "<TimeTrackingQueryRq/>")
    assert [(rs.tag, status(rs), rs.get("statusMessage")) for rs in (added, queried)] == [
        ("TimeTrackingAddRs", (3250, "Error"), NOT_ENABLED),
        ("TimeTrackingQueryRs", (3250, "Error"), NOT_ENABLED),
    ]
    assert company.time_tracking() == []
    # Turned on again (Edit > Preferences), the same request goes through.
    company.time_tracking_on = True
    assert status(add(company, time_add(payroll_item=None))[0]) == (0, "Info")


# TimeTrackingQuery -------------------------------------------------------------------------------------


@pytest.fixture
def tracked(company: QuickBooksCompany) -> QuickBooksCompany:
    """Two weeks of time: Jane Smith on three days, Joe Bloggs on two, Vendor 0002 on one."""
    entries = [
        ("Jane Smith", "2024-01-08", "Hourly", 1),
        ("Joe Bloggs", "2024-01-08", None, 2),
        ("Jane Smith", "2024-01-09", "Hourly", 3),
        ("Vendor 0002", "2024-01-10", None, 4),
        ("Jane Smith", "2024-01-16", "Overtime", 5),
        ("Joe Bloggs", "2024-01-17", None, 6),
    ]
    answered = add(
        company,
        *(
            time_add(entity, txn_date=day, payroll_item=payroll, external_guid=guid(number))
            for entity, day, payroll, number in entries
        ),
    )
    assert [status(rs)[0] for rs in answered] == [0] * len(entries)
    return company


def test_query_by_date_range_and_entity_finds_a_lost_add_by_its_guid(tracked: QuickBooksCompany) -> None:
    rs = query(tracked, dates("2024-01-08", "2024-01-14"), people("Jane Smith"))
    assert status(rs) == (0, "Info")
    assert guids(rs) == [guid(1), guid(3)]
    assert [ret.findtext("TxnDate") for ret in rs] == ["2024-01-08", "2024-01-09"]
    # Whole Rets in schema order (these records have no class and no notes).
    assert [child.tag for child in rs[0]] == [tag for tag in RET_ORDER if tag not in ("ClassRef", "Notes")]


def test_query_by_date_range_alone_and_by_entity_alone(tracked: QuickBooksCompany) -> None:
    assert guids(query(tracked, dates("2024-01-09", "2024-01-16"))) == [guid(3), guid(4), guid(5)]
    assert guids(query(tracked, dates(from_date="2024-01-16"))) == [guid(5), guid(6)]
    assert guids(query(tracked, dates(to_date="2024-01-08"))) == [guid(1), guid(2)]
    assert guids(query(tracked, people("Joe Bloggs", "Vendor 0002"))) == [guid(2), guid(4), guid(6)]
    by_id = (
        "<TimeTrackingEntityFilter>"
        f"<ListID>{list_id(tracked, 'Vendor 0002')}</ListID>"
        "</TimeTrackingEntityFilter>"
    )
    assert guids(query(tracked, by_id)) == [guid(4)]
    assert len(query(tracked)) == 6


def test_a_query_matching_nothing_answers_status_1(tracked: QuickBooksCompany) -> None:
    for children in (
        (dates("2025-01-01", "2025-01-31"),),
        (people("Ann Lee"),),  # has no time
        (people("Nobody At All"),),  # names nobody
        (people("Customer 0001"),),  # a customer has no time of its own
        (dates("2024-01-16", "2024-01-31"), people("Vendor 0002")),
    ):
        rs = query(tracked, *children)
        assert (status(rs), rs.get("statusMessage"), len(rs)) == (
            (1, "Info"),
            "A query request did not find a matching object in QuickBooks",
            0,
        )
    assert status(query(QuickBooksCompany.sample())) == (1, "Info")


def test_query_by_txn_id_in_the_order_asked_with_500_for_missing_ones(tracked: QuickBooksCompany) -> None:
    first, fourth = tracked.time_records[0], tracked.time_records[3]
    rs = query(
        tracked,
        f"<TxnID>{fourth.txn_id}</TxnID><TxnID>FFFF-1705000000</TxnID><TxnID>{first.txn_id}</TxnID>",
    )
    assert status(rs) == (500, "Warn")
    assert "FFFF-1705000000" in (rs.get("statusMessage") or "")
    assert guids(rs) == [guid(4), guid(1)]


def test_query_by_modification_time(tracked: QuickBooksCompany) -> None:
    fifth = tracked.time_records[4].time_modified.isoformat(timespec="seconds")
    since = f"<ModifiedDateRangeFilter><FromModifiedDate>{fifth}</FromModifiedDate></ModifiedDateRangeFilter>"
    assert guids(query(tracked, since)) == [guid(5), guid(6)]


def test_include_ret_element_max_returned_and_meta_data(tracked: QuickBooksCompany) -> None:
    rs = query(
        tracked,
        dates("2024-01-08", "2024-01-08"),
        "<IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>ExternalGUID</IncludeRetElement>",
        "<IncludeRetElement>EntityRef</IncludeRetElement>",
    )
    assert [[child.tag for child in ret] for ret in rs] == [["TxnID", "EntityRef", "ExternalGUID"]] * 2
    assert guids(query(tracked, "<MaxReturned>2</MaxReturned>")) == [guid(1), guid(2)]
    counted = query(tracked, people("Jane Smith"), attributes=' metaData="MetaDataOnly"')
    assert (counted.get("retCount"), len(counted)) == ("3", 0)


def test_query_iterators_page_through_every_record(tracked: QuickBooksCompany) -> None:
    first = query(
        tracked,
        "<MaxReturned>4</MaxReturned>",
        dates("2024-01-01", "2024-01-31"),
        attributes=' iterator="Start"',
    )
    iterator_id = first.get("iteratorID") or ""
    assert (guids(first), first.get("iteratorRemainingCount")) == ([guid(n) for n in (1, 2, 3, 4)], "2")
    rest = query(
        tracked, "<MaxReturned>4</MaxReturned>", attributes=f' iterator="Continue" iteratorID="{iterator_id}"'
    )
    assert (guids(rest), rest.get("iteratorRemainingCount")) == ([guid(5), guid(6)], "0")
    done = query(
        tracked, "<MaxReturned>4</MaxReturned>", attributes=f' iterator="Continue" iteratorID="{iterator_id}"'
    )
    assert status(done) == (3391, "Error")


def test_date_macros_are_refused_not_ignored(tracked: QuickBooksCompany) -> None:
    rs = query(tracked, "<TxnDateRangeFilter><DateMacro>ThisWeek</DateMacro></TxnDateRangeFilter>")
    assert status(rs) == (1030, "Error")


def test_external_guid_round_trip_exactly_once_after_a_lost_answer(company: QuickBooksCompany) -> None:
    """The bridge's recovery: an add whose answer was lost is found again by date range and entity, its
    ExternalGUID compared in code, and only the missing entries are added again."""
    lost = company.process(
        qbxml(time_add(external_guid=guid(7)))
    )  # QuickBooks applied it; the answer is lost
    assert status(only(lost)) == (0, "Info")
    found = query(company, dates("2024-01-08", "2024-01-08"), people("Jane Smith"))
    assert guid(7).lower() in [g.lower() for g in guids(found)]
    (second,) = add(company, time_add(txn_date="2024-01-09", external_guid=guid(8)))
    assert status(second) == (0, "Info")
    assert [e.external_guid for e in company.time_tracking()] == [guid(7), guid(8)]
    assert [e.txn_date for e in company.time_tracking(external_guid=guid(7).lower())] == [date(2024, 1, 8)]
    assert company.time_tracking(external_guid=guid(9)) == []


# Faults ------------------------------------------------------------------------------------------------


def test_a_locked_time_add_answers_3175_and_records_nothing(company: QuickBooksCompany) -> None:
    company.lock_list("TimeTrackingAddRq", 1)
    (locked,) = add(company, time_add(external_guid=guid(1)))
    assert status(locked) == (3175, "Error")
    assert (locked.get("statusMessage") or "").startswith(
        "There was an error when reserving a TimeTracking transaction for an update."
    )
    assert company.time_tracking() == []
    assert status(add(company, time_add(external_guid=guid(1)))[0]) == (0, "Info")


def test_fail_next_and_locks_work_on_time_queries_too(tracked: QuickBooksCompany) -> None:
    tracked.fail_next("TimeTrackingAddRq", 3200, "The provided edit sequence is out-of-date.")
    tracked.lock_list("TimeTrackingQueryRq", 1, status_code=3176)
    added, queried, again = add(
        tracked, time_add(external_guid=guid(9)), "<TimeTrackingQueryRq/>", "<TimeTrackingQueryRq/>"
    )
    assert [status(rs)[0] for rs in (added, queried, again)] == [3200, 3176, 0]
    assert len(again) == 6
    assert guid(9) not in [e.external_guid for e in tracked.time_tracking()]


# Employees' payroll settings ---------------------------------------------------------------------------


def employee_query(company: QuickBooksCompany, *children: str) -> etree._Element:
    return ask(company, "EmployeeQueryRq", *children)


def test_employee_payroll_info_comes_back_only_when_asked_for(company: QuickBooksCompany) -> None:
    plain = employee_query(company, "<FullName>Jane Smith</FullName>")
    assert plain[0].find("EmployeePayrollInfo") is None
    asked = employee_query(
        company,
        "<FullName>Jane Smith</FullName><FullName>Joe Bloggs</FullName><FullName>Ann Lee</FullName>",
        "<FullName>Fatima Okafor</FullName>",
        "<IncludeRetElement>ListID</IncludeRetElement><IncludeRetElement>Name</IncludeRetElement>",
        "<IncludeRetElement>EmployeePayrollInfo</IncludeRetElement>",
    )
    assert [child.tag for child in asked[0]] == ["ListID", "Name", "EmployeePayrollInfo"]
    assert [
        (
            ret.findtext("Name"),
            ret.findtext("EmployeePayrollInfo/UseTimeDataToCreatePaychecks"),
            ret.findtext("EmployeePayrollInfo/Earnings/PayrollItemWageRef/FullName"),
        )
        for ret in asked
    ] == [
        ("Jane Smith", "UseTimeData", "Hourly"),
        ("Joe Bloggs", "DoNotUseTimeData", "Hourly"),
        ("Ann Lee", "NotSet", "Hourly"),
        ("Fatima Okafor", None, "Salary"),  # the sample's own employees leave it unsaid by default
    ]
    payroll = asked[0].find("EmployeePayrollInfo")
    assert payroll is not None
    assert [child.tag for child in payroll] == ["PayPeriod", "Earnings", "UseTimeDataToCreatePaychecks"]


def test_use_time_data_for_every_employee_and_refused_values() -> None:
    company = QuickBooksCompany.sample(employees=3, use_time_data="UseTimeData")
    assert {employee.use_time_data for employee in company.employees} == {"UseTimeData"}
    assert all(employee.uses_time_data for employee in company.employees)
    default = QuickBooksCompany.sample()
    assert {employee.use_time_data for employee in default.employees} == {None}
    with pytest.raises(ValueError, match="Sometimes"):
        QuickBooksCompany.sample(use_time_data="Sometimes")
    with pytest.raises(ValueError, match="Jane Doe"):
        QuickBooksCompany.sample(use_time_data={"Jane Doe": "UseTimeData"})


def test_named_employees_are_active_and_hourly_and_the_sample_stays_the_same() -> None:
    company = QuickBooksCompany.sample(employees_named=["Jane Smith"])
    jane = company.employees.find("jane smith")
    assert jane is not None
    assert (jane.first_name, jane.last_name, jane.is_active) == ("Jane", "Smith", True)
    assert [earning.wage_item.name for earning in jane.earnings] == ["Hourly"]
    plain = QuickBooksCompany.sample()
    assert [e.list_id for e in plain.employees] == [e.list_id for e in QuickBooksCompany.sample().employees]
    assert len(company.employees) == len(plain.employees) + 1


def test_other_names_share_the_name_space_and_answer_their_query(company: QuickBooksCompany) -> None:
    rs = only(company.process(qbxml("<OtherNameQueryRq/>")))
    assert (status(rs), full_names(rs)) == ((0, "Info"), ["Pat Owner"])
    with pytest.raises(NameInUseError):
        company.add(Customer(name="pat owner"))
