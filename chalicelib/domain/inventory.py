"""What QuickBooks says it has on hand: one inventory part's quantity and average cost, as last read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class InventoryLevel:
    """One inventory part as QuickBooks reported it (``ItemInventoryRet``)."""

    list_id: str
    full_name: str
    quantity_on_hand: Decimal
    average_cost: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (transfer-kinds.md, ``GET /api/connectors/{id}/inventory``)."""
        return {
            "list_id": self.list_id,
            "full_name": self.full_name,
            "quantity_on_hand": float(self.quantity_on_hand),
            "average_cost": None if self.average_cost is None else float(self.average_cost),
        }
