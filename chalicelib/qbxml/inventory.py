"""Builders for inventory: the inventory parts (ItemInventoryAdd, the ItemInventoryQuery that reads what is on
hand), item receipts received against purchase-order lines (ItemReceiptAdd, ItemReceiptQuery) and inventory
adjustments that set a part's quantity on hand (InventoryAdjustmentAdd, InventoryAdjustmentQuery);
``parse_inventory_level`` reads an ``ItemInventoryRet``.

Each builder writes elements in the 13.0 schema's order and asks QuickBooks for only the fields the bridge
reads back (IncludeRetElement). Schema points the builders rely on:

- ``ItemInventoryAdd`` is Name (at most 31 characters), BarCode, IsActive, ClassRef, ParentRef,
  ManufacturerPartNumber, UnitOfMeasureSetRef, IsTaxIncluded, SalesTaxCodeRef, SalesDesc, SalesPrice,
  IncomeAccountRef, PurchaseDesc, PurchaseCost, PurchaseTaxCodeRef, COGSAccountRef, PrefVendorRef,
  AssetAccountRef, ..., ExternalGUID: flat, unlike ItemNonInventoryAdd's SalesAndPurchase aggregate.
  SalesPrice and PurchaseCost are PRICETYPE (five decimals).
- ``ItemInventoryQueryRq`` takes ListID+ | FullName+ | (MaxReturned, ActiveStatus, ...), then
  IncludeRetElement, and pages with an iterator. A query by names finds active and inactive parts alike;
  the filtered form reads active parts only unless ActiveStatus says All. ``ItemInventoryRet`` has
  QuantityOnHand and AverageCost.
- ``ItemReceiptAdd`` is VendorRef (required), APAccountRef, TxnDate, RefNumber (at most 20 characters), Memo,
  IsTaxIncluded, SalesTaxCodeRef, ExchangeRate, ExternalGUID, LinkToTxnID*, ExpenseLineAdd*, then
  ItemLineAdd / ItemGroupLineAdd. ``ItemLineAdd`` is ItemRef, (sites, serial/lot), Desc, Quantity,
  UnitOfMeasure, Cost, Amount, TaxAmount, CustomerRef, ClassRef, SalesTaxCodeRef, BillableStatus,
  OverrideItemAccountRef, LinkToTxn (TxnID, TxnLineID), ... The schema allows ItemRef beside LinkToTxn (it
  comes first, LinkToTxn near the end), but Intuit's reference says QuickBooks refuses a line carrying both
  at run time and takes the item from the linked purchase-order line, so a linked line is written without
  ItemRef. Linking line by line (not the whole order with LinkToTxnID) is what lets a receipt take part of
  a line.
- ``InventoryAdjustmentAdd`` is AccountRef (required), TxnDate, RefNumber (at most 11 characters),
  InventorySiteRef, CustomerRef, ClassRef, Memo, ExternalGUID, then InventoryAdjustmentLineAdd+.
  ExternalGUID *is* in the 13.0 schema here, so a lost adjustment is found by it like any other add.
  ``InventoryAdjustmentLineAdd`` is ItemRef, then one of QuantityAdjustment (NewQuantity |
  QuantityDifference, ...), ValueAdjustment, SerialNumberAdjustment, LotNumberAdjustment.
- ``ItemReceiptQueryRq`` and ``InventoryAdjustmentQueryRq`` take TxnID+ | RefNumber+ | a filter of
  (MaxReturned, ModifiedDateRangeFilter | TxnDateRangeFilter, EntityFilter, AccountFilter, ...), then
  IncludeLineItems, (IncludeLinkedTxns,) IncludeRetElement. ``TxnDateRangeFilter`` is FromTxnDate, ToTxnDate;
  ``EntityFilter`` and ``AccountFilter`` are ListID+ | FullName+ | ...WithChildren.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from chalicelib.domain.inventory import InventoryLevel
from chalicelib.qbxml.bills import ADD_RET_ELEMENTS
from chalicelib.qbxml.document import IteratorMode, append_text_element, paged_request, request_element
from chalicelib.qbxml.fields import (
    MEMO_MAX_LENGTH,
    check_date,
    check_item_name,
    check_length,
    check_txn_fields,
    child_decimal,
    include_ret_elements,
    number_text,
    quantity_text,
    write_memo_and_guid,
    write_ref,
    write_txn_start,
)
from chalicelib.qbxml.invoices import LIST_RET_ELEMENTS, Ref
from chalicelib.qbxml.responses import QbResponseError, child_text

RECEIPT_REF_NUMBER_MAX_LENGTH = 20
ADJUSTMENT_REF_NUMBER_MAX_LENGTH = 11

INVENTORY_RET_ELEMENTS = ("ListID", "FullName", "QuantityOnHand", "AverageCost")


@dataclass(frozen=True)
class ItemReceiptLineSpec:
    """Goods received against one purchase-order line: ``quantity`` of the line identified by
    ``po_txn_id`` and ``po_txn_line_id``, which may be less than was ordered.

    ``item`` is the item on that line, for the caller's bookkeeping; it is not sent, because QuickBooks takes
    the item from the linked line and refuses an ItemRef beside LinkToTxn.
    """

    item: Ref
    quantity: Decimal
    po_txn_id: str
    po_txn_line_id: str
    description: str | None = None


@dataclass(frozen=True)
class ItemReceiptSpec:
    """An item receipt; ``txn_date`` is ``YYYY-MM-DD``, ``ref_number`` at most 20 characters (None lets
    QuickBooks leave it blank). It needs at least one line."""

    vendor: Ref
    txn_date: str
    ref_number: str | None
    memo: str | None
    external_guid: str
    lines: tuple[ItemReceiptLineSpec, ...]


@dataclass(frozen=True)
class AdjustmentLineSpec:
    """Set ``item``'s quantity on hand to ``new_quantity`` (QuickBooks records the difference)."""

    item: Ref
    new_quantity: Decimal


@dataclass(frozen=True)
class InventoryAdjustmentSpec:
    """An inventory adjustment posted against ``account``; ``txn_date`` is ``YYYY-MM-DD``, ``ref_number`` at
    most 11 characters. It needs at least one line."""

    account: Ref
    txn_date: str
    ref_number: str | None
    memo: str | None
    external_guid: str
    lines: tuple[AdjustmentLineSpec, ...]


def build_item_inventory_add(
    request_id: str,
    *,
    name: str,
    parent: str | None,
    description: str | None,
    cost: Decimal | None,
    price: Decimal | None,
    income_account: str,
    cogs_account: str,
    asset_account: str,
) -> etree._Element:
    """An ``ItemInventoryAddRq`` for a part bought (``cost``), held (its value in ``asset_account``, its cost
    to ``cogs_account`` when sold) and sold (``price``, to ``income_account``), asking back
    ``LIST_RET_ELEMENTS``.

    ``name`` is one level (at most 31 characters, no ``:``); ``parent`` the full name above it. Accounts are
    full names. ``description`` is both the sales and the purchase description. A ``ValueError`` refuses an
    empty or over-long name, an empty account, a description over 4095 characters, a cost or price that is
    not a number or is over QuickBooks' 10 digits.
    """
    check_item_name(name)
    check_length("item description", description, MEMO_MAX_LENGTH)
    cost_text = None if cost is None else number_text("the item's cost", cost)
    price_text = None if price is None else number_text("the item's price", price)

    request = request_element("ItemInventoryAddRq", request_id)
    add = etree.SubElement(request, "ItemInventoryAdd")
    append_text_element(add, "Name", name)
    write_ref(add, "ParentRef", Ref(full_name=parent) if parent else None)
    if description is not None:
        append_text_element(add, "SalesDesc", description)
    if price_text is not None:
        append_text_element(add, "SalesPrice", price_text)
    write_ref(add, "IncomeAccountRef", Ref(full_name=income_account))
    if description is not None:
        append_text_element(add, "PurchaseDesc", description)
    if cost_text is not None:
        append_text_element(add, "PurchaseCost", cost_text)
    write_ref(add, "COGSAccountRef", Ref(full_name=cogs_account))
    write_ref(add, "AssetAccountRef", Ref(full_name=asset_account))
    include_ret_elements(request, LIST_RET_ELEMENTS)
    return request


def build_inventory_levels_query(request_id: str, full_names: Sequence[str]) -> etree._Element:
    """An ``ItemInventoryQueryRq`` for the parts with these full names, active or not, asking back
    ``INVENTORY_RET_ELEMENTS``: what each has on hand. No names (which would read every part) or an empty
    one is refused with a ``ValueError``."""
    if not full_names:
        raise ValueError("no item names given; use build_inventory_read to read every inventory part")
    if any(not name.strip() for name in full_names):
        raise ValueError("an item name to look for cannot be empty")
    request = request_element("ItemInventoryQueryRq", request_id)
    for name in full_names:
        append_text_element(request, "FullName", name)
    include_ret_elements(request, INVENTORY_RET_ELEMENTS)
    return request


def build_inventory_read(
    request_id: str, *, iterator: IteratorMode, iterator_id: str | None = None, max_returned: int
) -> etree._Element:
    """An ``ItemInventoryQueryRq`` for every inventory part, active or not (``ActiveStatus`` All: an inactive
    part can still hold stock), ``max_returned`` a page, asking back ``INVENTORY_RET_ELEMENTS``.

    Paged with ``iterator="Start"``, then ``iterator="Continue"`` with QuickBooks' ``iterator_id``; a
    ``ValueError`` refuses a ``max_returned`` below 1 or an ``iterator_id`` without ``Continue``.
    """
    request = paged_request(
        "ItemInventoryQueryRq",
        request_id,
        iterator=iterator,
        iterator_id=iterator_id,
        max_returned=max_returned,
        cut_short="the inventory parts",
    )
    append_text_element(request, "ActiveStatus", "All")
    include_ret_elements(request, INVENTORY_RET_ELEMENTS)
    return request


def parse_inventory_level(ret: etree._Element) -> InventoryLevel:
    """An ``ItemInventoryRet`` read as an ``InventoryLevel``.

    An absent ``QuantityOnHand`` reads as 0 (QuickBooks leaves out what it holds no value for), an absent
    ``AverageCost`` as None. ``QbResponseError`` when the part has no ListID or FullName, or a number is not
    one.
    """
    list_id = child_text(ret, "ListID")
    full_name = child_text(ret, "FullName")
    if not list_id or not full_name:
        raise QbResponseError("an <ItemInventoryRet> has no ListID or no FullName")
    quantity = child_decimal(ret, "QuantityOnHand")
    return InventoryLevel(
        list_id=list_id,
        full_name=full_name,
        quantity_on_hand=Decimal(0) if quantity is None else quantity,
        average_cost=child_decimal(ret, "AverageCost"),
    )


def build_item_receipt_add(request_id: str, spec: ItemReceiptSpec) -> etree._Element:
    """An ``ItemReceiptAddRq`` for ``spec`` with the bridge's ExternalGUID, each line linked to its
    purchase-order line (``LinkToTxn``) so that QuickBooks counts it as received there, asking back
    ``TxnID``, ``TimeCreated``, ``RefNumber`` and ``ExternalGUID``.

    A ``ValueError`` refuses no lines, a date that is not ``YYYY-MM-DD``, an empty RefNumber or one over 20
    characters, a vendor naming nothing, a memo or a description over 4095 characters, a line without its
    purchase order's TxnID or TxnLineID, a quantity that is negative, not a number, over 10 digits or with
    more than five decimals, an ExternalGUID not in ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` form.
    """
    if not spec.lines:
        raise ValueError("an item receipt needs at least one line")
    check_txn_fields(
        txn_date=spec.txn_date,
        ref_number=spec.ref_number,
        ref_limit=RECEIPT_REF_NUMBER_MAX_LENGTH,
        memo=spec.memo,
        external_guid=spec.external_guid,
    )
    request = request_element("ItemReceiptAddRq", request_id)
    add = etree.SubElement(request, "ItemReceiptAdd")
    write_txn_start(add, "VendorRef", spec.vendor, spec.txn_date, spec.ref_number)
    write_memo_and_guid(add, spec.memo, spec.external_guid)
    for number, line in enumerate(spec.lines, start=1):
        _receipt_line(add, number, line)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def build_item_receipt_query(
    request_id: str, *, vendor_list_id: str | None, vendor_name: str | None, from_date: str, to_date: str
) -> etree._Element:
    """An ``ItemReceiptQueryRq`` for one vendor's receipts dated ``from_date`` to ``to_date`` (both
    ``YYYY-MM-DD``, inclusive), asking back ``TxnID``, ``TimeCreated``, ``RefNumber`` and ``ExternalGUID``:
    how a lost receipt is found. The vendor is its ListID when known, else its name.

    A ``ValueError`` refuses no vendor (the query would read every vendor's receipts) and dates that are not
    dates or run backwards.
    """
    if not vendor_list_id and not (vendor_name and vendor_name.strip()):
        raise ValueError("an item receipt query needs the vendor's ListID or name")
    request = request_element("ItemReceiptQueryRq", request_id)
    _date_range(request, from_date, to_date)
    vendors = etree.SubElement(request, "EntityFilter")
    if vendor_list_id:
        append_text_element(vendors, "ListID", vendor_list_id)
    else:
        append_text_element(vendors, "FullName", vendor_name or "")
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def build_inventory_adjustment_add(request_id: str, spec: InventoryAdjustmentSpec) -> etree._Element:
    """An ``InventoryAdjustmentAddRq`` for ``spec`` with the bridge's ExternalGUID, each line setting an
    item's quantity on hand (``QuantityAdjustment``/``NewQuantity``), asking back ``TxnID``,
    ``TimeCreated``, ``RefNumber`` and ``ExternalGUID``.

    A ``ValueError`` refuses no lines, a date that is not ``YYYY-MM-DD``, an empty RefNumber or one over 11
    characters, a reference naming nothing, a memo over 4095 characters, a new quantity that is negative,
    not a number, over 10 digits or with more than five decimals, an ExternalGUID not in
    ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` form.
    """
    if not spec.lines:
        raise ValueError("an inventory adjustment needs at least one line")
    check_txn_fields(
        txn_date=spec.txn_date,
        ref_number=spec.ref_number,
        ref_limit=ADJUSTMENT_REF_NUMBER_MAX_LENGTH,
        memo=spec.memo,
        external_guid=spec.external_guid,
    )
    request = request_element("InventoryAdjustmentAddRq", request_id)
    add = etree.SubElement(request, "InventoryAdjustmentAdd")
    write_txn_start(add, "AccountRef", spec.account, spec.txn_date, spec.ref_number)
    write_memo_and_guid(add, spec.memo, spec.external_guid)
    for number, line in enumerate(spec.lines, start=1):
        new_quantity = quantity_text(f"the new quantity of line {number}", line.new_quantity)
        element = etree.SubElement(add, "InventoryAdjustmentLineAdd")
        write_ref(element, "ItemRef", line.item)
        adjustment = etree.SubElement(element, "QuantityAdjustment")
        append_text_element(adjustment, "NewQuantity", new_quantity)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def build_inventory_adjustment_query(
    request_id: str, *, account: str, from_date: str, to_date: str
) -> etree._Element:
    """An ``InventoryAdjustmentQueryRq`` for the adjustments posted against ``account`` (a full name) dated
    ``from_date`` to ``to_date`` (both ``YYYY-MM-DD``, inclusive), asking back ``TxnID``, ``TimeCreated``,
    ``RefNumber`` and ``ExternalGUID``: how a lost adjustment is found.

    A ``ValueError`` refuses an empty account and dates that are not dates or run backwards.
    """
    if not account.strip():
        raise ValueError("an inventory adjustment query needs the account's name")
    request = request_element("InventoryAdjustmentQueryRq", request_id)
    _date_range(request, from_date, to_date)
    accounts = etree.SubElement(request, "AccountFilter")
    append_text_element(accounts, "FullName", account)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def _receipt_line(add: etree._Element, number: int, line: ItemReceiptLineSpec) -> None:
    what = f"line {number}"
    if not line.po_txn_id.strip() or not line.po_txn_line_id.strip():
        raise ValueError(f"{what} needs the TxnID and TxnLineID of the purchase-order line it receives")
    check_length(f"description of {what}", line.description, MEMO_MAX_LENGTH)
    quantity = quantity_text(f"the quantity of {what}", line.quantity)
    element = etree.SubElement(add, "ItemLineAdd")
    if line.description is not None:
        append_text_element(element, "Desc", line.description)
    append_text_element(element, "Quantity", quantity)
    link = etree.SubElement(element, "LinkToTxn")
    append_text_element(link, "TxnID", line.po_txn_id)
    append_text_element(link, "TxnLineID", line.po_txn_line_id)


def _date_range(request: etree._Element, from_date: str, to_date: str) -> None:
    """Append a ``TxnDateRangeFilter`` from ``from_date`` to ``to_date``, refusing dates that are not dates
    or run backwards (QuickBooks would answer a backwards range with nothing, hiding a lost add)."""
    check_date("from_date", from_date)
    check_date("to_date", to_date)
    # ISO dates compare as text.
    if from_date > to_date:
        raise ValueError(f"from_date {from_date} is after to_date {to_date}")
    dates = etree.SubElement(request, "TxnDateRangeFilter")
    append_text_element(dates, "FromTxnDate", from_date)
    append_text_element(dates, "ToTxnDate", to_date)
