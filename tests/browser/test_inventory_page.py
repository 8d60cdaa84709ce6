"""The admin page's Inventory panel in headless chromium: the default connector's on-hand quantities only."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.inventory import InventoryLevel
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.store.dynamodb import open_table
from tests.browser.conftest import Api
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e


def _stack_store(stack: LocalStack) -> Store:
    return Store(open_table(Settings.from_env(stack.env)))


def _default_connector(api: Api, store: Store) -> dict[str, Any]:
    """The stack's default connector (the first one any test created), made here when there is none yet."""
    default_id = store.connectors.default_id()
    if default_id is None:
        return dict(api.call("POST", "/api/connectors", {"name": f"Main {secrets.token_hex(3)}"}))
    return dict(api.call("GET", f"/api/connectors/{default_id}"))


def _manage(page: Any, connector: dict[str, Any]) -> None:
    page.get_by_role("button", name="Refresh").click()
    page.locator(f'#connectors-grid tr[data-connector-id="{connector["id"]}"]').get_by_role(
        "button", name=f"Manage {connector['name']}"
    ).click()
    page.get_by_role("heading", name=f"Connector: {connector['name']}").wait_for()


def test_default_connector_shows_its_inventory_and_pages_on(
    signed_in: Any, api: Api, stack: LocalStack
) -> None:
    page = signed_in
    store = _stack_store(stack)
    default = _default_connector(api, store)
    tag = secrets.token_hex(3)
    read_id = f"browser-{tag}"
    levels = [
        InventoryLevel(f"{tag}-{n:03d}", f"Cisco {tag}~Part {n:03d}", Decimal(n) + Decimal("0.5"),
                       Decimal("12.25") if n else None)
        for n in range(205)
    ]  # fmt: skip
    store.inventory.put_page(default["id"], read_id, levels[:100], read_at="2026-11-28T10:00:00.000000Z")
    store.inventory.put_page(default["id"], read_id, levels[100:], read_at="2026-11-28T10:00:00.000000Z")
    store.inventory.complete(default["id"], read_id, read_at="2026-11-28T10:00:00.000000Z", count=205)

    _manage(page, default)
    panel = page.locator("#inventory-panel")
    panel.get_by_role("heading", name="Inventory").wait_for()
    assert "205 inventory part(s)" in (page.locator("#inventory-read").text_content() or "")
    assert "Read from QuickBooks" in (page.locator("#inventory-read").text_content() or "")
    grid = page.locator("#inventory-grid")
    assert [h.strip() for h in grid.locator("thead th").all_text_contents()] == [
        "Item", "Quantity on hand", "Average cost",
    ]  # fmt: skip
    first = grid.get_by_role("row", name=f"Cisco {tag}~Part 000")
    assert first.locator("td").all_text_contents() == ["0.5", "not reported"]
    assert grid.get_by_role("row", name=f"Cisco {tag}~Part 001").locator("td").all_text_contents() == [
        "1.5", "12.25",
    ]  # fmt: skip
    assert grid.locator("tbody tr").count() == 200
    page.get_by_role("button", name="More").click()
    grid.get_by_role("row", name=f"Cisco {tag}~Part 204").wait_for()
    assert grid.locator("tbody tr").count() == 205
    assert not page.locator("#inventory-more").is_visible()


def test_non_default_connector_has_no_inventory_panel(signed_in: Any, api: Api, stack: LocalStack) -> None:
    page = signed_in
    _default_connector(api, _stack_store(stack))
    other = api.call("POST", "/api/connectors", {"name": f"Branch {secrets.token_hex(3)}"})
    assert not other["is_default"]
    _manage(page, other)
    page.locator("#users-grid").wait_for()
    assert not page.locator("#inventory-panel").is_visible()
    assert page.get_by_role("heading", name="Inventory").count() == 0


def test_empty_state_before_any_read(signed_in: Any, api: Api, stack: LocalStack) -> None:
    """A default connector whose inventory was never read says so, and how it gets read.

    The shared stack's default connector may have a read stored by another test, so the API's answer before
    any read (``tests/api/test_inventory_api.py`` checks it) is played to the page here.
    """
    default = _default_connector(api, _stack_store(stack))
    page = signed_in
    never_read: dict[str, Any] = {"read_at": None, "count": 0, "items": [], "next_cursor": None}
    page.route(f"**/api/connectors/{default['id']}/inventory?*", lambda route: route.fulfill(json=never_read))
    _manage(page, default)
    page.get_by_text(
        "No inventory read yet: it is read in every conversation of this connector while "
        "'Transfer Purchase Orders & Sync Inventory' is on."
    ).wait_for()
    assert not page.locator("#inventory-table").is_visible()
    assert not page.locator("#inventory-more").is_visible()
