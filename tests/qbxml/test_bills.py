"""The vendor-bill requests (BillAdd, BillQuery by RefNumber, BillQuery for changes) and the shared field
writers in ``chalicelib.qbxml.bills``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from chalicelib.qbxml.bills import (
    ADD_RET_ELEMENTS,
    BILL_ADD_RET_ELEMENTS,
    CHANGES_RET_ELEMENTS,
    BillSpec,
    ExpenseLineSpec,
    ItemLineSpec,
    build_bill_add,
    build_bill_changes_query,
    build_bill_query_by_ref_numbers,
)
from chalicelib.qbxml.document import IteratorMode, render_request_message
from chalicelib.qbxml.fields import money_text, number_text
from chalicelib.qbxml.invoices import Ref, build_invoice_changes_query
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml
from tests.qbxml.schema import XSD, element_names_within, schema_definition

GUID = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
ITERATOR_ID = "{eb05f701-e727-472f-8ade-6753c4f67a46}"

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
    cost=Decimal("999.0"),
    amount=Decimal("1998"),
    customer=Ref(list_id="80000001-1700000000"),
    class_=Ref(full_name="Projects"),
    billable=False,
)
FULL_SPEC = BillSpec(
    vendor=Ref(list_id="80000003-1700000000", full_name="Dell Inc"),
    txn_date="2026-11-20",
    ref_number="INV-5521",
    external_guid=GUID,
    due_date="2026-12-20",
    terms=Ref(full_name="Net 30"),
    memo="Laptops",
    expense_lines=(EXPENSE,),
    item_lines=(ITEM,),
)
MINIMAL_SPEC = BillSpec(
    vendor=Ref(full_name="v-Smith, Jane"),
    txn_date="2026-11-20",
    ref_number="EXP881",
    external_guid=GUID,
    expense_lines=(ExpenseLineSpec(account=Ref(full_name="Travel"), amount=Decimal("42.5")),),
)


def tags(element: etree._Element) -> list[str]:
    return [child.tag for child in element]


def valid(*requests: etree._Element) -> list[str]:
    return qbxml_errors(render_request_message(list(requests)))


def bill(**changes: object) -> BillSpec:
    fields: dict[str, object] = {
        "vendor": Ref(full_name="Dell Inc"),
        "txn_date": "2026-11-20",
        "ref_number": "INV-5521",
        "external_guid": GUID,
        "expense_lines": (ExpenseLineSpec(account=Ref(full_name="Office Supplies"), amount=Decimal("10")),),
    }
    return BillSpec(**(fields | changes))  # type: ignore[arg-type]


# --- BillAdd -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        FULL_SPEC,
        MINIMAL_SPEC,
        bill(expense_lines=(), item_lines=(ItemLineSpec(item=Ref(full_name="Laptop 14in")),)),
        bill(expense_lines=(EXPENSE, EXPENSE), item_lines=(ITEM, ITEM)),
    ],
    ids=["full", "minimal", "item-only", "several"],
)
def test_bill_add_is_valid_qbxml(spec: BillSpec) -> None:
    assert valid(build_bill_add("bill-1", spec)) == []


def test_bill_add_writes_every_field_in_schema_order() -> None:
    request = build_bill_add("bill-1", FULL_SPEC)

    assert request.tag == "BillAddRq"
    assert request.items() == [("requestID", "bill-1")]
    # Its identity, and the content an update compares with later (the fingerprint of what was written).
    assert tags(request) == ["BillAdd", *["IncludeRetElement"] * len(BILL_ADD_RET_ELEMENTS)]
    assert {"EditSequence", "ExpenseLineRet", "ItemLineRet", "AmountDue"} <= set(BILL_ADD_RET_ELEMENTS)
    add = request.find("BillAdd")
    assert add is not None
    # DueDate before RefNumber: the other way round from InvoiceAdd.
    assert tags(add) == [
        "VendorRef",
        "TxnDate",
        "DueDate",
        "RefNumber",
        "TermsRef",
        "Memo",
        "ExternalGUID",
        "ExpenseLineAdd",
        "ItemLineAdd",
    ]
    assert tags(add.find("VendorRef")) == ["ListID"]  # type: ignore[arg-type]
    assert add.findtext("VendorRef/ListID") == "80000003-1700000000"
    assert add.findtext("TxnDate") == "2026-11-20"
    assert add.findtext("DueDate") == "2026-12-20"
    assert add.findtext("RefNumber") == "INV-5521"
    assert add.findtext("TermsRef/FullName") == "Net 30"
    assert add.findtext("Memo") == "Laptops"
    assert add.findtext("ExternalGUID") == GUID


def test_expense_line_fields_in_schema_order() -> None:
    line = build_bill_add("bill-1", FULL_SPEC).find("BillAdd/ExpenseLineAdd")
    assert line is not None

    assert tags(line) == ["AccountRef", "Amount", "Memo", "CustomerRef", "ClassRef", "BillableStatus"]
    assert line.findtext("AccountRef/FullName") == "Office Supplies"
    assert line.findtext("Amount") == "120.00"
    assert line.findtext("Memo") == "Paper"
    assert line.findtext("CustomerRef/FullName") == "Acme Dental"
    assert line.findtext("ClassRef/FullName") == "Managed Services"
    assert line.findtext("BillableStatus") == "Billable"


def test_item_line_fields_in_schema_order() -> None:
    line = build_bill_add("bill-1", FULL_SPEC).find("BillAdd/ItemLineAdd")
    assert line is not None

    assert tags(line) == [
        "ItemRef",
        "Desc",
        "Quantity",
        "Cost",
        "Amount",
        "CustomerRef",
        "ClassRef",
        "BillableStatus",
    ]
    assert line.findtext("ItemRef/FullName") == "Hardware:Laptop 14in"
    assert line.findtext("Desc") == "Latitude"
    assert line.findtext("Quantity") == "2"
    assert line.findtext("Cost") == "999"
    assert line.findtext("Amount") == "1998.00"
    assert line.findtext("CustomerRef/ListID") == "80000001-1700000000"
    assert line.findtext("BillableStatus") == "NotBillable"


def test_a_minimal_bill_leaves_out_what_it_was_not_given() -> None:
    add = build_bill_add("bill-1", MINIMAL_SPEC).find("BillAdd")
    assert add is not None

    assert tags(add) == ["VendorRef", "TxnDate", "RefNumber", "ExternalGUID", "ExpenseLineAdd"]
    assert tags(add.find("ExpenseLineAdd")) == ["AccountRef", "Amount"]  # type: ignore[arg-type]
    assert add.findtext("ExpenseLineAdd/Amount") == "42.50"
    item_only = build_bill_add(
        "bill-1", bill(expense_lines=(), item_lines=(ItemLineSpec(item=Ref(full_name="Laptop 14in")),))
    )
    assert tags(item_only.find("BillAdd/ItemLineAdd")) == ["ItemRef"]  # type: ignore[arg-type]


def test_expense_lines_come_before_item_lines_whatever_the_spec_holds() -> None:
    spec = bill(expense_lines=(EXPENSE, EXPENSE), item_lines=(ITEM, ITEM, ITEM))

    add = build_bill_add("bill-1", spec).find("BillAdd")
    assert add is not None

    assert tags(add)[-5:] == ["ExpenseLineAdd"] * 2 + ["ItemLineAdd"] * 3


def test_the_schema_puts_expense_lines_before_the_item_line_choice() -> None:
    sequence = schema_definition("element", "BillAdd").find(f"{XSD}complexType/{XSD}sequence")
    assert sequence is not None
    names = [node.get("ref") or node.get("name") or node.tag.removeprefix(XSD) for node in sequence]

    assert names[-2:] == ["ExpenseLineAdd", "choice"]
    choice = sequence[-1]
    assert choice.get("maxOccurs") == "unbounded"
    assert [node.get("ref") for node in choice] == ["ItemLineAdd", "ItemGroupLineAdd"]


def test_the_bill_add_asks_back_only_what_the_bridge_reads() -> None:
    request = build_bill_add("bill-1", MINIMAL_SPEC)

    assert [e.text for e in request.findall("IncludeRetElement")] == list(BILL_ADD_RET_ELEMENTS)
    assert {"TxnID", "TimeCreated", "RefNumber", "ExternalGUID"} <= set(BILL_ADD_RET_ELEMENTS)


@pytest.mark.parametrize(
    "elements",
    [ADD_RET_ELEMENTS, BILL_ADD_RET_ELEMENTS, CHANGES_RET_ELEMENTS],
    ids=["query", "add", "changes"],
)
def test_requested_elements_exist_on_bill_ret(elements: tuple[str, ...]) -> None:
    assert set(elements) <= element_names_within(schema_definition("element", "BillRet"))


@pytest.mark.parametrize(("billable", "status"), [(True, "Billable"), (False, "NotBillable"), (None, None)])
def test_billable_status(billable: bool | None, status: str | None) -> None:
    spec = bill(
        expense_lines=(
            ExpenseLineSpec(
                account=Ref(full_name="Travel"),
                amount=Decimal("5"),
                customer=Ref(full_name="Acme Dental"),
                billable=billable,
            ),
        ),
        item_lines=(
            ItemLineSpec(item=Ref(full_name="Laptop"), customer=Ref(full_name="Acme"), billable=billable),
        ),
    )
    request = build_bill_add("bill-1", spec)

    assert request.findtext("BillAdd/ExpenseLineAdd/BillableStatus") == status
    assert request.findtext("BillAdd/ItemLineAdd/BillableStatus") == status
    assert valid(request) == []


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("120", "120.00"),
        ("42.5", "42.50"),
        ("0.01", "0.01"),
        ("42.500", "42.50"),
        ("0", "0.00"),
        ("-100", "-100.00"),
        ("1234567890123.99", "1234567890123.99"),
    ],
)
def test_amounts_have_two_decimals(amount: str, text: str) -> None:
    assert money_text("the amount", Decimal(amount)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2", "2"),
        ("1.5", "1.5"),
        ("999.000", "999"),
        ("12.345674", "12.34567"),
        ("0.000001", "0"),
        ("-3", "-3"),
    ],
)
def test_quantities_and_costs_have_at_most_five_decimals(value: str, text: str) -> None:
    assert number_text("the cost", Decimal(value)) == text


def test_an_expense_reports_cash_advance_is_a_negative_line() -> None:
    spec = bill(
        expense_lines=(
            ExpenseLineSpec(account=Ref(full_name="Mileage"), amount=Decimal("142.50")),
            ExpenseLineSpec(account=Ref(full_name="Employee Advances"), amount=Decimal("-100")),
        )
    )
    request = build_bill_add("bill-1", spec)

    assert [e.text for e in request.findall("BillAdd/ExpenseLineAdd/Amount")] == ["142.50", "-100.00"]
    assert valid(request) == []


def test_a_bill_of_zero_is_fine() -> None:
    spec = bill(
        expense_lines=(
            ExpenseLineSpec(account=Ref(full_name="Mileage"), amount=Decimal("100")),
            ExpenseLineSpec(account=Ref(full_name="Employee Advances"), amount=Decimal("-100")),
        )
    )

    assert valid(build_bill_add("bill-1", spec)) == []


@pytest.mark.parametrize(
    "item_lines",
    [
        (ItemLineSpec(item=Ref(full_name="Laptop"), amount=Decimal("-0.01")),),
        (ItemLineSpec(item=Ref(full_name="Laptop"), quantity=Decimal("-1"), cost=Decimal("0.01")),),
    ],
)
def test_a_negative_total_is_refused(item_lines: tuple[ItemLineSpec, ...]) -> None:
    with pytest.raises(ValueError, match="negative bill"):
        build_bill_add("bill-1", bill(expense_lines=(), item_lines=item_lines))


def test_a_cash_advance_larger_than_the_expenses_is_refused() -> None:
    spec = bill(
        expense_lines=(
            ExpenseLineSpec(account=Ref(full_name="Mileage"), amount=Decimal("42.50")),
            ExpenseLineSpec(account=Ref(full_name="Employee Advances"), amount=Decimal("-100")),
        )
    )

    with pytest.raises(ValueError, match=r"total is -57\.50"):
        build_bill_add("bill-1", spec)


def test_a_total_quickbooks_fills_in_is_left_to_quickbooks() -> None:
    # The item line's amount comes from the item's purchase cost: the total is unknown here.
    spec = bill(
        expense_lines=(ExpenseLineSpec(account=Ref(full_name="Employee Advances"), amount=Decimal("-100")),),
        item_lines=(ItemLineSpec(item=Ref(full_name="Laptop"), quantity=Decimal("1")),),
    )

    assert valid(build_bill_add("bill-1", spec)) == []


def test_text_needing_escapes_round_trips() -> None:
    spec = bill(
        vendor=Ref(full_name="O'Brien & Sons <Ltd>"),
        memo='Parts & "labour"',
        expense_lines=(ExpenseLineSpec(account=Ref(full_name="Repairs"), amount=Decimal("5"), memo="a < b"),),
    )
    document = render_request_message([build_bill_add("a&b", spec)])

    assert qbxml_errors(document) == []
    parsed = parse_xml(document).find("QBXMLMsgsRq/BillAddRq")
    assert parsed is not None
    assert parsed.get("requestID") == "a&b"
    assert parsed.findtext("BillAdd/VendorRef/FullName") == "O'Brien & Sons <Ltd>"
    assert parsed.findtext("BillAdd/Memo") == 'Parts & "labour"'
    assert parsed.findtext("BillAdd/ExpenseLineAdd/Memo") == "a < b"


def test_limits_are_fine_at_the_limit() -> None:
    spec = bill(
        ref_number="R" * 20,
        memo="m" * 4095,
        expense_lines=(
            ExpenseLineSpec(
                account=Ref(full_name="Travel"), amount=Decimal("9999999999999.99"), memo="m" * 4095
            ),
        ),
        item_lines=(
            ItemLineSpec(
                item=Ref(full_name="Laptop"),
                description="d" * 4095,
                quantity=Decimal("9999999999.99999"),
                cost=Decimal("9999999999.99999"),
            ),
        ),
    )

    assert valid(build_bill_add("bill-1", spec)) == []


def expense(**changes: object) -> ExpenseLineSpec:
    fields: dict[str, object] = {"account": Ref(full_name="Travel"), "amount": Decimal("10")}
    return ExpenseLineSpec(**(fields | changes))  # type: ignore[arg-type]


def item(**changes: object) -> ItemLineSpec:
    return ItemLineSpec(**({"item": Ref(full_name="Laptop")} | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expense_lines": (), "item_lines": ()}, "at least one expense line or item line"),
        ({"txn_date": "20/11/2026"}, "TxnDate must be a date"),
        ({"txn_date": "2026-02-30"}, "TxnDate must be a date"),
        ({"due_date": "20261220"}, "DueDate must be a date"),
        ({"ref_number": ""}, "RefNumber cannot be empty"),
        ({"ref_number": "  "}, "RefNumber cannot be empty"),
        ({"ref_number": "R" * 21}, "at most 20"),
        ({"memo": "m" * 4096}, "at most 4095"),
        ({"external_guid": "6B29FC40-CA47-1067-B31D-00DD010662DA"}, "ExternalGUID must look like"),
        ({"external_guid": "0"}, "ExternalGUID must look like"),
        ({"vendor": Ref()}, "VendorRef needs a ListID or a FullName"),
        ({"vendor": Ref(full_name=" ")}, "VendorRef needs a ListID or a FullName"),
        ({"terms": Ref(full_name="")}, "TermsRef needs a ListID or a FullName"),
        ({"expense_lines": (expense(account=Ref()),)}, "AccountRef needs a ListID or a FullName"),
        ({"expense_lines": (expense(class_=Ref()),)}, "ClassRef needs a ListID or a FullName"),
        (
            {"expense_lines": (expense(amount=Decimal("42.125")),)},
            "expense line 1 is 42.125, which has fractions",
        ),
        ({"expense_lines": (expense(amount=Decimal("NaN")),)}, "must be a number"),
        ({"expense_lines": (expense(amount=Decimal("Infinity")),)}, "must be a number"),
        ({"expense_lines": (expense(amount=Decimal("1E13")),)}, "at most 13 digits"),
        ({"expense_lines": (expense(), expense(memo="m" * 4096))}, "memo of expense line 2 is 4096"),
        ({"expense_lines": (expense(billable=True),)}, "expense line 1 is billable but names no customer"),
        ({"item_lines": (item(item=Ref()),)}, "ItemRef needs a ListID or a FullName"),
        ({"item_lines": (item(billable=True),)}, "item line 1 is billable but names no customer"),
        ({"item_lines": (item(quantity=Decimal("1E10")),)}, "quantity of item line 1 .* at most 10 digits"),
        (
            {"item_lines": (item(cost=Decimal("9999999999.999999")),)},
            "cost of item line 1 .* at most 10 digits",
        ),
        ({"item_lines": (item(cost=Decimal("sNaN")),)}, "must be a number"),
        ({"item_lines": (item(amount=Decimal("0.001")),)}, "fractions of a cent"),
        ({"item_lines": (item(description="d" * 4096),)}, "description of item line 1"),
    ],
)
def test_what_quickbooks_would_refuse_is_refused_here(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_bill_add("bill-1", bill(**changes))


def test_the_same_add_renders_twice_unchanged() -> None:
    request = build_bill_add("bill-1", FULL_SPEC)

    assert render_request_message([request]) == render_request_message([request])


# --- BillQuery by RefNumber ----------------------------------------------------------------------------


@pytest.mark.parametrize("ref_numbers", [["INV-5521"], ["INV-5521", "EXP881", "A & B"]])
def test_bill_query_by_ref_numbers_is_valid_qbxml(ref_numbers: list[str]) -> None:
    assert valid(build_bill_query_by_ref_numbers("bq-1", ref_numbers)) == []


def test_bill_query_by_ref_numbers_asks_for_what_finds_a_lost_add() -> None:
    request = build_bill_query_by_ref_numbers("bq-1", ["INV-5521", "EXP881"])

    assert request.tag == "BillQueryRq"
    assert request.items() == [("requestID", "bq-1")]
    assert tags(request) == ["RefNumber", "RefNumber", *["IncludeRetElement"] * 4]
    assert [e.text for e in request.findall("RefNumber")] == ["INV-5521", "EXP881"]
    assert [e.text for e in request.findall("IncludeRetElement")] == list(ADD_RET_ELEMENTS)


@pytest.mark.parametrize(
    ("ref_numbers", "message"), [([], "every transaction"), (["A", " "], "cannot be empty")]
)
def test_bill_query_without_ref_numbers_is_refused(ref_numbers: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_bill_query_by_ref_numbers("bq-1", ref_numbers)


# --- BillQuery for changes -----------------------------------------------------------------------------


def changes_query(iterator: IteratorMode) -> etree._Element:
    return build_bill_changes_query(
        "bc-1",
        modified_since="2026-11-20T09:30:00-05:00",
        max_returned=100,
        iterator=iterator,
        iterator_id=ITERATOR_ID if iterator == "Continue" else None,
    )


@pytest.mark.parametrize("iterator", ["Start", "Continue"])
def test_bill_changes_query_is_valid_qbxml(iterator: IteratorMode) -> None:
    assert valid(changes_query(iterator)) == []


@pytest.mark.parametrize("iterator", ["Start", "Continue"])
def test_bill_changes_query_has_the_shape_of_the_invoice_changes_query(iterator: IteratorMode) -> None:
    bills = changes_query(iterator)
    invoices = build_invoice_changes_query(
        "bc-1",
        modified_since="2026-11-20T09:30:00-05:00",
        max_returned=100,
        iterator=iterator,
        iterator_id=ITERATOR_ID if iterator == "Continue" else None,
    )

    assert bills.tag == "BillQueryRq"
    # The same filters and flags; each asks for its own content (lines and totals) besides paid and links.
    assert [e.tag for e in bills if e.tag != "IncludeRetElement"] == [
        e.tag for e in invoices if e.tag != "IncludeRetElement"
    ]
    assert bills.attrib == invoices.attrib


def test_bill_changes_query_reads_paid_status_and_links() -> None:
    request = changes_query("Continue")

    assert request.items() == [("requestID", "bc-1"), ("iterator", "Continue"), ("iteratorID", ITERATOR_ID)]
    assert tags(request) == [
        "MaxReturned",
        "ModifiedDateRangeFilter",
        "IncludeLineItems",
        "IncludeLinkedTxns",
        *["IncludeRetElement"] * len(CHANGES_RET_ELEMENTS),
    ]
    assert request.findtext("MaxReturned") == "100"
    assert request.findtext("ModifiedDateRangeFilter/FromModifiedDate") == "2026-11-20T09:30:00-05:00"
    assert request.findtext("IncludeLinkedTxns") == "true"
    # Paid or not, and the content a person might have edited (lines and total).
    assert {"TxnID", "TimeModified", "IsPaid", "LinkedTxn", "AmountDue", "ExpenseLineRet"} <= {
        e.text for e in request.findall("IncludeRetElement")
    }


def test_the_schema_lets_bill_query_page_with_an_iterator() -> None:
    request_type = schema_definition("complexType", "BillQueryRqType")

    assert request_type.find(f"{XSD}attribute[@name='iterator']") is not None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"modified_since": ""}, "modified_since must be a QuickBooks time"),
        ({"modified_since": "yesterday"}, "modified_since must be a QuickBooks time"),
        ({"modified_since": "2026-11-20 09:30"}, "modified_since must be a QuickBooks time"),
        ({"max_returned": 0}, "at least 1"),
        ({"iterator": "Continue"}, "iterator_id goes with"),
        ({"iterator_id": ITERATOR_ID}, "iterator_id goes with"),
    ],
)
def test_bad_changes_query_arguments_are_refused(arguments: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "modified_since": "2026-11-20T09:30:00-05:00",
        "max_returned": 100,
        "iterator": "Start",
    }

    with pytest.raises(ValueError, match=message):
        build_bill_changes_query("bc-1", **(base | arguments))  # type: ignore[arg-type]


@pytest.mark.parametrize("since", ["2026-11-20", "2026-11-20T09:30:00", "2026-11-20T09:30:00+01:00"])
def test_a_date_or_a_time_without_offset_is_a_quickbooks_time(since: str) -> None:
    request = build_bill_changes_query("bc-1", modified_since=since, max_returned=10, iterator="Start")

    assert valid(request) == []
