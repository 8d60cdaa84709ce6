"""Purchase orders, receipts and inventory levels end to end over real HTTP (chalice local + dynalite), through
runs where about a fifth of QuickBooks' answers are lost after it applied the request and QBWC crashes once.

On the default connector (the only one inventory may go to): 80 purchase orders of 20 vendors over 150 distinct
products (half already inventory parts, the others created once, a few as sub-items of a new parent), plus
one whose product is a non-inventory part in QuickBooks; receipts for half of them, sent with them (receipts
go after purchase orders in a conversation), some partial with two receipts on one PO line; then a levels
sync. Each source document must become exactly one QuickBooks transaction, on hand in QuickBooks must be what
the receipts and the levels say, the inventory route must show it, and every request must be schema-valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from simulators.quickbooks import ItemInventory, QuickBooksCompany, Vendor
from tests.e2e.stack_api import (
    Connector,
    Http,
    assert_every_request_valid,
    borrowed_default_connector,
    company_for,
    run_with_losses,
)
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e

VENDORS = 20
PRODUCTS = 150
ORDERS = 80
STOCK = Decimal(10)  # on hand of the products QuickBooks has before the test


def product(k: int) -> str:
    """Product names: every fifth new one a sub-item of a new parent ("Cisco~Switch 3")."""
    return f"Cisco~Switch {k}" if k % 2 and k % 5 == 0 else f"Part {k:03d}"


def qb_name(k: int) -> str:
    return product(k).replace("~", ":")


def lines_of(n: int) -> list[dict[str, Any]]:
    """Purchase order n orders products 2n and 2n+1 (every product at least once), every third a third."""
    picks = [(2 * n) % PRODUCTS, (2 * n + 1) % PRODUCTS] + ([(7 * n + 3) % PRODUCTS] if n % 3 == 0 else [])
    return [
        {
            "product": product(k),
            "quantity": 2 + (n + j) % 6,
            "unit_cost": f"{10 + k}.50",
            "unit_price": f"{20 + k}.00",
            "description": f"Product {k}",
        }
        for j, k in enumerate(dict.fromkeys(picks))
    ]


def purchase_order(n: int, tag: str) -> dict[str, Any]:
    return {
        "source_id": f"{tag}-PO-{n}",
        "number": f"{tag}{n:04d}",
        "date": "2026-11-20",
        "expected_date": "2026-11-27",
        "vendor": {"id": f"{tag}-V-{n % VENDORS}", "name": f"Supplier {tag} {n % VENDORS}"},
        "memo": f"Stock order {n}",
        "lines": lines_of(n),
    }


def receipts_for(n: int, document: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    """Receipts of purchase order n: for every fourth, two on its first line (1, then the rest, the second
    also taking the other lines without naming them); else one for everything."""
    base = {"purchase_order": document["source_id"], "date": "2026-11-27"}
    everything = [{"product": x["product"], "quantity": x["quantity"]} for x in document["lines"]]
    if n % 4:
        return [{**base, "source_id": f"{tag}-RCV-{n}", "lines": everything}]
    first = {"product": everything[0]["product"], "quantity": 1, "po_line": 0}
    rest = [{**everything[0], "quantity": everything[0]["quantity"] - 1}, *everything[1:]]
    return [
        {**base, "source_id": f"{tag}-RCV-{n}-a", "lines": [first]},
        {**base, "source_id": f"{tag}-RCV-{n}-b", "number": f"R{n}", "lines": rest},
    ]


@pytest.fixture
def default_connector(stack: LocalStack, api: requests.Session) -> Iterator[Connector]:
    with borrowed_default_connector(Http(stack, api), {"purchase_orders": True}) as connector:
        yield connector


def stocked_company(connector: Connector) -> QuickBooksCompany:
    """The sample company with the even-numbered products as inventory parts on hand, and 5 of the vendors."""
    company = company_for(connector)
    income, cogs = company.accounts.find("Sales:Product Sales"), company.accounts.find("Cost of Goods Sold")
    asset = company.accounts.find("Inventory Asset")
    assert income and cogs and asset
    for k in range(0, PRODUCTS, 2):
        company.add(
            ItemInventory(
                name=qb_name(k),
                income_account=income,
                cogs_account=cogs,
                asset_account=asset,
                quantity_on_hand=STOCK,
                average_cost=Decimal("9.00"),
            )
        )
    for v in range(0, VENDORS, 4):
        company.add(Vendor(name=f"Supplier {connector.tag} {v}"))
    return company


def inventory_shown(connector: Connector) -> dict[str, float]:
    """Every inventory part the inventory route shows, page after page."""
    shown: dict[str, float] = {}
    params: dict[str, str] = {"limit": "100"}
    while True:
        answer = connector.http.api.get(f"{connector.http.base}{connector.path}/inventory", params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        shown.update({item["full_name"]: item["quantity_on_hand"] for item in page["items"]})
        if not page["next_cursor"]:
            return shown
        params["cursor"] = page["next_cursor"]


def test_purchase_orders_receipts_and_levels_with_lost_answers_and_a_crash_each_once(
    default_connector: Connector,
) -> None:
    connector, http, tag = default_connector, default_connector.http, default_connector.tag
    company = stocked_company(connector)
    vendors_before = len(company.vendors)
    orders = [purchase_order(n, tag) for n in range(ORDERS)]
    assert {x["product"] for o in orders for x in o["lines"]} == {product(k) for k in range(PRODUCTS)}
    clash = {**purchase_order(ORDERS, tag), "lines": [{"product": "Cable", "quantity": 3}]}
    receipts = [r for n in range(0, ORDERS, 2) for r in receipts_for(n, orders[n], tag)]

    order_ids = [http.enqueue("purchase-orders", o, connector.id) for o in orders]
    clash_id = http.enqueue("purchase-orders", clash, connector.id)
    receipt_ids = [http.enqueue("po-receipts", r, connector.id) for r in receipts]

    run_with_losses(
        connector,
        company,
        seed=5,
        lossy_runs=11,
        adds={"PurchaseOrderAdd": 1, "ItemReceiptAdd": 1, "ItemInventoryAdd": 1},
    )

    # Purchase orders: each once, with its vendor, number and lines.
    for transfer_id_, document in zip(order_ids, orders, strict=True):
        transfer = http.transfer(transfer_id_)
        assert transfer["status"] == "transferred", (document["source_id"], transfer["error"])
        [found] = company.find_purchase_orders_by_external_guid(transfer["external_guid"])
        assert transfer["qb_txn_id"] == found.txn_id
        assert (found.ref_number, found.vendor.name) == (document["number"], document["vendor"]["name"])
        assert [(x.item.full_name if x.item else None, x.quantity) for x in found.lines] == [
            (x["product"].replace("~", ":"), Decimal(x["quantity"])) for x in document["lines"]
        ]
    assert len(company.purchase_orders) == ORDERS
    # The clash: a non-inventory part of the product's name fails that PO alone, explained, with the fix.
    failed = http.transfer(clash_id)
    assert (
        failed["status"] in ("failed", "needs_attention") and failed["error"]["code"] == "item_not_inventory"
    )
    assert failed["error"]["explanation"] and "Inventory Part" in failed["error"]["fix"]
    # Inventory parts: the new half created once each (and the new parent), the rest used as they were.
    items = [i.full_name for i in company.items]
    assert all(items.count(qb_name(k)) == 1 for k in range(PRODUCTS))
    assert all(type(company.inventory_part(qb_name(k))).__name__ == "ItemInventory" for k in range(PRODUCTS))
    assert items.count("Cisco") == 1
    assert len(company.vendors) == vendors_before + VENDORS - VENDORS // 4

    # Receipts: each once, linked to its PO's lines; two receipts on one line add up.
    for transfer_id_, document in zip(receipt_ids, receipts, strict=True):
        transfer = http.transfer(transfer_id_)
        assert transfer["status"] == "transferred", (document["source_id"], transfer["error"])
        assert len(company.find_item_receipts_by_external_guid(transfer["external_guid"])) == 1
    assert len(company.item_receipts) == len(receipts)
    received: dict[str, Decimal] = {}
    for n, document in enumerate(orders):
        [found] = company.find_purchase_orders(ref_number=document["number"])
        expected = [Decimal(x["quantity"]) if n % 2 == 0 else Decimal(0) for x in document["lines"]]
        assert [x.received_quantity for x in found.lines] == expected, n
        for x in document["lines"]:
            if n % 2 == 0:
                received[qb_name_of(x)] = received.get(qb_name_of(x), Decimal(0)) + Decimal(x["quantity"])
    for k in range(PRODUCTS):
        start = STOCK if k % 2 == 0 else Decimal(0)
        assert company.on_hand(qb_name(k)) == start + received.get(qb_name(k), Decimal(0)), qb_name(k)
    shown = inventory_shown(connector)
    assert all(Decimal(str(shown[qb_name(k)])) == company.on_hand(qb_name(k)) for k in range(PRODUCTS))

    # Levels: every third product differs from QuickBooks; two products QuickBooks does not have are warned of.
    levels = [
        {"product": product(k), "on_hand": str(company.on_hand(qb_name(k)) + (k % 7 if k % 3 == 0 else 0))}
        for k in range(PRODUCTS)
    ]
    unknown = [{"product": f"Unknown {tag} {u}", "on_hand": 1} for u in range(2)]
    levels_id = http.enqueue(
        "inventory-levels", {"source_id": f"{tag}-LVL-1", "levels": levels + unknown}, connector.id
    )
    adjustments_before = len(company.inventory_adjustments)
    outcome = connector.run(company, drop_response_after_requests={3})
    if outcome.outcome == "crashed":  # an answer lost: the next conversation checks before sending again
        assert connector.run(company).outcome == "completed"

    transfer = http.transfer(levels_id)
    assert transfer["status"] == "transferred", transfer["error"]
    [adjustment] = company.inventory_adjustments[adjustments_before:]
    differing = [qb_name(k) for k in range(PRODUCTS) if k % 3 == 0 and k % 7]
    assert sorted(x.item.full_name for x in adjustment.lines) == sorted(differing)
    for level, k in zip(levels, range(PRODUCTS), strict=True):
        assert company.on_hand(qb_name(k)) == Decimal(level["on_hand"]), qb_name(k)
    assert len(transfer["warnings"]) == 2 and all("Unknown" in w for w in transfer["warnings"])
    assert not [i for i in company.items if i.full_name.startswith("Unknown")]
    shown = inventory_shown(connector)
    assert all(Decimal(str(shown[qb_name(k)])) == company.on_hand(qb_name(k)) for k in range(PRODUCTS))
    assert_every_request_valid(company)


def qb_name_of(line: dict[str, Any]) -> str:
    return str(line["product"]).replace("~", ":")


def test_inventory_cannot_be_sent_to_another_connector(stack: LocalStack, api: requests.Session) -> None:
    """Purchase orders, receipts and levels have no routing of their own: an organization routed elsewhere or a
    connector named in the body changes nothing, and only the default connector has inventory."""
    http = Http(stack, api)
    other = http.call(
        "POST", "/api/connectors", {"name": "Branch office", "transfers": {"purchase_orders": True}}
    )
    default = next(c for c in http.call("GET", "/api/connectors")["connectors"] if c["is_default"])
    http.call("PUT", "/api/organizations/ORG-ROUTED/connector", {"connector_id": other["id"]})
    document = {
        "source_id": "ROUTE-PO-1",
        "number": "R1",
        "date": "2026-11-20",
        "vendor": {"id": "V-R", "name": "Routed Vendor"},
        "lines": [
            {"product": "Widget", "quantity": 1, "organization": {"id": "ORG-ROUTED", "name": "Routed Org"}}
        ],
    }
    queued = http.call("POST", "/api/transfers/purchase-orders", document, expect=202)
    assert queued["connector_id"] == default["id"]
    refused = http.call(
        "POST",
        "/api/transfers/purchase-orders",
        {**document, "source_id": "ROUTE-PO-2", "connector_id": other["id"]},
        expect=422,
    )
    assert "connector_id" in str(refused)
    answer = http.call("GET", f"/api/connectors/{other['id']}/inventory", expect=409)
    assert answer["error"]["code"] == "inventory_on_default_connector_only"
    http.call("POST", f"/api/transfers/{queued['id']}/cancel")
    http.call("DELETE", "/api/organizations/ORG-ROUTED/connector")
