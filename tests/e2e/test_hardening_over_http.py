"""Hardening end to end over real HTTP (chalice local + dynalite): the QBWC ticket never leaves the SOAP
exchange and a forged callback does nothing; a stored document holding text XML 1.0 cannot carry fails alone
while the edge refuses such text; answers that match none of the requests end the conversation with an
explanation instead of looping.

The SOAP callbacks are made one by one here (not through the simulator's run loop), so the REST API can be
read between any two of them, and answers QuickBooks would never give can be posted.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Sequence
from email import policy
from email.parser import BytesParser
from typing import Any

import pytest
import requests

from chalicelib.admin.tokens import issue_token
from chalicelib.domain.transfer import external_guid, transfer_id
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.store.sessions import session_key
from simulators.qbwc import WebConnector, parse_qwc
from simulators.qbwc.soap_client import SoapClient, int_result, text_list_result, text_result
from simulators.quickbooks import QuickBooksCompany
from tests.e2e.conftest import E2E_PAGE_SIZE
from tests.transfers.invoice_factory import LINES_OF_BUSINESS, invoice
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e

UNSUCCESSFUL = "Unsuccessful - Could not communicate with QuickBooks"
UNMATCHED = "matched none of the requests"
EMPTY_ANSWER = '<?xml version="1.0"?><QBXML><QBXMLMsgsRs></QBXMLMsgsRs></QBXML>'
_REQUEST_ID = re.compile(r'requestID="([^"]*)"')
_REQUEST_TAG = re.compile(r"<(\w+Rq)\b")


class Bridge:
    """A connector of its own, with one QBWC user and the organizations of its documents routed to it."""

    def __init__(self, stack: LocalStack, api: requests.Session, prefix: str, **settings: Any) -> None:
        self.stack, self.api, self.prefix = stack, api, prefix
        self.connector = self.ok(
            api.post(
                f"{stack.base_url}/api/connectors",
                json={"name": f"Hardening {prefix} {secrets.token_hex(3)}", **settings},
            )
        )
        self.id: str = self.connector["id"]
        self.username = f"hard-{secrets.token_hex(4)}"
        self.password: str = self.ok(api.post(self.url("/users"), json={"username": self.username}))[
            "password"
        ]
        self.org_ids: set[str] = set()

    @staticmethod
    def ok(answer: requests.Response) -> Any:
        assert answer.status_code < 300, (answer.status_code, answer.text)
        return answer.json()

    def url(self, path: str = "") -> str:
        return f"{self.stack.base_url}/api/connectors/{self.id}{path}"

    def map_lines_of_business(self) -> None:
        entries = [{"source": lob, "class": "Consulting:Remote"} for lob in LINES_OF_BUSINESS]
        self.ok(self.api.put(self.url("/mappings/lines-of-business"), json={"entries": entries}))

    def document(self, n: int, org: int) -> dict[str, Any]:
        document = invoice(n, org=org)
        document["source_id"] = f"{self.prefix}-{document['source_id']}-{secrets.token_hex(3)}"
        document["organization"]["id"] = f"{self.prefix}-{self.id}-{document['organization']['id']}"
        return document

    def route(self, documents: Sequence[dict[str, Any]]) -> None:
        for org_id in {d["organization"]["id"] for d in documents} - self.org_ids:
            self.ok(
                self.api.put(
                    f"{self.stack.base_url}/api/organizations/{org_id}/connector",
                    json={"connector_id": self.id},
                )
            )
            self.org_ids.add(org_id)

    def enqueue(self, documents: Sequence[dict[str, Any]]) -> list[str]:
        self.route(documents)
        return [
            self.ok(self.api.post(f"{self.stack.base_url}/api/transfers/invoices", json=d))["id"]
            for d in documents
        ]

    def transfer(self, transfer_id_: str) -> dict[str, Any]:
        return dict(self.ok(self.api.get(f"{self.stack.base_url}/api/transfers/{transfer_id_}")))

    def conversations(self) -> list[dict[str, Any]]:
        return list(self.ok(self.api.get(self.url("/conversations")))["conversations"])


class Qbwc:
    """QBWC's callbacks, made one at a time (SOAP 1.1 document/literal, shaped as QBWC's .NET client does)."""

    def __init__(self, stack: LocalStack, http: requests.Session) -> None:
        self.client = SoapClient(f"{stack.base_url}/qbwc", http, timeout_seconds=30.0)

    def authenticate(self, username: str, password: str) -> tuple[str, str]:
        answer = text_list_result(
            self.client.call("authenticate", {"strUserName": username, "strPassword": password}),
            "authenticate",
        )
        return answer[0], answer[1]

    def send(self, ticket: str, company: QuickBooksCompany, *, first: bool) -> str:
        """sendRequestXML; the host/company/preferences answer goes with a run's first call only."""
        major, minor = company.qbxml_version
        arguments: dict[str, str | int] = {
            "ticket": ticket,
            "strHCPResponse": company.hcp_response() if first else "",
            "strCompanyFileName": company.company_file,
            "qbXMLCountry": company.country,
            "qbXMLMajorVers": major,
            "qbXMLMinorVers": minor,
        }
        return text_result(self.client.call("sendRequestXML", arguments), "sendRequestXML")

    def receive(self, ticket: str, response: str, *, hresult: str = "", message: str = "") -> int:
        arguments: dict[str, str | int] = {
            "ticket": ticket,
            "response": response,
            "hresult": hresult,
            "message": message,
        }
        return int_result(self.client.call("receiveResponseXML", arguments), "receiveResponseXML")

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        arguments: dict[str, str | int] = {"ticket": ticket, "hresult": hresult, "message": message}
        return text_result(self.client.call("connectionError", arguments), "connectionError")

    def last_error(self, ticket: str) -> str:
        return text_result(self.client.call("getLastError", {"ticket": ticket}), "getLastError")

    def close(self, ticket: str) -> str:
        return text_result(self.client.call("closeConnection", {"ticket": ticket}), "closeConnection")


@pytest.fixture
def qbwc(stack: LocalStack) -> Iterator[Qbwc]:
    with requests.Session() as http:
        yield Qbwc(stack, http)


@pytest.fixture(scope="module")
def source_api(stack: LocalStack, stack_store: Any) -> Iterator[requests.Session]:
    """An HTTP session with a ``source`` token (enqueue and read transfers, read connectors)."""
    token = issue_token(stack_store, scope="source", label="e2e-hardening", now="2026-11-20T09:00:00.000000Z")
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token.plaintext}"
        yield session


def request_tags(request_xml: str) -> list[str]:
    return _REQUEST_TAG.findall(request_xml)


# -- 1. the ticket stays inside the SOAP exchange --------------------------------------------------------------


class TicketScan:
    """Reads every GET route the two token scopes may use and checks no answer carries the live ticket."""

    def __init__(
        self,
        bridge: Bridge,
        source: requests.Session,
        ticket: str,
        password: str,
        transfer_ids: Sequence[str],
    ) -> None:
        self.bridge, self.source = bridge, source
        # The whole ticket, and its ends: 16 of its characters (96 random bits) would be a leak as well.
        # The session's stored key (a hash) is no credential, but it has no business in an answer either.
        self.needles = (ticket, ticket[:16], ticket[-16:], session_key(ticket))
        self.password = password
        self.transfer_ids = list(transfer_ids)
        self.reads = 0

    def _check(self, session: requests.Session, path: str, *, expect: int = 200) -> Any:
        answer = session.get(f"{self.bridge.stack.base_url}{path}")
        self.reads += 1
        assert answer.status_code == expect, (path, answer.status_code, answer.text)
        seen = answer.text + "\n" + "\n".join(f"{name}: {value}" for name, value in answer.headers.items())
        for needle in self.needles:
            assert needle not in seen, f"GET {path} answered (part of) the live QBWC ticket"
        assert self.password not in seen, f"GET {path} answered the QBWC user's password"
        return answer.json() if expect == 200 and "json" in answer.headers.get("Content-Type", "") else None

    def everything(self) -> str:
        """Read every route; returns the id of the connector's newest conversation."""
        bridge, source, connector = self.bridge, self.source, f"/api/connectors/{self.bridge.id}"
        # What a source token may read (an admin token reads the same answers).
        [mine] = [c for c in self._check(source, "/api/connectors")["connectors"] if c["id"] == bridge.id]
        one = self._check(source, connector)
        log = self._check(source, f"{connector}/conversations")["conversations"]
        newest: str = log[0]["id"]
        assert mine["last_10"][0]["id"] == one["last_10"][0]["id"] == newest
        self._check(source, "/api/transfers")
        self._check(source, f"/api/transfers?connector_id={bridge.id}&kind=invoices&limit=200")
        for transfer_id_ in self.transfer_ids:
            history = self._check(source, f"/api/transfers/{transfer_id_}")["history"]
            assert {e["conversation"] for e in history} <= {None, *(entry["id"] for entry in log)}
        self._check(source, f"/api/conversations/{newest}/transcript", expect=403)
        self._check(source, f"{connector}/users/{bridge.username}/qwc", expect=403)
        # The admin scope's own reads, the transcript of the live conversation included.
        transcript = self._check(bridge.api, f"/api/conversations/{newest}/transcript")
        assert transcript["id"] == newest and transcript["messages"][0]["method"] == "authenticate"
        for path in (
            f"{connector}/users",
            f"{connector}/users/{bridge.username}/qwc",
            f"{connector}/mappings/lines-of-business",
            f"{connector}/naming-conventions",
            f"{connector}/qb-lists/customers",
            f"{connector}/preview",
            "/api/tokens",
            *(f"/api/organizations/{org_id}/connector" for org_id in sorted(bridge.org_ids)),
        ):
            self._check(bridge.api, path)
        return newest


def test_the_ticket_never_leaves_soap_and_forged_callbacks_do_nothing(
    stack: LocalStack, api: requests.Session, source_api: requests.Session, qbwc: Qbwc
) -> None:
    bridge = Bridge(stack, api, "TICKET", transfers={"invoices": True})
    bridge.map_lines_of_business()
    documents = [bridge.document(n, org=n % 2) for n in range(3)]
    bridge.route(documents)
    # The source enqueues with its own token, as a PSA does.
    ids = [
        bridge.ok(source_api.post(f"{stack.base_url}/api/transfers/invoices", json=d))["id"]
        for d in documents
    ]
    company = QuickBooksCompany.sample()

    ticket, status = qbwc.authenticate(bridge.username, bridge.password)
    assert status == "" and len(ticket) >= 40
    scan = TicketScan(bridge, source_api, ticket, bridge.password, ids)
    conversation = scan.everything()
    assert bridge.conversations()[0]["status"] == "In Progress"

    percent, rounds, first, forged_with_invoices = 0, 0, True, False
    while percent < 100:
        request = qbwc.send(ticket, company, first=first)
        first = False
        assert request, qbwc.last_error(ticket)
        assert scan.everything() == conversation
        response = company.process(request)
        # Whoever read the conversation's id, or guesses a ticket, posts QuickBooks' own answer first: nothing
        # happens, and no request can be had with it.
        for forged in (conversation, secrets.token_urlsafe(32), ticket[:-1], ticket.upper()):
            assert qbwc.receive(forged, response) == -1
            assert "unknown or has expired" in qbwc.last_error(forged)
            assert qbwc.send(forged, company, first=False) == ""
        # Nor does anything that would end the conversation.
        forged = secrets.token_urlsafe(32) if rounds % 2 else conversation
        assert qbwc.receive(forged, "", hresult="0x80040400", message="forged") == -1
        assert qbwc.connection_error(forged, "0x80040408", "forged") == "done"
        assert qbwc.close(forged) == "OK"
        forged_with_invoices |= "InvoiceAddRq" in request_tags(request)
        # The real answer is still the first one the conversation takes (not a replay of a forged one).
        percent = qbwc.receive(ticket, response)
        assert 0 <= percent <= 100, qbwc.last_error(ticket)
        scan.everything()
        rounds += 1
        assert rounds < 30, "the conversation does not end"
    assert forged_with_invoices
    assert qbwc.close(ticket).startswith("OK")
    assert scan.everything() == conversation
    # A ticket that was real is no credential once its conversation has ended.
    assert qbwc.send(ticket, company, first=False) == ""

    [entry, *_] = bridge.conversations()
    assert entry["id"] == conversation and entry["status"] == "Success"
    for transfer_id_ in ids:
        state = bridge.transfer(transfer_id_)
        assert state["status"] == "transferred"
        assert state["history"][-1]["conversation"] == conversation
        assert len(company.find_invoices_by_external_guid(external_guid(transfer_id_))) == 1
    assert len(company.invoices) == len(documents)

    # The next scheduled run (the simulator, start to end) finds nothing to send again.
    qwc = parse_qwc(api.get(bridge.url(f"/users/{bridge.username}/qwc")).text)
    bridge.ok(api.patch(bridge.url(), json={"paid_date_sync_minutes": 0}))
    again = WebConnector(qwc, bridge.password, company, noop_wait_seconds=0).run()
    assert again.outcome == "completed", again
    assert again.ticket is not None and again.ticket != ticket
    assert len(company.invoices) == len(documents)
    assert all(bridge.transfer(t)["status"] == "transferred" for t in ids)
    assert "InvoiceAddRq" not in {
        tag for r in company.requests_seen[-again.requests_sent :] for tag in request_tags(r)
    }
    assert scan.reads > 100


# -- 2. text XML 1.0 cannot carry -------------------------------------------------------------------------------


def test_a_poisoned_stored_document_fails_alone_and_the_edge_refuses_such_text(
    stack: LocalStack, api: requests.Session, stack_store: Any
) -> None:
    bridge = Bridge(stack, api, "POISON", transfers={"invoices": True})
    bridge.map_lines_of_business()
    documents = [bridge.document(n, org=n % 2) for n in range(4)]
    ids = bridge.enqueue(documents)
    # Stored before the edge refused such text: written straight into the store, past the API.
    poisoned = stack_store.transfers.get(ids[1])
    poisoned.document["lines"][0]["description"] = "Printer \u0007 reset"
    stack_store.transfers.save_many([poisoned])
    company = QuickBooksCompany.sample()
    qwc = parse_qwc(api.get(bridge.url(f"/users/{bridge.username}/qwc")).text)

    run = WebConnector(qwc, bridge.password, company, noop_wait_seconds=0).run()

    assert run.outcome == "completed", run
    assert all(callback.fault is None and callback.http_status == 200 for callback in run.callbacks)
    [entry] = bridge.conversations()
    assert entry["status"] == "Finished, but with errors on the following transfers: Invoice"
    failed = bridge.transfer(ids[1])
    assert failed["status"] == "failed" and failed["error"]["code"] == "unrenderable_text"
    assert "lines.0.description" in failed["error"]["message"] and "U+0007" in failed["error"]["message"]
    assert failed["history"][-1]["conversation"] == entry["id"]
    assert company.find_invoices_by_external_guid(external_guid(ids[1])) == []
    for good in (ids[0], *ids[2:]):
        state = bridge.transfer(good)
        assert state["status"] == "transferred"
        assert state["history"][-1]["conversation"] == entry["id"]  # the same conversation
        assert len(company.find_invoices_by_external_guid(external_guid(good))) == 1
    assert len(company.invoices) == 3
    assert all("\u0007" not in request and qbxml_errors(request) == [] for request in company.requests_seen)

    # The next conversation fails it alone again, and nothing else goes wrong.
    bridge.ok(api.patch(bridge.url(), json={"paid_date_sync_minutes": 0}))
    again = WebConnector(qwc, bridge.password, company, noop_wait_seconds=0).run()
    assert again.outcome == "completed" and all(c.fault is None for c in again.callbacks), again
    retried = bridge.transfer(ids[1])
    assert retried["attempts"] == 2 and retried["error"]["code"] == "unrenderable_text"
    assert len(company.invoices) == 3
    # The fix the error names: the source sends the document again without the character.
    assert bridge.ok(api.post(f"{stack.base_url}/api/transfers/invoices", json=documents[1]))["id"] == ids[1]
    fixed = WebConnector(qwc, bridge.password, company, noop_wait_seconds=0).run()
    assert fixed.outcome == "completed", fixed
    assert bridge.transfer(ids[1])["status"] == "transferred"
    assert len(company.find_invoices_by_external_guid(external_guid(ids[1]))) == 1
    assert len(company.invoices) == 4

    # At the edge: refused with 422 naming the field, and nothing is stored.
    listed = f"{stack.base_url}/api/transfers?connector_id={bridge.id}&limit=200"
    before = sorted(t["id"] for t in bridge.ok(api.get(listed))["transfers"])
    assert before == sorted(ids)
    for field, place, text in (
        ("lines.0.description", ("lines", 0, "description"), "Line\u0007one"),
        ("memo", ("memo",), "Escape \u001b[31m"),
        ("organization.name", ("organization", "name"), "Null\u0000Dental"),
        ("po_number", ("po_number",), "PO-\ufffe"),
        ("lines.1.description", ("lines", 1, "description"), "Lone \ud800 surrogate"),
    ):
        refused = bridge.document(90, org=0)
        target: Any = refused
        for step in place[:-1]:
            target = target[step]
        target[place[-1]] = text
        answer = api.post(f"{stack.base_url}/api/transfers/invoices", json=refused)
        assert answer.status_code == 422, (field, answer.status_code, answer.text)
        error = answer.json()["error"]
        assert error["code"] == "validation_failed" and field in error["message"], error
        assert [detail["field"] for detail in error["details"]] == [field], error
        gone = api.get(f"{stack.base_url}/api/transfers/{transfer_id('invoices', refused['source_id'])}")
        assert gone.status_code == 404, gone.text
    assert sorted(t["id"] for t in bridge.ok(api.get(listed))["transfers"]) == before


# -- 3. answers that match no request ---------------------------------------------------------------------------


def mails_to(stack: LocalStack, address: str) -> list[str]:
    """The outbox's e-mails to ``address``: headers and every text part, decoded."""
    found: list[str] = []
    for path in sorted(stack.outbox_dir.glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if address not in str(message["To"]):
            continue
        parts = [f"{name}: {value}" for name, value in message.items()]
        parts += [str(part.get_content()) for part in message.walk() if part.get_content_maintype() == "text"]
        found.append("\n".join(parts))
    return found


def _foreign_ids(response: str) -> str:
    """QuickBooks' answer with every requestID changed to one that was never sent."""
    return _REQUEST_ID.sub(lambda found: f'requestID="never-sent-{found.group(1)}"', response)


@pytest.mark.parametrize("unmatched", ["empty", "foreign_request_ids"])
def test_answers_matching_no_request_end_the_conversation_after_two_rounds(
    stack: LocalStack, api: requests.Session, qbwc: Qbwc, unmatched: str
) -> None:
    address = f"ops-{secrets.token_hex(4)}@example.com"
    bridge = Bridge(stack, api, "UNMATCHED", notify_emails=[address])
    company = QuickBooksCompany.sample()

    def wrong_answer(request: str) -> str:
        return EMPTY_ANSWER if unmatched == "empty" else _foreign_ids(company.process(request))

    ticket, status = qbwc.authenticate(bridge.username, bridge.password)
    assert status == ""
    first_request = qbwc.send(ticket, company, first=True)
    assert request_tags(first_request), first_request
    assert 0 <= qbwc.receive(ticket, wrong_answer(first_request)) < 100

    again = qbwc.send(ticket, company, first=False)
    assert again == first_request  # nothing was answered: the same queries go out again
    assert qbwc.receive(ticket, wrong_answer(again)) < 0

    last_error = qbwc.last_error(ticket)
    assert UNMATCHED in last_error and "2 times in a row" in last_error
    assert qbwc.close(ticket).startswith("OK")
    assert qbwc.send(ticket, company, first=False) == ""  # over: nothing more goes out
    [entry] = bridge.conversations()
    assert entry["status"] == UNSUCCESSFUL
    assert UNMATCHED in entry["message"]
    customers = bridge.ok(api.get(bridge.url("/qb-lists/customers")))
    assert customers["read_at"] is None  # lists answered by nobody were not taken as read
    # A person is told why; the ticket is not in the e-mail either.
    [notice] = mails_to(stack, address)
    assert UNSUCCESSFUL in notice and UNMATCHED in notice and f"#connectors/{bridge.id}" in notice, notice
    assert ticket not in notice and ticket[:16] not in notice


def test_a_matching_answer_in_between_resets_the_count(
    stack: LocalStack, api: requests.Session, qbwc: Qbwc
) -> None:
    bridge = Bridge(stack, api, "RESET")
    company = QuickBooksCompany.sample(customers=3 * E2E_PAGE_SIZE + 7)  # customers take several rounds
    ticket, _ = qbwc.authenticate(bridge.username, bridge.password)

    assert qbwc.send(ticket, company, first=True)
    assert 0 <= qbwc.receive(ticket, EMPTY_ANSWER) < 100
    request = qbwc.send(ticket, company, first=False)
    assert 0 <= qbwc.receive(ticket, company.process(request)) < 100  # matched: the count starts over
    assert qbwc.send(ticket, company, first=False)
    assert 0 <= qbwc.receive(ticket, EMPTY_ANSWER) < 100  # one in a row again, not two

    percent, rounds = 0, 0
    while percent < 100:
        request = qbwc.send(ticket, company, first=False)
        assert request, qbwc.last_error(ticket)
        percent = qbwc.receive(ticket, company.process(request))
        assert percent >= 0, qbwc.last_error(ticket)
        rounds += 1
        assert rounds < 30, "the conversation does not end"
    assert qbwc.close(ticket).startswith("OK")
    assert bridge.conversations()[0]["status"] == "Success"
