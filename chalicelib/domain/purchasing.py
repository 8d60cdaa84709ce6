"""The purchasing and inventory documents a source application enqueues: purchase orders (``POST
/api/transfers/purchase-orders``), receipts against them (``/po-receipts``) and its own on-hand totals
(``/inventory-levels``), validated at the edge with QuickBooks' own limits. Inventory lives only in the default
connector's company file: all three route there by construction (their kinds' routing is ``default``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from chalicelib.domain.base import StrictModel
from chalicelib.domain.invoice import Money, Organization
from chalicelib.domain.payables import Vendor

# QuickBooks' QUANTYPE: five decimals at most.
Quantity = Annotated[Decimal, Field(gt=Decimal(0), max_digits=15, decimal_places=5, le=Decimal("9999999999"))]
OnHand = Annotated[Decimal, Field(ge=Decimal(0), max_digits=15, decimal_places=5, le=Decimal("9999999999"))]
# A product is an inventory part's name; a `~` separates a parent from its sub-item (QuickBooks' `:`).
Product = Annotated[str, Field(min_length=1, max_length=200)]


class PurchaseOrderLine(StrictModel):
    """One product ordered; it becomes (or uses) an inventory part of the product's name."""

    product: Product
    description: str | None = Field(default=None, max_length=4095)
    quantity: Quantity
    unit_cost: Money | None = None
    unit_price: Money | None = None
    organization: Organization | None = None  # the customer the product is ordered for


class PurchaseOrderDocument(StrictModel):
    """Body of ``POST /api/transfers/purchase-orders``."""

    source_id: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=11)  # PurchaseOrderAdd's RefNumber limit
    date: dt.date
    expected_date: dt.date | None = None
    vendor: Vendor
    memo: str | None = Field(default=None, max_length=4095)
    lines: list[PurchaseOrderLine] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self) -> PurchaseOrderDocument:
        if self.expected_date is not None and self.expected_date < self.date:
            raise ValueError("expected_date is before date")
        return self


class ReceiptLine(StrictModel):
    """Received quantity of one product; ``po_line`` (the PO line's index, from 0) names the line it closes,
    else the product's open PO lines are filled in order."""

    product: Product
    quantity: Quantity
    po_line: int | None = Field(default=None, ge=0, lt=1000)


class PoReceiptDocument(StrictModel):
    """Body of ``POST /api/transfers/po-receipts``: goods received against a transferred purchase order."""

    source_id: str = Field(min_length=1, max_length=100)
    purchase_order: str = Field(min_length=1, max_length=100)  # the purchase order's source_id
    date: dt.date
    number: str | None = Field(default=None, min_length=1, max_length=20)
    memo: str | None = Field(default=None, max_length=4095)
    lines: list[ReceiptLine] = Field(min_length=1, max_length=1000)


class ProductLevel(StrictModel):
    """The source's total on hand of one product (QuickBooks has no locations: one number per product)."""

    product: Product
    on_hand: OnHand


class InventoryLevelsDocument(StrictModel):
    """Body of ``POST /api/transfers/inventory-levels``: QuickBooks' on hand is set to these totals.

    Without ``date`` the adjustment is dated the day the document was enqueued (UTC).
    """

    source_id: str = Field(min_length=1, max_length=100)
    date: dt.date | None = None
    memo: str | None = Field(default=None, max_length=4095)
    levels: list[ProductLevel] = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _one_level_per_product(self) -> InventoryLevelsDocument:
        names = [level.product.lower() for level in self.levels]
        if len(names) != len(set(names)):
            raise ValueError("each product appears once in levels")
        return self
