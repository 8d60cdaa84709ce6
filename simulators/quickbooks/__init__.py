"""A simulated QuickBooks Desktop company file that answers qbXML like QuickBooks does.

``QuickBooksCompany.sample()`` builds a realistic small-business file; ``process`` executes a qbXML
request document (rejecting, as QuickBooks does, any document that is not valid qbXML 13.0 with
``QbXmlParseError``); ``hcp_response`` is what QBWC reports about QuickBooks at the start of a session.
Invoices added by requests are in ``company.invoices``; ``pay_invoice`` records a customer's payment.
"""

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
from simulators.quickbooks.lists import ListStore, NameInUseError
from simulators.quickbooks.transactions import (
    Application,
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
    "Currency",
    "Customer",
    "DateDrivenTerms",
    "Earning",
    "Employee",
    "Invoice",
    "InvoiceLine",
    "Item",
    "ItemInventory",
    "ItemNonInventory",
    "ItemOtherCharge",
    "ItemSalesTax",
    "ItemService",
    "ListObject",
    "ListStore",
    "NameInUseError",
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
    "TrackingClass",
    "Transaction",
    "TreeObject",
    "TxnStore",
    "Vendor",
]
