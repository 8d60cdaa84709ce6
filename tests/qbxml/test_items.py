"""The non-inventory part a bill's item line creates: ItemNonInventoryAdd with SalesAndPurchase."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from chalicelib.qbxml.document import render_request_message
from chalicelib.qbxml.invoices import LIST_RET_ELEMENTS
from chalicelib.qbxml.items import build_item_non_inventory_add
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml
from tests.qbxml.schema import XSD, element_names_within, schema_definition

ACCOUNTS = {"income_account": "PSA Other", "expense_account": "Cost of Goods Sold"}


def tags(element: etree._Element) -> list[str]:
    return [child.tag for child in element]


def valid(*requests: etree._Element) -> list[str]:
    return qbxml_errors(render_request_message(list(requests)))


def part(**arguments: object) -> etree._Element:
    base: dict[str, object] = {"name": "Laptop 14in", "parent": None, **ACCOUNTS}
    return build_item_non_inventory_add("i-1", **(base | arguments))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"parent": "Hardware:Computers"},
        {"description": "Latitude", "cost": Decimal("999"), "price": Decimal("1299.95")},
        {"cost": Decimal("0")},
    ],
    ids=["minimal", "sub-level", "full", "free"],
)
def test_item_non_inventory_add_is_valid_qbxml(arguments: dict[str, object]) -> None:
    assert valid(part(**arguments)) == []


def test_item_non_inventory_add_writes_every_field_in_schema_order() -> None:
    request = part(parent="Hardware", description="Latitude", cost=Decimal("999.5"), price=Decimal("1299.95"))

    assert request.tag == "ItemNonInventoryAddRq"
    assert request.items() == [("requestID", "i-1")]
    assert tags(request) == ["ItemNonInventoryAdd", *["IncludeRetElement"] * len(LIST_RET_ELEMENTS)]
    add = request.find("ItemNonInventoryAdd")
    assert add is not None
    assert tags(add) == ["Name", "ParentRef", "SalesAndPurchase"]
    assert add.findtext("Name") == "Laptop 14in"
    assert add.findtext("ParentRef/FullName") == "Hardware"
    both = add.find("SalesAndPurchase")
    assert both is not None
    assert tags(both) == [
        "SalesDesc",
        "SalesPrice",
        "IncomeAccountRef",
        "PurchaseDesc",
        "PurchaseCost",
        "ExpenseAccountRef",
    ]
    assert both.findtext("SalesDesc") == "Latitude"
    assert both.findtext("SalesPrice") == "1299.95"
    assert both.findtext("IncomeAccountRef/FullName") == "PSA Other"
    assert both.findtext("PurchaseDesc") == "Latitude"
    assert both.findtext("PurchaseCost") == "999.5"
    assert both.findtext("ExpenseAccountRef/FullName") == "Cost of Goods Sold"


def test_a_minimal_part_has_its_name_and_accounts() -> None:
    add = part().find("ItemNonInventoryAdd")
    assert add is not None

    assert tags(add) == ["Name", "SalesAndPurchase"]
    assert tags(add.find("SalesAndPurchase")) == ["IncomeAccountRef", "ExpenseAccountRef"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [("999", "999"), ("999.00", "999"), ("0.5", "0.5"), ("12.345674", "12.34567"), ("0", "0")],
)
def test_prices_have_at_most_five_decimals(value: str, text: str) -> None:
    request = part(cost=Decimal(value), price=Decimal(value))

    assert request.findtext("ItemNonInventoryAdd/SalesAndPurchase/PurchaseCost") == text
    assert request.findtext("ItemNonInventoryAdd/SalesAndPurchase/SalesPrice") == text


def test_the_part_asks_back_what_item_non_inventory_ret_has() -> None:
    request = part()

    assert [e.text for e in request.findall("IncludeRetElement")] == [
        "ListID",
        "Name",
        "FullName",
        "IsActive",
    ]
    assert set(LIST_RET_ELEMENTS) <= element_names_within(schema_definition("element", "ItemNonInventoryRet"))


def test_the_schema_orders_sales_before_purchase() -> None:
    sequence = schema_definition("element", "SalesAndPurchase").find(f"{XSD}complexType/{XSD}sequence")
    assert sequence is not None

    assert [node.get("ref") or node.get("name") for node in sequence] == [
        "SalesDesc",
        "SalesPrice",
        "IncomeAccountRef",
        "PurchaseDesc",
        "PurchaseCost",
        "PurchaseTaxCodeRef",
        "ExpenseAccountRef",
        "PrefVendorRef",
    ]


def test_names_needing_escapes_round_trip() -> None:
    document = render_request_message([part(name="Cable & <Adapter>", description='9" & more')])

    assert qbxml_errors(document) == []
    parsed = parse_xml(document).find("QBXMLMsgsRq/ItemNonInventoryAddRq/ItemNonInventoryAdd")
    assert parsed is not None
    assert parsed.findtext("Name") == "Cable & <Adapter>"
    assert parsed.findtext("SalesAndPurchase/PurchaseDesc") == '9" & more'


def test_limits_are_fine_at_the_limit() -> None:
    request = part(name="n" * 31, description="d" * 4095, cost=Decimal("9999999999.99999"))

    assert valid(request) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": ""}, "needs a name"),
        ({"name": " "}, "needs a name"),
        ({"name": "n" * 32}, "the item name is 32 characters; QuickBooks allows at most 31"),
        ({"name": "Hardware:Laptop"}, "pass the levels above it as parent"),
        ({"description": "d" * 4096}, "at most 4095"),
        ({"income_account": ""}, "IncomeAccountRef needs a ListID or a FullName"),
        ({"expense_account": " "}, "ExpenseAccountRef needs a ListID or a FullName"),
        ({"cost": Decimal("NaN")}, "cost must be a number"),
        ({"price": Decimal("Infinity")}, "price must be a number"),
        ({"price": Decimal("1E10")}, "at most 10 digits"),
        ({"cost": Decimal("9999999999.999999")}, "at most 10 digits"),
    ],
)
def test_what_quickbooks_would_refuse_is_refused_not_cut(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        part(**arguments)
