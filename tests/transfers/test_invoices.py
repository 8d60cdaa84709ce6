"""Invoices into QuickBooks through both simulators, in-process: exactly once, mapped, failures that do not
block the queue, retries, needs_attention, requeue and paid dates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.transfer import external_guid
from chalicelib.qbxml.validation import qbxml_errors
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, connect
from tests.transfers.invoice_factory import LINES_OF_BUSINESS, invoice, organization


@pytest.fixture
def admin(client: Any, admin_headers: dict[str, str]) -> Admin:
    return Admin(client, admin_headers)


@pytest.fixture
def setup(client: Any, admin: Admin) -> dict[str, Any]:
    connector = admin.connector(transfers={"invoices": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    admin.call(
        "PUT",
        f"/api/connectors/{connector['id']}/mappings/lines-of-business",
        {"entries": [{"source": lob, "class": "Consulting:Remote"} for lob in LINES_OF_BUSINESS]},
        200,
    )
    return {"connector": connector, "qwc": qwc, "password": password}


def run_until_idle(
    client: Any, setup: dict[str, Any], company: QuickBooksCompany, limit: int = 12, **options: Any
) -> list[Any]:
    runs = []
    for _ in range(limit):
        run = connect(client, setup["qwc"], setup["password"], company, **options).run()
        runs.append(run)
        if run.outcome == "none":
            return runs
    raise AssertionError(f"still busy after {limit} runs: {[r.outcome for r in runs]}")


def statuses(admin: Admin, ids: list[str]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for transfer_id in ids:
        status = admin.transfer(transfer_id)["status"]
        tally[status] = tally.get(status, 0) + 1
    return tally


def test_two_hundred_invoices_each_exactly_once_with_the_right_references(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    existing = [organization(n)["name"] for n in range(0, 40, 2)]  # half the customers exist already
    company = QuickBooksCompany.sample(customers_named=existing)
    ids = [admin.enqueue(invoice(n, org=n % 40)).json_body["id"] for n in range(200)]

    run_until_idle(client, setup, company)

    assert statuses(admin, ids) == {"transferred": 200}
    for n, transfer_id in enumerate(ids):
        [found] = company.find_invoices_by_external_guid(external_guid(transfer_id))
        document = invoice(n, org=n % 40)
        assert found.ref_number == document["number"]
        assert found.customer.full_name == document["organization"]["name"]
        assert [line.item.full_name for line in found.lines] == [
            entry["billing_code"] for entry in document["lines"]
        ]
        assert all(line.class_.full_name == "Consulting:Remote" for line in found.lines)
        taxable_code = "Non" if document["organization"]["tax_exempt"] else "Tax"
        assert found.lines[0].sales_tax_code.full_name == taxable_code
        assert admin.transfer(transfer_id)["qb_txn_id"] == found.txn_id
    assert len(company.invoices) == 200
    # Existing customers were linked, not duplicated: 40 organizations, 40 customers of those names.
    names = [c.full_name for c in company.customers if c.full_name.startswith("Client ")]
    assert sorted(names) == sorted({organization(n)["name"] for n in range(40)})
    assert all(qbxml_errors(request) == [] for request in company.requests_seen)
    log = admin.conversations(setup["connector"]["id"])
    assert log[0]["status"] == "Success"


def test_lost_answers_and_crashes_still_give_every_invoice_exactly_once(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    ids = [admin.enqueue(invoice(n, org=n % 10)).json_body["id"] for n in range(60)]
    # Small messages so that there are many answers to lose.
    # The answer to the 3rd request (InvoiceAdds applied in QuickBooks) is lost; then QBWC crashes after 2.
    first = connect(client, setup["qwc"], setup["password"], company, drop_response_after_requests={3}).run()
    assert first.outcome == "crashed"
    second = connect(client, setup["qwc"], setup["password"], company, crash_after_requests=2).run()
    assert second.outcome == "crashed"

    run_until_idle(client, setup, company)

    assert statuses(admin, ids) == {"transferred": 60}
    for transfer_id in ids:
        assert len(company.find_invoices_by_external_guid(external_guid(transfer_id))) == 1
    assert len(company.invoices) == 60


def test_an_uncreatable_item_fails_its_invoice_only(client: Any, admin: Admin, setup: dict[str, Any]) -> None:
    company = QuickBooksCompany.sample()
    bad_code = "Extended after-hours emergency support"  # 38 characters: over QuickBooks' 31
    good = [admin.enqueue(invoice(n, org=n)).json_body["id"] for n in range(5)]
    bad = admin.enqueue(invoice(99, org=1, billing_code=bad_code)).json_body["id"]

    connect(client, setup["qwc"], setup["password"], company).run()

    assert statuses(admin, good) == {"transferred": 5}
    failed = admin.transfer(bad)
    assert failed["status"] == "failed" and failed["attempts"] == 1
    assert "31" in failed["error"]["explanation"] or "31" in failed["error"]["message"]
    assert "billing-codes mapping" in failed["error"]["message"] + failed["error"]["fix"]
    log = admin.conversations(setup["connector"]["id"])
    assert log[0]["status"] == "Finished, but with errors on the following transfers: Invoice"
    assert log[0]["counts"]["invoices"] == {"sent": 5, "ok": 5, "failed": 1}


def test_three_failures_need_attention_and_requeue_sends_it_again(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    transfer_id = admin.enqueue(invoice(1, org=1)).json_body["id"]
    company.fail_next("InvoiceAddRq", 3210, 'The "RefNumber" field has an invalid value.', times=3)
    for attempt in (1, 2, 3):
        admin.call("POST", f"/api/connectors/{setup['connector']['id']}/refresh-lists", expect=202)
        connect(client, setup["qwc"], setup["password"], company).run()
        state = admin.transfer(transfer_id)
        assert state["attempts"] == attempt
    assert state["status"] == "needs_attention"
    assert state["error"]["status_code"] == 3210 and state["error"]["fix"]
    # It left the queue: nothing more is due.
    assert connect(client, setup["qwc"], setup["password"], company).run().outcome == "none"
    assert (
        admin.call("POST", f"/api/transfers/{transfer_id}/requeue", expect=200).json_body["status"]
        == "queued"
    )
    connect(client, setup["qwc"], setup["password"], company).run()
    assert admin.transfer(transfer_id)["status"] == "transferred"
    assert len(company.invoices) == 1


def test_retryable_answers_do_not_count_as_attempts(client: Any, admin: Admin, setup: dict[str, Any]) -> None:
    company = QuickBooksCompany.sample()
    transfer_id = admin.enqueue(invoice(1, org=1)).json_body["id"]
    company.fail_next("InvoiceAddRq", 3175, "The record is in use by another user.", times=3)

    run_until_idle(client, setup, company)

    state = admin.transfer(transfer_id)
    assert state["status"] == "transferred" and state["attempts"] == 0
    assert len(company.invoices) == 1


def test_a_mapped_item_quickbooks_lacks_fails_with_the_mapping_named(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    admin.call(
        "PUT",
        f"/api/connectors/{setup['connector']['id']}/mappings/billing-codes",
        {"entries": [{"source": "Hardware", "item": "Hardwear"}]},
        200,
    )
    transfer_id = admin.enqueue(invoice(3, org=1, billing_code="Hardware")).json_body["id"]
    connect(client, setup["qwc"], setup["password"], company).run()
    failed = admin.transfer(transfer_id)
    assert failed["status"] == "failed"
    assert "Hardwear" in failed["error"]["message"] and "billing-codes mapping" in failed["error"]["fix"]
    assert not any(i.full_name == "Hardwear" for i in company.items)


def test_paid_dates_follow_quickbooks(client: Any, admin: Admin, setup: dict[str, Any]) -> None:
    company = QuickBooksCompany.sample()
    ids = [admin.enqueue(invoice(n, org=n)).json_body["id"] for n in range(3)]
    run_until_idle(client, setup, company)
    paid = admin.transfer(ids[0])
    company.pay_invoice(paid["qb_txn_id"])
    admin.call("PATCH", f"/api/connectors/{setup['connector']['id']}", {"paid_date_sync_minutes": 0}, 200)

    connect(client, setup["qwc"], setup["password"], company).run()

    assert admin.transfer(ids[0])["paid_date"] is not None
    assert admin.transfer(ids[1])["paid_date"] is None
    assert "paid in QuickBooks" in admin.transfer(ids[0])["history"][-1]["note"]


def test_preview_shows_what_would_be_sent_and_sends_nothing(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = QuickBooksCompany.sample()
    connect(client, setup["qwc"], setup["password"], company).run()  # reads the lists
    ids = [admin.enqueue(invoice(n, org=n)).json_body["id"] for n in range(3)]
    before = [admin.transfer(i) for i in ids]

    shown = admin.call("GET", f"/api/connectors/{setup['connector']['id']}/preview", expect=200).json_body

    assert shown["summary"]["invoices"]["documents"] == 3
    assert set(shown["summary"]["invoices"]["customers"]["to_create"]) == {
        organization(n)["name"] for n in range(3)
    }
    assert len(shown["qbxml"]) == 1 and shown["qbxml"][0].count("<InvoiceAddRq") == 3
    assert qbxml_errors(shown["qbxml"][0]) == []
    assert [admin.transfer(i) for i in ids] == before
    assert len(company.invoices) == 0


def test_amounts_reach_quickbooks_exactly(client: Any, admin: Admin, setup: dict[str, Any]) -> None:
    company = QuickBooksCompany.sample(sales_tax_on=False)
    document = invoice(7, org=2)
    document["lines"] = [
        {"billing_code": "Remote Support", "quantity": 1.5, "rate": 95.5},
        {"billing_code": "Hardware", "amount": 1234.56, "description": "Firewall"},
    ]
    transfer_id = admin.enqueue(document).json_body["id"]
    run_until_idle(client, setup, company)
    [found] = company.find_invoices_by_external_guid(external_guid(transfer_id))
    assert found.subtotal == Decimal("143.25") + Decimal("1234.56")


def test_an_invoice_in_another_currency_than_its_customer_is_refused_clearly(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    from simulators.quickbooks import Customer

    company = QuickBooksCompany.sample(multicurrency_on=True)
    company.add(Customer(name="Euro Client", currency=company.currencies.find("Euro")))
    in_dollars = invoice(1, org=1)
    in_dollars["organization"].update(name="Euro Client", currency="US Dollar")
    in_euros = invoice(2, org=2)
    in_euros["organization"].update(name="Euro Client", currency="Euro")
    refused = admin.enqueue(in_dollars).json_body["id"]
    accepted = admin.enqueue(in_euros).json_body["id"]

    connect(client, setup["qwc"], setup["password"], company).run()

    failed = admin.transfer(refused)
    assert failed["status"] == "failed" and failed["error"]["code"] == "currency_mismatch"
    assert "Euro" in failed["error"]["message"] and "US Dollar" in failed["error"]["message"]
    assert admin.transfer(accepted)["status"] == "transferred"
    assert len(company.invoices) == 1
