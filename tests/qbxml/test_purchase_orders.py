"""The purchase-order requests (PurchaseOrderAdd, PurchaseOrderQuery by RefNumber and for lines) and the
reading of a PurchaseOrderRet in ``chalicelib.qbxml.purchase_orders``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from chalicelib.qbxml.document import render_request_message
from chalicelib.qbxml.fields import quantity_text
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.purchase_orders import (
    ADD_RET_ELEMENTS,
    LINES_RET_ELEMENTS,
    REF_NUMBER_MAX_LENGTH,
    PurchaseOrderLineSpec,
    PurchaseOrderLineState,
    PurchaseOrderSpec,
    build_purchase_order_add,
    build_purchase_order_lines_query,
    build_purchase_order_query_by_ref_numbers,
    parse_purchase_order_state,
)
from chalicelib.qbxml.responses import QbResponseError
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml
from tests.qbxml.schema import XSD, element_names_within, schema_definition

GUID = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"

LINE = PurchaseOrderLineSpec(
    item=Ref(full_name="Hardware:Switch 24p"),
    description="24-port switch",
    quantity=Decimal("3"),
    rate=Decimal("189.5"),
    customer=Ref(list_id="80000001-1700000000"),
)
FULL_SPEC = PurchaseOrderSpec(
    vendor=Ref(list_id="80000003-1700000000", full_name="Ingram Micro"),
    txn_date="2026-11-20",
    ref_number="PO-1042",
    external_guid=GUID,
    expected_date="2026-12-01",
    memo="Acme rollout",
    lines=(
        LINE,
        PurchaseOrderLineSpec(
            item=Ref(list_id="80000010-1700000000"), description=None, quantity=Decimal("1.25"), rate=None
        ),
    ),
)
MINIMAL_SPEC = PurchaseOrderSpec(
    vendor=Ref(full_name="Ingram Micro"),
    txn_date="2026-11-20",
    ref_number=None,
    external_guid=GUID,
    expected_date=None,
    memo=None,
    lines=(
        PurchaseOrderLineSpec(
            item=Ref(full_name="Cable"), description=None, quantity=Decimal("10"), rate=None
        ),
    ),
)


def tags(element: etree._Element) -> list[str]:
    return [child.tag for child in element]


def valid(*requests: etree._Element) -> list[str]:
    return qbxml_errors(render_request_message(list(requests)))


def order(**changes: object) -> PurchaseOrderSpec:
    fields: dict[str, object] = {
        "vendor": Ref(full_name="Ingram Micro"),
        "txn_date": "2026-11-20",
        "ref_number": "PO-1042",
        "external_guid": GUID,
        "expected_date": None,
        "memo": None,
        "lines": (LINE,),
    }
    return PurchaseOrderSpec(**(fields | changes))  # type: ignore[arg-type]


def line(**changes: object) -> PurchaseOrderLineSpec:
    fields: dict[str, object] = {
        "item": Ref(full_name="Cable"),
        "description": None,
        "quantity": Decimal("1"),
        "rate": None,
    }
    return PurchaseOrderLineSpec(**(fields | changes))  # type: ignore[arg-type]


# --- PurchaseOrderAdd ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [FULL_SPEC, MINIMAL_SPEC, order(lines=(LINE,) * 5), order(ref_number="R" * REF_NUMBER_MAX_LENGTH)],
    ids=["full", "minimal", "several", "longest-ref"],
)
def test_purchase_order_add_is_valid_qbxml(spec: PurchaseOrderSpec) -> None:
    assert valid(build_purchase_order_add("po-1", spec)) == []


def test_the_ref_number_limit_is_the_schemas() -> None:
    ref_number = schema_definition("element", "PurchaseOrderAdd").find(
        f".//{XSD}element[@name='RefNumber']//{XSD}maxLength"
    )

    assert ref_number is not None
    assert ref_number.get("value") == str(REF_NUMBER_MAX_LENGTH) == "11"


def test_purchase_order_add_writes_every_field_in_schema_order() -> None:
    request = build_purchase_order_add("po-1", FULL_SPEC)

    assert request.tag == "PurchaseOrderAddRq"
    assert request.items() == [("requestID", "po-1")]
    assert tags(request) == ["PurchaseOrderAdd", *["IncludeRetElement"] * len(ADD_RET_ELEMENTS)]
    add = request.find("PurchaseOrderAdd")
    assert add is not None
    assert tags(add) == [
        "VendorRef",
        "TxnDate",
        "RefNumber",
        "ExpectedDate",
        "Memo",
        "ExternalGUID",
        "PurchaseOrderLineAdd",
        "PurchaseOrderLineAdd",
    ]
    assert tags(add.find("VendorRef")) == ["ListID"]  # type: ignore[arg-type]
    assert add.findtext("VendorRef/ListID") == "80000003-1700000000"
    assert add.findtext("TxnDate") == "2026-11-20"
    assert add.findtext("RefNumber") == "PO-1042"
    assert add.findtext("ExpectedDate") == "2026-12-01"
    assert add.findtext("Memo") == "Acme rollout"
    assert add.findtext("ExternalGUID") == GUID


def test_purchase_order_line_fields_in_schema_order() -> None:
    first, second = build_purchase_order_add("po-1", FULL_SPEC).findall(
        "PurchaseOrderAdd/PurchaseOrderLineAdd"
    )

    assert tags(first) == ["ItemRef", "Desc", "Quantity", "Rate", "CustomerRef"]
    assert first.findtext("ItemRef/FullName") == "Hardware:Switch 24p"
    assert first.findtext("Desc") == "24-port switch"
    assert first.findtext("Quantity") == "3"
    assert first.findtext("Rate") == "189.5"
    assert first.findtext("CustomerRef/ListID") == "80000001-1700000000"
    assert tags(second) == ["ItemRef", "Quantity"]
    assert second.findtext("ItemRef/ListID") == "80000010-1700000000"
    assert second.findtext("Quantity") == "1.25"


def test_a_minimal_order_leaves_out_what_it_was_not_given() -> None:
    add = build_purchase_order_add("po-1", MINIMAL_SPEC).find("PurchaseOrderAdd")
    assert add is not None

    assert tags(add) == ["VendorRef", "TxnDate", "ExternalGUID", "PurchaseOrderLineAdd"]


def test_the_add_asks_back_only_what_the_bridge_reads() -> None:
    request = build_purchase_order_add("po-1", MINIMAL_SPEC)

    assert [e.text for e in request.findall("IncludeRetElement")] == [
        "TxnID",
        "TimeCreated",
        "RefNumber",
        "ExternalGUID",
    ]


@pytest.mark.parametrize("elements", [ADD_RET_ELEMENTS, LINES_RET_ELEMENTS], ids=["add", "lines"])
def test_requested_elements_are_directly_in_purchase_order_ret(elements: tuple[str, ...]) -> None:
    # IncludeRetElement names the Ret's own children (TxnID comes from the TxnCore group).
    ret = schema_definition("element", "PurchaseOrderRet").find(f"{XSD}complexType/{XSD}sequence")
    assert ret is not None
    direct = {node.get("ref") or node.get("name") for node in ret.iter(f"{XSD}element")}
    direct |= element_names_within(schema_definition("group", "TxnCore"))

    assert set(elements) <= direct


def test_what_the_lines_query_reads_is_in_a_purchase_order_line() -> None:
    names = element_names_within(schema_definition("element", "PurchaseOrderLineRet"))

    assert {"TxnLineID", "ItemRef", "Quantity", "ReceivedQuantity", "IsManuallyClosed"} <= names


def test_limits_are_fine_at_the_limit() -> None:
    spec = order(
        ref_number="R" * 11,
        memo="m" * 4095,
        lines=(
            line(
                description="d" * 4095, quantity=Decimal("9999999999.99999"), rate=Decimal("9999999999.99999")
            ),
        ),
    )

    assert valid(build_purchase_order_add("po-1", spec)) == []


def test_text_needing_escapes_round_trips() -> None:
    spec = order(vendor=Ref(full_name="O'Brien & Sons <Ltd>"), memo='Parts & "labour"')
    document = render_request_message([build_purchase_order_add("a&b", spec)])

    assert qbxml_errors(document) == []
    parsed = parse_xml(document).find("QBXMLMsgsRq/PurchaseOrderAddRq")
    assert parsed is not None
    assert parsed.findtext("PurchaseOrderAdd/VendorRef/FullName") == "O'Brien & Sons <Ltd>"
    assert parsed.findtext("PurchaseOrderAdd/Memo") == 'Parts & "labour"'


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": ()}, "at least one line"),
        ({"txn_date": "20/11/2026"}, "TxnDate must be a date"),
        ({"txn_date": "2026-02-30"}, "TxnDate must be a date"),
        ({"expected_date": "2026-12"}, "ExpectedDate must be a date"),
        ({"ref_number": ""}, "RefNumber cannot be empty"),
        ({"ref_number": "R" * 12}, "at most 11"),
        ({"memo": "m" * 4096}, "at most 4095"),
        ({"external_guid": "6B29FC40-CA47-1067-B31D-00DD010662DA"}, "ExternalGUID must look like"),
        ({"vendor": Ref()}, "VendorRef needs a ListID or a FullName"),
        ({"lines": (line(item=Ref(full_name=" ")),)}, "ItemRef needs a ListID or a FullName"),
        ({"lines": (line(customer=Ref()),)}, "CustomerRef needs a ListID or a FullName"),
        ({"lines": (line(), line(description="d" * 4096))}, "description of line 2 is 4096"),
        ({"lines": (line(quantity=Decimal("NaN")),)}, "quantity of line 1 must be a number"),
        ({"lines": (line(quantity=Decimal("-1")),)}, "quantity of line 1 .* cannot be negative"),
        ({"lines": (line(quantity=Decimal("1E10")),)}, "quantity of line 1 .* at most 10 digits"),
        ({"lines": (line(quantity=Decimal("1.000001")),)}, "quantity of line 1 .* at most five decimals"),
        ({"lines": (line(rate=Decimal("Infinity")),)}, "rate of line 1 must be a number"),
        ({"lines": (line(rate=Decimal("12345678901")),)}, "rate of line 1 .* at most 10 digits"),
    ],
)
def test_what_quickbooks_would_refuse_is_refused_here(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_purchase_order_add("po-1", order(**changes))


@pytest.mark.parametrize(
    ("value", "text"),
    [("3", "3"), ("1.50", "1.5"), ("0", "0"), ("0.00001", "0.00001"), ("12.34500", "12.345")],
)
def test_quantities_keep_their_exact_value(value: str, text: str) -> None:
    assert quantity_text("the quantity", Decimal(value)) == text


# --- PurchaseOrderQuery by RefNumber -------------------------------------------------------------------


def test_query_by_ref_numbers_asks_for_what_finds_a_lost_add() -> None:
    request = build_purchase_order_query_by_ref_numbers("pq-1", ["PO-1042", "A & B"])

    assert valid(request) == []
    assert request.tag == "PurchaseOrderQueryRq"
    assert request.items() == [("requestID", "pq-1")]
    assert tags(request) == ["RefNumber", "RefNumber", *["IncludeRetElement"] * 4]
    assert [e.text for e in request.findall("RefNumber")] == ["PO-1042", "A & B"]
    assert [e.text for e in request.findall("IncludeRetElement")] == list(ADD_RET_ELEMENTS)


@pytest.mark.parametrize(
    ("ref_numbers", "message"), [([], "every transaction"), (["A", ""], "cannot be empty")]
)
def test_query_without_ref_numbers_is_refused(ref_numbers: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_purchase_order_query_by_ref_numbers("pq-1", ref_numbers)


# --- PurchaseOrderQuery for lines ----------------------------------------------------------------------


def test_lines_query_reads_the_lines_and_what_was_received() -> None:
    request = build_purchase_order_lines_query("pl-1", ["1A2B-1700000000", "1A2C-1700000000"])

    assert valid(request) == []
    assert request.tag == "PurchaseOrderQueryRq"
    assert tags(request) == ["TxnID", "TxnID", "IncludeLineItems", *["IncludeRetElement"] * 6]
    assert [e.text for e in request.findall("TxnID")] == ["1A2B-1700000000", "1A2C-1700000000"]
    assert request.findtext("IncludeLineItems") == "true"
    assert [e.text for e in request.findall("IncludeRetElement")] == [
        "TxnID",
        "VendorRef",
        "IsManuallyClosed",
        "IsFullyReceived",
        "PurchaseOrderLineRet",
        "PurchaseOrderLineGroupRet",
    ]


@pytest.mark.parametrize(
    ("txn_ids", "message"), [([], "every purchase order"), (["1A2B", " "], "cannot be empty")]
)
def test_lines_query_without_txn_ids_is_refused(txn_ids: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_purchase_order_lines_query("pl-1", txn_ids)


# --- PurchaseOrderRet ----------------------------------------------------------------------------------

PURCHASE_ORDER_RET = """
<PurchaseOrderRet>
  <TxnID>1A2B-1700000000</TxnID>
  <VendorRef><ListID>80000003-1700000000</ListID><FullName>Ingram Micro</FullName></VendorRef>
  <IsManuallyClosed>false</IsManuallyClosed>
  <IsFullyReceived>false</IsFullyReceived>
  <PurchaseOrderLineRet>
    <TxnLineID>1A2D-1700000000</TxnLineID>
    <ItemRef><ListID>80000010-1700000000</ListID><FullName>Hardware:Switch 24p</FullName></ItemRef>
    <Desc>24-port switch</Desc>
    <Quantity>3</Quantity>
    <Rate>189.50</Rate>
    <Amount>568.50</Amount>
    <ReceivedQuantity>3</ReceivedQuantity>
    <IsBilled>false</IsBilled>
    <IsManuallyClosed>false</IsManuallyClosed>
  </PurchaseOrderLineRet>
  <PurchaseOrderLineRet>
    <TxnLineID>1A2E-1700000000</TxnLineID>
    <ItemRef><ListID>80000011-1700000000</ListID><FullName>Cable</FullName></ItemRef>
    <Quantity>10.5</Quantity>
    <Rate>2.00</Rate>
    <Amount>21.00</Amount>
    <ReceivedQuantity>4.25</ReceivedQuantity>
    <IsManuallyClosed>false</IsManuallyClosed>
  </PurchaseOrderLineRet>
</PurchaseOrderRet>
"""


def test_a_purchase_order_with_a_partly_received_line() -> None:
    state = parse_purchase_order_state(parse_xml(PURCHASE_ORDER_RET))

    assert state.txn_id == "1A2B-1700000000"
    assert state.vendor_list_id == "80000003-1700000000"
    assert state.vendor_name == "Ingram Micro"
    assert state.is_manually_closed is False
    assert state.is_fully_received is False
    assert state.lines == (
        PurchaseOrderLineState(
            txn_line_id="1A2D-1700000000",
            item_full_name="Hardware:Switch 24p",
            quantity=Decimal("3"),
            received_quantity=Decimal("3"),
            is_manually_closed=False,
        ),
        PurchaseOrderLineState(
            txn_line_id="1A2E-1700000000",
            item_full_name="Cable",
            quantity=Decimal("10.5"),
            received_quantity=Decimal("4.25"),
            is_manually_closed=False,
        ),
    )


def test_group_lines_are_read_in_place_and_missing_numbers_are_zero() -> None:
    ret = parse_xml(
        """<PurchaseOrderRet xmlns="http://example.invalid/qbwc">
          <TxnID>1A2B-1700000000</TxnID>
          <IsManuallyClosed>true</IsManuallyClosed>
          <IsFullyReceived>true</IsFullyReceived>
          <PurchaseOrderLineRet><TxnLineID>L1</TxnLineID><Desc>Notes only</Desc></PurchaseOrderLineRet>
          <!-- a bundle -->
          <PurchaseOrderLineGroupRet>
            <TxnLineID>G1</TxnLineID>
            <ItemGroupRef><FullName>Starter kit</FullName></ItemGroupRef>
            <IsPrintItemsInGroup>false</IsPrintItemsInGroup>
            <TotalAmount>30.00</TotalAmount>
            <PurchaseOrderLineRet>
              <TxnLineID>G1-a</TxnLineID><ItemRef><FullName>Mouse</FullName></ItemRef>
              <Quantity>2</Quantity><IsManuallyClosed>true</IsManuallyClosed>
            </PurchaseOrderLineRet>
            <PurchaseOrderLineRet>
              <TxnLineID>G1-b</TxnLineID><ItemRef><FullName>Keyboard</FullName></ItemRef><Quantity>1</Quantity>
            </PurchaseOrderLineRet>
          </PurchaseOrderLineGroupRet>
          <PurchaseOrderLineRet><TxnLineID>L2</TxnLineID><Quantity>1</Quantity></PurchaseOrderLineRet>
        </PurchaseOrderRet>"""
    )

    state = parse_purchase_order_state(ret)

    assert state.vendor_list_id is None and state.vendor_name is None
    assert state.is_manually_closed is True and state.is_fully_received is True
    assert [(lin.txn_line_id, lin.item_full_name) for lin in state.lines] == [
        ("L1", None),
        ("G1-a", "Mouse"),
        ("G1-b", "Keyboard"),
        ("L2", None),
    ]
    assert state.lines[0].quantity == Decimal(0)
    assert state.lines[1].received_quantity == Decimal(0)
    assert state.lines[1].is_manually_closed is True
    assert state.lines[2].is_manually_closed is False


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<PurchaseOrderRet><TxnID></TxnID></PurchaseOrderRet>", "no TxnID"),
        (
            "<PurchaseOrderRet><TxnID>T</TxnID><PurchaseOrderLineRet><Quantity>1</Quantity>"
            "</PurchaseOrderLineRet></PurchaseOrderRet>",
            "no TxnLineID",
        ),
        (
            "<PurchaseOrderRet><TxnID>T</TxnID><PurchaseOrderLineRet><TxnLineID>L</TxnLineID>"
            "<ReceivedQuantity>two</ReceivedQuantity></PurchaseOrderLineRet></PurchaseOrderRet>",
            "<ReceivedQuantity> is not a number",
        ),
    ],
)
def test_an_unreadable_purchase_order_is_refused(xml: str, message: str) -> None:
    with pytest.raises(QbResponseError, match=message):
        parse_purchase_order_state(parse_xml(xml))
