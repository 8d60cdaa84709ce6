"""POST /qbwc with bad input: every case gets a SOAP Fault or the protocol's error answer, storage untouched."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from chalicelib.qbwc.soap import QBWC_NS, SOAP_ENV
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import FakeClock, table_snapshot

HEADERS = {"Content-Type": "text/xml; charset=utf-8"}


def soap(method: str, **args: str | int) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    call = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{QBWC_NS}}}{method}")
    for name, value in args.items():
        etree.SubElement(call, f"{{{QBWC_NS}}}{name}").text = str(value)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def answer(client: Any, body: bytes) -> tuple[int, str | list[str] | None, str | None]:
    """(HTTP status, result, faultstring)."""
    reply = client.http.post("/qbwc", headers=HEADERS, body=body)
    root = etree.fromstring(reply.body)
    fault = root.find(f".//{{{SOAP_ENV}}}Fault")
    if fault is not None:
        return reply.status_code, None, fault.findtext("faultstring")
    result = None
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.endswith("Result"):
            result = element
    assert result is not None
    strings = result.findall(f"{{{QBWC_NS}}}string")
    return reply.status_code, [s.text or "" for s in strings] if strings else (result.text or ""), None


@pytest.fixture
def session(client: Any, admin_headers: dict[str, str]) -> dict[str, Any]:
    """A running conversation: authenticated, first request sent, answer not yet posted."""
    connector = client.http.post(
        "/api/connectors", headers=admin_headers, body=json.dumps({"name": "Main"}).encode()
    ).json_body
    user = client.http.post(
        f"/api/connectors/{connector['id']}/users",
        headers=admin_headers,
        body=json.dumps({"username": "pc"}).encode(),
    ).json_body
    _, result, _ = answer(client, soap("authenticate", strUserName="pc", strPassword=user["password"]))
    assert isinstance(result, list)
    ticket = result[0]
    company = QuickBooksCompany.sample()
    _, request, _ = answer(
        client,
        soap(
            "sendRequestXML",
            ticket=ticket,
            strHCPResponse=company.hcp_response(),
            strCompanyFileName=company.company_file,
            qbXMLCountry="US",
            qbXMLMajorVers=13,
            qbXMLMinorVers=0,
        ),
    )
    assert isinstance(request, str) and request
    return {"ticket": ticket, "request": request, "company": company, "connector": connector}


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<authenticate xmlns="http://developer.intuit.com/"><strUserName>&lol3;</strUserName>'
    b"<strPassword>x</strPassword></authenticate></soap:Body></soap:Envelope>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<clientVersion xmlns="http://developer.intuit.com/"><strVersion>&xxe;</strVersion></clientVersion>'
    b"</soap:Body></soap:Envelope>"
)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"<soap:Envelope", "not well-formed"),
        (b"", "empty"),
        (BILLION_LAUGHS, "not accepted"),
        (XXE, "not accepted"),
        (soap("authenticate", strUserName="pc"), "missing its strPassword"),
        (soap("sendRequestXML", ticket="t"), "missing its qbXMLMajorVers"),
        (soap("receiveResponseXML"), "missing its ticket"),
        (soap("dropTables"), "Unknown QBWC method"),
    ],
)
def test_bad_postings_get_a_fault_and_change_nothing(
    client: Any, session: dict[str, Any], table: Any, body: bytes, needle: str
) -> None:
    before = table_snapshot(table)
    status, _, fault = answer(client, body)
    assert status == 500
    assert fault is not None and needle in fault
    assert table_snapshot(table) == before


def test_body_over_the_cap_gets_a_fault(
    client: Any, session: dict[str, Any], table: Any, monkeypatch: Any
) -> None:
    from chalicelib.api import dependencies
    from chalicelib.settings import get_settings

    monkeypatch.setenv("MAX_BODY_BYTES", "5000")
    get_settings.cache_clear()
    dependencies.get_web_connector_service.cache_clear()
    before = table_snapshot(table)
    big = soap("receiveResponseXML", ticket=session["ticket"], response="x" * 6000, hresult="", message="")
    status, _, fault = answer(client, big)
    assert status == 500 and fault is not None and "at most 5,000 bytes" in fault
    assert table_snapshot(table) == before


@pytest.mark.parametrize(
    ("method", "args", "expected"),
    [
        (
            "sendRequestXML",
            {
                "strHCPResponse": "",
                "strCompanyFileName": "",
                "qbXMLCountry": "US",
                "qbXMLMajorVers": 13,
                "qbXMLMinorVers": 0,
            },
            "",
        ),
        ("receiveResponseXML", {"response": "<QBXML/>", "hresult": "", "message": ""}, "-1"),
        ("connectionError", {"hresult": "0x80040408", "message": "x"}, "done"),
        ("closeConnection", {}, "OK"),
    ],
)
def test_unknown_ticket_changes_nothing_and_explains(
    client: Any, session: dict[str, Any], table: Any, method: str, args: dict[str, Any], expected: str
) -> None:
    before = table_snapshot(table)
    status, result, _ = answer(client, soap(method, ticket="forged-ticket", **args))
    assert status == 200 and result == expected
    _, message, _ = answer(client, soap("getLastError", ticket="forged-ticket"))
    assert isinstance(message, str) and "unknown or has expired" in message
    assert table_snapshot(table) == before


def _without_transcript(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if not str(i["SK"]).startswith("MSG#")]


def test_replayed_or_garbage_response_changes_nothing(
    client: Any, session: dict[str, Any], table: Any
) -> None:
    ticket = session["ticket"]
    response = session["company"].process(session["request"])
    status, percent, _ = answer(
        client, soap("receiveResponseXML", ticket=ticket, response=response, hresult="", message="")
    )
    assert status == 200 and percent != "-1"
    after_first = _without_transcript(table_snapshot(table))

    _, replay, _ = answer(
        client, soap("receiveResponseXML", ticket=ticket, response=response, hresult="", message="")
    )

    assert replay == "-1"
    assert _without_transcript(table_snapshot(table)) == after_first


def test_unparseable_qbxml_answer_ends_the_conversation_unsuccessful(
    client: Any, session: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    ticket = session["ticket"]
    _, result, _ = answer(
        client, soap("receiveResponseXML", ticket=ticket, response="<QBXML><oops", hresult="", message="")
    )
    assert result == "-1"
    _, message, _ = answer(client, soap("getLastError", ticket=ticket))
    assert isinstance(message, str) and "could not be read" in message
    log = client.http.get(
        f"/api/connectors/{session['connector']['id']}/conversations", headers=admin_headers
    )
    assert (
        log.json_body["conversations"][0]["status"] == "Unsuccessful - Could not communicate with QuickBooks"
    )


def test_quickbooks_error_hresult_is_explained(
    client: Any, session: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    ticket = session["ticket"]
    _, result, _ = answer(
        client,
        soap("receiveResponseXML", ticket=ticket, response="", hresult="0x80040400", message="parse error"),
    )
    assert result == "-1"
    log = client.http.get(
        f"/api/connectors/{session['connector']['id']}/conversations", headers=admin_headers
    )
    entry = log.json_body["conversations"][0]
    assert entry["status"] == "Unsuccessful - Could not communicate with QuickBooks"
    assert "Fix:" in entry["message"]


def test_expired_session_is_refused_and_ended(
    client: Any, session: dict[str, Any], clock: FakeClock, admin_headers: dict[str, str]
) -> None:
    clock.advance(minutes=11)
    ticket = session["ticket"]
    response = session["company"].process(session["request"])
    _, result, _ = answer(
        client, soap("receiveResponseXML", ticket=ticket, response=response, hresult="", message="")
    )
    assert result == "-1"
    log = client.http.get(
        f"/api/connectors/{session['connector']['id']}/conversations", headers=admin_headers
    )
    assert (
        log.json_body["conversations"][0]["status"] == "Unsuccessful - Could not communicate with QuickBooks"
    )


def test_interactive_mode_calls_answer_harmlessly(client: Any) -> None:
    assert answer(client, soap("getInteractiveURL", wcTicket="t", sessionID="s"))[1] == ""
    assert answer(client, soap("interactiveRejected", wcTicket="t", reason="no"))[1] == ""


def test_an_unexpected_error_is_still_a_soap_fault(client: Any, monkeypatch: Any) -> None:
    from chalicelib.qbwc.service import WebConnectorService

    def explode(self: Any, call: Any) -> Any:
        raise RuntimeError("DynamoDB is having a bad day")

    monkeypatch.setattr(WebConnectorService, "handle", explode)
    status, _, fault = answer(client, soap("getLastError", ticket="t"))
    assert status == 500
    assert fault is not None and "could not handle this call" in fault and "DynamoDB" not in fault
