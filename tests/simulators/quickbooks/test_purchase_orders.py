"""Purchase orders and item receipts through qbXML (PurchaseOrderAdd/Query, ItemReceiptAdd/Query): what is
on order, received and on hand, and the average cost receiving moves. Every request passes the qbXML 13.0
schema and every answer is checked against it (``helpers.answers``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from simulators.quickbooks import (
    ItemInventory,
    ItemNonInventory,
    ItemReceipt,
    PurchaseOrder,
    QuickBooksCompany,
)
from tests.simulators.quickbooks.helpers import add, ask, ref, status

NO_SUCH_RECORD = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)
PO_GUID = "{6B29FC40-CA47-1067-B31D-000000000101}"
RECEIPT_GUID = "{6B29FC40-CA47-1067-B31D-000000000102}"


@pytest.fixture
def company() -> QuickBooksCompany:
    return QuickBooksCompany.sample()


def parts(company: QuickBooksCompany) -> list[ItemInventory]:
    return [item for item in company.items if isinstance(item, ItemInventory)]


def po_line(item: str, *inner: str) -> str:
    """A PurchaseOrderLineAdd; ``inner`` are the children after ItemRef, in schema order."""
    return f"<PurchaseOrderLineAdd>{ref('ItemRef', item)}{''.join(inner)}</PurchaseOrderLineAdd>"


def po_add(vendor: str, *inner: str, lines: tuple[str, ...]) -> str:
    """A PurchaseOrderAddRq; ``inner`` go between VendorRef and the lines, in schema order."""
    return (
        f"<PurchaseOrderAddRq><PurchaseOrderAdd>{ref('VendorRef', vendor)}{''.join(inner)}"
        + "".join(lines)
        + "</PurchaseOrderAdd></PurchaseOrderAddRq>"
    )


def received(txn_id: str, txn_line_id: str, *inner: str, item: str | None = None) -> str:
    """An ItemLineAdd receiving against a purchase order line; ``inner`` go between ItemRef and LinkToTxn."""
    return (
        "<ItemLineAdd>"
        + (ref("ItemRef", item) if item else "")
        + "".join(inner)
        + f"<LinkToTxn><TxnID>{txn_id}</TxnID><TxnLineID>{txn_line_id}</TxnLineID></LinkToTxn></ItemLineAdd>"
    )


def receipt_add(vendor: str, *lines: str, inner: str = "") -> str:
    """An ItemReceiptAddRq; ``inner`` go between VendorRef and the lines."""
    return (
        f"<ItemReceiptAddRq><ItemReceiptAdd>{ref('VendorRef', vendor)}{inner}"
        + "".join(lines)
        + "</ItemReceiptAdd></ItemReceiptAddRq>"
    )


def quantity(text: str | None) -> Decimal:
    return Decimal(text or "")


@pytest.fixture
def ordered(company: QuickBooksCompany) -> tuple[QuickBooksCompany, etree._Element]:
    """The sample company with one purchase order of two lines from Vendor 0001; and its Ret."""
    first, second = parts(company)[:2]
    (rs,) = add(
        company,
        po_add(
            "Vendor 0001",
            "<TxnDate>2024-01-10</TxnDate>",
            "<ExpectedDate>2024-01-24</ExpectedDate><Memo>Restock</Memo>",
            f"<ExternalGUID>{PO_GUID}</ExternalGUID>",
            lines=(
                po_line(first.full_name, "<Desc>Blue</Desc><Quantity>3</Quantity><Rate>12.50</Rate>"),
                po_line(second.full_name, "<Quantity>2</Quantity>"),
            ),
        ),
    )
    assert status(rs) == (0, "Info")
    return company, rs[0]


# PurchaseOrderAdd --------------------------------------------------------------------------------------


def test_a_purchase_order_with_two_lines_puts_its_parts_on_order(
    ordered: tuple[QuickBooksCompany, etree._Element],
) -> None:
    company, ret = ordered
    first, second = parts(company)[:2]
    assert ret.tag == "PurchaseOrderRet"
    assert (ret.findtext("VendorRef/FullName"), ret.findtext("RefNumber"), ret.findtext("ExpectedDate")) == (
        "Vendor 0001",
        "1",  # QuickBooks numbers purchase orders
        "2024-01-24",
    )
    assert (ret.findtext("IsManuallyClosed"), ret.findtext("IsFullyReceived")) == ("false", "false")
    assert ret.findtext("ExternalGUID") == PO_GUID
    lines = ret.findall("PurchaseOrderLineRet")
    assert [
        (
            line.findtext("ItemRef/FullName"),
            line.findtext("Desc"),
            line.findtext("Rate"),
            line.findtext("Amount"),
        )
        for line in lines
    ] == [
        (first.full_name, "Blue", "12.50", "37.50"),
        # Without a rate or description the line takes the part's purchase side.
        (
            second.full_name,
            second.purchase_desc,
            f"{second.purchase_cost:.2f}",
            f"{2 * (second.purchase_cost or 0):.2f}",
        ),
    ]
    assert [line.findtext("ReceivedQuantity") for line in lines] == ["0", "0"]
    assert Decimal(ret.findtext("TotalAmount") or "") == Decimal("37.50") + 2 * (second.purchase_cost or 0)
    assert (first.quantity_on_order, second.quantity_on_order) == (Decimal(3), Decimal(2))
    (stored,) = company.find_purchase_orders_by_external_guid(PO_GUID)
    assert isinstance(stored, PurchaseOrder)
    assert company.find_purchase_orders(ref_number="1") == [stored]


def test_purchase_order_adds_with_references_to_nothing(company: QuickBooksCompany) -> None:
    part = parts(company)[0].full_name
    answers = add(
        company,
        po_add("Nobody", lines=(po_line(part),)),
        po_add("Vendor 0001", lines=(po_line("Unobtainium"),)),
        po_add("Vendor 0001", lines=(po_line(part, ref("CustomerRef", "Nobody")),)),
    )
    vendor, item, customer = answers
    assert status(vendor) == (3140, "Error")
    assert vendor.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks Vendor "Nobody" in the PurchaseOrder.  {NO_SUCH_RECORD}'
    )
    assert status(item) == (3140, "Error")
    assert 'Item "Unobtainium" in the Purchase Order line' in (item.get("statusMessage") or "")
    assert status(customer) == (3140, "Error")
    assert len(company.purchase_orders) == 0
    assert parts(company)[0].quantity_on_order == 0


# ItemReceiptAdd ----------------------------------------------------------------------------------------


def test_two_partial_receipts_receive_a_line_and_move_on_hand_and_average_cost(
    ordered: tuple[QuickBooksCompany, etree._Element],
) -> None:
    company, ret = ordered
    first, second = parts(company)[:2]
    txn_id = ret.findtext("TxnID") or ""
    line_ids = [line.findtext("TxnLineID") or "" for line in ret.findall("PurchaseOrderLineRet")]
    on_hand, cost = first.quantity_on_hand, first.average_cost

    (one,) = add(
        company,
        receipt_add(
            "Vendor 0001",
            received(txn_id, line_ids[0], "<Quantity>1</Quantity>"),
            inner=f"<TxnDate>2024-01-16</TxnDate><RefNumber>PS-1</RefNumber><ExternalGUID>{RECEIPT_GUID}</ExternalGUID>",
        ),
    )
    assert status(one) == (0, "Info")
    receipt = one[0]
    assert (receipt.findtext("TotalAmount"), receipt.findtext("ExternalGUID")) == ("12.50", RECEIPT_GUID)
    assert receipt.findtext("ItemLineRet/ItemRef/FullName") == first.full_name
    assert receipt.findtext("ItemLineRet/Cost") == "12.50"  # the order's rate
    assert [receipt.findtext(f"LinkedTxn/{tag}") for tag in ("TxnID", "TxnType", "LinkType")] == [
        txn_id,
        "PurchaseOrder",
        "QUANTYPE",
    ]
    after_one = (on_hand * cost + Decimal("12.50")) / (on_hand + 1)
    assert company.on_hand(first.full_name) == on_hand + 1
    assert first.average_cost == after_one.quantize(Decimal("0.00001"))
    assert first.quantity_on_order == 2

    def order() -> etree._Element:
        rs = ask(
            company,
            "PurchaseOrderQueryRq",
            f"<TxnID>{txn_id}</TxnID><IncludeLineItems>true</IncludeLineItems><IncludeLinkedTxns>true</IncludeLinkedTxns>",
        )
        return rs[0]

    assert [line.findtext("ReceivedQuantity") for line in order().findall("PurchaseOrderLineRet")] == [
        "1",
        "0",
    ]

    # Without a quantity, a linked line receives what is still open: 2 more, 3 of 3.
    (two,) = add(company, receipt_add("Vendor 0001", received(txn_id, line_ids[0])))
    assert status(two) == (0, "Info")
    assert two[0].findtext("ItemLineRet/Quantity") == "2"
    lines = order().findall("PurchaseOrderLineRet")
    assert [line.findtext("ReceivedQuantity") for line in lines] == ["3", "0"]
    assert order().findtext("IsFullyReceived") == "false"
    assert company.on_hand(first.full_name) == on_hand + 3
    assert first.quantity_on_order == 0

    (last,) = add(
        company, receipt_add("Vendor 0001", received(txn_id, line_ids[1], "<Quantity>2</Quantity>"))
    )
    assert status(last) == (0, "Info")
    final = order()
    assert final.findtext("IsFullyReceived") == "true"
    assert [link.findtext("TxnType") for link in final.findall("LinkedTxn")] == ["ItemReceipt"] * 3
    assert second.quantity_on_order == 0
    (stored,) = company.find_item_receipts_by_external_guid(RECEIPT_GUID)
    assert isinstance(stored, ItemReceipt)
    assert company.find_item_receipts(ref_number="PS-1") == [stored]


def test_receiving_at_the_order_rate_weighs_the_average_cost(company: QuickBooksCompany) -> None:
    part = parts(company)[0]
    part.quantity_on_hand, part.average_cost = Decimal(10), Decimal(10)
    (po,) = add(
        company,
        po_add("Vendor 0001", lines=(po_line(part.full_name, "<Quantity>10</Quantity><Rate>13</Rate>"),)),
    )
    ret = po[0]
    add(
        company,
        receipt_add(
            "Vendor 0001",
            received(ret.findtext("TxnID") or "", ret.findtext("PurchaseOrderLineRet/TxnLineID") or ""),
        ),
    )
    assert (company.on_hand(part.full_name), part.average_cost) == (Decimal(20), Decimal("11.5"))


def test_links_to_nothing_or_to_another_vendors_order_are_3120(
    ordered: tuple[QuickBooksCompany, etree._Element],
) -> None:
    company, ret = ordered
    txn_id = ret.findtext("TxnID") or ""
    line_id = ret.findtext("PurchaseOrderLineRet/TxnLineID") or ""
    other_part = parts(company)[2].full_name
    on_hand = company.on_hand(parts(company)[0].full_name)
    answers = add(
        company,
        receipt_add("Vendor 0001", received("9999-1705327000", line_id)),
        receipt_add("Vendor 0001", received(txn_id, "9999-1705327001")),
        receipt_add("Vendor 0002", received(txn_id, line_id)),
        receipt_add("Vendor 0001", received(txn_id, line_id, item=other_part)),
    )
    no_order, no_line, other_vendor, other_item = answers
    assert status(no_order) == (3120, "Error")
    assert (
        no_order.get("statusMessage") == 'Object "9999-1705327000" specified in the request cannot be found.'
    )
    assert status(no_line) == (3120, "Error")
    assert status(other_vendor) == (3120, "Error")
    assert status(other_item) == (3210, "Error")
    assert len(company.item_receipts) == 0
    assert company.on_hand(parts(company)[0].full_name) == on_hand
    assert parts(company)[0].quantity_on_order == 3


def test_an_unlinked_receipt_and_a_bill_bring_stock_in_too(company: QuickBooksCompany) -> None:
    part = parts(company)[0]
    on_hand = part.quantity_on_hand
    product = next(item.full_name for item in company.items if isinstance(item, ItemNonInventory))
    answers = add(
        company,
        receipt_add(
            "Vendor 0003",
            f"<ItemLineAdd>{ref('ItemRef', part.full_name)}<Quantity>4</Quantity></ItemLineAdd>",
            f"<ItemLineAdd>{ref('ItemRef', product)}<Quantity>1</Quantity></ItemLineAdd>",
        ),
        f"<BillAddRq><BillAdd>{ref('VendorRef', 'Vendor 0003')}"
        f"<ItemLineAdd>{ref('ItemRef', part.full_name)}<Quantity>6</Quantity><Cost>9.00</Cost></ItemLineAdd>"
        "</BillAdd></BillAddRq>",
    )
    assert [status(rs) for rs in answers] == [(0, "Info"), (0, "Info")]
    assert company.on_hand(part.full_name) == on_hand + 10


# Queries -----------------------------------------------------------------------------------------------


def test_purchase_order_and_item_receipt_queries_by_vendor_and_date_return_external_guids(
    company: QuickBooksCompany,
) -> None:
    part = parts(company)[0].full_name
    add(
        company,
        po_add(
            "Vendor 0001",
            "<TxnDate>2024-01-05</TxnDate>",
            f"<ExternalGUID>{PO_GUID}</ExternalGUID>",
            lines=(po_line(part, "<Quantity>1</Quantity>"),),
        ),
        po_add(
            "Vendor 0002", "<TxnDate>2024-01-06</TxnDate>", lines=(po_line(part, "<Quantity>1</Quantity>"),)
        ),
        po_add(
            "Vendor 0001", "<TxnDate>2024-01-20</TxnDate>", lines=(po_line(part, "<Quantity>1</Quantity>"),)
        ),
        receipt_add(
            "Vendor 0002",
            f"<ItemLineAdd>{ref('ItemRef', part)}<Quantity>1</Quantity></ItemLineAdd>",
            inner=f"<TxnDate>2024-01-07</TxnDate><ExternalGUID>{RECEIPT_GUID}</ExternalGUID>",
        ),
    )
    guids = (
        "<IncludeRetElement>RefNumber</IncludeRetElement><IncludeRetElement>ExternalGUID</IncludeRetElement>"
    )

    def found(rs: etree._Element) -> list[tuple[str | None, str | None]]:
        return [(ret.findtext("RefNumber"), ret.findtext("ExternalGUID")) for ret in rs]

    by_vendor = ask(
        company,
        "PurchaseOrderQueryRq",
        "<EntityFilter><FullName>Vendor 0001</FullName></EntityFilter>",
        guids,
    )
    assert found(by_vendor) == [("1", PO_GUID), ("3", None)]
    by_date = ask(
        company,
        "PurchaseOrderQueryRq",
        "<TxnDateRangeFilter><FromTxnDate>2024-01-01</FromTxnDate><ToTxnDate>2024-01-10</ToTxnDate></TxnDateRangeFilter>",
        guids,
    )
    assert found(by_date) == [("1", PO_GUID), ("2", None)]
    by_ref = ask(company, "PurchaseOrderQueryRq", "<RefNumber>2</RefNumber><RefNumber>7</RefNumber>")
    assert status(by_ref) == (500, "Warn")
    assert [ret.findtext("VendorRef/FullName") for ret in by_ref] == ["Vendor 0002"]
    assert by_ref[0].find("PurchaseOrderLineRet") is None  # lines only with IncludeLineItems

    receipts = ask(
        company,
        "ItemReceiptQueryRq",
        "<TxnDateRangeFilter><FromTxnDate>2024-01-07</FromTxnDate></TxnDateRangeFilter>"
        "<EntityFilter><FullName>Vendor 0002</FullName></EntityFilter>",
        "<IncludeLineItems>true</IncludeLineItems>",
    )
    assert [ret.findtext("ExternalGUID") for ret in receipts] == [RECEIPT_GUID]
    assert receipts[0].findtext("ItemLineRet/ItemRef/FullName") == part
    none = ask(company, "ItemReceiptQueryRq", "<EntityFilter><FullName>Vendor 0001</FullName></EntityFilter>")
    assert status(none) == (1, "Info")
