"""Changing transactions the bridge wrote (InvoiceMod, BillMod, TxnVoid, TxnDel), watching them
(TxnDeletedQuery, reads by TxnID) and the readers in ``chalicelib.qbxml.changes`` that fingerprint them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from chalicelib.qbxml import bills, invoices
from chalicelib.qbxml.bills import BillSpec, ExpenseLineSpec, ItemLineSpec, build_bill_add, build_bill_mod
from chalicelib.qbxml.changes import (
    FINGERPRINT_FIELDS,
    TXN_DEL_TYPES,
    TXN_READ_QUERIES,
    TXN_VOID_TYPES,
    build_txn_del,
    build_txn_deleted_query,
    build_txn_read,
    build_txn_void,
    edit_sequence,
    is_zero_total,
    line_ids,
    txn_fingerprint,
)
from chalicelib.qbxml.document import render_request_message
from chalicelib.qbxml.fields import NEW_LINE_ID
from chalicelib.qbxml.invoices import (
    AddressParts,
    InvoiceLineSpec,
    InvoiceSpec,
    Ref,
    build_invoice_add,
    build_invoice_mod,
)
from chalicelib.qbxml.responses import QbResponseError
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml
from tests.qbxml.schema import XSD, element_names_within, schema_definition, schema_documents

GUID = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
TXN_ID = "1A2B-1700000000"
EDIT_SEQUENCE = "1700000123"

SERVICE_LINE = InvoiceLineSpec(
    item=Ref(full_name="Consulting"),
    description="Network audit",
    quantity=Decimal("3"),
    rate=Decimal("150"),
    amount=Decimal("450"),
    class_=Ref(full_name="Projects"),
    sales_tax_code=Ref(full_name="Non"),
    service_date="2026-11-18",
)
INVOICE = InvoiceSpec(
    customer=Ref(list_id="80000001-1700000000"),
    txn_date="2026-11-20",
    ref_number="INV-1001",
    external_guid=GUID,
    lines=(SERVICE_LINE, InvoiceLineSpec(item=Ref(full_name="Travel"), amount=Decimal("80"))),
    class_=Ref(full_name="Projects"),
    template=Ref(full_name="Service Invoice"),
    bill_address=AddressParts(lines=("1 Main St",), city="Springfield", postal_code="12345"),
    ship_address=AddressParts(lines=("2 Side St",)),
    po_number="PO-77",
    terms=Ref(full_name="Net 30"),
    due_date="2026-12-20",
    memo="November work",
    to_be_emailed=True,
    customer_sales_tax_code=Ref(full_name="Tax"),
)

EXPENSE = ExpenseLineSpec(
    account=Ref(full_name="Office Supplies"),
    amount=Decimal("120"),
    memo="Paper",
    customer=Ref(full_name="Acme Dental"),
    class_=Ref(full_name="Managed Services"),
    billable=True,
)
ITEM = ItemLineSpec(
    item=Ref(full_name="Hardware:Laptop 14in"),
    description="Latitude",
    quantity=Decimal("2"),
    cost=Decimal("999"),
    amount=Decimal("1998"),
    customer=Ref(full_name="Acme Dental"),
    class_=Ref(full_name="Projects"),
    billable=False,
)
BILL = BillSpec(
    vendor=Ref(full_name="Dell Inc"),
    txn_date="2026-11-20",
    ref_number="INV-5521",
    external_guid=GUID,
    due_date="2026-12-20",
    terms=Ref(full_name="Net 30"),
    memo="Laptops",
    expense_lines=(EXPENSE,),
    item_lines=(ITEM,),
)


def tags(element: etree._Element | None) -> list[str]:
    assert element is not None
    return [child.tag for child in element]


def valid(*requests: etree._Element) -> list[str]:
    return qbxml_errors(render_request_message(list(requests)))


def enumeration(element_name: str) -> set[str]:
    definition = schema_definition("element", element_name)
    return {node.get("value", "") for node in definition.iter(f"{XSD}enumeration")}


def invoice_mod(
    spec: InvoiceSpec = INVOICE, ids: tuple[str, ...] = ("1A2C-1", NEW_LINE_ID)
) -> etree._Element:
    return build_invoice_mod("mod-1", spec, txn_id=TXN_ID, edit_sequence=EDIT_SEQUENCE, line_ids=ids)


def bill_mod(
    spec: BillSpec = BILL, expense_ids: tuple[str, ...] = ("3-1",), item_ids: tuple[str, ...] = ("-1",)
) -> etree._Element:
    return build_bill_mod(
        "mod-2",
        spec,
        txn_id=TXN_ID,
        edit_sequence=EDIT_SEQUENCE,
        expense_line_ids=expense_ids,
        item_line_ids=item_ids,
    )


# --- InvoiceMod ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "ids"),
    [
        (INVOICE, ("1A2C-1", "-1")),
        (INVOICE, ("-1", "-1")),
        (InvoiceSpec(Ref(full_name="Acme"), "2026-11-20", "7", GUID, lines=(SERVICE_LINE,)), ("1A2C-1",)),
    ],
    ids=["kept-and-new", "all-new", "minimal"],
)
def test_invoice_mod_is_valid_qbxml(spec: InvoiceSpec, ids: tuple[str, ...]) -> None:
    assert valid(invoice_mod(spec, ids)) == []


def test_invoice_mod_is_the_adds_fields_after_the_ids_without_the_external_guid() -> None:
    request = invoice_mod()

    assert request.tag == "InvoiceModRq"
    assert request.get("requestID") == "mod-1"
    assert tags(request) == ["InvoiceMod", *["IncludeRetElement"] * len(invoices.MOD_RET_ELEMENTS)]
    mod = request.find("InvoiceMod")
    add = build_invoice_add("add-1", INVOICE).find("InvoiceAdd")
    assert tags(mod)[:2] == ["TxnID", "EditSequence"]
    assert mod.findtext("TxnID") == TXN_ID and mod.findtext("EditSequence") == EDIT_SEQUENCE
    head = [tag for tag in tags(add) if tag not in ("ExternalGUID", "InvoiceLineAdd")]
    assert tags(mod)[2:] == [*head, "InvoiceLineMod", "InvoiceLineMod"]
    assert "ExternalGUID" not in element_names_within(schema_definition("element", "InvoiceMod"))


def test_invoice_line_mod_is_the_line_id_then_the_adds_fields() -> None:
    mod = invoice_mod().find("InvoiceMod")
    add = build_invoice_add("add-1", INVOICE).find("InvoiceAdd")
    kept, new = mod.findall("InvoiceLineMod")

    assert tags(kept) == ["TxnLineID", *tags(add.find("InvoiceLineAdd"))]
    assert kept.findtext("TxnLineID") == "1A2C-1"
    assert kept.findtext("Amount") == "450.00" and kept.findtext("Quantity") == "3"
    assert tags(new) == ["TxnLineID", "ItemRef", "Amount"]
    assert new.findtext("TxnLineID") == "-1"


def test_invoice_mod_asks_back_what_a_fingerprint_reads() -> None:
    request = invoice_mod()

    asked = [element.text for element in request.findall("IncludeRetElement")]
    assert asked == list(invoices.MOD_RET_ELEMENTS)
    assert {"TxnID", "EditSequence", "TimeModified", "RefNumber", "Subtotal", "InvoiceLineRet"} <= set(asked)
    in_ret = {child_name(node) for node in ret_children("InvoiceRet")}
    assert set(asked) <= in_ret
    assert {name for name in in_ret if name in FINGERPRINT_FIELDS or is_line(name)} <= set(asked)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"txn_id": " "}, "TxnID"),
        ({"edit_sequence": ""}, "EditSequence"),
        ({"edit_sequence": "1" * 17}, "at most 16"),
        ({"line_ids": ("1A2C-1",)}, "1 TxnLineIDs given for 2"),
        ({"line_ids": ("1A2C-1", "")}, "cannot be empty"),
        ({"spec": InvoiceSpec(Ref(full_name="Acme"), "2026-11-20", "7", GUID, lines=())}, "keeps the old"),
    ],
)
def test_invoice_mod_refuses_what_would_lose_lines_or_fail(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "spec": INVOICE,
        "txn_id": TXN_ID,
        "edit_sequence": EDIT_SEQUENCE,
        "line_ids": ("1A2C-1", "-1"),
    } | changes
    with pytest.raises(ValueError, match=message):
        build_invoice_mod("mod-1", **arguments)  # type: ignore[arg-type]


# --- BillMod -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expense_ids", "item_ids"),
    [
        (BILL, ("3-1",), ("-1",)),
        (BillSpec(**{**BILL.__dict__, "expense_lines": (EXPENSE, EXPENSE)}), ("3-1", "-1"), ("4-1",)),
        (BillSpec(**{**BILL.__dict__, "item_lines": ()}), ("3-1",), ()),
        (BillSpec(**{**BILL.__dict__, "expense_lines": ()}), (), ("4-1",)),
    ],
    ids=["both-kinds", "several", "expense-only", "item-only"],
)
def test_bill_mod_is_valid_qbxml(
    spec: BillSpec, expense_ids: tuple[str, ...], item_ids: tuple[str, ...]
) -> None:
    assert valid(bill_mod(spec, expense_ids, item_ids)) == []


def test_bill_mod_is_the_adds_fields_after_the_ids_without_the_external_guid() -> None:
    request = bill_mod()

    assert tags(request) == ["BillMod", *["IncludeRetElement"] * len(bills.MOD_RET_ELEMENTS)]
    mod = request.find("BillMod")
    add = build_bill_add("add-1", BILL).find("BillAdd")
    head = [tag for tag in tags(add) if tag != "ExternalGUID" and not tag.endswith("LineAdd")]
    assert tags(mod) == ["TxnID", "EditSequence", *head, "ExpenseLineMod", "ItemLineMod"]
    expense, item = mod.find("ExpenseLineMod"), mod.find("ItemLineMod")
    assert tags(expense) == ["TxnLineID", *tags(add.find("ExpenseLineAdd"))]
    assert tags(item) == ["TxnLineID", *tags(add.find("ItemLineAdd"))]
    assert expense.findtext("TxnLineID") == "3-1" and item.findtext("TxnLineID") == "-1"
    assert expense.findtext("Amount") == "120.00" and item.findtext("Cost") == "999"


def test_a_kind_of_line_the_spec_no_longer_has_is_cleared() -> None:
    # Listing no line of a kind would keep QuickBooks' lines of that kind; the Clear removes them.
    expense_only = bill_mod(BillSpec(**{**BILL.__dict__, "item_lines": ()}), ("3-1",), ()).find("BillMod")
    item_only = bill_mod(BillSpec(**{**BILL.__dict__, "expense_lines": ()}), (), ("4-1",)).find("BillMod")

    assert tags(expense_only)[-2:] == ["ExpenseLineMod", "ClearItemLines"]
    assert expense_only.findtext("ClearItemLines") == "true"
    assert tags(item_only)[-2:] == ["ClearExpenseLines", "ItemLineMod"]
    assert item_only.findtext("ClearExpenseLines") == "true"
    assert "ClearExpenseLines" not in tags(bill_mod().find("BillMod"))


def test_bill_mod_asks_back_what_a_fingerprint_reads() -> None:
    asked = [element.text for element in bill_mod().findall("IncludeRetElement")]

    assert asked == list(bills.MOD_RET_ELEMENTS)
    in_ret = {child_name(node) for node in ret_children("BillRet")}
    assert set(asked) <= in_ret
    assert {name for name in in_ret if name in FINGERPRINT_FIELDS or is_line(name)} <= set(asked)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"txn_id": ""}, "TxnID"),
        ({"edit_sequence": " "}, "EditSequence"),
        ({"expense_line_ids": ()}, "0 TxnLineIDs given for 1 expense lines"),
        ({"item_line_ids": ("4-1", "-1")}, "2 TxnLineIDs given for 1 item lines"),
        ({"spec": BillSpec(**{**BILL.__dict__, "expense_lines": (), "item_lines": ()})}, "at least one"),
        ({"spec": BillSpec(**{**BILL.__dict__, "txn_date": "20/11/2026"})}, "TxnDate"),
        (
            {
                "spec": BillSpec(
                    **{**BILL.__dict__, "expense_lines": (ExpenseLineSpec(Ref("A"), Decimal(-9999)),)}
                )
            },
            "negative bill",
        ),
    ],
)
def test_bill_mod_refuses_what_quickbooks_would(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "spec": BILL,
        "txn_id": TXN_ID,
        "edit_sequence": EDIT_SEQUENCE,
        "expense_line_ids": ("3-1",),
        "item_line_ids": ("4-1",),
    } | changes
    with pytest.raises(ValueError, match=message):
        build_bill_mod("mod-2", **arguments)  # type: ignore[arg-type]


def test_bill_mod_ignores_the_external_guid() -> None:
    spec = BillSpec(**{**BILL.__dict__, "external_guid": "not a guid"})

    assert valid(bill_mod(spec)) == []


# --- TxnVoid, TxnDel, TxnDeletedQuery -----------------------------------------------------------------


def test_the_void_and_delete_types_are_the_schemas() -> None:
    assert enumeration("TxnVoidType") == TXN_VOID_TYPES
    assert enumeration("TxnDelType") == TXN_DEL_TYPES
    # Purchase orders and time can be deleted but not voided.
    assert {"PurchaseOrder", "TimeTracking"} <= TXN_DEL_TYPES - TXN_VOID_TYPES


def test_void_and_delete_are_valid_qbxml() -> None:
    void = build_txn_void("void-1", "Invoice", TXN_ID)
    delete = build_txn_del("del-1", "TimeTracking", TXN_ID)

    assert valid(void, delete) == []
    assert tags(void) == ["TxnVoidType", "TxnID"] and void.get("requestID") == "void-1"
    assert void.findtext("TxnVoidType") == "Invoice" and void.findtext("TxnID") == TXN_ID
    assert tags(delete) == ["TxnDelType", "TxnID"] and delete.findtext("TxnDelType") == "TimeTracking"


@pytest.mark.parametrize(
    ("build", "txn_type", "txn_id", "message"),
    [
        (build_txn_void, "PurchaseOrder", TXN_ID, "not a TxnVoidType"),
        (build_txn_void, "invoice", TXN_ID, "not a TxnVoidType"),
        (build_txn_del, "Customer", TXN_ID, "not a TxnDelType"),
        (build_txn_void, "Bill", "", "TxnID"),
        (build_txn_del, "Bill", "  ", "TxnID"),
    ],
)
def test_void_and_delete_refuse_bad_types_and_ids(
    build: object, txn_type: str, txn_id: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build("rq", txn_type, txn_id)  # type: ignore[operator]


@pytest.mark.parametrize("since", ["2026-11-20T09:30:00-05:00", "2026-11-20", "2026-1-5T9:30"])
def test_deleted_query_is_valid_qbxml(since: str) -> None:
    request = build_txn_deleted_query("deleted-1", ["Invoice", "Bill", "TimeTracking"], deleted_since=since)

    assert valid(request) == []
    assert tags(request) == ["TxnDelType"] * 3 + ["DeletedDateRangeFilter"]
    assert [element.text for element in request.findall("TxnDelType")] == ["Invoice", "Bill", "TimeTracking"]
    assert tags(request.find("DeletedDateRangeFilter")) == ["FromDeletedDate"]
    assert request.findtext("DeletedDateRangeFilter/FromDeletedDate") == since


@pytest.mark.parametrize(
    ("txn_types", "since", "message"),
    [
        ([], "2026-11-20T09:30:00-05:00", "at least one"),
        (["Invoice", "Payment"], "2026-11-20T09:30:00-05:00", "not a TxnDelType"),
        (["Invoice"], "", "QuickBooks time"),
        (["Invoice"], "yesterday", "QuickBooks time"),
        (["Invoice"], "2026-11-20 09:30:00", "QuickBooks time"),
        (["Invoice"], "2026-13-20T09:30:00-05:00", "QuickBooks time"),
        (["Invoice"], "2026-02-30", "QuickBooks time"),
    ],
)
def test_deleted_query_refuses_bad_types_and_times(txn_types: list[str], since: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_txn_deleted_query("deleted-1", txn_types, deleted_since=since)


# --- Reads by TxnID ------------------------------------------------------------------------------------


def test_the_read_queries_are_the_schemas() -> None:
    """Every query whose first choice is TxnID+ (but TransactionQuery's summaries), and which of them take
    IncludeLineItems."""
    found: dict[str, bool] = {}
    for node in schema_documents()[0].iter(f"{XSD}element"):
        name = node.get("name") or ""
        if not name.endswith("QueryRq") or name == "TransactionQueryRq":
            continue
        request = schema_definition("complexType", f"{name}Type")
        group = request.find(f"{XSD}sequence/{XSD}group")
        query = request if group is None else schema_definition("group", group.get("ref", ""))
        choice = query.find(f"{XSD}sequence/{XSD}choice")
        if choice is not None and choice.find(f"{XSD}element[@ref='TxnID']") is not None:
            found[name] = "IncludeLineItems" in element_names_within(query)
    assert found == TXN_READ_QUERIES


@pytest.mark.parametrize(
    ("query_tag", "lines"),
    [("InvoiceQueryRq", True), ("BillQueryRq", True), ("TimeTrackingQueryRq", False), ("BillQueryRq", False)],
)
def test_reads_are_valid_qbxml(query_tag: str, lines: bool) -> None:
    request = build_txn_read("read-1", query_tag, [TXN_ID, "1A2D-1700000000"], lines=lines)

    assert valid(request) == []
    assert request.tag == query_tag
    assert tags(request) == ["TxnID", "TxnID", *(["IncludeLineItems"] if lines else [])]
    if lines:
        assert request.findtext("IncludeLineItems") == "true"


@pytest.mark.parametrize(
    ("query_tag", "txn_ids", "lines", "message"),
    [
        ("InvoiceQueryRq", [], True, "every transaction"),
        ("InvoiceQueryRq", [TXN_ID, ""], True, "TxnID"),
        ("TimeTrackingQueryRq", [TXN_ID], True, "lines=False"),
        ("CustomerQueryRq", [TXN_ID], False, "not a transaction query"),
        ("TransactionQueryRq", [TXN_ID], False, "not a transaction query"),
    ],
)
def test_reads_refuse_what_would_read_everything_or_fail(
    query_tag: str, txn_ids: list[str], lines: bool, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_txn_read("read-1", query_tag, txn_ids, lines=lines)


# --- Fingerprints and line ids --------------------------------------------------------------------------

INVOICE_RET = """
<InvoiceRet>
  <TxnID>1A2B-1700000000</TxnID>
  <TimeCreated>2026-11-20T09:30:00-05:00</TimeCreated>
  <TimeModified>2026-11-20T09:30:00-05:00</TimeModified>
  <EditSequence>1700000123</EditSequence>
  <TxnNumber>42</TxnNumber>
  <CustomerRef><ListID>80000001-1700000000</ListID><FullName>Acme Dental</FullName></CustomerRef>
  <TxnDate>2026-11-20</TxnDate>
  <RefNumber>INV-1001</RefNumber>
  <IsPending>false</IsPending>
  <IsFinanceCharge>false</IsFinanceCharge>
  <DueDate>2026-12-20</DueDate>
  <ShipDate>2026-11-20</ShipDate>
  <Subtotal>530.00</Subtotal>
  <SalesTaxPercentage>0.00</SalesTaxPercentage>
  <SalesTaxTotal>0.00</SalesTaxTotal>
  <AppliedAmount>0.00</AppliedAmount>
  <BalanceRemaining>530.00</BalanceRemaining>
  <Memo>November work</Memo>
  <IsPaid>false</IsPaid>
  <IsToBePrinted>false</IsToBePrinted>
  <IsToBeEmailed>true</IsToBeEmailed>
  <InvoiceLineRet>
    <TxnLineID>1A2C-1700000000</TxnLineID>
    <ItemRef><FullName>Consulting</FullName></ItemRef>
    <Desc>Network audit</Desc>
    <Quantity>3</Quantity>
    <Rate>150.00</Rate>
    <Amount>450.00</Amount>
  </InvoiceLineRet>
  <InvoiceLineRet>
    <TxnLineID>1A2D-1700000000</TxnLineID>
    <ItemRef><FullName>Travel</FullName></ItemRef>
    <Amount>80.00</Amount>
  </InvoiceLineRet>
</InvoiceRet>
"""


def invoice_ret(*replacements: tuple[str, str]) -> etree._Element:
    xml = INVOICE_RET
    for old, new in replacements:
        assert old in xml, old
        xml = xml.replace(old, new, 1)
    return parse_xml(xml)


def paid(ret: etree._Element) -> etree._Element:
    """``ret`` after a payment of it all: a LinkedTxn, a zero balance, IsPaid, a new TimeModified."""
    xml = etree.tostring(ret, encoding="unicode")
    xml = xml.replace("<AppliedAmount>0.00</AppliedAmount>", "<AppliedAmount>-530.00</AppliedAmount>")
    xml = xml.replace(
        "<BalanceRemaining>530.00</BalanceRemaining>", "<BalanceRemaining>0.00</BalanceRemaining>"
    )
    xml = xml.replace("<IsPaid>false</IsPaid>", "<IsPaid>true</IsPaid>")
    xml = xml.replace("<TimeModified>2026-11-20T09:30:00-05:00", "<TimeModified>2026-11-25T14:00:00-05:00")
    linked = (
        "<LinkedTxn><TxnID>9-1700000000</TxnID><TxnType>ReceivePayment</TxnType><TxnDate>2026-11-25</TxnDate>"
        "<LinkType>AMTTYPE</LinkType><Amount>-530.00</Amount></LinkedTxn>"
    )
    return parse_xml(xml.replace("<InvoiceLineRet>", linked + "<InvoiceLineRet>", 1))


def as_response(ret: etree._Element, query: str = "InvoiceQueryRs") -> str:
    body = etree.tostring(ret, encoding="unicode")
    return (
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRs>'
        f'<{query} requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">{body}</{query}>'
        "</QBXMLMsgsRs></QBXML>"
    )


def test_the_fixtures_are_answers_quickbooks_could_give() -> None:
    assert qbxml_errors(as_response(invoice_ret())) == []
    assert qbxml_errors(as_response(paid(invoice_ret()))) == []
    assert qbxml_errors(as_response(parse_xml(BILL_RET), "BillQueryRs")) == []


def test_the_fingerprint_is_a_short_stable_hex_digest() -> None:
    fingerprint = txn_fingerprint(invoice_ret())

    assert len(fingerprint) == 32 and int(fingerprint, 16) >= 0
    assert fingerprint == txn_fingerprint(invoice_ret())


@pytest.mark.parametrize(
    "replacements",
    [
        # A Mod rewrites lines under new TxnLineIDs; every save moves the EditSequence and TimeModified.
        (("1A2C-1700000000", "1A30-1700000555"), ("1A2D-1700000000", "1A31-1700000555")),
        (("<EditSequence>1700000123", "<EditSequence>1700000999"),),
        (("<TimeModified>2026-11-20T09:30:00", "<TimeModified>2026-12-01T10:00:00"),),
        # The same numbers written differently.
        (("<Rate>150.00</Rate>", "<Rate>150</Rate>"), ("<Subtotal>530.00", "<Subtotal>530.0")),
        # What is not part of the content.
        (("<Memo>November work</Memo>", "<Memo>Changed</Memo>"), ("<RefNumber>INV-1001", "<RefNumber>X")),
    ],
    ids=["line-ids", "edit-sequence", "time-modified", "number-format", "head-fields"],
)
def test_the_fingerprint_ignores_what_is_not_content(replacements: tuple[tuple[str, str], ...]) -> None:
    assert txn_fingerprint(invoice_ret(*replacements)) == txn_fingerprint(invoice_ret())


def test_a_payment_is_not_a_change() -> None:
    assert txn_fingerprint(paid(invoice_ret())) == txn_fingerprint(invoice_ret())


LINE_2 = "<InvoiceLineRet>\n    <TxnLineID>1A2D-1700000000</TxnLineID>"
REMOVED_LINE = (
    "<InvoiceLineRet>\n    <TxnLineID>1A2D-1700000000</TxnLineID>\n"
    "    <ItemRef><FullName>Travel</FullName></ItemRef>\n    <Amount>80.00</Amount>\n  </InvoiceLineRet>"
)
ADDED_LINE = (
    "<InvoiceLineRet><TxnLineID>1A2E-1</TxnLineID><ItemRef><FullName>Travel</FullName></ItemRef>"
    "<Amount>10.00</Amount></InvoiceLineRet>"
)


@pytest.mark.parametrize(
    "replacements",
    [
        (("<Amount>450.00</Amount>", "<Amount>460.00</Amount>"),),
        (("<FullName>Consulting</FullName>", "<FullName>Consulting:Senior</FullName>"),),
        (("<Quantity>3</Quantity>", "<Quantity>4</Quantity>"),),
        (("<Desc>Network audit</Desc>", "<Desc>Network audit and fixes</Desc>"),),
        (("<Desc>Network audit</Desc>", ""),),
        (("<Subtotal>530.00", "<Subtotal>540.00"),),
        (("<TxnDate>2026-11-20", "<TxnDate>2026-11-21"),),
        (("<ListID>80000001-1700000000", "<ListID>80000002-1700000000"),),
        ((REMOVED_LINE, ""),),
        ((LINE_2, ADDED_LINE + LINE_2),),
    ],
    ids=[
        "amount",
        "item",
        "quantity",
        "description",
        "description-removed",
        "subtotal",
        "date",
        "customer",
        "line-removed",
        "line-added",
    ],
)
def test_the_fingerprint_changes_with_the_content(replacements: tuple[tuple[str, str], ...]) -> None:
    assert txn_fingerprint(invoice_ret(*replacements)) != txn_fingerprint(invoice_ret())


def test_the_line_order_is_content() -> None:
    first, second = (etree.tostring(line) for line in invoice_ret().findall("InvoiceLineRet"))
    swapped = etree.tostring(invoice_ret()).replace(first, b"@").replace(second, first).replace(b"@", second)

    assert txn_fingerprint(parse_xml(swapped)) != txn_fingerprint(invoice_ret())


def test_a_mod_answer_fingerprints_as_the_full_read_does() -> None:
    """What a Mod asks back (MOD_RET_ELEMENTS) holds everything the fingerprint reads."""
    narrowed = invoice_ret()
    for child in list(narrowed):
        if child.tag not in invoices.MOD_RET_ELEMENTS:
            narrowed.remove(child)

    assert txn_fingerprint(narrowed) == txn_fingerprint(invoice_ret())


BILL_RET = """
<BillRet>
  <TxnID>5-1700000000</TxnID>
  <TimeCreated>2026-11-20T09:30:00-05:00</TimeCreated>
  <TimeModified>2026-11-20T09:30:00-05:00</TimeModified>
  <EditSequence>1700000200</EditSequence>
  <VendorRef><FullName>Dell Inc</FullName></VendorRef>
  <TxnDate>2026-11-20</TxnDate>
  <AmountDue>2118.00</AmountDue>
  <RefNumber>INV-5521</RefNumber>
  <IsPaid>false</IsPaid>
  <ExpenseLineRet>
    <TxnLineID>6-1</TxnLineID>
    <AccountRef><FullName>Office Supplies</FullName></AccountRef>
    <Amount>120.00</Amount>
  </ExpenseLineRet>
  <ItemLineRet>
    <TxnLineID>7-1</TxnLineID>
    <ItemRef><FullName>Hardware:Laptop 14in</FullName></ItemRef>
    <Quantity>2</Quantity>
    <Cost>999.00</Cost>
    <Amount>1998.00</Amount>
  </ItemLineRet>
  <ItemGroupLineRet>
    <TxnLineID>8-1</TxnLineID>
    <ItemGroupRef><FullName>Kit</FullName></ItemGroupRef>
    <TotalAmount>0.00</TotalAmount>
    <ItemLineRet>
      <TxnLineID>9-1</TxnLineID>
      <ItemRef><FullName>Cable</FullName></ItemRef>
      <Amount>0.00</Amount>
    </ItemLineRet>
  </ItemGroupLineRet>
  <OpenAmount>2118.00</OpenAmount>
</BillRet>
"""


def test_line_ids_are_the_lines_in_document_order() -> None:
    assert line_ids(invoice_ret()) == ["1A2C-1700000000", "1A2D-1700000000"]
    # Online Edition's summary lines have no TxnLineID to pair with a Mod's line.
    discounted = "<DiscountLineRet><Amount>-5.00</Amount></DiscountLineRet></InvoiceRet>"
    assert line_ids(parse_xml(INVOICE_RET.replace("</InvoiceRet>", discounted))) == line_ids(invoice_ret())
    bill_ret = parse_xml(BILL_RET)
    # A group is one line: its own TxnLineID, not its inner lines'.
    assert line_ids(bill_ret) == ["6-1", "7-1", "8-1"]
    assert line_ids(bill_ret, "ExpenseLineRet") == ["6-1"]
    assert line_ids(bill_ret, "ItemLineRet") == ["7-1"]
    assert line_ids(parse_xml("<TimeTrackingRet><TxnID>1</TxnID></TimeTrackingRet>")) == []


def test_a_line_without_an_id_is_refused() -> None:
    with pytest.raises(QbResponseError, match="InvoiceLineRet"):
        line_ids(invoice_ret(("<TxnLineID>1A2C-1700000000</TxnLineID>", "")))


def test_bill_inner_group_line_ids_do_not_count_but_their_content_does() -> None:
    bill_ret = parse_xml(BILL_RET)
    renumbered = parse_xml(BILL_RET.replace("9-1", "99-1").replace("8-1", "88-1"))
    recosted = parse_xml(BILL_RET.replace("<FullName>Cable</FullName>", "<FullName>Cable 2m</FullName>"))

    assert txn_fingerprint(renumbered) == txn_fingerprint(bill_ret)
    assert txn_fingerprint(recosted) != txn_fingerprint(bill_ret)
    assert txn_fingerprint(parse_xml(BILL_RET.replace("2118.00</OpenAmount>", "0.00</OpenAmount>"))) == (
        txn_fingerprint(bill_ret)
    )


def test_edit_sequence_is_read_from_the_ret() -> None:
    assert edit_sequence(invoice_ret()) == "1700000123"
    assert edit_sequence(parse_xml("<InvoiceRet><TxnID>1</TxnID></InvoiceRet>")) is None
    assert edit_sequence(parse_xml("<InvoiceRet><EditSequence/></InvoiceRet>")) is None


@pytest.mark.parametrize(
    ("xml", "zero"),
    [
        ("<InvoiceRet><Subtotal>0.00</Subtotal><BalanceRemaining>0.00</BalanceRemaining></InvoiceRet>", True),
        ("<InvoiceRet><Subtotal>530.00</Subtotal></InvoiceRet>", False),
        ("<BillRet><AmountDue>0.00</AmountDue></BillRet>", True),
        ("<BillRet><AmountDue>-0.00</AmountDue></BillRet>", True),
        ("<BillRet><AmountDue>0.01</AmountDue></BillRet>", False),
        ("<CheckRet><Amount>0</Amount><TotalAmount>0.00</TotalAmount></CheckRet>", True),
        ("<CheckRet><Amount>0</Amount><TotalAmount>5.00</TotalAmount></CheckRet>", False),
        ("<TimeTrackingRet><Duration>PT0H0M</Duration></TimeTrackingRet>", False),
    ],
)
def test_is_zero_total(xml: str, zero: bool) -> None:
    assert is_zero_total(parse_xml(xml)) is zero


def test_a_total_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(QbResponseError):
        is_zero_total(parse_xml("<BillRet><AmountDue>n/a</AmountDue></BillRet>"))


# --- schema helpers ---------------------------------------------------------------------------------------


def ret_children(ret: str) -> list[etree._Element]:
    """The element declarations directly in ``ret``'s sequence, its groups' included."""
    nodes: list[etree._Element] = []
    sequence = schema_definition("element", ret).find(f"{XSD}complexType/{XSD}sequence")
    assert sequence is not None
    pending = list(sequence)
    while pending:
        node = pending.pop(0)
        if node.tag == f"{XSD}group":
            group = schema_definition("group", node.get("ref", "")).find(f"{XSD}sequence")
            assert group is not None
            pending = list(group) + pending
        elif node.tag == f"{XSD}choice":
            pending = list(node) + pending
        elif node.tag == f"{XSD}element":
            nodes.append(node)
    return nodes


def child_name(node: etree._Element) -> str:
    return node.get("name") or node.get("ref") or ""


def is_line(name: str) -> bool:
    return name.endswith(("LineRet", "LineGroupRet"))


TIME_RET = """
<TimeTrackingRet>
  <TxnID>T-1</TxnID><TimeModified>2026-11-20T09:30:00-05:00</TimeModified><EditSequence>1</EditSequence>
  <TxnDate>2026-11-20</TxnDate>
  <EntityRef><FullName>Jane Smith</FullName></EntityRef>
  <CustomerRef><FullName>Acme Dental</FullName></CustomerRef>
  <ItemServiceRef><FullName>Consulting</FullName></ItemServiceRef>
  <Duration>PT1H30M0S</Duration>
</TimeTrackingRet>
"""


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        ("<EditSequence>1<", "<EditSequence>2<", True),
        ("PT1H30M0S", "PT2H0M0S", False),
        ("<FullName>Consulting<", "<FullName>Support<", False),
        ("<FullName>Acme Dental<", "<FullName>Other<", False),
    ],
)
def test_a_time_entry_is_fingerprinted_by_its_date_customer_service_and_duration(
    old: str, new: str, same: bool
) -> None:
    changed = parse_xml(TIME_RET.replace(old, new))

    assert (txn_fingerprint(changed) == txn_fingerprint(parse_xml(TIME_RET))) is same
