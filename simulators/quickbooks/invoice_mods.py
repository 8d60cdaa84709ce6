"""``InvoiceModRq``: changing a recorded invoice, its header and its lines (the rules every Mod shares are
in ``mods``).

References are checked as InvoiceAdd checks them (3140 for an inactive or unknown customer, item, class,
terms, tax code; the receivables account and template of the right kind). A line Mod for an existing line
replaces what it gives: a new item brings its description, rate and tax code unless the Mod gives them;
Quantity, Rate or Amount work the amount out again. Sales tax follows the lines (and a new tax item or
customer tax code). Changing the customer of an invoice with payments applied is left to the bookkeeper:
the simulator, like QuickBooks' window, keeps the payments applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

from simulators.quickbooks.adds import resolve_sales_tax_item
from simulators.quickbooks.entities import (
    Customer,
    SalesTaxCode,
    StandardTerms,
    TrackingClass,
)
from simulators.quickbooks.handlers import reject_unhandled_children
from simulators.quickbooks.invoices import LINE_REFERRER, LINE_TAGS, InvoiceAdd, item_defaults
from simulators.quickbooks.mods import (
    Change,
    HeaderReaders,
    TxnMod,
    address_of,
    apply_changes,
    date_of,
    flag_of,
    header_changes,
    merged_lines,
    repriced,
    revised_copy,
    text_of,
)
from simulators.quickbooks.transactions import Invoice, InvoiceLine

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

_HEADER: HeaderReaders = {
    "TxnDate": ("txn_date", date_of("TxnDate")),
    "RefNumber": ("ref_number", text_of("RefNumber")),
    "BillAddress": ("bill_address", address_of("BillAddress")),
    "ShipAddress": ("ship_address", address_of("ShipAddress")),
    "IsPending": ("is_pending", flag_of("IsPending")),
    "PONumber": ("po_number", text_of("PONumber")),
    "DueDate": ("due_date", date_of("DueDate")),
    "FOB": ("fob", text_of("FOB")),
    "ShipDate": ("ship_date", date_of("ShipDate")),
    "Memo": ("memo", text_of("Memo")),
    "IsToBePrinted": ("is_to_be_printed", flag_of("IsToBePrinted")),
    "IsToBeEmailed": ("is_to_be_emailed", flag_of("IsToBeEmailed")),
    "Other": ("other", text_of("Other")),
}
_REFERENCES = frozenset(
    {
        "CustomerRef",
        "ClassRef",
        "ARAccountRef",
        "TemplateRef",
        "TermsRef",
        "ItemSalesTaxRef",
        "CustomerSalesTaxCodeRef",
    }
)


class InvoiceMod(TxnMod[Invoice]):
    """``InvoiceModRq``: changes an invoice and answers with its whole InvoiceRet."""

    request_tag = "InvoiceModRq"
    handled = frozenset({"TxnID", "EditSequence", "InvoiceLineMod", *_HEADER, *_REFERENCES})
    _adder = InvoiceAdd()

    @property
    def adder(self) -> InvoiceAdd:
        """InvoiceAdd, which reads new lines and references."""
        return self._adder

    def plan(self, txn: Invoice, aggregate: etree._Element, company: QuickBooksCompany) -> Change[Invoice]:
        """The header fields and references given, and the lines after the line Mods."""
        changes = header_changes(aggregate, _HEADER) | self._references(aggregate, company)
        mods = aggregate.findall("InvoiceLineMod")
        if mods:
            changes["lines"] = merged_lines(
                txn.lines,
                mods,
                new=lambda element: self.adder.line(element, company, "InvoiceLineMod"),
                revised=lambda line, element: self._revised(line, element, company),
            )
        return lambda invoice: apply_changes(invoice, changes)

    def _references(self, aggregate: etree._Element, company: QuickBooksCompany) -> dict[str, Any]:
        """The references the Mod gives, each checked as InvoiceAdd checks it."""
        add = self.adder
        found: dict[str, Any] = {}
        if aggregate.find("CustomerRef") is not None:
            found["customer"] = add.resolve_active(
                aggregate, "CustomerRef", company.customers, Customer.kind_label
            )
        if aggregate.find("ClassRef") is not None:
            found["class_"] = add.resolve_active(
                aggregate, "ClassRef", company.classes, TrackingClass.kind_label
            )
        if aggregate.find("ARAccountRef") is not None:
            found["ar_account"] = add.ar_account(aggregate, company)
        if aggregate.find("TemplateRef") is not None:
            found["template"] = add.template(aggregate, company)
        if aggregate.find("TermsRef") is not None:
            found["terms"] = add.resolve_active(
                aggregate, "TermsRef", company.terms, StandardTerms.kind_label
            )
        if aggregate.find("ItemSalesTaxRef") is not None:
            tax_item = resolve_sales_tax_item(aggregate, company, add.missing("Item"))
            found["item_sales_tax"] = tax_item
            found["sales_tax_percentage"] = tax_item.tax_rate if tax_item is not None else None
        if aggregate.find("CustomerSalesTaxCodeRef") is not None:
            found["sales_tax_code"] = add.resolve_active(
                aggregate, "CustomerSalesTaxCodeRef", company.sales_tax_codes, SalesTaxCode.kind_label
            )
        return {name: value for name, value in found.items() if value is not None}

    def _revised(self, line: InvoiceLine, element: etree._Element, company: QuickBooksCompany) -> InvoiceLine:
        """An existing line as its InvoiceLineMod changes it."""
        reject_unhandled_children(element, LINE_TAGS | {"TxnLineID"}, "InvoiceLineMod")
        add = self.adder
        changes: dict[str, Any] = {}
        item = add.resolve_active(element, "ItemRef", company.items, "Item", LINE_REFERRER)
        item_changed = item is not None and item is not line.item
        default_desc, default_rate, default_code = item_defaults(item if item_changed else None)
        if item_changed:
            changes.update(item=item, desc=default_desc, sales_tax_code=default_code)
        if element.find("Desc") is not None:
            changes["desc"] = text_of("Desc")(element)
        changes |= repriced(
            element, "Rate", (line.quantity, line.rate), default_rate, item_changed=item_changed
        )
        if element.find("ClassRef") is not None:
            changes["class_"] = add.resolve_active(
                element, "ClassRef", company.classes, TrackingClass.kind_label, LINE_REFERRER
            )
        if element.find("ServiceDate") is not None:
            changes["service_date"] = date_of("ServiceDate")(element)
        if element.find("SalesTaxCodeRef") is not None:
            changes["sales_tax_code"] = add.resolve_active(
                element, "SalesTaxCodeRef", company.sales_tax_codes, SalesTaxCode.kind_label, LINE_REFERRER
            )
        return revised_copy(line, changes)
