"""Changes after transfer end to end over real HTTP (chalice local + dynalite), through runs that lose answers
after QuickBooks applied them and crash once, on the default connector (bills go nowhere else):

- 100 transferred invoices updated (a line changed, one removed, one added): exactly the new lines in
  QuickBooks, still one invoice per number; 20 voided, each voided once (its number kept, its amount zero).
- A person prints one invoice (only its EditSequence moves): its update lands. A person edits another's lines:
  its update stops with ``changed_in_quickbooks`` and lands after a forced requeue.
- A bill updated; a timesheet's time entries deleted (TxnDel).
- Invoices deleted by a person in QuickBooks show ``deleted_in_quickbooks_at`` after the next check and are
  never re-created. Every request is schema-valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from simulators.quickbooks import QuickBooksCompany, Vendor
from tests.e2e.stack_api import (
    Connector,
    Http,
    assert_every_request_valid,
    borrowed_default_connector,
    company_for,
    run_with_losses,
)
from tests.transfers.invoice_factory import invoice, organization
from tests.transfers.payables_factory import bill
from tests.transfers.timesheet_factory import employee_name, timesheet
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e

UPDATED = 100
VOIDED = 20
DELETED = 3
ORGANIZATIONS = 4


@pytest.fixture
def default_connector(stack: LocalStack, api: requests.Session) -> Iterator[Connector]:
    switches = {"invoices": True, "bills": True, "timesheets": True}
    with borrowed_default_connector(Http(stack, api), switches) as connector:
        yield connector


def tagged_invoice(n: int, tag: str) -> dict[str, Any]:
    """Invoice n with the test's tag in its source id and number, and an id on each of its three lines."""
    document = invoice(n, org=n % ORGANIZATIONS, lines=3)
    return {
        **document,
        "source_id": f"{tag}-INV-{n}",
        "number": f"{tag}{n:04d}",
        "lines": [{**line, "id": f"L{i}"} for i, line in enumerate(document["lines"])],
    }


def new_version(document: dict[str, Any]) -> dict[str, Any]:
    """L0 changed, L1 removed, L2 kept as it was, and a new line without an id."""
    lines = document["lines"]
    added = {key: value for key, value in lines[1].items() if key != "id"}
    return {
        **document,
        "lines": [
            {**lines[0], "quantity": 9, "description": "changed"},
            lines[2],
            {**added, "description": "added", "rate": 12.5},
        ],
    }


def shown(company: QuickBooksCompany, number: str) -> list[tuple[str | None, Decimal | None]]:
    [found] = company.find_invoices(ref_number=number)
    return [(line.desc, line.quantity) for line in found.lines]


def expected(document: dict[str, Any]) -> list[tuple[str | None, Decimal | None]]:
    return [(line["description"], Decimal(str(line["quantity"]))) for line in document["lines"]]


def test_updates_voids_and_drift_with_lost_answers_and_a_crash(default_connector: Connector) -> None:
    connector, http, tag = default_connector, default_connector.http, default_connector.tag
    company = company_for(
        connector,
        customers_named=[organization(n)["name"] for n in range(ORGANIZATIONS)],
        employees_named=[employee_name(0)],
    )
    company.add(Vendor(name=f"Vendor {tag}"))
    count = UPDATED + VOIDED + DELETED
    invoices = [tagged_invoice(n, tag) for n in range(count)]
    invoice_ids = [http.enqueue("invoices", document, connector.id) for document in invoices]
    the_bill = {**bill(0, vendor_={"id": f"{tag}-V", "name": f"Vendor {tag}"}, tag=tag)}
    the_bill["expense_lines"] = [{**line, "id": f"E{i}"} for i, line in enumerate(the_bill["expense_lines"])]
    bill_id = http.enqueue("bills", the_bill, connector.id)
    sheet = {**timesheet(0, resource_n=0, organizations=ORGANIZATIONS, entries=3), "source_id": f"{tag}-TS-0"}
    sheet_id = http.enqueue("timesheets", sheet, connector.id)
    for _ in range(4):
        if connector.run(company).outcome == "none":
            break
    assert all(http.transfer(i)["status"] == "transferred" for i in [*invoice_ids, bill_id, sheet_id])
    entries = len(company.time_records)

    # People at the keyboard: a print (EditSequence only), a line edit, three deletions.
    company.mark_printed(http.transfer(invoice_ids[0])["qb_txn_id"])

    def person_edit(lines: list[Any]) -> None:
        lines[0].desc = "edited by a person"

    company.edit_invoice_lines(invoices[1]["number"], person_edit)
    deleted = range(UPDATED + VOIDED, count)
    for n in deleted:
        company.delete_transaction("Invoice", http.transfer(invoice_ids[n])["qb_txn_id"])

    # The source updates 100 invoices and a bill; an admin voids 20 invoices and the timesheet.
    for n in range(UPDATED):
        queued = http.call("POST", "/api/transfers/invoices", new_version(invoices[n]), expect=202)
        assert (queued["operation"], queued["version"]) == ("update", 2)
    new_bill = {**the_bill, "expense_lines": [{**the_bill["expense_lines"][0], "amount": "77.70"}]}
    http.call("POST", "/api/transfers/bills", new_bill, expect=202)
    for n in range(UPDATED, UPDATED + VOIDED):
        http.call("POST", f"/api/transfers/{invoice_ids[n]}/void", expect=202)
    http.call("POST", f"/api/transfers/{sheet_id}/void", expect=202)

    run_with_losses(connector, company, seed=2, lossy_runs=6, adds={"InvoiceMod": 1, "TxnVoid": 1})

    # Updates: exactly the new lines, one invoice per number, L2 still its own QuickBooks line.
    for n in range(UPDATED):
        transfer = http.transfer(invoice_ids[n])
        if n == 1:
            assert transfer["status"] == "needs_attention", transfer
            assert transfer["error"]["code"] == "changed_in_quickbooks" and transfer["error"]["fix"]
            assert shown(company, invoices[n]["number"])[0][0] == "edited by a person"
            continue
        assert (transfer["status"], transfer["version_in_quickbooks"]) == ("transferred", 2), transfer[
            "error"
        ]
        assert shown(company, invoices[n]["number"]) == expected(new_version(invoices[n])), n
    # The person's edit is overwritten only when an admin says so.
    http.call("POST", f"/api/transfers/{invoice_ids[1]}/requeue", {"force": True})
    assert connector.run(company).outcome == "completed"
    assert http.transfer(invoice_ids[1])["status"] == "transferred"
    assert shown(company, invoices[1]["number"]) == expected(new_version(invoices[1]))

    # Voids: each once, the number kept with a zero amount.
    for n in range(UPDATED, UPDATED + VOIDED):
        transfer = http.transfer(invoice_ids[n])
        assert (transfer["status"], transfer["in_quickbooks"]) == ("voided", False), transfer
        [found] = company.find_invoices(ref_number=invoices[n]["number"])
        assert found.subtotal == 0
        voids = [
            r
            for r in company.requests_seen
            if f"<TxnID>{transfer['qb_txn_id']}</TxnID>" in r and "TxnVoidRq" in r
        ]
        assert len(voids) == 1, n
    assert sum(len(company.find_invoices(ref_number=d["number"])) for d in invoices) == count - DELETED

    # The bill's new amount; the timesheet's entries deleted.
    [found_bill] = company.find_bills(ref_number=the_bill["number"])
    assert [line.amount for line in found_bill.expense_lines] == [Decimal("77.70")]
    assert http.transfer(bill_id)["version_in_quickbooks"] == 2
    assert http.transfer(sheet_id)["status"] == "voided"
    assert len(company.time_records) == entries - 3

    # Deleted by a person: noticed at the next check, never re-created.
    http.call("PATCH", connector.path, {"paid_date_sync_minutes": 0})
    assert connector.run(company).outcome == "completed"
    http.call("PATCH", connector.path, {"paid_date_sync_minutes": 1440})
    for n in deleted:
        transfer = http.transfer(invoice_ids[n])
        assert transfer["deleted_in_quickbooks_at"] and transfer["status"] == "transferred", transfer
        assert company.find_invoices(ref_number=invoices[n]["number"]) == []
    assert_every_request_valid(company)
