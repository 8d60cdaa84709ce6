"""Expense reports, vendor bills and journal entries through both simulators, in-process: exactly once with lost
answers, vendors linked / found / created, accounts verbatim, paid dates back, and the failures with their fix."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.qbxml.validation import qbxml_errors
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, connect, table_snapshot
from tests.transfers.invoice_factory import organization


@pytest.fixture
def setup(admin: Admin) -> dict[str, Any]:
    connector = admin.connector(transfers={"expense_reports": True, "bills": True, "journal_entries": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    admin.call(
        "PUT",
        f"/api/connectors/{connector['id']}/mappings/expense-categories",
        {
            "entries": [
                {"source": "Mileage", "account": "Automobile:Mileage", "reimbursable": True},
                {"source": "Travel", "account": "Travel Expense", "reimbursable": True, "billable": True},
                {"source": "Company card", "account": "Travel Expense", "reimbursable": False},
            ]
        },
        200,
    )
    return {"connector": connector, "qwc": qwc, "password": password}


def run_until_idle(client: Any, setup: dict[str, Any], company: QuickBooksCompany, **options: Any) -> None:
    for _ in range(10):
        if connect(client, setup["qwc"], setup["password"], company, **options).run().outcome == "none":
            return
        options = {}
    raise AssertionError("still busy")


def bill(n: int, vendor: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "source_id": f"AP-{n}",
        "number": f"INV-{n}",
        "date": "2026-11-20",
        "due_date": "2026-12-20",
        "vendor": vendor,
        "memo": f"Bill {n}",
        "expense_lines": [
            {"account": "Office Supplies", "amount": "120.00", "memo": "Paper"},
            {
                "account": "Travel Expense",
                "amount": "35.50",
                "organization": organization(1),
                "billable": True,
            },
        ],
        "item_lines": [
            {"product": "Laptop 14in", "quantity": 2, "cost": "999.00", "description": "Latitude"}
        ],
        **changes,
    }


def expense_report(
    n: int, *, advance: str | None = None, items: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "source_id": f"EXP-{n}",
        "number": f"EXP{n}",
        "date": "2026-11-20",
        "resource": {"id": f"R-{n}", "first_name": "Jane", "last_name": f"Smith{n}"},
        **({"cash_advance": advance} if advance else {}),
        "items": items
        or [
            {"id": "EI-1", "date": "2026-11-18", "expense_category": "Mileage", "amount": "42.50"},
            {
                "id": "EI-2",
                "date": "2026-11-18",
                "expense_category": "Travel",
                "amount": "100.00",
                "organization": organization(2),
                "line_of_business": "Projects",
            },
            {"id": "EI-3", "date": "2026-11-19", "expense_category": "Company card", "amount": "60.00"},
        ],
    }


def journal_entry(n: int, *, account: str = "Work in Progress", amount: str = "100.00") -> dict[str, Any]:
    return {
        "source_id": f"JE-{n}",
        "number": f"JE{n}",
        "date": "2026-11-30",
        "memo": "WIP accrual",
        "lines": [
            {"account": account, "debit": amount, "memo": "Project 88"},
            {"account": "Sales:Services", "credit": amount},
        ],
    }


def enqueue(admin: Admin, kind: str, document: dict[str, Any], expect: int = 202) -> Any:
    return admin.call("POST", f"/api/transfers/{kind}", document, expect).json_body


def test_bills_exactly_once_with_vendors_items_and_paid_dates(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample(customers_named=[organization(1)["name"]])
    existing = next(iter(company.vendors)).name
    vendors: list[dict[str, Any]] = [
        {"id": "V-1", "name": existing},
        {
            "id": "V-2",
            "name": "Dell Inc",
            "address": {"line1": "1 Dell Way", "city": "Round Rock", "state": "TX"},
        },
    ]
    ids = [enqueue(admin, "bills", bill(n, vendors[n % 2]))["id"] for n in range(4)]

    run_until_idle(client, setup, company, drop_response_after_requests=[3])

    for n, transfer_id in enumerate(ids):
        transfer = admin.transfer(transfer_id)
        assert transfer["status"] == "transferred", transfer["error"]
        [found] = company.find_bills_by_external_guid(transfer["external_guid"])
        assert found.vendor.name == vendors[n % 2]["name"] and found.ref_number == f"INV-{n}"
        assert [(line.account.full_name, line.amount) for line in found.expense_lines] == [
            ("Office Supplies", Decimal("120.00")),
            ("Travel Expense", Decimal("35.50")),
        ]
        assert (
            found.expense_lines[1].customer is not None
            and found.expense_lines[1].billable_status == "Billable"
        )
        assert [line.item.full_name for line in found.item_lines] == ["Laptop 14in"]
    assert len(company.bills) == 4
    assert sum(1 for v in company.vendors if v.name == "Dell Inc") == 1  # created once, then linked
    assert all(qbxml_errors(request) == [] for request in company.requests_seen)

    company.pay_bill(f"INV-{1}")
    admin.call("PATCH", f"/api/connectors/{setup['connector']['id']}", {"paid_date_sync_minutes": 0}, 200)
    assert connect(client, setup["qwc"], setup["password"], company).run().outcome == "completed"
    assert admin.transfer(ids[1])["paid_date"] is not None and admin.transfer(ids[0])["paid_date"] is None


def test_a_vendor_name_a_customer_holds_fails_naming_the_lists(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    taken = organization(3)["name"]
    company = QuickBooksCompany.sample(customers_named=[taken])
    blocked = enqueue(admin, "bills", bill(7, {"id": "V-7", "name": taken}))["id"]
    fine = enqueue(admin, "bills", bill(8, {"id": "V-8", "name": "Ingram Micro"}))["id"]

    connect(client, setup["qwc"], setup["password"], company).run()

    failed = admin.transfer(blocked)
    assert failed["status"] == "failed" and failed["error"]["code"] == "qb_name_in_use"
    assert "a customer" in failed["error"]["message"]
    assert admin.transfer(fine)["status"] == "transferred"


def test_expense_reports_owe_back_what_is_reimbursable(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    plain = enqueue(admin, "expense-reports", expense_report(1))["id"]
    advanced = enqueue(admin, "expense-reports", expense_report(2, advance="50.00"))["id"]
    nothing = enqueue(
        admin,
        "expense-reports",
        expense_report(
            3,
            items=[
                {"id": "EI-9", "date": "2026-11-18", "expense_category": "Company card", "amount": "9.00"}
            ],
        ),
    )["id"]
    below_zero = enqueue(admin, "expense-reports", expense_report(4, advance="500.00"))["id"]
    unmapped = expense_report(5)
    unmapped["items"][0]["expense_category"] = "Hotel"
    unmapped_id = enqueue(admin, "expense-reports", unmapped)["id"]

    connect(client, setup["qwc"], setup["password"], company).run()

    first = company.find_bills_by_external_guid(admin.transfer(plain)["external_guid"])[0]
    assert first.vendor.name == "v-Smith1, Jane"
    assert [(line.account.full_name, line.amount, line.billable_status) for line in first.expense_lines] == [
        ("Automobile:Mileage", Decimal("42.50"), None),
        ("Travel Expense", Decimal("100.00"), "Billable"),
    ]
    second = company.find_bills_by_external_guid(admin.transfer(advanced)["external_guid"])[0]
    assert second.expense_lines[-1].account.full_name == "Employee Advances"
    assert second.expense_lines[-1].amount == Decimal("-50.00")
    empty = admin.transfer(nothing)
    assert empty["status"] == "transferred" and "nothing sent" in empty["history"][-1]["note"]
    assert admin.transfer(below_zero)["error"]["code"] == "negative_bill"
    assert admin.transfer(unmapped_id)["error"]["code"] == "expense_category_unmapped"
    assert len(company.bills) == 2


def test_journal_entries_post_to_accounts_verbatim_and_fail_alone(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    good = enqueue(admin, "journal-entries", journal_entry(1))["id"]
    unknown = enqueue(admin, "journal-entries", journal_entry(2, account="Nowhere:Account"))["id"]
    nobody = journal_entry(3)
    nobody["lines"][0]["organization"] = {"id": "ORG-X", "name": "Nobody Known Ltd"}
    missing_customer = enqueue(admin, "journal-entries", nobody)["id"]

    connect(client, setup["qwc"], setup["password"], company).run()

    [entry] = company.find_journal_entries_by_external_guid(admin.transfer(good)["external_guid"])
    assert [(line.is_debit, line.account.full_name, line.amount) for line in entry.lines] == [
        (True, "Work in Progress", Decimal("100.00")),
        (False, "Sales:Services", Decimal("100.00")),
    ]
    failed = admin.transfer(unknown)
    assert failed["status"] == "failed" and failed["error"]["status_code"] == 3140
    assert admin.transfer(missing_customer)["error"]["code"] == "customer_missing"
    assert len(company.journal_entries) == 1
    statuses = [c["status"] for c in admin.conversations(setup["connector"]["id"])]
    assert statuses[0] == "Finished, but with errors on the following transfers: Journal Entry"


def test_an_unbalanced_journal_entry_is_422_and_stores_nothing(
    admin: Admin, setup: dict[str, Any], table: Any
) -> None:
    document = journal_entry(9)
    document["lines"][1]["credit"] = "99.99"
    before = table_snapshot(table)
    answer = admin.call("POST", "/api/transfers/journal-entries", document, 422)
    assert "debits (100.00) and credits (99.99) differ" in answer.body.decode()
    assert table_snapshot(table) == before


def test_preview_of_bills_shows_vendors_and_bill_adds(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    connect(client, setup["qwc"], setup["password"], company).run()  # reads the lists
    existing = next(iter(company.vendors)).name
    enqueue(admin, "bills", bill(1, {"id": "V-1", "name": existing}))
    enqueue(admin, "bills", bill(2, {"id": "V-2", "name": "Brand New Supplies"}))
    enqueue(admin, "journal-entries", journal_entry(1))

    shown = admin.call("GET", f"/api/connectors/{setup['connector']['id']}/preview", expect=200).json_body

    bills = shown["summary"]["bills"]
    assert bills["documents"] == 2 and bills["vendors"]["found_by_name"] == [existing]
    assert bills["vendors"]["to_create"] == ["Brand New Supplies"]
    assert bills["items"]["to_create"] == ["Laptop 14in"]
    assert shown["summary"]["journal-entries"]["documents"] == 1
    [message] = shown["qbxml"]
    assert message.count("<BillAddRq") == 2 and message.count("<JournalEntryAddRq") == 1
    assert qbxml_errors(message) == [] and len(company.bills) == 0


def test_a_receivables_line_without_its_customer_fails_with_the_fix(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    connect(client, setup["qwc"], setup["password"], company).run()  # reads the accounts and their types
    document = journal_entry(11, account="Accounts Receivable")
    transfer_id = enqueue(admin, "journal-entries", document)["id"]

    connect(client, setup["qwc"], setup["password"], company).run()

    error = admin.transfer(transfer_id)["error"]
    assert error["code"] == "journal_line_needs_entity" and "organization" in error["fix"]
    assert len(company.journal_entries) == 0


def test_a_bill_quickbooks_would_refuse_fails_alone(client: Any, admin: Admin, setup: dict[str, Any]) -> None:
    company = QuickBooksCompany.sample()
    below_zero = bill(20, {"id": "V-20", "name": "Refund Corp"}, item_lines=[])
    below_zero["expense_lines"] = [{"account": "Office Supplies", "amount": "-50.00"}]
    refused = enqueue(admin, "bills", below_zero)["id"]
    fine = enqueue(admin, "bills", bill(21, {"id": "V-21", "name": "Fine Supplies"}))["id"]

    assert connect(client, setup["qwc"], setup["password"], company).run().outcome == "completed"

    error = admin.transfer(refused)["error"]
    assert error["code"] == "document_refused" and "negative bill" in error["message"]
    assert admin.transfer(fine)["status"] == "transferred"
