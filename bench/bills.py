"""What 1,000 vendor bills cost on their way into QuickBooks: measured and printed, never asserted.

Run ``make bench`` (or ``.venv/bin/python -m bench.bills``; ``--bills 100`` for a quick run, ``--vendors N``
for another number of vendors). ``bench.transfers`` describes the run and what is measured, ``bench.measure``
the set-up and the probes. 1,000 bills approved in the source application for 200 vendors, three lines each
(two expense lines on five expense accounts of the sample company, taken verbatim, and one item line on four
products) are enqueued through ``POST /api/transfers/bills`` with a source token; the connector (the first,
so the default one, where bills go) has bill transfers on, QuickBooks is the sample company at its default
sizes plus every second vendor (found by name and linked; the others are created, with their address), and
two of the four products are items of the sample company (the other two become non-inventory parts).

What is the bills' own:

* **Steps** a round trip is classified by: preflight (list reads and the company check), reconcile, vendors
  (query, then VendorAdd for the new ones), customers, items (query, then the new non-inventory parts), bill
  adds (one BillAdd per bill), paid dates (the first check of the transferred bills' paid dates).
* **Figures per transferred bill**, printed to three decimals; enqueued bills per second.
* **Goals**: at most 10 round trips per 1,000 bills including preflight and vendor creation, at most 1.32
  DynamoDB requests per bill, no posting over the message budget.
* **Verification**: every bill is in the simulated company exactly once (by its ExternalGUID) with its three
  lines and the document's total, the company has exactly as many bills as were sent, every transfer is
  ``transferred`` with its bill's TxnID; every vendor and every product is in QuickBooks exactly once.

Output: a plain-text table on stdout, and the same data as JSON in ``bench/results/bills-<UTC time>.json``
and ``bench/results/bills-latest.json`` (another size writes ``bills-<bills>x<vendors>-*``).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bench.transfers import Sent, TransferBenchmark, find_sent, once, once_text, statuses_text

if TYPE_CHECKING:
    from bench.measure import InProcessApp
    from simulators.quickbooks import QuickBooksCompany

BILLS = 1_000
VENDORS = 200
GOAL_ROUND_TRIPS_PER_1000 = 10
GOAL_DYNAMODB_PER_BILL = 1.32

# Expense accounts of the sample company (full names, taken verbatim).
ACCOUNTS = (
    "Office Supplies",
    "Travel Expense",
    "Professional Fees",
    "Utilities:Telephone",
    "Automobile:Fuel",
)
# Products bought on item lines: the first two are items of the sample company, the others are created.
PRODUCTS = ("Cable", "Panel", "Laptop 14in", "Dock USB-C")
NEW_PRODUCTS = PRODUCTS[2:]
LINES_OF_BUSINESS = {"Managed Services": "Consulting:Remote"}  # the run maps one; no bill line names it
_WORDS = ("Summit", "Harbor", "Cedar", "Northwind", "Bluebird", "Granite", "Maple", "Riverside", "Oak")
_TRADES = ("Office Supply", "Telecom", "IT Distribution", "Electric", "Couriers", "Software", "Leasing")
_TOWNS = ("Round Rock", "Salem", "Springfield", "Fairview", "Lakeside", "Milford")

# What each step key (the requestID prefix) is, for the round-trip breakdown; in the order of a conversation.
STEP_GROUPS = (
    ("list.", "preflight"),
    ("check", "preflight"),
    ("bills.reconcile", "reconcile"),
    ("bills.vendors", "vendors"),
    ("bills.customers", "customers"),
    ("bills.items", "items"),
    ("bills.add", "bill adds"),
    ("bills.paid", "paid dates"),
)


# -- the bills -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """How much is sent: ``bills`` bills, round-robin over ``vendors`` vendors (every second one known)."""

    bills: int = BILLS
    vendors: int = VENDORS

    @property
    def is_default(self) -> bool:
        return self == Size()


def vendor(n: int) -> dict[str, Any]:
    """The n-th vendor of the source application (deterministic, names unique), with its address."""
    return {
        "id": f"PSA-V-{n:05d}",
        "name": f"{_WORDS[n % len(_WORDS)]} {_TRADES[n % len(_TRADES)]} {n:04d}",
        "address": {
            "line1": f"{100 + n} Commerce Way",
            "city": _TOWNS[n % len(_TOWNS)],
            "state": "TX",
            "postal_code": f"{78600 + n % 100}",
            "country": "US",
        },
    }


def is_known(vendor_n: int) -> bool:
    """Whether the vendor is in QuickBooks before the run (every second one)."""
    return vendor_n % 2 == 1


def bill(n: int, size: Size) -> dict[str, Any]:
    """The n-th bill (deterministic): vendor ``n % vendors``, two expense lines and one item line."""
    first, second = ACCOUNTS[n % len(ACCOUNTS)], ACCOUNTS[(n + 2) % len(ACCOUNTS)]
    product = PRODUCTS[n % len(PRODUCTS)]
    return {
        "source_id": f"PSA-AP-{n:06d}",
        "number": f"INV-{50000 + n}",
        "date": "2026-11-20",
        "due_date": "2026-12-20",
        "vendor": vendor(n % size.vendors),
        **({"terms": "Net 30"} if n % 3 == 0 else {}),
        "memo": f"Approved bill {n} (PO {n % 97})",
        "expense_lines": [
            {
                "account": first,
                "amount": f"{20 + (n * 41) % 400}.{(n * 7) % 100:02d}",
                "memo": f"{first}, November",
            },
            {"account": second, "amount": f"{5 + (n * 17) % 90}.50"},
        ],
        "item_lines": [
            {
                "product": product,
                "quantity": 1 + n % 3,
                "cost": f"{49 + (n % 5) * 50}.00",
                "description": product,
            }
        ],
    }


def total(document: dict[str, Any]) -> Decimal:
    """What the bill asks for: its expense lines plus quantity x cost of its item lines."""
    expenses = sum((Decimal(line["amount"]) for line in document["expense_lines"]), Decimal(0))
    items = sum(
        (Decimal(line["quantity"]) * Decimal(line["cost"]) for line in document["item_lines"]), Decimal(0)
    )
    return expenses + items


# -- the benchmark ---------------------------------------------------------------------------------------


class BillBenchmark(TransferBenchmark):
    kind = "bills"
    unit, units = "bill", "bills"
    qbwc_username = "ap-pc"
    lines_of_business = LINES_OF_BUSINESS
    step_groups = STEP_GROUPS
    step_note = (
        "  step columns: round trips carrying that step's requests / its qbXML requests. preflight = the list reads",
        "  and the company check; vendors = the vendors query and the VendorAdds of the new ones; items = the items",
        "  query and the new non-inventory parts; paid dates = the first check of transferred bills' paid dates",
    )
    goal_round_trips_per_1000 = GOAL_ROUND_TRIPS_PER_1000
    goal_dynamodb_per_unit = GOAL_DYNAMODB_PER_BILL
    enqueued_rate, transferred_rate = "enqueued_per_s", "transferred_per_s"
    exact_figures = app_cpu_figures = True

    def __init__(self, size: Size) -> None:
        self.size = size

    @property
    def results_name(self) -> str:
        size = self.size
        return "bills" if size.is_default else f"bills-{size.bills}x{size.vendors}"

    @property
    def vendors_used(self) -> int:
        return min(self.size.vendors, self.size.bills)

    def company(self) -> QuickBooksCompany:
        from simulators.quickbooks import QuickBooksCompany, Vendor

        company = QuickBooksCompany.sample()
        for n in range(self.vendors_used):
            if is_known(n):
                company.add(Vendor(name=vendor(n)["name"]))
        return company

    def company_counts(self, company: QuickBooksCompany) -> dict[str, int]:
        return {"vendors": len(company.vendors), "bills": len(company.bills)}

    def documents(self) -> list[dict[str, Any]]:
        return [bill(n, self.size) for n in range(self.size.bills)]

    def verify(self, running: InProcessApp, company: QuickBooksCompany, sent: Sent) -> dict[str, Any]:
        """Every bill in QuickBooks exactly once as sent, every transfer transferred with its TxnID; every
        vendor and product once."""
        found = find_sent(
            running,
            sent,
            company.find_bills_by_external_guid,
            lambda one, document: (
                one.vendor.name == document["vendor"]["name"]
                and one.ref_number == document["number"]
                and len(one.expense_lines) == 2
                and len(one.item_lines) == 1
                and one.total == total(document)
            ),
        )
        vendor_names = Counter(v.name for v in company.vendors)
        item_names = Counter(i.full_name for i in company.items)
        wanted = [vendor(n)["name"] for n in range(self.vendors_used)]
        bills = len(company.bills)
        return {
            **once(found.copies, "bills"),
            "bills_as_sent": found.as_sent,
            "company_bills": bills,
            "statuses": dict(found.statuses.most_common()),
            "transfers_with_txn_id": found.with_txn_id,
            "vendors_once": sum(1 for name in wanted if vendor_names[name] == 1),
            "vendors_created": sum(1 for n in range(self.vendors_used) if not is_known(n)),
            "products_once": sum(1 for product in PRODUCTS if item_names[product] == 1),
            "ok": found.all_transferred(len(sent))
            and bills == len(sent)
            and all(vendor_names[name] == 1 for name in wanted)
            and all(item_names[product] == 1 for product in PRODUCTS),
        }

    def transferred(self, verification: dict[str, Any]) -> int:
        return int(verification["bills_exactly_once"])

    def summary(self) -> dict[str, Any]:
        return {
            "bills": self.size.bills,
            "vendors": self.vendors_used,
            "vendors_known": sum(1 for n in range(self.vendors_used) if is_known(n)),
            "lines": 3 * self.size.bills,
            "products": len(PRODUCTS),
            "new_products": len(NEW_PRODUCTS),
        }

    def headline(self, r: dict[str, Any]) -> str:
        start, end = r["company_at_start"], r["company_at_end"]
        return (
            f"== bills: {r['bills']:,} bills ({r['lines']:,} lines: 2 expense lines and 1 item line each) for "
            f"{r['vendors']} vendors, {r['vendors_known']} of them in QuickBooks already; {r['products']} products, "
            f"{r['new_products']} of them new; sample company ({start['vendors']} vendors, {start['items']} items; "
            f"after: {end['vendors']} vendors, {end['items']} items, {end['bills']:,} bills)"
        )

    def verification_line(self, r: dict[str, Any]) -> str:
        v = r["verification"]
        found = once_text(
            v,
            "bills",
            r["bills"],
            f"{v['bills_as_sent']:,} with their vendor, number, three lines and total",
            f"the company has {v['company_bills']:,} bills",
        )
        return (
            f"  verification: {found}; transfers: "
            f"{statuses_text(v)}, {v['transfers_with_txn_id']:,} with their bill's TxnID; {v['vendors_once']} of "
            f"{r['vendors']} vendors once ({v['vendors_created']} created); {v['products_once']} of "
            f"{r['products']} products once: {'OK' if v['ok'] else 'NOT OK'}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bills", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--bills", type=int, default=BILLS, help=f"how many bills (default {BILLS:,}; 100 for a quick run)"
    )
    parser.add_argument(
        "--vendors",
        type=int,
        default=VENDORS,
        help=f"how many vendors the bills go round (default {VENDORS}; every second one is in QuickBooks)",
    )
    args = parser.parse_args(argv)
    BillBenchmark(Size(bills=max(1, args.bills), vendors=max(1, args.vendors))).main()


if __name__ == "__main__":
    main()
