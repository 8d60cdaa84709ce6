"""A simulated QuickBooks Desktop company file that answers qbXML like QuickBooks does.

``QuickBooksCompany.sample()`` builds a realistic small-business file; ``process`` executes a qbXML
request document (rejecting, as QuickBooks does, any document that is not valid qbXML 13.0 with
``QbXmlParseError``); ``hcp_response`` is what QBWC reports about QuickBooks at the start of a session.
"""

from simulators.quickbooks.company import QuickBooksCompany
from simulators.quickbooks.entities import (
    Account,
    Address,
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
    Terms,
    TrackingClass,
    TreeObject,
    Vendor,
)
from simulators.quickbooks.errors import QbXmlParseError, Status
from simulators.quickbooks.lists import ListStore, NameInUseError

__all__ = [
    "Account",
    "Address",
    "Customer",
    "DateDrivenTerms",
    "Earning",
    "Employee",
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
    "SalesAndPurchase",
    "SalesOrPurchase",
    "SalesTaxCode",
    "StandardTerms",
    "Status",
    "Terms",
    "TrackingClass",
    "TreeObject",
    "Vendor",
]
