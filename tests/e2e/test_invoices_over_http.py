"""Invoices end to end over real HTTP (chalice local + dynalite): 200 invoices for 40 organizations, and a
run where a fifth of QuickBooks' answers are lost and QBWC crashes twice. Every invoice must be in the
simulated company file exactly once."""

from __future__ import annotations

import random
import secrets
from typing import Any

import pytest
import requests

from chalicelib.domain.transfer import external_guid
from chalicelib.qbxml.validation import qbxml_errors
from simulators.qbwc import RunLog, WebConnector, parse_qwc
from simulators.quickbooks import QuickBooksCompany
from tests.transfers.invoice_factory import LINES_OF_BUSINESS, invoice, organization
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e


class InvoiceSetup:
    def __init__(self, stack: LocalStack, api: requests.Session, source_id_prefix: str) -> None:
        self.stack, self.api, self.prefix = stack, api, source_id_prefix
        # A connector of its own, with every organization of this test routed to it (the default connector
        # belongs to whichever test made the first one).
        self.connector = self._ok(
            api.post(
                f"{stack.base_url}/api/connectors",
                json={"name": f"Invoices {source_id_prefix}", "transfers": {"invoices": True}},
            )
        )
        self.id = self.connector["id"]
        self._ok(
            api.put(
                f"{stack.base_url}/api/connectors/{self.id}/mappings/lines-of-business",
                json={
                    "entries": [{"source": lob, "class": "Consulting:Remote"} for lob in LINES_OF_BUSINESS]
                },
            )
        )
        username = f"inv-{secrets.token_hex(3)}"
        password = self._ok(
            api.post(f"{stack.base_url}/api/connectors/{self.id}/users", json={"username": username})
        )["password"]
        self.qwc = parse_qwc(api.get(f"{stack.base_url}/api/connectors/{self.id}/users/{username}/qwc").text)
        self.password = password

    @staticmethod
    def _ok(answer: requests.Response) -> Any:
        assert answer.status_code < 300, answer.text
        return answer.json()

    def document(self, n: int, org: int) -> dict[str, Any]:
        document = invoice(n, org=org)
        document["source_id"] = f"{self.prefix}-{document['source_id']}"
        document["organization"]["id"] = f"{self.prefix}-{document['organization']['id']}"
        return document

    def enqueue(self, documents: list[dict[str, Any]]) -> list[str]:
        for org_id in {d["organization"]["id"] for d in documents}:
            self._ok(
                self.api.put(
                    f"{self.stack.base_url}/api/organizations/{org_id}/connector",
                    json={"connector_id": self.id},
                )
            )
        return [
            self._ok(self.api.post(f"{self.stack.base_url}/api/transfers/invoices", json=d))["id"]
            for d in documents
        ]

    def run(self, company: QuickBooksCompany, **options: Any) -> RunLog:
        return WebConnector(self.qwc, self.password, company, noop_wait_seconds=0, **options).run()

    def statuses(self, ids: list[str]) -> dict[str, int]:
        tally: dict[str, int] = {}
        for transfer_id in ids:
            status = self._ok(self.api.get(f"{self.stack.base_url}/api/transfers/{transfer_id}"))["status"]
            tally[status] = tally.get(status, 0) + 1
        return tally


def test_two_hundred_invoices_for_forty_organizations(stack: LocalStack, api: requests.Session) -> None:
    setup = InvoiceSetup(stack, api, "E2E200")
    documents = [setup.document(n, org=n % 40) for n in range(200)]
    existing = [documents[n]["organization"]["name"] for n in range(0, 40, 2)]  # half exist already
    company = QuickBooksCompany.sample(customers_named=existing)
    ids = setup.enqueue(documents)

    # The first conversation sends everything (and starts the paid-date checks); the second has nothing to do.
    outcomes = [setup.run(company).outcome for _ in range(2)]

    assert outcomes == ["completed", "none"], outcomes
    assert setup.statuses(ids) == {"transferred": 200}
    for document, transfer_id in zip(documents, ids, strict=True):
        [found] = company.find_invoices_by_external_guid(external_guid(transfer_id))
        assert found.customer.full_name == document["organization"]["name"]
        assert [line.item.full_name for line in found.lines] == [
            entry["billing_code"] for entry in document["lines"]
        ]
        assert {line.class_.full_name for line in found.lines} == {"Consulting:Remote"}
        expected_tax = "Non" if document["organization"]["tax_exempt"] else "Tax"
        assert found.lines[0].sales_tax_code.full_name == expected_tax
    assert len(company.invoices) == 200
    created = [c for c in company.customers if c.full_name.startswith("Client ")]
    assert sorted(c.full_name for c in created) == sorted({organization(n)["name"] for n in range(40)})
    assert all(qbxml_errors(request) == [] for request in company.requests_seen)


def test_lost_answers_and_crashes_still_transfer_each_invoice_once(
    stack: LocalStack, api: requests.Session
) -> None:
    setup = InvoiceSetup(stack, api, "E2ELOSS")
    documents = [setup.document(n, org=n % 12) for n in range(200)]
    company = QuickBooksCompany.sample()
    ids = setup.enqueue(documents)
    chance = random.Random(20261122)
    dropped = crashes = 0
    for attempt in range(60):
        # A fifth of all answers is lost after QuickBooks applied the request; two runs crash mid-way.
        drop = {n for n in range(1, 30) if chance.random() < 0.2}
        crash_after = 3 if attempt in (0, 2) else None
        run = setup.run(company, drop_response_after_requests=drop, crash_after_requests=crash_after)
        dropped += run.outcome == "crashed" and crash_after is None
        crashes += crash_after is not None and run.outcome == "crashed"
        if run.outcome == "none":
            break
    assert dropped >= 3 and crashes == 2
    assert setup.statuses(ids) == {"transferred": 200}
    for transfer_id in ids:
        assert len(company.find_invoices_by_external_guid(external_guid(transfer_id))) == 1
    assert len(company.invoices) == 200


def test_failures_needs_attention_requeue_and_paid_dates(stack: LocalStack, api: requests.Session) -> None:
    setup = InvoiceSetup(stack, api, "E2EFAIL")
    good = [setup.document(n, org=n) for n in range(4)]
    uncreatable = setup.document(10, org=1)
    uncreatable["lines"][0]["billing_code"] = "Extended after-hours emergency support"  # 38 > 31 characters
    refused = setup.document(11, org=2)
    company = QuickBooksCompany.sample()
    ids = setup.enqueue([*good, uncreatable])

    assert setup.run(company).outcome == "completed"

    assert setup.statuses(ids[:4]) == {"transferred": 4}
    bad = setup._ok(api.get(f"{stack.base_url}/api/transfers/{ids[4]}"))
    assert bad["status"] == "failed" and bad["attempts"] == 1
    assert "31" in bad["error"]["message"] and "billing-codes mapping" in bad["error"]["fix"]
    log = setup._ok(api.get(f"{stack.base_url}/api/connectors/{setup.id}/conversations"))["conversations"]
    assert log[0]["status"] == "Finished, but with errors on the following transfers: Invoice"

    [refused_id] = setup.enqueue([refused])
    for attempt in (1, 2, 3):
        company.fail_next("InvoiceAddRq", 3210, 'The "Memo" field has an invalid value.')
        setup._ok(api.post(f"{stack.base_url}/api/connectors/{setup.id}/refresh-lists"))
        setup.run(company)
        state = setup._ok(api.get(f"{stack.base_url}/api/transfers/{refused_id}"))
        assert state["attempts"] == attempt
    assert state["status"] == "needs_attention" and state["error"]["status_code"] == 3210
    setup._ok(api.post(f"{stack.base_url}/api/transfers/{refused_id}/requeue"))
    setup.run(company)
    requeued = setup._ok(api.get(f"{stack.base_url}/api/transfers/{refused_id}"))
    assert requeued["status"] == "transferred"

    paid = setup._ok(api.get(f"{stack.base_url}/api/transfers/{ids[0]}"))
    company.pay_invoice(paid["qb_txn_id"])
    setup._ok(api.patch(f"{stack.base_url}/api/connectors/{setup.id}", json={"paid_date_sync_minutes": 0}))
    setup.run(company)
    assert setup._ok(api.get(f"{stack.base_url}/api/transfers/{ids[0]}"))["paid_date"] is not None
    assert setup._ok(api.get(f"{stack.base_url}/api/transfers/{ids[1]}"))["paid_date"] is None
