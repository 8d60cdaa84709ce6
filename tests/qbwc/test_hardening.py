"""SOAP defects the hardening review found: the ticket leaking to REST, answers that match no request,
clientVersion of any length, Windows paths, early and abandoned endings explained, equal authentication work,
and unauthenticated parsing bounded."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.conversation import Conversation, legacy_conversation_id
from chalicelib.domain.transfer import Transfer
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, FakeClock, connect
from tests.qbwc.test_endpoint import answer, soap
from tests.transfers.invoice_factory import invoice

UNMATCHED = '<?xml version="1.0"?><QBXML><QBXMLMsgsRs onError="continueOnError"></QBXMLMsgsRs></QBXML>'
FOREIGN = (
    '<?xml version="1.0"?><QBXML><QBXMLMsgsRs onError="continueOnError">'
    '<AccountQueryRs requestID="never-sent" statusCode="0" statusSeverity="Info" statusMessage="Status OK"/>'
    "</QBXMLMsgsRs></QBXML>"
)


def _start(
    client: Any, admin: Admin, company: QuickBooksCompany | None = None, **connector: Any
) -> dict[str, Any]:
    """An authenticated session whose first request is out (the answer not yet posted)."""
    created = admin.connector(**connector)
    user = admin.call("POST", f"/api/connectors/{created['id']}/users", {"username": "pc"}, 201).json_body
    _, result, _ = answer(client, soap("authenticate", strUserName="pc", strPassword=user["password"]))
    assert isinstance(result, list)
    company = company or QuickBooksCompany.sample()
    ticket = result[0]
    _, request, _ = answer(client, _send(ticket, company))
    assert isinstance(request, str) and request
    return {"ticket": ticket, "request": request, "company": company, "connector": created}


def _send(ticket: str, company: QuickBooksCompany, company_file: str | None = None) -> bytes:
    return soap(
        "sendRequestXML",
        ticket=ticket,
        strHCPResponse=company.hcp_response(),
        strCompanyFileName=company.company_file if company_file is None else company_file,
        qbXMLCountry="US",
        qbXMLMajorVers=13,
        qbXMLMinorVers=0,
    )


def _receive(ticket: str, response: str) -> bytes:
    return soap("receiveResponseXML", ticket=ticket, response=response, hresult="", message="")


# -- 1. the ticket never leaves the SOAP exchange ----------------------------------------------------------


def test_no_rest_answer_carries_a_live_ticket(
    client: Any, admin: Admin, source_headers: dict[str, str]
) -> None:
    source = Admin(client, source_headers)
    started = _start(client, admin, transfers={"invoices": True})
    transfer_id = source.enqueue(invoice(1, org=1)).json_body["id"]
    connector_id = started["connector"]["id"]
    ticket = started["ticket"]
    conversation = admin.conversations(connector_id)[0]
    answers = [
        source.call("GET", "/api/connectors", expect=200),
        source.call("GET", f"/api/connectors/{connector_id}", expect=200),
        source.call("GET", f"/api/connectors/{connector_id}/conversations", expect=200),
        source.call("GET", "/api/transfers", expect=200),
        source.call("GET", f"/api/transfers/{transfer_id}", expect=200),
        admin.call("GET", f"/api/conversations/{conversation['id']}/transcript", expect=200),
        admin.call("GET", f"/api/connectors/{connector_id}/preview", expect=200),
    ]
    assert conversation["status"] == "In Progress" and "ticket" not in conversation
    for reply in answers:
        assert ticket not in reply.body.decode()
    # The conversation id is no credential: used as a ticket it drives nothing.
    _, result, _ = answer(
        client, _receive(conversation["id"], started["company"].process(started["request"]))
    )
    assert result == "-1"


def test_transfer_histories_name_the_conversation_by_id(client: Any, admin: Admin) -> None:
    connector = admin.connector(transfers={"invoices": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    transfer_id = admin.enqueue(invoice(1, org=1)).json_body["id"]
    run = connect(client, qwc, password, QuickBooksCompany.sample()).run()

    transfer = admin.transfer(transfer_id)
    [conversation] = admin.conversations(connector["id"])
    assert transfer["status"] == "transferred"
    assert {h["conversation"] for h in transfer["history"][1:]} == {conversation["id"]}
    assert run.ticket not in json.dumps(transfer)


def test_entries_stored_before_conversation_ids_show_no_ticket() -> None:
    ticket = "an-old-live-ticket"
    transfer = Transfer.model_validate(
        {
            "id": "inv_1",
            "kind": "invoices",
            "source_id": "INV-1",
            "connector_id": "c",
            "document": {},
            "enqueued_at": "t",
            "updated_at": "t",
            "external_guid": "{G}",
            "status": "in_flight",
            "in_flight_ticket": ticket,
            "history": [{"at": "t", "status": "in_flight", "ticket": ticket, "note": "sent"}],
        }
    )
    conversation = Conversation.model_validate(
        {"ticket": ticket, "connector_id": "c", "user": "u", "started_at": "t", "last_activity_at": "t"}
    )
    assert ticket not in json.dumps(transfer.public()) and ticket not in conversation.model_dump_json()
    assert transfer.history[0].conversation == conversation.id == legacy_conversation_id(ticket)
    assert transfer.in_flight_conversation == conversation.id


# -- 4. answers that match no outstanding request ----------------------------------------------------------


@pytest.mark.parametrize("unmatched", [UNMATCHED, FOREIGN])
def test_answers_matching_no_request_end_the_conversation_after_two_rounds(
    client: Any, admin: Admin, unmatched: str
) -> None:
    started = _start(client, admin)
    ticket = started["ticket"]

    _, first, _ = answer(client, _receive(ticket, unmatched))
    assert isinstance(first, str) and int(first) >= 0
    _, again, _ = answer(client, _send(ticket, started["company"]))
    assert isinstance(again, str) and "QBXMLMsgsRq" in again  # the same requests, asked again
    _, second, _ = answer(client, _receive(ticket, unmatched))

    assert isinstance(second, str) and int(second) < 0
    _, message, _ = answer(client, soap("getLastError", ticket=ticket))
    assert isinstance(message, str) and "matched none of the requests" in message
    [entry] = admin.conversations(started["connector"]["id"])
    assert entry["status"] == "Unsuccessful - Could not communicate with QuickBooks"
    assert "matched none of the requests" in entry["message"] and "Fix:" in entry["message"]


def test_a_matching_answer_in_between_starts_the_count_again(client: Any, admin: Admin) -> None:
    # Enough customers for several list pages: the conversation needs more than one message.
    started = _start(client, admin, QuickBooksCompany.sample(customers=200))
    ticket, company = started["ticket"], started["company"]
    _, first, _ = answer(client, _receive(ticket, UNMATCHED))
    _, request, _ = answer(client, _send(ticket, company))
    assert isinstance(request, str)
    _, matched, _ = answer(client, _receive(ticket, company.process(request)))
    _, request, _ = answer(client, _send(ticket, company))
    assert isinstance(request, str) and request
    _, after, _ = answer(client, _receive(ticket, UNMATCHED))
    assert isinstance(first, str) and isinstance(matched, str) and isinstance(after, str)
    assert int(first) >= 0 and int(matched) >= 0 and int(after) >= 0


# -- 7. smaller ones -----------------------------------------------------------------------------------------


def test_a_five_thousand_digit_client_version_gets_an_answer(client: Any) -> None:
    status, result, fault = answer(client, soap("clientVersion", strVersion="9" * 5000))
    assert status == 200 and fault is None and result == ""
    # The readable start is what counts: 2.0 is older than QBWC 2.1.0.30, so a warning, never a fault.
    assert str(answer(client, soap("clientVersion", strVersion="2.0." + "1" * 5000))[1]).startswith("W:")


def test_a_changed_company_file_is_shown_as_written(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "pc")
    company = QuickBooksCompany.sample()
    assert connect(client, qwc, password, company).run().outcome == "completed"
    admin.call("POST", f"/api/connectors/{connector['id']}/refresh-lists", expect=202)
    _, result, _ = answer(client, soap("authenticate", strUserName="pc", strPassword=password))
    assert isinstance(result, list)
    moved = "C:\\Users\\Public\\Documents\\Intuit\\Moved Co.qbw"

    _, sent, _ = answer(client, _send(result[0], company, company_file=moved))
    _, message, _ = answer(client, soap("getLastError", ticket=result[0]))

    assert sent == ""
    assert isinstance(message, str) and f'"{moved}"' in message and "\\\\" not in message
    entry = admin.conversations(connector["id"])[0]
    assert moved in entry["message"] and "\\\\" not in entry["message"]


def test_a_session_that_ends_early_says_what_was_seen_last_and_what_to_do(client: Any, admin: Admin) -> None:
    started = _start(client, admin)
    answer(client, soap("closeConnection", ticket=started["ticket"]))
    [entry] = admin.conversations(started["connector"]["id"])
    assert entry["status"] == "Unsuccessful - Could not communicate with QuickBooks"
    message = entry["message"]
    assert "The last thing the bridge saw was sendRequestXML" in message
    assert "asleep" in message or "sleep" in message
    assert "Fix:" in message and "never sent twice" in message


def test_the_abandoned_message_follows_the_idle_setting(
    client: Any, admin: Admin, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.api import dependencies

    monkeypatch.setenv("SESSION_IDLE_SECONDS", "120")
    dependencies.reset()
    dependencies.set_clock(clock)
    started = _start(client, admin)
    clock.advance(minutes=3)
    [entry] = admin.conversations(started["connector"]["id"])
    assert "stopped calling for 2 minutes" in entry["message"] and "10 minutes" not in entry["message"]
    _, result, _ = answer(client, _receive(started["ticket"], UNMATCHED))
    assert result == "-1"
    [ended] = admin.conversations(started["connector"]["id"])
    assert "stopped calling for 2 minutes" in ended["message"]


class _CountingTable:
    """A table that counts the DynamoDB operations made through it."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._table, name)
        if name in {"get_item", "put_item", "update_item", "delete_item", "query", "scan", "batch_writer"}:

            def counted(*args: Any, **kwargs: Any) -> Any:
                self.calls[name] += 1
                return attribute(*args, **kwargs)

            return counted
        return attribute


def test_authentication_costs_the_same_whoever_asks(
    table: Any, store: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No timing: the work itself (hashes, reads, writes) is counted for every refused sign-in."""
    from chalicelib.admin.qbwc_users import create_user
    from chalicelib.domain.connector import ConnectorCreate
    from chalicelib.domain.qbwc_user import QbwcUserCreate
    from chalicelib.notify.mailer import OutboxMailer
    from chalicelib.qbwc.service import WebConnectorService
    from chalicelib.settings import Settings
    from chalicelib.store import Store

    connector = store.connectors.create(ConnectorCreate(name="Main"), now="2026-11-20T09:00:00.000000Z")
    created = create_user(store, connector, QbwcUserCreate(username="pc"), now="2026-11-20T09:00:00.000000Z")
    create_user(store, connector, QbwcUserCreate(username="locked-pc"), now="2026-11-20T09:00:00.000000Z")
    for _ in range(5):
        store.users.record_failed_attempt("locked-pc", now="2026-11-20T09:00:00.000000Z")
    inactive = store.connectors.create(
        ConnectorCreate(name="Old", active=False), now="2026-11-20T09:00:00.000000Z"
    )
    asleep = create_user(
        store, inactive, QbwcUserCreate(username="old-pc"), now="2026-11-20T09:00:00.000000Z"
    )
    hashes = Counter[str]()
    real_pbkdf2 = hashlib.pbkdf2_hmac

    def counted_pbkdf2(*args: Any, **kwargs: Any) -> bytes:
        hashes["pbkdf2"] += 1
        return real_pbkdf2(*args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted_pbkdf2)

    def work(username: str, password: str) -> tuple[Counter[str], int, Any]:
        counting = _CountingTable(table)
        service = WebConnectorService(
            Store(counting), Settings(), clock, OutboxMailer(tmp_path, "bridge@example.com")
        )
        hashes.clear()
        result = service.authenticate(username, password).result
        return counting.calls, hashes["pbkdf2"], result

    wrong = work("pc", "not-it")
    for refused in [
        work("nobody", "not-it"),
        work("x" * 5000, "not-it"),
        work("", "not-it"),
        work("locked-pc", "not-it"),
        work("locked-pc", created.password),  # the right password of another user: still wrong here
        work("old-pc", asleep.password),
    ]:
        assert refused[2][1] == "nvu"
        assert (refused[0], refused[1]) == (wrong[0], wrong[1])
    assert wrong[2][1] == "nvu" and wrong[1] == 1


# -- 8. unauthenticated work is bounded ------------------------------------------------------------------------


def test_a_flood_of_empty_elements_is_refused_before_parsing(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import safe_xml

    def no_parsing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the flood reached the parser")

    monkeypatch.setattr(safe_xml, "_parser", no_parsing)
    flood = soap("authenticate", strUserName="pc", strPassword="x").replace(
        b"<ns0:strUserName>", b"<ns0:strUserName>" + b"<a/>" * 1_000_000, 1
    )
    status, _, fault = answer(client, flood)
    assert status == 500 and fault is not None and "more than 200,000 elements" in fault


def test_deep_nesting_is_refused(client: Any) -> None:
    deep = soap("authenticate", strUserName="pc", strPassword="x").replace(
        b"<ns0:strUserName>", b"<ns0:strUserName>" + b"<a>" * 300 + b"</a>" * 300, 1
    )
    status, _, fault = answer(client, deep)
    assert status == 500 and fault is not None and "well-formed" in fault
