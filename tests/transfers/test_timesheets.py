"""Timesheets into QuickBooks through both simulators, in-process: one TimeTracking per entry exactly once,
with the right employee, customer, item, payroll item, class, duration and billable status; a resource with no
employee fails alone; time tracking off holds them; the edge refuses bad timesheets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.transfers.timesheets.pipeline import entry_guid
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, connect, table_snapshot
from tests.transfers.invoice_factory import LINES_OF_BUSINESS, organization
from tests.transfers.timesheet_factory import employee_name, timesheet


@pytest.fixture
def setup(client: Any, admin: Admin) -> dict[str, Any]:
    connector = admin.connector(transfers={"timesheets": True})
    qwc, password = admin.user(connector["id"], "payroll-pc")
    c = f"/api/connectors/{connector['id']}"
    admin.call(
        "PUT",
        c + "/mappings/lines-of-business",
        {"entries": [{"source": lob, "class": "Consulting:Remote"} for lob in LINES_OF_BUSINESS]},
        200,
    )
    admin.call(
        "PUT",
        c + "/mappings/payroll-categories",
        {
            "entries": [
                {"source": "Regular", "payroll_item": "Hourly"},
                {"source": "Overtime", "payroll_item": "Overtime"},
            ]
        },
        200,
    )
    return {"connector": connector, "qwc": qwc, "password": password}


def run_until_idle(
    client: Any, setup: dict[str, Any], company: QuickBooksCompany, **options: Any
) -> list[Any]:
    runs = []
    for _ in range(12):
        run = connect(client, setup["qwc"], setup["password"], company, **options).run()
        runs.append(run)
        options = {}
        if run.outcome == "none":
            return runs
    raise AssertionError(f"still busy: {[r.outcome for r in runs]}")


def company_for(resources: range, **options: Any) -> QuickBooksCompany:
    existing = [organization(n)["name"] for n in range(0, 20, 2)]  # half the customers exist already
    names = [employee_name(n) for n in resources]
    return QuickBooksCompany.sample(
        customers_named=existing,
        employees_named=names,
        use_time_data={name: "UseTimeData" if i % 2 else "DoNotUseTimeData" for i, name in enumerate(names)},
        **options,
    )


def test_each_entry_becomes_one_time_tracking_exactly_once(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = company_for(range(4))
    documents = [timesheet(n, resource_n=n % 4, period=n // 4) for n in range(8)]
    ids = [admin.call("POST", "/api/transfers/timesheets", d, 202).json_body["id"] for d in documents]

    runs = run_until_idle(client, setup, company, drop_response_after_requests=[3])
    runs += run_until_idle(client, setup, company, crash_after_requests=2)

    assert runs[0].outcome == "crashed"
    for transfer_id, document in zip(ids, documents, strict=True):
        transfer = admin.transfer(transfer_id)
        assert transfer["status"] == "transferred", transfer["error"]
        assert set(transfer["qb_parts"]) == {e["id"] for e in document["entries"]}
        for entry in document["entries"]:
            [found] = company.time_tracking(external_guid=entry_guid(transfer_id, entry["id"]))
            person = employee_name(int(document["resource"]["id"][2:]))
            assert found.entity == person and found.entity_kind == "Employee"
            assert found.txn_date.isoformat() == entry["date"]
            assert found.hours == Decimal(str(entry["hours"]))
            assert found.customer == entry["organization"]["name"] and found.item == entry["billing_code"]
            assert found.class_ == "Consulting:Remote"
            assert found.billable_status == ("Billable" if entry["billable"] else "NotBillable")
            uses_time_data = int(document["resource"]["id"][2:]) % 2 == 1
            expected_item = {"Regular": "Hourly", "Overtime": "Overtime"}[entry["payroll_category"]]
            assert found.payroll_item == (expected_item if uses_time_data else None)
            assert found.notes == entry["notes"]
    assert len(company.time_tracking()) == sum(len(d["entries"]) for d in documents)
    assert all(qbxml_errors(request) == [] for request in company.requests_seen)


def test_a_resource_with_no_employee_fails_alone_with_the_fix(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = company_for(range(2))
    good = admin.call("POST", "/api/transfers/timesheets", timesheet(1, resource_n=1), 202).json_body["id"]
    stranger = admin.call("POST", "/api/transfers/timesheets", timesheet(2, resource_n=7), 202).json_body[
        "id"
    ]

    run_until_idle(client, setup, company)

    assert admin.transfer(good)["status"] == "transferred"
    failed = admin.transfer(stranger)
    # Failed in every conversation until its third attempt: then it waits for a person.
    assert failed["status"] == "needs_attention" and failed["error"]["code"] == "no_employee"
    assert "resources mapping" in failed["error"]["fix"]
    statuses = [c["status"] for c in admin.conversations(setup["connector"]["id"])]
    assert "Finished, but with errors on the following transfers: Timesheet" in statuses
    assert all(e.entity == employee_name(1) for e in company.time_tracking())


def test_a_mapped_vendor_without_an_employee_gets_the_time_without_payroll(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = company_for(range(1))
    vendor = next(iter(company.vendors)).full_name
    c = f"/api/connectors/{setup['connector']['id']}"
    admin.call("PUT", c + "/mappings/resources", {"entries": [{"source": "R-009", "vendor": vendor}]}, 200)
    transfer_id = admin.call(
        "POST", "/api/transfers/timesheets", timesheet(3, resource_n=9, entries=2), 202
    ).json_body["id"]

    run_until_idle(client, setup, company)

    assert admin.transfer(transfer_id)["status"] == "transferred"
    assert {(e.entity, e.entity_kind, e.payroll_item) for e in company.time_tracking()} == {
        (vendor, "Vendor", None)
    }


def test_time_tracking_off_is_a_configuration_issue_and_nothing_is_sent(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = company_for(range(1), time_tracking_on=False)
    transfer_id = admin.call("POST", "/api/transfers/timesheets", timesheet(4, resource_n=0), 202).json_body[
        "id"
    ]

    run = connect(client, setup["qwc"], setup["password"], company).run()

    assert run.outcome == "completed"
    [conversation] = admin.conversations(setup["connector"]["id"])
    assert conversation["status"] == "Success, but there are configuration issues that need attention"
    assert [i["code"] for i in conversation["configuration_issues"]] == ["time_tracking_off"]
    assert admin.transfer(transfer_id)["status"] == "queued"
    assert company.time_tracking() == []


def test_a_timesheet_waits_while_its_switch_is_off(client: Any, admin: Admin) -> None:
    connector = admin.connector(transfers={"invoices": True})
    qwc, password = admin.user(connector["id"], "pc")
    company = company_for(range(1))
    transfer_id = admin.call("POST", "/api/transfers/timesheets", timesheet(5, resource_n=0), 202).json_body[
        "id"
    ]
    connect(client, qwc, password, company).run()
    assert connect(client, qwc, password, company).run().outcome == "none"
    assert admin.transfer(transfer_id)["status"] == "queued" and company.time_tracking() == []


def test_timesheets_follow_their_resource(admin: Admin) -> None:
    admin.connector()
    branch = admin.call("POST", "/api/connectors", {"name": "Payroll file"}, 201).json_body
    admin.call("PUT", "/api/resources/R-004/connector", {"connector_id": branch["id"]}, 200)
    routed = admin.call("POST", "/api/transfers/timesheets", timesheet(6, resource_n=4), 202).json_body
    other = admin.call("POST", "/api/transfers/timesheets", timesheet(7, resource_n=5), 202).json_body
    assert routed["connector_id"] == branch["id"] and other["connector_id"] != branch["id"]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d.update(entries=[]), "entries"),
        (lambda d: d["entries"][1].update(id=d["entries"][0]["id"]), "used twice"),
        (lambda d: d["entries"][0].update(date="2026-01-01"), "outside the timesheet's period"),
        (lambda d: d["entries"][0].update(hours=0), "entries.0.hours"),
        (lambda d: d["entries"][0].update(hours=25), "entries.0.hours"),
        (lambda d: d["entries"][0].pop("organization"), "organization it is billed to"),
        (lambda d: d["period"].update(end="2026-01-01"), "period"),
        (lambda d: d["resource"].pop("last_name"), "resource.last_name"),
    ],
)
def test_bad_timesheets_are_422_and_store_nothing(admin: Admin, table: Any, change: Any, needle: str) -> None:
    admin.connector()
    document = timesheet(8, resource_n=0)
    document["entries"][0]["billable"] = True
    change(document)
    before = table_snapshot(table)
    answer = admin.call("POST", "/api/transfers/timesheets", document, 422)
    assert needle in answer.body.decode()
    assert table_snapshot(table) == before


def test_preview_shows_whose_time_and_the_time_tracking_requests(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    company = company_for(range(2))
    connect(client, setup["qwc"], setup["password"], company).run()  # reads the lists
    known = admin.call(
        "POST", "/api/transfers/timesheets", timesheet(10, resource_n=1, entries=3), 202
    ).json_body
    admin.call("POST", "/api/transfers/timesheets", timesheet(11, resource_n=8, entries=2), 202)

    shown = admin.call("GET", f"/api/connectors/{setup['connector']['id']}/preview", expect=200).json_body

    summary = shown["summary"]["timesheets"]
    assert summary["documents"] == 2 and summary["entries"] == 3 and summary["switched_on"]
    assert summary["people"]["R-001"] == f"employee {employee_name(1)}"
    assert summary["people"]["R-008"].startswith("no QuickBooks employee")
    [message] = shown["qbxml"]
    assert message.count("<TimeTrackingAddRq") == 3 and qbxml_errors(message) == []
    assert admin.transfer(known["id"])["status"] == "queued" and company.time_tracking() == []


def test_each_timesheet_is_matched_by_its_own_resource_name(
    client: Any, admin: Admin, setup: dict[str, Any]
) -> None:
    """A resource renamed in the source while an older timesheet waits: each is matched by the name it carries."""
    company = company_for(range(2))
    renamed = timesheet(12, resource_n=1, entries=2)
    renamed["resource"]["last_name"] = "Newname"
    older = admin.call(
        "POST", "/api/transfers/timesheets", timesheet(13, resource_n=1, entries=2), 202
    ).json_body
    newer = admin.call("POST", "/api/transfers/timesheets", renamed, 202).json_body

    connect(client, setup["qwc"], setup["password"], company).run()

    assert admin.transfer(older["id"])["status"] == "transferred"
    assert admin.transfer(newer["id"])["error"]["code"] == "no_employee"
