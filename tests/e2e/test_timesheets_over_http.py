"""Timesheets end to end over real HTTP (chalice local + dynalite): 60 bi-weekly timesheets of 12 resources
(420 entries for 20 organizations, half of them customers already) through runs where a fifth of QuickBooks'
answers are lost and QBWC crashes once. Each entry must be one TimeTracking record exactly once, with the
right employee, customer, item, payroll item, class, duration and billable status; a resource without an
employee fails alone; time tracking off holds the timesheets as a configuration issue."""

from __future__ import annotations

import random
import secrets
from decimal import Decimal
from typing import Any

import pytest
import requests

from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.transfers.timesheets.pipeline import entry_guid
from simulators.qbwc import RunLog, WebConnector, parse_qwc
from simulators.quickbooks import QuickBooksCompany
from tests.transfers.invoice_factory import LINES_OF_BUSINESS, organization
from tests.transfers.timesheet_factory import employee_name, timesheet
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e

RESOURCES = 12
PERIODS = 5
ORGANIZATIONS = 20
PAYROLL_ITEMS = {"Regular": "Hourly", "Overtime": "Overtime"}


class TimesheetSetup:
    def __init__(self, stack: LocalStack, api: requests.Session, prefix: str) -> None:
        self.stack, self.api, self.prefix = stack, api, prefix
        # A connector of its own, with every resource of this test routed to it (the default connector
        # belongs to whichever test made the first one).
        self.id = self._ok(
            api.post(
                f"{stack.base_url}/api/connectors",
                json={"name": f"Timesheets {prefix}", "transfers": {"timesheets": True}},
            )
        )["id"]
        self._ok(
            api.put(
                f"{self.url}/mappings/lines-of-business",
                json={
                    "entries": [{"source": lob, "class": "Consulting:Remote"} for lob in LINES_OF_BUSINESS]
                },
            )
        )
        self._ok(
            api.put(
                f"{self.url}/mappings/payroll-categories",
                json={
                    "entries": [
                        {"source": category, "payroll_item": item} for category, item in PAYROLL_ITEMS.items()
                    ]
                },
            )
        )
        username = f"ts-{secrets.token_hex(3)}"
        self.password = self._ok(api.post(f"{self.url}/users", json={"username": username}))["password"]
        self.qwc = parse_qwc(api.get(f"{self.url}/users/{username}/qwc").text)

    @property
    def url(self) -> str:
        return f"{self.stack.base_url}/api/connectors/{self.id}"

    @staticmethod
    def _ok(answer: requests.Response) -> Any:
        assert answer.status_code < 300, answer.text
        return answer.json()

    def document(self, n: int, *, resource_n: int, period: int = 0) -> dict[str, Any]:
        """The factory's timesheet, its ids prefixed so that routes and links stay this test's own."""
        document = timesheet(n, resource_n=resource_n, period=period, organizations=ORGANIZATIONS)
        document["source_id"] = f"{self.prefix}-{document['source_id']}"
        document["resource"]["id"] = f"{self.prefix}-{document['resource']['id']}"
        for entry in document["entries"]:
            entry["organization"]["id"] = f"{self.prefix}-{entry['organization']['id']}"
        return document

    def enqueue(self, documents: list[dict[str, Any]]) -> list[str]:
        for resource_id in {d["resource"]["id"] for d in documents}:
            self._ok(
                self.api.put(
                    f"{self.stack.base_url}/api/resources/{resource_id}/connector",
                    json={"connector_id": self.id},
                )
            )
        ids = []
        for document in documents:
            queued = self._ok(self.api.post(f"{self.stack.base_url}/api/transfers/timesheets", json=document))
            assert queued["connector_id"] == self.id
            ids.append(queued["id"])
        return ids

    def run(self, company: QuickBooksCompany, **options: Any) -> RunLog:
        return WebConnector(self.qwc, self.password, company, noop_wait_seconds=0, **options).run()

    def transfer(self, transfer_id: str) -> dict[str, Any]:
        return dict(self._ok(self.api.get(f"{self.stack.base_url}/api/transfers/{transfer_id}")))

    def conversations(self) -> list[dict[str, Any]]:
        return list(self._ok(self.api.get(f"{self.url}/conversations"))["conversations"])


def company_for(resources: range, **options: Any) -> QuickBooksCompany:
    """The sample company with half the organizations as customers already and an employee per resource,
    every second one paid from time data."""
    names = [employee_name(n) for n in resources]
    return QuickBooksCompany.sample(
        customers_named=[organization(n)["name"] for n in range(0, ORGANIZATIONS, 2)],
        employees_named=names,
        use_time_data={name: "UseTimeData" if n % 2 else "DoNotUseTimeData" for n, name in enumerate(names)},
        **options,
    )


def test_sixty_timesheets_with_lost_answers_and_a_crash_make_each_entry_once(
    stack: LocalStack, api: requests.Session
) -> None:
    setup = TimesheetSetup(stack, api, f"E2ETS{secrets.token_hex(2)}")
    documents = [
        setup.document(n, resource_n=n % RESOURCES, period=n // RESOURCES) for n in range(RESOURCES * PERIODS)
    ]
    stranger = setup.document(99, resource_n=RESOURCES)  # a resource QuickBooks has no employee for
    stranger["resource"].update(first_name="Noor", last_name="Nobody")
    company = company_for(range(RESOURCES))
    ids = setup.enqueue(documents)
    [stranger_id] = setup.enqueue([stranger])
    entries = sum(len(d["entries"]) for d in documents)
    assert entries >= 400

    chance = random.Random(20261123)
    lost = crashes = adds_lost = 0
    runs: list[str] = []
    round_trips = 0
    for attempt in range(40):
        # Each answer has a one in four chance of being lost after QuickBooks applied the request (a run ends
        # at its first lost answer, so about a fifth of all answers is lost); the second run crashes.
        drop = {n for n in range(1, 30) if chance.random() < 0.25}
        crash_after = 4 if attempt == 1 else None
        run = setup.run(company, drop_response_after_requests=drop, crash_after_requests=crash_after)
        runs.append(run.outcome)
        round_trips += run.requests_sent
        if run.outcome == "crashed":
            adds_lost += "TimeTrackingAddRq" in company.requests_seen[-1]  # the answer lost with the run
        lost += run.outcome == "crashed" and crash_after is None
        crashes += run.outcome == "crashed" and crash_after is not None
        if run.outcome == "none":
            break
    assert runs[-1] == "none", runs
    assert lost >= 3 and crashes == 1, runs
    assert (lost + crashes) / round_trips >= 0.15  # a crash loses the answer it was processing too
    assert adds_lost >= 2  # answers to TimeTrackingAdd messages among them, not only to queries

    for transfer_id, document in zip(ids, documents, strict=True):
        transfer = setup.transfer(transfer_id)
        assert transfer["status"] == "transferred", (document["source_id"], transfer["error"])
        assert set(transfer["qb_parts"]) == {e["id"] for e in document["entries"]}
        resource_n = int(document["resource"]["id"].rsplit("-", 1)[1])
        uses_time_data = resource_n % 2 == 1
        for entry in document["entries"]:
            [found] = company.time_tracking(external_guid=entry_guid(transfer_id, entry["id"]))
            assert (found.entity, found.entity_kind) == (employee_name(resource_n), "Employee")
            assert found.txn_date.isoformat() == entry["date"]
            assert found.customer == entry["organization"]["name"]
            assert found.item == entry["billing_code"]
            assert found.payroll_item == (
                PAYROLL_ITEMS[entry["payroll_category"]] if uses_time_data else None
            )
            assert found.class_ == "Consulting:Remote"
            assert found.hours == Decimal(str(entry["hours"]))
            assert found.billable_status == ("Billable" if entry["billable"] else "NotBillable")
            assert found.notes == entry["notes"]
    assert len(company.time_tracking()) == entries
    organizations = {organization(n)["name"] for n in range(ORGANIZATIONS)}
    customers = [c.full_name for c in company.customers if c.full_name in organizations]
    assert sorted(customers) == sorted(organizations)  # the new half created once each
    assert all(qbxml_errors(request) == [] for request in company.requests_seen)

    failed = setup.transfer(stranger_id)
    assert failed["status"] in ("failed", "needs_attention"), failed
    assert failed["error"]["code"] == "no_employee"
    assert "Noor Nobody" in failed["error"]["explanation"]
    assert "resources mapping" in failed["error"]["fix"]
    assert {e.entity for e in company.time_tracking()} == {employee_name(n) for n in range(RESOURCES)}
    # Named with its fix by each conversation it failed in (of those the connector still lists: its last 10).
    failed_in = {h["conversation"] for h in failed["history"] if h["status"] in ("failed", "needs_attention")}
    assert len(failed_in) == failed["attempts"]
    listed = [c for c in setup.conversations() if c["id"] in failed_in]
    assert listed
    for conversation in listed:
        [named] = [e for e in conversation["errors"] if e["transfer_id"] == stranger_id]
        assert named["code"] == "no_employee" and "resources mapping" in named["fix"]


def test_time_tracking_off_is_a_configuration_issue_and_nothing_is_sent(
    stack: LocalStack, api: requests.Session
) -> None:
    setup = TimesheetSetup(stack, api, f"E2ETSOFF{secrets.token_hex(2)}")
    company = company_for(range(2), time_tracking_on=False)
    ids = setup.enqueue([setup.document(n, resource_n=n) for n in range(2)])

    assert setup.run(company).outcome == "completed"

    [conversation] = setup.conversations()
    assert conversation["status"] == "Success, but there are configuration issues that need attention"
    [issue] = conversation["configuration_issues"]
    assert issue["code"] == "time_tracking_off" and issue["fix"]
    assert [setup.transfer(i)["status"] for i in ids] == ["queued", "queued"]
    assert company.time_tracking() == []
    assert not any("TimeTrackingAdd" in request for request in company.requests_seen)


def test_a_timesheet_split_across_messages_is_sent_whole_in_one_conversation(
    stack: LocalStack, api: requests.Session
) -> None:
    # 4 x 7 = 28 entries with at most 25 requests per message (conftest): the fourth timesheet's entries
    # travel in two messages of the same conversation, with no answer lost: all of it goes in this
    # conversation, and nothing is asked again.
    setup = TimesheetSetup(stack, api, f"E2ETSSPLIT{secrets.token_hex(2)}")
    company = company_for(range(4))
    ids = setup.enqueue([setup.document(n, resource_n=n) for n in range(4)])

    assert setup.run(company).outcome == "completed"

    assert [setup.transfer(i)["status"] for i in ids] == ["transferred"] * 4
    assert len(company.time_tracking()) == 28
    assert not any("TimeTrackingQueryRq" in request for request in company.requests_seen)  # nothing lost
    assert setup.run(company).outcome == "none"
