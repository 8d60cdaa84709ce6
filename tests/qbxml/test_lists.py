"""The QuickBooks lists: their specs checked against the 13.0 schema, their queries, reading their answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from chalicelib.qbxml.document import IteratorMode, render_request_message
from chalicelib.qbxml.lists import (
    QB_LISTS,
    QbListEntry,
    QbListSpec,
    build_list_query,
    list_entries,
    qb_list,
)
from chalicelib.qbxml.responses import QbResponse, QbResponseError, parse_response_message
from chalicelib.qbxml.validation import qbxml_errors
from tests.qbxml.schema import XSD, element_names_within, schema_definition

SAMPLES = Path(__file__).parents[1] / "fixtures" / "spec" / "samples"


# --- the specs against the schema --------------------------------------------------------------------


@pytest.mark.parametrize("spec", QB_LISTS, ids=lambda spec: spec.name)
def test_iterator_support_matches_the_schema(spec: QbListSpec) -> None:
    request_type = schema_definition("complexType", f"{spec.request_tag}Type")

    takes_iterator = request_type.find(f"{XSD}attribute[@name='iterator']") is not None

    assert spec.pages_with_iterator is takes_iterator


@pytest.mark.parametrize("spec", QB_LISTS, ids=lambda spec: spec.name)
def test_ret_tags_are_exactly_what_the_query_answers_with(spec: QbListSpec) -> None:
    response_type = schema_definition("complexType", f"{spec.response_tag}Type")

    assert set(spec.ret_tags) == {
        name for name in element_names_within(response_type) if name.endswith("Ret")
    }


@pytest.mark.parametrize("spec", QB_LISTS, ids=lambda spec: spec.name)
def test_every_requested_element_exists_on_the_rets(spec: QbListSpec) -> None:
    available = set().union(
        *(element_names_within(schema_definition("element", ret)) for ret in spec.ret_tags)
    )

    assert set(spec.include_elements) <= available
    assert {"ListID", "Name", "IsActive"} <= set(spec.include_elements)
    if spec.type_element is not None:
        assert spec.type_element in spec.include_elements


def test_vendor_ret_has_is_sales_tax_agency_in_13_0() -> None:
    assert "IsSalesTaxAgency" in element_names_within(schema_definition("element", "VendorRet"))
    assert "IsSalesTaxAgency" in qb_list("vendors").include_elements


def test_the_list_names_are_the_api_names() -> None:
    assert sorted(spec.name for spec in QB_LISTS) == sorted(
        [
            "accounts",
            "items",
            "classes",
            "customers",
            "vendors",
            "employees",
            "payroll-items",
            "terms",
            "sales-tax-codes",
        ]
    )


def test_lists_are_found_by_name() -> None:
    assert qb_list("payroll-items").request_tag == "PayrollItemWageQueryRq"
    assert qb_list("terms").ret_tags == ("StandardTermsRet", "DateDrivenTermsRet")


def test_an_unknown_list_name_says_which_names_exist() -> None:
    with pytest.raises(KeyError, match=r"unknown QuickBooks list 'invoices'; known lists: accounts, "):
        qb_list("invoices")


# --- queries -------------------------------------------------------------------------------------------

QUERY_VARIANTS: list[tuple[QbListSpec, IteratorMode | None]] = [
    (spec, iterator)
    for spec in QB_LISTS
    for iterator in ((None, "Start", "Continue") if spec.pages_with_iterator else (None,))
]


def list_query(spec: QbListSpec, iterator: IteratorMode | None) -> etree._Element:
    if iterator is None:
        return build_list_query(spec, f"{spec.name}-all")
    iterator_id = "{eb05f701-e727-472f-8ade-6753c4f67a46}" if iterator == "Continue" else None
    return build_list_query(
        spec, f"{spec.name}-page", iterator=iterator, iterator_id=iterator_id, max_returned=100
    )


@pytest.mark.parametrize(
    ("spec", "iterator"), QUERY_VARIANTS, ids=[f"{spec.name}-{it or 'whole'}" for spec, it in QUERY_VARIANTS]
)
def test_every_list_query_is_valid_qbxml(spec: QbListSpec, iterator: IteratorMode | None) -> None:
    document = render_request_message([list_query(spec, iterator)])

    assert qbxml_errors(document) == []


def test_all_list_queries_in_one_message_are_valid_qbxml() -> None:
    document = render_request_message([list_query(spec, iterator) for spec, iterator in QUERY_VARIANTS])

    assert qbxml_errors(document) == []


@pytest.mark.parametrize("spec", QB_LISTS, ids=lambda spec: spec.name)
def test_a_whole_list_read_includes_inactive_objects_and_asks_for_little(spec: QbListSpec) -> None:
    query = build_list_query(spec, "r1")

    assert query.tag == spec.request_tag
    assert query.get("requestID") == "r1"
    assert query.get("iterator") is None
    assert query.find("MaxReturned") is None
    assert query.findtext("ActiveStatus") == "All"
    assert tuple(e.text for e in query.findall("IncludeRetElement")) == spec.include_elements


def test_paging_starts_and_continues_with_the_same_filters() -> None:
    spec = qb_list("customers")

    start = build_list_query(spec, "p1", iterator="Start", max_returned=250)
    more = build_list_query(spec, "p2", iterator="Continue", iterator_id="{it}", max_returned=250)

    assert (start.get("iterator"), start.get("iteratorID")) == ("Start", None)
    assert (more.get("iterator"), more.get("iteratorID")) == ("Continue", "{it}")
    assert [child.tag for child in start] == [child.tag for child in more]
    assert start.findtext("MaxReturned") == more.findtext("MaxReturned") == "250"


@pytest.mark.parametrize(
    "spec", [spec for spec in QB_LISTS if not spec.pages_with_iterator], ids=lambda spec: spec.name
)
def test_lists_without_iterators_refuse_paging(spec: QbListSpec) -> None:
    with pytest.raises(ValueError, match="takes no iterator"):
        build_list_query(spec, "1", iterator="Start", max_returned=10)


@pytest.mark.parametrize("spec", QB_LISTS, ids=lambda spec: spec.name)
def test_max_returned_without_an_iterator_is_refused(spec: QbListSpec) -> None:
    with pytest.raises(ValueError, match="silently truncate"):
        build_list_query(spec, "1", max_returned=10)


@pytest.mark.parametrize(
    ("iterator", "iterator_id", "max_returned", "message"),
    [
        ("Continue", None, 10, "iterator_id"),
        ("Start", "{it}", 10, "iterator_id"),
        (None, "{it}", None, "iterator_id"),
        ("Start", None, 0, "at least 1"),
    ],
)
def test_inconsistent_paging_arguments_are_refused(
    iterator: IteratorMode | None, iterator_id: str | None, max_returned: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_list_query(
            qb_list("items"), "1", iterator=iterator, iterator_id=iterator_id, max_returned=max_returned
        )


# --- reading answers -----------------------------------------------------------------------------------


def answer(rs_tag: str, rets: str, status: str = 'statusCode="0" statusSeverity="Info"') -> QbResponse:
    (response,) = parse_response_message(
        f'<QBXML><QBXMLMsgsRs><{rs_tag} requestID="1" {status}>{rets}</{rs_tag}></QBXMLMsgsRs></QBXML>'
    )
    return response


def test_accounts_carry_their_account_type_and_active_flag() -> None:
    response = answer(
        "AccountQueryRs",
        "<AccountRet><ListID>80000001-1</ListID><Name>Sales</Name><FullName>Income:Sales</FullName>"
        "<IsActive>true</IsActive><AccountType>Income</AccountType></AccountRet>"
        "<AccountRet><ListID>80000002-1</ListID><Name>Old</Name><FullName>Old</FullName>"
        "<IsActive>false</IsActive><AccountType>Expense</AccountType></AccountRet>",
    )

    assert list_entries(qb_list("accounts"), response) == [
        QbListEntry(
            list_id="80000001-1", name="Sales", full_name="Income:Sales", type="Income", is_active=True
        ),
        QbListEntry(list_id="80000002-1", name="Old", full_name="Old", type="Expense", is_active=False),
    ]


def test_items_are_typed_by_their_kind_and_fall_back_to_name() -> None:
    response = answer(
        "ItemQueryRs",
        "<ItemServiceRet><ListID>1</ListID><Name>Consulting</Name><FullName>Services:Consulting</FullName>"
        "<IsActive>true</IsActive></ItemServiceRet>"
        "<ItemInventoryRet><ListID>2</ListID><Name>Widget</Name><FullName>Widget</FullName></ItemInventoryRet>"
        "<ItemGroupRet><ListID>3</ListID><Name>Bundle</Name><IsActive>false</IsActive></ItemGroupRet>"
        "<ItemSalesTaxGroupRet><ListID>4</ListID><Name>County</Name></ItemSalesTaxGroupRet>",
    )

    entries = list_entries(qb_list("items"), response)

    assert [(e.type, e.full_name, e.is_active) for e in entries] == [
        ("ItemService", "Services:Consulting", True),
        ("ItemInventory", "Widget", True),
        ("ItemGroup", "Bundle", False),
        ("ItemSalesTaxGroup", "County", True),
    ]


def test_terms_are_standard_or_date_driven() -> None:
    response = answer(
        "TermsQueryRs",
        "<StandardTermsRet><ListID>1</ListID><Name>Net 30</Name><IsActive>true</IsActive></StandardTermsRet>"
        "<DateDrivenTermsRet><ListID>2</ListID><Name>10th</Name><IsActive>true</IsActive></DateDrivenTermsRet>",
    )

    entries = list_entries(qb_list("terms"), response)

    assert [(e.name, e.full_name, e.type) for e in entries] == [
        ("Net 30", "Net 30", "StandardTerms"),
        ("10th", "10th", "DateDrivenTerms"),
    ]


def test_sales_tax_codes_are_taxable_or_not() -> None:
    response = answer(
        "SalesTaxCodeQueryRs",
        "<SalesTaxCodeRet><ListID>1</ListID><Name>Tax</Name><IsTaxable>true</IsTaxable></SalesTaxCodeRet>"
        "<SalesTaxCodeRet><ListID>2</ListID><Name>Non</Name><IsTaxable>false</IsTaxable></SalesTaxCodeRet>",
    )

    assert [e.type for e in list_entries(qb_list("sales-tax-codes"), response)] == ["taxable", "non-taxable"]


def test_vendors_are_sales_tax_agencies_or_plain_vendors() -> None:
    response = answer(
        "VendorQueryRs",
        "<VendorRet><ListID>1</ListID><Name>State Board</Name><IsSalesTaxAgency>true</IsSalesTaxAgency>"
        "</VendorRet><VendorRet><ListID>2</ListID><Name>Office Supplies</Name></VendorRet>",
    )

    entries = list_entries(qb_list("vendors"), response)

    assert [(e.type, e.full_name) for e in entries] == [
        ("sales_tax_agency", "State Board"),
        ("vendor", "Office Supplies"),
    ]


def test_payroll_items_carry_their_wage_type() -> None:
    response = answer(
        "PayrollItemWageQueryRs",
        "<PayrollItemWageRet><ListID>1</ListID><Name>Salary</Name><WageType>SalaryRegular</WageType>"
        "</PayrollItemWageRet>",
    )

    assert [e.type for e in list_entries(qb_list("payroll-items"), response)] == ["SalaryRegular"]


def test_employees_use_their_name_or_else_first_and_last_name() -> None:
    response = answer(
        "EmployeeQueryRs",
        "<EmployeeRet><ListID>1</ListID><Name>Dan T. Miller</Name><FirstName>Dan</FirstName></EmployeeRet>"
        "<EmployeeRet><ListID>2</ListID><FirstName>Ann</FirstName><LastName>Lee</LastName></EmployeeRet>"
        "<EmployeeRet><ListID>3</ListID><LastName>Solo</LastName></EmployeeRet>",
    )

    entries = list_entries(qb_list("employees"), response)

    assert [(e.name, e.full_name, e.type) for e in entries] == [
        ("Dan T. Miller", "Dan T. Miller", None),
        ("Ann Lee", "Ann Lee", None),
        ("Solo", "Solo", None),
    ]


def test_customers_from_a_real_capture() -> None:
    xml = (SAMPLES / "qbxml" / "QBWC_CUSTOMER_QUERY_RESPONSE_INFO.xml").read_text(encoding="utf-8")
    (response,) = parse_response_message(xml)

    assert list_entries(qb_list("customers"), response) == [
        QbListEntry(
            list_id="8000001B-1405777862",
            name="myUserName",
            full_name="myUserName",
            type=None,
            is_active=True,
        )
    ]


def test_answers_in_a_namespace_read_the_same() -> None:
    xml = (
        '<QBXML xmlns="http://developer.intuit.com/"><QBXMLMsgsRs><ClassQueryRs statusCode="0">'
        "<ClassRet><ListID>1</ListID><Name>East</Name><FullName>Region:East</FullName></ClassRet>"
        "</ClassQueryRs></QBXMLMsgsRs></QBXML>"
    )
    (response,) = parse_response_message(xml)

    assert list_entries(qb_list("classes"), response) == [
        QbListEntry(list_id="1", name="East", full_name="Region:East", type=None, is_active=True)
    ]


def test_found_nothing_is_an_empty_list() -> None:
    response = answer("ClassQueryRs", "", status='statusCode="1" statusSeverity="Info"')

    assert list_entries(qb_list("classes"), response) == []


def test_an_error_answer_is_not_mistaken_for_an_empty_list() -> None:
    response = answer(
        "ClassQueryRs", "", status='statusCode="3250" statusSeverity="Error" statusMessage="off"'
    )

    with pytest.raises(QbResponseError, match="could not read classes"):
        list_entries(qb_list("classes"), response)


def test_an_answer_to_another_query_is_refused() -> None:
    response = answer("CustomerQueryRs", "<CustomerRet><ListID>1</ListID><Name>A</Name></CustomerRet>")

    with pytest.raises(ValueError, match="CustomerQueryRs does not answer AccountQueryRq"):
        list_entries(qb_list("accounts"), response)


def test_an_entry_without_list_id_is_refused() -> None:
    response = answer("ClassQueryRs", "<ClassRet><Name>East</Name></ClassRet>")

    with pytest.raises(QbResponseError, match="has no ListID"):
        list_entries(qb_list("classes"), response)


def test_entries_round_trip_through_dicts_with_exactly_the_documented_keys() -> None:
    entry = QbListEntry(list_id="1", name="Sales", full_name="Income:Sales", type="Income", is_active=False)

    as_dict = entry.to_dict()

    assert set(as_dict) == {"list_id", "name", "full_name", "type", "is_active"}
    assert QbListEntry.from_dict(as_dict) == entry
    assert QbListEntry.from_dict(entry.to_dict() | {"type": None}).type is None
