"""``InvoiceAddRq``: a new invoice, with the amounts QuickBooks works out itself.

QuickBooks fills in what an InvoiceAdd leaves out from the customer and the company file, and the
simulator does the same: the customer's terms, addresses and sales tax settings, the default invoice
template and receivables account, the next RefNumber, the due date the terms give, each line's
description, rate and tax code from its item. Line amounts are Quantity x Rate (Rate alone counts once);
sales tax is the tax item's rate on the taxable lines, when sales tax is on and the customer is taxable.

References must name active elements: QuickBooks does not let a new invoice use an inactive customer,
item or class, and answers 3140 as for a name that does not exist. RefNumbers need not be unique (the
QuickBooks window only warns), which is why an integration recognises its own invoices by ExternalGUID.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lxml import etree

from simulators.quickbooks.adds import TxnAdd, resolve_sales_tax_item
from simulators.quickbooks.entities import (
    ZERO,
    Account,
    Customer,
    DateDrivenTerms,
    Item,
    ItemSalesTax,
    SalesTaxCode,
    StandardTerms,
    Template,
    Terms,
    TrackingClass,
)
from simulators.quickbooks.handlers import (
    child_text,
    read_address,
    read_date,
    read_decimal,
    read_flag,
    reject_unhandled_children,
    resolve_ref,
)
from simulators.quickbooks.transactions import Invoice, InvoiceLine, TxnStore

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

LINE_REFERRER = "Invoice line"
LINE_TAGS = frozenset(
    {"ItemRef", "Desc", "Quantity", "Rate", "ClassRef", "Amount", "ServiceDate", "SalesTaxCodeRef"}
)
_TRAILING_NUMBER = re.compile(r"(.*?)(\d+)")


class InvoiceAdd(TxnAdd[Invoice]):
    """``InvoiceAddRq``: records an invoice and answers with its InvoiceRet, lines included."""

    request_tag = "InvoiceAddRq"
    handled = frozenset(
        {
            "CustomerRef",
            "ClassRef",
            "ARAccountRef",
            "TemplateRef",
            "TxnDate",
            "RefNumber",
            "BillAddress",
            "ShipAddress",
            "IsPending",
            "PONumber",
            "TermsRef",
            "DueDate",
            "FOB",
            "ShipDate",
            "ItemSalesTaxRef",
            "Memo",
            "IsToBePrinted",
            "IsToBeEmailed",
            "CustomerSalesTaxCodeRef",
            "Other",
            "ExchangeRate",
            "ExternalGUID",
            "InvoiceLineAdd",
        }
    )

    def store(self, company: QuickBooksCompany) -> TxnStore[Invoice]:
        """The company's invoices."""
        return company.invoices

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> Invoice:
        """The invoice the aggregate describes, completed as QuickBooks completes it."""
        customer = self.resolve_active(aggregate, "CustomerRef", company.customers, Customer.kind_label)
        assert customer is not None  # the schema requires CustomerRef
        txn_date = read_date(aggregate, "TxnDate") or company.today
        terms = (
            self.resolve_active(aggregate, "TermsRef", company.terms, StandardTerms.kind_label)
            or customer.terms
        )
        lines = [self.line(line, company) for line in aggregate.iterfind("InvoiceLineAdd")]
        customer_code = (
            self.resolve_active(
                aggregate, "CustomerSalesTaxCodeRef", company.sales_tax_codes, SalesTaxCode.kind_label
            )
            or customer.sales_tax_code
        )
        tax_item = resolve_sales_tax_item(aggregate, company, self.missing("Item"))
        if company.sales_tax_on:
            tax_item = tax_item or customer.item_sales_tax or company.default_sales_tax_item
        else:
            tax_item = None
        tax_rate = ZERO if tax_item is None else tax_item.tax_rate
        currency = customer.currency if company.multicurrency_on else None
        exchange_rate = None
        if currency is not None:
            exchange_rate = Decimal(1)
            if currency is not company.home_currency:
                exchange_rate = (
                    read_decimal(aggregate, "ExchangeRate") or currency.exchange_rate or exchange_rate
                )
        invoice = Invoice(
            customer=customer,
            txn_date=txn_date,
            ref_number=child_text(aggregate, "RefNumber") or next_ref_number(company.invoices),
            external_guid=child_text(aggregate, "ExternalGUID"),
            currency=currency,
            exchange_rate=exchange_rate,
            lines=lines,
            ar_account=self.ar_account(aggregate, company),
            class_=self.resolve_active(aggregate, "ClassRef", company.classes, TrackingClass.kind_label),
            template=self.template(aggregate, company),
            bill_address=read_address(aggregate, "BillAddress") or customer.bill_address,
            ship_address=read_address(aggregate, "ShipAddress") or customer.ship_address,
            is_pending=read_flag(aggregate, "IsPending", default=False),
            po_number=child_text(aggregate, "PONumber"),
            terms=terms,
            due_date=read_date(aggregate, "DueDate") or due_date(terms, txn_date),
            ship_date=read_date(aggregate, "ShipDate"),
            fob=child_text(aggregate, "FOB"),
            item_sales_tax=tax_item,
            sales_tax_percentage=tax_rate,
            memo=child_text(aggregate, "Memo"),
            is_to_be_printed=read_flag(aggregate, "IsToBePrinted", default=False),
            is_to_be_emailed=read_flag(aggregate, "IsToBeEmailed", default=False),
            sales_tax_code=customer_code,
            other=child_text(aggregate, "Other"),
        )
        invoice.recalculate()
        return invoice

    def line(
        self, element: etree._Element, company: QuickBooksCompany, where: str = "InvoiceLineAdd"
    ) -> InvoiceLine:
        """The invoice line ``element`` describes (an InvoiceLineAdd, or the new line of an
        InvoiceMod, named by ``where`` in messages): its item's description, rate and tax code unless
        it gives them."""
        reject_unhandled_children(element, LINE_TAGS, where)
        item = self.resolve_active(element, "ItemRef", company.items, "Item", LINE_REFERRER)
        default_desc, default_rate, default_code = item_defaults(item)
        line = self.rate_line(
            InvoiceLine, element, company, LINE_REFERRER, item, (default_desc, default_rate)
        )
        line.sales_tax_code = (
            self.resolve_active(
                element, "SalesTaxCodeRef", company.sales_tax_codes, SalesTaxCode.kind_label, LINE_REFERRER
            )
            or default_code
        )
        return line

    def ar_account(self, aggregate: etree._Element, company: QuickBooksCompany) -> Account | None:
        """The receivables account named, else the company's first; other kinds of account are refused."""
        account = resolve_ref(
            aggregate,
            "ARAccountRef",
            company.accounts,
            self.missing(Account.kind_label),
            usable=lambda found: found.is_active and found.account_type == "AccountsReceivable",
        )
        return account or company.default_ar_account

    def template(self, aggregate: etree._Element, company: QuickBooksCompany) -> Template | None:
        """The invoice template named, else the company's default; templates of other forms are refused."""
        template = resolve_ref(
            aggregate,
            "TemplateRef",
            company.templates,
            self.missing(Template.kind_label),
            usable=lambda found: found.is_active and found.template_type == "Invoice",
        )
        return template or company.default_invoice_template


def item_defaults(item: Item | None) -> tuple[str | None, Decimal | None, SalesTaxCode | None]:
    """What a line takes from its item when it does not say: description, rate and sales tax code."""
    if item is None:
        return None, None, None
    if isinstance(item, ItemSalesTax):
        return item.desc, None, None
    return item.sales_desc, item.sales_price, item.sales_tax_code


def due_date(terms: Terms | None, txn_date: date) -> date:
    """When an invoice dated ``txn_date`` falls due under ``terms`` (on its date without terms).

    Date-driven terms fall due on their day of the month, or on that day of the next month when the
    invoice is dated fewer than ``due_next_month_days`` days before it (or after it).
    """
    if isinstance(terms, StandardTerms):
        return txn_date + timedelta(days=terms.due_days or 0)
    if isinstance(terms, DateDrivenTerms):
        due = _day_of_month(txn_date.year, txn_date.month, terms.day_of_month_due)
        if due < txn_date or (due - txn_date).days < (terms.due_next_month_days or 0):
            following = txn_date.replace(day=1) + timedelta(days=32)
            due = _day_of_month(following.year, following.month, terms.day_of_month_due)
        return due
    return txn_date


def _day_of_month(year: int, month: int, day: int) -> date:
    """That day of that month, or the month's last day when it is shorter."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_ref_number(txns: TxnStore[Any]) -> str:
    """The RefNumber QuickBooks proposes for a new invoice (or journal entry, or purchase order): the last one's, with its
    number counted up (keeping leading zeros and any prefix), or "1" for the first."""
    last = txns[-1].ref_number if len(txns) else None
    match = _TRAILING_NUMBER.fullmatch(last or "")
    if match is None:
        return "1"
    prefix, number = match.groups()
    return prefix + str(int(number) + 1).zfill(len(number))
