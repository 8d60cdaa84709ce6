"""POST /api/transfers/invoices and friends: validation, idempotency, routing, scopes, requeue and cancel."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Admin, table_snapshot
from tests.transfers.invoice_factory import invoice


@pytest.fixture
def admin(client: Any, admin_headers: dict[str, str]) -> Admin:
    return Admin(client, admin_headers)


@pytest.fixture
def source(client: Any, source_headers: dict[str, str]) -> Admin:
    return Admin(client, source_headers)


def test_enqueue_without_any_connector_is_409(source: Admin, table: Any) -> None:
    before = table_snapshot(table)
    answer = source.enqueue(invoice(1, org=1), expect=409)
    assert answer.json_body["error"]["code"] == "no_connector"
    assert table_snapshot(table) == before


def test_same_source_id_is_the_same_transfer(admin: Admin, source: Admin) -> None:
    connector = admin.connector()
    first = source.enqueue(invoice(1, org=1))
    assert first.json_body == {
        "id": first.json_body["id"],
        "status": "queued",
        "connector_id": connector["id"],
        "operation": "add",
        "version": 1,
    }
    again = source.enqueue(invoice(1, org=1), expect=200)
    assert again.json_body["id"] == first.json_body["id"]
    changed = invoice(1, org=1)
    changed["memo"] = "corrected"
    assert source.enqueue(changed, expect=200).json_body["id"] == first.json_body["id"]
    stored = source.transfer(first.json_body["id"])
    assert stored["document"]["memo"] == "corrected"
    assert stored["history"][-1]["note"] == "replaced by a newer version from the source"
    listed = source.call("GET", "/api/transfers", expect=200).json_body
    assert [t["id"] for t in listed["transfers"]] == [first.json_body["id"]]


def test_routing_sends_an_organization_to_its_connector(admin: Admin, source: Admin) -> None:
    admin.connector()
    branch = admin.call("POST", "/api/connectors", {"name": "Branch"}, 201).json_body
    admin.call("PUT", "/api/organizations/ORG-0007/connector", {"connector_id": branch["id"]}, 200)
    assert source.enqueue(invoice(1, org=7)).json_body["connector_id"] == branch["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("number"), "number"),
        (lambda d: d.update(number="123456789012"), "number"),
        (lambda d: d.update(date="yesterday"), "date"),
        (lambda d: d.update(due_date="2026-01-01"), "(body)"),
        (lambda d: d.update(lines=[]), "lines"),
        # A line names what it sells: a billing code or a product, exactly one of them.
        (lambda d: d["lines"][0].pop("billing_code"), "lines.0"),
        (lambda d: d["lines"][0].update(product="Widget"), "lines.0"),
        (lambda d: d["lines"][0].update(billing_code=""), "lines.0.billing_code"),
        (lambda d: d["lines"][0].update(rate=None, amount=None), "lines.0"),
        (lambda d: d["lines"][0].update(quantity="two"), "lines.0.quantity"),
        (lambda d: d["organization"].pop("id"), "organization.id"),
        (lambda d: d.update(po_number="x" * 26), "po_number"),
        (lambda d: d.update(color="blue"), "color"),
        (
            lambda d: d["organization"].update(bill_address={"lines": ["x" * 42]}),
            "organization.bill_address.lines.0",
        ),
    ],
)
def test_invalid_invoices_are_422_naming_the_field_and_store_nothing(
    admin: Admin, source: Admin, table: Any, change: Any, field: str
) -> None:
    admin.connector()
    document = invoice(1, org=1)
    change(document)
    before = table_snapshot(table)
    answer = source.enqueue(document, expect=422)
    assert field in [d["field"] for d in answer.json_body["error"]["details"]]
    assert table_snapshot(table) == before


def test_unknown_kinds_and_ids(admin: Admin, source: Admin) -> None:
    admin.connector()
    assert (
        source.call("POST", "/api/transfers/spaceships", invoice(1, org=1), 404).json_body["error"]["code"]
        == "unknown_transfer_kind"
    )
    assert (
        source.call("GET", "/api/transfers/inv_nope", expect=404).json_body["error"]["code"]
        == "transfer_not_found"
    )
    assert admin.call("POST", "/api/transfers/inv_nope/requeue", expect=404)
    assert source.call("GET", "/api/transfers?status=lost", expect=422)
    assert source.call("GET", "/api/transfers?cursor=garbage", expect=422)
    assert source.call("GET", "/api/transfers?limit=0", expect=422)


def test_source_tokens_cannot_requeue_or_cancel(admin: Admin, source: Admin) -> None:
    admin.connector()
    transfer_id = source.enqueue(invoice(1, org=1)).json_body["id"]
    assert source.call("POST", f"/api/transfers/{transfer_id}/cancel", expect=403)
    assert source.call("POST", f"/api/transfers/{transfer_id}/requeue", expect=403)


def test_cancel_and_requeue_rules(admin: Admin, source: Admin) -> None:
    admin.connector()
    transfer_id = source.enqueue(invoice(1, org=1)).json_body["id"]
    assert (
        admin.call("POST", f"/api/transfers/{transfer_id}/requeue", expect=409).json_body["error"]["code"]
        == "cannot_requeue"
    )
    assert (
        admin.call("POST", f"/api/transfers/{transfer_id}/cancel", expect=200).json_body["status"]
        == "cancelled"
    )
    assert (
        admin.call("POST", f"/api/transfers/{transfer_id}/cancel", expect=200).json_body["status"]
        == "cancelled"
    )
    # The same document again changes nothing (a retried POST must not revive it); a corrected one does.
    assert source.enqueue(invoice(1, org=1), expect=200).json_body["status"] == "cancelled"
    corrected = invoice(1, org=1)
    corrected["memo"] = "corrected"
    assert source.enqueue(corrected, expect=200).json_body["status"] == "queued"


def test_listing_pages_and_filters(admin: Admin, source: Admin) -> None:
    admin.connector()
    ids = [source.enqueue(invoice(n, org=n)).json_body["id"] for n in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        path = "/api/transfers?limit=3&kind=invoices" + (f"&cursor={cursor}" if cursor else "")
        page = source.call("GET", path, expect=200).json_body
        seen += [t["id"] for t in page["transfers"]]
        cursor = page["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 7
    assert source.call("GET", "/api/transfers?status=transferred", expect=200).json_body["transfers"] == []


def test_a_new_body_for_a_transferred_document_queues_an_update(
    admin: Admin, source: Admin, store: Any, table: Any
) -> None:
    admin.connector()
    transfer_id = source.enqueue(invoice(1, org=1)).json_body["id"]
    transfer = store.transfers.get(transfer_id)
    transfer.qb_txn_id, transfer.in_quickbooks, transfer.version_in_quickbooks = "TXN-1", True, 1
    transfer.record("transferred", "2026-11-20T10:00:00.000000Z")
    store.transfers.save_many([transfer])
    # The same body again changes nothing.
    before = table_snapshot(table)
    assert source.enqueue(invoice(1, org=1), expect=200).json_body["status"] == "transferred"
    assert table_snapshot(table) == before
    changed = invoice(1, org=1)
    changed["memo"] = "corrected"
    queued = source.enqueue(changed, expect=202).json_body
    assert (queued["status"], queued["operation"], queued["version"]) == ("queued", "update", 2)
    stored = source.transfer(transfer_id)
    assert (stored["in_quickbooks"], stored["version_in_quickbooks"]) == (True, 1)
    assert stored["history"][-1]["version"] == 2 and "update" in stored["history"][-1]["note"]
    # Cancelling the update: QuickBooks keeps version 1, and so does the transfer.
    cancelled = admin.call("POST", f"/api/transfers/{transfer_id}/cancel", expect=200).json_body
    assert (cancelled["status"], cancelled["version"]) == ("transferred", 1)
    assert cancelled["document"]["memo"] == invoice(1, org=1).get("memo")


def test_a_kind_without_updates_answers_409_already_transferred(
    admin: Admin, source: Admin, store: Any
) -> None:
    admin.connector()
    entry = {
        "source_id": "JE-1",
        "number": "JE1",
        "date": "2026-11-30",
        "lines": [
            {"account": "Work in Progress", "debit": "10.00"},
            {"account": "Sales:Services", "credit": "10.00"},
        ],
    }
    transfer_id = source.call("POST", "/api/transfers/journal-entries", entry, 202).json_body["id"]
    transfer = store.transfers.get(transfer_id)
    transfer.qb_txn_id, transfer.in_quickbooks = "TXN-2", True
    transfer.record("transferred", "2026-11-20T10:00:00.000000Z")
    store.transfers.save_many([transfer])
    answer = source.call("POST", "/api/transfers/journal-entries", {**entry, "memo": "new"}, 409)
    assert answer.json_body["error"]["code"] == "already_transferred"
    assert json.dumps(answer.json_body).count(transfer_id) == 1


def test_cancel_and_replace_wait_for_a_running_conversation(
    admin: Admin, source: Admin, store: Any, clock: Any
) -> None:
    connector = admin.connector()
    transfer_id = source.enqueue(invoice(1, org=1)).json_body["id"]
    now = int(clock.now().timestamp())
    store.sessions.acquire_lock(connector["id"], session="s", username="pc", now=now, expires_at=now + 600)
    answer = admin.call("POST", f"/api/transfers/{transfer_id}/cancel", expect=409)
    assert answer.json_body["error"]["code"] == "conversation_running"
    changed = invoice(1, org=1)
    changed["memo"] = "new"
    assert source.enqueue(changed, expect=409).json_body["error"]["code"] == "conversation_running"
    assert source.enqueue(invoice(1, org=1), expect=200).json_body["status"] == "queued"  # unchanged: fine
    store.sessions.release_lock(connector["id"], session="s")
    assert (
        admin.call("POST", f"/api/transfers/{transfer_id}/cancel", expect=200).json_body["status"]
        == "cancelled"
    )


def test_an_oversize_document_is_413_and_stores_nothing(admin: Admin, source: Admin, table: Any) -> None:
    admin.connector()
    document = invoice(1, org=1)
    document["lines"] = [{"billing_code": "X", "rate": 1, "description": "d" * 4000} for _ in range(100)]
    before = table_snapshot(table)
    assert source.enqueue(document, expect=413).json_body["error"]["code"] == "document_too_large"
    assert table_snapshot(table) == before
