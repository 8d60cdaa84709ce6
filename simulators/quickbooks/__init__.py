"""A simulated QuickBooks Desktop company file that answers qbXML like QuickBooks does.

``QuickBooksCompany.sample()`` builds a realistic small-business file; ``process`` executes a qbXML
request document (rejecting, as QuickBooks does, any document that is not valid qbXML 13.0 with
``QbXmlParseError``); ``hcp_response`` is what QBWC reports about QuickBooks at the start of a session.
Invoices added by requests are in ``company.invoices``, bills in ``company.bills``, journal entries in
``company.journal_entries``, time records in ``company.time_records`` (``company.time_tracking()`` lists
them by name); ``pay_invoice`` records a customer's payment, ``pay_bill`` a payment to a vendor.
"""

from simulators.quickbooks.bills import (
    Bill,
    BillApplication,
    BillPayment,
    BillPaymentCheck,
    BillPaymentCreditCard,
    ExpenseLine,
    ItemLine,
)
from simulators.quickbooks.company import QuickBooksCompany
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
from simulators.quickbooks.journal_entries import JournalEntry, JournalLine
from simulators.quickbooks.lists import ListStore, NameInUseError
from simulators.quickbooks.time_tracking import TimeEntry, TimeTracking
from simulators.quickbooks.transactions import (
    Application,
    CustomerTransaction,
    Invoice,
    InvoiceLine,
    ReceivePayment,
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
    "Earning",
    "Employee",
    "ExpenseLine",
    "Invoice",
    "InvoiceLine",
    "Item",
    "ItemInventory",
    "ItemLine",
    "ItemNonInventory",
    "ItemOtherCharge",
    "ItemSalesTax",
    "ItemService",
    "JournalEntry",
    "JournalLine",
    "ListObject",
    "ListStore",
    "NameInUseError",
    "OtherName",
    "PayrollItemWage",
    "QbXmlParseError",
    "QuickBooksCompany",
    "ReceivePayment",
    "SalesAndPurchase",
    "SalesOrPurchase",
    "SalesTaxCode",
    "StandardTerms",
    "Status",
    "Template",
    "Terms",
    "TimeEntry",
    "TimeTracking",
    "TrackingClass",
    "Transaction",
    "TreeObject",
    "TxnStore",
    "Vendor",
]
