"""Which purchase-order lines a receipt closes: the line a receipt line names, else the product's open lines
in PO line order. Receiving more than is open fails the receipt with the fix; nothing is guessed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chalicelib.domain.purchasing import PoReceiptDocument
from chalicelib.domain.transfer import TransferError
from chalicelib.qbxml.purchase_orders import PurchaseOrderState
from chalicelib.transfers.items import product_item_name


@dataclass(frozen=True)
class Receiving:
    """A quantity of one PO line received (one ItemReceipt item line)."""

    item: str  # the inventory part's full name
    quantity: Decimal
    txn_line_id: str


def open_quantities(po: PurchaseOrderState) -> list[Decimal]:
    """What is still to be received on each PO line (nothing on a closed line or a closed PO)."""
    if po.is_manually_closed:
        return [Decimal(0)] * len(po.lines)
    return [
        Decimal(0) if line.is_manually_closed else max(line.quantity - line.received_quantity, Decimal(0))
        for line in po.lines
    ]


def allocate(
    document: PoReceiptDocument, po: PurchaseOrderState, still_open: list[Decimal], *, po_number: str
) -> list[Receiving] | TransferError:
    """The PO lines ``document`` receives; ``still_open`` (per PO line) is lowered by what it takes, so later
    receipts of the same conversation see what is left. Nothing is taken when the receipt fails."""
    left = list(still_open)
    taken: list[Receiving] = []
    for number, line in enumerate(document.lines, start=1):
        item = product_item_name(line.product)
        matches = [
            index
            for index, po_line in enumerate(po.lines)
            if (po_line.item_full_name or "").lower() == item.lower()
        ]
        if line.po_line is not None:
            if line.po_line not in matches:
                return _refusal(
                    "receipt_line_not_on_po",
                    f"Receipt line {number} names line {line.po_line} of purchase order {po_number}, which is not "
                    f'a line for "{item}".',
                    "Correct the receipt line's po_line (the PO line's index, from 0) or product in the source "
                    "application and send the receipt again.",
                )
            matches = [line.po_line]
        wanted = line.quantity
        for index in matches:
            share = min(wanted, left[index])
            if share > 0:
                taken.append(Receiving(item, share, po.lines[index].txn_line_id))
                left[index] -= share
                wanted -= share
        if wanted > 0:
            opened = sum((still_open[i] for i in matches), Decimal(0))
            ordered = sum((po.lines[i].quantity for i in matches), Decimal(0))
            if not matches:
                return _refusal(
                    "receipt_line_not_on_po",
                    f'Receipt line {number} receives "{item}", which purchase order {po_number} does not order.',
                    "Correct the product in the source application, or add it to the purchase order, and send "
                    "the receipt again.",
                )
            return _refusal(
                "receipt_exceeds_open",
                f'Receipt line {number} receives {line.quantity:f} of "{item}", but only {opened:f} of the '
                f"{ordered:f} ordered on purchase order {po_number} are still open.",
                "Correct the received quantity in the source application (or raise the quantity on the purchase "
                "order) and send the receipt again.",
            )
    still_open[:] = left
    return taken


def _refusal(code: str, message: str, fix: str) -> TransferError:
    return TransferError(
        code=code,
        message=message,
        explanation="A receipt closes quantities that are open on its purchase order's lines in QuickBooks.",
        fix=fix,
    )
