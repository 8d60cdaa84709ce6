"""What a transfer kind needs of the company file before it sends anything (checked by the company check)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindRequirements:
    """One enabled kind's needs; missing ones are configuration issues that hold that kind's documents."""

    slug: str
    label: str
    accounts: tuple[str, ...] = ()  # fields of the connector's ``accounts`` (AccountNames)
    sales_tax_codes: bool = False  # the tax codes and a tax agency, when the company file has sales tax on
    time_tracking: bool = False  # HCP TimeTrackingPreferences
    inventory: bool = False  # HCP PurchasesAndVendorsPreferences/IsUsingInventory
