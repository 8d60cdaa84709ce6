"""QuickBooks' on-hand quantities as the admin and the API see them: the default connector's only."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Conflict
from chalicelib.store import Store

# Page sizes of GET /api/connectors/{id}/inventory.
INVENTORY_PAGE_DEFAULT = 100
INVENTORY_PAGE_MAX = 500


def inventory_page(store: Store, connector_id: str, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """One page of the connector's last complete inventory read (404 unknown connector, 409 not the default)."""
    connector = store.connectors.get(connector_id)
    if not connector.is_default:
        # Inventory transfers (purchase orders, receipts, levels) all go to the default connector, so only its
        # company file's inventory is ever read.
        raise Conflict(
            f'inventory lives only in the default connector\'s company file; "{connector.name}" is not the '
            "default connector",
            code="inventory_on_default_connector_only",
        )
    snapshot = store.inventory.current(connector.id, limit=limit, cursor=cursor)
    return {
        "read_at": snapshot.read_at,
        "count": snapshot.count,
        "items": [level.to_dict() for level in snapshot.items],
        "next_cursor": snapshot.next_cursor,
    }
