"""Expense reports, vendor bills and journal entries end to end over real HTTP (chalice local + dynalite),
through runs where about a fifth of QuickBooks' answers are lost after it applied the request and QBWC crashes
once: each source document must become exactly one QuickBooks transaction, with the right vendor, accounts,
customers, classes and amounts, and every request must be schema-valid.

- 100 expense reports of 15 resources, routed by resource to a connector of the test's own: the vendor
  "v-Last, First" already exists for two thirds of the resources and is created once for the others; Travel
  items are billable to their organization's customer, company-card items are not on the bill, some reports
  take a cash advance back.
- 100 vendor bills of 30 vendors and 50 journal entries, which always go to the default connector (on the
  shared stack it belongs to whichever test made the first connector: this file switches its bills and
  journal entries on for the test and puts its settings back afterwards): a vendor whose name a customer holds
  fails naming the lists, an unknown account fails with its explanation and fix, the others go through; an
  unbalanced journal entry is refused at enqueue and stores nothing.
- Bills paid in QuickBooks get their paid date at the next conversation.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import requests

from chalicelib.domain.transfer import transfer_id
from simulators.quickbooks import QuickBooksCompany, Vendor
from tests.e2e.stack_api import (
    Connector,
    Http,
    assert_every_request_valid,
    borrowed_default_connector,
    company_for,
    run_with_losses,
)
from tests.transfers.invoice_factory import LINES_OF_BUSINESS, organization
from tests.transfers.payables_factory import (
    PRODUCTS,
    bill,
    expected_bill_lines,
    expected_expense_lines,
    expected_journal_lines,
    expense_categories_mapping,
    expense_report,
    journal_entry,
    resource,
    resource_vendor_name,
    tagged_organization,
    vendor,
)
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e

RESOURCES = 15
REPORTS = 100
BILLS = 100
VENDORS = 30
JOURNAL_ENTRIES = 50
ORGANIZATIONS = 20
CLASSES = {LINES_OF_BUSINESS[0]: "Consulting:Remote", LINES_OF_BUSINESS[1]: "Consulting:Onsite"}
PAID_ON = date(2026, 12, 4)


def pay_and_sync(connector: Connector, company: QuickBooksCompany, txn_ids: list[str]) -> None:
    """A bookkeeper pays these bills in QuickBooks; the next conversation reads the paid dates back."""
    for txn_id in txn_ids:
        company.pay_bill(txn_id, on=PAID_ON)
    connector.http.call("PATCH", connector.path, {"paid_date_sync_minutes": 0})
    assert connector.run(company).outcome == "completed"


# -- expense reports: a connector of the test's own ------------------------------------------------------


def test_a_hundred_expense_reports_with_lost_answers_and_a_crash_make_one_bill_each(
    stack: LocalStack, api: requests.Session
) -> None:
    http = Http(stack, api)
    tag = secrets.token_hex(2).upper()
    created = http.call(
        "POST", "/api/connectors", {"name": f"Expense reports {tag}", "transfers": {"expense_reports": True}}
    )
    connector = Connector.with_user(http, created["id"])
    http.call("PUT", f"{connector.path}/mappings/expense-categories", expense_categories_mapping())
    http.call(
        "PUT",
        f"{connector.path}/mappings/lines-of-business",
        {"entries": [{"source": lob, "class": c} for lob, c in CLASSES.items()]},
    )
    # Half the organizations are customers already; two thirds of the resources have their vendor already.
    company = QuickBooksCompany.sample(
        customers_named=[organization(n)["name"] for n in range(0, ORGANIZATIONS, 2)]
    )
    for n in range(RESOURCES):
        if n % 3:
            company.add(Vendor(name=resource_vendor_name(n)))
    vendors_before = len(company.vendors)
    documents = [
        expense_report(
            n,
            resource_n=n % RESOURCES,
            tag=tag,
            organizations=ORGANIZATIONS,
            advance=f"{5 + n % 7}.00" if n % 4 == 3 else None,
        )
        for n in range(REPORTS)
    ]
    for n in range(RESOURCES):
        http.call("PUT", f"/api/resources/{resource(n, tag)['id']}/connector", {"connector_id": connector.id})
    ids = [http.enqueue("expense-reports", document, connector.id) for document in documents]

    # Three answers lost and a crash in some fifteen round trips; two of them answers to BillAdd messages.
    run_with_losses(connector, company, seed=4, lossy_runs=4, adds={"BillAdd": 2, "VendorAdd": 1})

    for transfer_id_, document in zip(ids, documents, strict=True):
        transfer = http.transfer(transfer_id_)
        assert transfer["status"] == "transferred", (document["source_id"], transfer["error"])
        [found] = company.find_bills_by_external_guid(transfer["external_guid"])
        assert transfer["qb_txn_id"] == found.txn_id
        resource_n = int(document["resource"]["id"].rsplit("-", 1)[1])
        assert found.vendor.name == resource_vendor_name(resource_n)
        assert (found.ref_number, found.txn_date.isoformat()) == (document["number"], document["date"])
        assert found.item_lines == []
        lines = [
            (
                line.account.full_name,
                line.amount,
                line.memo,
                line.customer.full_name if line.customer else None,
                line.billable_status,
                line.class_.full_name if line.class_ else None,
            )
            for line in found.expense_lines
        ]
        assert lines == expected_expense_lines(document, CLASSES), document["source_id"]
    assert len(company.bills) == REPORTS
    assert any(line.amount < 0 for b in company.bills for line in b.expense_lines)  # cash advances taken back
    assert any(line.billable_status == "Billable" for b in company.bills for line in b.expense_lines)
    # Each resource's vendor once: the third that was missing created once each, then linked.
    names = [v.name for v in company.vendors]
    assert all(names.count(resource_vendor_name(n)) == 1 for n in range(RESOURCES))
    assert len(company.vendors) == vendors_before + RESOURCES // 3
    customers = [c.full_name for c in company.customers]
    billed = {line[3] for d in documents for line in expected_expense_lines(d, CLASSES) if line[3]}
    assert billed and all(customers.count(name) == 1 for name in billed)
    assert_every_request_valid(company)

    # Paid back: the two reports paid in QuickBooks get their date at the next conversation, the rest none.
    paid = ids[:2]
    pay_and_sync(connector, company, [http.transfer(i)["qb_txn_id"] for i in paid])
    assert [http.transfer(i)["paid_date"] for i in ids[:4]] == [PAID_ON.isoformat()] * 2 + [None] * 2


# -- bills and journal entries: the default connector -----------------------------------------------------


@pytest.fixture
def default_connector(stack: LocalStack, api: requests.Session) -> Iterator[Connector]:
    """The default connector with bills and journal entries on and this file's classes mapped (put back
    afterwards)."""
    http = Http(stack, api)
    with borrowed_default_connector(http, {"bills": True, "journal_entries": True}) as connector:
        lob_path = f"{connector.path}/mappings/lines-of-business"
        # As the API shows them, with what it adds (whether QuickBooks knows the class) left out.
        lobs = [{"source": e["source"], "class": e["class"]} for e in http.call("GET", lob_path)["entries"]]
        http.call(
            "PUT",
            lob_path,
            {
                "entries": [e for e in lobs if e["source"] not in CLASSES]
                + [{"source": lob, "class": c} for lob, c in CLASSES.items()]
            },
        )
        yield connector
        http.call("PUT", lob_path, {"entries": lobs})


def assert_bill(company: QuickBooksCompany, transfer: dict[str, Any], document: dict[str, Any]) -> None:
    """The bill is in QuickBooks once, as the document says."""
    [found] = company.find_bills_by_external_guid(transfer["external_guid"])
    assert transfer["qb_txn_id"] == found.txn_id
    assert found.vendor.name == document["vendor"]["name"]
    assert (found.ref_number, found.txn_date.isoformat()) == (document["number"], document["date"])
    assert found.due_date is not None and found.due_date.isoformat() == document["due_date"]
    assert found.memo == document["memo"]
    assert (found.terms.name if found.terms else None) == document.get("terms")  # no vendor has terms
    expenses, items = expected_bill_lines(document, CLASSES)
    assert [
        (
            line.account.full_name,
            line.amount,
            line.customer.full_name if line.customer else None,
            line.billable_status,
            line.class_.full_name if line.class_ else None,
        )
        for line in found.expense_lines
    ] == expenses, document["source_id"]
    assert [(line.item.full_name, line.quantity, line.cost) for line in found.item_lines] == items


def assert_journal_entry(
    company: QuickBooksCompany, transfer: dict[str, Any], document: dict[str, Any]
) -> None:
    """The journal entry is in QuickBooks once, as the document says."""
    [found] = company.find_journal_entries_by_external_guid(transfer["external_guid"])
    assert transfer["qb_txn_id"] == found.txn_id
    assert (found.ref_number, found.txn_date.isoformat()) == (document["number"], document["date"])
    assert [
        (
            line.is_debit,
            line.account.full_name,
            line.amount,
            line.memo,
            line.entity.full_name if line.entity else None,
            line.class_.full_name if line.class_ else None,
        )
        for line in found.lines
    ] == expected_journal_lines(document, CLASSES), document["source_id"]


def test_a_hundred_bills_and_fifty_journal_entries_with_lost_answers_and_a_crash_each_once(
    stack: LocalStack, api: requests.Session, default_connector: Connector
) -> None:
    http, connector, tag = default_connector.http, default_connector, default_connector.tag
    vendors = [vendor(n, tag) for n in range(VENDORS)]
    taken = vendors[-1]["name"]  # a customer has this name already
    company = company_for(
        connector,
        customers_named=[
            *(organization(n)["name"] for n in range(0, ORGANIZATIONS, 2)),
            taken,
        ],
    )
    # A third of the vendors exist already (found by name, then linked); the others are created.
    existing = [v for n, v in enumerate(vendors[:-1]) if n % 3 == 0]
    for v in existing:
        company.add(Vendor(name=v["name"]))
    vendors_before = len(company.vendors)

    # 99 bills spread over 29 vendors, the hundredth to the vendor whose name a customer holds; bills 80 and
    # on repeat the numbers of bills 0 to 19 (other vendors' invoice numbers), and bill 50 names an account
    # QuickBooks does not have.
    bills = [
        bill(
            n,
            vendor_=vendors[n % (VENDORS - 1)] if n < BILLS - 1 else vendors[-1],
            tag=tag,
            organizations=ORGANIZATIONS,
            number=f"B{tag}{n - 80:04d}" if n >= 80 else None,
        )
        for n in range(BILLS)
    ]
    unknown_account = "Office Supplies:Toner"
    bills[50]["expense_lines"][0]["account"] = unknown_account
    failing_bills = {50, BILLS - 1}
    # Journal entries name customers and vendors QuickBooks has (they are never created); entry 7 an account
    # it does not have.
    entries = [
        journal_entry(
            n,
            customer=tagged_organization(2 * (n % (ORGANIZATIONS // 2)), tag),
            vendor_=existing[n % len(existing)],
            tag=tag,
            account="Accrued Liabilities:Bonus" if n == 7 else None,
        )
        for n in range(JOURNAL_ENTRIES)
    ]
    failing_entries = {7}

    # An unbalanced entry is refused at the edge, and nothing is stored: the corrected one is new (202).
    unbalanced = {**entries[-1], "lines": [dict(line) for line in entries[-1]["lines"]]}
    unbalanced["lines"][-1]["credit"] = f"{float(unbalanced['lines'][-1]['credit']) - 0.01:.2f}"
    refused = http.call("POST", "/api/transfers/journal-entries", unbalanced, expect=422)
    assert "debits" in str(refused) and "credits" in str(refused) and "differ" in str(refused), refused
    http.call("GET", f"/api/transfers/{transfer_id('journal-entries', unbalanced['source_id'])}", expect=404)

    bill_ids = [http.enqueue("bills", document, connector.id) for document in bills]
    entry_ids = [http.enqueue("journal-entries", document, connector.id) for document in entries]

    # Six answers lost and a crash in some thirty-five round trips, among them answers to each kind of add.
    run_with_losses(
        connector,
        company,
        seed=20261125,
        lossy_runs=7,
        adds={"BillAdd": 2, "JournalEntryAdd": 1, "VendorAdd": 2},
    )

    # Bills: each once, with its vendor, number, lines and items.
    for n, (transfer_id_, document) in enumerate(zip(bill_ids, bills, strict=True)):
        transfer = http.transfer(transfer_id_)
        if n in failing_bills:
            assert transfer["status"] == "needs_attention", transfer
            assert company.find_bills_by_external_guid(transfer["external_guid"]) == []
        else:
            assert transfer["status"] == "transferred", (document["source_id"], transfer["error"])
            assert_bill(company, transfer, document)
    assert len(company.bills) == BILLS - len(failing_bills)

    # The vendor a customer's name blocks: failed naming the lists that share names, never created.
    blocked = http.transfer(bill_ids[-1])
    assert blocked["error"]["code"] == "qb_name_in_use", blocked["error"]
    assert taken in blocked["error"]["message"] and "a customer" in blocked["error"]["message"]
    assert blocked["error"]["fix"]
    assert [v.name for v in company.vendors].count(taken) == 0
    # The unknown account: failed with QuickBooks' reason, explained and with its fix.
    for failed in (http.transfer(bill_ids[50]), http.transfer(entry_ids[7])):
        error = failed["error"]
        assert error["status_code"] == 3140 and error["code"] == "qb_invalid_reference", error
        assert error["explanation"] and error["fix"], error
    assert unknown_account in http.transfer(bill_ids[50])["error"]["explanation"]
    assert "Accrued Liabilities:Bonus" in http.transfer(entry_ids[7])["error"]["explanation"]

    # Vendors: each once (a third found, the others created with their address), none for the blocked one.
    names = [v.name for v in company.vendors]
    assert all(names.count(v["name"]) == 1 for v in vendors[:-1])
    assert len(company.vendors) == vendors_before + len(vendors) - 1 - len(existing)
    for v in vendors[:-1]:
        if v in existing or "address" not in v:
            continue
        [made] = [found for found in company.vendors if found.name == v["name"]]
        assert made.vendor_address is not None and made.vendor_address.city == v["address"]["city"]
        assert made.vendor_address.addr1 == v["address"]["line1"]
    # Products: the sample's items used as they are, the new ones created once.
    item_names = [i.full_name for i in company.items]
    assert all(item_names.count(product) == 1 for product in PRODUCTS)

    # Journal entries: each once, debits and credits on the accounts named, with their customer or vendor.
    for n, (transfer_id_, document) in enumerate(zip(entry_ids, entries, strict=True)):
        transfer = http.transfer(transfer_id_)
        if n in failing_entries:
            assert transfer["status"] == "needs_attention", transfer
            assert company.find_journal_entries_by_external_guid(transfer["external_guid"]) == []
        else:
            assert transfer["status"] == "transferred", (document["source_id"], transfer["error"])
            assert_journal_entry(company, transfer, document)
    assert len(company.journal_entries) == JOURNAL_ENTRIES - len(failing_entries)
    assert_every_request_valid(company)

    # Paid in QuickBooks: the next conversation gives those bills their paid date, and only those.
    paid = [bill_ids[n] for n in (0, 1, 80)]  # bill 80 shares its number with bill 0
    pay_and_sync(connector, company, [http.transfer(i)["qb_txn_id"] for i in paid])
    for n, transfer_id_ in enumerate(bill_ids[:4] + bill_ids[80:82]):
        expected = PAID_ON.isoformat() if transfer_id_ in paid else None
        assert http.transfer(transfer_id_)["paid_date"] == expected, n
