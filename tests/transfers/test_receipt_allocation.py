"""Which purchase-order lines a receipt closes, before anything is sent (pure: no QuickBooks, no storage)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.domain.purchasing import PoReceiptDocument
from chalicelib.domain.transfer import TransferError
from chalicelib.qbxml.purchase_orders import PurchaseOrderLineState, PurchaseOrderState
from chalicelib.transfers.po_receipts.allocation import Receiving, allocate, open_quantities


def order(*lines: tuple[str, str, str], closed: bool = False) -> PurchaseOrderState:
    """A purchase order as QuickBooks reports it: (item, quantity, received) per line."""
    return PurchaseOrderState(
        txn_id="PO-1",
        vendor_list_id="V-1",
        vendor_name="Ingram Micro",
        is_manually_closed=closed,
        is_fully_received=False,
        lines=tuple(
            PurchaseOrderLineState(
                txn_line_id=f"L{n}",
                item_full_name=item,
                quantity=Decimal(quantity),
                received_quantity=Decimal(received),
                is_manually_closed=False,
            )
            for n, (item, quantity, received) in enumerate(lines)
        ),
    )


def receipt(*lines: dict[str, Any]) -> PoReceiptDocument:
    return PoReceiptDocument.model_validate(
        {"source_id": "R-1", "purchase_order": "PO-300", "date": "2026-11-28", "lines": list(lines)}
    )


PO = order(("Cisco:Switch 24p", "3", "0"), ("Cables", "10", "4"), ("Cisco:Switch 24p", "2", "1"))


def test_a_product_fills_its_open_lines_in_po_line_order() -> None:
    still_open = open_quantities(PO)
    assert still_open == [Decimal(3), Decimal(6), Decimal(1)]
    taken = allocate(receipt({"product": "Cisco~Switch 24p", "quantity": 4}), PO, still_open, po_number="300")
    assert taken == [
        Receiving("Cisco:Switch 24p", Decimal(3), "L0"),
        Receiving("Cisco:Switch 24p", Decimal(1), "L2"),
    ]
    assert still_open == [Decimal(0), Decimal(6), Decimal(0)]


def test_two_partial_receipts_on_one_line_see_what_the_first_took() -> None:
    still_open = open_quantities(PO)
    first = allocate(
        receipt({"product": "Cables", "quantity": 2, "po_line": 1}), PO, still_open, po_number="300"
    )
    second = allocate(
        receipt({"product": "Cables", "quantity": 4, "po_line": 1}), PO, still_open, po_number="300"
    )
    assert first == [Receiving("Cables", Decimal(2), "L1")]
    assert second == [Receiving("Cables", Decimal(4), "L1")]
    third = allocate(receipt({"product": "Cables", "quantity": 1}), PO, still_open, po_number="300")
    assert isinstance(third, TransferError) and third.code == "receipt_exceeds_open"
    assert "only 0 of the 10 ordered on purchase order 300 are still open" in third.message
    assert third.fix


def test_receiving_more_than_is_open_fails_and_takes_nothing() -> None:
    still_open = open_quantities(PO)
    refused = allocate(
        receipt({"product": "Cables", "quantity": 1}, {"product": "Cisco~Switch 24p", "quantity": 5}),
        PO,
        still_open,
        po_number="300",
    )
    assert isinstance(refused, TransferError) and refused.code == "receipt_exceeds_open"
    assert "receives 5" in refused.message and "only 4 of the 5" in refused.message
    assert still_open == open_quantities(PO)  # the cables of line 1 are not taken either


def test_a_po_line_of_another_product_or_a_product_not_ordered_fails_with_the_fix() -> None:
    wrong_line = allocate(
        receipt({"product": "Cables", "quantity": 1, "po_line": 0}), PO, open_quantities(PO), po_number="300"
    )
    assert isinstance(wrong_line, TransferError) and wrong_line.code == "receipt_line_not_on_po"
    not_ordered = allocate(
        receipt({"product": "Mouse", "quantity": 1}), PO, open_quantities(PO), po_number="300"
    )
    assert isinstance(not_ordered, TransferError) and "does not order" in not_ordered.message


def test_a_closed_purchase_order_has_nothing_open() -> None:
    closed = order(("Cables", "10", "0"), closed=True)
    assert open_quantities(closed) == [Decimal(0)]
    refused = allocate(
        receipt({"product": "Cables", "quantity": 1}), closed, open_quantities(closed), po_number="9"
    )
    assert isinstance(refused, TransferError)
