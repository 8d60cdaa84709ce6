"""Access rules: QBWC user scopes decide which kinds a conversation sends; one company file per connector;
disabled and deleted users; from a conversation to the transfers it touched."""

from __future__ import annotations

from typing import Any

from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, connect
from tests.transfers.invoice_factory import invoice
from tests.transfers.timesheet_factory import employee_name, timesheet


def _user(admin: Admin, connector_id: str, username: str, scope: str) -> tuple[str, str]:
    created = admin.call(
        "POST", f"/api/connectors/{connector_id}/users", {"username": username, "scope": scope}, 201
    ).json_body
    qwc = admin.call("GET", f"/api/connectors/{connector_id}/users/{username}/qwc", expect=200).body
    return qwc.decode() if isinstance(qwc, bytes) else qwc, created["password"]


def test_a_payroll_user_sends_timesheets_and_no_invoice_an_all_user_sends_them(
    client: Any, admin: Admin
) -> None:
    connector = admin.connector(transfers={"invoices": True, "timesheets": True})
    payroll = _user(admin, connector["id"], "payroll-pc", "payroll")
    everything = _user(admin, connector["id"], "office-pc", "all")
    company = QuickBooksCompany.sample(employees_named=[employee_name(1)])
    invoice_id = admin.enqueue(invoice(1, org=1)).json_body["id"]
    timesheet_id = admin.call(
        "POST", "/api/transfers/timesheets", timesheet(1, resource_n=1, entries=2), 202
    ).json_body["id"]

    preview = admin.call("GET", f"/api/connectors/{connector['id']}/preview", expect=200).json_body["summary"]
    assert preview["invoices"]["sent_by"] == ["office-pc"]
    assert preview["timesheets"]["sent_by"] == ["office-pc", "payroll-pc"]

    assert connect(client, *payroll, company).run().outcome == "completed"
    assert admin.transfer(invoice_id)["status"] == "queued" and len(company.invoices) == 0
    assert admin.transfer(timesheet_id)["status"] == "transferred"
    # Nothing left this user may send, and the lists were just read: nothing to do for it.
    assert connect(client, *payroll, company).run().outcome == "none"

    assert connect(client, *everything, company).run().outcome == "completed"
    assert admin.transfer(invoice_id)["status"] == "transferred" and len(company.invoices) == 1


def test_a_sales_user_creates_no_customer_for_a_timesheet(client: Any, admin: Admin) -> None:
    connector = admin.connector(transfers={"timesheets": True})
    sales = _user(admin, connector["id"], "sales-pc", "sales")
    company = QuickBooksCompany.sample(employees_named=[employee_name(2)])
    customers_before = len(company.customers)
    admin.call("POST", "/api/transfers/timesheets", timesheet(2, resource_n=2, entries=2), 202)
    connect(client, *sales, company).run()
    assert len(company.customers) == customers_before and company.time_tracking() == []


def test_two_connectors_on_one_company_file_the_second_sends_nothing_and_names_the_first(
    client: Any, admin: Admin
) -> None:
    first = admin.connector(transfers={"invoices": True})
    second = admin.call(
        "POST", "/api/connectors", {"name": "Branch", "transfers": {"invoices": True}}, 201
    ).json_body
    first_user = _user(admin, first["id"], "main-pc", "all")
    second_user = _user(admin, second["id"], "branch-pc", "all")
    company = QuickBooksCompany.sample()
    assert connect(client, *first_user, company).run().outcome == "completed"
    admin.call("PUT", "/api/organizations/ORG-0003/connector", {"connector_id": second["id"]}, 200)
    queued = admin.enqueue(invoice(3, org=3)).json_body["id"]

    run = connect(client, *second_user, company).run()

    assert len(company.invoices) == 0 and admin.transfer(queued)["status"] == "queued"
    [conversation] = admin.conversations(second["id"])
    assert conversation["status"] == "Success, but there are configuration issues that need attention"
    [issue] = conversation["configuration_issues"]
    assert (
        issue["code"] == "company_file_in_use"
        and first["id"] in issue["message"]
        and "Main" in issue["message"]
    )
    assert run.last_error and "Main" in run.last_error
    shown = admin.call("GET", f"/api/connectors/{second['id']}", expect=200).json_body
    assert shown["company_file_conflict"]["connector_id"] == first["id"]

    # The admin confirms the first connector no longer uses the file: it moves to the second.
    admin.call("PATCH", f"/api/connectors/{second['id']}", {"confirm_company_file_takeover": True}, 200)
    assert (
        admin.call("GET", f"/api/connectors/{first['id']}", expect=200).json_body["company_file_location"]
        is None
    )
    assert connect(client, *second_user, company).run().outcome == "completed"
    assert admin.transfer(queued)["status"] == "transferred"
    # ... and now the first one is the stranger on that file.
    admin.call("POST", f"/api/connectors/{first['id']}/refresh-lists", expect=202)
    assert connect(client, *first_user, company).run().outcome == "error"  # QBWC shows getLastError's reason
    assert admin.conversations(first["id"])[0]["configuration_issues"][0]["code"] == "company_file_in_use"


def test_the_same_file_by_another_spelling_is_the_same_file(client: Any, admin: Admin) -> None:
    first = admin.connector()
    second = admin.call("POST", "/api/connectors", {"name": "Branch"}, 201).json_body
    company = QuickBooksCompany.sample()
    connect(client, *_user(admin, first["id"], "a-pc", "all"), company).run()
    company.company_file = company.company_file.upper().replace("\\", "/")
    connect(client, *_user(admin, second["id"], "b-pc", "all"), company).run()
    assert admin.conversations(second["id"])[0]["configuration_issues"][0]["code"] == "company_file_in_use"


def test_every_transfer_a_conversation_touched_is_listed_under_its_id(client: Any, admin: Admin) -> None:
    connector = admin.connector(transfers={"invoices": True})
    user = _user(admin, connector["id"], "office-pc", "all")
    company = QuickBooksCompany.sample()
    ids = {admin.enqueue(invoice(n, org=n)).json_body["id"] for n in range(7)}
    broken = invoice(9, org=9)
    broken["lines"][0]["billing_code"] = "x" * 40  # an item name over QuickBooks' limit: fails in the plan
    ids.add(admin.enqueue(broken).json_body["id"])
    connect(client, *user, company).run()
    [conversation] = admin.conversations(connector["id"])

    listed: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = admin.call(
            "GET", f"/api/transfers?conversation={conversation['id']}&limit=3{cursor}", expect=200
        ).json_body
        listed += page["transfers"]
        if not page["next"]:
            break
        cursor = f"&cursor={page['next']}"
    assert {t["id"] for t in listed} == ids and len(listed) == len(ids)
    assert (
        admin.call("GET", "/api/transfers?conversation=cv_unknown", expect=200).json_body["transfers"] == []
    )
    assert admin.call("GET", f"/api/transfers?conversation={conversation['id']}&kind=invoices", expect=422)


def test_a_running_session_of_a_disabled_or_deleted_user_ends_at_its_next_send(
    client: Any, admin: Admin
) -> None:
    from tests.qbwc.test_endpoint import answer, soap

    connector = admin.connector()
    for name, change in (("pc-a", "disable"), ("pc-b", "delete")):
        created = admin.call(
            "POST", f"/api/connectors/{connector['id']}/users", {"username": name}, 201
        ).json_body
        _, result, _ = answer(client, soap("authenticate", strUserName=name, strPassword=created["password"]))
        assert isinstance(result, list)
        ticket = result[0]
        company = QuickBooksCompany.sample(customers=120)
        send = soap(
            "sendRequestXML",
            ticket=ticket,
            strHCPResponse=company.hcp_response(),
            strCompanyFileName=company.company_file,
            qbXMLCountry="US",
            qbXMLMajorVers=13,
            qbXMLMinorVers=0,
        )
        _, request, _ = answer(client, send)
        assert isinstance(request, str) and request
        user_path = f"/api/connectors/{connector['id']}/users/{name}"
        if change == "disable":
            admin.call("PATCH", user_path, {"active": False}, 200)
        else:
            admin.call("DELETE", user_path, expect=200)

        # The answer to what was already sent is still recorded; nothing new is sent.
        _, progress, _ = answer(
            client,
            soap(
                "receiveResponseXML", ticket=ticket, response=company.process(request), hresult="", message=""
            ),
        )
        assert isinstance(progress, str) and 0 <= int(progress) < 100
        _, nothing, _ = answer(client, send)
        _, why, _ = answer(client, soap("getLastError", ticket=ticket))
        assert nothing == ""
        assert isinstance(why, str) and f"{name} was {change}d by an admin" in why
        conversation = next(c for c in admin.conversations(connector["id"]) if c["user"] == name)
        assert conversation["status"] == "Unsuccessful - Could not communicate with QuickBooks"
        admin.call("POST", f"/api/connectors/{connector['id']}/refresh-lists", expect=202)
