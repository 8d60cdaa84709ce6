"""Defence in depth: a document (or a mapping) stored with text XML cannot carry, from before the API refused
it, fails alone with explanation and fix; the rest of the queue goes out and no conversation faults."""

from __future__ import annotations

from typing import Any

from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, connect
from tests.transfers.invoice_factory import invoice


def _poison(store: Any, transfer_id: str, path: tuple[str | int, ...], text: str) -> None:
    transfer = store.transfers.get(transfer_id)
    target: Any = transfer.document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = text
    store.transfers.save_many([transfer])


def test_a_poisoned_document_fails_alone_and_the_others_transfer(
    client: Any, admin: Admin, store: Any
) -> None:
    connector = admin.connector(transfers={"invoices": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    ids = [admin.enqueue(invoice(n, org=n % 2)).json_body["id"] for n in range(1, 5)]
    _poison(store, ids[1], ("lines", 0, "description"), "Support\u0007call")
    _poison(store, ids[2], ("organization", "name"), "Client\u0000Two")
    company = QuickBooksCompany.sample()

    run = connect(client, qwc, password, company).run()

    assert run.outcome == "completed"
    transfers = [admin.transfer(i) for i in ids]
    assert [t["status"] for t in transfers] == ["transferred", "failed", "failed", "transferred"]
    for failed, field in ((transfers[1], "lines.0.description"), (transfers[2], "organization.name")):
        assert failed["error"]["code"] == "unrenderable_text"
        assert field in failed["error"]["message"] and "U+00" in failed["error"]["message"]
        assert failed["error"]["fix"]
    [entry] = admin.conversations(connector["id"])
    assert entry["status"] == "Finished, but with errors on the following transfers: Invoice"
    # The next conversation is not held up by them either: nothing left to send, no fault.
    assert connect(client, qwc, password, company).run().outcome in ("none", "completed")


def test_a_poisoned_mapping_fails_only_the_invoices_that_use_it(
    client: Any, admin: Admin, store: Any
) -> None:
    connector = admin.connector(transfers={"invoices": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    admin.call(
        "PUT",
        f"/api/connectors/{connector['id']}/mappings/lines-of-business",
        {"entries": [{"source": "Projects", "class": "Consulting"}]},
        200,
    )
    # Stored straight, as an older version (which did not refuse it at the edge) could have.
    entries = store.mappings.get(connector["id"], "lines-of-business")
    entries[0]["class"] = "Consult\u001bing"
    store.mappings.put(connector["id"], "lines-of-business", entries, now="2026-11-20T09:00:00.000000Z")
    plain = invoice(1, org=1)
    plain["line_of_business"] = None
    for line in plain["lines"]:
        line["line_of_business"] = None
    projects = invoice(2, org=2)
    projects["line_of_business"] = "Projects"
    ids = [admin.enqueue(plain).json_body["id"], admin.enqueue(projects).json_body["id"]]

    run = connect(client, qwc, password, QuickBooksCompany.sample()).run()

    assert run.outcome == "completed"
    first, second = (admin.transfer(i) for i in ids)
    assert first["status"] == "transferred"
    assert second["status"] == "failed" and second["error"]["code"] == "invalid_name"
    assert "lines-of-business mapping" in second["error"]["fix"]
