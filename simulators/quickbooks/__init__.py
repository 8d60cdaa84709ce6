"""A simulated QuickBooks Desktop company file that answers qbXML like QuickBooks does.

``QuickBooksCompany.sample()`` builds a realistic small-business file; ``process`` executes a qbXML
request document (rejecting, as QuickBooks does, any document that is not valid qbXML 13.0 with
``QbXmlParseError``); ``hcp_response`` is what QBWC reports about QuickBooks at the start of a session.
Invoices added by requests are in ``company.invoices``, bills in ``company.bills``, journal entries in
``company.journal_entries``, time records in ``company.time_records`` (``company.time_tracking()`` lists
them by name); ``pay_invoice`` records a customer's payment, ``pay_bill`` a payment to a vendor.
Inventory (while ``inventory_on``): inventory parts (``ItemInventory``) join the items list,
``PurchaseOrder``s are in ``company.purchase_orders``, ``ItemReceipt``s (which receive against purchase
order lines, a ``Receiving`` each) in ``company.item_receipts``, ``InventoryAdjustment``s in
``company.inventory_adjustments``; bills and item receipts (both a ``VendorPurchase`` with ``ExpenseLine``s
and ``ItemLine``s) bring stock in, invoices take it out, and ``company.on_hand(name)`` and
``company.inventory_part(name)`` tell a test where a part stands.

Changes after a transfer: ``InvoiceModRq`` and ``BillModRq`` change a transaction whose EditSequence the
request carries (3200 when it is out of date, 3120 for an unknown TxnID; line Mods as QuickBooks reads
them, see ``mods``), ``TxnVoidRq`` voids (``voids``), ``TxnDelRq`` deletes and ``TxnDeletedQueryRq``
lists what was deleted (``deletions``, each deletion a ``DeletedTxn`` in
``company.deleted_transactions``). A person at the keyboard: ``company.edit(txn, mutate)`` and
``company.edit_invoice_lines(txn_id_or_ref_number, change)`` save an edit (new EditSequence and
TimeModified, new lines stamped), ``company.mark_printed(txn_id)`` prints (only the EditSequence and
TimeModified change), ``company.void_transaction(txn_type, txn_id)`` and
``company.delete_transaction(txn_type, txn_id)`` void and delete as the window does; ``company.revise``
is what all of them change a transaction through.
"""

from simulators.quickbooks.bills import (
    Bill,
    BillApplication,
    BillPayment,
    BillPaymentCheck,
    BillPaymentCreditCard,
)
from simulators.quickbooks.company import QuickBooksCompany
from simulators.quickbooks.deletions import DeletedTxn
from simulators.quickbooks.entities import (
    Account,
    Address,
    Currency,
    Customer,
    DateDrivenTerms,
    Earning,
    Employee,
    Item,
    ItemInventory,
    ItemNonInventory,
    ItemOtherCharge,
    ItemSalesTax,
    ItemService,
    ListObject,
    OtherName,
    PayrollItemWage,
    SalesAndPurchase,
    SalesOrPurchase,
    SalesTaxCode,
    StandardTerms,
    Template,
    Terms,
    TrackingClass,
    TreeObject,
    Vendor,
)
from simulators.quickbooks.errors import QbXmlParseError, Status
from simulators.quickbooks.inventory_adjustments import InventoryAdjustment, InventoryAdjustmentLine
from simulators.quickbooks.item_receipts import ItemReceipt
from simulators.quickbooks.journal_entries import JournalEntry, JournalLine
from simulators.quickbooks.lists import ListStore, NameInUseError
from simulators.quickbooks.purchase_orders import PurchaseOrder, PurchaseOrderLine, Receiving
from simulators.quickbooks.purchases import ExpenseLine, ItemLine, VendorPurchase
from simulators.quickbooks.time_tracking import TimeEntry, TimeTracking
from simulators.quickbooks.transactions import (
    Application,
    CustomerTransaction,
    Invoice,
    InvoiceLine,
    ReceivePayment,
    StockMove,
    Transaction,
    TxnStore,
)

__all__ = [
    "Account",
    "Address",
    "Application",
    "Bill",
    "BillApplication",
    "BillPayment",
    "BillPaymentCheck",
    "BillPaymentCreditCard",
    "Currency",
    "Customer",
    "CustomerTransaction",
    "DateDrivenTerms",
    "DeletedTxn",
    "Earning",
    "Employee",
    "ExpenseLine",
    "InventoryAdjustment",
    "InventoryAdjustmentLine",
    "Invoice",
    "InvoiceLine",
    "Item",
    "ItemInventory",
    "ItemLine",
    "ItemNonInventory",
    "ItemOtherCharge",
    "ItemReceipt",
    "ItemSalesTax",
    "ItemService",
    "JournalEntry",
    "JournalLine",
    "ListObject",
    "ListStore",
    "NameInUseError",
    "OtherName",
    "PayrollItemWage",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "QbXmlParseError",
    "QuickBooksCompany",
    "ReceivePayment",
    "Receiving",
    "SalesAndPurchase",
    "SalesOrPurchase",
    "SalesTaxCode",
    "StandardTerms",
    "Status",
    "StockMove",
    "Template",
    "Terms",
    "TimeEntry",
    "TimeTracking",
    "TrackingClass",
    "Transaction",
    "TreeObject",
    "TxnStore",
    "Vendor",
    "VendorPurchase",
]
