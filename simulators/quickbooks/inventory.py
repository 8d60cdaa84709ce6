"""Inventory parts (``ItemInventoryAddRq``) and the preference every inventory request depends on.

QuickBooks Desktop has one preference for "Inventory and purchase orders are active"
(``company.inventory_on``). While it is off, QuickBooks refuses to add inventory parts, purchase orders,
item receipts and inventory adjustments with 3250 ("This feature is not enabled or not available in this
version of QuickBooks."), Intuit's status code for a request that needs a feature the company file has
turned off, the same answer time tracking gets while it is off.

An inventory part is an item like any other: its name is unique among all kinds of items (3100, even
when a service or non-inventory part has it), and a sub-item hangs below another inventory part (3130
for a ParentRef to anything else, as for the other item Adds). QuickBooks needs all three of its
accounts, each of the kind it posts to: income (``IncomeAccountRef``: an Income or Other Income account),
cost of goods sold (``COGSAccountRef``: a Cost of Goods Sold account, or an expense account) and the
inventory asset (``AssetAccountRef``: an Other Current Asset account). A missing one is refused with 3180
as for the other items; an account of another kind with 3140, as QuickBooks refuses a reference to an
account it does not offer in that field (the simulator's choice, like bills' "AP Account").

``QuantityOnHand`` and ``TotalValue`` give the opening stock: its average cost is the value over the
quantity (the purchase cost without a value), and its value goes onto the asset account. The opening
``InventoryDate`` only dates that opening balance, which the simulator does not keep as a transaction.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from lxml import etree

from simulators.quickbooks.adds import ItemAdd
from simulators.quickbooks.entities import (
    ZERO,
    Account,
    ItemInventory,
    SalesTaxCode,
    Vendor,
)
from simulators.quickbooks.errors import StatusError, feature_not_enabled
from simulators.quickbooks.handlers import child_text, read_decimal, read_flag, resolve_ref
from simulators.quickbooks.transactions import debit, to_cents

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

# The kinds of account QuickBooks offers for each account of an inventory part.
_ACCOUNT_TYPES = {
    "IncomeAccountRef": frozenset({"Income", "OtherIncome"}),
    "COGSAccountRef": frozenset({"CostOfGoodsSold", "Expense", "OtherExpense"}),
    "AssetAccountRef": frozenset({"OtherCurrentAsset"}),
}
_COST_PLACES = Decimal("0.00001")  # PRICETYPE keeps five decimals


def require_inventory(company: QuickBooksCompany) -> None:
    """3250 unless inventory (and purchase orders) are on in the company file."""
    if not company.inventory_on:
        raise StatusError(feature_not_enabled())


class RequiresInventory:
    """For the Adds QuickBooks refuses with 3250 while inventory is off: inventory parts, purchase orders,
    item receipts and inventory adjustments."""

    def check_allowed(self, company: QuickBooksCompany) -> None:
        """3250 while inventory and purchase orders are off."""
        require_inventory(company)


class ItemInventoryAdd(RequiresInventory, ItemAdd[ItemInventory]):
    """``ItemInventoryAddRq``: an inventory part, with its opening stock when the request gives one."""

    request_tag = "ItemInventoryAddRq"
    item_kind = ItemInventory
    handled = frozenset(
        {
            "Name",
            "IsActive",
            "ParentRef",
            "ManufacturerPartNumber",
            "SalesTaxCodeRef",
            "SalesDesc",
            "SalesPrice",
            "IncomeAccountRef",
            "PurchaseDesc",
            "PurchaseCost",
            "COGSAccountRef",
            "PrefVendorRef",
            "AssetAccountRef",
            "ReorderPoint",
            "QuantityOnHand",
            "TotalValue",
            "InventoryDate",
            "ExternalGUID",
        }
    )

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> ItemInventory:
        """The inventory part the aggregate describes."""
        name = child_text(aggregate, "Name") or ""
        parent = self.parent(aggregate, company)
        account = partial(self._account, aggregate, company, name)
        purchase_cost = read_decimal(aggregate, "PurchaseCost")
        on_hand = read_decimal(aggregate, "QuantityOnHand") or Decimal(0)
        value = read_decimal(aggregate, "TotalValue")
        average_cost = purchase_cost or ZERO
        if on_hand and value is not None:
            average_cost = (value / on_hand).quantize(_COST_PLACES)
        return ItemInventory(
            name=name,
            parent=parent,
            is_active=read_flag(aggregate, "IsActive", default=True),
            manufacturer_part_number=child_text(aggregate, "ManufacturerPartNumber"),
            sales_tax_code=resolve_ref(
                aggregate, "SalesTaxCodeRef", company.sales_tax_codes, self.missing(SalesTaxCode.kind_label)
            ),
            sales_desc=child_text(aggregate, "SalesDesc"),
            sales_price=read_decimal(aggregate, "SalesPrice"),
            income_account=account("IncomeAccountRef"),
            purchase_desc=child_text(aggregate, "PurchaseDesc"),
            purchase_cost=purchase_cost,
            cogs_account=account("COGSAccountRef"),
            preferred_vendor=resolve_ref(
                aggregate, "PrefVendorRef", company.vendors, self.missing(Vendor.kind_label)
            ),
            asset_account=account("AssetAccountRef"),
            reorder_point=read_decimal(aggregate, "ReorderPoint"),
            quantity_on_hand=on_hand,
            average_cost=average_cost,
            external_guid=child_text(aggregate, "ExternalGUID"),
        )

    def save(self, record: ItemInventory, company: QuickBooksCompany) -> None:
        """File the part; its opening stock's value goes onto its asset account."""
        super().save(record, company)
        opening_value = to_cents(record.quantity_on_hand * record.average_cost)
        for holder, change in debit(record.asset_account, opening_value):
            holder.balance += change

    def _account(self, aggregate: etree._Element, company: QuickBooksCompany, name: str, tag: str) -> Account:
        """The account ``tag`` names: 3140 for one of a kind QuickBooks does not offer there, 3180 for
        none."""
        wanted = _ACCOUNT_TYPES[tag]
        account = resolve_ref(
            aggregate,
            tag,
            company.accounts,
            self.missing(Account.kind_label),
            usable=lambda found: found.is_active and found.account_type in wanted,
        )
        return self.required_account(account, company, name)
