"""Invoices as a PSA would send them, for tests and benchmarks (deterministic)."""

from __future__ import annotations

from typing import Any

BILLING_CODES = ("Remote Support", "Onsite Support", "Project Work", "Hardware")
LINES_OF_BUSINESS = ("Managed Services", "Projects")


def organization(n: int) -> dict[str, Any]:
    return {
        "id": f"ORG-{n:04d}",
        "name": f"Client {n:04d} Dental",
        "tax_exempt": n % 5 == 0,
        "email": f"billing{n}@client.example",
        "bill_address": {
            "lines": [f"{n} Main Street"],
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
        },
    }


def invoice(n: int, *, org: int, lines: int = 2, billing_code: str | None = None) -> dict[str, Any]:
    return {
        "source_id": f"INV-{n:05d}",
        "number": f"{10000 + n}",
        "date": "2026-11-20",
        "due_date": "2026-12-20",
        "po_number": f"PO-{n}",
        "memo": f"Services for November (#{n})",
        "organization": organization(org),
        "lines": [
            {
                "billing_code": billing_code or BILLING_CODES[(n + i) % len(BILLING_CODES)],
                "description": f"Line {i} of invoice {n}",
                "quantity": 1 + (n + i) % 3,
                "rate": 95.5,
                "line_of_business": LINES_OF_BUSINESS[(n + i) % 2],
                "taxable": i % 2 == 0,
            }
            for i in range(lines)
        ],
    }


def expected_total(document: dict[str, Any]) -> str:
    total = sum(round(line["quantity"] * line["rate"], 2) for line in document["lines"])
    return f"{total:.2f}"
