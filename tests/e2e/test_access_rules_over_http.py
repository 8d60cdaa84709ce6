"""Access rules over real HTTP through the simulators: a payroll user sends no invoice while an all user does;
two connectors on one company file; disabled and deleted users get nvu; a conversation's transfers by its id."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import requests

from simulators.qbwc import RunLog, WebConnector, parse_qwc
from simulators.quickbooks import QuickBooksCompany
from tests.transfers.invoice_factory import invoice
from tests.transfers.timesheet_factory import employee_name, timesheet
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e


class Connector:
    """A connector of the test's own, with its organizations and resources routed to it."""

    def __init__(self, stack: LocalStack, api: requests.Session, name: str, **settings: Any) -> None:
        self.stack, self.api = stack, api
        answer = api.post(f"{stack.base_url}/api/connectors", json={"name": name, **settings})
        assert answer.status_code == 201, answer.text
        self.id = answer.json()["id"]
        self.tag = secrets.token_hex(3)

    def url(self, path: str) -> str:
        return f"{self.stack.base_url}/api/connectors/{self.id}{path}"

    def user(self, scope: str = "all") -> tuple[str, str, str]:
        username = f"pc-{secrets.token_hex(4)}"
        created = self.api.post(self.url("/users"), json={"username": username, "scope": scope})
        assert created.status_code == 201, created.text
        return username, self.api.get(self.url(f"/users/{username}/qwc")).text, created.json()["password"]

    def run(self, user: tuple[str, str, str], company: QuickBooksCompany) -> RunLog:
        _, qwc, password = user
        return WebConnector(parse_qwc(qwc), password, company, noop_wait_seconds=0).run()

    def enqueue(self, kind: str, document: dict[str, Any]) -> str:
        document["source_id"] = f"{document['source_id']}-{self.tag}"
        if "organization" in document:
            org = document["organization"]
            org["id"] = f"{org['id']}-{self.tag}"
            self._route("organizations", org["id"])
        if "resource" in document:
            document["resource"]["id"] = f"{document['resource']['id']}-{self.tag}"
            self._route("resources", document["resource"]["id"])
            for entry in document["entries"]:
                entry["organization"]["id"] = f"{entry['organization']['id']}-{self.tag}"
        answer = self.api.post(f"{self.stack.base_url}/api/transfers/{kind}", json=document)
        assert answer.status_code == 202, answer.text
        assert answer.json()["connector_id"] == self.id
        return str(answer.json()["id"])

    def _route(self, what: str, source_id: str) -> None:
        answer = self.api.put(
            f"{self.stack.base_url}/api/{what}/{source_id}/connector", json={"connector_id": self.id}
        )
        assert answer.status_code == 200, answer.text

    def transfer(self, transfer_id: str) -> dict[str, Any]:
        return dict(self.api.get(f"{self.stack.base_url}/api/transfers/{transfer_id}").json())

    def conversations(self) -> list[dict[str, Any]]:
        return list(self.api.get(self.url("/conversations")).json()["conversations"])


def test_a_payroll_user_sends_no_invoice_an_all_user_does_and_each_conversation_lists_its_transfers(
    stack: LocalStack, api: requests.Session
) -> None:
    connector = Connector(stack, api, "Scopes", transfers={"invoices": True, "timesheets": True})
    payroll, everything = connector.user("payroll"), connector.user("all")
    company = QuickBooksCompany.sample(employees_named=[employee_name(1)])
    invoices = {connector.enqueue("invoices", invoice(n, org=n)) for n in range(3)}
    sheet = connector.enqueue("timesheets", timesheet(1, resource_n=1, entries=2))

    assert connector.run(payroll, company).outcome == "completed"
    assert len(company.invoices) == 0 and {connector.transfer(i)["status"] for i in invoices} == {"queued"}
    assert connector.transfer(sheet)["status"] == "transferred"
    assert connector.run(everything, company).outcome == "completed"
    assert len(company.invoices) == 3

    by_user = {c["user"]: c["id"] for c in connector.conversations()}
    for user, expected in ((payroll[0], {sheet}), (everything[0], invoices)):
        page = api.get(f"{stack.base_url}/api/transfers", params={"conversation": by_user[user]}).json()
        assert {t["id"] for t in page["transfers"]} == expected and page["next"] is None


def test_two_connectors_on_one_company_file(stack: LocalStack, api: requests.Session) -> None:
    first = Connector(stack, api, "First file", transfers={"invoices": True})
    second = Connector(stack, api, "Second file", transfers={"invoices": True})
    company = QuickBooksCompany.sample()
    company.company_file = f"C:\\Companies\\Shared {secrets.token_hex(3)}.qbw"
    assert first.run(first.user(), company).outcome == "completed"
    queued = second.enqueue("invoices", invoice(4, org=4))

    second.run(second.user(), company)

    assert len(company.invoices) == 0 and second.transfer(queued)["status"] == "queued"
    [issue] = second.conversations()[0]["configuration_issues"]
    assert (
        issue["code"] == "company_file_in_use"
        and "First file" in issue["message"]
        and first.id in issue["message"]
    )


def test_disabled_and_deleted_users_get_nvu(stack: LocalStack, api: requests.Session) -> None:
    connector = Connector(stack, api, "Lifecycle")
    disabled, deleted = connector.user(), connector.user()
    company = QuickBooksCompany.sample()
    answer = api.patch(connector.url(f"/users/{disabled[0]}"), json={"active": False})
    assert answer.status_code == 200, answer.text
    assert api.delete(connector.url(f"/users/{deleted[0]}")).status_code == 200

    assert connector.run(disabled, company).outcome == "nvu"
    assert connector.run(deleted, company).outcome == "nvu"
    # The deleted name may be used again, with a new password.
    again = api.post(connector.url("/users"), json={"username": deleted[0]})
    assert again.status_code == 201, again.text
