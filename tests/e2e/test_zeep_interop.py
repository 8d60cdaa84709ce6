"""A standard SOAP client generated from Intuit's official WSDL calls every QBWC method on the running app."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import requests
import zeep
from zeep.exceptions import Fault
from zeep.transports import Transport

from chalicelib.qbwc.wsdl import WSDL_PATH
from simulators.quickbooks import QuickBooksCompany
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e
BINDING = "{http://developer.intuit.com/}TroubleshootWebServiceFSSoap"


def official_client(stack: LocalStack) -> Any:
    client = zeep.Client(str(WSDL_PATH), transport=Transport(timeout=30, operation_timeout=30))
    return client.create_service(BINDING, f"{stack.base_url}/qbwc")


def test_every_method_through_zeep(stack: LocalStack, api: requests.Session) -> None:
    connector = api.post(
        f"{stack.base_url}/api/connectors", json={"name": f"Zeep {secrets.token_hex(3)}"}
    ).json()
    username = f"zeep-{secrets.token_hex(3)}"
    password = api.post(
        f"{stack.base_url}/api/connectors/{connector['id']}/users", json={"username": username}
    ).json()["password"]
    service = official_client(stack)
    company = QuickBooksCompany.sample(customers=5)

    assert service.serverVersion().startswith("qbwc-bridge")
    assert service.clientVersion("2.3.0.215") in ("", None)
    assert service.clientVersion("2.0.0.1").startswith("W:")
    assert service.authenticate("nobody", "x")[1] == "nvu"
    ticket, status = service.authenticate(username, password)[:2]
    assert status in ("", None)  # "" = the company file QuickBooks has open
    request_xml = service.sendRequestXML(ticket, company.hcp_response(), company.company_file, "US", 13, 0)
    assert request_xml.startswith('<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?>')
    percent = service.receiveResponseXML(ticket, company.process(request_xml), "", "")
    assert 0 < percent <= 100
    while percent < 100:
        percent = service.receiveResponseXML(
            ticket,
            company.process(service.sendRequestXML(ticket, "", company.company_file, "US", 13, 0)),
            "",
            "",
        )
    assert service.receiveResponseXML(ticket, "<QBXML/>", "", "") == -1  # nothing is waiting for an answer
    assert service.getLastError(ticket)
    assert service.connectionError(ticket, "0x80040408", "Could not start QuickBooks.") == "done"
    assert service.closeConnection(ticket) == "OK: Success"
    assert "unknown or has expired" in service.getLastError("not-a-ticket")
    assert service.sendRequestXML("not-a-ticket", "", "", "US", 13, 0) in ("", None)


def test_faults_reach_a_standard_client(stack: LocalStack) -> None:
    service = official_client(stack)
    with pytest.raises(Fault, match="missing its ticket"):
        service.getLastError()


def test_served_wsdl_names_our_endpoint(stack: LocalStack) -> None:
    answer = requests.get(f"{stack.base_url}/qbwc?wsdl", timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/xml")
    assert f"{stack.public_url}/qbwc" in answer.text
    assert "soap12:address" not in answer.text
    served = zeep.Client(f"{stack.base_url}/qbwc?wsdl")
    assert served.service.serverVersion().startswith("qbwc-bridge")  # served WSDL points back at us


def test_oversize_and_malformed_postings_get_faults(stack: LocalStack) -> None:
    url = f"{stack.base_url}/qbwc"
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    for body in (b"<not-xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"):
        answer = requests.post(url, data=body, headers=headers, timeout=10)
        assert answer.status_code == 500 and "<faultstring>" in answer.text
