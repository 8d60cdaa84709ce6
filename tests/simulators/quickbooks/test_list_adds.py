"""Adding customers, items and classes through qbXML, with QuickBooks' answers when it refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulators.quickbooks import (
    Customer,
    Employee,
    ItemNonInventory,
    ItemService,
    NameInUseError,
    QbXmlParseError,
    QuickBooksCompany,
    SalesAndPurchase,
    SalesOrPurchase,
    Vendor,
)
from tests.simulators.quickbooks.helpers import answers, only, qbxml, status

NO_SUCH_RECORD = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)


@pytest.fixture
def company() -> QuickBooksCompany:
    return QuickBooksCompany.sample()


def customer_add(name: str, *inner: str) -> str:
    return f"<CustomerAddRq><CustomerAdd><Name>{name}</Name>{''.join(inner)}</CustomerAdd></CustomerAddRq>"


def service_add(name: str, *inner: str, pricing: str | None = None) -> str:
    pricing = pricing or (
        "<SalesOrPurchase><Desc>Help desk, per hour</Desc><Price>95.50</Price>"
        "<AccountRef><FullName>Sales:Services</FullName></AccountRef></SalesOrPurchase>"
    )
    return f"<ItemServiceAddRq><ItemServiceAdd><Name>{name}</Name>{''.join(inner)}{pricing}</ItemServiceAdd></ItemServiceAddRq>"


# Customers ---------------------------------------------------------------------------------------------


def test_customer_add_stores_what_matters_and_answers_its_ret(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                '<CustomerAddRq requestID="c1"><CustomerAdd>'
                "<Name>Harbor Dental</Name><CompanyName>Harbor Dental LLC</CompanyName>"
                "<BillAddress><Addr1>12 Pier Road</Addr1><Addr2>Suite 4</Addr2><City>Portland</City>"
                "<State>OR</State><PostalCode>97205</PostalCode></BillAddress>"
                "<ShipAddress><Addr1>Dock 3</Addr1><City>Portland</City></ShipAddress>"
                "<Email>ap@harbor.example</Email><TermsRef><FullName>Net 30</FullName></TermsRef>"
                "<SalesTaxCodeRef><FullName>Non</FullName></SalesTaxCodeRef>"
                "<ItemSalesTaxRef><FullName>State Sales Tax</FullName></ItemSalesTaxRef>"
                "<ExternalGUID>{6B29FC40-CA47-1067-B31D-00DD010662DA}</ExternalGUID>"
                "</CustomerAdd></CustomerAddRq>"
            )
        )
    )
    assert (rs.get("requestID"), status(rs)) == ("c1", (0, "Info"))
    (ret,) = rs
    assert ret.tag == "CustomerRet"
    assert ret.findtext("FullName") == "Harbor Dental"
    assert ret.findtext("BillAddressBlock/Addr3") == "Portland, OR 97205"
    assert ret.findtext("TermsRef/FullName") == "Net 30"
    assert ret.findtext("ExternalGUID") == "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
    stored = company.customers.find("harbor dental")
    assert stored is not None and stored.list_id == ret.findtext("ListID")
    assert stored.email == "ap@harbor.example"
    assert stored.bill_address is not None and stored.bill_address.addr2 == "Suite 4"
    assert stored.ship_address is not None and stored.ship_address.addr1 == "Dock 3"
    assert stored.sales_tax_code is not None and stored.sales_tax_code.name == "Non"
    assert stored.item_sales_tax is not None and stored.item_sales_tax.name == "State Sales Tax"
    assert stored.currency is None  # multi-currency is off


def test_a_job_goes_below_its_customer_and_takes_its_currency() -> None:
    company = QuickBooksCompany.sample(multicurrency_on=True)
    added = answers(
        company.process(
            qbxml(
                customer_add("Acme", "<CurrencyRef><FullName>Euro</FullName></CurrencyRef>"),
                customer_add("Roof repair", "<ParentRef><FullName>ACME</FullName></ParentRef>"),
                customer_add("Local"),
            )
        )
    )
    assert [status(rs) for rs in added] == [(0, "Info")] * 3
    job = added[1][0]
    assert (job.findtext("FullName"), job.findtext("Sublevel")) == ("Acme:Roof repair", "1")
    assert job.findtext("ParentRef/FullName") == "Acme"
    assert job.findtext("CurrencyRef/FullName") == "Euro"
    local = company.customers.find("Local")
    assert company.home_currency is not None and company.home_currency.name == "US Dollar"
    assert local is not None and local.currency is company.home_currency


@pytest.mark.parametrize("existing", ["Customer 0001", "customer 0001", "Vendor 0003", "Fatima Okafor"])
def test_a_customer_name_in_use_in_any_name_list_is_3100(company: QuickBooksCompany, existing: str) -> None:
    rs = only(company.process(qbxml(customer_add(existing))))
    assert status(rs) == (3100, "Error")
    assert rs.get("statusMessage") == f'The name "{existing}" of the list element is already in use.'
    assert len(company.customers) == 25


def test_names_are_shared_both_ways_between_customers_vendors_and_employees() -> None:
    company = QuickBooksCompany()
    company.add(Customer(name="Pat Lee"))
    with pytest.raises(NameInUseError):
        company.add(Employee(name="pat lee"))
    with pytest.raises(NameInUseError):
        company.add(Vendor(name="Pat Lee"))
    # A job's name only has to be unique below its customer.
    parent = company.add(Customer(name="Acme"))
    company.add(Vendor(name="Roof"))
    assert company.add(Customer(name="Roof", parent=parent)).full_name == "Acme:Roof"


def test_customer_add_with_references_to_nothing(company: QuickBooksCompany) -> None:
    response = company.process(
        qbxml(
            customer_add("Acme", "<ParentRef><FullName>Nobody</FullName></ParentRef>"),
            customer_add("Acme", "<TermsRef><FullName>Net 7</FullName></TermsRef>"),
            customer_add("Acme", "<SalesTaxCodeRef><FullName>ZZ</FullName></SalesTaxCodeRef>"),
            customer_add("Acme", "<ItemSalesTaxRef><FullName>Consulting</FullName></ItemSalesTaxRef>"),
            customer_add("Acme", "<ClassRef><FullName>Nowhere</FullName></ClassRef>"),
            # Without multi-currency there is no currency list to point at.
            customer_add("Acme", "<CurrencyRef><FullName>Euro</FullName></CurrencyRef>"),
            on_error="continueOnError",
        )
    )
    parent, terms, code, tax_item, class_, currency = answers(response)
    assert status(parent) == (3130, "Error")
    assert parent.get("statusMessage") == (
        f'There is an invalid reference to a parent "Nobody" in the Customers list.  {NO_SUCH_RECORD}'
    )
    for rs, kind, name in (
        (terms, "Terms", "Net 7"),
        (code, "Sales Tax Code", "ZZ"),
        (tax_item, "Item", "Consulting"),  # an item, but not a sales tax item
        (class_, "Class", "Nowhere"),
        (currency, "Currency", "Euro"),
    ):
        assert status(rs) == (3140, "Error")
        assert rs.get("statusMessage") == (
            f'There is an invalid reference to QuickBooks {kind} "{name}" in the Customer.  {NO_SUCH_RECORD}'
        )
    assert company.customers.find("Acme") is None


def test_a_name_longer_than_quickbooks_stores_is_3070_not_a_refused_document(
    company: QuickBooksCompany,
) -> None:
    too_long = "Northwind Regional Veterinary Partners of Ohio"  # 46 characters, the limit is 41
    response = company.process(
        qbxml(
            customer_add("Fits"), customer_add(too_long), customer_add("Fits too"), on_error="continueOnError"
        )
    )
    fits, refused, fits_too = answers(response)
    assert status(refused) == (3070, "Error")
    assert refused.get("statusMessage") == f'The string "{too_long}" in the field "Name" is too long.'
    assert (status(fits), status(fits_too)) == ((0, "Info"), (0, "Info"))
    assert company.customers.find(too_long) is None


def test_the_3070_names_the_field_at_fault_even_on_one_line(company: QuickBooksCompany) -> None:
    # The bridge writes whole documents on one line; a 35-character name fits a customer (41) but not an
    # item (31), so only the item is refused.
    name = "Managed firewall, monthly, per site"
    document = qbxml(customer_add(name), service_add(name), on_error="continueOnError").replace("\n", "")
    customer, item = answers(company.process(document))
    assert status(customer) == (0, "Info")
    assert status(item) == (3070, "Error")
    assert f'"{name}" in the field "Name"' in (item.get("statusMessage") or "")


def test_other_schema_errors_still_refuse_the_whole_document(company: QuickBooksCompany) -> None:
    document = qbxml(customer_add("N" * 50), "<CustomerQueryRq><Colour>Red</Colour></CustomerQueryRq>")
    with pytest.raises(QbXmlParseError, match="Colour"):
        company.process(document)


# Items -------------------------------------------------------------------------------------------------


def test_item_service_add_with_sales_or_purchase(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                service_add("Remote Support", "<SalesTaxCodeRef><FullName>Non</FullName></SalesTaxCodeRef>")
            )
        )
    )
    assert status(rs) == (0, "Info")
    (ret,) = rs
    assert ret.tag == "ItemServiceRet"
    assert ret.findtext("SalesOrPurchase/Price") == "95.50"
    assert ret.findtext("SalesOrPurchase/AccountRef/FullName") == "Sales:Services"
    item = company.items.find("Remote Support")
    assert isinstance(item, ItemService)
    assert isinstance(item.pricing, SalesOrPurchase)
    assert (item.sales_desc, item.sales_price) == ("Help desk, per hour", Decimal("95.50"))


def test_item_non_inventory_add_with_sales_and_purchase_below_a_parent(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(
            qbxml(
                "<ItemNonInventoryAddRq><ItemNonInventoryAdd><Name>Rugged</Name>"
                "<ParentRef><FullName>Cable</FullName></ParentRef>"
                "<ManufacturerPartNumber>RG-1</ManufacturerPartNumber>"
                "<SalesAndPurchase><SalesDesc>Rugged cable</SalesDesc><SalesPrice>30.00</SalesPrice>"
                "<IncomeAccountRef><FullName>Sales:Product Sales</FullName></IncomeAccountRef>"
                "<PurchaseCost>12.00</PurchaseCost>"
                "<ExpenseAccountRef><FullName>Cost of Goods Sold</FullName></ExpenseAccountRef>"
                "<PrefVendorRef><FullName>Vendor 0002</FullName></PrefVendorRef>"
                "</SalesAndPurchase></ItemNonInventoryAdd></ItemNonInventoryAddRq>"
            )
        )
    )
    assert status(rs) == (0, "Info")
    assert rs[0].findtext("FullName") == "Cable:Rugged"
    item = company.items.find("Cable:Rugged")
    assert isinstance(item, ItemNonInventory)
    assert item.manufacturer_part_number == "RG-1"
    assert isinstance(item.pricing, SalesAndPurchase)
    assert item.pricing.preferred_vendor is not None and item.pricing.preferred_vendor.name == "Vendor 0002"


def test_item_adds_refused_as_quickbooks_refuses_them(company: QuickBooksCompany) -> None:
    no_account = "<SalesOrPurchase><Price>10.00</Price></SalesOrPurchase>"
    bad_account = "<SalesOrPurchase><AccountRef><FullName>Nope</FullName></AccountRef></SalesOrPurchase>"
    response = company.process(
        qbxml(
            service_add("widget"),  # an inventory item already has the name
            service_add("Tune-up", pricing=bad_account),
            service_add("Tune-up", "<ParentRef><FullName>Nowhere</FullName></ParentRef>"),
            service_add("Tune-up", "<ParentRef><FullName>Cable</FullName></ParentRef>"),  # not a service
            service_add("Tune-up", pricing=no_account),
            on_error="continueOnError",
        )
    )
    taken, account, parent, other_kind, missing = answers(response)
    assert status(taken) == (3100, "Error")
    assert status(account) == (3140, "Error")
    assert account.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks Account "Nope" in the ItemService.  {NO_SUCH_RECORD}'
    )
    assert status(parent) == (3130, "Error")
    assert parent.get("statusMessage") == (
        f'There is an invalid reference to a parent "Nowhere" in the Items list.  {NO_SUCH_RECORD}'
    )
    assert status(other_kind) == (3130, "Error")
    assert status(missing) == (3180, "Error")
    assert "account" in (missing.get("statusMessage") or "")
    assert company.items.find("Tune-up") is None


def test_what_an_add_does_not_understand_is_refused_not_dropped(company: QuickBooksCompany) -> None:
    rs = only(
        company.process(qbxml(service_add("Tune-up", "<BarCode><BarCodeValue>1</BarCodeValue></BarCode>")))
    )
    assert status(rs) == (1030, "Error")
    assert "BarCode" in (rs.get("statusMessage") or "")


def test_class_add(company: QuickBooksCompany) -> None:
    services, north = answers(
        company.process(
            qbxml(
                "<ClassAddRq><ClassAdd><Name>Services</Name></ClassAdd></ClassAddRq>",
                "<ClassAddRq><ClassAdd><Name>North</Name><ParentRef><FullName>Retail</FullName></ParentRef>"
                "</ClassAdd></ClassAddRq>",
            )
        )
    )
    assert (services[0].tag, services[0].findtext("FullName")) == ("ClassRet", "Services")
    assert north[0].findtext("FullName") == "Retail:North"
    assert company.classes.find("retail:north") is not None
