"""Builder for non-inventory parts: the items a bill's item lines create when QuickBooks has none by that name.

Schema points the builder relies on:

- ``ItemNonInventoryAdd`` is Name (at most 31 characters), (BarCode, IsActive), ParentRef, (ClassRef, ...),
  then the choice SalesOrPurchase | SalesAndPurchase, then ExternalGUID. ParentRef comes *before* ClassRef
  here, the other way round from ItemNonInventoryMod.
- ``SalesAndPurchase`` (an item bought and resold, so with both accounts) is SalesDesc, SalesPrice,
  IncomeAccountRef, PurchaseDesc, PurchaseCost, (PurchaseTaxCodeRef: not in QuickBooks Desktop),
  ExpenseAccountRef, (PrefVendorRef). SalesPrice and PurchaseCost are PRICETYPE (five decimals).
- ``ItemNonInventoryRet`` has ListID, Name, FullName and IsActive, as every item does.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from chalicelib.qbxml.document import append_text_element, request_element
from chalicelib.qbxml.fields import (
    MEMO_MAX_LENGTH,
    check_length,
    include_ret_elements,
    number_text,
    write_ref,
)
from chalicelib.qbxml.invoices import LIST_RET_ELEMENTS, Ref

NAME_MAX_LENGTH = 31


def build_item_non_inventory_add(
    request_id: str,
    *,
    name: str,
    parent: str | None,
    description: str | None = None,
    cost: Decimal | None = None,
    price: Decimal | None = None,
    income_account: str,
    expense_account: str,
) -> etree._Element:
    """An ``ItemNonInventoryAddRq`` for a part bought (``cost``, posted to ``expense_account``) and resold
    (``price``, posted to ``income_account``), asking back ``LIST_RET_ELEMENTS``.

    ``name`` is one level (at most 31 characters, no ``:``); ``parent`` the full name above it. Accounts are
    full names. ``description`` is both the sales and the purchase description. A ``ValueError`` refuses an
    empty or over-long name, an empty account, a description over 4095 characters, a cost or price that is
    not a number or is over QuickBooks' 10 digits.
    """
    if not name.strip():
        raise ValueError("an item needs a name")
    if ":" in name:
        raise ValueError(f"the item name {name!r} holds a ':'; pass the levels above it as parent")
    check_length("item name", name, NAME_MAX_LENGTH)
    check_length("item description", description, MEMO_MAX_LENGTH)
    cost_text = None if cost is None else number_text("the item's cost", cost)
    price_text = None if price is None else number_text("the item's price", price)

    request = request_element("ItemNonInventoryAddRq", request_id)
    add = etree.SubElement(request, "ItemNonInventoryAdd")
    append_text_element(add, "Name", name)
    write_ref(add, "ParentRef", Ref(full_name=parent) if parent else None)
    both = etree.SubElement(add, "SalesAndPurchase")
    if description is not None:
        append_text_element(both, "SalesDesc", description)
    if price_text is not None:
        append_text_element(both, "SalesPrice", price_text)
    write_ref(both, "IncomeAccountRef", Ref(full_name=income_account))
    if description is not None:
        append_text_element(both, "PurchaseDesc", description)
    if cost_text is not None:
        append_text_element(both, "PurchaseCost", cost_text)
    write_ref(both, "ExpenseAccountRef", Ref(full_name=expense_account))
    include_ret_elements(request, LIST_RET_ELEMENTS)
    return request
