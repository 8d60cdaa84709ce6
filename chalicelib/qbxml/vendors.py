"""Builders for vendors (the payees of bills and expense reports): VendorAdd and the VendorQuery by name.

Schema points the builders rely on:

- ``VendorAdd`` is Name (at most 41 characters), (IsActive, ClassRef), CompanyName (41), (the person's name,
  JobTitle), VendorAddress, ...; ``VendorAddRq`` takes ``IncludeRetElement`` after the aggregate.
- ``VendorRet`` has ``Name`` but no ``FullName``: vendors have no sub-levels, so a vendor's full name *is*
  its ``Name``, which is what a ``FullName`` filter or a ``VendorRef`` matches. Asking for ``FullName`` would
  name an element VendorRet cannot have.
- ``VendorQueryRq`` takes ListID+ | FullName+ | a VendorListFilter (with ActiveStatus), then
  IncludeRetElement. A query by names finds active and inactive vendors alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from chalicelib.qbxml.document import append_text_element, request_element
from chalicelib.qbxml.fields import check_length, include_ret_elements
from chalicelib.qbxml.invoices import AddressParts

NAME_MAX_LENGTH = 41
COMPANY_NAME_MAX_LENGTH = 41
VENDOR_RET_ELEMENTS = ("ListID", "Name", "IsActive")

# AddressData's limits in the 13.0 schema: five lines of 41, then city, state, postal code, country.
ADDRESS_LINES = 5
_ADDRESS_LINE_MAX_LENGTH = 41
_ADDRESS_PARTS = (
    ("City", "city", 31),
    ("State", "state", 21),
    ("PostalCode", "postal code", 13),
    ("Country", "country", 31),
)


def build_vendor_add(
    request_id: str,
    *,
    name: str,
    company_name: str | None = None,
    address: AddressParts | None = None,
) -> etree._Element:
    """A ``VendorAddRq`` creating the vendor ``name``, asking back ``VENDOR_RET_ELEMENTS``.

    ``name`` is refused (``ValueError``), never shortened, when empty, over 41 characters or holding a ``:``
    (vendors have no sub-levels); ``company_name`` is cut to 41 characters as ``build_customer_add`` does;
    an address with more than five lines or a part over QuickBooks' limit is refused.
    """
    if not name.strip():
        raise ValueError("a vendor needs a name")
    if ":" in name:
        raise ValueError(f"the vendor name {name!r} holds a ':'; vendors have no sub-levels")
    check_length("vendor name", name, NAME_MAX_LENGTH)

    request = request_element("VendorAddRq", request_id)
    add = etree.SubElement(request, "VendorAdd")
    append_text_element(add, "Name", name)
    if company_name:
        append_text_element(add, "CompanyName", company_name[:COMPANY_NAME_MAX_LENGTH])
    if address is not None:
        _vendor_address(add, address)
    include_ret_elements(request, VENDOR_RET_ELEMENTS)
    return request


def build_vendor_query(request_id: str, names: Sequence[str]) -> etree._Element:
    """A ``VendorQueryRq`` for the vendors with these names, active or not, asking back
    ``VENDOR_RET_ELEMENTS`` (``Name`` is a vendor's full name). No names, or an empty one, is refused: the
    query would read every vendor."""
    if not names:
        raise ValueError("no vendor names given; a query without them would read every vendor")
    if any(not name.strip() for name in names):
        raise ValueError("a vendor name to look for cannot be empty")
    request = request_element("VendorQueryRq", request_id)
    for name in names:
        append_text_element(request, "FullName", name)
    include_ret_elements(request, VENDOR_RET_ELEMENTS)
    return request


def _vendor_address(add: etree._Element, address: AddressParts) -> None:
    if len(address.lines) > ADDRESS_LINES:
        raise ValueError(
            f"an address has at most {ADDRESS_LINES} lines in QuickBooks, not {len(address.lines)}"
        )
    parts = [(f"Addr{number}", line) for number, line in enumerate(address.lines, start=1)]
    for number, line in enumerate(address.lines, start=1):
        check_length(f"address line {number}", line, _ADDRESS_LINE_MAX_LENGTH)
    values = (address.city, address.state, address.postal_code, address.country)
    for (tag, label, limit), value in zip(_ADDRESS_PARTS, values, strict=True):
        check_length(f"address's {label}", value, limit)
        if value is not None:
            parts.append((tag, value))
    if not parts:
        return
    element = etree.SubElement(add, "VendorAddress")
    for tag, value in parts:
        append_text_element(element, tag, value)
