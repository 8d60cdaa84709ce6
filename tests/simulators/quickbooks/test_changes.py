"""Changes after a transaction was transferred: InvoiceMod and BillMod with their EditSequence, TxnVoid,
TxnDel and TxnDeletedQuery, and a person's edits, prints, voids and deletions seen through queries. Every
request passes the qbXML 13.0 schema and every answer is checked against it (``helpers.answers``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from simulators.quickbooks import InvoiceLine, QuickBooksCompany
from tests.simulators.quickbooks.helpers import add, ask, ref, status

SPROCKET_COST = "<Cost>4.00</Cost>"


@pytest.fixture
def company() -> QuickBooksCompany:
    return QuickBooksCompany.sample()


def one(company: QuickBooksCompany, request: str) -> etree._Element:
    """The Ret of a request that must succeed."""
    (rs,) = add(company, request)
    assert status(rs) == (0, "Info"), rs.get("statusMessage")
    (ret,) = rs
    return ret


def invoice(company: QuickBooksCompany) -> etree._Element:
    """An invoice of three lines for Customer 0001: consulting, training, and five widgets (taxed)."""
    lines = (
        f"<InvoiceLineAdd>{ref('ItemRef', 'Consulting')}<Quantity>2</Quantity><Rate>100.00</Rate></InvoiceLineAdd>"
        f"<InvoiceLineAdd>{ref('ItemRef', 'Training')}<Quantity>1</Quantity><Rate>50.00</Rate></InvoiceLineAdd>"
        f"<InvoiceLineAdd>{ref('ItemRef', 'Widget')}<Quantity>5</Quantity><Rate>10.00</Rate></InvoiceLineAdd>"
    )
    return one(
        company,
        f"<InvoiceAddRq><InvoiceAdd>{ref('CustomerRef', 'Customer 0001')}<RefNumber>7001</RefNumber>"
        f"<Memo>January</Memo>{lines}</InvoiceAdd></InvoiceAddRq>",
    )


def invoice_mod(ret: etree._Element, *inner: str, edit_sequence: str | None = None) -> str:
    """An InvoiceModRq of the invoice ``ret`` describes; ``inner`` follow the EditSequence."""
    sequence = edit_sequence if edit_sequence is not None else ret.findtext("EditSequence")
    return (
        f"<InvoiceModRq><InvoiceMod><TxnID>{ret.findtext('TxnID')}</TxnID>"
        f"<EditSequence>{sequence}</EditSequence>{''.join(inner)}</InvoiceMod></InvoiceModRq>"
    )


def line_ids(ret: etree._Element, tag: str) -> list[str]:
    return [line.findtext("TxnLineID") or "" for line in ret.findall(tag)]


def modified(company: QuickBooksCompany, request_tag: str, since: str) -> list[str]:
    """The TxnIDs a query finds modified since ``since`` (an xsd dateTime)."""
    rs = ask(
        company,
        request_tag,
        f"<ModifiedDateRangeFilter><FromModifiedDate>{since}</FromModifiedDate></ModifiedDateRangeFilter>",
    )
    return [ret.findtext("TxnID") or "" for ret in rs]


# InvoiceMod -------------------------------------------------------------------------------------------


def test_invoice_mod_changes_one_line_adds_one_and_drops_the_one_it_leaves_out(
    company: QuickBooksCompany,
) -> None:
    before = invoice(company)
    consulting, training, widgets = line_ids(before, "InvoiceLineRet")
    on_hand = company.on_hand("Widget")
    customer = company.customers.find("Customer 0001")
    assert customer is not None
    owed = customer.balance
    after = one(
        company,
        invoice_mod(
            before,
            "<Memo>January, revised</Memo>",
            f"<InvoiceLineMod><TxnLineID>{consulting}</TxnLineID><Quantity>3</Quantity></InvoiceLineMod>",
            f"<InvoiceLineMod><TxnLineID>-1</TxnLineID>{ref('ItemRef', 'Design')}"
            "<Quantity>4</Quantity><Rate>25.00</Rate></InvoiceLineMod>",
            f"<InvoiceLineMod><TxnLineID>{widgets}</TxnLineID></InvoiceLineMod>",
        ),
    )
    assert after.tag == "InvoiceRet"
    assert (after.findtext("TxnID"), after.findtext("RefNumber"), after.findtext("Memo")) == (
        before.findtext("TxnID"),
        "7001",
        "January, revised",
    )
    lines = after.findall("InvoiceLineRet")
    assert [(line.findtext("ItemRef/FullName"), line.findtext("Amount")) for line in lines] == [
        ("Consulting", "300.00"),  # quantity 3 at the rate it had
        ("Design", "100.00"),
        ("Widget", "50.00"),  # listed without changes: kept as it was
    ]
    new_id = lines[1].findtext("TxnLineID")
    assert line_ids(after, "InvoiceLineRet") == [consulting, new_id, widgets]
    assert new_id not in (consulting, training, widgets)
    # Training was left out, so it is gone; sales tax is still 7.25 % of the widgets.
    assert (
        after.findtext("Subtotal"),
        after.findtext("SalesTaxTotal"),
        after.findtext("BalanceRemaining"),
    ) == (
        "450.00",
        "3.63",
        "453.63",
    )
    assert after.findtext("EditSequence") != before.findtext("EditSequence")
    assert (after.findtext("TimeModified") or "") > (before.findtext("TimeModified") or "")
    assert after.findtext("TimeCreated") == before.findtext("TimeCreated")
    assert company.on_hand("Widget") == on_hand  # the widget line sells as many as before
    assert customer.balance == owed + Decimal("453.63") - Decimal("303.63")


def test_invoice_mod_without_line_mods_keeps_the_lines_and_honours_include_ret_element(
    company: QuickBooksCompany,
) -> None:
    before = invoice(company)
    (rs,) = add(
        company,
        invoice_mod(before, "<PONumber>PO-77</PONumber>").replace(
            "</InvoiceMod>",
            "</InvoiceMod><IncludeRetElement>EditSequence</IncludeRetElement>"
            "<IncludeRetElement>PONumber</IncludeRetElement>",
        ),
    )
    assert status(rs) == (0, "Info")
    (ret,) = rs
    assert [child.tag for child in ret] == ["EditSequence", "PONumber"]
    (full,) = ask(
        company,
        "InvoiceQueryRq",
        f"<TxnID>{before.findtext('TxnID')}</TxnID><IncludeLineItems>true</IncludeLineItems>",
    )
    assert line_ids(full, "InvoiceLineRet") == line_ids(before, "InvoiceLineRet")
    assert full.findtext("EditSequence") == ret.findtext("EditSequence")


def test_a_stale_edit_sequence_is_3200_and_changes_nothing(company: QuickBooksCompany) -> None:
    before = invoice(company)
    one(company, invoice_mod(before, "<Memo>First change</Memo>"))
    (rs,) = add(company, invoice_mod(before, "<Memo>Second change</Memo>"))
    assert status(rs) == (3200, "Error")
    assert rs.get("statusMessage") == (
        f'The provided edit sequence "{before.findtext("EditSequence")}" is out-of-date.'
    )
    assert company.invoices[-1].memo == "First change"


def test_a_mod_of_a_transaction_or_line_that_does_not_exist_is_3120(company: QuickBooksCompany) -> None:
    before = invoice(company)
    missing_txn = invoice_mod(before).replace(before.findtext("TxnID") or "", "FFFF-1705327300")
    missing_line = invoice_mod(
        before, "<InvoiceLineMod><TxnLineID>FFFF-1705327300</TxnLineID></InvoiceLineMod>"
    )
    for request in (missing_txn, missing_line):
        (rs,) = add(company, request)
        assert status(rs) == (3120, "Error")
        assert "FFFF-1705327300" in (rs.get("statusMessage") or "")
    assert len(company.invoices[-1].lines) == 3


# BillMod ----------------------------------------------------------------------------------------------


def test_bill_mod_changes_each_group_of_lines_on_its_own(company: QuickBooksCompany) -> None:
    vendor = company.vendors.find("Vendor 0002")
    assert vendor is not None
    owed = vendor.balance
    before = one(
        company,
        f"<BillAddRq><BillAdd>{ref('VendorRef', 'Vendor 0002')}<RefNumber>V-88</RefNumber>"
        f"<ExpenseLineAdd>{ref('AccountRef', 'Office Supplies')}<Amount>120.00</Amount></ExpenseLineAdd>"
        f"<ExpenseLineAdd>{ref('AccountRef', 'Travel Expense')}<Amount>80.00</Amount></ExpenseLineAdd>"
        f"<ItemLineAdd>{ref('ItemRef', 'Cable')}<Quantity>2</Quantity><Cost>15.00</Cost></ItemLineAdd>"
        "</BillAdd></BillAddRq>",
    )
    supplies, _travel = line_ids(before, "ExpenseLineRet")
    (cable,) = line_ids(before, "ItemLineRet")
    after = one(
        company,
        f"<BillModRq><BillMod><TxnID>{before.findtext('TxnID')}</TxnID>"
        f"<EditSequence>{before.findtext('EditSequence')}</EditSequence><Memo>Corrected</Memo>"
        f"<ExpenseLineMod><TxnLineID>{supplies}</TxnLineID><Amount>100.00</Amount></ExpenseLineMod>"
        "</BillMod></BillModRq>",
    )
    # Only the expense group was listed: travel is gone, the cable line is untouched.
    assert line_ids(after, "ExpenseLineRet") == [supplies]
    assert line_ids(after, "ItemLineRet") == [cable]
    assert (after.findtext("AmountDue"), after.findtext("OpenAmount"), after.findtext("Memo")) == (
        "130.00",
        "130.00",
        "Corrected",
    )
    again = one(
        company,
        f"<BillModRq><BillMod><TxnID>{after.findtext('TxnID')}</TxnID>"
        f"<EditSequence>{after.findtext('EditSequence')}</EditSequence>"
        f"<ItemLineMod><TxnLineID>{cable}</TxnLineID><Quantity>3</Quantity></ItemLineMod>"
        f"<ItemLineMod><TxnLineID>-1</TxnLineID>{ref('ItemRef', 'Adapter')}<Quantity>1</Quantity>"
        "<Cost>9.50</Cost></ItemLineMod></BillMod></BillModRq>",
    )
    assert line_ids(again, "ExpenseLineRet") == [supplies]
    assert [
        (line.findtext("ItemRef/FullName"), line.findtext("Amount")) for line in again.findall("ItemLineRet")
    ] == [
        ("Cable", "45.00"),
        ("Adapter", "9.50"),
    ]
    assert again.findtext("AmountDue") == "154.50"
    assert vendor.balance == owed + Decimal("154.50")


# TxnVoid ----------------------------------------------------------------------------------------------


def void(company: QuickBooksCompany, txn_type: str, txn_id: str) -> etree._Element:
    return ask(company, "TxnVoidRq", f"<TxnVoidType>{txn_type}</TxnVoidType><TxnID>{txn_id}</TxnID>")


def test_a_voided_invoice_keeps_its_number_owes_nothing_and_puts_its_widgets_back(
    company: QuickBooksCompany,
) -> None:
    before = invoice(company)
    on_hand = company.on_hand("Widget")
    txn_id = before.findtext("TxnID") or ""
    rs = void(company, "Invoice", txn_id)
    assert status(rs) == (0, "Info")
    assert [child.tag for child in rs] == ["TxnVoidType", "TxnID", "TimeCreated", "TimeModified", "RefNumber"]
    assert (rs.findtext("TxnVoidType"), rs.findtext("TxnID"), rs.findtext("RefNumber")) == (
        "Invoice",
        txn_id,
        "7001",
    )
    (ret,) = ask(
        company, "InvoiceQueryRq", f"<TxnID>{txn_id}</TxnID><IncludeLineItems>true</IncludeLineItems>"
    )
    assert (ret.findtext("RefNumber"), ret.findtext("Memo")) == ("7001", "VOID: January")
    assert [ret.findtext(tag) for tag in ("Subtotal", "SalesTaxTotal", "BalanceRemaining", "IsPaid")] == [
        "0.00",
        "0.00",
        "0.00",
        "true",
    ]
    assert {
        (line.findtext("Quantity"), line.findtext("Amount")) for line in ret.findall("InvoiceLineRet")
    } == {("0", "0.00")}
    assert company.on_hand("Widget") == on_hand + 5
    assert ret.findtext("EditSequence") != before.findtext("EditSequence")
    # Voiding it again leaves it as it is.
    assert status(void(company, "Invoice", txn_id)) == (0, "Info")
    assert company.on_hand("Widget") == on_hand + 5


def test_a_voided_item_receipt_takes_its_stock_back_and_reopens_its_order(company: QuickBooksCompany) -> None:
    order = one(
        company,
        f"<PurchaseOrderAddRq><PurchaseOrderAdd>{ref('VendorRef', 'Vendor 0001')}"
        f"<PurchaseOrderLineAdd>{ref('ItemRef', 'Sprocket')}<Quantity>10</Quantity><Rate>4.00</Rate>"
        "</PurchaseOrderLineAdd></PurchaseOrderAdd></PurchaseOrderAddRq>",
    )
    (order_line,) = line_ids(order, "PurchaseOrderLineRet")
    on_hand = company.on_hand("Sprocket")
    receipt = one(
        company,
        f"<ItemReceiptAddRq><ItemReceiptAdd>{ref('VendorRef', 'Vendor 0001')}<RefNumber>R-1</RefNumber>"
        f"<ItemLineAdd><LinkToTxn><TxnID>{order.findtext('TxnID')}</TxnID>"
        f"<TxnLineID>{order_line}</TxnLineID></LinkToTxn></ItemLineAdd></ItemReceiptAdd></ItemReceiptAddRq>",
    )
    assert company.on_hand("Sprocket") == on_hand + 10
    assert company.inventory_part("Sprocket").quantity_on_order == 0
    rs = void(company, "ItemReceipt", receipt.findtext("TxnID") or "")
    assert status(rs) == (0, "Info")
    assert company.on_hand("Sprocket") == on_hand
    assert company.inventory_part("Sprocket").quantity_on_order == 10
    (ret,) = ask(company, "ItemReceiptQueryRq", f"<TxnID>{receipt.findtext('TxnID')}</TxnID>")
    assert (ret.findtext("RefNumber"), ret.findtext("TotalAmount"), ret.findtext("Memo")) == (
        "R-1",
        "0.00",
        "VOID:",
    )
    (po,) = ask(company, "PurchaseOrderQueryRq", f"<TxnID>{order.findtext('TxnID')}</TxnID>")
    assert po.findtext("IsFullyReceived") == "false"


def test_voiding_what_does_not_exist_is_3120(company: QuickBooksCompany) -> None:
    before = invoice(company)
    assert status(void(company, "Bill", before.findtext("TxnID") or "")) == (3120, "Error")


# TxnDel and TxnDeletedQuery ---------------------------------------------------------------------------


def delete(company: QuickBooksCompany, txn_type: str, txn_id: str) -> etree._Element:
    return ask(company, "TxnDelRq", f"<TxnDelType>{txn_type}</TxnDelType><TxnID>{txn_id}</TxnID>")


def deleted(company: QuickBooksCompany, *types: str, window: str = "") -> etree._Element:
    return ask(
        company,
        "TxnDeletedQueryRq",
        "".join(f"<TxnDelType>{txn_type}</TxnDelType>" for txn_type in types) + window,
    )


def test_a_deleted_time_entry_is_gone_and_remembered(company: QuickBooksCompany) -> None:
    entry = one(
        company,
        f"<TimeTrackingAddRq><TimeTrackingAdd><TxnDate>2024-01-08</TxnDate>{ref('EntityRef', 'Vendor 0003')}"
        "<Duration>PT2H</Duration></TimeTrackingAdd></TimeTrackingAddRq>",
    )
    txn_id = entry.findtext("TxnID") or ""
    rs = delete(company, "TimeTracking", txn_id)
    assert status(rs) == (0, "Info")
    assert [child.tag for child in rs] == ["TxnDelType", "TxnID", "TimeDeleted"]
    assert company.time_tracking() == []
    assert status(ask(company, "TimeTrackingQueryRq", f"<TxnID>{txn_id}</TxnID>")) == (500, "Warn")
    assert status(delete(company, "TimeTracking", txn_id)) == (3120, "Error")
    found = deleted(company, "TimeTracking", "Invoice")
    assert status(found) == (0, "Info")
    (ret,) = found
    assert ret.tag == "TxnDeletedRet"
    assert [(child.tag, child.text) for child in ret] == [
        ("TxnDelType", "TimeTracking"),
        ("TxnID", txn_id),
        ("TimeCreated", entry.findtext("TimeCreated")),
        ("TimeDeleted", rs.findtext("TimeDeleted")),
    ]


def test_a_purchase_order_with_receipts_cannot_be_deleted_until_they_are(company: QuickBooksCompany) -> None:
    order = one(
        company,
        f"<PurchaseOrderAddRq><PurchaseOrderAdd>{ref('VendorRef', 'Vendor 0001')}"
        f"<PurchaseOrderLineAdd>{ref('ItemRef', 'Valve')}<Quantity>6</Quantity><Rate>3.00</Rate>"
        "</PurchaseOrderLineAdd></PurchaseOrderAdd></PurchaseOrderAddRq>",
    )
    (order_line,) = line_ids(order, "PurchaseOrderLineRet")
    receipt = one(
        company,
        f"<ItemReceiptAddRq><ItemReceiptAdd>{ref('VendorRef', 'Vendor 0001')}"
        f"<ItemLineAdd><Quantity>2</Quantity><LinkToTxn><TxnID>{order.findtext('TxnID')}</TxnID>"
        f"<TxnLineID>{order_line}</TxnLineID></LinkToTxn></ItemLineAdd></ItemReceiptAdd></ItemReceiptAddRq>",
    )
    order_id = order.findtext("TxnID") or ""
    refused = delete(company, "PurchaseOrder", order_id)
    assert status(refused) == (3210, "Error")
    assert "linked" in (refused.get("statusMessage") or "")
    assert len(company.purchase_orders) == 1
    assert status(delete(company, "ItemReceipt", receipt.findtext("TxnID") or "")) == (0, "Info")
    assert company.inventory_part("Valve").quantity_on_order == 6
    rs = delete(company, "PurchaseOrder", order_id)
    assert status(rs) == (0, "Info")
    assert rs.findtext("RefNumber") == order.findtext("RefNumber")
    assert company.inventory_part("Valve").quantity_on_order == 0
    assert [ret.findtext("TxnDelType") for ret in deleted(company, "PurchaseOrder", "ItemReceipt")] == [
        "ItemReceipt",
        "PurchaseOrder",
    ]


def test_txn_deleted_query_by_date_takes_in_deletions_by_requests_and_people(
    company: QuickBooksCompany,
) -> None:
    first, second = invoice(company), invoice(company)
    assert status(delete(company, "Invoice", first.findtext("TxnID") or "")) == (0, "Info")
    record = company.delete_transaction("Invoice", second.findtext("TxnID") or "")
    found = deleted(company, "Invoice")
    assert [ret.findtext("TxnID") for ret in found] == [first.findtext("TxnID"), second.findtext("TxnID")]
    since = record.time_deleted.isoformat()
    window = f"<DeletedDateRangeFilter><FromDeletedDate>{since}</FromDeletedDate></DeletedDateRangeFilter>"
    assert [ret.findtext("TxnID") for ret in deleted(company, "Invoice", window=window)] == [
        second.findtext("TxnID")
    ]
    before = "<DeletedDateRangeFilter><ToDeletedDate>2024-01-01</ToDeletedDate></DeletedDateRangeFilter>"
    assert status(deleted(company, "Invoice", window=before)) == (1, "Info")
    assert status(deleted(company, "Bill")) == (1, "Info")


# A person at the keyboard -----------------------------------------------------------------------------


def test_a_persons_edit_and_print_show_in_modified_queries_and_stale_the_edit_sequence(
    company: QuickBooksCompany,
) -> None:
    before = invoice(company)
    txn_id = before.findtext("TxnID") or ""
    read_at = company.invoices[-1].time_modified.isoformat()
    assert modified(company, "InvoiceQueryRq", read_at) == [txn_id]

    printed = company.mark_printed(txn_id)
    assert printed.edit_sequence != before.findtext("EditSequence")
    after_print = printed.time_modified.isoformat()
    assert modified(company, "InvoiceQueryRq", after_print) == [txn_id]
    (ret,) = ask(
        company, "InvoiceQueryRq", f"<TxnID>{txn_id}</TxnID><IncludeLineItems>true</IncludeLineItems>"
    )
    assert ret.findtext("BalanceRemaining") == "303.63"  # printing changes no amount
    assert line_ids(ret, "InvoiceLineRet") == line_ids(before, "InvoiceLineRet")
    assert status(only_mod(company, before)) == (3200, "Error")

    def drop_training_add_support(lines: list[InvoiceLine]) -> None:
        del lines[1]
        lines.append(InvoiceLine(item=company.items.find("Support"), amount=Decimal("75.00")))

    edited = company.edit_invoice_lines("7001", drop_training_add_support)
    assert edited.subtotal == Decimal("325.00")
    assert modified(company, "InvoiceQueryRq", edited.time_modified.isoformat()) == [txn_id]
    (ret,) = ask(
        company, "InvoiceQueryRq", f"<TxnID>{txn_id}</TxnID><IncludeLineItems>true</IncludeLineItems>"
    )
    assert [line.findtext("ItemRef/FullName") for line in ret.findall("InvoiceLineRet")] == [
        "Consulting",
        "Widget",
        "Support",
    ]
    assert all(line_ids(ret, "InvoiceLineRet"))
    assert ret.findtext("EditSequence") == edited.edit_sequence
    # With the EditSequence read now, the integration's Mod goes through.
    assert status(only_mod(company, ret)) == (0, "Info")


def test_a_person_voids_and_deletes_and_queries_report_it(company: QuickBooksCompany) -> None:
    first, second = invoice(company), invoice(company)
    voided = company.void_transaction("Invoice", first.findtext("TxnID") or "")
    assert modified(company, "InvoiceQueryRq", voided.time_modified.isoformat()) == [first.findtext("TxnID")]
    company.delete_transaction("Invoice", second.findtext("TxnID") or "")
    assert [ret.findtext("TxnID") for ret in ask(company, "InvoiceQueryRq")] == [first.findtext("TxnID")]
    with pytest.raises(ValueError, match="no Invoice"):
        company.delete_transaction("Invoice", second.findtext("TxnID") or "")


def only_mod(company: QuickBooksCompany, ret: etree._Element) -> etree._Element:
    (rs,) = add(company, invoice_mod(ret, "<Memo>From the integration</Memo>"))
    return rs
