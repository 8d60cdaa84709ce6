"""The QBWC simulator against the running local stack over real HTTP, one scenario per outcome QBWC sees."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import requests

from chalicelib.qbxml.validation import qbxml_errors
from simulators.qbwc import RunLog, WebConnector, parse_qwc
from simulators.quickbooks import QuickBooksCompany
from tests.e2e.conftest import E2E_PAGE_SIZE
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e


class Setup:
    def __init__(self, stack: LocalStack, api: requests.Session, **settings: Any) -> None:
        self.stack = stack
        self.api = api
        answer = api.post(
            f"{stack.base_url}/api/connectors", json={"name": f"E2E {secrets.token_hex(3)}", **settings}
        )
        assert answer.status_code == 201, answer.text
        self.connector = answer.json()

    def url(self, path: str) -> str:
        return f"{self.stack.base_url}/api/connectors/{self.connector['id']}{path}"

    def user(self, name: str | None = None) -> tuple[str, str]:
        username = name or f"pc-{secrets.token_hex(4)}"
        created = self.api.post(self.url("/users"), json={"username": username})
        assert created.status_code == 201, created.text
        qwc = self.api.get(self.url(f"/users/{username}/qwc"))
        assert qwc.status_code == 200
        return qwc.text, created.json()["password"]

    def run(self, qwc: str, password: str, company: QuickBooksCompany, **options: Any) -> RunLog:
        parsed = parse_qwc(qwc)
        # The .qwc carries the public URL (localhost); the stack listens on 127.0.0.1 at the same port.
        assert parsed.app_url == f"{self.stack.public_url}/qbwc"
        return WebConnector(parsed, password, company, noop_wait_seconds=0, **options).run()

    def conversations(self) -> list[dict[str, Any]]:
        answer = self.api.get(self.url("/conversations"))
        assert answer.status_code == 200
        return answer.json()["conversations"]


@pytest.fixture
def setup(stack: LocalStack, api: requests.Session) -> Setup:
    return Setup(stack, api)


def test_success_pulls_lists_past_max_returned_then_none(setup: Setup) -> None:
    qwc, password = setup.user()
    company = QuickBooksCompany.sample(customers=3 * E2E_PAGE_SIZE + 7, vendors=E2E_PAGE_SIZE + 1)

    run = setup.run(qwc, password, company)

    assert run.outcome == "completed", run
    assert run.percents[-1] == 100 and run.percents == sorted(run.percents)
    assert run.requests_sent >= 4  # customers alone need 4 pages
    assert all(qbxml_errors(r) == [] for r in company.requests_seen)
    [conversation] = setup.conversations()
    assert conversation["status"] == "Success"
    customers = setup.api.get(setup.url("/qb-lists/customers")).json()["entries"]
    assert len(customers) == len(company.customers)
    assert setup.run(qwc, password, company).outcome == "none"
    assert len(setup.conversations()) == 1


def test_wrong_password(setup: Setup) -> None:
    qwc, _ = setup.user()
    run = setup.run(qwc, "wrong-password", QuickBooksCompany.sample())
    assert run.outcome == "nvu"
    assert setup.conversations()[0]["status"] == "The password is incorrect"


def test_lockout_after_five_wrong_passwords(setup: Setup) -> None:
    qwc, password = setup.user()
    for _ in range(5):
        assert setup.run(qwc, "wrong-password", QuickBooksCompany.sample()).outcome == "nvu"
    assert setup.run(qwc, password, QuickBooksCompany.sample()).outcome == "nvu"
    log = setup.conversations()
    assert log[0]["status"] == "The user account is locked"
    assert log[1]["status"] == "The password is incorrect" and log[1]["attempts"] == 5


def test_inactive_connector(setup: Setup) -> None:
    qwc, password = setup.user()
    assert setup.api.patch(setup.url(""), json={"active": False}).status_code == 200
    assert setup.run(qwc, password, QuickBooksCompany.sample()).outcome == "nvu"
    assert setup.conversations()[0]["status"] == "The connector is inactive"


def test_busy_when_two_web_connectors_run_at_once(setup: Setup) -> None:
    qwc_a, password_a = setup.user()
    qwc_b, password_b = setup.user()
    assert (
        setup.run(qwc_a, password_a, QuickBooksCompany.sample(), crash_after_requests=1).outcome == "crashed"
    )
    busy = setup.run(qwc_b, password_b, QuickBooksCompany.sample())
    assert busy.outcome == "busy"
    assert busy.auth_wait_seconds is not None and busy.auth_wait_seconds > 0
    assert [c["status"] for c in setup.conversations()] == ["In Progress"]


def test_missing_required_accounts_are_configuration_issues(stack: LocalStack, api: requests.Session) -> None:
    setup = Setup(stack, api, transfers={"purchase_orders": True})
    qwc, password = setup.user()
    company = QuickBooksCompany.sample(missing_accounts=["Inventory Asset"])
    assert setup.run(qwc, password, company).outcome == "completed"
    [conversation] = setup.conversations()
    assert conversation["status"] == "Success, but there are configuration issues that need attention"
    assert "Inventory Asset" in conversation["message"]


def test_quickbooks_cannot_start(setup: Setup) -> None:
    qwc, password = setup.user()
    run = setup.run(qwc, password, QuickBooksCompany.sample(can_start=False))
    assert run.outcome == "connection_error"
    [conversation] = setup.conversations()
    assert conversation["status"] == "Unsuccessful - Could not communicate with QuickBooks"
    assert "0x80040408" in conversation["message"]
