"""Vendor bills through qbXML (BillAdd, BillQuery) and the bill payments a bookkeeper records. Every request
here passes the qbXML 13.0 schema (the simulator refuses any that does not) and every answer is checked
against it (``helpers.answers``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from simulators.quickbooks import (
    Account,
    BillPaymentCheck,
    BillPaymentCreditCard,
    ItemNonInventory,
    QuickBooksCompany,
    Vendor,
)
from tests.simulators.quickbooks.helpers import add, answers, ask, only, qbxml, ref, status

NO_SUCH_RECORD = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)
GUID_A = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
# Schema order of the BillRet children the simulator answers with (multi-currency off).
RET_ORDER = [
    "TxnID",
    "TimeCreated",
    "TimeModified",
    "EditSequence",
    "TxnNumber",
    "VendorRef",
    "VendorAddress",
    "APAccountRef",
    "TxnDate",
    "DueDate",
    "AmountDue",
    "RefNumber",
    "TermsRef",
    "Memo",
    "IsPaid",
    "ExternalGUID",
    "ExpenseLineRet",
    "ExpenseLineRet",
    "ItemLineRet",
    "OpenAmount",
]


@pytest.fixture
def company() -> QuickBooksCompany:
    return QuickBooksCompany.sample()


def guid(number: int) -> str:
    return f"{{6B29FC40-CA47-1067-B31D-{number:012d}}}"


def expense(account: str | None, amount: str | None = None, *inner: str) -> str:
    """An ExpenseLineAdd; ``inner`` are the children after Amount, in schema order."""
    return (
        "<ExpenseLineAdd>"
        + (ref("AccountRef", account) if account else "")
        + (f"<Amount>{amount}</Amount>" if amount is not None else "")
        + "".join(inner)
        + "</ExpenseLineAdd>"
    )


def item(name: str | None, *inner: str) -> str:
    """An ItemLineAdd; ``inner`` are the children after ItemRef, in schema order."""
    return "<ItemLineAdd>" + (ref("ItemRef", name) if name else "") + "".join(inner) + "</ItemLineAdd>"


def bill_add(
    vendor: str = "Vendor 0001",
    *inner: str,
    lines: tuple[str, ...] = (),
    include: tuple[str, ...] = (),
    request_id: str | None = None,
) -> str:
    """A BillAddRq; ``inner`` are the children between VendorRef and the lines, in schema order; the
    lines are expense lines first, then item lines, as the schema wants them."""
    lines = lines or (expense("Office Supplies", "120.00", "<Memo>Paper</Memo>"),)
    attribute = f' requestID="{request_id}"' if request_id else ""
    included = "".join(f"<IncludeRetElement>{tag}</IncludeRetElement>" for tag in include)
    return (
        f"<BillAddRq{attribute}><BillAdd>{ref('VendorRef', vendor)}"
        + "".join(inner)
        + "".join(lines)
        + f"</BillAdd>{included}</BillAddRq>"
    )


def query(company: QuickBooksCompany, *children: str, attributes: str = "") -> etree._Element:
    return ask(company, "BillQueryRq", *children, attributes=attributes)


def ref_numbers(rs: etree._Element) -> list[str]:
    return [ret.findtext("RefNumber") or "" for ret in rs]


# BillAdd -----------------------------------------------------------------------------------------------


def test_bill_add_with_expense_and_item_lines_answers_its_ret(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        bill_add(
            "Vendor 0002",
            "<TxnDate>2024-01-10</TxnDate><DueDate>2024-02-09</DueDate><RefNumber>INV-5521</RefNumber>",
            ref("TermsRef", "Net 30"),
            "<Memo>Laptops</Memo>",
            f"<ExternalGUID>{GUID_A}</ExternalGUID>",
            lines=(
                expense(
                    "Office Supplies",
                    "120.00",
                    "<Memo>Paper</Memo>",
                    ref("CustomerRef", "Customer 0001"),
                    ref("ClassRef", "Consulting:Onsite"),
                    "<BillableStatus>NotBillable</BillableStatus>",
                ),
                expense("Travel Expense", "80.25"),
                item(
                    "Cable",
                    "<Desc>Latitude</Desc><Quantity>2</Quantity><Cost>999.00</Cost>",
                    ref("CustomerRef", "Customer 0002"),
                    ref("ClassRef", "Retail"),
                    "<BillableStatus>Billable</BillableStatus>",
                ),
            ),
            request_id="b-1",
        ),
    )
    assert (rs.get("requestID"), status(rs)) == ("b-1", (0, "Info"))
    (ret,) = rs
    assert ret.tag == "BillRet"
    assert [child.tag for child in ret] == RET_ORDER
    assert [ret.findtext(tag) for tag in ("TxnDate", "DueDate", "RefNumber", "Memo", "ExternalGUID")] == [
        "2024-01-10",
        "2024-02-09",
        "INV-5521",
        "Laptops",
        GUID_A,
    ]
    assert (ret.findtext("AmountDue"), ret.findtext("OpenAmount"), ret.findtext("IsPaid")) == (
        "2198.25",
        "2198.25",
        "false",
    )
    assert (ret.findtext("VendorRef/FullName"), ret.findtext("APAccountRef/FullName")) == (
        "Vendor 0002",
        "Accounts Payable",
    )
    paper, travel = ret.findall("ExpenseLineRet")
    assert [paper.findtext(tag) for tag in ("AccountRef/FullName", "Amount", "Memo", "BillableStatus")] == [
        "Office Supplies",
        "120.00",
        "Paper",
        "NotBillable",
    ]
    assert (paper.findtext("CustomerRef/FullName"), paper.findtext("ClassRef/FullName")) == (
        "Customer 0001",
        "Consulting:Onsite",
    )
    assert (travel.findtext("Amount"), travel.find("BillableStatus")) == ("80.25", None)
    (laptops,) = ret.findall("ItemLineRet")
    assert [child.tag for child in laptops] == [
        "TxnLineID",
        "ItemRef",
        "Desc",
        "Quantity",
        "Cost",
        "Amount",
        "CustomerRef",
        "ClassRef",
        "BillableStatus",
    ]
    assert [laptops.findtext(tag) for tag in ("Desc", "Quantity", "Cost", "Amount")] == [
        "Latitude",
        "2",
        "999.00",
        "1998.00",
    ]
    line_ids = [line.findtext("TxnLineID") for line in (paper, travel, laptops)]
    assert len(set(line_ids)) == 3

    bill = company.bills[0]
    assert (bill.txn_id, bill.ref_number, bill.external_guid) == (ret.findtext("TxnID"), "INV-5521", GUID_A)
    assert (bill.total, bill.open_amount, bill.is_paid) == (Decimal("2198.25"), Decimal("2198.25"), False)
    assert bill.vendor.name == "Vendor 0002"
    assert company.find_bills_by_external_guid(GUID_A.lower()) == [bill]
    assert company.find_bills(ref_number="inv-5521") == [bill]


def test_bill_add_fills_in_what_quickbooks_fills_in(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        bill_add(
            "Vendor 0001",
            "<TxnDate>2024-03-20</TxnDate>",
            lines=(
                expense("Automobile:Mileage", "42.50", ref("CustomerRef", "Customer 0001")),
                item("Bracket"),  # the item's purchase side: one at its cost
            ),
        ),
    )
    (ret,) = rs
    vendor = company.vendors.find("Vendor 0001")
    assert vendor is not None and vendor.terms is not None and vendor.vendor_address is not None
    bill = company.bills[0]
    assert (bill.terms, bill.vendor_address) == (vendor.terms, vendor.vendor_address)
    assert bill.due_date == date(2024, 4, 4)  # Vendor 0001 has Net 15
    assert ret.findtext("VendorAddress/Addr1") == vendor.vendor_address.addr1
    assert ret.find("RefNumber") is None  # QuickBooks never numbers bills itself
    assert ret.findtext("ExpenseLineRet/BillableStatus") == "Billable"  # a customer's cost is billable
    bracket = ret.find("ItemLineRet")
    assert bracket is not None
    assert [bracket.findtext(tag) for tag in ("Desc", "Quantity", "Cost", "Amount")] == [
        "Bracket",
        None,
        "10.00",
        "10.00",
    ]
    assert ret.findtext("AmountDue") == "52.50"
    (today,) = add(company, bill_add())
    assert today[0].findtext("TxnDate") == "2024-01-15"  # the simulated clock's date


def test_item_lines_work_out_cost_and_amount_like_quickbooks(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        bill_add(
            lines=(
                item("Cable", "<Quantity>3</Quantity><Amount>10.00</Amount>"),  # cost from the amount
                item("Cable", "<Cost>2.50</Cost>"),  # one at that cost
                item("Consulting", "<Quantity>2</Quantity>"),  # one price for sales and purchases
            )
        ),
    )
    assert [
        (line.findtext("Quantity"), line.findtext("Cost"), line.findtext("Amount"))
        for line in rs[0].findall("ItemLineRet")
    ] == [("3", "3.33333", "10.00"), (None, "2.50", "2.50"), ("2", "80.00", "160.00")]


def test_a_non_inventory_part_added_by_item_non_inventory_add_goes_on_a_bill(
    company: QuickBooksCompany,
) -> None:
    item_rs, bill_rs = add(
        company,
        "<ItemNonInventoryAddRq><ItemNonInventoryAdd><Name>Laptop 14in</Name>"
        "<SalesAndPurchase><SalesDesc>Laptop 14in</SalesDesc>"
        "<IncomeAccountRef><FullName>PSA Other</FullName></IncomeAccountRef>"
        "<PurchaseDesc>Latitude 14in</PurchaseDesc><PurchaseCost>999.00</PurchaseCost>"
        "<ExpenseAccountRef><FullName>Cost of Goods Sold</FullName></ExpenseAccountRef>"
        "</SalesAndPurchase></ItemNonInventoryAdd></ItemNonInventoryAddRq>",
        bill_add("Vendor 0002", lines=(item("Laptop 14in", "<Quantity>2</Quantity>"),)),
    )
    assert (status(item_rs), status(bill_rs)) == ((0, "Info"), (0, "Info"))
    laptop = company.items.find("Laptop 14in")
    assert isinstance(laptop, ItemNonInventory)
    line = bill_rs[0].find("ItemLineRet")
    assert line is not None
    assert [line.findtext(tag) for tag in ("ItemRef/FullName", "Desc", "Cost", "Amount")] == [
        "Laptop 14in",
        "Latitude 14in",
        "999.00",
        "1998.00",
    ]
    (stored,) = company.bills[0].item_lines
    assert stored.account.full_name == "Cost of Goods Sold"  # the purchase side's expense account


def test_an_expense_report_bill_takes_the_cash_advance_back_on_employee_advances(
    company: QuickBooksCompany,
) -> None:
    vendor, bill = add(
        company,
        "<VendorAddRq><VendorAdd><Name>v-Smith, Jane</Name></VendorAdd></VendorAddRq>",
        bill_add(
            "v-Smith, Jane",
            "<TxnDate>2026-11-20</TxnDate><RefNumber>EXP881</RefNumber>",
            f"<ExternalGUID>{GUID_A}</ExternalGUID>",
            lines=(
                expense(
                    "Automobile:Mileage",
                    "142.50",
                    "<Memo>Client visit</Memo>",
                    ref("CustomerRef", "Customer 0001"),
                    ref("ClassRef", "Consulting"),
                    "<BillableStatus>Billable</BillableStatus>",
                ),
                expense("Meals and Entertainment", "20.00"),
                expense("Employee Advances", "-100.00", "<Memo>Cash advance</Memo>"),
            ),
        ),
    )
    assert (status(vendor), status(bill)) == ((0, "Info"), (0, "Info"))
    assert bill[0].findtext("AmountDue") == "62.50"
    advances = company.accounts.find("Employee Advances")
    owed = company.vendors.find("v-Smith, Jane")
    assert advances is not None and advances.account_type == "OtherCurrentAsset"
    assert (advances.balance, owed is not None and owed.balance) == (Decimal("-100.00"), Decimal("62.50"))


def test_a_negative_total_is_3210_and_records_nothing(company: QuickBooksCompany) -> None:
    negative, zero = add(
        company,
        bill_add(lines=(expense("Travel Expense", "42.50"), expense("Employee Advances", "-100.00"))),
        bill_add(lines=(expense("Travel Expense", "100.00"), expense("Employee Advances", "-100.00"))),
    )
    assert status(negative) == (3210, "Error")
    assert negative.get("statusMessage") == (
        'The "AmountDue" field has an invalid value "-57.50".  '
        "QuickBooks error message: A bill cannot have a negative total. Enter a vendor credit instead."
    )
    assert status(zero) == (0, "Info")  # a zero bill is fine, and has nothing left to pay
    assert [bill.is_paid for bill in company.bills] == [True]


@pytest.mark.parametrize(
    ("vendor", "header", "line", "kind", "name", "where"),
    [
        ("Nobody Inc", "", None, "Vendor", "Nobody Inc", "Bill"),
        ("Customer 0001", "", None, "Vendor", "Customer 0001", "Bill"),  # a customer is no vendor
        ("Old Supplier", "", None, "Vendor", "Old Supplier", "Bill"),  # inactive
        ("Vendor 0001", ref("APAccountRef", "Checking"), None, "AP Account", "Checking", "Bill"),
        ("Vendor 0001", ref("TermsRef", "Net 90"), None, "Terms", "Net 90", "Bill"),  # inactive
        ("Vendor 0001", "", expense("Nope", "1.00"), "Account", "Nope", "Bill line"),
        ("Vendor 0001", "", expense("Old Expenses", "1.00"), "Account", "Old Expenses", "Bill line"),
        ("Vendor 0001", "", item("Gizmo"), "Item", "Gizmo", "Bill line"),
        ("Vendor 0001", "", item("State Sales Tax"), "Item", "State Sales Tax", "Bill line"),
        (
            "Vendor 0001",
            "",
            expense("Travel Expense", "1.00", ref("CustomerRef", "Customer 0003")),  # inactive
            "Customer",
            "Customer 0003",
            "Bill line",
        ),
        (
            "Vendor 0001",
            "",
            item("Cable", ref("ClassRef", "Nowhere")),
            "Class",
            "Nowhere",
            "Bill line",
        ),
    ],
)
def test_bad_references_are_3140_naming_their_kind(
    company: QuickBooksCompany, vendor: str, header: str, line: str | None, kind: str, name: str, where: str
) -> None:
    company.add(Vendor(name="Old Supplier", is_active=False))
    company.add(Account(name="Old Expenses", account_type="Expense", is_active=False))
    (rs,) = add(company, bill_add(vendor, header, lines=(line,) if line else ()))
    assert status(rs) == (3140, "Error")
    assert rs.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks {kind} "{name}" in the {where}.  {NO_SUCH_RECORD}'
    )
    assert len(company.bills) == 0


@pytest.mark.parametrize(
    ("line", "element"),
    [
        (expense(None, "10.00", "<Memo>No account</Memo>"), "AccountRef"),
        (item(None, "<Desc>No item</Desc><Amount>10.00</Amount>"), "ItemRef"),
        (expense("Travel Expense", "10.00", "<BillableStatus>Billable</BillableStatus>"), "CustomerRef"),
        (item("Cable", "<BillableStatus>Billable</BillableStatus>"), "CustomerRef"),
    ],
)
def test_what_quickbooks_requires_beyond_the_schema_is_3150(
    company: QuickBooksCompany, line: str, element: str
) -> None:
    (rs,) = add(company, bill_add(lines=(line,)))
    assert status(rs) == (3150, "Error")
    assert rs.get("statusMessage") == f'There is a missing element: "{element}".'
    assert len(company.bills) == 0


def test_a_ref_number_over_twenty_characters_is_3070(company: QuickBooksCompany) -> None:
    fits, too_long = add(
        company,
        bill_add("Vendor 0001", "<RefNumber>INV-2026-00000000001</RefNumber>"),  # 20 characters
        bill_add("Vendor 0001", "<RefNumber>INV-2026-000000000001</RefNumber>"),
    )
    assert status(fits) == (0, "Info")
    assert status(too_long) == (3070, "Error")
    assert '"RefNumber" is too long' in (too_long.get("statusMessage") or "")


def test_what_bill_add_does_not_understand_is_refused_not_dropped(company: QuickBooksCompany) -> None:
    header, line = add(
        company,
        bill_add("Vendor 0001", "<IsTaxIncluded>false</IsTaxIncluded>"),
        bill_add(lines=(expense("Travel Expense", "1.00", ref("SalesTaxCodeRef", "Non")),)),
    )
    assert status(header) == status(line) == (1030, "Error")
    assert "IsTaxIncluded" in (header.get("statusMessage") or "")
    assert "SalesTaxCodeRef" in (line.get("statusMessage") or "")


def test_bill_add_honours_include_ret_element(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        bill_add(
            "Vendor 0001",
            "<RefNumber>R-1</RefNumber>",
            f"<ExternalGUID>{GUID_A}</ExternalGUID>",
            include=(
                "TxnID",
                "TimeCreated",
                "EditSequence",
                "RefNumber",
                "AmountDue",
                "IsPaid",
                "ExternalGUID",
            ),
        ),
    )
    assert [child.tag for child in rs[0]] == [
        "TxnID",
        "TimeCreated",
        "EditSequence",
        "AmountDue",
        "RefNumber",
        "IsPaid",
        "ExternalGUID",
    ]


def test_bills_post_to_the_vendor_payables_and_balance_sheet_accounts(company: QuickBooksCompany) -> None:
    vendor, payable = company.vendors.find("Vendor 0003"), company.accounts.find("Accounts Payable")
    supplies, inventory = company.accounts.find("Office Supplies"), company.accounts.find("Inventory Asset")
    assert vendor is not None and payable is not None and supplies is not None and inventory is not None
    before = (vendor.balance, payable.balance, inventory.balance)
    add(
        company,
        bill_add(
            "Vendor 0003",
            lines=(expense("Office Supplies", "120.00"), item("Widget", "<Quantity>2</Quantity>")),
        ),
    )
    # A Widget costs 11.00: the inventory asset grows by what was bought; an expense account keeps no Balance.
    assert (vendor.balance - before[0], payable.balance - before[1], inventory.balance - before[2]) == (
        Decimal("142.00"),
        Decimal("142.00"),
        Decimal("22.00"),
    )
    assert supplies.balance == 0
    company.pay_bill(company.bills[0].txn_id)
    assert (vendor.balance, payable.balance) == before[:2]


def test_a_multicurrency_bill_is_in_the_home_currency() -> None:
    company = QuickBooksCompany.sample(multicurrency_on=True)
    (rs,) = add(company, bill_add())
    ret = rs[0]
    assert (ret.findtext("CurrencyRef/FullName"), ret.findtext("ExchangeRate")) == ("US Dollar", "1")
    assert ret.findtext("AmountDueInHomeCurrency") == "120.00"


# BillQuery ---------------------------------------------------------------------------------------------


@pytest.fixture
def billed(company: QuickBooksCompany) -> QuickBooksCompany:
    """The sample with five bills: two vendors' invoices share the number 1001."""
    add(
        company,
        bill_add(
            "Vendor 0001",
            "<TxnDate>2024-01-02</TxnDate><RefNumber>1001</RefNumber>",
            f"<ExternalGUID>{guid(1)}</ExternalGUID>",
        ),
        bill_add(
            "Vendor 0002",
            "<TxnDate>2024-01-05</TxnDate><RefNumber>1001</RefNumber>",
            f"<ExternalGUID>{guid(2)}</ExternalGUID>",
        ),
        bill_add(
            "Vendor 0003",
            "<TxnDate>2024-01-09</TxnDate><RefNumber>1002</RefNumber>",
            f"<ExternalGUID>{guid(3)}</ExternalGUID>",
            lines=(expense("Travel Expense", "200.00"),),
        ),
        bill_add(
            "Vendor 0003",
            "<TxnDate>2024-01-12</TxnDate><RefNumber>1003</RefNumber>",
            f"<ExternalGUID>{guid(4)}</ExternalGUID>",
        ),
        bill_add(
            "Vendor 0004",
            "<TxnDate>2024-01-14</TxnDate><RefNumber>W-1</RefNumber>",
            f"<ExternalGUID>{guid(5)}</ExternalGUID>",
        ),
    )
    assert len(company.bills) == 5
    return company


def test_query_by_ref_numbers_finds_every_bill_sharing_one(billed: QuickBooksCompany) -> None:
    rs = query(billed, "<RefNumber>1001</RefNumber><RefNumber>w-1</RefNumber>")
    assert status(rs) == (0, "Info")
    assert [ret.findtext("ExternalGUID") for ret in rs] == [guid(1), guid(2), guid(5)]
    # Without IncludeLineItems and IncludeLinkedTxns, QuickBooks leaves the lines and links out.
    assert rs[0].find("ExpenseLineRet") is None
    assert rs[0].findtext("IsPaid") == "false"


def test_query_by_txn_ids_in_the_order_asked_with_500_for_missing_ones(billed: QuickBooksCompany) -> None:
    first, third = billed.bills[0], billed.bills[2]
    rs = query(
        billed, f"<TxnID>{third.txn_id}</TxnID><TxnID>FFFF-1705000000</TxnID><TxnID>{first.txn_id}</TxnID>"
    )
    assert status(rs) == (500, "Warn")
    assert 'element ("FFFF-1705000000")' in (rs.get("statusMessage") or "")
    assert ref_numbers(rs) == ["1002", "1001"]
    missing = query(billed, "<RefNumber>9999</RefNumber>")
    assert (status(missing), len(missing)) == ((500, "Warn"), 0)


def test_filters_that_match_nothing_answer_status_1(billed: QuickBooksCompany) -> None:
    rs = query(billed, "<TxnDateRangeFilter><FromTxnDate>2025-01-01</FromTxnDate></TxnDateRangeFilter>")
    assert (status(rs), len(rs)) == ((1, "Info"), 0)
    assert status(query(QuickBooksCompany.sample())) == (1, "Info")
    a_customer = query(billed, "<EntityFilter><FullName>Customer 0001</FullName></EntityFilter>")
    assert status(a_customer) == (1, "Info")


def test_entity_account_and_date_filters(billed: QuickBooksCompany) -> None:
    by_vendor = query(billed, "<EntityFilter><FullName>Vendor 0003</FullName></EntityFilter>")
    assert ref_numbers(by_vendor) == ["1002", "1003"]
    travel = query(billed, "<AccountFilter><FullName>Travel Expense</FullName></AccountFilter>")
    assert ref_numbers(travel) == ["1002"]
    payables = query(billed, "<AccountFilter><FullName>Accounts Payable</FullName></AccountFilter>")
    assert len(payables) == 5
    dates = "<TxnDateRangeFilter><FromTxnDate>2024-01-05</FromTxnDate><ToTxnDate>2024-01-12</ToTxnDate></TxnDateRangeFilter>"
    assert ref_numbers(query(billed, dates)) == ["1001", "1002", "1003"]


def test_a_paid_bill_is_found_by_its_modification_time_with_its_payment_linked(
    billed: QuickBooksCompany,
) -> None:
    last_sync = billed.bills[-1].time_modified.isoformat(timespec="seconds")
    since = (
        f"<ModifiedDateRangeFilter><FromModifiedDate>{last_sync}</FromModifiedDate></ModifiedDateRangeFilter>"
    )
    assert ref_numbers(query(billed, since)) == ["W-1"]

    target = billed.bills[2]
    payment_id = billed.pay_bill("1002", on=date(2024, 2, 1))

    later = target.time_modified.isoformat(timespec="seconds")
    assert later > last_sync
    newer = f"<ModifiedDateRangeFilter><FromModifiedDate>{later}</FromModifiedDate></ModifiedDateRangeFilter>"
    rs = query(
        billed, newer, "<PaidStatus>PaidOnly</PaidStatus>", "<IncludeLinkedTxns>true</IncludeLinkedTxns>"
    )
    (ret,) = rs
    assert [ret.findtext(tag) for tag in ("RefNumber", "IsPaid", "AmountDue", "OpenAmount")] == [
        "1002",
        "true",
        "200.00",  # the bill's amount, which payments do not change
        "0.00",
    ]
    linked = ret.find("LinkedTxn")
    assert linked is not None
    assert [linked.findtext(tag) for tag in ("TxnID", "TxnType", "TxnDate", "LinkType", "Amount")] == [
        payment_id,
        "BillPaymentCheck",
        "2024-02-01",
        "AMTTYPE",
        "-200.00",
    ]
    payment = billed.bill_payments.get(payment_id)
    assert isinstance(payment, BillPaymentCheck)
    assert payment.paid_from is not None and payment.paid_from.full_name == "Checking"


def test_a_bill_paid_by_credit_card_links_a_bill_payment_credit_card(billed: QuickBooksCompany) -> None:
    payment_id = billed.pay_bill("W-1", on=date(2024, 1, 20), by="credit_card")
    rs = query(billed, "<RefNumber>W-1</RefNumber><IncludeLinkedTxns>true</IncludeLinkedTxns>")
    assert [rs[0].findtext(f"LinkedTxn/{tag}") for tag in ("TxnID", "TxnType", "TxnDate")] == [
        payment_id,
        "BillPaymentCreditCard",
        "2024-01-20",
    ]
    payment = billed.bill_payments.get(payment_id)
    assert isinstance(payment, BillPaymentCreditCard)
    card = billed.accounts.find("Company Credit Card")
    assert card is not None and card.balance == Decimal("120.00")  # the card now owes what it paid
    with pytest.raises(ValueError, match="by is one of"):
        billed.pay_bill("1003", by="cash")


def test_paid_status_filter(billed: QuickBooksCompany) -> None:
    billed.pay_bill(billed.bills[0].txn_id)
    billed.pay_bill("W-1", amount=Decimal("10.00"))  # partly paid: still to pay
    assert ref_numbers(query(billed, "<PaidStatus>PaidOnly</PaidStatus>")) == ["1001"]
    assert ref_numbers(query(billed, "<PaidStatus>NotPaidOnly</PaidStatus>")) == [
        "1001",
        "1002",
        "1003",
        "W-1",
    ]
    assert len(query(billed, "<PaidStatus>All</PaidStatus>")) == 5


def test_include_line_items_and_include_ret_element(billed: QuickBooksCompany) -> None:
    rs = query(
        billed,
        "<RefNumber>1002</RefNumber><IncludeLineItems>true</IncludeLineItems>",
        "<IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>ExternalGUID</IncludeRetElement>",
        "<IncludeRetElement>IsPaid</IncludeRetElement><IncludeRetElement>TimeModified</IncludeRetElement>",
    )
    assert [child.tag for child in rs[0]] == ["TxnID", "TimeModified", "IsPaid", "ExternalGUID"]
    with_lines = query(billed, "<RefNumber>1002</RefNumber><IncludeLineItems>true</IncludeLineItems>")
    assert len(with_lines[0].findall("ExpenseLineRet")) == 1


def test_bill_query_iterators_page_through_every_bill(billed: QuickBooksCompany) -> None:
    first = query(billed, "<MaxReturned>2</MaxReturned>", attributes=' iterator="Start"')
    iterator_id = first.get("iteratorID") or ""
    assert (ref_numbers(first), first.get("iteratorRemainingCount")) == (["1001", "1001"], "3")
    pages = [first]
    while int(pages[-1].get("iteratorRemainingCount", "0")) > 0:
        pages.append(
            query(
                billed,
                "<MaxReturned>2</MaxReturned>",
                attributes=f' iterator="Continue" iteratorID="{iterator_id}"',
            )
        )
    assert [ref_numbers(page) for page in pages] == [["1001", "1001"], ["1002", "1003"], ["W-1"]]
    billed.end_session()
    stale = query(
        billed, "<MaxReturned>2</MaxReturned>", attributes=f' iterator="Continue" iteratorID="{iterator_id}"'
    )
    assert status(stale) == (3391, "Error")


def test_a_lost_bill_add_answer_is_found_again_by_its_ref_number_and_guid(company: QuickBooksCompany) -> None:
    # The BillAdd was carried out but its answer never reached the bridge: a query finds it, once.
    company.process(
        qbxml(
            bill_add(
                "Vendor 0002", "<RefNumber>INV-5521</RefNumber>", f"<ExternalGUID>{GUID_A}</ExternalGUID>"
            )
        )
    )
    rs = query(
        company,
        "<RefNumber>INV-5521</RefNumber>",
        "<IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>ExternalGUID</IncludeRetElement>",
    )
    assert [(ret.findtext("TxnID"), ret.findtext("ExternalGUID")) for ret in rs] == [
        (company.bills[0].txn_id, GUID_A)
    ]
    assert len(company.find_bills_by_external_guid(GUID_A)) == 1


# Payments ----------------------------------------------------------------------------------------------


def test_pay_bill_in_parts_then_in_full(billed: QuickBooksCompany) -> None:
    bill = billed.bills[2]
    billed.pay_bill(bill.txn_id, amount=Decimal("50"))
    assert (bill.open_amount, bill.is_paid) == (Decimal("150.00"), False)
    billed.pay_bill(bill.txn_id)
    assert (bill.open_amount, bill.is_paid, len(bill.applications)) == (Decimal(0), True, 2)
    with pytest.raises(ValueError, match="cannot apply"):
        billed.pay_bill(bill.txn_id)
    with pytest.raises(ValueError, match="2 bills"):
        billed.pay_bill("1001")  # two bills share it: name one by TxnID
    with pytest.raises(ValueError, match="0 bills"):
        billed.pay_bill("nope")


def test_unpay_bill_deletes_the_payment_and_touches_the_bill(billed: QuickBooksCompany) -> None:
    bill = billed.bills[2]
    checking = billed.accounts.find("Checking")
    assert checking is not None
    before = checking.balance
    payment_id = billed.pay_bill(bill.txn_id)
    assert checking.balance == before - Decimal("200.00")
    paid_at = bill.time_modified
    assert billed.unpay_bill("1002") == payment_id
    assert (bill.is_paid, bill.open_amount, checking.balance) == (False, Decimal("200.00"), before)
    assert bill.time_modified > paid_at
    assert billed.bill_payments.get(payment_id) is None
    rs = query(billed, "<RefNumber>1002</RefNumber><IncludeLinkedTxns>true</IncludeLinkedTxns>")
    assert rs[0].find("LinkedTxn") is None
    with pytest.raises(ValueError, match="no such payment"):
        billed.unpay_bill("1002")


# Faults ------------------------------------------------------------------------------------------------


def test_locked_bills_answer_record_in_use_and_change_nothing(company: QuickBooksCompany) -> None:
    company.lock_list("BillAddRq", 1)
    company.lock_list("BillQueryRq", 1, status_code=3176)
    locked = only(company.process(qbxml(bill_add())))
    assert status(locked) == (3175, "Error")
    assert (locked.get("statusMessage") or "").startswith(
        "There was an error when reserving a Bill transaction for an update."
    )
    assert len(company.bills) == 0
    assert status(query(company)) == (3176, "Error")
    assert status(only(company.process(qbxml(bill_add())))) == (0, "Info")
    assert status(query(company)) == (0, "Info")


def test_fail_next_injects_any_status_on_bill_add_and_applies_nothing(company: QuickBooksCompany) -> None:
    company.fail_next("BillAddRq", 3200, "The provided edit sequence is out-of-date.", times=2)
    response = company.process(
        qbxml(
            bill_add(request_id="1"),
            bill_add(request_id="2"),
            bill_add(request_id="3"),
            on_error="continueOnError",
        )
    )
    assert [(rs.get("requestID"), status(rs)[0]) for rs in answers(response)] == [
        ("1", 3200),
        ("2", 3200),
        ("3", 0),
    ]
    assert len(company.bills) == 1


# The sample --------------------------------------------------------------------------------------------


def test_the_sample_has_the_accounts_bills_and_journal_entries_use() -> None:
    accounts = QuickBooksCompany.sample().accounts
    expected = {
        "Accounts Payable": "AccountsPayable",
        "Accounts Receivable": "AccountsReceivable",
        "Checking": "Bank",
        "Company Credit Card": "CreditCard",
        "Employee Advances": "OtherCurrentAsset",
        "Work in Progress": "OtherCurrentAsset",
        "Office Supplies": "Expense",
        "Travel Expense": "Expense",
        "Meals and Entertainment": "Expense",
        "Automobile": "Expense",
        "Automobile:Fuel": "Expense",
        "Automobile:Mileage": "Expense",
        "Professional Fees": "Expense",
        "Cost of Goods Sold": "CostOfGoodsSold",
        "PSA Other": "Income",
        "Sales:Services": "Income",
    }
    found = {name: getattr(accounts.find(name), "account_type", None) for name in expected}
    assert found == expected
