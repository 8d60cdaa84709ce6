"""Each document is checked in the callback that builds the first message that may carry it, and that message
carries the very requests built to check it: a document QuickBooks would refuse fails alone wherever it sits
in the queue, and every message is still filled with documents that pass."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from lxml import etree

from chalicelib.api import dependencies
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, FakeClock, connect
from tests.transfers.invoice_factory import invoice

PER_MESSAGE = 3


@pytest.fixture
def small_messages(monkeypatch: pytest.MonkeyPatch, clock: FakeClock, app_env: None) -> None:
    monkeypatch.setenv("MAX_MESSAGE_REQUESTS", str(PER_MESSAGE))
    dependencies.reset()
    dependencies.set_clock(clock)


def _bill(n: int, amount: str) -> dict[str, Any]:
    return {
        "source_id": f"AP-{n}",
        "number": f"B-{n}",
        "date": "2026-11-20",
        "vendor": {"id": "V-1", "name": "Office Depot"},
        "expense_lines": [{"account": "Office Supplies", "amount": amount}],
    }


def test_refused_documents_fail_alone_in_any_message_and_the_others_go_once(
    small_messages: None, client: Any, admin: Admin
) -> None:
    connector = admin.connector(transfers={"bills": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    refused = {1, 4, 5, 10}  # the first of the first message, two side by side later on, the very last
    # A negative bill: the API takes it, QuickBooks would not (the builder refuses it).
    documents = [_bill(n, "-50.00" if n in refused else f"{n}0.00") for n in range(1, 11)]
    ids = [admin.call("POST", "/api/transfers/bills", d, 202).json_body["id"] for d in documents]
    company = QuickBooksCompany.sample()

    run = connect(client, qwc, password, company).run()

    assert run.outcome == "completed"
    for n, transfer_id in enumerate(ids, start=1):
        transfer = admin.transfer(transfer_id)
        if n in refused:
            assert transfer["status"] == "failed"
            assert (
                transfer["error"]["code"] == "document_refused" and "negative" in transfer["error"]["message"]
            )
        else:
            assert transfer["status"] == "transferred", n
    numbers = Counter(str(bill.ref_number) for bill in company.bills)
    assert numbers == Counter(f"B-{n}" for n in range(1, 11) if n not in refused)
    adds = [
        len(etree.fromstring(c.result.encode()).findall(".//BillAddRq"))
        for c in run.callbacks
        if c.method == "sendRequestXML" and isinstance(c.result, str) and "BillAddRq" in c.result
    ]
    assert adds == [PER_MESSAGE, PER_MESSAGE]  # the six that pass, in full messages


def test_a_stored_document_todays_checks_refuse_fails_alone(client: Any, admin: Admin, store: Any) -> None:
    connector = admin.connector(transfers={"invoices": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    ids = [admin.enqueue(invoice(n, org=n)).json_body["id"] for n in (1, 2)]
    # Stored as a version that checked less could have: more digits than the API (and QuickBooks) take.
    transfer = store.transfers.get(ids[0])
    transfer.document["lines"][0]["rate"] = 12345678901.0
    store.transfers.save_many([transfer])

    run = connect(client, qwc, password, QuickBooksCompany.sample()).run()

    assert run.outcome == "completed"
    failed, sent = admin.transfer(ids[0]), admin.transfer(ids[1])
    assert failed["status"] == "failed" and failed["error"]["code"] == "document_invalid"
    assert "lines.0.rate" in failed["error"]["message"] and failed["error"]["fix"]
    assert sent["status"] == "transferred"
