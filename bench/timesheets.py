"""What 1,000 timesheet entries cost on their way into QuickBooks: measured and printed, never asserted.

Run ``make bench`` (or ``.venv/bin/python -m bench.timesheets``; ``--timesheets 10`` for a quick run of 100
entries, ``--entries N`` for N entries per timesheet). ``bench.transfers`` describes the run and what is
measured, ``bench.measure`` the set-up and the probes. 100 bi-weekly timesheets of 10 entries each (1,000
entries) for 20 resources (5 periods each) and 50 organizations (four service billing codes, two lines of
business mapped to classes, two payroll categories mapped to wage items) are enqueued through ``POST
/api/transfers/timesheets`` with a source token; the connector has timesheet transfers on, QuickBooks is the
sample company at its default sizes plus one employee per resource (every second one paid from time data,
so its entries carry a payroll wage item), and none of the organizations is a customer yet.

What is the timesheets' own:

* **Steps** a round trip is classified by: preflight (list reads and the company check), people (employees
  with their payroll info, vendors), reconcile, customer creation, item creation, time adds (one
  TimeTrackingAdd per entry).
* **Figures per transferred entry**; enqueued timesheets per second. Per-entry ratios are printed to three
  decimals and goal figures as computed.
* **Goals**: at most 10 round trips per 1,000 entries including preflight and customer creation, at most
  1.32 DynamoDB requests per entry, no posting over the message budget.
* **Verification**: every entry is in the simulated company exactly once (by its ExternalGUID), the company
  has exactly as many time records as entries, every timesheet is ``transferred`` with each entry's TxnID
  on it.

Output: a plain-text table on stdout, and the same data as JSON in ``bench/results/timesheets-<UTC
time>.json`` and ``bench/results/timesheets-latest.json`` (another size writes
``timesheets-<timesheets>x<entries>-*``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.invoices import organization
from bench.transfers import Sent, TransferBenchmark, once, once_text, statuses_text

if TYPE_CHECKING:
    from bench.measure import InProcessApp
    from simulators.quickbooks import QuickBooksCompany

TIMESHEETS = 100
ENTRIES_PER_TIMESHEET = 10
RESOURCES = 20
ORGANIZATIONS = 50
GOAL_ROUND_TRIPS_PER_1000 = 10
GOAL_DYNAMODB_PER_ENTRY = 1.32

BILLING_CODES = ("Remote Support", "Onsite Support", "Project Work", "Backup Monitoring")  # service items
LINES_OF_BUSINESS = {  # line of business -> class in the sample company
    "Managed Services": "Consulting:Remote",
    "Projects": "Consulting:Onsite",
}
PAYROLL_CATEGORIES = {"Regular": "Hourly", "Overtime": "Overtime"}  # -> wage items of the sample company
_FIRST = ("Jane", "Omar", "Li", "Ana", "Sam", "Kofi", "Mia", "Raj", "Eva", "Tom")
_LAST = ("Smith", "Haddad", "Chen", "Silva", "Berg", "Mensah", "Novak", "Patel", "Roth", "Kent", "Ito")
_HOURS = ("7.5", "8", "0.25", "4.75", "1.5")

# What each step key (the requestID prefix) is, for the round-trip breakdown; in the order of a conversation.
STEP_GROUPS = (
    ("list.", "preflight"),
    ("check", "preflight"),
    ("timesheets.people", "people"),
    ("timesheets.reconcile", "reconcile"),
    ("timesheets.customers", "customers"),
    ("timesheets.items", "items"),
    ("timesheets.add", "time adds"),
)


# -- the timesheets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """How much is sent: ``timesheets`` of ``entries`` entries, round-robin over the resources."""

    timesheets: int = TIMESHEETS
    entries: int = ENTRIES_PER_TIMESHEET
    resources: int = RESOURCES
    organizations: int = ORGANIZATIONS

    @property
    def total_entries(self) -> int:
        return self.timesheets * self.entries

    @property
    def is_default(self) -> bool:
        return self == Size()


def resource(n: int) -> dict[str, Any]:
    """The n-th PSA resource (deterministic; names unique for n < 110)."""
    return {
        "id": f"RES-{n:04d}",
        "first_name": _FIRST[n % len(_FIRST)],
        "last_name": _LAST[(n % len(_FIRST) + n // len(_FIRST)) % len(_LAST)],
    }


def employee_name(n: int) -> str:
    person = resource(n)
    return f"{person['first_name']} {person['last_name']}"


def timesheet(n: int, size: Size) -> dict[str, Any]:
    """The n-th timesheet: resource ``n % resources``, its bi-weekly period ``n // resources`` from 2026-09-07."""
    start = dt.date(2026, 9, 7) + dt.timedelta(days=14 * (n // size.resources))
    entries = []
    for i in range(size.entries):
        k = n * size.entries + i
        org = organization(k % size.organizations)
        entries.append(
            {
                "id": f"TE-{n:05d}-{i:02d}",
                "date": (start + dt.timedelta(days=i % 14)).isoformat(),
                "hours": _HOURS[k % len(_HOURS)],
                "billing_code": BILLING_CODES[k % len(BILLING_CODES)],
                "organization": {"id": org["id"], "name": org["name"]},
                "line_of_business": tuple(LINES_OF_BUSINESS)[k % 2],
                "payroll_category": tuple(PAYROLL_CATEGORIES)[(k // 3) % 2],
                "billable": k % 4 != 3,
                "notes": f"Ticket T{2026_0000 + k}",
            }
        )
    return {
        "source_id": f"PSA-TS-{n:06d}",
        "resource": resource(n % size.resources),
        "period": {"start": start.isoformat(), "end": (start + dt.timedelta(days=13)).isoformat()},
        "entries": entries,
    }


# -- the benchmark ---------------------------------------------------------------------------------------


class TimesheetBenchmark(TransferBenchmark):
    kind = "timesheets"
    unit, units = "entry", "entries"
    qbwc_username = "payroll-pc"
    lines_of_business = LINES_OF_BUSINESS
    step_groups = STEP_GROUPS
    step_note = (
        "  step columns: round trips carrying that step's requests / its qbXML requests. preflight = the list reads",
        "  and the company check; people = the employees (with their payroll info) and vendors the resources may be",
    )
    goal_round_trips_per_1000 = GOAL_ROUND_TRIPS_PER_1000
    goal_dynamodb_per_unit = GOAL_DYNAMODB_PER_ENTRY
    enqueued_rate, transferred_rate = "enqueued_timesheets_per_s", "transferred_entries_per_s"
    exact_figures = app_cpu_figures = True

    def __init__(self, size: Size) -> None:
        self.size = size

    @property
    def results_name(self) -> str:
        size = self.size
        return "timesheets" if size.is_default else f"timesheets-{size.timesheets}x{size.entries}"

    def set_up(self, running: InProcessApp, mappings: str) -> None:
        running.api(
            "PUT",
            f"{mappings}/payroll-categories",
            {"entries": [{"source": c, "payroll_item": item} for c, item in PAYROLL_CATEGORIES.items()]},
        )

    def company(self) -> QuickBooksCompany:
        from simulators.quickbooks import QuickBooksCompany

        names = [employee_name(n) for n in range(self.size.resources)]
        return QuickBooksCompany.sample(
            employees_named=names,
            use_time_data={
                name: "UseTimeData" if n % 2 else "DoNotUseTimeData" for n, name in enumerate(names)
            },
        )

    def company_counts(self, company: QuickBooksCompany) -> dict[str, int]:
        return {"employees": len(company.employees), "time_records": len(company.time_tracking())}

    def documents(self) -> list[dict[str, Any]]:
        return [timesheet(n, self.size) for n in range(self.size.timesheets)]

    def verify(self, running: InProcessApp, company: QuickBooksCompany, sent: Sent) -> dict[str, Any]:
        """Every entry in QuickBooks exactly once, every timesheet transferred with each entry's TxnID."""
        from chalicelib.transfers.timesheets.pipeline import entry_guid

        size = self.size
        copies: Counter[int] = Counter()
        parts_complete = 0
        statuses: Counter[str] = Counter()
        for transfer_id, document in sent.items():
            entry_ids = [str(e["id"]) for e in document["entries"]]
            copies.update(
                len(company.time_tracking(external_guid=entry_guid(transfer_id, e))) for e in entry_ids
            )
            transfer = running.store.transfers.get(transfer_id)
            statuses[transfer.status] += 1
            parts_complete += set(transfer.qb_parts) == set(entry_ids)
        names = [c.full_name for c in company.customers]
        wanted = {organization(n)["name"] for n in range(size.organizations)}
        records = len(company.time_tracking())
        return {
            **once(copies, "entries"),
            "company_time_records": records,
            "statuses": dict(statuses.most_common()),
            "timesheets_with_every_txn_id": parts_complete,
            "customers_for_organizations": sum(1 for name in names if name in wanted),
            "ok": copies == Counter({1: size.total_entries})
            and statuses == Counter({"transferred": len(sent)})
            and parts_complete == len(sent)
            and records == size.total_entries,
        }

    def transferred(self, verification: dict[str, Any]) -> int:
        return int(verification["entries_exactly_once"])

    def summary(self) -> dict[str, Any]:
        return {
            "timesheets": self.size.timesheets,
            "entries": self.size.total_entries,
            "resources": self.size.resources,
            "organizations": self.size.organizations,
        }

    def headline(self, r: dict[str, Any]) -> str:
        start, end = r["company_at_start"], r["company_at_end"]
        return (
            f"== timesheets: {r['timesheets']:,} timesheets ({r['entries']:,} entries) for {r['resources']} "
            f"resources and {r['organizations']} organizations, none of them a customer yet; sample company "
            f"({start['customers']} customers, {start['items']} items, {start['employees']} employees; after: "
            f"{end['customers']} customers, {end['items']} items, {end['time_records']:,} time records)"
        )

    def verification_line(self, r: dict[str, Any]) -> str:
        v = r["verification"]
        found = once_text(
            v, "entries", r["entries"], f"the company has {v['company_time_records']:,} time records"
        )
        return (
            f"  verification: {found}; timesheets: {statuses_text(v)}, "
            f"{v['timesheets_with_every_txn_id']:,} with every entry's TxnID; {v['customers_for_organizations']} "
            f"customers for the {r['organizations']} organizations: {'OK' if v['ok'] else 'NOT OK'}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.timesheets", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--timesheets",
        type=int,
        default=TIMESHEETS,
        help=f"how many timesheets (default {TIMESHEETS}; 10 for a quick run)",
    )
    parser.add_argument(
        "--entries",
        type=int,
        default=ENTRIES_PER_TIMESHEET,
        help=f"entries per timesheet (default {ENTRIES_PER_TIMESHEET}, at most 14: one a day of the period)",
    )
    args = parser.parse_args(argv)
    size = Size(timesheets=max(1, args.timesheets), entries=min(max(1, args.entries), 14))
    TimesheetBenchmark(size).main()


if __name__ == "__main__":
    main()
