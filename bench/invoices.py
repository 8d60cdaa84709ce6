"""What 1,000 invoices cost on their way into QuickBooks: measured and printed, never asserted.

Run ``make bench`` (or ``.venv/bin/python -m bench.invoices``). ``bench.transfers`` describes the run and what
is measured, ``bench.measure`` the set-up and the probes. 1,000 invoices for 200 organizations (2-3 lines
each, five billing codes, three lines of business mapped to classes, every sixth organization tax exempt)
are enqueued through ``POST /api/transfers/invoices`` with a source token; the connector has invoice
transfers on, QuickBooks is the sample company at its default sizes, where none of the customers exist.

What is the invoices' own:

* **Steps** a round trip is classified by: preflight (list reads and the company check), reconcile,
  customer creation, item creation, invoice adds, paid-date sync.
* **Goals**: at most 15 round trips per 1,000 invoices including preflight and customer creation, at most 2
  DynamoDB requests per invoice, no posting over the message budget.
* **Verification**: every invoice is in the simulated company exactly once (by ExternalGUID) and every
  transfer is ``transferred``.

Output: a plain-text table on stdout, and the same data as JSON in ``bench/results/invoices-<UTC
time>.json`` and ``bench/results/invoices-latest.json``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from bench.transfers import Sent, TransferBenchmark, once, once_text, statuses_text

if TYPE_CHECKING:
    from bench.measure import InProcessApp
    from simulators.quickbooks import QuickBooksCompany

INVOICES = 1_000
ORGANIZATIONS = 200
GOAL_ROUND_TRIPS_PER_1000 = 15
GOAL_DYNAMODB_PER_INVOICE = 2.0

BILLING_CODES = ("Remote Support", "Onsite Support", "Project Work", "Backup Monitoring", "Hardware")
LINES_OF_BUSINESS = {  # line of business -> class in the sample company
    "Managed Services": "Consulting:Remote",
    "Projects": "Consulting:Onsite",
    "Hardware Sales": "Retail",
}
_PRACTICES = ("Dental", "Law Offices", "Veterinary Clinic", "Accounting", "Family Medicine", "Architects")
_TOWNS = ("Springfield", "Riverton", "Lakeside", "Fairview", "Greenville", "Oak Ridge", "Milford", "Salem")

# What each step key (the requestID prefix) is, for the round-trip breakdown; in the order of a conversation.
STEP_GROUPS = (
    ("list.", "preflight"),
    ("check", "preflight"),
    ("invoices.reconcile", "reconcile"),
    ("invoices.customers", "customers"),
    ("invoices.items", "items"),
    ("invoices.add", "invoice adds"),
    ("invoices.paid", "paid dates"),
)


# -- the invoices ----------------------------------------------------------------------------------------


def organization(n: int) -> dict[str, Any]:
    """The n-th PSA organization (deterministic); every sixth is tax exempt."""
    town = _TOWNS[n % len(_TOWNS)]
    return {
        "id": f"ORG-{n:05d}",
        "name": f"{town} {_PRACTICES[n % len(_PRACTICES)]} {n:03d}",
        "tax_exempt": n % 6 == 0,
        "email": f"ap{n}@org{n}.example",
        "bill_address": {
            "lines": [f"{100 + n} Market Street"],
            "city": town,
            "state": "OR",
            "postal_code": "97301",
        },
    }


def invoice(n: int, organizations: int = ORGANIZATIONS) -> dict[str, Any]:
    """The n-th invoice (deterministic): organization ``n % organizations``, 2 or 3 lines."""
    lines: list[dict[str, Any]] = []
    for i in range(2 + n % 2):
        code = BILLING_CODES[(n + 2 * i) % len(BILLING_CODES)]
        line: dict[str, Any] = {
            "billing_code": code,
            "description": f"{code}, November ({n}-{i})",
            "line_of_business": "Hardware Sales"
            if code == "Hardware"
            else tuple(LINES_OF_BUSINESS)[(n + i) % 2],
            "taxable": code == "Hardware",
        }
        if code == "Hardware":
            line["amount"] = f"{149 + (n % 7) * 50}.00"
        else:
            line.update(quantity=f"{1 + (n + i) % 4}.5", rate="125.00" if code == "Project Work" else "95.50")
        lines.append(line)
    return {
        "source_id": f"PSA-INV-{n:06d}",
        "number": f"B{20000 + n}",
        "date": "2026-11-20",
        "due_date": "2026-12-20",
        "po_number": f"PO-{n % 97}",
        "memo": f"Managed services, November 2026 (#{n})",
        "organization": organization(n % organizations),
        "lines": lines,
    }


# -- the benchmark ---------------------------------------------------------------------------------------


class InvoiceBenchmark(TransferBenchmark):
    kind = "invoices"
    unit, units = "invoice", "invoices"
    qbwc_username = "office-pc"
    lines_of_business = LINES_OF_BUSINESS
    step_groups = STEP_GROUPS
    step_note = (
        "  step columns: round trips carrying that step's requests / its qbXML requests. preflight = the list reads",
        "  and the company check; paid dates = the check of transferred invoices' paid dates (due once invoices",
        "  are transferred, then every paid_date_sync_minutes)",
    )
    goal_round_trips_per_1000 = GOAL_ROUND_TRIPS_PER_1000
    goal_dynamodb_per_unit = GOAL_DYNAMODB_PER_INVOICE
    enqueued_rate, transferred_rate = "enqueued_per_s", "transferred_per_s"
    runs = 5  # the CPU per callback is taken as the max over five runs

    def company(self) -> QuickBooksCompany:
        from simulators.quickbooks import QuickBooksCompany

        return QuickBooksCompany.sample()

    def company_counts(self, company: QuickBooksCompany) -> dict[str, int]:
        return {"invoices": len(company.invoices)}

    def documents(self) -> list[dict[str, Any]]:
        return [invoice(n) for n in range(INVOICES)]

    def verify(self, running: InProcessApp, company: QuickBooksCompany, sent: Sent) -> dict[str, Any]:
        """Every invoice in QuickBooks exactly once, every transfer transferred."""
        from chalicelib.domain.transfer import external_guid

        ids = list(sent)

        copies = Counter(len(company.find_invoices_by_external_guid(external_guid(i))) for i in ids)
        statuses = Counter(running.store.transfers.get(i).status for i in ids)
        names = [c.full_name for c in company.customers]
        wanted = {organization(n)["name"] for n in range(ORGANIZATIONS)}
        return {
            **once(copies, "invoices"),
            "company_invoices": len(company.invoices),
            "statuses": dict(statuses.most_common()),
            "customers_for_organizations": sum(1 for name in names if name in wanted),
            "ok": copies == Counter({1: len(ids)})
            and statuses == Counter({"transferred": len(ids)})
            and len(company.invoices) == len(ids),
        }

    def transferred(self, verification: dict[str, Any]) -> int:
        return int(verification["statuses"].get("transferred", 0))

    def summary(self) -> dict[str, Any]:
        return {
            "invoices": INVOICES,
            "organizations": ORGANIZATIONS,
            "lines": sum(len(invoice(n)["lines"]) for n in range(INVOICES)),
        }

    def headline(self, r: dict[str, Any]) -> str:
        start, end = r["company_at_start"], r["company_at_end"]
        return (
            f"== invoices: {r['invoices']:,} invoices ({r['lines']:,} lines) for {r['organizations']} organizations, "
            f"none of them a customer yet; sample company ({start['customers']} customers, {start['items']} items; "
            f"after: {end['customers']} customers, {end['items']} items, {end['invoices']:,} invoices)"
        )

    def verification_line(self, r: dict[str, Any]) -> str:
        v = r["verification"]
        found = once_text(v, "invoices", r["invoices"], f"the company has {v['company_invoices']:,} invoices")
        return (
            f"  verification: {found}; transfers: {statuses_text(v)}; {v['customers_for_organizations']} "
            f"customers for the {r['organizations']} organizations: {'OK' if v['ok'] else 'NOT OK'}"
        )


def main() -> None:
    InvoiceBenchmark().main()


if __name__ == "__main__":
    main()
