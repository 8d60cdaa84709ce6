"""Timesheets as a PSA would send them, for tests and benchmarks (deterministic)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.transfers.invoice_factory import BILLING_CODES, LINES_OF_BUSINESS, organization

FIRST = ("Jane", "Omar", "Li", "Ana", "Sam", "Kofi", "Mia", "Raj", "Eva", "Tom", "Zoe", "Ivan")
LAST = (
    "Smith",
    "Haddad",
    "Chen",
    "Silva",
    "Berg",
    "Mensah",
    "Novak",
    "Patel",
    "Roth",
    "Kent",
    "Ito",
    "Popov",
)
PAYROLL = ("Regular", "Overtime")


def resource(n: int) -> dict[str, Any]:
    return {"id": f"R-{n:03d}", "first_name": FIRST[n % len(FIRST)], "last_name": LAST[n % len(LAST)]}


def employee_name(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}"


def timesheet(
    n: int, *, resource_n: int, period: int = 0, entries: int = 7, organizations: int = 20
) -> dict[str, Any]:
    """Two weeks (period ``period`` from 2026-09-07) of ``entries`` entries for resource ``resource_n``."""
    start = dt.date(2026, 9, 7) + dt.timedelta(days=14 * period)
    return {
        "source_id": f"TS-{n:04d}",
        "resource": resource(resource_n),
        "period": {"start": start.isoformat(), "end": (start + dt.timedelta(days=13)).isoformat()},
        "entries": [
            {
                "id": f"TE-{n}-{i}",
                "date": (start + dt.timedelta(days=i % 14)).isoformat(),
                "hours": [7.5, 8, 0.25, 4.75][(n + i) % 4],
                "billing_code": BILLING_CODES[(n + i) % len(BILLING_CODES)],
                "organization": {
                    "id": organization((n + i) % organizations)["id"],
                    "name": organization((n + i) % organizations)["name"],
                },
                "line_of_business": LINES_OF_BUSINESS[(n + i) % 2],
                "payroll_category": PAYROLL[(n + i) % 2],
                "billable": (n + i) % 3 != 0,
                "notes": f"T{n}.{i}",
            }
            for i in range(entries)
        ],
    }
