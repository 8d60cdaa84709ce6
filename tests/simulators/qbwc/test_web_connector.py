"""WebConnector against a scripted fake web service over real HTTP, plus the CLI and a WSDL check."""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import zeep
import zeep.helpers
from lxml import etree

from chalicelib.safe_xml import local_name, parse_xml
from simulators.qbwc import CompanyBackend, RunLog, WebConnector, format_run_log, parse_qwc
from simulators.qbwc.__main__ import load_company, main

QBWC_NS = "http://developer.intuit.com/"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
WSDL = Path(__file__).resolve().parents[3] / "chalicelib" / "qbwc" / "QBWebConnectorSvc.wsdl"
TICKET = "7d1f0c1e-ticket"
PASSWORD = "s3cret & <pass>"
HCP = '<?xml version="1.0"?><QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0"/></QBXMLMsgsRs></QBXML>'
# Requests and responses carry what escaping must survive: markup, an escaped ampersand and non-ASCII text.
REQUEST_1 = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?>'
    '<QBXML><QBXMLMsgsRq onError="continueOnError">'
    '<CustomerAddRq requestID="1"><CustomerAdd><Name>Smith &amp; Søns — Café</Name></CustomerAdd>'
    "</CustomerAddRq></QBXMLMsgsRq></QBXML>"
)
REQUEST_2 = REQUEST_1.replace('requestID="1"', 'requestID="2"').replace("Café", "Bäckerei")
RESPONSE = (
    '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><CustomerAddRs requestID="1" statusCode="0" '
    'statusSeverity="Info" statusMessage="Status OK"><CustomerRet><Name>Smith &amp; Søns — Café</Name>'
    "</CustomerRet></CustomerAddRs></QBXMLMsgsRs></QBXML>"
)
HANDSHAKE = ["serverVersion", "clientVersion", "authenticate"]
QWC_TEMPLATE = """<?xml version="1.0"?>
<QBWCXML>
  <AppName>Bridge test</AppName>
  <AppID></AppID>
  <AppURL>{url}</AppURL>
  <AppDescription>test</AppDescription>
  <AppSupport>{url}/support</AppSupport>
  <UserName>acme</UserName>
  <OwnerID>{{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}}</OwnerID>
  <FileID>{{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}}</FileID>
  <QBType>QBFS</QBType>
</QBWCXML>"""


# --- the fake web service -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """An HTTP answer sent exactly as given."""

    status: int
    body: bytes
    content_type: str = "text/xml; charset=utf-8"
    delay_seconds: float = 0.0


def envelope(body_child: etree._Element) -> bytes:
    root = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    etree.SubElement(root, f"{{{SOAP_NS}}}Body").append(body_child)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def result_envelope(method: str, value: str | int | list[str]) -> bytes:
    wrapper = etree.Element(f"{{{QBWC_NS}}}{method}Response", nsmap={"q": QBWC_NS})
    result = etree.SubElement(wrapper, f"{{{QBWC_NS}}}{method}Result")
    if isinstance(value, list):
        for item in value:
            etree.SubElement(result, f"{{{QBWC_NS}}}string").text = item
    else:
        result.text = str(value)
    return envelope(wrapper)


def soap_fault(faultstring: str) -> Raw:
    fault = etree.Element(f"{{{SOAP_NS}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap:Server"
    etree.SubElement(fault, "faultstring").text = faultstring
    return Raw(500, envelope(fault))


Answer = str | int | list[str] | Raw


@dataclass(frozen=True)
class Post:
    """One request the fake service received."""

    soap_action: str
    content_type: str
    body: bytes

    def operation(self) -> etree._Element:
        body = parse_xml(self.body).find(f"{{{SOAP_NS}}}Body")
        assert body is not None
        return body[0]

    @property
    def method(self) -> str:
        return local_name(self.operation())

    def arguments(self) -> dict[str, str]:
        return {local_name(child): child.text or "" for child in self.operation()}


@dataclass
class FakeWebService:
    """Answers each callback from a per-method script; a script's last answer repeats."""

    url: str = ""
    posts: list[Post] = field(default_factory=list)
    scripts: dict[str, list[Answer]] = field(
        default_factory=lambda: {
            "serverVersion": ["fake 1.0"],
            "clientVersion": [""],
            "authenticate": [[TICKET, ""]],
            "sendRequestXML": [REQUEST_1],
            "receiveResponseXML": [100],
            "getLastError": ["Mapping for item 'Widget' is missing"],
            "connectionError": ["done"],
            "closeConnection": ["OK"],
        }
    )

    def script(self, method: str, *answers: Answer) -> None:
        self.scripts[method] = list(answers)

    def answer(self, post: Post) -> Raw:
        queue = self.scripts[post.method]
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return reply if isinstance(reply, Raw) else Raw(200, result_envelope(post.method, reply))

    def methods(self) -> list[str]:
        return [post.method for post in self.posts]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, service: FakeWebService) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.service = service


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        assert isinstance(self.server, _Server)
        post = Post(
            soap_action=self.headers.get("SOAPAction", ""),
            content_type=self.headers.get("Content-Type", ""),
            body=self.rfile.read(int(self.headers["Content-Length"])),
        )
        self.server.service.posts.append(post)
        reply = self.server.service.answer(post)
        time.sleep(reply.delay_seconds)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, which is what a timeout test wants

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def service() -> Iterator[FakeWebService]:
    fake = FakeWebService()
    server = _Server(fake)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/qbwc"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


# --- the fake QuickBooks company ------------------------------------------------------------------------


class QuickBooksParseError(Exception):
    def __init__(self, hresult: str, message: str) -> None:
        super().__init__(message)
        self.hresult = hresult
        self.message = message


@dataclass
class FakeCompany:
    company_file: str = r"C:\Company Files\Smith & Søns.qbw"
    country: str = "US"
    qbxml_version: tuple[int, int] = (13, 0)
    can_start: bool = True
    failure: QuickBooksParseError | None = None
    requests: list[str] = field(default_factory=list)
    sessions_ended: int = 0

    def hcp_response(self) -> str:
        return HCP

    def process(self, request_xml: str) -> str:
        self.requests.append(request_xml)
        if self.failure is not None:
            raise self.failure
        return RESPONSE

    def end_session(self) -> None:
        self.sessions_ended += 1


def connector(url: str, company: FakeCompany | None = None, **options: Any) -> WebConnector:
    qwc = parse_qwc(QWC_TEMPLATE.format(url=url))
    return WebConnector(qwc, PASSWORD, company or FakeCompany(), noop_wait_seconds=0, **options)


def run(service: FakeWebService, company: FakeCompany | None = None, **options: Any) -> RunLog:
    """One run against ``service``, checking that the log tells exactly what went over the wire."""
    log = connector(service.url, company, **options).run()
    assert log.methods() == service.methods(), format_run_log(log)
    return log


# --- the conversation -----------------------------------------------------------------------------------


def test_fake_company_satisfies_the_protocol() -> None:
    assert isinstance(FakeCompany(), CompanyBackend)


def test_happy_path_runs_the_whole_sequence(service: FakeWebService) -> None:
    service.script("sendRequestXML", REQUEST_1, REQUEST_2)
    service.script("receiveResponseXML", 50, 100)
    company = FakeCompany()

    log = run(service, company)

    assert log.methods() == [
        *HANDSHAKE,
        "sendRequestXML",
        "receiveResponseXML",
        "sendRequestXML",
        "receiveResponseXML",
        "closeConnection",
    ]
    assert (log.outcome, log.ticket, log.auth_status, log.percents) == ("completed", TICKET, "", [50, 100])
    assert (log.close_message, log.requests_sent, company.sessions_ended) == ("OK", 2, 1)
    assert company.requests == [REQUEST_1, REQUEST_2]
    first_send, second_send = (post.arguments() for post in service.posts if post.method == "sendRequestXML")
    assert first_send == {
        "ticket": TICKET,
        "strHCPResponse": HCP,
        "strCompanyFileName": company.company_file,
        "qbXMLCountry": "US",
        "qbXMLMajorVers": "13",
        "qbXMLMinorVers": "0",
    }
    assert second_send["strHCPResponse"] == ""


def test_qbxml_response_is_escaped_text_of_the_response_element(service: FakeWebService) -> None:
    run(service)

    post = service.posts[4]
    assert post.arguments() == {"ticket": TICKET, "response": RESPONSE, "hresult": "", "message": ""}
    # Escaped once by the SOAP layer: the qbXML's own &amp; becomes &amp;amp;, markup becomes &lt;.
    assert b"Smith &amp;amp; S\xc3\xb8ns" in post.body
    assert b"&lt;CustomerRet&gt;" in post.body
    assert b"<CustomerRet>" not in post.body


def test_every_call_has_quoted_soap_action_and_xml_content_type(service: FakeWebService) -> None:
    run(service)

    for post in service.posts:
        assert post.soap_action == f'"http://developer.intuit.com/{post.method}"'
        assert post.content_type == "text/xml; charset=utf-8"


def test_password_goes_out_but_is_masked_in_the_log(service: FakeWebService) -> None:
    log = run(service)

    assert service.posts[2].arguments() == {"strUserName": "acme", "strPassword": PASSWORD}
    assert log.callbacks[2].arguments == {"strUserName": "acme", "strPassword": "***"}
    assert PASSWORD not in format_run_log(log)


@pytest.mark.parametrize("status", ["nvu", "none", "busy"])
def test_stop_statuses_end_the_run_right_after_authenticate(service: FakeWebService, status: str) -> None:
    service.script("authenticate", [TICKET, status, "30", "60"])
    company = FakeCompany()

    log = run(service, company)

    assert log.methods() == HANDSHAKE
    assert (log.outcome, log.auth_status, log.auth_wait_seconds) == (status, status, 30)
    assert company.requests == []
    assert company.sessions_ended == 1


def test_company_path_from_authenticate_proceeds(service: FakeWebService) -> None:
    service.script("authenticate", [TICKET, r"C:\Company Files\Smith & Søns.qbw"])

    log = run(service)

    assert log.outcome == "completed"
    assert log.auth_wait_seconds is None


def test_client_version_warning_continues(service: FakeWebService) -> None:
    service.script("clientVersion", "W:Please upgrade QBWC soon")

    assert run(service).outcome == "completed"


@pytest.mark.parametrize("answer", ["E:This QBWC is too old", "O:2.3.0.300"])
def test_client_version_refusal_stops_before_authenticate(service: FakeWebService, answer: Answer) -> None:
    service.script("clientVersion", answer)

    log = run(service)

    assert log.methods() == ["serverVersion", "clientVersion"]
    assert log.outcome == "refused"


def test_empty_request_asks_get_last_error_then_closes(service: FakeWebService) -> None:
    service.script("sendRequestXML", "")

    log = run(service)

    assert log.methods() == [*HANDSHAKE, "sendRequestXML", "getLastError", "closeConnection"]
    assert log.outcome == "error"
    assert log.last_error == "Mapping for item 'Widget' is missing"
    assert log.requests_sent == 0


def test_interactive_mode_is_treated_as_an_error(service: FakeWebService) -> None:
    service.script("sendRequestXML", "")
    service.script("getLastError", "Interactive mode")

    log = run(service)

    assert (log.outcome, log.methods()[-1]) == ("error", "closeConnection")


def test_negative_percent_asks_get_last_error_then_closes(service: FakeWebService) -> None:
    service.script("receiveResponseXML", -1)

    log = run(service)

    assert log.methods() == [
        *HANDSHAKE,
        "sendRequestXML",
        "receiveResponseXML",
        "getLastError",
        "closeConnection",
    ]
    assert (log.outcome, log.percents, log.close_message) == ("error", [-1], "OK")


def test_noop_waits_and_asks_again_without_the_hcp_response(service: FakeWebService) -> None:
    service.script("sendRequestXML", "", REQUEST_1)
    service.script("getLastError", "NoOp")

    log = run(service)

    assert log.methods() == [
        *HANDSHAKE,
        "sendRequestXML",
        "getLastError",
        "sendRequestXML",
        "receiveResponseXML",
        "closeConnection",
    ]
    assert log.outcome == "completed"
    sends = [post.arguments()["strHCPResponse"] for post in service.posts if post.method == "sendRequestXML"]
    assert sends == [HCP, ""]


def test_endless_noop_gives_up_after_max_noops(service: FakeWebService) -> None:
    service.script("sendRequestXML", "")
    service.script("getLastError", "NoOp")

    log = run(service, max_noops=2)

    assert log.methods().count("sendRequestXML") == 3
    assert (log.outcome, log.methods()[-1], log.last_error) == ("error", "closeConnection", "NoOp")


def test_quickbooks_that_cannot_start_reports_connection_error(service: FakeWebService) -> None:
    company = FakeCompany(can_start=False)

    log = run(service, company)

    assert log.methods() == [*HANDSHAKE, "connectionError", "closeConnection"]
    assert service.posts[3].arguments() == {
        "ticket": TICKET,
        "hresult": "0x80040408",
        "message": "Could not start QuickBooks.",
    }
    assert log.outcome == "connection_error"
    assert company.requests == []


def test_connection_error_answering_a_path_is_tried_once_more(service: FakeWebService) -> None:
    service.script("connectionError", r"C:\Company Files\Other.qbw")

    log = run(service, FakeCompany(can_start=False))

    assert log.methods() == [*HANDSHAKE, "connectionError", "connectionError", "closeConnection"]
    assert log.outcome == "connection_error"


def test_unparsable_request_is_reported_with_its_hresult(service: FakeWebService) -> None:
    message = "QuickBooks found an error when parsing the provided XML text stream."
    service.script("receiveResponseXML", -1)
    company = FakeCompany(failure=QuickBooksParseError("0x80040400", message))

    log = run(service, company)

    assert service.posts[4].arguments() == {
        "ticket": TICKET,
        "response": "",
        "hresult": "0x80040400",
        "message": message,
    }
    assert (log.outcome, log.requests_sent) == ("error", 1)


def test_crash_after_requests_stops_dead_after_quickbooks_processed(service: FakeWebService) -> None:
    service.script("sendRequestXML", REQUEST_1, REQUEST_2, REQUEST_1)
    service.script("receiveResponseXML", 33, 66, 100)
    company = FakeCompany()

    log = run(service, company, crash_after_requests=2)

    assert log.methods() == [*HANDSHAKE, "sendRequestXML", "receiveResponseXML", "sendRequestXML"]
    assert (log.outcome, log.requests_sent, log.percents) == ("crashed", 2, [33])
    assert company.requests == [REQUEST_1, REQUEST_2]
    assert company.sessions_ended == 1


def test_dropped_response_post_ends_the_run_like_a_crash(service: FakeWebService) -> None:
    service.script("sendRequestXML", REQUEST_1, REQUEST_2)
    service.script("receiveResponseXML", 50, 100)
    company = FakeCompany()

    log = run(service, company, drop_response_after_requests={2})

    assert log.methods() == [*HANDSHAKE, "sendRequestXML", "receiveResponseXML", "sendRequestXML"]
    assert (log.outcome, company.requests) == ("crashed", [REQUEST_1, REQUEST_2])


# --- failures on the wire -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["serverVersion", "authenticate", "sendRequestXML", "receiveResponseXML"])
def test_soap_fault_stops_the_run_and_is_recorded(service: FakeWebService, method: str) -> None:
    service.script(method, soap_fault("Server was unable to process request. ---> boom"))
    company = FakeCompany()

    log = run(service, company)

    assert log.methods()[-1] == method
    assert log.outcome == "fault"
    last = log.callbacks[-1]
    assert (last.fault, last.http_status, last.result) == (
        "Server was unable to process request. ---> boom",
        500,
        None,
    )
    assert company.sessions_ended == 1


def _wrong_namespace() -> bytes:
    return result_envelope("serverVersion", "1.0").replace(QBWC_NS.encode(), b"http://example.com/")


def _raw_qbxml_in_result() -> bytes:
    wrapper = etree.Element(f"{{{QBWC_NS}}}sendRequestXMLResponse", nsmap={"q": QBWC_NS})
    etree.SubElement(etree.SubElement(wrapper, f"{{{QBWC_NS}}}sendRequestXMLResult"), "QBXML")
    return envelope(wrapper)


@pytest.mark.parametrize(
    ("method", "answer", "expected"),
    [
        ("serverVersion", Raw(404, b"Not here", "text/plain"), "HTTP 404"),
        ("serverVersion", Raw(500, b"", "text/plain"), "HTTP 500"),
        ("serverVersion", Raw(200, b"<html>hello</html>", "text/html"), "content type"),
        ("serverVersion", Raw(200, b"not xml at all"), "not a SOAP 1.1 envelope"),
        ("serverVersion", Raw(200, _wrong_namespace()), "serverVersionResponse"),
        (
            "serverVersion",
            Raw(200, result_envelope("serverVersion", "1.0"), "application/soap+xml; charset=utf-8"),
            "content type",
        ),
        ("authenticate", [TICKET], "got 1"),
        ("authenticate", [TICKET, "", "", "", ""], "got 5"),
        ("authenticate", [TICKET, "busy", "soon"], "whole seconds"),
        ("sendRequestXML", Raw(200, _raw_qbxml_in_result()), "escaped text"),
        ("receiveResponseXML", "fifty", "integer"),
        ("receiveResponseXML", 150, "cannot exceed 100"),
    ],
)
def test_unusable_answers_end_the_run_as_a_fault(
    service: FakeWebService, method: str, answer: Answer, expected: str
) -> None:
    service.script(method, answer)

    log = run(service)

    assert log.outcome == "fault"
    assert log.methods()[-1] == method
    assert expected in (log.callbacks[-1].fault or "")


def test_unreachable_service_is_a_fault_without_http_status() -> None:
    log = connector("http://127.0.0.1:9/qbwc").run()  # the discard port: nothing listens there

    assert log.outcome == "fault"
    assert (log.callbacks[0].method, log.callbacks[0].http_status) == ("serverVersion", 0)
    assert "could not reach" in (log.callbacks[0].fault or "")


def test_slow_service_times_out(service: FakeWebService) -> None:
    service.script("serverVersion", Raw(200, result_envelope("serverVersion", "1.0"), delay_seconds=1.0))

    log = run(service, timeout_seconds=0.2)

    assert log.outcome == "fault"
    assert "no answer within 0.2 s" in (log.callbacks[0].fault or "")


# --- the envelopes against the official WSDL ------------------------------------------------------------


def test_every_request_envelope_matches_the_wsdl(service: FakeWebService) -> None:
    service.script("sendRequestXML", REQUEST_1, "", REQUEST_2)
    service.script("getLastError", "NoOp")
    service.script("receiveResponseXML", 50, 100)
    connector(service.url).run()
    connector(service.url, FakeCompany(can_start=False)).run()
    client = zeep.Client(str(WSDL))
    binding = client.service._binding

    for post in service.posts:
        operation = binding.get(post.method)
        assert post.soap_action == f'"{operation.soapaction}"'
        assert etree.QName(post.operation()) == operation.input.body.qname
        # zeep's strict parser raises on any element the WSDL does not define, or out of order; an
        # element without parameters (serverVersion) parses as None.
        parsed = operation.input.body.parse(post.operation(), client.wsdl.types)
        values = zeep.helpers.serialize_object(parsed, dict) or {}
        # zeep reads an empty element as None; QBWC means "" by it.
        sent = {name: "" if value is None else str(value) for name, value in values.items()}
        assert sent == post.arguments()
    assert set(service.methods()) == {
        "serverVersion",
        "clientVersion",
        "authenticate",
        "sendRequestXML",
        "receiveResponseXML",
        "getLastError",
        "connectionError",
        "closeConnection",
    }


# --- the command line -----------------------------------------------------------------------------------


@pytest.fixture
def company_module(monkeypatch: pytest.MonkeyPatch) -> str:
    module = types.ModuleType("fake_qbwc_company")
    module.FakeCompany = FakeCompany  # type: ignore[attr-defined]
    module.NotACompany = RunLog  # type: ignore[attr-defined]
    module.NOT_CALLABLE = TICKET  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module.__name__


def test_cli_runs_one_conversation_and_prints_its_log(
    service: FakeWebService, company_module: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qwc_file = tmp_path / "bridge.qwc"
    qwc_file.write_text(QWC_TEMPLATE.format(url=service.url))

    code = main(
        [
            "--qwc",
            str(qwc_file),
            "--password",
            PASSWORD,
            "--noop-wait",
            "0",
            "--company",
            f"{company_module}:FakeCompany",
        ]
    )

    printed = capsys.readouterr().out
    assert code == 0
    assert "authenticate(strUserName='acme', strPassword='***')" in printed
    assert "outcome: completed" in printed
    assert PASSWORD not in printed


def test_cli_exits_1_when_the_run_does_not_complete(
    service: FakeWebService, company_module: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service.script("authenticate", [TICKET, "nvu"])
    qwc_file = tmp_path / "bridge.qwc"
    qwc_file.write_text(QWC_TEMPLATE.format(url=service.url))

    code = main(["--qwc", str(qwc_file), "--password", "wrong", "--company", f"{company_module}:FakeCompany"])

    assert code == 1
    assert "outcome: nvu" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("no_colon_here", "module:factory"),
        ("fake_qbwc_company:NotACompany", "CompanyBackend"),
        ("fake_qbwc_company:NOT_CALLABLE", "not callable"),
    ],
)
@pytest.mark.usefixtures("company_module")
def test_load_company_explains_bad_specs(spec: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        load_company(spec)
