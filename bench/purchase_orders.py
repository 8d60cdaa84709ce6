"""What 1,000 purchase-order lines, their receipts and a levels sync cost on their way into QuickBooks: measured
and printed, never asserted.

Run ``make bench`` (or ``.venv/bin/python -m bench.purchase_orders``; ``--purchase-orders 10`` for a quick run).
``bench.transfers`` describes what is measured, ``bench.measure`` the set-up and the probes. One connector
(the first, so the default one, where inventory lives) with the ``purchase_orders`` switch on; QuickBooks is
the sample company at its default sizes plus every second vendor (``bench.bills``' vendors, found by name and
linked; the others are created) and every second product as an inventory part with some stock. Two scenarios
on the same app, table and company, one after the other:

1. **Purchase orders**: 100 purchase orders of 10 lines each (1,000 PO lines) for 20 vendors and 150 distinct
   products (75 inventory parts already, 75 created by the bridge), enqueued through ``POST
   /api/transfers/purchase-orders``, then conversations until ``authenticate`` answers ``none``.
2. **Receipts and levels**: a receipt (``POST /api/transfers/po-receipts``) of all ten lines for every second
   purchase order (the last three lines received in part; every second line named by ``po_line``, the others
   by product), and one ``inventory-levels`` document with the source's on hand of the 150 products (about
   one in nine already what QuickBooks will have, so not adjusted), then conversations until ``none``.

What is the purchasing benchmark's own:

* **Steps** a round trip is classified by: preflight (list reads and the company check), reconcile, vendors,
  items (the inventory parts' query and the new parts), PO adds; receipt lines (the purchase orders' open
  lines), receipt adds, on hand (the levels' products), adjustments; the on-hand read that rides along in
  every conversation of the default connector.
* **Figures** per transferred PO line (scenario 1), per transferred receipt and per product level
  (scenario 2); round trips per 1,000 PO lines in both. Printed to three decimals.
* **Goals** (scenario 1): at most 10 round trips per 1,000 PO lines including preflight and vendor and item
  creation, at most 1.32 DynamoDB requests per PO line; no posting over the message budget (both).
* **Verification**: every purchase order in QuickBooks exactly once with its ten lines, every product an
  inventory part exactly once, every vendor once; every receipt exactly once with its lines received on the
  purchase order; every product's on hand equal to its level; every transfer ``transferred``. After both
  scenarios, the purchase orders are counted again (each exactly once in QuickBooks and ``transferred``).

Output: plain-text tables on stdout, and the same data as JSON in ``bench/results/purchase-orders-<UTC
time>.json`` and ``bench/results/purchase-orders-latest.json`` (another size writes
``purchase-orders-<POs>x<lines>-*``).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bench.bills import is_known, vendor
from bench.measure import (
    CPU_COLUMNS_NOTE,
    InProcessApp,
    Probe,
    in_process_app,
    instrumented,
    prepare_process,
    spread,
    versions,
    write_results,
)
from bench.transfers import (
    ENQUEUE,
    VERIFY,
    Measured,
    Sent,
    TransferBenchmark,
    find_sent,
    once,
    once_text,
    statuses_text,
)

if TYPE_CHECKING:
    from simulators.quickbooks import QuickBooksCompany

PURCHASE_ORDERS = 100
LINES_PER_ORDER = 10
VENDORS = 20
PRODUCTS = 150
GOAL_ROUND_TRIPS_PER_1000 = 10
GOAL_DYNAMODB_PER_LINE = 1.32
PARTIAL_FROM_LINE = 7  # a receipt's lines from this index on receive only part of what was ordered

SWITCH = "purchase_orders"  # the connector's transfer switch for all three kinds
ORDERS, RECEIPTS, LEVELS = "purchase-orders", "po-receipts", "inventory-levels"
LINES_OF_BUSINESS = {"Managed Services": "Consulting:Remote"}  # the run maps one; no document names it
_FAMILIES = (
    "Switch",
    "Router",
    "Access Point",
    "SSD",
    "Monitor",
    "Dock",
    "Cable",
    "UPS",
    "Firewall",
    "Headset",
)
_BRANDS = ("Cisco", "Ubiquiti", "Samsung", "Dell", "APC", "Jabra", "Netgear", "Lenovo", "Belkin", "Fortinet")

# What each step key (the requestID prefix) is, for the round-trip breakdown; in the order of a conversation.
READ = ("inventory-levels.read", "on-hand read")
ORDER_STEPS = (
    ("list.", "preflight"),
    ("check", "preflight"),
    ("purchase-orders.reconcile", "reconcile"),
    ("purchase-orders.vendors", "vendors"),
    ("purchase-orders.customers", "customers"),
    ("purchase-orders.items", "items"),
    ("purchase-orders.add", "PO adds"),
    READ,
)
RECEIPT_STEPS = (
    ("list.", "preflight"),
    ("check", "preflight"),
    ("po-receipts.reconcile", "reconcile"),
    ("inventory-levels.reconcile", "reconcile"),
    ("po-receipts.lines", "receipt lines"),
    ("po-receipts.add", "receipt adds"),
    ("inventory-levels.on-hand", "on hand"),
    ("inventory-levels.add", "adjustments"),
    READ,
)


# -- the documents ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """How much is sent: ``orders`` purchase orders of ``lines`` lines over ``vendors`` and ``products``."""

    orders: int = PURCHASE_ORDERS
    lines: int = LINES_PER_ORDER
    vendors: int = VENDORS
    products: int = PRODUCTS

    @property
    def total_lines(self) -> int:
        return self.orders * self.lines

    @property
    def vendors_used(self) -> int:
        return min(self.vendors, self.orders)

    @property
    def receipts(self) -> int:
        return len(range(0, self.orders, 2))

    @property
    def in_quickbooks(self) -> list[int]:
        """The products QuickBooks has once the purchase orders are in (all of them unless a quick run orders
        fewer lines than there are products): those the levels document names."""
        return [p for p in range(self.products) if is_stocked(p) or p < self.total_lines]

    @property
    def is_default(self) -> bool:
        return self == Size()


def product(n: int) -> str:
    """The n-th product's name (deterministic, unique)."""
    return f"{_BRANDS[n % len(_BRANDS)]} {_FAMILIES[(n // len(_BRANDS)) % len(_FAMILIES)]} {1000 + n}"


def is_stocked(product_n: int) -> bool:
    """Whether the product is an inventory part of the company before the run (every second one)."""
    return product_n % 2 == 0


def initial_on_hand(product_n: int) -> Decimal:
    return Decimal(product_n * 7 % 50) if is_stocked(product_n) else Decimal(0)


def line_product(order_n: int, i: int, size: Size) -> int:
    """The product of line ``i`` of purchase order ``order_n``: consecutive products, distinct within an order
    while ``lines <= products``."""
    return (order_n * size.lines + i) % size.products


def ordered(order_n: int, i: int) -> int:
    return 1 + (order_n + 3 * i) % 12


def received(order_n: int, i: int) -> int:
    """What the receipt of purchase order ``order_n`` receives on its line ``i``."""
    quantity = ordered(order_n, i)
    return quantity if i < PARTIAL_FROM_LINE else max(1, quantity // 2)


def has_receipt(order_n: int) -> bool:
    return order_n % 2 == 0


def order_number(n: int) -> str:
    return f"PO{40000 + n}"


def purchase_order(n: int, size: Size) -> dict[str, Any]:
    """The n-th purchase order (deterministic): vendor ``n % vendors``, ``lines`` consecutive products."""
    lines = []
    for i in range(size.lines):
        cost = Decimal(8 + (n * 3 + i) % 40) + Decimal((n * 7 + i) % 100) / 100
        lines.append(
            {
                "product": product(line_product(n, i, size)),
                "quantity": ordered(n, i),
                "unit_cost": f"{cost:.2f}",
                "unit_price": f"{cost * Decimal('1.6'):.2f}",
                **({"description": f"Restock, line {i + 1}"} if i % 3 == 0 else {}),
            }
        )
    return {
        "source_id": f"PSA-PO-{n:06d}",
        "number": order_number(n),
        "date": "2026-11-20",
        "expected_date": "2026-11-27",
        "vendor": vendor(n % size.vendors),
        "memo": f"Stock replenishment {n}",
        "lines": lines,
    }


def receipt(n: int, size: Size) -> dict[str, Any]:
    """The receipt of purchase order ``n``: all its lines, the last ones in part; every second line names its
    PO line, the others only the product."""
    return {
        "source_id": f"PSA-RCV-{n:06d}",
        "purchase_order": f"PSA-PO-{n:06d}",
        "date": "2026-11-27",
        "number": f"RCV{40000 + n}",
        "lines": [
            {
                "product": product(line_product(n, i, size)),
                "quantity": received(n, i),
                **({"po_line": i} if i % 2 == 0 else {}),
            }
            for i in range(size.lines)
        ],
    }


def expected_on_hand(size: Size) -> dict[int, Decimal]:
    """What QuickBooks has of each product once the receipts are in (before the levels)."""
    on_hand = {p: initial_on_hand(p) for p in range(size.products)}
    for n in range(size.orders):
        if has_receipt(n):
            for i in range(size.lines):
                on_hand[line_product(n, i, size)] += received(n, i)
    return on_hand


def levels(size: Size) -> dict[str, Any]:
    """The source's on hand of every product: off by -4 .. +4 (never below zero) from what QuickBooks will
    have, so about one product in nine is already right."""
    expected = expected_on_hand(size)
    return {
        "source_id": "PSA-LEVELS-2026-11-30",
        "date": "2026-11-30",
        "memo": "Month-end stock count",
        "levels": [
            {"product": product(p), "on_hand": str(max(Decimal(0), expected[p] + p % 9 - 4))}
            for p in size.in_quickbooks
        ],
    }


# -- the two scenarios -----------------------------------------------------------------------------------


class _Scenario(TransferBenchmark):
    """What both scenarios share: the size, the company (one object for both), and the extra report lines."""

    qbwc_username = "warehouse-pc"
    lines_of_business = LINES_OF_BUSINESS
    goal_round_trips_per_1000 = GOAL_ROUND_TRIPS_PER_1000
    goal_dynamodb_per_unit = GOAL_DYNAMODB_PER_LINE
    enqueued_rate, transferred_rate = "enqueued_per_s", "transferred_per_s"
    exact_figures = app_cpu_figures = True
    switch = SWITCH
    title = ""

    def __init__(self, size: Size, company: QuickBooksCompany) -> None:
        self.size = size
        self._company = company

    def company(self) -> QuickBooksCompany:
        return self._company

    def company_counts(self, company: QuickBooksCompany) -> dict[str, int]:
        from simulators.quickbooks import ItemInventory

        return {
            "vendors": len(company.vendors),
            "inventory_parts": sum(1 for i in company.items if isinstance(i, ItemInventory)),
            "purchase_orders": len(company.purchase_orders),
            "item_receipts": len(company.item_receipts),
            "inventory_adjustments": len(company.inventory_adjustments),
        }

    def result(self, m: Measured) -> dict[str, Any]:
        r = super().result(m)
        budget = r["settings"]["max_message_bytes"]
        largest = r["qbxml_request_bytes"]["max"]
        posted = max((x["soap_body_bytes_posted_max"] for x in r["by_method"].values()), default=0)
        answered = max((x["soap_body_bytes_answered_max"] for x in r["by_method"].values()), default=0)
        r["largest_posting"] = {
            "qbxml_request_bytes": largest,
            "qbxml_response_bytes": r["qbxml_response_bytes"]["max"],
            "soap_body_posted_bytes": posted,
            "soap_body_answered_bytes": answered,
            "max_message_bytes": budget,
            "request_share_of_budget": round(largest / budget, 4) if budget else 0.0,
        }
        r["round_trips"]["per_1000_po_lines"] = round(
            r["round_trips"]["total"] * 1000 / max(self.size.total_lines, 1), 1
        )
        return r

    def extra_lines(self, r: dict[str, Any]) -> list[str]:
        """Printed after the goals, before the verification."""
        return []

    def report(self, r: dict[str, Any]) -> str:
        text = super().report(r)
        head, _, verification = text.rpartition("\n\n")
        big = r["largest_posting"]
        lines = [
            f"  largest posting: qbXML request {big['qbxml_request_bytes']:,} B of the "
            f"{big['max_message_bytes']:,} B message budget ({100 * big['request_share_of_budget']:.1f} %); "
            f"largest qbXML response {big['qbxml_response_bytes']:,} B; largest SOAP body posted to /qbwc "
            f"{big['soap_body_posted_bytes']:,} B, answered {big['soap_body_answered_bytes']:,} B",
            f"  round trips: {r['round_trips']['total']} = {r['round_trips']['per_1000_po_lines']} per 1,000 PO "
            f"lines ordered ({self.size.total_lines:,})",
            *self.extra_lines(r),
        ]
        return "\n".join([self.title, head, "", *lines, "", verification])


class OrderScenario(_Scenario):
    kind = ORDERS
    unit, units = "PO line", "PO lines"
    step_groups = ORDER_STEPS
    step_note = (
        "  step columns: round trips carrying that step's requests / its qbXML requests. preflight = the list reads",
        "  and the company check; vendors = the vendors query and the new vendors; items = the items query and the",
        "  new inventory parts; on-hand read = the inventory read riding along in the default connector's conversations",
    )
    title = "### scenario 1: purchase orders, one conversation"

    def documents(self) -> list[dict[str, Any]]:
        return [purchase_order(n, self.size) for n in range(self.size.orders)]

    def verify(self, running: InProcessApp, company: QuickBooksCompany, sent: Sent) -> dict[str, Any]:
        """Every purchase order in QuickBooks exactly once as sent, transferred with its TxnID; every vendor
        and product once, every product an inventory part."""
        from simulators.quickbooks import ItemInventory

        found = orders_found(running, company, sent)
        item_names = Counter(i.full_name for i in company.items)
        vendor_names = Counter(v.name for v in company.vendors)
        wanted_vendors = [vendor(n)["name"] for n in range(self.size.vendors_used)]
        products = [product(p) for p in self.size.in_quickbooks]
        parts = sum(1 for p in products if isinstance(company.items.find(p), ItemInventory))
        return {
            **found,
            "lines_as_sent": found["as_sent"] * self.size.lines,
            "vendors_once": sum(1 for name in wanted_vendors if vendor_names[name] == 1),
            "vendors_created": sum(1 for n in range(self.size.vendors_used) if not is_known(n)),
            "products_expected": len(products),
            "products_once": sum(1 for p in products if item_names[p] == 1),
            "products_inventory_parts": parts,
            "ok": found["ok"]
            and all(vendor_names[name] == 1 for name in wanted_vendors)
            and all(item_names[p] == 1 for p in products)
            and parts == len(products),
        }

    def transferred(self, verification: dict[str, Any]) -> int:
        return int(verification["lines_as_sent"])

    def summary(self) -> dict[str, Any]:
        size = self.size
        return {
            ORDERS: size.orders,
            "lines": size.total_lines,
            "vendors": size.vendors_used,
            "vendors_known": sum(1 for n in range(size.vendors_used) if is_known(n)),
            "products": size.products,
            "products_stocked": sum(1 for p in range(size.products) if is_stocked(p)),
        }

    def headline(self, r: dict[str, Any]) -> str:
        start, end = r["company_at_start"], r["company_at_end"]
        return (
            f"== purchase orders: {r[ORDERS]:,} purchase orders ({r['lines']:,} lines, {self.size.lines} each) for "
            f"{r['vendors']} vendors ({r['vendors_known']} in QuickBooks already) and {r['products']} products "
            f"({r['products_stocked']} inventory parts already); sample company ({start['vendors']} vendors, "
            f"{start['items']} items, {start['inventory_parts']} inventory parts; after: {end['vendors']} vendors, "
            f"{end['items']} items, {end['inventory_parts']} inventory parts, {end['purchase_orders']} purchase orders)"
        )

    def verification_line(self, r: dict[str, Any]) -> str:
        v = r["verification"]
        return (
            f"  verification: {orders_text(v, r[ORDERS])}; {v['lines_as_sent']:,} PO lines as sent; "
            f"{v['vendors_once']} of {r['vendors']} vendors once ({v['vendors_created']} created); "
            f"{v['products_once']} of {v['products_expected']} products once, {v['products_inventory_parts']} of them "
            f"inventory parts: {'OK' if v['ok'] else 'NOT OK'}"
        )


class ReceiptScenario(_Scenario):
    kind = f"{{{RECEIPTS},{LEVELS}}}"  # a label only: both routes are posted to
    unit, units = "receipt", "receipts"
    step_groups = RECEIPT_STEPS
    step_note = (
        "  step columns: round trips carrying that step's requests / its qbXML requests. receipt lines = the",
        "  purchase orders' open lines; on hand = the levels' products' QuantityOnHand; adjustments = the",
        "  InventoryAdjustmentAdds; on-hand read = the inventory read riding along in every conversation",
    )
    title = "### scenario 2: receipts for every second purchase order and one inventory-levels document"

    def documents(self) -> list[dict[str, Any]]:
        made = [receipt(n, self.size) for n in range(self.size.orders) if has_receipt(n)]
        return [*made, levels(self.size)]

    def routes(self, documents: Sequence[dict[str, Any]]) -> list[str]:
        return [LEVELS if "levels" in document else RECEIPTS for document in documents]

    def verify(self, running: InProcessApp, company: QuickBooksCompany, sent: Sent) -> dict[str, Any]:
        """Every receipt in QuickBooks exactly once with its lines received on the purchase order, every
        product's on hand at its level, every transfer transferred."""
        from chalicelib.domain.transfer import external_guid

        copies: Counter[int] = Counter()
        statuses: Counter[str] = Counter()
        received_as_sent = 0
        level_documents = [(i, d) for i, d in sent.items() if "levels" in d]
        for transfer_id, document in sent.items():
            statuses[running.store.transfers.get(transfer_id).status] += 1
            if "levels" in document:
                continue
            copies[len(company.find_item_receipts_by_external_guid(external_guid(transfer_id)))] += 1
            [order] = company.find_purchase_orders(
                ref_number=order_number(int(document["purchase_order"][-6:]))
            )
            received_as_sent += [x.received_quantity for x in order.lines] == [
                Decimal(x["quantity"]) for x in document["lines"]
            ]
        at_level = warnings = 0
        for transfer_id, document in level_documents:
            at_level += sum(
                1 for x in document["levels"] if company.on_hand(x["product"]) == Decimal(x["on_hand"])
            )
            warnings += len(running.store.transfers.get(transfer_id).warnings)
        expected = expected_on_hand(self.size)
        wanted = {x["product"]: Decimal(x["on_hand"]) for _, d in level_documents for x in d["levels"]}
        adjusted = sum(1 for p in self.size.in_quickbooks if wanted[product(p)] != expected[p])
        adjustment_lines = sum(len(a.lines) for a in company.inventory_adjustments)
        receipts = self.size.receipts
        return {
            **once(copies, "receipts"),
            "receipts_received_on_their_po": received_as_sent,
            "company_item_receipts": len(company.item_receipts),
            "levels": len(wanted),
            "products_at_level": at_level,
            "levels_differing": adjusted,
            "adjustment_lines": adjustment_lines,
            "level_warnings": warnings,
            "statuses": dict(statuses.most_common()),
            "ok": copies == Counter({1: receipts})
            and received_as_sent == receipts
            and len(company.item_receipts) == receipts
            and at_level == len(wanted) == len(self.size.in_quickbooks)
            and adjustment_lines == adjusted
            and warnings == 0
            and statuses == Counter({"transferred": len(sent)}),
        }

    def transferred(self, verification: dict[str, Any]) -> int:
        return int(verification["receipts_exactly_once"])

    def summary(self) -> dict[str, Any]:
        return {
            self.kind: self.size.receipts + 1,
            RECEIPTS: self.size.receipts,
            "receipt_lines": self.size.receipts * self.size.lines,
            LEVELS: 1,
            "levels": len(self.size.in_quickbooks),
        }

    def result(self, m: Measured) -> dict[str, Any]:
        r = super().result(m)
        # The goals are the purchase orders'; here only the message budget is one.
        r["goals"] = [g for g in r["goals"] if "message budget" in g["goal"]]
        ddb = r["dynamodb"]
        enqueue = [c for c in m.probe.calls if c.phase == ENQUEUE]
        r["dynamodb"]["per_level"] = round(ddb["requests"] / max(len(self.size.in_quickbooks), 1), 3)
        r["dynamodb"]["by_enqueue_route"] = {
            route: {
                "requests": sum(c.dynamodb_requests for c in calls),
                "documents": len(calls),
                "route_cpu_ms": spread([c.route_cpu_ms for c in calls]),
            }
            for route in (RECEIPTS, LEVELS)
            if (calls := [c for c in enqueue if c.method == f"POST /api/transfers/{route}"])
        }
        return r

    def extra_lines(self, r: dict[str, Any]) -> list[str]:
        ddb, v = r["dynamodb"], r["verification"]
        per = max(v["receipts_exactly_once"], 1)
        routes = "; ".join(
            f"{route} ({e['documents']} posted): {e['requests']} requests, route CPU p50 {e['route_cpu_ms']['p50']} ms"
            for route, e in ddb["by_enqueue_route"].items()
        )
        return [
            f"  DynamoDB, receipts and levels together: {ddb['requests']:,} requests = {ddb['requests'] / per:.3f} per "
            f"receipt ({per}), {ddb['per_level']:.3f} per level ({r['levels']}), "
            f"{ddb['requests'] / max(r['receipt_lines'] + r['levels'], 1):.3f} per receipt line or level "
            f"({r['receipt_lines']:,} + {r['levels']}); no goal set",
            f"  enqueue by route: {routes}",
        ]

    def headline(self, r: dict[str, Any]) -> str:
        start, end = r["company_at_start"], r["company_at_end"]
        return (
            f"== receipts and levels: {r[RECEIPTS]} receipts ({r['receipt_lines']:,} lines) and {r[LEVELS]} "
            f"inventory-levels document ({r['levels']} products); company at the start ({start['inventory_parts']} "
            f"inventory parts, {start['purchase_orders']} purchase orders; after: {end['item_receipts']} item "
            f"receipts, {end['inventory_adjustments']} inventory adjustments)"
        )

    def verification_line(self, r: dict[str, Any]) -> str:
        v = r["verification"]
        return (
            f"  verification: {v['receipts_exactly_once']} of {r[RECEIPTS]} receipts in QuickBooks exactly once "
            f"(missing {v['receipts_missing']}, duplicated {v['receipts_duplicated']}; the company has "
            f"{v['company_item_receipts']} item receipts), {v['receipts_received_on_their_po']} with every line "
            f"received on its purchase order; {v['products_at_level']} of {v['levels']} products at their level "
            f"({v['levels_differing']} differed, {v['adjustment_lines']} adjustment lines, {v['level_warnings']} "
            f"warnings); transfers: {statuses_text(v)}: {'OK' if v['ok'] else 'NOT OK'}"
        )


def orders_found(running: InProcessApp, company: QuickBooksCompany, sent: Sent) -> dict[str, Any]:
    """How many of the purchase orders are in QuickBooks exactly once (by ExternalGUID), as sent, and
    ``transferred`` with their TxnID."""
    found = find_sent(
        running,
        sent,
        company.find_purchase_orders_by_external_guid,
        lambda one, document: (
            one.vendor.name == document["vendor"]["name"]
            and one.ref_number == document["number"]
            and [(x.item.full_name if x.item else None, x.quantity, x.rate) for x in one.lines]
            == [(x["product"], Decimal(x["quantity"]), Decimal(x["unit_cost"])) for x in document["lines"]]
        ),
    )
    orders = len(company.purchase_orders)
    return {
        **once(found.copies, "orders"),
        "as_sent": found.as_sent,
        "company_purchase_orders": orders,
        "statuses": dict(found.statuses.most_common()),
        "transfers_with_txn_id": found.with_txn_id,
        "ok": found.all_transferred(len(sent)) and orders == len(sent),
    }


def orders_text(found: dict[str, Any], sent: int) -> str:
    remarks = f"{found['as_sent']:,} as sent", f"the company has {found['company_purchase_orders']:,}"
    return (
        f"{once_text(found, 'orders', sent, *remarks, what='purchase orders')}; transfers: {statuses_text(found)}, "
        f"{found['transfers_with_txn_id']:,} with their TxnID"
    )


# -- the run: both scenarios on one app, one table, one company ------------------------------------------


def seeded_company(size: Size) -> QuickBooksCompany:
    """The sample company, every second vendor and every second product (an inventory part with stock)."""
    from simulators.quickbooks import ItemInventory, QuickBooksCompany, Vendor

    company = QuickBooksCompany.sample()
    for n in range(size.vendors_used):
        if is_known(n):
            company.add(Vendor(name=vendor(n)["name"]))
    accounts = {
        role: company.accounts.find(name)
        for role, name in (
            ("income", "Sales:Product Sales"),
            ("cogs", "Cost of Goods Sold"),
            ("asset", "Inventory Asset"),
        )
    }
    income, cogs, asset = accounts["income"], accounts["cogs"], accounts["asset"]
    assert income is not None and cogs is not None and asset is not None, "the sample chart changed"
    for p in range(size.products):
        if is_stocked(p):
            cost = Decimal(10 + p % 30)
            company.add(
                ItemInventory(
                    name=product(p),
                    income_account=income,
                    cogs_account=cogs,
                    asset_account=asset,
                    sales_price=cost * 2,
                    purchase_cost=cost,
                    quantity_on_hand=initial_on_hand(p),
                    average_cost=cost,
                )
            )
    return company


@dataclass
class Run:
    orders: Measured
    receipts: Measured
    final_check: dict[str, Any]


def run(orders: OrderScenario, receipts: ReceiptScenario) -> Run:
    """Both scenarios on one app and one connector, one after the other, then the purchase orders again."""
    probe = Probe()
    with in_process_app(probe) as running, instrumented(probe):
        stage = orders.connect(running)
        first, orders_sent = orders.measure(stage)
        second, _ = receipts.measure(stage, first.conversations[-1].number + 1)
        probe.phase = VERIFY
        final_check = orders_found(running, stage.company, orders_sent)
    return Run(first, second, final_check)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.purchase_orders", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--purchase-orders",
        type=int,
        default=PURCHASE_ORDERS,
        help=f"how many purchase orders (default {PURCHASE_ORDERS}; 10 for a quick run)",
    )
    parser.add_argument(
        "--lines",
        type=int,
        default=LINES_PER_ORDER,
        help=f"lines per purchase order (default {LINES_PER_ORDER})",
    )
    parser.add_argument("--vendors", type=int, default=VENDORS, help=f"how many vendors (default {VENDORS})")
    parser.add_argument(
        "--products", type=int, default=PRODUCTS, help=f"how many distinct products (default {PRODUCTS})"
    )
    args = parser.parse_args(argv)
    products = max(1, args.products)
    size = Size(
        orders=max(1, args.purchase_orders),
        lines=min(max(1, args.lines), products),  # a product once per order
        vendors=max(1, args.vendors),
        products=products,
    )

    prepare_process()
    started = time.perf_counter()
    now = datetime.now(UTC)
    company = seeded_company(size)
    orders, receipts = OrderScenario(size, company), ReceiptScenario(size, company)
    measured = run(orders, receipts)
    result: dict[str, Any] = {"generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), **versions()}
    result["purchase_orders"] = orders.result(measured.orders)
    result["receipts_and_levels"] = receipts.result(measured.receipts)
    result["purchase_orders_after_both"] = measured.final_check
    result["bench_runtime_s"] = round(time.perf_counter() - started, 1)
    print(
        f"qbwc-bridge purchase-order benchmark, {result['generated_at']} ({result['machine']})\n"
        f"Python {result['python']}, moto {result['moto']}, boto3 {result['boto3']}; in-process against moto; "
        "CPU = time.process_time; nothing here is asserted."
    )
    print(orders.report(result["purchase_orders"]))
    print("\n" + "-" * 110)
    print(receipts.report(result["receipts_and_levels"]))
    final = measured.final_check
    print(
        f"\ncheck after both scenarios: {orders_text(final, size.orders)}: "
        f"{'OK, every purchase order transferred exactly once' if final['ok'] else 'NOT OK'}"
    )
    print("", *CPU_COLUMNS_NOTE, sep="\n")
    name = "purchase-orders" if size.is_default else f"purchase-orders-{size.orders}x{size.lines}"
    where = write_results(name, result, now)
    print(f"\nbenchmark took {result['bench_runtime_s']} s; JSON: {where}")


if __name__ == "__main__":
    main()
