"""The inventory requests in ``chalicelib.qbxml.inventory``: inventory parts (ItemInventoryAdd and the
ItemInventoryQuery of what is on hand), item receipts against purchase-order lines and inventory
adjustments, and the reading of an ItemInventoryRet."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from chalicelib.domain.inventory import InventoryLevel
from chalicelib.qbxml.document import IteratorMode, render_request_message
from chalicelib.qbxml.inventory import (
    ADJUSTMENT_REF_NUMBER_MAX_LENGTH,
    INVENTORY_RET_ELEMENTS,
    RECEIPT_REF_NUMBER_MAX_LENGTH,
    AdjustmentLineSpec,
    InventoryAdjustmentSpec,
    ItemReceiptLineSpec,
    ItemReceiptSpec,
    build_inventory_adjustment_add,
    build_inventory_adjustment_query,
    build_inventory_levels_query,
    build_inventory_read,
    build_item_inventory_add,
    build_item_receipt_add,
    build_item_receipt_query,
    parse_inventory_level,
)
from chalicelib.qbxml.invoices import LIST_RET_ELEMENTS, Ref
from chalicelib.qbxml.responses import QbResponseError
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml
from tests.qbxml.schema import XSD, element_names_within, schema_definition

GUID = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
ITERATOR_ID = "{eb05f701-e727-472f-8ade-6753c4f67a46}"
ADD_RET = ["TxnID", "TimeCreated", "RefNumber", "ExternalGUID"]
ACCOUNTS = {
    "income_account": "Sales:Hardware",
    "cogs_account": "Cost of Goods Sold",
    "asset_account": "Inventory Asset",
}


def tags(element: etree._Element) -> list[str]:
    return [child.tag for child in element]


def valid(*requests: etree._Element) -> list[str]:
    return qbxml_errors(render_request_message(list(requests)))


def returned(request: etree._Element) -> list[str | None]:
    return [e.text for e in request.findall("IncludeRetElement")]


def max_length(element: str, child: str) -> str | None:
    found = schema_definition("element", element).find(f".//{XSD}element[@name='{child}']//{XSD}maxLength")
    return None if found is None else found.get("value")


def sequence_of(element: str) -> list[str]:
    sequence = schema_definition("element", element).find(f"{XSD}complexType/{XSD}sequence")
    assert sequence is not None
    return [node.get("ref") or node.get("name") or node.tag.removeprefix(XSD) for node in sequence]


# --- ItemInventoryAdd ----------------------------------------------------------------------------------


def part(**arguments: object) -> etree._Element:
    base: dict[str, object] = {
        "name": "Switch 24p",
        "parent": None,
        "description": None,
        "cost": None,
        "price": None,
        **ACCOUNTS,
    }
    return build_item_inventory_add("ii-1", **(base | arguments))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"parent": "Hardware:Network"},
        {"description": "24-port switch", "cost": Decimal("189.5"), "price": Decimal("249.99")},
        {"name": "N" * 31, "description": "d" * 4095, "cost": Decimal("9999999999.99999")},
    ],
    ids=["minimal", "sub-level", "full", "at-the-limits"],
)
def test_item_inventory_add_is_valid_qbxml(arguments: dict[str, object]) -> None:
    assert valid(part(**arguments)) == []


def test_item_inventory_add_writes_every_field_in_schema_order() -> None:
    request = part(
        parent="Hardware", description="24-port switch", cost=Decimal("189.5"), price=Decimal("249.99")
    )

    assert request.tag == "ItemInventoryAddRq"
    assert request.items() == [("requestID", "ii-1")]
    assert tags(request) == ["ItemInventoryAdd", *["IncludeRetElement"] * len(LIST_RET_ELEMENTS)]
    assert returned(request) == list(LIST_RET_ELEMENTS)
    add = request.find("ItemInventoryAdd")
    assert add is not None
    assert tags(add) == [
        "Name",
        "ParentRef",
        "SalesDesc",
        "SalesPrice",
        "IncomeAccountRef",
        "PurchaseDesc",
        "PurchaseCost",
        "COGSAccountRef",
        "AssetAccountRef",
    ]
    assert add.findtext("Name") == "Switch 24p"
    assert add.findtext("ParentRef/FullName") == "Hardware"
    assert add.findtext("SalesDesc") == add.findtext("PurchaseDesc") == "24-port switch"
    assert add.findtext("SalesPrice") == "249.99"
    assert add.findtext("IncomeAccountRef/FullName") == "Sales:Hardware"
    assert add.findtext("PurchaseCost") == "189.5"
    assert add.findtext("COGSAccountRef/FullName") == "Cost of Goods Sold"
    assert add.findtext("AssetAccountRef/FullName") == "Inventory Asset"


def test_a_minimal_part_has_its_name_and_accounts() -> None:
    add = part().find("ItemInventoryAdd")
    assert add is not None

    assert tags(add) == ["Name", "IncomeAccountRef", "COGSAccountRef", "AssetAccountRef"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"name": "Hardware:Switch"}, "holds a ':'"),
        ({"name": "N" * 32}, "at most 31"),
        ({"description": "d" * 4096}, "at most 4095"),
        ({"cost": Decimal("NaN")}, "cost must be a number"),
        ({"price": Decimal("1E10")}, "price .* at most 10 digits"),
        ({"income_account": ""}, "IncomeAccountRef needs a ListID or a FullName"),
        ({"cogs_account": " "}, "COGSAccountRef needs a ListID or a FullName"),
        ({"asset_account": ""}, "AssetAccountRef needs a ListID or a FullName"),
    ],
)
def test_a_part_quickbooks_would_refuse_is_refused_here(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        part(**arguments)


# --- ItemInventoryQuery --------------------------------------------------------------------------------


def test_levels_query_reads_what_the_named_parts_have_on_hand() -> None:
    request = build_inventory_levels_query("il-1", ["Hardware:Switch 24p", "Cable & Co"])

    assert valid(request) == []
    assert request.tag == "ItemInventoryQueryRq"
    assert tags(request) == ["FullName", "FullName", *["IncludeRetElement"] * 4]
    assert [e.text for e in request.findall("FullName")] == ["Hardware:Switch 24p", "Cable & Co"]
    assert returned(request) == ["ListID", "FullName", "QuantityOnHand", "AverageCost"]


@pytest.mark.parametrize(("names", "message"), [([], "no item names"), (["A", ""], "cannot be empty")])
def test_levels_query_without_names_is_refused(names: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_inventory_levels_query("il-1", names)


@pytest.mark.parametrize("iterator", ["Start", "Continue"])
def test_inventory_read_pages_through_every_part(iterator: IteratorMode) -> None:
    iterator_id = ITERATOR_ID if iterator == "Continue" else None
    request = build_inventory_read("ir-1", iterator=iterator, iterator_id=iterator_id, max_returned=200)

    assert valid(request) == []
    expected = [("requestID", "ir-1"), ("iterator", iterator)]
    assert request.items() == expected + ([("iteratorID", ITERATOR_ID)] if iterator_id else [])
    assert tags(request) == ["MaxReturned", "ActiveStatus", *["IncludeRetElement"] * 4]
    assert request.findtext("MaxReturned") == "200"
    assert request.findtext("ActiveStatus") == "All"
    assert returned(request) == list(INVENTORY_RET_ELEMENTS)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"max_returned": 0}, "at least 1"),
        ({"iterator": "Continue"}, "iterator_id goes with"),
        ({"iterator_id": ITERATOR_ID}, "iterator_id goes with"),
    ],
)
def test_bad_inventory_read_arguments_are_refused(arguments: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"iterator": "Start", "max_returned": 100}

    with pytest.raises(ValueError, match=message):
        build_inventory_read("ir-1", **(base | arguments))  # type: ignore[arg-type]


def test_what_the_inventory_queries_read_is_in_an_item_inventory_ret() -> None:
    names = element_names_within(schema_definition("element", "ItemInventoryRet"))

    assert set(INVENTORY_RET_ELEMENTS) <= names


# --- ItemInventoryRet ----------------------------------------------------------------------------------


def test_an_inventory_part_reads_as_its_level() -> None:
    ret = parse_xml(
        """<ItemInventoryRet>
          <ListID>80000010-1700000000</ListID>
          <FullName>Hardware:Switch 24p</FullName>
          <QuantityOnHand>12.5</QuantityOnHand>
          <AverageCost>187.12345</AverageCost>
        </ItemInventoryRet>"""
    )

    assert parse_inventory_level(ret) == InventoryLevel(
        list_id="80000010-1700000000",
        full_name="Hardware:Switch 24p",
        quantity_on_hand=Decimal("12.5"),
        average_cost=Decimal("187.12345"),
    )


def test_a_part_without_stock_or_cost_reads_as_zero_on_hand() -> None:
    ret = parse_xml(
        '<ItemInventoryRet xmlns="http://example.invalid/qbwc"><ListID>8-1</ListID><FullName>Cable</FullName>'
        "<QuantityOnHand>-2</QuantityOnHand></ItemInventoryRet>"
    )
    bare = parse_xml("<ItemInventoryRet><ListID>8-2</ListID><FullName>Mouse</FullName></ItemInventoryRet>")

    assert parse_inventory_level(ret) == InventoryLevel("8-1", "Cable", Decimal("-2"), None)
    assert parse_inventory_level(bare) == InventoryLevel("8-2", "Mouse", Decimal(0), None)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<ItemInventoryRet><FullName>Cable</FullName></ItemInventoryRet>", "no ListID"),
        ("<ItemInventoryRet><ListID>8-1</ListID></ItemInventoryRet>", "no FullName"),
        (
            "<ItemInventoryRet><ListID>8-1</ListID><FullName>Cable</FullName>"
            "<AverageCost>1e3</AverageCost></ItemInventoryRet>",
            "<AverageCost> is not a number",
        ),
    ],
)
def test_an_unreadable_part_is_refused(xml: str, message: str) -> None:
    with pytest.raises(QbResponseError, match=message):
        parse_inventory_level(parse_xml(xml))


# --- ItemReceiptAdd ------------------------------------------------------------------------------------

RECEIPT_LINE = ItemReceiptLineSpec(
    item=Ref(full_name="Hardware:Switch 24p"),
    quantity=Decimal("2"),
    po_txn_id="1A2B-1700000000",
    po_txn_line_id="1A2D-1700000000",
    description="2 of 3 delivered",
)
RECEIPT = ItemReceiptSpec(
    vendor=Ref(list_id="80000003-1700000000"),
    txn_date="2026-11-25",
    ref_number="DN-88120",
    memo="Delivery note 88120",
    external_guid=GUID,
    lines=(
        RECEIPT_LINE,
        ItemReceiptLineSpec(
            item=Ref(full_name="Cable"),
            quantity=Decimal("4.25"),
            po_txn_id="1A2B-1700000000",
            po_txn_line_id="1A2E-1700000000",
        ),
    ),
)


def receipt(**changes: object) -> ItemReceiptSpec:
    fields: dict[str, object] = {
        "vendor": Ref(full_name="Ingram Micro"),
        "txn_date": "2026-11-25",
        "ref_number": None,
        "memo": None,
        "external_guid": GUID,
        "lines": (RECEIPT_LINE,),
    }
    return ItemReceiptSpec(**(fields | changes))  # type: ignore[arg-type]


def receipt_line(**changes: object) -> ItemReceiptLineSpec:
    fields: dict[str, object] = {
        "item": Ref(full_name="Cable"),
        "quantity": Decimal("1"),
        "po_txn_id": "1A2B-1700000000",
        "po_txn_line_id": "1A2E-1700000000",
    }
    return ItemReceiptLineSpec(**(fields | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spec",
    [RECEIPT, receipt(), receipt(ref_number="R" * 20, memo="m" * 4095)],
    ids=["full", "minimal", "at-the-limits"],
)
def test_item_receipt_add_is_valid_qbxml(spec: ItemReceiptSpec) -> None:
    assert valid(build_item_receipt_add("ir-1", spec)) == []


def test_item_receipt_add_writes_every_field_in_schema_order() -> None:
    request = build_item_receipt_add("ir-1", RECEIPT)

    assert request.tag == "ItemReceiptAddRq"
    assert tags(request) == ["ItemReceiptAdd", *["IncludeRetElement"] * 4]
    assert returned(request) == ADD_RET
    add = request.find("ItemReceiptAdd")
    assert add is not None
    assert tags(add) == [
        "VendorRef",
        "TxnDate",
        "RefNumber",
        "Memo",
        "ExternalGUID",
        "ItemLineAdd",
        "ItemLineAdd",
    ]
    assert add.findtext("VendorRef/ListID") == "80000003-1700000000"
    assert add.findtext("TxnDate") == "2026-11-25"
    assert add.findtext("RefNumber") == "DN-88120"
    assert add.findtext("Memo") == "Delivery note 88120"
    assert add.findtext("ExternalGUID") == GUID
    assert tags(build_item_receipt_add("ir-1", receipt()).find("ItemReceiptAdd")) == [  # type: ignore[arg-type]
        "VendorRef",
        "TxnDate",
        "ExternalGUID",
        "ItemLineAdd",
    ]


def test_each_receipt_line_links_to_its_purchase_order_line_without_an_item() -> None:
    first, second = build_item_receipt_add("ir-1", RECEIPT).findall("ItemReceiptAdd/ItemLineAdd")

    assert tags(first) == ["Desc", "Quantity", "LinkToTxn"]
    assert first.findtext("Desc") == "2 of 3 delivered"
    assert first.findtext("Quantity") == "2"
    assert tags(first.find("LinkToTxn")) == ["TxnID", "TxnLineID"]  # type: ignore[arg-type]
    assert first.findtext("LinkToTxn/TxnID") == "1A2B-1700000000"
    assert first.findtext("LinkToTxn/TxnLineID") == "1A2D-1700000000"
    assert tags(second) == ["Quantity", "LinkToTxn"]
    assert second.findtext("Quantity") == "4.25"
    assert second.findtext("LinkToTxn/TxnLineID") == "1A2E-1700000000"


def test_the_schema_puts_item_ref_first_and_link_to_txn_late_in_an_item_line() -> None:
    names = sequence_of("ItemLineAdd")

    assert names[0] == "ItemRef"
    assert names.index("Desc") < names.index("Quantity") < names.index("LinkToTxn")
    assert sequence_of("LinkToTxn") == ["TxnID", "TxnLineID"]


@pytest.mark.parametrize(
    ("element", "limit"),
    [
        ("ItemReceiptAdd", RECEIPT_REF_NUMBER_MAX_LENGTH),
        ("InventoryAdjustmentAdd", ADJUSTMENT_REF_NUMBER_MAX_LENGTH),
    ],
)
def test_ref_number_limits_are_the_schemas(element: str, limit: int) -> None:
    assert max_length(element, "RefNumber") == str(limit)


@pytest.mark.parametrize("element", ["ItemReceiptAdd", "InventoryAdjustmentAdd", "PurchaseOrderAdd"])
def test_every_add_here_carries_an_external_guid(element: str) -> None:
    assert "ExternalGUID" in sequence_of(element)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": ()}, "at least one line"),
        ({"txn_date": "2026-11-31"}, "TxnDate must be a date"),
        ({"ref_number": " "}, "RefNumber cannot be empty"),
        ({"ref_number": "R" * 21}, "at most 20"),
        ({"memo": "m" * 4096}, "at most 4095"),
        ({"external_guid": "{6B29FC40-CA47-1067-B31D}"}, "ExternalGUID must look like"),
        ({"vendor": Ref(full_name="")}, "VendorRef needs a ListID or a FullName"),
        ({"lines": (receipt_line(po_txn_id=""),)}, "line 1 needs the TxnID and TxnLineID"),
        (
            {"lines": (receipt_line(), receipt_line(po_txn_line_id=" "))},
            "line 2 needs the TxnID and TxnLineID",
        ),
        ({"lines": (receipt_line(description="d" * 4096),)}, "description of line 1 is 4096"),
        ({"lines": (receipt_line(quantity=Decimal("sNaN")),)}, "quantity of line 1 must be a number"),
        ({"lines": (receipt_line(quantity=Decimal("-1")),)}, "cannot be negative"),
        ({"lines": (receipt_line(quantity=Decimal("10000000000")),)}, "at most 10 digits"),
        ({"lines": (receipt_line(quantity=Decimal("0.123456")),)}, "at most five decimals"),
    ],
)
def test_a_receipt_quickbooks_would_refuse_is_refused_here(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_item_receipt_add("ir-1", receipt(**changes))


# --- ItemReceiptQuery ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vendor", "filter_child"),
    [
        (
            {"vendor_list_id": "80000003-1700000000", "vendor_name": "Ingram Micro"},
            ("ListID", "80000003-1700000000"),
        ),
        ({"vendor_list_id": None, "vendor_name": "Ingram & Micro"}, ("FullName", "Ingram & Micro")),
    ],
    ids=["by-list-id", "by-name"],
)
def test_item_receipt_query_filters_by_vendor_and_dates(
    vendor: dict[str, str | None], filter_child: tuple[str, str]
) -> None:
    request = build_item_receipt_query("iq-1", from_date="2026-11-01", to_date="2026-11-30", **vendor)

    assert valid(request) == []
    assert request.tag == "ItemReceiptQueryRq"
    assert tags(request) == ["TxnDateRangeFilter", "EntityFilter", *["IncludeRetElement"] * 4]
    dates = request.find("TxnDateRangeFilter")
    assert dates is not None
    assert tags(dates) == ["FromTxnDate", "ToTxnDate"]
    assert (dates.findtext("FromTxnDate"), dates.findtext("ToTxnDate")) == ("2026-11-01", "2026-11-30")
    entity = request.find("EntityFilter")
    assert entity is not None
    assert [(child.tag, child.text) for child in entity] == [filter_child]
    assert returned(request) == ADD_RET


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"vendor_list_id": None, "vendor_name": None}, "vendor's ListID or name"),
        ({"vendor_list_id": "", "vendor_name": " "}, "vendor's ListID or name"),
        ({"from_date": "2026-11"}, "from_date must be a date"),
        ({"to_date": "30/11/2026"}, "to_date must be a date"),
        ({"from_date": "2026-12-01"}, "after to_date"),
    ],
)
def test_bad_item_receipt_query_arguments_are_refused(arguments: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "vendor_list_id": None,
        "vendor_name": "Ingram Micro",
        "from_date": "2026-11-01",
        "to_date": "2026-11-30",
    }

    with pytest.raises(ValueError, match=message):
        build_item_receipt_query("iq-1", **(base | arguments))  # type: ignore[arg-type]


@pytest.mark.parametrize("element", ["ItemReceiptRet", "InventoryAdjustmentRet"])
def test_what_the_transaction_queries_read_is_in_the_ret(element: str) -> None:
    assert set(ADD_RET) <= element_names_within(schema_definition("element", element))


# --- InventoryAdjustmentAdd ----------------------------------------------------------------------------

ADJUSTMENT = InventoryAdjustmentSpec(
    account=Ref(full_name="Inventory Adjustments"),
    txn_date="2026-11-30",
    ref_number="CNT-1130",
    memo="Month-end count",
    external_guid=GUID,
    lines=(
        AdjustmentLineSpec(item=Ref(list_id="80000010-1700000000"), new_quantity=Decimal("11")),
        AdjustmentLineSpec(item=Ref(full_name="Cable"), new_quantity=Decimal("0")),
    ),
)


def adjustment(**changes: object) -> InventoryAdjustmentSpec:
    fields: dict[str, object] = {
        "account": Ref(full_name="Inventory Adjustments"),
        "txn_date": "2026-11-30",
        "ref_number": None,
        "memo": None,
        "external_guid": GUID,
        "lines": (AdjustmentLineSpec(item=Ref(full_name="Cable"), new_quantity=Decimal("7.5")),),
    }
    return InventoryAdjustmentSpec(**(fields | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spec",
    [ADJUSTMENT, adjustment(), adjustment(ref_number="R" * 11, memo="m" * 4095)],
    ids=["full", "minimal", "at-the-limits"],
)
def test_inventory_adjustment_add_is_valid_qbxml(spec: InventoryAdjustmentSpec) -> None:
    assert valid(build_inventory_adjustment_add("ia-1", spec)) == []


def test_inventory_adjustment_add_writes_every_field_in_schema_order() -> None:
    request = build_inventory_adjustment_add("ia-1", ADJUSTMENT)

    assert request.tag == "InventoryAdjustmentAddRq"
    assert tags(request) == ["InventoryAdjustmentAdd", *["IncludeRetElement"] * 4]
    assert returned(request) == ADD_RET
    add = request.find("InventoryAdjustmentAdd")
    assert add is not None
    assert tags(add) == [
        "AccountRef",
        "TxnDate",
        "RefNumber",
        "Memo",
        "ExternalGUID",
        "InventoryAdjustmentLineAdd",
        "InventoryAdjustmentLineAdd",
    ]
    assert add.findtext("AccountRef/FullName") == "Inventory Adjustments"
    assert add.findtext("RefNumber") == "CNT-1130"
    assert add.findtext("Memo") == "Month-end count"
    assert add.findtext("ExternalGUID") == GUID
    first, second = add.findall("InventoryAdjustmentLineAdd")
    assert tags(first) == ["ItemRef", "QuantityAdjustment"]
    assert tags(first.find("QuantityAdjustment")) == ["NewQuantity"]  # type: ignore[arg-type]
    assert first.findtext("ItemRef/ListID") == "80000010-1700000000"
    assert first.findtext("QuantityAdjustment/NewQuantity") == "11"
    assert second.findtext("QuantityAdjustment/NewQuantity") == "0"
    minimal = build_inventory_adjustment_add("ia-1", adjustment()).find("InventoryAdjustmentAdd")
    assert tags(minimal) == ["AccountRef", "TxnDate", "ExternalGUID", "InventoryAdjustmentLineAdd"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": ()}, "at least one line"),
        ({"txn_date": "2026/11/30"}, "TxnDate must be a date"),
        ({"ref_number": ""}, "RefNumber cannot be empty"),
        ({"ref_number": "R" * 12}, "at most 11"),
        ({"memo": "m" * 4096}, "at most 4095"),
        ({"external_guid": "0"}, "ExternalGUID must look like"),
        ({"account": Ref()}, "AccountRef needs a ListID or a FullName"),
        ({"lines": (AdjustmentLineSpec(item=Ref(), new_quantity=Decimal(1)),)}, "ItemRef needs"),
        (
            {"lines": (AdjustmentLineSpec(item=Ref(full_name="Cable"), new_quantity=Decimal("-1")),)},
            "new quantity of line 1 is -1; a quantity of goods cannot be negative",
        ),
        (
            {"lines": (AdjustmentLineSpec(item=Ref(full_name="Cable"), new_quantity=Decimal("NaN")),)},
            "new quantity of line 1 must be a number",
        ),
        (
            {"lines": (AdjustmentLineSpec(item=Ref(full_name="Cable"), new_quantity=Decimal("1E12")),)},
            "at most 10 digits",
        ),
        (
            {"lines": (AdjustmentLineSpec(item=Ref(full_name="Cable"), new_quantity=Decimal("0.000001")),)},
            "at most five decimals",
        ),
    ],
)
def test_an_adjustment_quickbooks_would_refuse_is_refused_here(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_inventory_adjustment_add("ia-1", adjustment(**changes))


# --- InventoryAdjustmentQuery --------------------------------------------------------------------------


def test_inventory_adjustment_query_filters_by_account_and_dates() -> None:
    request = build_inventory_adjustment_query(
        "aq-1", account="Inventory Adjustments", from_date="2026-11-30", to_date="2026-11-30"
    )

    assert valid(request) == []
    assert request.tag == "InventoryAdjustmentQueryRq"
    assert tags(request) == ["TxnDateRangeFilter", "AccountFilter", *["IncludeRetElement"] * 4]
    assert request.findtext("TxnDateRangeFilter/FromTxnDate") == "2026-11-30"
    assert request.findtext("TxnDateRangeFilter/ToTxnDate") == "2026-11-30"
    accounts = request.find("AccountFilter")
    assert accounts is not None
    assert [(child.tag, child.text) for child in accounts] == [("FullName", "Inventory Adjustments")]
    assert returned(request) == ADD_RET


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"account": " "}, "account's name"),
        ({"from_date": "2026-13-01"}, "from_date must be a date"),
        ({"to_date": "2026-10-31"}, "after to_date"),
    ],
)
def test_bad_inventory_adjustment_query_arguments_are_refused(
    arguments: dict[str, object], message: str
) -> None:
    base: dict[str, object] = {
        "account": "Inventory Adjustments",
        "from_date": "2026-11-01",
        "to_date": "2026-11-30",
    }

    with pytest.raises(ValueError, match=message):
        build_inventory_adjustment_query("aq-1", **(base | arguments))  # type: ignore[arg-type]


def test_every_request_here_renders_in_one_valid_message() -> None:
    requests = [
        part(),
        build_inventory_levels_query("il-1", ["Cable"]),
        build_inventory_read("ir-2", iterator="Start", max_returned=10),
        build_item_receipt_add("ir-1", RECEIPT),
        build_item_receipt_query(
            "iq-1",
            vendor_list_id=None,
            vendor_name="Ingram Micro",
            from_date="2026-11-01",
            to_date="2026-11-30",
        ),
        build_inventory_adjustment_add("ia-1", ADJUSTMENT),
        build_inventory_adjustment_query(
            "aq-1", account="Inventory Adjustments", from_date="2026-11-01", to_date="2026-11-30"
        ),
    ]

    assert valid(*requests) == []
