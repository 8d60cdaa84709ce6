"""Builders for the invoice transfer: customers, service items, InvoiceAdd, InvoiceMod and the invoice queries.

Each builder writes elements in the 13.0 schema's order and asks QuickBooks for only the fields the bridge
reads back (IncludeRetElement), so answers stay small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from chalicelib.qbxml.document import append_text_element, request_element

LIST_RET_ELEMENTS = ("ListID", "Name", "FullName", "IsActive")
# What an InvoiceMod asks back: the new EditSequence and TimeModified, and every field
# ``changes.txn_fingerprint`` reads from an InvoiceRet (CustomerRef, TxnDate, Subtotal and the lines), so the
# fingerprint of this answer equals that of a later full read of the unchanged invoice. A Mod has no
# IncludeLineItems; naming the line aggregates is what brings the lines back. (The discount, sales-tax and
# shipping summary lines are in the 13.0 InvoiceRet for QuickBooks Online Edition only.)
MOD_RET_ELEMENTS = (
    "TxnID",
    "EditSequence",
    "TimeModified",
    "RefNumber",
    "CustomerRef",
    "TxnDate",
    "Subtotal",
    "InvoiceLineRet",
    "InvoiceLineGroupRet",
    "DiscountLineRet",
    "SalesTaxLineRet",
    "ShippingLineRet",
)
# What an InvoiceAdd asks back: its identity, and what a Mod's answer has (the fingerprint of what was written).
ADD_RET_ELEMENTS = ("TimeCreated", "ExternalGUID", *MOD_RET_ELEMENTS)
# What the paid-date check reads: paid or not (a payment changes TimeModified), and the content, so a person's
# edit is noticed (``changes.txn_fingerprint``).
CHANGES_RET_ELEMENTS = ("IsPaid", "LinkedTxn", *MOD_RET_ELEMENTS)


@dataclass(frozen=True)
class AddressParts:
    lines: tuple[str, ...] = ()
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Ref:
    """A reference to a list object: by ListID when the bridge knows it, else by full name."""

    list_id: str | None = None
    full_name: str | None = None


@dataclass(frozen=True)
class InvoiceLineSpec:
    item: Ref
    description: str | None = None
    quantity: Decimal | None = None
    rate: Decimal | None = None
    amount: Decimal | None = None
    class_: Ref | None = None
    sales_tax_code: Ref | None = None
    service_date: str | None = None


@dataclass(frozen=True)
class InvoiceSpec:
    customer: Ref
    txn_date: str
    ref_number: str
    external_guid: str
    lines: tuple[InvoiceLineSpec, ...]
    class_: Ref | None = None
    template: Ref | None = None
    bill_address: AddressParts | None = None
    ship_address: AddressParts | None = None
    po_number: str | None = None
    terms: Ref | None = None
    due_date: str | None = None
    memo: str | None = None
    to_be_printed: bool = False
    to_be_emailed: bool = False
    customer_sales_tax_code: Ref | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _ref(parent: etree._Element, tag: str, ref: Ref | None) -> None:
    if ref is None:
        return
    element = etree.SubElement(parent, tag)
    if ref.list_id:
        append_text_element(element, "ListID", ref.list_id)
    else:
        append_text_element(element, "FullName", ref.full_name or "")


def _text(parent: etree._Element, tag: str, value: str | None) -> None:
    if value is not None:
        append_text_element(parent, tag, value)


def _flag(parent: etree._Element, tag: str, value: bool) -> None:
    append_text_element(parent, tag, "true" if value else "false")


def _address(parent: etree._Element, tag: str, address: AddressParts | None) -> None:
    if address is None:
        return
    element = etree.SubElement(parent, tag)
    for number, line in enumerate(address.lines[:5], start=1):
        append_text_element(element, f"Addr{number}", line)
    for sub_tag, value in (
        ("City", address.city),
        ("State", address.state),
        ("PostalCode", address.postal_code),
        ("Country", address.country),
    ):
        _text(element, sub_tag, value)


def _include(parent: etree._Element, elements: Sequence[str]) -> None:
    for name in elements:
        append_text_element(parent, "IncludeRetElement", name)


def amount_text(value: Decimal) -> str:
    """AMTTYPE: two decimals."""
    return f"{value.quantize(Decimal('0.01')):f}"


def decimal_text(value: Decimal) -> str:
    """QUANTYPE / PRICETYPE: up to five decimals, no exponent, no trailing zeros."""
    text = f"{value.quantize(Decimal('0.00001')):f}".rstrip("0").rstrip(".")
    return text or "0"


def build_names_query(
    request_tag: str, request_id: str, full_names: Sequence[str], *, also: Sequence[str] = ()
) -> etree._Element:
    """A list query (``CustomerQueryRq``, ``ItemQueryRq``) for exactly these full names, active or not;
    ``also`` names further elements to get back (e.g. the customer's ``CurrencyRef``)."""
    request = request_element(request_tag, request_id)
    for name in full_names:
        append_text_element(request, "FullName", name)
    _include(request, (*LIST_RET_ELEMENTS, *also))
    return request


def build_customer_add(
    request_id: str,
    *,
    name: str,
    parent: str | None = None,
    company_name: str | None = None,
    bill_address: AddressParts | None = None,
    ship_address: AddressParts | None = None,
    email: str | None = None,
    sales_tax_code: str | None = None,
    currency: str | None = None,
) -> etree._Element:
    """CustomerAdd for an organization (``name`` is one level; ``parent`` the full name above it)."""
    request = request_element("CustomerAddRq", request_id)
    add = etree.SubElement(request, "CustomerAdd")
    append_text_element(add, "Name", name)
    _ref(add, "ParentRef", Ref(full_name=parent) if parent else None)
    _text(add, "CompanyName", company_name[:41] if company_name else None)
    _address(add, "BillAddress", bill_address)
    _address(add, "ShipAddress", ship_address)
    _text(add, "Email", email)
    _ref(add, "SalesTaxCodeRef", Ref(full_name=sales_tax_code) if sales_tax_code else None)
    _ref(add, "CurrencyRef", Ref(full_name=currency) if currency else None)
    _include(request, (*LIST_RET_ELEMENTS, "CurrencyRef"))
    return request


def build_item_service_add(
    request_id: str, *, name: str, parent: str | None, income_account: str, description: str | None = None
) -> etree._Element:
    """ItemServiceAdd posting sales to ``income_account``."""
    request = request_element("ItemServiceAddRq", request_id)
    add = etree.SubElement(request, "ItemServiceAdd")
    append_text_element(add, "Name", name)
    _ref(add, "ParentRef", Ref(full_name=parent) if parent else None)
    sales = etree.SubElement(add, "SalesOrPurchase")
    _text(sales, "Desc", description)
    _ref(sales, "AccountRef", Ref(full_name=income_account))
    _include(request, LIST_RET_ELEMENTS)
    return request


def build_invoice_add(request_id: str, spec: InvoiceSpec) -> etree._Element:
    """InvoiceAdd with the bridge's ExternalGUID, asking back only ids, times and the RefNumber."""
    request = request_element("InvoiceAddRq", request_id)
    add = etree.SubElement(request, "InvoiceAdd")
    _invoice_fields(add, spec)
    append_text_element(add, "ExternalGUID", spec.external_guid)
    for line in spec.lines:
        _invoice_line(add, line)
    _include(request, ADD_RET_ELEMENTS)
    return request


def build_invoice_mod(
    request_id: str, spec: InvoiceSpec, *, txn_id: str, edit_sequence: str, line_ids: Sequence[str]
) -> etree._Element:
    """An ``InvoiceModRq`` making invoice ``txn_id`` what ``spec`` says, asking back ``MOD_RET_ELEMENTS``.

    The same fields as ``build_invoice_add`` in the same order, after the TxnID and the ``edit_sequence``
    QuickBooks last reported; ``spec.external_guid`` is ignored, as InvoiceMod has no ExternalGUID (the one
    the Add stamped stays). ``line_ids[i]`` is the TxnLineID of ``spec.lines[i]``, ``"-1"`` for a new line.
    Every line is sent, because QuickBooks deletes the lines a Mod that touches lines leaves out: that is
    how a line is removed. A field a spec leaves out (None) is left as it is in QuickBooks, not cleared.

    ``ValueError`` for an empty TxnID or EditSequence, an EditSequence over 16 characters, no lines (an
    InvoiceMod without lines would keep QuickBooks' lines, and InvoiceMod cannot clear them), or
    ``line_ids`` not pairing one non-empty TxnLineID with each line.
    """
    # fields imports Ref and the number formats from this module, so it can only be imported once this
    # module is loaded: here, not at the top.
    from chalicelib.qbxml.fields import check_line_ids, check_mod_head, write_mod_head

    check_mod_head(txn_id, edit_sequence)
    if not spec.lines:
        raise ValueError(
            "an InvoiceMod needs the invoice's lines; without them QuickBooks keeps the old ones"
        )
    check_line_ids("invoice lines", line_ids, len(spec.lines))
    request = request_element("InvoiceModRq", request_id)
    mod = etree.SubElement(request, "InvoiceMod")
    write_mod_head(mod, txn_id, edit_sequence)
    _invoice_fields(mod, spec)
    for line, line_id in zip(spec.lines, line_ids, strict=True):
        _invoice_line(mod, line, line_id)
    _include(request, MOD_RET_ELEMENTS)
    return request


def _invoice_fields(parent: etree._Element, spec: InvoiceSpec) -> None:
    """The invoice's own fields from CustomerRef to CustomerSalesTaxCodeRef, in the order InvoiceAdd and
    InvoiceMod share (the Add's ExternalGUID follows them)."""
    _ref(parent, "CustomerRef", spec.customer)
    _ref(parent, "ClassRef", spec.class_)
    _ref(parent, "TemplateRef", spec.template)
    append_text_element(parent, "TxnDate", spec.txn_date)
    append_text_element(parent, "RefNumber", spec.ref_number)
    _address(parent, "BillAddress", spec.bill_address)
    _address(parent, "ShipAddress", spec.ship_address)
    _text(parent, "PONumber", spec.po_number)
    _ref(parent, "TermsRef", spec.terms)
    _text(parent, "DueDate", spec.due_date)
    _text(parent, "Memo", spec.memo)
    _flag(parent, "IsToBePrinted", spec.to_be_printed)
    _flag(parent, "IsToBeEmailed", spec.to_be_emailed)
    _ref(parent, "CustomerSalesTaxCodeRef", spec.customer_sales_tax_code)


def _invoice_line(parent: etree._Element, line: InvoiceLineSpec, txn_line_id: str | None = None) -> None:
    """An ``InvoiceLineAdd``, or with ``txn_line_id`` an ``InvoiceLineMod`` of that line: the Mod is the
    Add's fields in the same order after the TxnLineID."""
    element = etree.SubElement(parent, "InvoiceLineAdd" if txn_line_id is None else "InvoiceLineMod")
    _text(element, "TxnLineID", txn_line_id)
    _ref(element, "ItemRef", line.item)
    _text(element, "Desc", line.description)
    _text(element, "Quantity", decimal_text(line.quantity) if line.quantity is not None else None)
    _text(element, "Rate", decimal_text(line.rate) if line.rate is not None else None)
    _ref(element, "ClassRef", line.class_)
    _text(element, "Amount", amount_text(line.amount) if line.amount is not None else None)
    _text(element, "ServiceDate", line.service_date)
    _ref(element, "SalesTaxCodeRef", line.sales_tax_code)


def build_invoice_query_by_ref_numbers(request_id: str, ref_numbers: Sequence[str]) -> etree._Element:
    """InvoiceQuery for these RefNumbers (QuickBooks cannot filter by ExternalGUID; the caller compares it)."""
    request = request_element("InvoiceQueryRq", request_id)
    for ref_number in ref_numbers:
        append_text_element(request, "RefNumber", ref_number)
    _include(request, ("TxnID", "TimeCreated", "RefNumber", "ExternalGUID"))
    return request


def build_invoice_changes_query(
    request_id: str,
    *,
    modified_since: str,
    max_returned: int,
    iterator: str,
    iterator_id: str | None = None,
) -> etree._Element:
    """InvoiceQuery for invoices modified since ``modified_since`` (QuickBooks' own time), with linked
    transactions: applying a payment or credit to an invoice changes its TimeModified."""
    attributes = {"iterator": iterator} | ({"iteratorID": iterator_id} if iterator_id else {})
    request = request_element("InvoiceQueryRq", request_id, **attributes)
    append_text_element(request, "MaxReturned", str(max_returned))
    dates = etree.SubElement(request, "ModifiedDateRangeFilter")
    append_text_element(dates, "FromModifiedDate", modified_since)
    append_text_element(request, "IncludeLineItems", "true")
    append_text_element(request, "IncludeLinkedTxns", "true")
    _include(request, CHANGES_RET_ELEMENTS)
    return request
