"""The sample company file, adding elements directly, and what QBWC reports about QuickBooks (HCP)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from lxml import etree

from chalicelib.qbxml.validation import qbxml_errors
from simulators.quickbooks import (
    Account,
    Customer,
    DateDrivenTerms,
    ItemInventory,
    ItemNonInventory,
    ItemOtherCharge,
    ItemSalesTax,
    ItemService,
    NameInUseError,
    QuickBooksCompany,
    StandardTerms,
    TrackingClass,
)


def hcp(company: QuickBooksCompany) -> etree._Element:
    """The QBXMLMsgsRs of the HCP response, checked against the qbXML 13.0 schema."""
    document = company.hcp_response()
    assert qbxml_errors(document.replace("?>\n", '?>\n<?qbxml version="13.0"?>\n', 1)) == []
    message_set = etree.fromstring(document.encode()).find("QBXMLMsgsRs")
    assert message_set is not None
    return message_set


def test_hcp_response_has_host_company_and_preferences_like_quickbooks() -> None:
    message_set = hcp(QuickBooksCompany())
    assert [(rs.tag, rs.get("requestID"), rs.get("statusCode")) for rs in message_set] == [
        ("HostQueryRs", "0", "0"),
        ("CompanyQueryRs", "1", "0"),
        ("PreferencesQueryRs", "2", "0"),
    ]
    host = message_set.find("HostQueryRs/HostRet")
    assert host is not None
    assert host.findtext("ProductName") == "QuickBooks Pro 2024"
    assert host.findtext("MajorVersion") == "34"
    assert host.findtext("Country") == "US"
    versions = [element.text for element in host.findall("SupportedQBXMLVersion")]
    assert versions[0] == "1.0"
    assert versions[-1] == "13.0"
    assert "14.0" not in versions
    assert message_set.findtext("CompanyQueryRs/CompanyRet/CompanyName") == "Sample Company"
    preferences = message_set.find("PreferencesQueryRs/PreferencesRet")
    assert preferences is not None
    assert preferences.findtext("AccountingPreferences/IsUsingClassTracking") == "true"
    assert preferences.findtext("MultiCurrencyPreferences/IsMultiCurrencyOn") == "false"
    assert preferences.find("SalesTaxPreferences") is not None
    assert preferences.findtext("TimeTrackingPreferences/FirstDayOfWeek") == "Monday"
    assert preferences.findtext("PurchasesAndVendorsPreferences/IsUsingInventory") == "true"


def test_hcp_leaves_out_what_is_switched_off() -> None:
    company = QuickBooksCompany.sample(
        sales_tax_on=False,
        time_tracking_on=False,
        class_tracking_on=False,
        multicurrency_on=True,
        inventory_on=False,
        product_name="QuickBooks Premier 2014",
        qbxml_version=(12, 0),
    )
    message_set = hcp(company)
    preferences = message_set.find("PreferencesQueryRs/PreferencesRet")
    assert preferences is not None
    assert preferences.find("SalesTaxPreferences") is None
    assert preferences.find("TimeTrackingPreferences") is None
    assert preferences.findtext("AccountingPreferences/IsUsingClassTracking") == "false"
    assert preferences.findtext("MultiCurrencyPreferences/IsMultiCurrencyOn") == "true"
    assert preferences.findtext("MultiCurrencyPreferences/HomeCurrencyRef/FullName") == "US Dollar"
    assert preferences.findtext("PurchasesAndVendorsPreferences/IsUsingInventory") == "false"
    host = message_set.find("HostQueryRs/HostRet")
    assert host is not None
    assert host.findtext("MajorVersion") == "24"
    assert host.findall("SupportedQBXMLVersion")[-1].text == "12.0"


def test_hcp_sales_tax_defaults_point_at_the_sample_tax_setup() -> None:
    preferences = hcp(QuickBooksCompany.sample()).find(
        "PreferencesQueryRs/PreferencesRet/SalesTaxPreferences"
    )
    assert preferences is not None
    assert preferences.findtext("DefaultItemSalesTaxRef/FullName") == "State Sales Tax"
    assert preferences.findtext("DefaultTaxableSalesTaxCodeRef/FullName") == "Tax"
    assert preferences.findtext("DefaultNonTaxableSalesTaxCodeRef/FullName") == "Non"


@pytest.mark.parametrize(("country", "taxable", "exempt"), [("CA", "S", "E"), ("UK", "S", "E")])
def test_canadian_and_uk_editions(country: str, taxable: str, exempt: str) -> None:
    company = QuickBooksCompany.sample(country=country)
    message_set = hcp(company)
    host = message_set.find("HostQueryRs/HostRet")
    assert host is not None
    assert host.findtext("Country") == country
    assert f"{country}3.0" in [element.text for element in host.findall("SupportedQBXMLVersion")]
    assert message_set.find("PreferencesQueryRs/PreferencesRet/MultiLocationInventoryPreferences") is None
    assert [(code.name, code.is_taxable) for code in company.sales_tax_codes] == [
        (exempt, False),
        (taxable, True),
    ]
    customer = company.customers.find("Customer 0001")
    assert customer is not None
    assert customer.item_sales_tax is None  # only the US edition keeps a tax item on customers


def test_unknown_editions_are_refused() -> None:
    with pytest.raises(ValueError, match="AU"):
        QuickBooksCompany(country="AU")


def test_the_company_queries_of_the_hcp_can_also_be_sent() -> None:
    company = QuickBooksCompany()
    response = company.process(
        '<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n<QBXML>\n'
        '  <QBXMLMsgsRq onError="stopOnError">\n'
        '    <HostQueryRq requestID="h"/>\n'
        '    <PreferencesQueryRq requestID="p"><IncludeRetElement>AccountingPreferences</IncludeRetElement>'
        "</PreferencesQueryRq>\n"
        "  </QBXMLMsgsRq>\n</QBXML>\n"
    )
    message_set = etree.fromstring(response.encode()).find("QBXMLMsgsRs")
    assert message_set is not None
    host, preferences = message_set
    assert host.findtext("HostRet/ProductName") == "QuickBooks Pro 2024"
    assert [child.tag for child in preferences.iterfind("PreferencesRet/*")] == ["AccountingPreferences"]


# The sample ------------------------------------------------------------------------------------------


def test_sample_chart_of_accounts_has_what_the_bridge_maps_to() -> None:
    accounts = QuickBooksCompany.sample().accounts
    expected = {
        "PSA Other": "Income",
        "Cost of Goods Sold": "CostOfGoodsSold",
        "Inventory Adjustment": "CostOfGoodsSold",
        "Inventory Asset": "OtherCurrentAsset",
        "Accounts Receivable": "AccountsReceivable",
        "Checking": "Bank",
        "Sales Tax Payable": "OtherCurrentLiability",
        "Payroll Expenses": "Expense",
    }
    for name, account_type in expected.items():
        account = accounts.find(name)
        assert account is not None, name
        assert account.account_type == account_type
    services = accounts.find("Sales:Services")
    assert services is not None
    assert (services.name, services.sublevel) == ("Services", 1)


def test_sample_balances_agree_with_the_lists() -> None:
    company = QuickBooksCompany.sample()
    receivable = company.accounts.find("Accounts Receivable")
    inventory = company.accounts.find("Inventory Asset")
    assert receivable is not None
    assert inventory is not None
    assert receivable.balance == sum((customer.balance for customer in company.customers), Decimal(0)) > 0
    assert inventory.balance > 0


def test_sample_lists() -> None:
    company = QuickBooksCompany.sample()
    assert len(company.customers) == 25
    jobs = [customer for customer in company.customers if customer.parent is not None]
    assert [job.full_name for job in jobs] == ["Customer 0009:Job 1", "Customer 0018:Job 2"]
    assert [customer.name for customer in company.customers if not customer.is_active] == [
        "Customer 0003",
        "Customer 0013",
        "Customer 0023",
    ]
    assert len(company.vendors) == 10 + 1  # and the sales tax agency
    assert len(company.employees) == 5
    assert len(company.items) == 20 + 1  # and the sales tax item
    kinds = {type(item) for item in company.items}
    assert kinds == {ItemService, ItemNonInventory, ItemInventory, ItemOtherCharge, ItemSalesTax}
    assert any(getattr(item, "parent", None) is not None for item in company.items)
    assert {type(term) for term in company.terms} == {StandardTerms, DateDrivenTerms}
    assert [term.name for term in company.terms if not term.is_active] == ["Net 90"]
    assert [c.full_name for c in company.classes if c.parent is not None] == [
        "Consulting:Onsite",
        "Consulting:Remote",
    ]
    assert {item.name for item in company.payroll_wage_items} >= {"Hourly", "Salary"}
    assert [(code.name, code.is_taxable) for code in company.sales_tax_codes] == [
        ("Non", False),
        ("Tax", True),
    ]


def test_sample_is_the_same_every_time() -> None:
    first, second = QuickBooksCompany.sample(customers=40), QuickBooksCompany.sample(customers=40)
    request = (
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">'
        '<CustomerQueryRq iterator="Start"><MaxReturned>10</MaxReturned></CustomerQueryRq>'
        "<ItemQueryRq/><AccountQueryRq/><EmployeeQueryRq/></QBXMLMsgsRq></QBXML>"
    )
    assert first.process(request) == second.process(request)


def test_sample_list_ids_look_like_quickbooks_ones() -> None:
    company = QuickBooksCompany.sample()
    ids = [
        element.list_id for store in (company.accounts, company.customers, company.items) for element in store
    ]
    assert all(re.fullmatch(r"8[0-9A-F]{7}-\d{10}", list_id) for list_id in ids)
    assert len(set(ids)) == len(ids)
    customer = company.customers.find("Customer 0001")
    assert customer is not None
    assert customer.edit_sequence == customer.list_id.split("-")[1]


def test_missing_accounts_take_what_needs_them_along() -> None:
    company = QuickBooksCompany.sample(missing_accounts=["PSA Other", "Inventory Asset", "Sales"])
    for name in ("PSA Other", "Inventory Asset", "Sales", "Sales:Services", "Sales:Product Sales"):
        assert company.accounts.find(name) is None
    assert {type(item) for item in company.items} == {ItemSalesTax}
    with pytest.raises(ValueError, match="Petty Cash"):
        QuickBooksCompany.sample(missing_accounts=["Petty Cash"])


def test_without_sales_tax_there_are_no_codes_nor_tax_items() -> None:
    company = QuickBooksCompany.sample(sales_tax_on=False)
    assert len(company.sales_tax_codes) == 0
    assert not any(isinstance(item, ItemSalesTax) for item in company.items)
    assert company.accounts.find("Sales Tax Payable") is None
    assert all(customer.sales_tax_code is None for customer in company.customers)


# Adding directly -------------------------------------------------------------------------------------


def test_add_stamps_and_files_the_element() -> None:
    company = QuickBooksCompany()
    parent = company.add(Customer(name="Acme"))
    job = company.add(Customer(name="Roof", parent=parent))
    assert parent.list_id != job.list_id
    assert job.full_name == "Acme:Roof"
    assert company.customers.find("ACME:ROOF") is job
    assert company.customers.get(job.list_id) is job
    assert job.time_modified > parent.time_modified
    with pytest.raises(NameInUseError):
        company.add(Customer(name="acme"))


def test_add_refuses_parents_from_elsewhere() -> None:
    company, other = QuickBooksCompany(), QuickBooksCompany()
    foreign = other.add(TrackingClass(name="East"))
    with pytest.raises(ValueError, match="parent"):
        company.add(TrackingClass(name="Sub", parent=foreign))
    income = company.add(Account(name="Income", account_type="Income"))
    with pytest.raises(ValueError, match="parent"):
        company.add(Customer(name="Odd", parent=income))
