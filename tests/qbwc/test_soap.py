"""SOAP envelope parsing and rendering: hardened, strict about shape, clear about what is wrong."""

from __future__ import annotations

import pytest
from lxml import etree

from chalicelib.qbwc.soap import QBWC_NS, SOAP_ENV, SoapFault, parse_call, render_fault, render_result


def envelope(inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>{inner}'
        "</soap:Body></soap:Envelope>"
    ).encode()


def call(method: str, **args: str) -> bytes:
    body = "".join(f"<{k}>{v}</{k}>" for k, v in args.items())
    return envelope(f'<{method} xmlns="{QBWC_NS}">{body}</{method}>')


def test_parses_authenticate_and_redacts_password() -> None:
    parsed = parse_call(call("authenticate", strUserName="pc1", strPassword="s3cret&amp;x"), max_bytes=10_000)
    assert parsed.method == "authenticate"
    assert parsed.args == {"strUserName": "pc1", "strPassword": "s3cret&x"}
    assert "s3cret" not in parsed.redacted_envelope
    assert "***" in parsed.redacted_envelope


def test_response_as_escaped_string_or_raw_children() -> None:
    escaped = parse_call(call("receiveResponseXML", ticket="t", response="&lt;QBXML/&gt;"), max_bytes=10_000)
    raw = parse_call(
        call("receiveResponseXML", ticket="t", response="<QBXML><QBXMLMsgsRs/></QBXML>"), max_bytes=10_000
    )
    assert escaped.args["response"] == "<QBXML/>"
    assert "QBXMLMsgsRs" in raw.args["response"]
    assert raw.args["hresult"] == "" and raw.args["message"] == ""


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"", "empty"),
        (b"<not-closed", "not well-formed"),
        (b"<x/>", "not a SOAP 1.1 envelope"),
        (envelope(""), "exactly one"),
        (envelope('<launchMissiles xmlns="http://developer.intuit.com/"/>'), "Unknown QBWC method"),
        (envelope("<authenticate><strUserName>a</strUserName></authenticate>"), "namespace"),
        (call("authenticate", strUserName="a"), "missing its strPassword"),
        (call("sendRequestXML", ticket="t", qbXMLMajorVers="x", qbXMLMinorVers="0"), "must be an integer"),
        (call("sendRequestXML", ticket="t", qbXMLMinorVers="0"), "missing its qbXMLMajorVers"),
        (call("getLastError"), "missing its ticket"),
    ],
)
def test_malformed_calls_get_a_fault_naming_the_problem(body: bytes, needle: str) -> None:
    with pytest.raises(SoapFault) as raised:
        parse_call(body, max_bytes=100_000)
    assert needle in raised.value.faultstring


def test_xxe_and_billion_laughs_are_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + call("serverVersion").split(b"?>", 1)[1]
    )
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b'<clientVersion xmlns="http://developer.intuit.com/"><strVersion>&b;</strVersion></clientVersion>'
        b"</soap:Body></soap:Envelope>"
    )
    for body in (xxe, laughs):
        with pytest.raises(SoapFault, match="Refused"):
            parse_call(body, max_bytes=100_000)


def test_oversize_body_is_refused_before_parsing() -> None:
    with pytest.raises(SoapFault, match="at most 1,000 bytes"):
        parse_call(b"x" * 1001, max_bytes=1000)


def test_soap_action_must_match_the_body() -> None:
    body = call("getLastError", ticket="t")
    assert parse_call(body, max_bytes=10_000, soap_action='"http://developer.intuit.com/getLastError"').method
    with pytest.raises(SoapFault, match="does not match"):
        parse_call(body, max_bytes=10_000, soap_action='"http://developer.intuit.com/closeConnection"')


def test_rendered_results_escape_text_and_list_strings() -> None:
    rendered = render_result("sendRequestXML", '<?qbxml version="13.0"?><QBXML>Café & Co</QBXML>')
    root = etree.fromstring(rendered)
    result = root.find(f".//{{{QBWC_NS}}}sendRequestXMLResult")
    assert result is not None and result.text == '<?qbxml version="13.0"?><QBXML>Café & Co</QBXML>'
    array = etree.fromstring(render_result("authenticate", ["ticket", "none"]))
    assert [s.text for s in array.iter(f"{{{QBWC_NS}}}string")] == ["ticket", "none"]


def test_fault_is_a_soap_11_fault() -> None:
    root = etree.fromstring(render_fault(SoapFault("bad & wrong")))
    fault = root.find(f".//{{{SOAP_ENV}}}Fault")
    assert fault is not None
    assert fault.findtext("faultcode") == "soap:Client"
    assert fault.findtext("faultstring") == "bad & wrong"
