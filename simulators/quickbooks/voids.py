"""Voiding a transaction (``TxnVoidRq``, and a person's Void in QuickBooks): it stays, worth nothing.

A voided transaction keeps its TxnID, its RefNumber and its date, but every line's amount and quantity
become zero (an inventory adjustment's quantity and value differences too), so its total is zero; its memo
starts with "VOID:", as QuickBooks writes it. What it did is undone with it: balances, stock it brought in
or took out, the purchase order lines a voided item receipt received against (they wait for those items
again), the payments applied to a voided invoice or bill (they stay recorded, as money the customer or the
company has unused). A voided invoice or bill owes nothing, so it counts as paid, as QuickBooks shows it.

The simulator voids the types it keeps that ``TxnVoidType`` names: Invoice, Bill, ItemReceipt,
InventoryAdjustment and JournalEntry. A TxnID of no transaction of the type named is answered with 3120
(Intuit's code for an object the request names that cannot be found); the bill payment types, which the
schema allows, with 1030. Choices where Intuit documents nothing, marked (chosen): voiding a transaction
that is already void changes nothing and answers as the first void did (QuickBooks' window offers Void on
a voided transaction and leaves it as it is); a voided transaction can still be modified like any other
(QuickBooks keeps it editable), and stays marked void.

``TxnVoidRs`` carries no Ret: TxnVoidType, TxnID, TimeCreated, TimeModified and RefNumber, as the schema
lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from lxml import etree

from simulators.quickbooks.bills import Bill
from simulators.quickbooks.entities import ZERO
from simulators.quickbooks.errors import StatusError, object_not_found, unsupported
from simulators.quickbooks.fields import compact, text, timestamp
from simulators.quickbooks.handlers import Reply, RequestHandler, child_text
from simulators.quickbooks.inventory_adjustments import InventoryAdjustment, InventoryAdjustmentLine
from simulators.quickbooks.item_receipts import ItemReceipt, undo_receivings
from simulators.quickbooks.journal_entries import JournalEntry
from simulators.quickbooks.purchases import ItemLine, VendorPurchase
from simulators.quickbooks.transactions import AccountLine, Invoice, RateLine, Transaction, TxnLine

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

Voidable: TypeAlias = Invoice | VendorPurchase | InventoryAdjustment | JournalEntry
VOIDABLE = (Invoice, Bill, ItemReceipt, InventoryAdjustment, JournalEntry)
VOID_PREFIX = "VOID:"


def void(company: QuickBooksCompany, txn: Transaction) -> None:
    """Void ``txn`` now (nothing happens to one already void); 1030 for a type the simulator does not
    void."""
    if not isinstance(txn, VOIDABLE):
        raise StatusError(unsupported(f"The simulator does not void {txn.txn_type} transactions."))
    if txn.is_voided:
        return
    company.revise(txn, lambda voided: _zero(voided, company))


def _zero(txn: Voidable, company: QuickBooksCompany) -> None:
    """Make ``txn`` worth nothing and cut its links (the clock has moved on: see ``revise``)."""
    if isinstance(txn, ItemReceipt):
        undo_receivings(txn, company)
    if isinstance(txn, Invoice | Bill):
        # Invoices and bills each hold their own kind of application, alike in shape.
        applications: list[Any] = list(txn.applications)
        for application in applications:
            # The payment keeps its money, now unused; it changes in the same instant.
            application.payment.applications.remove(application)
            company.touch(application.payment)
        txn.applications.clear()
    for line in txn.lines:
        _zero_line(line)
    txn.memo = f"{VOID_PREFIX} {txn.memo}" if txn.memo else VOID_PREFIX
    txn.is_voided = True


def _zero_line(line: TxnLine) -> None:
    """Every amount and quantity of one line becomes zero; a line without a quantity keeps none."""
    if isinstance(line, InventoryAdjustmentLine):
        line.quantity_difference = line.value_difference = ZERO
    elif isinstance(line, RateLine | ItemLine):
        line.amount = ZERO
        if line.quantity is not None:
            line.quantity = ZERO
    elif isinstance(line, AccountLine):
        line.amount = ZERO


class TxnVoid(RequestHandler):
    """``TxnVoidRq``: voids the transaction of the type and TxnID named."""

    request_tag = "TxnVoidRq"

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Void it and answer with what identifies it; 3120 when there is no such transaction."""
        void_type, txn_id = child_text(request, "TxnVoidType") or "", child_text(request, "TxnID") or ""
        txn = company.find_transaction(void_type, txn_id)
        if txn is None:
            raise StatusError(object_not_found(txn_id))
        void(company, txn)
        return Reply(
            fields=compact(
                ("TxnVoidType", void_type),
                ("TxnID", txn.txn_id),
                timestamp("TimeCreated", txn.time_created),
                timestamp("TimeModified", txn.time_modified),
                text("RefNumber", txn.ref_number),
            )
        )
