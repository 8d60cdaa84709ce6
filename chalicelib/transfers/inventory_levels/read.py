"""Reading QuickBooks' on hand back: every inventory part's quantity and average cost, page by page, for
``GET /api/connectors/{id}/inventory``. It rides along in every conversation of the default connector while
purchase orders and inventory are on, after whatever the conversation sends, so what it shows is current."""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.qbxml.inventory import build_inventory_read, parse_inventory_level
from chalicelib.qbxml.responses import QbResponse
from chalicelib.steps.base import StepContext

PAGE_SIZE = 500
ITERATOR_EXPIRED = 3391  # QuickBooks no longer knows the iterator: the read starts over (once)


class InventoryReadStep:
    """``inventory-levels.read``. State: ``page``, ``iterator_id``, ``count``, ``done``."""

    def __init__(self, depends_on: tuple[str, ...]) -> None:
        self.key = "inventory-levels.read"
        self.depends_on = depends_on

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        return None

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if state.get("done"):
            return []
        tag = f"p{int(state.get('page', 0))}"
        if state.get("iterator_id"):
            query = build_inventory_read(
                tag, iterator="Continue", iterator_id=state["iterator_id"], max_returned=PAGE_SIZE
            )
        else:
            query = build_inventory_read(tag, iterator="Start", max_returned=PAGE_SIZE)
        return [(tag, query)]

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        return None

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        if response.status_code == ITERATOR_EXPIRED and not state.get("restarted"):
            state.update(page=0, iterator_id=None, count=0, restarted=True)
            return
        if response.is_error and not response.found_nothing:
            # What was shown stays (with its read time); the next conversation reads again.
            state["done"] = True
            return
        ports = ctx.ports
        assert ports is not None and ports.inventory is not None
        levels = [parse_inventory_level(ret) for ret in response.rets]
        ports.inventory.put_page(ctx.connector.id, ctx.generation, levels, read_at=ctx.now)
        state["page"] = int(state.get("page", 0)) + 1
        state["count"] = int(state.get("count", 0)) + len(levels)
        state["iterator_id"] = response.iterator_id
        if not response.iterator_remaining_count:
            ports.inventory.complete(ctx.connector.id, ctx.generation, read_at=ctx.now, count=state["count"])
            state["done"] = True

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        # QuickBooks may have moved the iterator on: read again from the start (rows are rewritten).
        state.update(page=0, iterator_id=None, count=0)

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 1
