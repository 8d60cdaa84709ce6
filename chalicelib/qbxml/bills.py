"""Builders for vendor bills (the expense-report and accounts-payable transfers): BillAdd, the BillQuery that
finds lost adds by RefNumber, BillMod, and the BillQuery that reads what changed (paid dates).

Each builder writes elements in the 13.0 schema's order and asks QuickBooks for only the fields the bridge
reads back (IncludeRetElement), so answers stay small. Schema points the builders rely on:

- ``BillAdd`` is VendorRef, (VendorAddress, APAccountRef), TxnDate, DueDate, RefNumber, TermsRef, Memo,
  (IsTaxIncluded, SalesTaxCodeRef, ExchangeRate), ExternalGUID, (LinkToTxnID), then *every* ExpenseLineAdd,
  then the ItemLineAdd / ItemGroupLineAdd choice: expense lines cannot follow item lines. Unlike InvoiceAdd,
  DueDate comes *before* RefNumber. ``RefNumber`` is at most 20 characters.
- ``ExpenseLineAdd``: AccountRef, Amount, (TaxAmount), Memo, CustomerRef, ClassRef, (SalesTaxCodeRef),
  BillableStatus. ``ItemLineAdd``: ItemRef, (sites, serial/lot), Desc, Quantity, (UnitOfMeasure), Cost,
  Amount, (TaxAmount), CustomerRef, ClassRef, (SalesTaxCodeRef), BillableStatus.
- ``BillMod`` is TxnID, EditSequence, then BillAdd's fields in BillAdd's order without ExternalGUID (a Mod
  cannot change it), then ClearExpenseLines, every ExpenseLineMod, ClearItemLines, the ItemLineMod /
  ItemGroupLineMod choice. ``ExpenseLineMod`` and ``ItemLineMod`` are TxnLineID (``-1`` for a new line) and
  then their Add's fields in the same order (ItemLineMod adds OverrideUOMSetRef after UnitOfMeasure).
- ``BillQueryRq`` pages with an iterator; its filter is TxnID+ | RefNumber+ | RefNumberCaseSensitive+ |
  (MaxReturned, ModifiedDateRangeFilter or TxnDateRangeFilter, ...), then IncludeLineItems,
  IncludeLinkedTxns, IncludeRetElement. It cannot filter by ExternalGUID: the caller compares it.

The field writers and checks below the builders are shared with ``vendors``, ``items`` and
``journal_entries`` (the payables builders). They are public because those modules import them; they belong
next to ``append_text_element`` in ``document`` and can move there unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from chalicelib.qbxml.document import IteratorMode, append_text_element, paged_request, request_element
from chalicelib.qbxml.fields import (
    MEMO_MAX_LENGTH,
    QB_DATETIME,
    check_date,
    check_external_guid,
    check_length,
    check_line_ids,
    check_mod_head,
    check_ref_number,
    check_ref_numbers,
    include_ret_elements,
    money_text,
    number_text,
    write_mod_head,
    write_ref,
)
from chalicelib.qbxml.invoices import Ref

REF_NUMBER_MAX_LENGTH = 20

# What the bridge reads back from an add, and from the query that looks for adds whose answer was lost.
ADD_RET_ELEMENTS = ("TxnID", "TimeCreated", "RefNumber", "ExternalGUID")
# What a BillMod asks back: the new EditSequence and TimeModified, and every field ``changes.txn_fingerprint``
# reads from a BillRet (TxnDate, AmountDue and the lines), so the fingerprint of this answer equals that of a
# later full read of the unchanged bill. A Mod has no IncludeLineItems; naming the line aggregates is what
# brings the lines back.
MOD_RET_ELEMENTS = (
    "TxnID",
    "EditSequence",
    "TimeModified",
    "RefNumber",
    "TxnDate",
    "AmountDue",
    "ExpenseLineRet",
    "ItemLineRet",
    "ItemGroupLineRet",
)
# What a BillAdd asks back: its identity, and what a Mod's answer has (the fingerprint of what was written).
BILL_ADD_RET_ELEMENTS = ("TimeCreated", "ExternalGUID", *MOD_RET_ELEMENTS)
# What the paid-date check reads: a payment applied to a bill changes its TimeModified; the content, so a
# person's edit is noticed.
CHANGES_RET_ELEMENTS = ("IsPaid", "LinkedTxn", *MOD_RET_ELEMENTS)


@dataclass(frozen=True)
class ExpenseLineSpec:
    """One line of a bill posted straight to an account.

    ``amount`` may be zero or negative (an expense report's cash advance is a negative line); the bill's
    total may not. ``billable`` True / False becomes ``BillableStatus`` Billable / NotBillable, None leaves
    it to QuickBooks; Billable needs the ``customer`` to bill.
    """

    account: Ref
    amount: Decimal
    memo: str | None = None
    customer: Ref | None = None
    class_: Ref | None = None
    billable: bool | None = None


@dataclass(frozen=True)
class ItemLineSpec:
    """One line of a bill for an item. Left out, ``quantity``, ``cost`` and ``amount`` are QuickBooks' to
    fill (the item's purchase cost, quantity times cost); ``billable`` as on ``ExpenseLineSpec``."""

    item: Ref
    description: str | None = None
    quantity: Decimal | None = None
    cost: Decimal | None = None
    amount: Decimal | None = None
    customer: Ref | None = None
    class_: Ref | None = None
    billable: bool | None = None


@dataclass(frozen=True)
class BillSpec:
    """A vendor bill; ``txn_date`` and ``due_date`` are ``YYYY-MM-DD``, ``ref_number`` at most 20 characters.
    It needs at least one line; its expense lines are written before its item lines (the schema's order)."""

    vendor: Ref
    txn_date: str
    ref_number: str
    external_guid: str
    due_date: str | None = None
    terms: Ref | None = None
    memo: str | None = None
    expense_lines: tuple[ExpenseLineSpec, ...] = ()
    item_lines: tuple[ItemLineSpec, ...] = ()


def build_bill_add(request_id: str, spec: BillSpec) -> etree._Element:
    """A ``BillAddRq`` for ``spec`` with the bridge's ExternalGUID, asking back only ``ADD_RET_ELEMENTS``.

    What QuickBooks would refuse anyway is refused here with a ``ValueError`` saying why: no lines, a total
    below zero (QuickBooks records money owed back as a vendor credit, not a negative bill), a date that is
    not ``YYYY-MM-DD``, an empty or over-long RefNumber, a reference naming nothing, a memo over 4095
    characters, an amount with fractions of a cent or too large for QuickBooks, Billable without a customer,
    an ExternalGUID not in ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` form.
    """
    _check_bill(spec)
    check_external_guid(spec.external_guid)

    request = request_element("BillAddRq", request_id)
    add = etree.SubElement(request, "BillAdd")
    _bill_fields(add, spec)
    append_text_element(add, "ExternalGUID", spec.external_guid)
    for number, expense in enumerate(spec.expense_lines, start=1):
        _expense_line(add, number, expense)
    for number, item in enumerate(spec.item_lines, start=1):
        _item_line(add, number, item)
    _check_total(spec)
    include_ret_elements(request, BILL_ADD_RET_ELEMENTS)
    return request


def build_bill_mod(
    request_id: str,
    spec: BillSpec,
    *,
    txn_id: str,
    edit_sequence: str,
    expense_line_ids: Sequence[str],
    item_line_ids: Sequence[str],
) -> etree._Element:
    """A ``BillModRq`` making bill ``txn_id`` what ``spec`` says, asking back ``MOD_RET_ELEMENTS``.

    The same fields as ``build_bill_add`` in the same order, after the TxnID and the ``edit_sequence``
    QuickBooks last reported; ``spec.external_guid`` is ignored, as BillMod has no ExternalGUID.
    ``expense_line_ids[i]`` is the TxnLineID of ``spec.expense_lines[i]`` and ``item_line_ids[i]`` that of
    ``spec.item_lines[i]``, ``"-1"`` for a new line. QuickBooks deletes the lines of a kind a Mod lists
    some of and leaves out, but keeps every line of a kind it lists none of: so a spec without expense (or
    item) lines sends ``ClearExpenseLines`` (``ClearItemLines``) true, which removes that kind's lines. A
    field a spec leaves out (None) is left as it is in QuickBooks, not cleared.

    ``ValueError`` for what ``build_bill_add`` refuses (but the ExternalGUID), an empty TxnID or
    EditSequence, an EditSequence over 16 characters, or line ids not pairing one non-empty TxnLineID with
    each line of their kind.
    """
    _check_bill(spec)
    check_mod_head(txn_id, edit_sequence)
    check_line_ids("expense lines", expense_line_ids, len(spec.expense_lines))
    check_line_ids("item lines", item_line_ids, len(spec.item_lines))

    request = request_element("BillModRq", request_id)
    mod = etree.SubElement(request, "BillMod")
    write_mod_head(mod, txn_id, edit_sequence)
    _bill_fields(mod, spec)
    # Each Clear comes just before its kind's lines in BillMod, and only when that kind has none: _check_bill
    # refused a bill without lines, so at most one of the two is sent.
    if not spec.expense_lines:
        append_text_element(mod, "ClearExpenseLines", "true")
    for number, (expense, line_id) in enumerate(zip(spec.expense_lines, expense_line_ids, strict=True), 1):
        _expense_line(mod, number, expense, line_id)
    if not spec.item_lines:
        append_text_element(mod, "ClearItemLines", "true")
    for number, (item, line_id) in enumerate(zip(spec.item_lines, item_line_ids, strict=True), 1):
        _item_line(mod, number, item, line_id)
    _check_total(spec)
    include_ret_elements(request, MOD_RET_ELEMENTS)
    return request


def build_bill_query_by_ref_numbers(request_id: str, ref_numbers: Sequence[str]) -> etree._Element:
    """A ``BillQueryRq`` for these RefNumbers, asking back ``ADD_RET_ELEMENTS``: how a lost add is found
    (QuickBooks cannot filter by ExternalGUID; the caller compares it). An empty ``ref_numbers`` is refused:
    it would read every bill."""
    check_ref_numbers(ref_numbers)
    request = request_element("BillQueryRq", request_id)
    for ref_number in ref_numbers:
        append_text_element(request, "RefNumber", ref_number)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def build_bill_changes_query(
    request_id: str,
    *,
    modified_since: str,
    max_returned: int,
    iterator: IteratorMode,
    iterator_id: str | None = None,
) -> etree._Element:
    """A ``BillQueryRq`` for bills modified since ``modified_since`` (QuickBooks' own time, e.g.
    ``2026-11-20T09:30:00-05:00``), with linked transactions: paying a bill changes its TimeModified.

    The shape of ``invoices.build_invoice_changes_query``: ``MaxReturned``, ``ModifiedDateRangeFilter``,
    ``IncludeLinkedTxns`` true, ``CHANGES_RET_ELEMENTS``; paged with ``iterator="Start"``, then
    ``iterator="Continue"`` with QuickBooks' ``iterator_id`` and the same filters.
    """
    if not QB_DATETIME.fullmatch(modified_since):
        raise ValueError(
            f"modified_since must be a QuickBooks time like '2026-11-20T09:30:00-05:00', not {modified_since!r}"
        )
    request = paged_request(
        "BillQueryRq",
        request_id,
        iterator=iterator,
        iterator_id=iterator_id,
        max_returned=max_returned,
        cut_short="the changes",
    )
    dates = etree.SubElement(request, "ModifiedDateRangeFilter")
    append_text_element(dates, "FromModifiedDate", modified_since)
    append_text_element(request, "IncludeLineItems", "true")
    append_text_element(request, "IncludeLinkedTxns", "true")
    include_ret_elements(request, CHANGES_RET_ELEMENTS)
    return request


def _check_bill(spec: BillSpec) -> None:
    """What a BillAdd and a BillMod refuse alike of the bill's own fields (the lines are checked as they
    are written)."""
    if not spec.expense_lines and not spec.item_lines:
        raise ValueError("a bill needs at least one expense line or item line")
    check_date("TxnDate", spec.txn_date)
    if spec.due_date is not None:
        check_date("DueDate", spec.due_date)
    check_ref_number(spec.ref_number, REF_NUMBER_MAX_LENGTH)
    check_length("memo", spec.memo, MEMO_MAX_LENGTH)


def _bill_fields(parent: etree._Element, spec: BillSpec) -> None:
    """The bill's own fields from VendorRef to Memo, in the order BillAdd and BillMod share (the Add's
    ExternalGUID follows them)."""
    write_ref(parent, "VendorRef", spec.vendor)
    append_text_element(parent, "TxnDate", spec.txn_date)
    if spec.due_date is not None:
        append_text_element(parent, "DueDate", spec.due_date)
    append_text_element(parent, "RefNumber", spec.ref_number)
    write_ref(parent, "TermsRef", spec.terms)
    if spec.memo is not None:
        append_text_element(parent, "Memo", spec.memo)


def _check_total(spec: BillSpec) -> None:
    """Refuse a bill whose known total is below zero; run after the lines are written, which refuse
    amounts that are not numbers."""
    total = _known_total(spec)
    if total is not None and total < 0:
        raise ValueError(
            f"the bill's total is {total}; QuickBooks refuses a negative bill (money owed back is a vendor credit)"
        )


def _line_element(parent: etree._Element, kind: str, txn_line_id: str | None) -> etree._Element:
    """A new ``{kind}Add`` line, or with ``txn_line_id`` a ``{kind}Mod`` of that line: every Mod line is its
    Add's fields in the same order after the TxnLineID."""
    if txn_line_id is None:
        return etree.SubElement(parent, f"{kind}Add")
    element = etree.SubElement(parent, f"{kind}Mod")
    append_text_element(element, "TxnLineID", txn_line_id)
    return element


def _expense_line(
    parent: etree._Element, number: int, line: ExpenseLineSpec, txn_line_id: str | None = None
) -> None:
    what = f"expense line {number}"
    check_length(f"memo of {what}", line.memo, MEMO_MAX_LENGTH)
    _check_billable(what, line.billable, line.customer)
    element = _line_element(parent, "ExpenseLine", txn_line_id)
    write_ref(element, "AccountRef", line.account)
    append_text_element(element, "Amount", money_text(f"the amount of {what}", line.amount))
    if line.memo is not None:
        append_text_element(element, "Memo", line.memo)
    write_ref(element, "CustomerRef", line.customer)
    write_ref(element, "ClassRef", line.class_)
    _billable(element, line.billable)


def _item_line(
    parent: etree._Element, number: int, line: ItemLineSpec, txn_line_id: str | None = None
) -> None:
    what = f"item line {number}"
    check_length(f"description of {what}", line.description, MEMO_MAX_LENGTH)
    _check_billable(what, line.billable, line.customer)
    element = _line_element(parent, "ItemLine", txn_line_id)
    write_ref(element, "ItemRef", line.item)
    if line.description is not None:
        append_text_element(element, "Desc", line.description)
    if line.quantity is not None:
        append_text_element(element, "Quantity", number_text(f"the quantity of {what}", line.quantity))
    if line.cost is not None:
        append_text_element(element, "Cost", number_text(f"the cost of {what}", line.cost))
    if line.amount is not None:
        append_text_element(element, "Amount", money_text(f"the amount of {what}", line.amount))
    write_ref(element, "CustomerRef", line.customer)
    write_ref(element, "ClassRef", line.class_)
    _billable(element, line.billable)


def _known_total(spec: BillSpec) -> Decimal | None:
    """The bill's total when every line's amount is known (an item line's from its amount, else quantity
    times cost); None when QuickBooks fills some line from the item's own cost."""
    total = sum((line.amount for line in spec.expense_lines), Decimal(0))
    for line in spec.item_lines:
        if line.amount is not None:
            total += line.amount
        elif line.quantity is not None and line.cost is not None:
            total += line.quantity * line.cost
        else:
            return None
    return total


def _check_billable(what: str, billable: bool | None, customer: Ref | None) -> None:
    if billable and customer is None:
        raise ValueError(f"{what} is billable but names no customer to bill it to")


def _billable(parent: etree._Element, billable: bool | None) -> None:
    if billable is not None:
        append_text_element(parent, "BillableStatus", "Billable" if billable else "NotBillable")


# --- field writers and checks shared by the payables builders -----------------------------------------
