"""Changing and watching transactions the bridge wrote: the void, delete and deleted-transactions requests,
the query that reads transactions back whole by TxnID, and the readers that tell whether a transaction's
content changed since the bridge last saw it (``txn_fingerprint``) and pair its lines with a Mod
(``line_ids``, ``edit_sequence``). The Mods themselves are built next to their Adds
(``invoices.build_invoice_mod``, ``bills.build_bill_mod``).

Schema points the builders rely on:

- ``TxnVoidRq`` is TxnVoidType, TxnID; ``TxnDelRq`` is TxnDelType, TxnID. The two enumerations differ:
  TxnVoidType has the 16 kinds QuickBooks can void, TxnDelType 25 (also PurchaseOrder, Estimate,
  SalesOrder, ReceivePayment, TimeTracking ..., which can only be deleted). Neither request has IncludeRetElement.
- ``TxnDeletedQueryRq`` is TxnDelType+ then an optional DeletedDateRangeFilter (FromDeletedDate,
  ToDeletedDate, DATETIMETYPE), then IncludeRetElement; it has no iterator.
- The transaction queries take TxnID+ as their first choice, then IncludeLineItems (absent from some, such
  as TimeTrackingQueryRq, whose transactions have no lines), IncludeLinkedTxns, IncludeRetElement.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal

from lxml import etree

from chalicelib.qbxml.document import append_text_element, request_element
from chalicelib.qbxml.fields import check_datetime, check_txn_id, child_decimal, is_number_text
from chalicelib.qbxml.responses import QbResponseError, child_text
from chalicelib.safe_xml import local_name

# The schema's TxnVoidType enumeration: what QuickBooks can void.
TXN_VOID_TYPES = frozenset(
    {
        "ARRefundCreditCard",
        "Bill",
        "BillPaymentCheck",
        "BillPaymentCreditCard",
        "Charge",
        "Check",
        "CreditCardCharge",
        "CreditCardCredit",
        "CreditMemo",
        "Deposit",
        "InventoryAdjustment",
        "Invoice",
        "ItemReceipt",
        "JournalEntry",
        "SalesReceipt",
        "VendorCredit",
    }
)
# The schema's TxnDelType enumeration: what QuickBooks can delete, and report deleted.
TXN_DEL_TYPES = TXN_VOID_TYPES | frozenset(
    {
        "BuildAssembly",
        "Estimate",
        "PurchaseOrder",
        "ReceivePayment",
        "SalesOrder",
        "SalesTaxPaymentCheck",
        "TimeTracking",
        "TransferInventory",
        "VehicleMileage",
    }
)
# The transaction queries whose first choice is TxnID+, mapped to whether they take IncludeLineItems; but
# TransactionQueryRq, whose TransactionRet is a summary of any kind of transaction, not its content.
TXN_READ_QUERIES: dict[str, bool] = {
    "ARRefundCreditCardQueryRq": True,
    "BillPaymentCheckQueryRq": True,
    "BillPaymentCreditCardQueryRq": True,
    "BillQueryRq": True,
    "BuildAssemblyQueryRq": False,
    "ChargeQueryRq": False,
    "CheckQueryRq": True,
    "CreditCardChargeQueryRq": True,
    "CreditCardCreditQueryRq": True,
    "CreditMemoQueryRq": True,
    "DepositQueryRq": True,
    "EstimateQueryRq": True,
    "InventoryAdjustmentQueryRq": True,
    "InvoiceQueryRq": True,
    "ItemReceiptQueryRq": True,
    "JournalEntryQueryRq": True,
    "PurchaseOrderQueryRq": True,
    "ReceivePaymentQueryRq": True,
    "SalesOrderQueryRq": True,
    "SalesReceiptQueryRq": True,
    "SalesTaxPaymentCheckQueryRq": True,
    "TimeTrackingQueryRq": False,
    "TransferInventoryQueryRq": True,
    "TransferQueryRq": False,
    "VehicleMileageQueryRq": False,
    "VendorCreditQueryRq": True,
}

# The fields of a transaction's head that are part of its content (see ``txn_fingerprint``).
FINGERPRINT_FIELDS = frozenset(
    {"Subtotal", "TotalAmount", "AmountDue", "Amount", "Duration", "ItemServiceRef", "CustomerRef", "TxnDate"}
)
# Never content, wherever they appear: a line's identity, QuickBooks' bookkeeping of the edit, and what a
# payment or a credit applied to the transaction changes.
_NOT_CONTENT = frozenset(
    {
        "TxnLineID",
        "TimeModified",
        "EditSequence",
        "BalanceRemaining",
        "IsPaid",
        "AppliedAmount",
        "LinkedTxn",
    }
)
# Free text that may look like a number but is compared as written ("007" is not "7").
_TEXT_FIELDS = frozenset(
    {"Desc", "Memo", "FullName", "RefNumber", "Other1", "Other2", "SerialNumber", "LotNumber", "Notes"}
)
# Lines of a sale's summary (QuickBooks Online Edition only) that have no TxnLineID: no Mod can name them.
_SUMMARY_LINES = frozenset({"DiscountLineRet", "SalesTaxLineRet", "ShippingLineRet"})
_TOTALS = ("Subtotal", "TotalAmount", "AmountDue", "Amount")
_FINGERPRINT_LENGTH = 32


def build_txn_void(request_id: str, txn_type: str, txn_id: str) -> etree._Element:
    """A ``TxnVoidRq`` voiding transaction ``txn_id`` of ``txn_type`` (one of ``TXN_VOID_TYPES``): QuickBooks
    keeps it, with its amounts zeroed. ``ValueError`` for a type QuickBooks cannot void or an empty TxnID."""
    return _txn_request("TxnVoidRq", request_id, txn_type, txn_id, void=True)


def build_txn_del(request_id: str, txn_type: str, txn_id: str) -> etree._Element:
    """A ``TxnDelRq`` deleting transaction ``txn_id`` of ``txn_type`` (one of ``TXN_DEL_TYPES``).
    ``ValueError`` for a type QuickBooks cannot delete or an empty TxnID."""
    return _txn_request("TxnDelRq", request_id, txn_type, txn_id, void=False)


def build_txn_deleted_query(
    request_id: str, txn_types: Sequence[str], *, deleted_since: str
) -> etree._Element:
    """A ``TxnDeletedQueryRq`` for the transactions of ``txn_types`` (each one of ``TXN_DEL_TYPES``) deleted
    since ``deleted_since``, a QuickBooks time such as ``2026-11-20T09:30:00-05:00``; each deletion comes
    back as a TxnDeletedRet with its type, TxnID, TimeDeleted and RefNumber.

    ``ValueError`` for no types, a type QuickBooks does not report deleted, or a time that is not one.
    """
    if not txn_types:
        raise ValueError("no transaction types given; TxnDeletedQuery needs at least one")
    for txn_type in txn_types:
        _check_type("TxnDelType", TXN_DEL_TYPES, txn_type)
    check_datetime("deleted_since", deleted_since)
    request = request_element("TxnDeletedQueryRq", request_id)
    for txn_type in txn_types:
        append_text_element(request, "TxnDelType", txn_type)
    dates = etree.SubElement(request, "DeletedDateRangeFilter")
    append_text_element(dates, "FromDeletedDate", deleted_since)
    return request


def build_txn_read(
    request_id: str, query_tag: str, txn_ids: Sequence[str], *, lines: bool = True
) -> etree._Element:
    """A transaction query (``query_tag``, e.g. ``InvoiceQueryRq``) reading these transactions whole, with
    their lines when ``lines`` (``IncludeLineItems`` true): everything ``txn_fingerprint`` reads, so no
    IncludeRetElement narrows it. Linked transactions are not asked for; they are not content.

    ``ValueError`` for a ``query_tag`` not in ``TXN_READ_QUERIES``, ``lines`` with a query that has no
    IncludeLineItems (TimeTrackingQueryRq: pass ``lines=False``), or no or an empty TxnID (a query without
    them would read every transaction).
    """
    takes_lines = TXN_READ_QUERIES.get(query_tag)
    if takes_lines is None:
        raise ValueError(f"{query_tag!r} is not a transaction query that reads by TxnID")
    if lines and not takes_lines:
        raise ValueError(f"{query_tag} has no IncludeLineItems; read it with lines=False")
    if not txn_ids:
        raise ValueError("no TxnIDs given; a query without them would read every transaction")
    for txn_id in txn_ids:
        check_txn_id("a transaction to read", txn_id)
    request = request_element(query_tag, request_id)
    for txn_id in txn_ids:
        append_text_element(request, "TxnID", txn_id)
    if lines:
        append_text_element(request, "IncludeLineItems", "true")
    return request


def txn_fingerprint(ret: etree._Element) -> str:
    """A stable hash (the first 32 hex digits of a SHA-256) of what a person would see as the content of
    the transaction ``ret`` (an ``InvoiceRet``, ``BillRet``, ``TimeTrackingRet`` ...); equal fingerprints
    mean nobody changed the transaction in a way that matters.

    The rule: the children of ``ret``, in document order, that are

    - a line: a name ending in ``LineRet`` or ``LineGroupRet`` (``InvoiceLineRet``, ``ExpenseLineRet``,
      ``ItemGroupLineRet`` ...), with every descendant's tag and text; or
    - one of ``FINGERPRINT_FIELDS`` (Subtotal, TotalAmount, AmountDue, Amount, Duration, ItemServiceRef,
      CustomerRef, TxnDate), with its descendants likewise;

    leaving out, at any depth, TxnLineID (QuickBooks renumbers lines a Mod rewrites), TimeModified and
    EditSequence (they change with every save, even one changing nothing) and BalanceRemaining, IsPaid,
    AppliedAmount and LinkedTxn (a payment or a credit applied is not an edit of the transaction). Texts
    that are numbers count by value (``10.00`` is ``10.0``), but for free-text fields such as Desc, Memo,
    FullName and RefNumber, which count as written. Everything else of the head (memo, RefNumber, terms,
    addresses ...) is not part of the fingerprint.
    """
    content = [
        _content(child, name)
        for child in _elements(ret)
        if (name := local_name(child)) in FINGERPRINT_FIELDS or name.endswith(_LINE_SUFFIXES)
    ]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode())
    return digest.hexdigest()[:_FINGERPRINT_LENGTH]


def line_ids(ret: etree._Element, kind: str | None = None) -> list[str]:
    """The TxnLineIDs of the lines of ``ret`` in document order: its children named ``...LineRet`` or
    ``...LineGroupRet`` (a group's own TxnLineID, not its inner lines'), or only those named ``kind`` when
    given (``"ExpenseLineRet"`` or ``"ItemLineRet"`` pairs a bill's lines with ``build_bill_mod``). The
    discount, sales-tax and shipping summary lines have no TxnLineID and are left out.
    ``QbResponseError`` for any other line without a TxnLineID, which the schema requires."""
    ids: list[str] = []
    for child in _elements(ret):
        if not _is_line(child) or local_name(child) in _SUMMARY_LINES:
            continue
        if kind is not None and local_name(child) != kind:
            continue
        txn_line_id = child_text(child, "TxnLineID")
        if not txn_line_id:
            raise QbResponseError(f"a <{local_name(child)}> has no TxnLineID")
        ids.append(txn_line_id)
    return ids


def edit_sequence(ret: etree._Element) -> str | None:
    """The EditSequence of ``ret`` (what the next Mod must quote), None when absent or empty."""
    return child_text(ret, "EditSequence") or None


def is_zero_total(ret: etree._Element) -> bool:
    """Whether the totals ``ret`` has among Subtotal, TotalAmount, AmountDue and Amount are all zero, as a
    voided transaction's are; False when it has none of them (nothing shows it was voided).
    ``QbResponseError`` for a total that is not a number."""
    totals = [value for name in _TOTALS if (value := child_decimal(ret, name)) is not None]
    return bool(totals) and all(value == 0 for value in totals)


def _txn_request(tag: str, request_id: str, txn_type: str, txn_id: str, *, void: bool) -> etree._Element:
    """A ``TxnVoidRq`` (``void``) or ``TxnDelRq``: the type, then the TxnID."""
    type_tag, allowed = ("TxnVoidType", TXN_VOID_TYPES) if void else ("TxnDelType", TXN_DEL_TYPES)
    _check_type(type_tag, allowed, txn_type)
    check_txn_id(f"the {txn_type} to {'void' if void else 'delete'}", txn_id)
    request = request_element(tag, request_id)
    append_text_element(request, type_tag, txn_type)
    append_text_element(request, "TxnID", txn_id)
    return request


def _check_type(type_tag: str, allowed: frozenset[str], txn_type: str) -> None:
    if txn_type not in allowed:
        raise ValueError(f"{txn_type!r} is not a {type_tag}; QuickBooks takes one of {sorted(allowed)}")


def _elements(parent: etree._Element) -> list[etree._Element]:
    # Comments and processing instructions are children too; their tag is not a string.
    return [child for child in parent if isinstance(child.tag, str)]


_LINE_SUFFIXES = ("LineRet", "LineGroupRet")


def _is_line(element: etree._Element) -> bool:
    return local_name(element).endswith(_LINE_SUFFIXES)


def _content(element: etree._Element, name: str) -> list[object]:
    """``element`` (called ``name``) as [tag, text, children], leaving out what is never content. An element
    with children contributes no text of its own: that is only the whitespace between them."""
    # Written for speed (every Add answer's lines pass here): one loop, each child's name worked out once.
    children: list[object] = []
    for child in element:
        if isinstance(child.tag, str):
            child_name = local_name(child)
            if child_name not in _NOT_CONTENT:
                children.append(_content(child, child_name))
    text = "" if children else _text(name, element.text or "")
    return [name, text, children]


def _text(name: str, text: str) -> str:
    """A leaf's text as compared: a number by its value (trailing zeros and the sign of zero dropped),
    anything else as written."""
    if name in _TEXT_FIELDS or not is_number_text(text):
        return text
    value = Decimal(text.strip())
    return "0" if value == 0 else f"{value.normalize():f}"
