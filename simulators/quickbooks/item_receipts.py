"""Item receipts (``ItemReceiptAddRq``, ``ItemReceiptQueryRq``): items that came in from a vendor before
(or without) its bill.

An item receipt is a purchase like a bill (``purchases``): it owes the vendor its total through Accounts
Payable, and its item lines bring inventory parts into stock at their cost, moving each part's average
cost. An item line may receive against a purchase order line (``LinkToTxn`` with the order's TxnID and
the line's TxnLineID): it then takes what it leaves out from the order line (the item, the quantity still
open, the order's rate as its cost), raises the order line's ``ReceivedQuantity`` and lowers the part's
quantity on order, and the order is ``IsFullyReceived`` once every line has come in. Receiving more than
was ordered is allowed, as in QuickBooks.

QuickBooks refuses, and so does the simulator: a ``LinkToTxn`` whose TxnID is no purchase order of the
receipt's vendor (QuickBooks only offers the vendor's own open orders to receive against) or whose
TxnLineID is no line of that order, with 3120 naming the ID (Intuit's code for an object the request
names that cannot be found); an ``ItemRef`` other than the item of the linked line, with 3210 on
``ItemRef`` (the simulator's choice); receiving anything while inventory is off, with 3250 (see
``inventory``). Whole-order links (``LinkToTxnID``) are answered with 1030, as anything else the simulator
does not implement.

ItemReceiptRet: ``TotalAmount`` is the sum of the lines; ``LinkedTxn`` lists each purchase order received
against, ``LinkType`` QUANTYPE, with the amount received on its lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from simulators.quickbooks.entities import ZERO, Vendor, ref
from simulators.quickbooks.errors import StatusError, invalid_value, object_not_found
from simulators.quickbooks.fields import Field, amount, compact, day, text
from simulators.quickbooks.handlers import child_text, read_date
from simulators.quickbooks.inventory import RequiresInventory
from simulators.quickbooks.purchase_orders import PurchaseOrder, PurchaseOrderLine, Receiving
from simulators.quickbooks.purchases import (
    ITEM_LINE_TAGS,
    LineDefaults,
    PurchaseAdd,
    VendorPurchase,
)
from simulators.quickbooks.transactions import TxnStore

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

WRONG_ITEM = "The item is not the one the linked purchase order line orders."


@dataclass(kw_only=True, eq=False)
class ItemReceipt(VendorPurchase):
    """Items (and costs) received from a vendor, owed to it until its bill comes."""

    ret_tag: ClassVar[str] = "ItemReceiptRet"
    txn_type: ClassVar[str] = "ItemReceipt"

    receivings: list[Receiving] = field(default_factory=list, init=False, repr=False)

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The ItemReceiptRet children in schema order."""
        received: dict[PurchaseOrder, Decimal] = {}
        for receiving in self.receivings:
            received[receiving.order] = received.get(receiving.order, ZERO) + receiving.amount
        links = [order.link_field("QUANTYPE", value) for order, value in received.items()] if linked else []
        return compact(
            *self._stamp_fields(),
            ref("VendorRef", self.vendor),
            ref("APAccountRef", self.ap_account),
            day("TxnDate", self.txn_date),
            amount("TotalAmount", self.total),
            *self._currency_fields("TotalAmountInHomeCurrency", self.total),
            text("RefNumber", self.ref_number),
            text("Memo", self.memo),
            text("ExternalGUID", self.external_guid),
            *links,
            *(line.to_field() for line in (self.lines if lines else ())),
        )


class ItemReceiptAdd(RequiresInventory, PurchaseAdd[ItemReceipt]):
    """``ItemReceiptAddRq``: records an item receipt, receiving against purchase order lines it links to."""

    request_tag = "ItemReceiptAddRq"
    line_referrer = "Item Receipt line"
    item_line_tags = ITEM_LINE_TAGS | {"LinkToTxn"}
    handled = frozenset(
        {
            "VendorRef",
            "APAccountRef",
            "TxnDate",
            "RefNumber",
            "Memo",
            "ExternalGUID",
            "ExpenseLineAdd",
            "ItemLineAdd",
        }
    )

    def store(self, company: QuickBooksCompany) -> TxnStore[ItemReceipt]:
        """The company's item receipts."""
        return company.item_receipts

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> ItemReceipt:
        """The receipt the aggregate describes, with what it receives against purchase orders."""
        vendor = self.vendor(aggregate, company)
        currency = company.home_currency  # vendors here deal in the home currency
        receipt = ItemReceipt(
            vendor=vendor,
            txn_date=read_date(aggregate, "TxnDate") or company.today,
            ref_number=child_text(aggregate, "RefNumber"),
            external_guid=child_text(aggregate, "ExternalGUID"),
            currency=currency,
            exchange_rate=None if currency is None else Decimal(1),
            ap_account=self.ap_account(aggregate, company),
            memo=child_text(aggregate, "Memo"),
            expense_lines=[self.expense_line(line, company) for line in aggregate.iterfind("ExpenseLineAdd")],
        )
        for element in aggregate.iterfind("ItemLineAdd"):
            link = element.find("LinkToTxn")
            if link is None:
                receipt.item_lines.append(self.item_line(element, company))
                continue
            order, order_line = _linked(link, vendor, company)
            line = self.item_line(
                element,
                company,
                LineDefaults(item=order_line.item, quantity=order_line.open_quantity, cost=order_line.rate),
            )
            if order_line.item is not None and line.item is not order_line.item:
                raise StatusError(invalid_value("ItemRef", line.item.full_name, WRONG_ITEM))
            receipt.item_lines.append(line)
            count = line.quantity or Decimal(0)
            receipt.receivings.append(Receiving(receipt, order, order_line, count, line.amount))
        return receipt

    def save(self, record: ItemReceipt, company: QuickBooksCompany) -> None:
        """Record the receipt; the order lines it receives against have come in."""
        super().save(record, company)
        for receiving in record.receivings:
            receiving.order_line.receive(receiving.quantity)
            receiving.order.receivings.append(receiving)
        # Receiving changes each order once, in the same instant as the receipt.
        for order in dict.fromkeys(receiving.order for receiving in record.receivings):
            company.touch(order)


def _linked(
    link: etree._Element, vendor: Vendor, company: QuickBooksCompany
) -> tuple[PurchaseOrder, PurchaseOrderLine]:
    """The purchase order and line a ``LinkToTxn`` names; 3120 unless they are the vendor's."""
    txn_id, txn_line_id = child_text(link, "TxnID") or "", child_text(link, "TxnLineID") or ""
    order = company.purchase_orders.get(txn_id)
    if order is None or order.vendor is not vendor:
        raise StatusError(object_not_found(txn_id))
    order_line = order.line(txn_line_id)
    if order_line is None:
        raise StatusError(object_not_found(txn_line_id))
    return order, order_line


def undo_receivings(receipt: ItemReceipt, company: QuickBooksCompany) -> None:
    """The receipt is voided or deleted: the purchase order lines it received against wait for those
    quantities again, and each order it received against changes once, now."""
    for receiving in receipt.receivings:
        receiving.order_line.unreceive(receiving.quantity)
        receiving.order.receivings.remove(receiving)
    for order in dict.fromkeys(receiving.order for receiving in receipt.receivings):
        company.touch(order)
    receipt.receivings.clear()
