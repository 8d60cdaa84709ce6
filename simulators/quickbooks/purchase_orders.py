"""Purchase orders (``PurchaseOrderAddRq``, ``PurchaseOrderQueryRq``): what the company has ordered from a
vendor and is still waiting for.

A purchase order posts nothing (no balance changes), but each line ordering an inventory part raises the
part's quantity on order by its quantity. Item receipts linked to its lines (``item_receipts``) raise
each line's ``ReceivedQuantity`` and lower the part's quantity on order again by what was still open;
the order ``IsFullyReceived`` once every line has all it ordered (a line without a quantity orders
nothing to receive). QuickBooks fills in what a PurchaseOrderAdd leaves out, and so does the simulator:
the vendor's address and terms, the next RefNumber (QuickBooks numbers purchase orders as it numbers
invoices), a line's description and rate from its item's purchase side, its amount as quantity x rate.

References must name active elements, else 3140 naming the kind as other Adds answer: ``VendorRef`` a
vendor, ``TermsRef`` terms, ``ClassRef`` a class, on a line (the "Purchase Order line") ``ItemRef`` an
item that can be bought (not a sales tax item), ``CustomerRef`` a customer or job. While inventory is off
QuickBooks refuses purchase orders with 3250 (one preference turns on both, see ``inventory``).

PurchaseOrderRet: ``LinkedTxn`` (with ``IncludeLinkedTxns``) lists each item receipt received against
the order, ``LinkType`` QUANTYPE, with the amount it received on the order's lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from simulators.quickbooks.adds import TxnAdd
from simulators.quickbooks.entities import (
    ZERO,
    Address,
    Customer,
    ItemInventory,
    ListObject,
    StandardTerms,
    Terms,
    TrackingClass,
    Vendor,
    address,
    address_block,
    ref,
)
from simulators.quickbooks.errors import StatusError, missing_element
from simulators.quickbooks.fields import Field, amount, compact, day, flag, quantity, text
from simulators.quickbooks.handlers import (
    child_text,
    read_address,
    read_date,
    reject_unhandled_children,
    resolve_ref,
)
from simulators.quickbooks.inventory import RequiresInventory
from simulators.quickbooks.invoices import next_ref_number
from simulators.quickbooks.purchases import can_be_bought, purchase_side
from simulators.quickbooks.transactions import RateLine, Transaction, TxnStore, stamp_new_lines

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

_LINE_REFERRER = "Purchase Order line"
_LINE_TAGS = frozenset(
    {"ItemRef", "Desc", "Quantity", "Rate", "ClassRef", "Amount", "CustomerRef", "ServiceDate"}
)


@dataclass(kw_only=True, eq=False)
class PurchaseOrderLine(RateLine):
    """One line of a purchase order: an item ordered, how many at what rate, and how many came in."""

    customer: Customer | None = None
    received_quantity: Decimal = Decimal(0)
    is_manually_closed: bool = False

    @property
    def open_quantity(self) -> Decimal:
        """How many are still to come in (never below zero: more may come in than were ordered)."""
        return max((self.quantity or Decimal(0)) - self.received_quantity, Decimal(0))

    @property
    def is_fully_received(self) -> bool:
        """Whether nothing is still to come in (a closed line waits for nothing)."""
        return self.is_manually_closed or self.open_quantity == 0

    def receive(self, count: Decimal) -> None:
        """``count`` came in against this line: it is received, and no longer on order for the part."""
        if isinstance(self.item, ItemInventory):
            self.item.quantity_on_order -= min(count, self.open_quantity)
        self.received_quantity += count

    def unreceive(self, count: Decimal) -> None:
        """What ``receive(count)`` did is undone (the receipt was voided or deleted): the part is on order
        again for what the line then had open."""
        self.received_quantity -= count
        if isinstance(self.item, ItemInventory):
            self.item.quantity_on_order += min(count, self.open_quantity)

    def to_field(self) -> Field:
        """The ``PurchaseOrderLineRet`` element."""
        return self._rate_line_ret(
            "PurchaseOrderLineRet",
            ref("CustomerRef", self.customer),
            day("ServiceDate", self.service_date),
            quantity("ReceivedQuantity", self.received_quantity),
            flag("IsManuallyClosed", self.is_manually_closed),
        )


@dataclass(eq=False)
class Receiving:
    """What one item receipt received against one purchase order line, and what that came to."""

    receipt: Transaction
    order: PurchaseOrder
    order_line: PurchaseOrderLine
    quantity: Decimal
    amount: Decimal


@dataclass(kw_only=True, eq=False)
class PurchaseOrder(Transaction):
    """An order to a vendor; it posts nothing."""

    ret_tag: ClassVar[str] = "PurchaseOrderRet"
    txn_type: ClassVar[str] = "PurchaseOrder"

    vendor: Vendor
    lines: list[PurchaseOrderLine]
    class_: TrackingClass | None = None
    vendor_address: Address | None = None
    ship_address: Address | None = None
    terms: Terms | None = None
    due_date: date | None = None
    expected_date: date | None = None
    fob: str | None = None
    memo: str | None = None
    vendor_msg: str | None = None
    is_manually_closed: bool = False
    receivings: list[Receiving] = field(default_factory=list, init=False, repr=False)

    def stamp_lines(self, next_id: Callable[[], str]) -> None:
        """Give each new line its TxnLineID."""
        stamp_new_lines(self.lines, next_id)

    def line(self, txn_line_id: str) -> PurchaseOrderLine | None:
        """The line with this TxnLineID."""
        return next((line for line in self.lines if line.txn_line_id == txn_line_id), None)

    @property
    def total(self) -> Decimal:
        """The sum of the line amounts."""
        return sum((line.amount for line in self.lines), ZERO)

    def release_on_order(self) -> None:
        """The order is deleted: what its lines still wait for of inventory parts is no longer on order."""
        for line in self.lines:
            if isinstance(line.item, ItemInventory) and not line.is_manually_closed:
                line.item.quantity_on_order -= line.open_quantity

    @property
    def is_fully_received(self) -> bool:
        """Whether every line has all it ordered."""
        return all(line.is_fully_received for line in self.lines)

    @property
    def entities(self) -> tuple[ListObject, ...]:
        """The vendor."""
        return (self.vendor,)

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The PurchaseOrderRet children in schema order."""
        received: dict[Transaction, Decimal] = {}
        for receiving in self.receivings:
            received[receiving.receipt] = received.get(receiving.receipt, ZERO) + receiving.amount
        links = (
            [receipt.link_field("QUANTYPE", value) for receipt, value in received.items()] if linked else []
        )
        return compact(
            *self._stamp_fields(),
            ref("VendorRef", self.vendor),
            ref("ClassRef", self.class_),
            day("TxnDate", self.txn_date),
            text("RefNumber", self.ref_number),
            address("VendorAddress", self.vendor_address),
            address_block("VendorAddressBlock", self.vendor_address),
            address("ShipAddress", self.ship_address),
            address_block("ShipAddressBlock", self.ship_address),
            ref("TermsRef", self.terms),
            day("DueDate", self.due_date),
            day("ExpectedDate", self.expected_date),
            text("FOB", self.fob),
            amount("TotalAmount", self.total),
            *self._currency_fields("TotalAmountInHomeCurrency", self.total),
            flag("IsManuallyClosed", self.is_manually_closed),
            flag("IsFullyReceived", self.is_fully_received),
            text("Memo", self.memo),
            text("VendorMsg", self.vendor_msg),
            text("ExternalGUID", self.external_guid),
            *links,
            *(line.to_field() for line in (self.lines if lines else ())),
        )


class PurchaseOrderAdd(RequiresInventory, TxnAdd[PurchaseOrder]):
    """``PurchaseOrderAddRq``: records a purchase order and answers with its PurchaseOrderRet."""

    request_tag = "PurchaseOrderAddRq"
    handled = frozenset(
        {
            "VendorRef",
            "ClassRef",
            "TxnDate",
            "RefNumber",
            "VendorAddress",
            "ShipAddress",
            "TermsRef",
            "DueDate",
            "ExpectedDate",
            "FOB",
            "Memo",
            "VendorMsg",
            "ExternalGUID",
            "PurchaseOrderLineAdd",
        }
    )

    def store(self, company: QuickBooksCompany) -> TxnStore[PurchaseOrder]:
        """The company's purchase orders."""
        return company.purchase_orders

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> PurchaseOrder:
        """The purchase order the aggregate describes, completed as QuickBooks completes it."""
        vendor = self.resolve_active(aggregate, "VendorRef", company.vendors, Vendor.kind_label)
        if vendor is None:
            # The schema lets VendorRef out; QuickBooks cannot order from nobody.
            raise StatusError(missing_element("VendorRef"))
        currency = company.home_currency  # vendors here deal in the home currency
        return PurchaseOrder(
            vendor=vendor,
            txn_date=read_date(aggregate, "TxnDate") or company.today,
            ref_number=child_text(aggregate, "RefNumber") or next_ref_number(company.purchase_orders),
            external_guid=child_text(aggregate, "ExternalGUID"),
            currency=currency,
            exchange_rate=None if currency is None else Decimal(1),
            class_=self.resolve_active(aggregate, "ClassRef", company.classes, TrackingClass.kind_label),
            vendor_address=read_address(aggregate, "VendorAddress") or vendor.vendor_address,
            ship_address=read_address(aggregate, "ShipAddress"),
            terms=self.resolve_active(aggregate, "TermsRef", company.terms, StandardTerms.kind_label)
            or vendor.terms,
            due_date=read_date(aggregate, "DueDate"),
            expected_date=read_date(aggregate, "ExpectedDate"),
            fob=child_text(aggregate, "FOB"),
            memo=child_text(aggregate, "Memo"),
            vendor_msg=child_text(aggregate, "VendorMsg"),
            lines=[self._line(line, company) for line in aggregate.iterfind("PurchaseOrderLineAdd")],
        )

    def save(self, record: PurchaseOrder, company: QuickBooksCompany) -> None:
        """Record the order; what its lines order of inventory parts is now on order."""
        super().save(record, company)
        for line in record.lines:
            if isinstance(line.item, ItemInventory) and line.quantity is not None:
                line.item.quantity_on_order += line.quantity

    def _line(self, element: etree._Element, company: QuickBooksCompany) -> PurchaseOrderLine:
        reject_unhandled_children(element, _LINE_TAGS, "PurchaseOrderLineAdd")
        item = resolve_ref(
            element,
            "ItemRef",
            company.items,
            self.missing("Item", _LINE_REFERRER),
            usable=can_be_bought,
        )
        item_defaults = (None, None) if item is None else purchase_side(item)[:2]
        line = self.rate_line(PurchaseOrderLine, element, company, _LINE_REFERRER, item, item_defaults)
        line.customer = self.resolve_active(
            element, "CustomerRef", company.customers, Customer.kind_label, _LINE_REFERRER
        )
        return line
