"""Builders for purchase orders (the goods the bridge orders from a vendor): PurchaseOrderAdd, the
PurchaseOrderQuery that finds lost adds by RefNumber, and the PurchaseOrderQuery that reads each order's lines
and how much of each has been received; ``parse_purchase_order_state`` reads that answer.

Each builder writes elements in the 13.0 schema's order and asks QuickBooks for only the fields the bridge
reads back (IncludeRetElement). Schema points the builders rely on:

- ``PurchaseOrderAdd`` is VendorRef, ClassRef, (InventorySiteRef | ShipToEntityRef), TemplateRef, TxnDate,
  RefNumber, VendorAddress, ShipAddress, TermsRef, DueDate, ExpectedDate, ShipMethodRef, FOB, Memo, ...,
  ExternalGUID, then at least one PurchaseOrderLineAdd / PurchaseOrderLineGroupAdd. ``RefNumber`` is at most
  11 characters here (a bill's may have 20). VendorRef is optional in the schema, but an order goes to
  someone: the spec requires it.
- ``PurchaseOrderLineAdd`` is ItemRef, ManufacturerPartNumber, Desc, Quantity, UnitOfMeasure, Rate (the unit
  cost, PRICETYPE), ClassRef, Amount, TaxAmount, InventorySiteLocationRef, CustomerRef, ... Quantity is a
  QUANTYPE: 10 digits before the point, 5 after.
- ``PurchaseOrderQueryRq`` takes TxnID+ | RefNumber+ | RefNumberCaseSensitive+ | a TxnFilter, then
  IncludeLineItems, IncludeLinkedTxns, IncludeRetElement. It cannot filter by ExternalGUID: the caller
  compares it.
- ``PurchaseOrderRet`` holds VendorRef, IsManuallyClosed, IsFullyReceived and, after ExternalGUID and
  LinkedTxn, a run of PurchaseOrderLineRet / PurchaseOrderLineGroupRet in QuickBooks' order. A group's own
  lines are PurchaseOrderLineRet inside it. ``PurchaseOrderLineRet`` has TxnLineID (always), ItemRef,
  Quantity, ReceivedQuantity and IsManuallyClosed. IncludeRetElement names only elements directly inside
  the Ret, so the lines query names both line aggregates, which then come back whole, and also sets
  IncludeLineItems, without which QuickBooks sends no lines at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from chalicelib.qbxml import bills
from chalicelib.qbxml.document import append_text_element, request_element
from chalicelib.qbxml.fields import (
    MEMO_MAX_LENGTH,
    check_date,
    check_length,
    check_ref_numbers,
    check_txn_fields,
    child_decimal,
    include_ret_elements,
    number_text,
    quantity_text,
    write_memo_and_guid,
    write_ref,
    write_txn_start,
)
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.responses import QbResponseError, child_flag, child_named, child_text, children_named
from chalicelib.safe_xml import local_name

REF_NUMBER_MAX_LENGTH = 11

# An order's add and the query that looks for a lost one read back what a bill's do.
ADD_RET_ELEMENTS = bills.ADD_RET_ELEMENTS
# What receiving against an order reads: who it is from, whether it is closed, and every line.
LINES_RET_ELEMENTS = (
    "TxnID",
    "VendorRef",
    "IsManuallyClosed",
    "IsFullyReceived",
    "PurchaseOrderLineRet",
    "PurchaseOrderLineGroupRet",
)


@dataclass(frozen=True)
class PurchaseOrderLineSpec:
    """One line of a purchase order: ``quantity`` of ``item`` at ``rate`` each (the unit cost; None leaves
    it to QuickBooks, which takes the item's purchase cost), ordered for ``customer`` when given."""

    item: Ref
    description: str | None
    quantity: Decimal
    rate: Decimal | None
    customer: Ref | None = None


@dataclass(frozen=True)
class PurchaseOrderSpec:
    """A purchase order; ``txn_date`` and ``expected_date`` are ``YYYY-MM-DD``, ``ref_number`` at most 11
    characters (None lets QuickBooks number it). It needs at least one line."""

    vendor: Ref
    txn_date: str
    ref_number: str | None
    external_guid: str
    expected_date: str | None
    memo: str | None
    lines: tuple[PurchaseOrderLineSpec, ...]


@dataclass(frozen=True)
class PurchaseOrderLineState:
    """One line of a purchase order as QuickBooks reports it: ordered and received so far."""

    txn_line_id: str
    item_full_name: str | None
    quantity: Decimal
    received_quantity: Decimal
    is_manually_closed: bool


@dataclass(frozen=True)
class PurchaseOrderState:
    """A purchase order as QuickBooks reports it; ``lines`` in QuickBooks' order, a group's lines in place
    of the group."""

    txn_id: str
    vendor_list_id: str | None
    vendor_name: str | None
    is_manually_closed: bool
    is_fully_received: bool
    lines: tuple[PurchaseOrderLineState, ...]


def build_purchase_order_add(request_id: str, spec: PurchaseOrderSpec) -> etree._Element:
    """A ``PurchaseOrderAddRq`` for ``spec`` with the bridge's ExternalGUID, asking back only
    ``ADD_RET_ELEMENTS``.

    What QuickBooks would refuse is refused here with a ``ValueError`` saying why: no lines, a date that is
    not ``YYYY-MM-DD``, an empty RefNumber or one over 11 characters, a reference naming nothing, a memo or a
    line's description over 4095 characters, a quantity that is negative, not a number, over 10 digits or
    with more than five decimals, a rate that is not a number or over 10 digits, an ExternalGUID not in
    ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` form.
    """
    if not spec.lines:
        raise ValueError("a purchase order needs at least one line")
    check_txn_fields(
        txn_date=spec.txn_date,
        ref_number=spec.ref_number,
        ref_limit=REF_NUMBER_MAX_LENGTH,
        memo=spec.memo,
        external_guid=spec.external_guid,
    )
    if spec.expected_date is not None:
        check_date("ExpectedDate", spec.expected_date)
    request = request_element("PurchaseOrderAddRq", request_id)
    add = etree.SubElement(request, "PurchaseOrderAdd")
    write_txn_start(add, "VendorRef", spec.vendor, spec.txn_date, spec.ref_number)
    if spec.expected_date is not None:
        append_text_element(add, "ExpectedDate", spec.expected_date)
    write_memo_and_guid(add, spec.memo, spec.external_guid)
    for number, line in enumerate(spec.lines, start=1):
        _line(add, number, line)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def build_purchase_order_query_by_ref_numbers(request_id: str, ref_numbers: Sequence[str]) -> etree._Element:
    """A ``PurchaseOrderQueryRq`` for these RefNumbers, asking back ``ADD_RET_ELEMENTS``: how a lost add is
    found (QuickBooks cannot filter by ExternalGUID; the caller compares it). An empty ``ref_numbers`` is
    refused: it would read every purchase order."""
    check_ref_numbers(ref_numbers)
    request = request_element("PurchaseOrderQueryRq", request_id)
    for ref_number in ref_numbers:
        append_text_element(request, "RefNumber", ref_number)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def build_purchase_order_lines_query(request_id: str, txn_ids: Sequence[str]) -> etree._Element:
    """A ``PurchaseOrderQueryRq`` for these orders with their lines (``IncludeLineItems`` true), asking back
    ``LINES_RET_ELEMENTS``: the vendor, whether the order is closed or fully received, and every line with
    its TxnLineID, item, quantity, received quantity and closed flag, which is what an item receipt linking
    to the lines needs. Group lines come back too (``PurchaseOrderLineGroupRet``), holding their own lines.

    No ``txn_ids`` (which would read every purchase order) or an empty one is refused with a ``ValueError``.
    """
    if not txn_ids:
        raise ValueError("no TxnIDs given; a query without them would read every purchase order")
    if any(not txn_id.strip() for txn_id in txn_ids):
        raise ValueError("a TxnID to look for cannot be empty")
    request = request_element("PurchaseOrderQueryRq", request_id)
    for txn_id in txn_ids:
        append_text_element(request, "TxnID", txn_id)
    append_text_element(request, "IncludeLineItems", "true")
    include_ret_elements(request, LINES_RET_ELEMENTS)
    return request


def parse_purchase_order_state(ret: etree._Element) -> PurchaseOrderState:
    """A ``PurchaseOrderRet`` read as a ``PurchaseOrderState``.

    Absent flags read as false; a line without ``Quantity`` (a description line) or ``ReceivedQuantity``
    (nothing received yet) reads as 0. ``QbResponseError`` when the order or a line has no ID, or a number
    is not one.
    """
    txn_id = child_text(ret, "TxnID")
    if not txn_id:
        raise QbResponseError("a <PurchaseOrderRet> has no TxnID")
    vendor = child_named(ret, "VendorRef")
    lines: list[PurchaseOrderLineState] = []
    # Lines and groups interleave in one run; reading them in document order keeps QuickBooks' line order.
    for child in ret:
        # Comments and processing instructions are children too; their tag is not a string.
        if not isinstance(child.tag, str):
            continue
        if local_name(child) == "PurchaseOrderLineRet":
            lines.append(_line_state(child))
        elif local_name(child) == "PurchaseOrderLineGroupRet":
            lines.extend(_line_state(inner) for inner in children_named(child, "PurchaseOrderLineRet"))
    return PurchaseOrderState(
        txn_id=txn_id,
        vendor_list_id=None if vendor is None else (child_text(vendor, "ListID") or None),
        vendor_name=None if vendor is None else (child_text(vendor, "FullName") or None),
        is_manually_closed=child_flag(ret, "IsManuallyClosed") is True,
        is_fully_received=child_flag(ret, "IsFullyReceived") is True,
        lines=tuple(lines),
    )


def _line(add: etree._Element, number: int, line: PurchaseOrderLineSpec) -> None:
    what = f"line {number}"
    check_length(f"description of {what}", line.description, MEMO_MAX_LENGTH)
    quantity = quantity_text(f"the quantity of {what}", line.quantity)
    rate = None if line.rate is None else number_text(f"the rate of {what}", line.rate)
    element = etree.SubElement(add, "PurchaseOrderLineAdd")
    write_ref(element, "ItemRef", line.item)
    if line.description is not None:
        append_text_element(element, "Desc", line.description)
    append_text_element(element, "Quantity", quantity)
    if rate is not None:
        append_text_element(element, "Rate", rate)
    write_ref(element, "CustomerRef", line.customer)


def _line_state(line: etree._Element) -> PurchaseOrderLineState:
    txn_line_id = child_text(line, "TxnLineID")
    if not txn_line_id:
        raise QbResponseError("a <PurchaseOrderLineRet> has no TxnLineID")
    item = child_named(line, "ItemRef")
    return PurchaseOrderLineState(
        txn_line_id=txn_line_id,
        item_full_name=None if item is None else (child_text(item, "FullName") or None),
        quantity=child_decimal(line, "Quantity") or Decimal(0),
        received_quantity=child_decimal(line, "ReceivedQuantity") or Decimal(0),
        is_manually_closed=child_flag(line, "IsManuallyClosed") is True,
    )
