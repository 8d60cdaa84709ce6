"""The simulated QuickBooks company answering hand-written qbXML request documents."""

from __future__ import annotations

import time
from typing import Any

import pytest
from lxml import etree

from simulators.quickbooks import ListStore, QbXmlParseError, QuickBooksCompany
from tests.simulators.quickbooks.helpers import answers, full_names, only, qbxml, status


@pytest.fixture
def company() -> QuickBooksCompany:
    return QuickBooksCompany.sample()


# Queries ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_xml", "ret_tags", "expected"),
    [
        (
            '<AccountQueryRq requestID="1"/>',
            {"AccountRet"},
            ["PSA Other", "Inventory Asset", "Sales:Services"],
        ),
        ('<ClassQueryRq requestID="1"/>', {"ClassRet"}, ["Consulting", "Consulting:Onsite"]),
        (
            '<TermsQueryRq requestID="1"/>',
            {"StandardTermsRet", "DateDrivenTermsRet"},
            ["Net 30", "Due on receipt", "1% 10 Net 30", "10th of next month"],
        ),
        ('<SalesTaxCodeQueryRq requestID="1"/>', {"SalesTaxCodeRet"}, ["Tax", "Non"]),
        ('<PayrollItemWageQueryRq requestID="1"/>', {"PayrollItemWageRet"}, ["Hourly", "Salary"]),
        ('<CustomerQueryRq requestID="1"/>', {"CustomerRet"}, ["Customer 0001", "Customer 0009:Job 1"]),
        ('<VendorQueryRq requestID="1"/>', {"VendorRet"}, ["Vendor 0001", "State Board of Equalization"]),
        ('<EmployeeQueryRq requestID="1"/>', {"EmployeeRet"}, ["Fatima Okafor"]),
        (
            '<ItemQueryRq requestID="1"/>',
            {
                "ItemServiceRet",
                "ItemNonInventoryRet",
                "ItemInventoryRet",
                "ItemOtherChargeRet",
                "ItemSalesTaxRet",
            },
            ["Consulting", "Bracket:Small", "Widget", "Shipping", "State Sales Tax"],
        ),
    ],
)
def test_each_list_query_returns_the_sample_data(
    company: QuickBooksCompany, request_xml: str, ret_tags: set[str], expected: list[str]
) -> None:
    rs = only(company.process(qbxml(request_xml)))
    assert status(rs) == (0, "Info")
    assert rs.get("statusMessage") == "Status OK"
    assert {ret.tag for ret in rs} == ret_tags
    assert set(expected) <= set(full_names(rs))


@pytest.mark.parametrize(
    "settings",
    [
        {"country": "CA"},
        {"country": "UK", "multicurrency_on": True},
        {"sales_tax_on": False, "inventory_on": False, "time_tracking_on": False},
    ],
)
def test_every_element_of_every_edition_answers_a_schema_valid_ret(settings: dict[str, Any]) -> None:
    company = QuickBooksCompany.sample(**settings)
    tags = (
        "Account",
        "Class",
        "Terms",
        "SalesTaxCode",
        "PayrollItemWage",
        "Customer",
        "Vendor",
        "Employee",
        "Item",
        "Currency",
    )
    response = company.process(
        qbxml(
            *(f"<{tag}QueryRq><ActiveStatus>All</ActiveStatus></{tag}QueryRq>" for tag in tags),
            "<TemplateQueryRq/>",  # answers every template; the schema allows no ActiveStatus here
            on_error="continueOnError",
        )
    )
    stores: list[ListStore[Any]] = [
        company.accounts,
        company.classes,
        company.terms,
        company.sales_tax_codes,
        company.payroll_wage_items,
        company.customers,
        company.vendors,
        company.employees,
        company.items,
        company.currencies,
        company.templates,
    ]
    assert [len(rs) for rs in answers(response)] == [len(store) for store in stores]


def test_terms_answer_both_kinds_with_their_own_fields(company: QuickBooksCompany) -> None:
    rs = only(company.process(qbxml("<TermsQueryRq><FullName>1% 10 Net 30</FullName></TermsQueryRq>")))
    (standard,) = rs
    assert (standard.findtext("StdDueDays"), standard.findtext("StdDiscountDays")) == ("30", "10")
    assert standard.findtext("DiscountPct") == "1.00"
    rs = only(company.process(qbxml("<TermsQueryRq><FullName>10th of next month</FullName></TermsQueryRq>")))
    assert rs[0].tag == "DateDrivenTermsRet"
    assert rs[0].findtext("DayOfMonthDue") == "10"


def test_active_status_defaults_to_active_only(company: QuickBooksCompany) -> None:
    default = only(company.process(qbxml("<CustomerQueryRq/>")))
    every = only(
        company.process(qbxml("<CustomerQueryRq><ActiveStatus>All</ActiveStatus></CustomerQueryRq>"))
    )
    inactive = only(
        company.process(qbxml("<CustomerQueryRq><ActiveStatus>InactiveOnly</ActiveStatus></CustomerQueryRq>"))
    )
    assert len(every) == 25
    assert full_names(inactive) == ["Customer 0003", "Customer 0013", "Customer 0023"]
    assert sorted(full_names(default) + full_names(inactive)) == sorted(full_names(every))
    assert {ret.findtext("IsActive") for ret in inactive} == {"false"}


def test_explicit_list_ids_and_full_names_return_inactive_elements_too(company: QuickBooksCompany) -> None:
    inactive = company.customers.find("Customer 0003")
    assert inactive is not None
    rs = only(
        company.process(qbxml(f"<CustomerQueryRq><ListID>{inactive.list_id}</ListID></CustomerQueryRq>"))
    )
    assert full_names(rs) == ["Customer 0003"]
    # QuickBooks names are case-insensitive; the answer comes in the order asked for.
    rs = only(
        company.process(
            qbxml(
                "<AccountQueryRq><FullName>psa other</FullName><FullName>Checking</FullName></AccountQueryRq>"
            )
        )
    )
    assert full_names(rs) == ["PSA Other", "Checking"]


def test_missing_full_names_warn_with_500_and_return_the_found_ones(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                "<ItemQueryRq>",
                "  <FullName>Widget</FullName>",
                "  <FullName>No Such Item</FullName>",
                "  <FullName>Consulting</FullName>",
                "</ItemQueryRq>",
            )
        )
    )
    assert status(rs) == (500, "Warn")
    assert rs.get("statusMessage") == (
        "The query request has not been fully completed. "
        'There was a required element ("No Such Item") that could not be found in QuickBooks.'
    )
    assert full_names(rs) == ["Widget", "Consulting"]
    nothing = only(
        company.process(qbxml("<VendorQueryRq><ListID>80009999-1700000000</ListID></VendorQueryRq>"))
    )
    assert status(nothing) == (500, "Warn")
    assert len(nothing) == 0


def test_a_filter_matching_nothing_is_info_status_1(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                "<CustomerQueryRq>"
                "<NameFilter><MatchCriterion>StartsWith</MatchCriterion><Name>Zebra</Name></NameFilter>"
                "</CustomerQueryRq>"
            )
        )
    )
    assert status(rs) == (1, "Info")
    assert rs.get("statusMessage") == "A query request did not find a matching object in QuickBooks"
    assert len(rs) == 0


@pytest.mark.parametrize(
    ("criterion", "name", "expected"),
    [
        ("StartsWith", "consulting", ["Consulting", "Consulting:Onsite", "Consulting:Remote"]),
        ("Contains", "ON", ["Administration", "Consulting", "Consulting:Onsite", "Consulting:Remote"]),
        ("EndsWith", "remote", ["Consulting:Remote"]),
    ],
)
def test_name_filter_matches_full_names_ignoring_case(
    company: QuickBooksCompany, criterion: str, name: str, expected: list[str]
) -> None:
    rs = only(
        company.process(
            qbxml(
                "<ClassQueryRq><NameFilter>"
                f"<MatchCriterion>{criterion}</MatchCriterion><Name>{name}</Name>"
                "</NameFilter></ClassQueryRq>"
            )
        )
    )
    assert full_names(rs) == expected


def test_name_range_filter_is_inclusive(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                "<VendorQueryRq><NameRangeFilter><FromName>Vendor 0003</FromName><ToName>vendor 0005</ToName>"
                "</NameRangeFilter></VendorQueryRq>"
            )
        )
    )
    assert full_names(rs) == ["Vendor 0003", "Vendor 0004", "Vendor 0005"]


def test_max_returned_truncates_a_query_without_iterator(company: QuickBooksCompany) -> None:
    rs = only(company.process(qbxml("<AccountQueryRq><MaxReturned>3</MaxReturned></AccountQueryRq>")))
    assert full_names(rs) == ["Accounts Payable", "Accounts Receivable", "Advertising and Promotion"]
    assert rs.get("iteratorID") is None


def test_account_type_filter(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                "<AccountQueryRq><AccountType>CostOfGoodsSold</AccountType><AccountType>Bank</AccountType>"
                "</AccountQueryRq>"
            )
        )
    )
    assert full_names(rs) == ["Checking", "Cost of Goods Sold", "Inventory Adjustment", "Savings"]


def test_modified_date_filters_use_time_modified(company: QuickBooksCompany) -> None:
    added = only(
        company.process(
            qbxml(
                "<AccountAddRq><AccountAdd><Name>Tips</Name><AccountType>Income</AccountType></AccountAdd></AccountAddRq>"
            )
        )
    )
    modified = added[0].findtext("TimeModified")
    assert modified is not None
    rs = only(
        company.process(
            qbxml(f"<AccountQueryRq><FromModifiedDate>{modified}</FromModifiedDate></AccountQueryRq>")
        )
    )
    assert full_names(rs) == ["Tips"]
    before = only(
        company.process(qbxml("<AccountQueryRq><ToModifiedDate>2024-01-14</ToModifiedDate></AccountQueryRq>"))
    )
    assert status(before) == (1, "Info")
    whole_day = only(
        company.process(qbxml("<AccountQueryRq><ToModifiedDate>2024-01-15</ToModifiedDate></AccountQueryRq>"))
    )
    assert len(whole_day) == len(company.accounts)


def test_an_impossible_date_is_status_3020(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(qbxml("<ClassQueryRq><FromModifiedDate>2024-13-45</FromModifiedDate></ClassQueryRq>"))
    )
    assert status(rs) == (3020, "Error")
    assert '"2024-13-45"' in (rs.get("statusMessage") or "")


def test_include_ret_element_returns_only_the_named_children(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                "<CustomerQueryRq><FullName>Customer 0009:Job 1</FullName>"
                "<IncludeRetElement>ListID</IncludeRetElement>"
                "<IncludeRetElement>ParentRef</IncludeRetElement>"
                "<IncludeRetElement>TotalBalance</IncludeRetElement>"
                "</CustomerQueryRq>"
            )
        )
    )
    (job,) = rs
    assert [child.tag for child in job] == ["ListID", "ParentRef", "TotalBalance"]
    assert job.findtext("ParentRef/FullName") == "Customer 0009"


def test_meta_data_only_counts_without_returning_elements(company: QuickBooksCompany) -> None:
    rs = only(company.process(qbxml('<EmployeeQueryRq metaData="MetaDataOnly"/>')))
    assert (rs.get("retCount"), len(rs)) == ("4", 0)


def test_filters_the_simulator_does_not_implement_are_refused_not_ignored(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                "<CustomerQueryRq><TotalBalanceFilter><Operator>GreaterThan</Operator><Amount>100.00</Amount>"
                "</TotalBalanceFilter></CustomerQueryRq>"
            )
        )
    )
    assert status(rs) == (1030, "Error")
    assert "TotalBalanceFilter" in (rs.get("statusMessage") or "")


# Iterators -------------------------------------------------------------------------------------------


def start_customers(company: QuickBooksCompany, page_size: int) -> etree._Element:
    return only(
        company.process(
            qbxml(
                f'<CustomerQueryRq requestID="it-1" iterator="Start"><MaxReturned>{page_size}</MaxReturned>'
                "<ActiveStatus>All</ActiveStatus><IncludeRetElement>ListID</IncludeRetElement></CustomerQueryRq>"
            )
        )
    )


def continue_customers(company: QuickBooksCompany, iterator_id: str, page_size: int) -> etree._Element:
    return only(
        company.process(
            qbxml(
                f'<CustomerQueryRq requestID="it-2" iterator="Continue" iteratorID="{iterator_id}">'
                f"<MaxReturned>{page_size}</MaxReturned><IncludeRetElement>ListID</IncludeRetElement>"
                "</CustomerQueryRq>"
            )
        )
    )


def test_iterator_pages_through_every_customer_once() -> None:
    company = QuickBooksCompany.sample(customers=1234)
    first = start_customers(company, 500)
    iterator_id = first.get("iteratorID") or ""
    assert iterator_id.startswith("{")
    assert iterator_id.endswith("}")
    pages = [first]
    while int(pages[-1].get("iteratorRemainingCount", "0")) > 0:
        pages.append(continue_customers(company, iterator_id, 500))
    assert [len(page) for page in pages] == [500, 500, 234]
    assert [page.get("iteratorRemainingCount") for page in pages] == ["734", "234", "0"]
    assert {page.get("iteratorID") for page in pages} == {iterator_id}
    assert {status(page) for page in pages} == {(0, "Info")}
    seen = [ret.findtext("ListID") for page in pages for ret in page]
    assert seen == [customer.list_id for customer in company.customers]
    # A used-up iterator is gone.
    done = continue_customers(company, iterator_id, 500)
    assert status(done) == (3391, "Error")
    assert done.get("statusMessage") == f'The iteratorID "{iterator_id}" is not valid.'


def test_iterators_end_with_the_qbwc_session() -> None:
    company = QuickBooksCompany.sample(customers=30)
    iterator_id = start_customers(company, 10).get("iteratorID") or ""
    assert len(continue_customers(company, iterator_id, 10)) == 10
    company.end_session()
    assert status(continue_customers(company, iterator_id, 10)) == (3391, "Error")


def test_an_iterator_belongs_to_its_query(company: QuickBooksCompany) -> None:
    iterator_id = start_customers(company, 5).get("iteratorID")
    rs = only(
        company.process(
            qbxml(
                f'<ItemQueryRq iterator="Continue" iteratorID="{iterator_id}"><MaxReturned>5</MaxReturned></ItemQueryRq>'
            )
        )
    )
    assert status(rs) == (3391, "Error")


# Adds ------------------------------------------------------------------------------------------------

ACCOUNT_ADD = """<AccountAddRq requestID="add-1">
      <AccountAdd>
        <Name>{name}</Name>
        <AccountType>Income</AccountType>
        <Desc>Created by the bridge</Desc>
      </AccountAdd>
    </AccountAddRq>"""


def test_account_add_stores_the_account_and_returns_it(company: QuickBooksCompany) -> None:
    rs = only(company.process(qbxml(ACCOUNT_ADD.format(name="Consulting Income"))))
    assert (rs.tag, rs.get("requestID"), status(rs)) == ("AccountAddRs", "add-1", (0, "Info"))
    (ret,) = rs
    assert ret.tag == "AccountRet"
    assert [
        ret.findtext(tag) for tag in ("Name", "FullName", "IsActive", "Sublevel", "AccountType", "Desc")
    ] == [
        "Consulting Income",
        "Consulting Income",
        "true",
        "0",
        "Income",
        "Created by the bridge",
    ]
    assert ret.findtext("Balance") == "0.00"
    queried = only(
        company.process(qbxml("<AccountQueryRq><FullName>Consulting Income</FullName></AccountQueryRq>"))
    )
    assert queried[0].findtext("ListID") == ret.findtext("ListID")


def test_adding_a_name_in_use_is_3100_whatever_the_case(company: QuickBooksCompany) -> None:
    rs = only(company.process(qbxml(ACCOUNT_ADD.format(name="psa other"))))
    assert status(rs) == (3100, "Error")
    assert rs.get("statusMessage") == 'The name "psa other" of the list element is already in use.'
    assert len(rs) == 0


def test_account_add_below_a_parent(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                "<AccountAddRq><AccountAdd><Name>Tips</Name><ParentRef><FullName>Sales</FullName></ParentRef>"
                "<AccountType>Income</AccountType><OpenBalance>12.50</OpenBalance></AccountAdd>"
                "<IncludeRetElement>FullName</IncludeRetElement><IncludeRetElement>Sublevel</IncludeRetElement>"
                "<IncludeRetElement>Balance</IncludeRetElement></AccountAddRq>"
            )
        )
    )
    assert [(child.tag, child.text) for child in rs[0]] == [
        ("FullName", "Sales:Tips"),
        ("Sublevel", "1"),
        ("Balance", "12.50"),
    ]
    parent = only(company.process(qbxml("<AccountQueryRq><FullName>Sales</FullName></AccountQueryRq>")))
    assert parent[0].findtext("TotalBalance") == "12.50"


def test_account_add_with_references_to_nothing(company: QuickBooksCompany) -> None:
    missing_parent, missing_code = answers(
        company.process(
            qbxml(
                "<AccountAddRq><AccountAdd><Name>Tips</Name><ParentRef><FullName>Nope</FullName></ParentRef>"
                "<AccountType>Income</AccountType></AccountAdd></AccountAddRq>",
                "<AccountAddRq><AccountAdd><Name>Tips</Name><AccountType>Income</AccountType>"
                "<SalesTaxCodeRef><FullName>ZZ</FullName></SalesTaxCodeRef></AccountAdd></AccountAddRq>",
                on_error="continueOnError",
            )
        )
    )
    assert status(missing_parent) == (3130, "Error")
    assert missing_parent.get("statusMessage") == (
        'There is an invalid reference to a parent "Nope" in the Accounts list.  '
        "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
    )
    assert status(missing_code) == (3140, "Error")
    assert (missing_code.get("statusMessage") or "").startswith(
        'There is an invalid reference to QuickBooks Sales Tax Code "ZZ" in the Account.'
    )
    assert company.accounts.find("Tips") is None


# Message sets, status codes and faults ---------------------------------------------------------------


def test_stop_on_error_stops_at_the_first_error(company: QuickBooksCompany) -> None:
    response = company.process(
        qbxml(
            '<ClassQueryRq requestID="1"/>',
            ACCOUNT_ADD.format(name="Checking").replace("add-1", "2"),
            '<TermsQueryRq requestID="3"/>',
        )
    )
    assert [(rs.get("requestID"), status(rs)) for rs in answers(response)] == [
        ("1", (0, "Info")),
        ("2", (3100, "Error")),
    ]


def test_stop_on_error_stops_at_a_warning_too(company: QuickBooksCompany) -> None:
    response = company.process(
        qbxml(
            '<ClassQueryRq requestID="1"><FullName>Retail</FullName><FullName>Wholesale</FullName></ClassQueryRq>',
            '<TermsQueryRq requestID="2"/>',
        )
    )
    assert [status(rs) for rs in answers(response)] == [(500, "Warn")]


def test_continue_on_error_answers_every_request_in_order(company: QuickBooksCompany) -> None:
    response = company.process(
        qbxml(
            '<ClassQueryRq requestID="a"/>',
            ACCOUNT_ADD.format(name="Checking").replace("add-1", "b"),
            '<VendorCreditQueryRq requestID="c"><MaxReturned>1</MaxReturned></VendorCreditQueryRq>',
            '<TermsQueryRq requestID="d"/>',
            on_error="continueOnError",
        )
    )
    assert [(rs.tag, rs.get("requestID"), status(rs)[0]) for rs in answers(response)] == [
        ("ClassQueryRs", "a", 0),
        ("AccountAddRs", "b", 3100),
        ("VendorCreditQueryRs", "c", 1030),
        ("TermsQueryRs", "d", 0),
    ]


def test_an_unsupported_request_type_is_an_error_status_not_a_crash(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(qbxml("<VendorCreditQueryRq><MaxReturned>1</MaxReturned></VendorCreditQueryRq>"))
    )
    assert rs.tag == "VendorCreditQueryRs"
    assert status(rs) == (1030, "Error")
    assert "VendorCreditQueryRq" in (rs.get("statusMessage") or "")


def test_requests_without_request_id_are_answered_without_one(company: QuickBooksCompany) -> None:
    assert only(company.process(qbxml("<ClassQueryRq/>"))).get("requestID") is None


def test_a_locked_list_answers_3180_the_given_number_of_times(company: QuickBooksCompany) -> None:
    company.lock_list("CustomerQueryRq", 2)
    request = qbxml('<CustomerQueryRq requestID="7"><MaxReturned>1</MaxReturned></CustomerQueryRq>')
    locked = [only(company.process(request)) for _ in range(2)]
    assert {status(rs) for rs in locked} == {(3180, "Error")}
    assert locked[0].get("statusMessage") == (
        "There was an error when saving a Customers list.  "
        "QuickBooks error message: This list has been modified by another user."
    )
    assert locked[0].get("requestID") == "7"
    assert status(only(company.process(request))) == (0, "Info")
    # Other requests were never locked.
    assert status(
        only(company.process(qbxml("<VendorQueryRq><MaxReturned>1</MaxReturned></VendorQueryRq>")))
    ) == (
        0,
        "Info",
    )


def test_a_locked_add_names_the_element(company: QuickBooksCompany) -> None:
    company.lock_list("AccountAddRq", 1)
    rs = only(company.process(qbxml(ACCOUNT_ADD.format(name="Tips"))))
    assert status(rs) == (3180, "Error")
    assert 'Accounts list, element "Tips"' in (rs.get("statusMessage") or "")
    assert company.accounts.find("Tips") is None


def test_only_list_and_transaction_requests_can_be_locked(company: QuickBooksCompany) -> None:
    with pytest.raises(ValueError, match="VendorCreditAddRq"):
        company.lock_list("VendorCreditAddRq", 1)
    with pytest.raises(ValueError, match="HostQueryRq"):
        company.lock_list("HostQueryRq", 1)
    with pytest.raises(ValueError, match="3100"):
        company.lock_list("CustomerAddRq", 1, status_code=3100)


def test_every_request_document_is_recorded(company: QuickBooksCompany) -> None:
    first, second = qbxml("<ClassQueryRq/>"), qbxml("<TermsQueryRq/>", version="12.0")
    company.process(first)
    company.process(second)
    with pytest.raises(QbXmlParseError):
        company.process("<QBXML>")
    assert company.requests_seen == [first, second, "<QBXML>"]


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (
            qbxml(
                "<CustomerQueryRq><MaxReturned>5</MaxReturned><FullName>Customer 0001</FullName></CustomerQueryRq>"
            ),
            "Element 'FullName': This element is not expected",
        ),
        (
            qbxml(
                "<AccountAddRq><AccountAdd><AccountType>Income</AccountType><Name>X</Name></AccountAdd></AccountAddRq>"
            ),
            "Element 'AccountType': This element is not expected",
        ),
        (qbxml("<CustomerQueryRq><Colour>Red</Colour></CustomerQueryRq>"), "Element 'Colour'"),
        (qbxml("<CustomerFetchRq/>"), "Element 'CustomerFetchRq'"),
        (qbxml("<ClassQueryRq/>", version="14.0"), "qbXML version 14.0 is newer"),
        (qbxml("<ClassQueryRq/>").replace('<?qbxml version="13.0"?>\n', ""), "missing <?qbxml"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE QBXML [<!ENTITY x "y">]>\n<?qbxml version="13.0"?>\n'
            '<QBXML><QBXMLMsgsRq onError="stopOnError"><ClassQueryRq/></QBXMLMsgsRq></QBXML>',
            "document type declarations",
        ),
        (qbxml("<ClassQueryRq>"), "not well-formed"),
        (
            '<?xml version="1.0" ?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRs>'
            '<ClassQueryRs statusCode="1" statusSeverity="Info"/></QBXMLMsgsRs></QBXML>',
            "no QBXMLMsgsRq",
        ),
    ],
)
def test_documents_quickbooks_cannot_parse_are_refused_whole(
    company: QuickBooksCompany, document: str, reason: str
) -> None:
    with pytest.raises(QbXmlParseError) as refused:
        company.process(document)
    assert refused.value.hresult == "0x80040400"
    assert refused.value.message.startswith(
        "QuickBooks found an error when parsing the provided XML text stream."
    )
    assert reason in refused.value.message


def test_an_older_quickbooks_refuses_newer_qbxml() -> None:
    company = QuickBooksCompany(qbxml_version=(12, 0))
    assert answers(company.process(qbxml("<ClassQueryRq/>", version="12.0")))
    with pytest.raises(QbXmlParseError, match="newer than this QuickBooks"):
        company.process(qbxml("<ClassQueryRq/>"))


def test_a_page_of_a_large_company_is_fast() -> None:
    company = QuickBooksCompany.sample(customers=2000)
    request = qbxml('<CustomerQueryRq iterator="Start"><MaxReturned>500</MaxReturned></CustomerQueryRq>')
    company.process(request)  # the schema loads on first use
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = company.process(request)
        timings.append(time.perf_counter() - started)
    assert response.count("<CustomerRet>") == 500
    assert min(timings) < 0.1
