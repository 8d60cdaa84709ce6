"""format_run_log never shows the QBWC session ticket (the session's only credential) nor the password:
its text is printed by `make demo` and the simulator CLI, and pasted into issues and test failures."""

from __future__ import annotations

from typing import Any

from simulators.qbwc import Callback, RunLog, format_run_log
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, connect

# Longer than the 60 characters a shortened value keeps: a cut-off ticket would still leak its start.
TICKET = "tk_" + "9f3c2a71be04d58e" * 5


def _simulated_run() -> RunLog:
    """What WebConnector logs for a run that transfers, then meets an error that quotes the ticket."""
    return RunLog(
        callbacks=[
            Callback("serverVersion", {}, "1.0"),
            Callback("clientVersion", {"strVersion": "2.3.0.215"}, ""),
            Callback("authenticate", {"strUserName": "office-pc", "strPassword": "***"}, [TICKET, "", "5"]),
            Callback(
                "sendRequestXML",
                {
                    "ticket": TICKET,
                    "strHCPResponse": "<QBXML/>",
                    "strCompanyFileName": "C:\\Company.qbw",
                    "qbXMLCountry": "US",
                    "qbXMLMajorVers": 13,
                    "qbXMLMinorVers": 0,
                },
                "<QBXML><QBXMLMsgsRq/></QBXML>",
            ),
            Callback(
                "receiveResponseXML",
                {"ticket": TICKET, "response": "<QBXML/>", "hresult": "", "message": ""},
                -1,
            ),
            Callback("getLastError", {"ticket": TICKET}, f"session {TICKET} failed"),
            Callback(
                "closeConnection", {"ticket": TICKET}, None, fault=f"unknown ticket {TICKET}", http_status=500
            ),
        ],
        outcome="fault",
        ticket=TICKET,
        auth_status="",
        auth_wait_seconds=5,
        percents=[-1],
        last_error=f"session {TICKET} failed",
        close_message=f"bye {TICKET}",
        requests_sent=1,
    )


def test_run_log_masks_the_ticket_everywhere() -> None:
    text = format_run_log(_simulated_run())

    assert TICKET not in text
    assert TICKET[:12] not in text  # not even the start a shortened value would keep
    assert "authenticate(strUserName='office-pc', strPassword='***') -> ['***', '', '5']" in text
    assert "sendRequestXML(ticket='***', " in text
    assert "getLastError(ticket='***') -> 'session *** failed'" in text
    assert "closeConnection(ticket='***') !! HTTP 500: unknown ticket ***" in text
    assert "last error: session *** failed" in text
    assert "closeConnection said: bye ***" in text
    # The rest still reads as before.
    assert "receiveResponseXML(ticket='***', response='<QBXML/>', hresult='', message='') -> -1" in text
    assert "outcome: fault" in text


def test_run_log_without_a_ticket_is_unchanged() -> None:
    # Refused before authenticate: nothing to mask, and an empty ticket must not mangle the text.
    log = RunLog(callbacks=[Callback("clientVersion", {"strVersion": "1.0"}, "E:too old")], outcome="refused")
    log.ticket = ""

    assert format_run_log(log) == (
        "  1. clientVersion(strVersion='1.0') -> 'E:too old'\noutcome: refused\n  qbXML requests handed to QuickBooks: 0"
    )


def test_run_log_of_a_real_conversation_shows_no_ticket_or_password(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")

    run = connect(client, qwc, password, QuickBooksCompany.sample()).run()
    text = format_run_log(run)

    assert run.outcome == "completed", text
    assert run.ticket and run.ticket not in text
    assert password not in text
    assert "ticket='***'" in text
