"""The timesheet transfer's requests (TimeTrackingAdd, TimeTrackingQuery, EmployeeQuery) and reading EmployeeRet."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from chalicelib.qbxml.document import IteratorMode, render_request_message
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.responses import QbResponseError, parse_response_message
from chalicelib.qbxml.time_tracking import (
    ADD_RET_ELEMENTS,
    EMPLOYEE_RET_ELEMENTS,
    QUERY_RET_ELEMENTS,
    EmployeePayroll,
    TimeTrackingSpec,
    build_employee_payroll_query,
    build_time_tracking_add,
    build_time_tracking_query,
    duration_of_hours,
    parse_employee_payroll,
)
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml
from tests.qbxml.schema import XSD, element_names_within, schema_definition

GUID = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
ITERATOR_ID = "{eb05f701-e727-472f-8ade-6753c4f67a46}"

FULL_SPEC = TimeTrackingSpec(
    txn_date="2026-11-16",
    entity=Ref(list_id="80000005-1700000000"),
    customer=Ref(full_name="Acme Dental"),
    item_service=Ref(full_name="PSA:Remote Support"),
    duration="PT7H30M",
    class_=Ref(full_name="Managed Services"),
    payroll_item_wage=Ref(full_name="Regular"),
    notes="T2026.1104",
    billable=True,
    external_guid=GUID,
)
MINIMAL_SPEC = TimeTrackingSpec(
    txn_date="2026-11-17", entity=Ref(full_name="Jane Smith"), duration="PT1H0M", external_guid=GUID
)


def tags(element: etree._Element) -> list[str]:
    return [child.tag for child in element]


def valid(*requests: etree._Element) -> list[str]:
    return qbxml_errors(render_request_message(list(requests)))


# --- durations -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "duration"),
    [
        ("7.5", "PT7H30M"),
        ("8", "PT8H0M"),
        ("0.25", "PT0H15M"),
        ("7.75", "PT7H45M"),
        ("1.01", "PT1H1M"),  # 60.6 minutes
        ("7.333", "PT7H20M"),  # 439.98 minutes
        ("7.3333333333", "PT7H20M"),
        ("0.125", "PT0H8M"),  # 7.5 minutes: half a minute rounds up
        ("0.1", "PT0H6M"),
        ("0.0084", "PT0H1M"),  # 0.504 minutes
        ("23.9999", "PT24H0M"),
        ("24", "PT24H0M"),
        ("24.000", "PT24H0M"),
    ],
)
def test_hours_become_whole_minutes(hours: str, duration: str) -> None:
    assert duration_of_hours(Decimal(hours)) == duration


@pytest.mark.parametrize("quarters", range(1, 97))
def test_every_quarter_hour_is_exact(quarters: int) -> None:
    hours, minutes = divmod(quarters * 15, 60)

    assert duration_of_hours(Decimal(quarters) / 4) == f"PT{hours}H{minutes}M"


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "more than zero hours"),
        ("-0", "more than zero hours"),
        ("-1.5", "more than zero hours"),
        ("24.01", "at most 24 hours"),
        ("100", "at most 24 hours"),
        ("0.008", "less than half a minute"),  # 0.48 minutes
        ("NaN", "must be a number"),
        ("Infinity", "must be a number"),
    ],
)
def test_impossible_hours_are_refused(hours: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        duration_of_hours(Decimal(hours))


def test_a_rounded_duration_is_valid_in_an_add() -> None:
    spec = TimeTrackingSpec(
        txn_date="2026-11-16",
        entity=Ref(full_name="Jane Smith"),
        duration=duration_of_hours(Decimal("7.333")),
        external_guid=GUID,
    )

    assert valid(build_time_tracking_add("tt-1", spec)) == []


# --- TimeTrackingAdd -----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [FULL_SPEC, MINIMAL_SPEC], ids=["full", "minimal"])
def test_time_tracking_add_is_valid_qbxml(spec: TimeTrackingSpec) -> None:
    assert valid(build_time_tracking_add("tt-1", spec)) == []


def test_time_tracking_add_writes_every_field_in_schema_order() -> None:
    request = build_time_tracking_add("tt-1", FULL_SPEC)

    assert request.tag == "TimeTrackingAddRq"
    assert request.get("requestID") == "tt-1"
    assert tags(request) == ["TimeTrackingAdd", *["IncludeRetElement"] * len(ADD_RET_ELEMENTS)]
    add = request.find("TimeTrackingAdd")
    assert add is not None
    assert tags(add) == [
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
    assert add.findtext("TxnDate") == "2026-11-16"
    assert add.findtext("EntityRef/ListID") == "80000005-1700000000"
    assert add.find("EntityRef/FullName") is None
    assert add.findtext("CustomerRef/FullName") == "Acme Dental"
    assert add.findtext("ItemServiceRef/FullName") == "PSA:Remote Support"
    assert add.findtext("Duration") == "PT7H30M"
    assert add.findtext("ClassRef/FullName") == "Managed Services"
    assert add.findtext("PayrollItemWageRef/FullName") == "Regular"
    assert add.findtext("Notes") == "T2026.1104"
    assert add.findtext("BillableStatus") == "Billable"
    assert add.findtext("ExternalGUID") == GUID


def test_time_tracking_add_asks_back_only_what_the_bridge_reads() -> None:
    request = build_time_tracking_add("tt-1", MINIMAL_SPEC)

    assert [e.text for e in request.findall("IncludeRetElement")] == [
        "TxnID",
        "TimeCreated",
        "EditSequence",
        "TxnDate",
        "ExternalGUID",
        "EntityRef",
    ]


def test_the_schema_takes_include_ret_element_on_time_tracking_add_after_the_aggregate() -> None:
    sequence = schema_definition("complexType", "TimeTrackingAddRqType").find(f"{XSD}sequence")
    assert sequence is not None

    assert [node.get("ref") or node.get("name") for node in sequence] == [
        "TimeTrackingAdd",
        "IncludeRetElement",
    ]


@pytest.mark.parametrize("elements", [ADD_RET_ELEMENTS, QUERY_RET_ELEMENTS], ids=["add", "query"])
def test_requested_elements_exist_on_time_tracking_ret(elements: tuple[str, ...]) -> None:
    assert set(elements) <= element_names_within(schema_definition("element", "TimeTrackingRet"))


def test_a_minimal_add_leaves_out_what_it_was_not_given() -> None:
    add = build_time_tracking_add("tt-1", MINIMAL_SPEC).find("TimeTrackingAdd")
    assert add is not None

    assert tags(add) == ["TxnDate", "EntityRef", "Duration", "ExternalGUID"]
    assert add.findtext("EntityRef/FullName") == "Jane Smith"


@pytest.mark.parametrize(("billable", "status"), [(True, "Billable"), (False, "NotBillable"), (None, None)])
def test_billable_status(billable: bool | None, status: str | None) -> None:
    spec = TimeTrackingSpec(
        txn_date="2026-11-16",
        entity=Ref(full_name="Jane Smith"),
        duration="PT2H0M",
        external_guid=GUID,
        billable=billable,
    )
    request = build_time_tracking_add("tt-1", spec)

    assert request.findtext("TimeTrackingAdd/BillableStatus") == status
    assert valid(request) == []


def test_a_vendors_time_has_no_payroll_item_and_is_valid() -> None:
    spec = TimeTrackingSpec(
        txn_date="2026-11-16",
        entity=Ref(full_name="v-Smith, Jane"),
        customer=Ref(list_id="80000001-1700000000"),
        item_service=Ref(list_id="80000002-1700000000"),
        duration="PT3H15M",
        external_guid=GUID,
        billable=False,
    )
    request = build_time_tracking_add("tt-2", spec)

    assert request.find("TimeTrackingAdd/PayrollItemWageRef") is None
    assert valid(request) == []


def test_notes_needing_escapes_round_trip() -> None:
    spec = TimeTrackingSpec(
        txn_date="2026-11-16",
        entity=Ref(full_name="Zoë O'Brien & Co"),
        duration="PT1H0M",
        external_guid=GUID,
        notes='Fixed <printer> & "scanner"',
    )
    document = render_request_message([build_time_tracking_add("a&b", spec)])

    assert qbxml_errors(document) == []
    parsed = parse_xml(document).find("QBXMLMsgsRq/TimeTrackingAddRq")
    assert parsed is not None
    assert parsed.get("requestID") == "a&b"
    assert parsed.findtext("TimeTrackingAdd/EntityRef/FullName") == "Zoë O'Brien & Co"
    assert parsed.findtext("TimeTrackingAdd/Notes") == 'Fixed <printer> & "scanner"'


def test_notes_at_the_limit_are_fine_and_one_over_is_refused() -> None:
    at_limit = TimeTrackingSpec(
        txn_date="2026-11-16",
        entity=Ref(full_name="Jane Smith"),
        duration="PT1H0M",
        external_guid=GUID,
        notes="n" * 4095,
    )
    assert valid(build_time_tracking_add("tt-1", at_limit)) == []

    with pytest.raises(ValueError, match="at most 4095"):
        build_time_tracking_add(
            "tt-1",
            TimeTrackingSpec(
                txn_date="2026-11-16",
                entity=Ref(full_name="Jane Smith"),
                duration="PT1H0M",
                external_guid=GUID,
                notes="n" * 4096,
            ),
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"txn_date": "16/11/2026"}, "TxnDate must be a date"),
        ({"txn_date": "2026-02-30"}, "TxnDate must be a date"),
        ({"txn_date": "20261116"}, "TxnDate must be a date"),
        ({"txn_date": "2026-W46-1"}, "TxnDate must be a date"),
        ({"duration": "7.5"}, "Duration must look like"),
        ({"duration": "PT7.5H"}, "Duration must look like"),
        ({"duration": "-PT1H"}, "Duration must look like"),
        ({"duration": "PT"}, "needs some time"),
        ({"duration": "PT0H0M"}, "needs some time"),
        ({"external_guid": "6B29FC40-CA47-1067-B31D-00DD010662DA"}, "ExternalGUID must look like"),
        ({"external_guid": "0"}, "ExternalGUID must look like"),
        ({"entity": Ref()}, "EntityRef needs a ListID or a FullName"),
        ({"customer": Ref(full_name="")}, "CustomerRef needs a ListID or a FullName"),
    ],
)
def test_what_quickbooks_would_refuse_is_refused_here(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "txn_date": "2026-11-16",
        "entity": Ref(full_name="Jane Smith"),
        "duration": "PT1H0M",
        "external_guid": GUID,
    }
    spec = TimeTrackingSpec(**(fields | changes))  # type: ignore[arg-type]

    with pytest.raises(ValueError, match=message):
        build_time_tracking_add("tt-1", spec)


def test_the_same_add_renders_twice_unchanged() -> None:
    request = build_time_tracking_add("tt-1", FULL_SPEC)

    assert render_request_message([request]) == render_request_message([request])


# --- TimeTrackingQuery ---------------------------------------------------------------------------------


def time_query(entity: Ref | None, iterator: IteratorMode | None) -> etree._Element:
    if iterator is None:
        return build_time_tracking_query("tq-1", from_date="2026-11-16", to_date="2026-11-29", entity=entity)
    return build_time_tracking_query(
        "tq-1",
        from_date="2026-11-16",
        to_date="2026-11-29",
        entity=entity,
        iterator=iterator,
        iterator_id=ITERATOR_ID if iterator == "Continue" else None,
        max_returned=50,
    )


@pytest.mark.parametrize("iterator", [None, "Start", "Continue"])
@pytest.mark.parametrize(
    "entity", [None, Ref(list_id="80000005-1700000000"), Ref(full_name="Jane Smith")], ids=str
)
def test_time_tracking_query_is_valid_qbxml(entity: Ref | None, iterator: IteratorMode | None) -> None:
    assert valid(time_query(entity, iterator)) == []


def test_time_tracking_query_filters_by_dates_then_entity() -> None:
    request = time_query(Ref(full_name="Jane Smith"), None)

    assert request.tag == "TimeTrackingQueryRq"
    assert request.items() == [("requestID", "tq-1")]
    assert tags(request) == [
        "TxnDateRangeFilter",
        "TimeTrackingEntityFilter",
        *["IncludeRetElement"] * len(QUERY_RET_ELEMENTS),
    ]
    assert request.findtext("TxnDateRangeFilter/FromTxnDate") == "2026-11-16"
    assert request.findtext("TxnDateRangeFilter/ToTxnDate") == "2026-11-29"
    entity_filter = request.find("TimeTrackingEntityFilter")
    assert entity_filter is not None
    assert tags(entity_filter) == ["FullName"]
    assert entity_filter.findtext("FullName") == "Jane Smith"
    assert [e.text for e in request.findall("IncludeRetElement")] == [
        "TxnID",
        "TxnDate",
        "EntityRef",
        "ExternalGUID",
        "TimeCreated",
        "EditSequence",
    ]


def test_an_entity_known_by_list_id_is_filtered_by_it() -> None:
    request = time_query(Ref(list_id="80000005-1700000000", full_name="Jane Smith"), None)

    entity_filter = request.find("TimeTrackingEntityFilter")
    assert entity_filter is not None
    assert tags(entity_filter) == ["ListID"]
    assert entity_filter.findtext("ListID") == "80000005-1700000000"


def test_without_an_entity_there_is_no_entity_filter() -> None:
    assert tags(time_query(None, None))[0:2] == ["TxnDateRangeFilter", "IncludeRetElement"]


def test_the_schema_lets_time_tracking_query_page_with_an_iterator() -> None:
    request_type = schema_definition("complexType", "TimeTrackingQueryRqType")

    assert request_type.find(f"{XSD}attribute[@name='iterator']") is not None


@pytest.mark.parametrize("iterator", ["Start", "Continue"])
def test_a_paged_query_puts_max_returned_first(iterator: IteratorMode) -> None:
    request = time_query(Ref(full_name="Jane Smith"), iterator)

    assert request.get("iterator") == iterator
    assert request.get("iteratorID") == (ITERATOR_ID if iterator == "Continue" else None)
    assert tags(request)[:3] == ["MaxReturned", "TxnDateRangeFilter", "TimeTrackingEntityFilter"]
    assert request.findtext("MaxReturned") == "50"


def test_a_single_day_is_a_valid_range() -> None:
    request = build_time_tracking_query("tq-1", from_date="2026-11-16", to_date="2026-11-16")

    assert valid(request) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"to_date": "2026-11-15"}, "runs backwards"),
        ({"from_date": "2026-13-01"}, "FromTxnDate must be a date"),
        ({"to_date": "tomorrow"}, "ToTxnDate must be a date"),
        ({"max_returned": 10}, "silently truncate"),
        ({"iterator": "Start", "max_returned": 0}, "at least 1"),
        ({"iterator": "Start", "iterator_id": ITERATOR_ID}, "iterator_id goes with"),
        ({"iterator": "Continue"}, "iterator_id goes with"),
        ({"iterator_id": ITERATOR_ID}, "iterator_id goes with"),
        ({"entity": Ref()}, "TimeTrackingEntityFilter needs a ListID or a FullName"),
    ],
)
def test_bad_query_arguments_are_refused(arguments: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"from_date": "2026-11-16", "to_date": "2026-11-29"}

    with pytest.raises(ValueError, match=message):
        build_time_tracking_query("tq-1", **(base | arguments))  # type: ignore[arg-type]


# --- EmployeeQuery -------------------------------------------------------------------------------------


@pytest.mark.parametrize("names", [None, ["Jane Smith"], ["Jane Smith", "Zoë O'Brien & Co"]])
def test_employee_query_is_valid_qbxml(names: list[str] | None) -> None:
    assert valid(build_employee_payroll_query("emp-1", names)) == []


def test_employee_query_for_everyone_includes_inactive_employees() -> None:
    request = build_employee_payroll_query("emp-1")

    assert request.tag == "EmployeeQueryRq"
    assert request.items() == [("requestID", "emp-1")]
    assert tags(request) == ["ActiveStatus", *["IncludeRetElement"] * len(EMPLOYEE_RET_ELEMENTS)]
    assert request.findtext("ActiveStatus") == "All"
    assert [e.text for e in request.findall("IncludeRetElement")] == [
        "ListID",
        "Name",
        "IsActive",
        "EmployeePayrollInfo",
    ]


def test_employee_query_by_names_has_no_active_status() -> None:
    # FullName and ActiveStatus are alternatives in the schema; a query by names finds inactive ones too.
    request = build_employee_payroll_query("emp-1", ["Jane Smith", "John Doe"])

    assert tags(request) == ["FullName", "FullName", *["IncludeRetElement"] * len(EMPLOYEE_RET_ELEMENTS)]
    assert [e.text for e in request.findall("FullName")] == ["Jane Smith", "John Doe"]


def test_requested_employee_elements_exist_on_employee_ret() -> None:
    available = element_names_within(schema_definition("element", "EmployeeRet"))

    assert set(EMPLOYEE_RET_ELEMENTS) <= available
    assert "UseTimeDataToCreatePaychecks" in element_names_within(
        schema_definition("element", "EmployeePayrollInfo")
    )
    # Why FullName is not asked for: EmployeeRet has none (its Name is the full name).
    assert "FullName" not in {
        node.get("name") or node.get("ref")
        for node in schema_definition("element", "EmployeeRet").iterfind(
            f"{XSD}complexType/{XSD}sequence/{XSD}element"
        )
    }


def test_the_schema_gives_employee_query_no_iterator() -> None:
    request_type = schema_definition("complexType", "EmployeeQueryRqType")

    assert request_type.find(f"{XSD}attribute[@name='iterator']") is None


@pytest.mark.parametrize(("names", "message"), [([], "pass None"), (["Jane Smith", " "], "cannot be empty")])
def test_empty_employee_names_are_refused(names: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_employee_payroll_query("emp-1", names)


# --- reading EmployeeRet -------------------------------------------------------------------------------

# Shaped after osr_all_messages_130.xml's EmployeeQueryRs: an hourly employee paid from time data, an
# inactive salaried one who is not, and one in a company file without payroll (no EmployeePayrollInfo).
EMPLOYEE_QUERY_RESPONSE = """<?xml version="1.0" ?>
<?qbxml version="13.0"?>
<QBXML>
  <QBXMLMsgsRs>
    <EmployeeQueryRs requestID="emp-1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
      <EmployeeRet>
        <ListID>80000005-1700000000</ListID>
        <TimeCreated>2026-01-05T09:12:44-05:00</TimeCreated>
        <TimeModified>2026-10-02T16:40:03-05:00</TimeModified>
        <EditSequence>1759437603</EditSequence>
        <Name>Jane Smith</Name>
        <IsActive>true</IsActive>
        <FirstName>Jane</FirstName>
        <LastName>Smith</LastName>
        <EmployeeAddress>
          <Addr1>12 Main St</Addr1>
          <City>Springfield</City>
          <State>IL</State>
          <PostalCode>62701</PostalCode>
        </EmployeeAddress>
        <PrintAs>Jane Smith</PrintAs>
        <Phone>217-555-0101</Phone>
        <Email>jane.smith@example.com</Email>
        <EmployeeType>Regular</EmployeeType>
        <Gender>Female</Gender>
        <HiredDate>2026-01-05</HiredDate>
        <EmployeePayrollInfo>
          <PayPeriod>Biweekly</PayPeriod>
          <ClassRef>
            <ListID>80000009-1700000000</ListID>
            <FullName>Managed Services</FullName>
          </ClassRef>
          <Earnings>
            <PayrollItemWageRef>
              <ListID>8000000B-1700000000</ListID>
              <FullName>Regular</FullName>
            </PayrollItemWageRef>
            <Rate>32.50</Rate>
          </Earnings>
          <UseTimeDataToCreatePaychecks>UseTimeData</UseTimeDataToCreatePaychecks>
          <SickHours>
            <HoursAvailable>PT40H0M0S</HoursAvailable>
            <AccrualPeriod>BeginningOfYear</AccrualPeriod>
            <HoursAccrued>PT0H0M0S</HoursAccrued>
            <IsResettingHoursEachNewYear>false</IsResettingHoursEachNewYear>
            <HoursUsed>PT0H0M0S</HoursUsed>
            <AccrualStartDate>2026-01-05</AccrualStartDate>
          </SickHours>
          <VacationHours>
            <HoursAvailable>PT80H0M0S</HoursAvailable>
            <AccrualPeriod>EveryPaycheck</AccrualPeriod>
            <HoursAccrued>PT3H4M0S</HoursAccrued>
            <IsResettingHoursEachNewYear>false</IsResettingHoursEachNewYear>
            <HoursUsed>PT8H0M0S</HoursUsed>
            <AccrualStartDate>2026-01-05</AccrualStartDate>
          </VacationHours>
        </EmployeePayrollInfo>
      </EmployeeRet>
      <EmployeeRet>
        <ListID>80000006-1700000000</ListID>
        <TimeCreated>2025-03-10T08:00:00-05:00</TimeCreated>
        <TimeModified>2026-06-30T17:00:00-05:00</TimeModified>
        <EditSequence>1751320800</EditSequence>
        <Name>John Doe</Name>
        <IsActive>false</IsActive>
        <FirstName>John</FirstName>
        <LastName>Doe</LastName>
        <EmployeeType>Regular</EmployeeType>
        <ReleasedDate>2026-06-30</ReleasedDate>
        <EmployeePayrollInfo>
          <PayPeriod>Semimonthly</PayPeriod>
          <Earnings>
            <PayrollItemWageRef>
              <ListID>8000000C-1700000000</ListID>
              <FullName>Salary</FullName>
            </PayrollItemWageRef>
            <Rate>65000.00</Rate>
          </Earnings>
          <UseTimeDataToCreatePaychecks>DoNotUseTimeData</UseTimeDataToCreatePaychecks>
        </EmployeePayrollInfo>
      </EmployeeRet>
      <EmployeeRet>
        <ListID>80000007-1700000000</ListID>
        <TimeCreated>2026-02-01T10:00:00-05:00</TimeCreated>
        <TimeModified>2026-02-01T10:00:00-05:00</TimeModified>
        <EditSequence>1769958000</EditSequence>
        <Name>Zoë O'Brien</Name>
        <IsActive>true</IsActive>
        <FirstName>Zoë</FirstName>
        <LastName>O'Brien</LastName>
      </EmployeeRet>
    </EmployeeQueryRs>
  </QBXMLMsgsRs>
</QBXML>
"""


def test_the_employee_response_fixture_is_valid_qbxml() -> None:
    assert qbxml_errors(EMPLOYEE_QUERY_RESPONSE) == []


def test_employee_rets_are_read_for_payroll() -> None:
    (response,) = parse_response_message(EMPLOYEE_QUERY_RESPONSE)

    assert [parse_employee_payroll(ret) for ret in response.rets] == [
        EmployeePayroll(
            list_id="80000005-1700000000", full_name="Jane Smith", is_active=True, uses_time_data=True
        ),
        EmployeePayroll(
            list_id="80000006-1700000000", full_name="John Doe", is_active=False, uses_time_data=False
        ),
        EmployeePayroll(
            list_id="80000007-1700000000", full_name="Zoë O'Brien", is_active=True, uses_time_data=False
        ),
    ]


@pytest.mark.parametrize(
    ("setting", "uses_time_data"),
    [("UseTimeData", True), ("DoNotUseTimeData", False), ("NotSet", False), (" UseTimeData ", True)],
)
def test_only_use_time_data_means_paychecks_from_time(setting: str, uses_time_data: bool) -> None:
    ret = etree.fromstring(
        "<EmployeeRet><ListID>1</ListID><Name>A B</Name><EmployeePayrollInfo>"
        f"<UseTimeDataToCreatePaychecks>{setting}</UseTimeDataToCreatePaychecks>"
        "</EmployeePayrollInfo></EmployeeRet>"
    )

    assert parse_employee_payroll(ret).uses_time_data is uses_time_data


def test_an_employee_read_with_only_what_was_asked_for() -> None:
    # IncludeRetElement answers: no IsActive means QuickBooks' default, active.
    ret = etree.fromstring("<EmployeeRet><ListID>1</ListID><Name>Jane Smith</Name></EmployeeRet>")

    assert parse_employee_payroll(ret) == EmployeePayroll(
        list_id="1", full_name="Jane Smith", is_active=True, uses_time_data=False
    )


def test_an_employee_in_a_namespace_is_read_too() -> None:
    ret = etree.fromstring(
        '<EmployeeRet xmlns="http://developer.intuit.com/"><ListID>1</ListID><Name>Jane Smith</Name>'
        "<IsActive>false</IsActive><EmployeePayrollInfo>"
        "<UseTimeDataToCreatePaychecks>UseTimeData</UseTimeDataToCreatePaychecks>"
        "</EmployeePayrollInfo></EmployeeRet>"
    )

    assert parse_employee_payroll(ret) == EmployeePayroll(
        list_id="1", full_name="Jane Smith", is_active=False, uses_time_data=True
    )


def test_an_employee_without_a_name_is_first_last() -> None:
    ret = etree.fromstring(
        "<EmployeeRet><ListID>1</ListID><FirstName> Jane </FirstName><LastName>Smith</LastName></EmployeeRet>"
    )

    assert parse_employee_payroll(ret).full_name == "Jane Smith"


def test_an_employee_without_a_list_id_is_refused() -> None:
    ret = etree.fromstring("<EmployeeRet><Name>Jane Smith</Name></EmployeeRet>")

    with pytest.raises(QbResponseError, match="no ListID"):
        parse_employee_payroll(ret)
