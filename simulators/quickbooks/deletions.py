"""Deleting transactions (``TxnDelRq``, and a person's Delete in QuickBooks) and asking what was deleted
(``TxnDeletedQueryRq``).

A deleted transaction is gone: what it did to balances and stock is taken back, a deleted item receipt's
purchase order lines wait again for what it received, a deleted purchase order's parts are no longer on
order. QuickBooks remembers each deletion (its type, TxnID, RefNumber, when the transaction was created
and when it was deleted), whoever deleted it, and ``TxnDeletedQuery`` lists them by type, optionally
within a ``DeletedDateRangeFilter`` (dates without an offset are the company's local time; a date alone
takes in the whole day), oldest first; none found is statusCode 1, as for any query.

The simulator deletes the types it keeps that ``TxnDelType`` names: Invoice, Bill, JournalEntry,
TimeTracking, PurchaseOrder, ItemReceipt and InventoryAdjustment; the payment types with 1030 (a
bookkeeper's ``unpay_invoice`` and ``unpay_bill`` delete payments). A TxnID of no transaction of the type
named is 3120. QuickBooks refuses to delete a transaction others link to until the links are gone: a
purchase order that item receipts received against, an invoice or bill with payments applied. Intuit's
status code table names no code for that refusal (3260 is "insufficient permission"), so the simulator
answers 3210 on ``TxnID`` with QuickBooks' explanation (chosen: like the other rules QuickBooks' own
logic refuses, the fix is elsewhere and retrying never helps).

``TxnDelRs`` carries no Ret: TxnDelType, TxnID, TimeDeleted and RefNumber, as the schema lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from lxml import etree

from simulators.quickbooks.bills import Bill
from simulators.quickbooks.errors import (
    NO_MATCH,
    OK,
    Status,
    StatusError,
    linked_transaction,
    object_not_found,
    unsupported,
)
from simulators.quickbooks.fields import Field, compact, text, timestamp
from simulators.quickbooks.handlers import Reply, RequestHandler, child_text, children_text
from simulators.quickbooks.inventory_adjustments import InventoryAdjustment
from simulators.quickbooks.item_receipts import ItemReceipt, undo_receivings
from simulators.quickbooks.journal_entries import JournalEntry
from simulators.quickbooks.purchase_orders import PurchaseOrder
from simulators.quickbooks.queries import PagedQuery, read_datetime
from simulators.quickbooks.time_tracking import TimeTracking
from simulators.quickbooks.transactions import Invoice, Transaction

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

DELETABLE = (Invoice, Bill, JournalEntry, TimeTracking, PurchaseOrder, ItemReceipt, InventoryAdjustment)


@dataclass(frozen=True)
class DeletedTxn:
    """What QuickBooks remembers of a deleted transaction (a ``TxnDeletedRet``)."""

    ret_tag: ClassVar[str] = "TxnDeletedRet"

    txn_type: str
    txn_id: str
    time_created: datetime
    time_deleted: datetime
    ref_number: str | None

    def ret_fields(self) -> list[Field]:
        """The TxnDeletedRet children in schema order."""
        return compact(
            ("TxnDelType", self.txn_type),
            ("TxnID", self.txn_id),
            timestamp("TimeCreated", self.time_created),
            timestamp("TimeDeleted", self.time_deleted),
            text("RefNumber", self.ref_number),
        )


def delete(company: QuickBooksCompany, txn: Transaction) -> DeletedTxn:
    """Delete ``txn`` now and remember it; 3210 while other transactions link to it, 1030 for a type the
    simulator does not delete."""
    if not isinstance(txn, DELETABLE):
        raise StatusError(unsupported(f"The simulator does not delete {txn.txn_type} transactions."))
    linked = isinstance(txn, PurchaseOrder) and bool(txn.receivings)
    linked = linked or (isinstance(txn, Invoice | Bill) and bool(txn.applications))
    if linked:
        raise StatusError(linked_transaction(txn.txn_type, txn.txn_id))
    deleted_at = company.unrecord(txn)
    if isinstance(txn, ItemReceipt):
        undo_receivings(txn, company)
    if isinstance(txn, PurchaseOrder):
        txn.release_on_order()
    record = DeletedTxn(txn.txn_type, txn.txn_id, txn.time_created, deleted_at, txn.ref_number)
    company.deleted_transactions.append(record)
    return record


class TxnDel(RequestHandler):
    """``TxnDelRq``: deletes the transaction of the type and TxnID named."""

    request_tag = "TxnDelRq"

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Delete it and answer with what identified it; 3120 when there is no such transaction."""
        del_type, txn_id = child_text(request, "TxnDelType") or "", child_text(request, "TxnID") or ""
        txn = company.find_transaction(del_type, txn_id)
        if txn is None:
            raise StatusError(object_not_found(txn_id))
        record = delete(company, txn)
        return Reply(
            fields=compact(
                ("TxnDelType", record.txn_type),
                ("TxnID", record.txn_id),
                timestamp("TimeDeleted", record.time_deleted),
                text("RefNumber", record.ref_number),
            )
        )


class TxnDeletedQuery(PagedQuery):
    """``TxnDeletedQueryRq``: the deletions of the types named, within the deletion dates asked for."""

    def __init__(self) -> None:
        super().__init__("TxnDeletedQueryRq", ("TxnDelType", "DeletedDateRangeFilter", "IncludeRetElement"))

    def select(self, request: etree._Element, company: QuickBooksCompany) -> tuple[list[Any], Status]:
        """The deletions that match, oldest first (1 for none)."""
        types = frozenset(children_text(request, "TxnDelType"))
        window = request.find("DeletedDateRangeFilter")
        tz = company.local_tz
        since = None if window is None else read_datetime(window, "FromDeletedDate", tz, end_of_period=False)
        until = None if window is None else read_datetime(window, "ToDeletedDate", tz, end_of_period=True)
        matches = [
            record
            for record in company.deleted_transactions
            if record.txn_type in types
            and (since is None or record.time_deleted >= since)
            and (until is None or record.time_deleted <= until)
        ]
        return matches, OK if matches else NO_MATCH
