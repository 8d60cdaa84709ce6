"""One scheduled QBWC run: the callback conversation between QuickBooks and a web service.

What the simulator does at each step follows the QBWC Programmer's Guide and observed QBWC logs:

* ``clientVersion`` answering ``W:...`` makes QBWC ask the user whether to continue; the simulated user
  always continues. ``E:...`` and ``O:<version>`` stop the run before authentication.
* ``authenticate`` answering ``nvu``, ``none`` or ``busy`` ends the run there, with no further callback.
  Any other status (``""`` or a company file path) opens QuickBooks; the simulator does not check that a
  path names the backend's company file.
* When QuickBooks cannot start, ``connectionError`` may answer another company file to try; QBWC tries
  once more, then gives up. Either way it closes the connection.
* An empty ``sendRequestXML`` answer makes QBWC call ``getLastError``: ``NoOp`` means wait and ask again;
  anything else (``Interactive mode`` included, which the simulator does not support) is shown to the user
  and ends the run with ``closeConnection``. A negative percent from ``receiveResponseXML`` likewise ends
  the run with ``getLastError`` and ``closeConnection``.
* A lost ``receiveResponseXML`` post (``drop_response_after_requests``) makes real QBWC log the
  communication error and abandon the run without further callbacks, which is what a crash looks like
  from the web service's side; both therefore end with outcome ``"crashed"``.
* QBWC always releases its QuickBooks session at the end of a run, so ``CompanyBackend.end_session`` is
  called whatever the outcome.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

import requests
from lxml import etree

from simulators.qbwc.qwc import QwcFile
from simulators.qbwc.soap_client import SoapCallError, SoapClient, int_result, text_list_result, text_result

_T = TypeVar("_T")

# The hresult and text QBWC reports when it cannot open QuickBooks.
_CANNOT_START_HRESULT = "0x80040408"
_CANNOT_START_MESSAGE = "Could not start QuickBooks."
# The first attempt plus one retry with the company file that connectionError named.
_CONNECTION_ATTEMPTS = 2
_STOP_STATUSES = ("nvu", "none", "busy")
_MAX_AUTH_ELEMENTS = 4  # a fifth element makes real QBWC fail with QBWC1012
_NOOP = "NoOp"
_WHOLE_SECONDS = re.compile(r"\s*[0-9]+\s*")
_MASKED = "***"


@runtime_checkable
class CompanyBackend(Protocol):
    """The QuickBooks side of QBWC: the open company file that executes qbXML requests."""

    company_file: str
    country: str
    qbxml_version: tuple[int, int]
    can_start: bool

    def hcp_response(self) -> str:
        """The HostQueryRs + CompanyQueryRs + PreferencesQueryRs document QBWC sends on a run's first call."""
        ...

    def process(self, request_xml: str) -> str:
        """Execute one qbXML request document and return the response document.

        Raises an exception carrying ``hresult: str`` and ``message: str`` when QuickBooks cannot process
        the document at all (for example 0x80040400, the request could not be parsed).
        """
        ...

    def end_session(self) -> None:
        """QBWC has finished with QuickBooks for this run (iterators and the like end here)."""
        ...


@dataclass
class Callback:
    """One SOAP exchange of a run: the call as sent (password masked) and what came back."""

    method: str
    arguments: dict[str, object]
    result: object  # str | int | list[str] | None
    fault: str | None = None
    http_status: int = 200


@dataclass
class RunLog:
    """Everything one run did, in order, and how it ended.

    ``outcome`` is one of ``"nvu"``, ``"none"``, ``"busy"`` (authenticate's status), ``"completed"``
    (receiveResponseXML reached 100), ``"error"`` (stopped after getLastError, a negative percent or an
    empty request), ``"connection_error"`` (QuickBooks could not start), ``"crashed"`` (fault injection),
    ``"fault"`` (a SOAP fault, HTTP failure or an answer QBWC could not use) or ``"refused"``
    (clientVersion answered ``E:`` or ``O:``).
    """

    callbacks: list[Callback] = field(default_factory=list)
    outcome: str = ""
    ticket: str | None = None
    auth_status: str | None = None
    auth_wait_seconds: int | None = None
    percents: list[int] = field(default_factory=list)
    last_error: str | None = None
    close_message: str | None = None
    requests_sent: int = 0

    def methods(self) -> list[str]:
        """The SOAP methods called, in order."""
        return [callback.method for callback in self.callbacks]


class WebConnector:
    """Simulates QuickBooks Web Connector running one application from a ``.qwc`` file.

    ``crash_after_requests=N`` stops the run dead once QuickBooks has processed the N-th qbXML request,
    before its response is posted. ``drop_response_after_requests`` lists request numbers (1-based) whose
    receiveResponseXML post is lost after QuickBooks applied the request; the run ends there as well.
    ``max_noops`` bounds how many ``NoOp`` waits one run accepts before giving up with outcome ``"error"``
    (real QBWC waits forever; a test must not).
    """

    def __init__(
        self,
        qwc: QwcFile,
        password: str,
        company: CompanyBackend,
        *,
        session: requests.Session | None = None,
        version: str = "2.3.0.215",
        noop_wait_seconds: float = 5.0,
        timeout_seconds: float = 30.0,
        crash_after_requests: int | None = None,
        drop_response_after_requests: Collection[int] | None = None,
        max_noops: int = 50,
    ) -> None:
        self.qwc = qwc
        self.company = company
        self.version = version
        self.noop_wait_seconds = noop_wait_seconds
        self.timeout_seconds = timeout_seconds
        self.crash_after_requests = crash_after_requests
        self.drop_response_after_requests = frozenset(drop_response_after_requests or ())
        self.max_noops = max_noops
        self._password = password
        self._session = session

    def run(self) -> RunLog:
        """Run one conversation with the web service at the ``.qwc`` file's AppURL and return its log."""
        log = RunLog()
        # Our own session lives for one run only; a caller's session is theirs to close.
        with nullcontext(self._session) if self._session else requests.Session() as session:
            client = SoapClient(self.qwc.app_url, session, self.timeout_seconds)
            try:
                log.outcome = _Conversation(self, client, log, self._password).converse()
            except _RunStoppedError as ended:
                log.outcome = ended.outcome
            finally:
                self.company.end_session()
        return log


class _RunStoppedError(Exception):
    """Abandons the conversation at once, without closeConnection (fault or simulated crash)."""

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


class _Conversation:
    """The state of one run; each step returns the run's outcome or raises ``_RunStoppedError``."""

    def __init__(self, connector: WebConnector, client: SoapClient, log: RunLog, password: str) -> None:
        self._connector = connector
        self._company = connector.company
        self._client = client
        self._log = log
        self._password = password

    def converse(self) -> str:
        self._call("serverVersion", {}, text_result)
        version_check = self._call("clientVersion", {"strVersion": self._connector.version}, text_result)
        if version_check.startswith(("E:", "O:")):
            return "refused"
        ticket, status = self._authenticate()
        if status in _STOP_STATUSES:
            return status
        if not self._start_quickbooks(ticket):
            return self._close(ticket, "connection_error")
        return self._exchange(ticket)

    def _authenticate(self) -> tuple[str, str]:
        answer = self._call(
            "authenticate",
            {"strUserName": self._connector.qwc.user_name, "strPassword": self._password},
            _authenticate_result,
        )
        self._log.ticket, self._log.auth_status = answer[0], answer[1]
        if len(answer) > 2 and answer[2]:
            self._log.auth_wait_seconds = int(answer[2])
        return answer[0], answer[1]

    def _start_quickbooks(self, ticket: str) -> bool:
        """Whether QuickBooks opened, after reporting each failure to the web service."""
        for _attempt in range(_CONNECTION_ATTEMPTS):
            if self._company.can_start:
                return True
            answer = self._call(
                "connectionError",
                {"ticket": ticket, "hresult": _CANNOT_START_HRESULT, "message": _CANNOT_START_MESSAGE},
                text_result,
            )
            if answer.lower() in ("", "done"):
                return False
        return self._company.can_start

    def _exchange(self, ticket: str) -> str:
        """The sendRequestXML / receiveResponseXML loop, until 100 %, an error or a simulated crash."""
        # QuickBooks' host, company and preferences answer goes along with the run's first call only.
        hcp = self._company.hcp_response()
        major, minor = self._company.qbxml_version
        noops = 0
        while True:
            request = self._call(
                "sendRequestXML",
                {
                    "ticket": ticket,
                    "strHCPResponse": hcp,
                    "strCompanyFileName": self._company.company_file,
                    "qbXMLCountry": self._company.country,
                    "qbXMLMajorVers": major,
                    "qbXMLMinorVers": minor,
                },
                text_result,
            )
            hcp = ""
            if not request:
                if self._last_error(ticket) == _NOOP and noops < self._connector.max_noops:
                    noops += 1
                    time.sleep(self._connector.noop_wait_seconds)
                    continue
                return self._close(ticket, "error")
            percent = self._hand_to_quickbooks(ticket, request)
            if percent == 100:
                return self._close(ticket, "completed")
            if percent < 0:
                self._last_error(ticket)
                return self._close(ticket, "error")

    def _hand_to_quickbooks(self, ticket: str, request: str) -> int:
        """Let QuickBooks process ``request``, post its answer, and return the percent done."""
        self._log.requests_sent += 1
        try:
            response, hresult, message = self._company.process(request), "", ""
        except Exception as exc:
            # QuickBooks refusing the whole document (e.g. unparsable qbXML) reaches QBWC as an HRESULT.
            failure = getattr(exc, "hresult", None)
            if not isinstance(failure, str):
                raise
            response, hresult, message = "", failure, str(getattr(exc, "message", exc))
        number = self._log.requests_sent
        if (
            number == self._connector.crash_after_requests
            or number in self._connector.drop_response_after_requests
        ):
            raise _RunStoppedError("crashed")
        percent = self._call(
            "receiveResponseXML",
            {"ticket": ticket, "response": response, "hresult": hresult, "message": message},
            _percent_result,
        )
        self._log.percents.append(percent)
        return percent

    def _last_error(self, ticket: str) -> str:
        self._log.last_error = self._call("getLastError", {"ticket": ticket}, text_result)
        return self._log.last_error

    def _close(self, ticket: str, outcome: str) -> str:
        self._log.close_message = self._call("closeConnection", {"ticket": ticket}, text_result)
        return outcome

    def _call(
        self,
        method: str,
        arguments: Mapping[str, str | int],
        read: Callable[[etree._Element | None, str], _T],
    ) -> _T:
        """Make one SOAP call, log it, and end the run on any failure as QBWC does."""
        logged: dict[str, object] = {
            name: _MASKED if name == "strPassword" else value for name, value in arguments.items()
        }
        try:
            result = read(self._client.call(method, arguments), method)
        except SoapCallError as exc:
            self._log.callbacks.append(
                Callback(method, logged, None, fault=str(exc), http_status=exc.http_status)
            )
            raise _RunStoppedError("fault") from exc
        self._log.callbacks.append(Callback(method, logged, result))
        return result


def _authenticate_result(result: etree._Element | None, method: str) -> list[str]:
    """authenticate's array: ticket, status, then optionally wait seconds and minimum run-every seconds."""
    answer = text_list_result(result, method)
    if not 2 <= len(answer) <= _MAX_AUTH_ELEMENTS:
        raise SoapCallError(
            f"{method}: expected 2 to {_MAX_AUTH_ELEMENTS} strings (ticket, status, ...), got {len(answer)}",
            http_status=200,
        )
    for extra in answer[2:]:
        if extra and not _WHOLE_SECONDS.fullmatch(extra):
            raise SoapCallError(f"{method}: wait times must be whole seconds, got {extra!r}", http_status=200)
    return answer


def _percent_result(result: etree._Element | None, method: str) -> int:
    percent = int_result(result, method)
    if percent > 100:
        raise SoapCallError(f"{method}: percent done cannot exceed 100, got {percent}", http_status=200)
    return percent
