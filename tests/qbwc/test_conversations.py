"""QBWC conversations driven by the QBWC simulator against the in-process app and a simulated QuickBooks.

The same scenarios run over a real socket in ``tests/e2e``; these are the fast, detailed checks.
"""

from __future__ import annotations

import json
from email import message_from_bytes
from pathlib import Path
from typing import Any

from chalicelib.qbxml.validation import qbxml_errors
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, FakeClock, connect, table_snapshot

SUCCESS = "Success"
CONFIG_ISSUES = "Success, but there are configuration issues that need attention"
UNSUCCESSFUL = "Unsuccessful - Could not communicate with QuickBooks"


def test_first_conversation_reads_every_list_and_succeeds(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample(customers=120, vendors=60, items=70)

    run = connect(client, qwc, password, company).run()

    assert run.outcome == "completed", run
    assert run.methods()[:3] == ["serverVersion", "clientVersion", "authenticate"]
    assert run.methods()[-1] == "closeConnection"
    assert run.percents == sorted(run.percents) and run.percents[-1] == 100
    assert all(0 <= p < 100 for p in run.percents[:-1])
    # More customers than MaxReturned (50 in tests): paged with an iterator, several round trips.
    assert run.requests_sent >= 3
    for request in company.requests_seen:
        assert qbxml_errors(request) == []
    [conversation] = admin.conversations(connector["id"])
    assert conversation["status"] == SUCCESS
    assert conversation["user"] == "office-pc"
    assert conversation["ended_at"]
    assert conversation["company_file_location"] == company.company_file
    customers = admin.call(
        "GET", f"/api/connectors/{connector['id']}/qb-lists/customers", expect=200
    ).json_body
    assert len(customers["entries"]) == len(company.customers)  # active and inactive
    assert len({e["list_id"] for e in customers["entries"]}) == len(customers["entries"])
    assert {"list_id", "name", "full_name", "type", "is_active"} == set(customers["entries"][0])
    shown = admin.call("GET", f"/api/connectors/{connector['id']}", expect=200).json_body
    assert shown["company_file_location"] == company.company_file
    assert shown["last_sync"]["status"] == SUCCESS
    assert shown["last_10"][0]["status"] == SUCCESS


def test_nothing_to_do_answers_none_and_logs_no_conversation(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample()
    assert connect(client, qwc, password, company).run().outcome == "completed"

    again = connect(client, qwc, password, company).run()

    assert again.outcome == "none"
    assert again.methods() == ["serverVersion", "clientVersion", "authenticate"]
    assert len(admin.conversations(connector["id"])) == 1
    assert admin.call("GET", f"/api/connectors/{connector['id']}", expect=200).json_body["last_poll_at"]


def test_transcript_redacts_the_password_and_the_ticket(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    run = connect(client, qwc, password, QuickBooksCompany.sample()).run()
    conversation_id = admin.conversations(connector["id"])[0]["id"]

    transcript = admin.call("GET", f"/api/conversations/{conversation_id}/transcript", expect=200).json_body

    methods = [m["method"] for m in transcript["messages"]]
    assert methods[0] == "authenticate" and methods[-1] == "closeConnection"
    assert "sendRequestXML" in methods and "receiveResponseXML" in methods
    assert transcript["id"] == conversation_id
    assert password not in json.dumps(transcript)
    assert run.ticket and run.ticket not in json.dumps(transcript)
    assert "***" in transcript["messages"][0]["request"]
    assert "<string>***</string>" in transcript["messages"][0]["response"]


def test_wrong_password_is_refused_and_repeats_fold(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, _ = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample()

    first = connect(client, qwc, "not-the-password", company).run()
    second = connect(client, qwc, "not-the-password", company).run()

    assert first.outcome == second.outcome == "nvu"
    assert first.methods() == ["serverVersion", "clientVersion", "authenticate"]
    [entry] = admin.conversations(connector["id"])
    assert entry["status"] == "The password is incorrect"
    assert entry["attempts"] == 2
    # The repeat folded into the entry without growing its transcript.
    transcript = admin.call("GET", f"/api/conversations/{entry['id']}/transcript", expect=200).json_body
    assert [m["method"] for m in transcript["messages"]] == ["authenticate"]


def test_another_users_conversation_between_failures_still_folds(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    stale_qwc, _ = admin.user(connector["id"], "stale-pc")
    good_qwc, good_password = admin.user(connector["id"], "good-pc")
    connect(client, stale_qwc, "old-password", QuickBooksCompany.sample()).run()
    admin.call("POST", f"/api/connectors/{connector['id']}/refresh-lists", expect=202)
    assert connect(client, good_qwc, good_password, QuickBooksCompany.sample()).run().outcome == "completed"
    connect(client, stale_qwc, "old-password", QuickBooksCompany.sample()).run()
    log = admin.conversations(connector["id"])
    assert [(c["user"], c["attempts"]) for c in log] == [("good-pc", 1), ("stale-pc", 2)]


def test_unknown_user_gets_nvu_and_touches_no_log(client: Any, admin: Admin, table: Any) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    stranger = qwc.replace("<UserName>office-pc</UserName>", "<UserName>nobody</UserName>")
    before = table_snapshot(table)

    run = connect(client, stranger, password, QuickBooksCompany.sample()).run()

    assert run.outcome == "nvu"
    # Only the unknown name's own attempt record (kept a day) is new: no connector, user or log changed.
    added = [i for i in table_snapshot(table) if i not in before]
    assert {(i["PK"], i["SK"]) for i in added} == {
        ("QBWCUSER#nobody", "UNKNOWN"),
        ("QBWCUSER#nobody", "UNKNOWN_LAST"),
    }
    assert all(i in table_snapshot(table) for i in before)
    assert admin.conversations(connector["id"]) == []


def test_five_wrong_passwords_lock_the_user_until_unlocked(client: Any, admin: Admin, outbox: Path) -> None:
    connector = admin.connector(notify_emails=["books@example.com", "it@example.com"])
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample()
    for _ in range(5):
        assert connect(client, qwc, "wrong", company).run().outcome == "nvu"
    assert admin.conversations(connector["id"])[0]["status"] == "The password is incorrect"

    locked_out = connect(client, qwc, password, company).run()

    assert locked_out.outcome == "nvu"
    assert admin.conversations(connector["id"])[0]["status"] == "The user account is locked"
    [user] = admin.call("GET", f"/api/connectors/{connector['id']}/users", expect=200).json_body["users"]
    assert user["locked"] is True and user["failed_attempts"] == 5
    # One notice when the lock happened, not one per refused attempt; no secret in it.
    [mail] = [message_from_bytes(p.read_bytes()) for p in outbox.glob("*.eml")]
    assert mail["To"] == "books@example.com, it@example.com"
    assert "office-pc is locked" in mail["Subject"] and "Main" in mail["Subject"]
    body = mail.as_string()
    assert "unlock" in body and password not in body
    admin.call("POST", f"/api/connectors/{connector['id']}/users/office-pc/unlock", expect=200)
    assert connect(client, qwc, password, company).run().outcome == "completed"


def test_a_success_resets_the_wrong_password_count(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample()
    for _ in range(4):
        connect(client, qwc, "wrong", company).run()
    connect(client, qwc, password, company).run()
    for _ in range(4):
        connect(client, qwc, "wrong", company).run()
    [user] = admin.call("GET", f"/api/connectors/{connector['id']}/users", expect=200).json_body["users"]
    assert user["locked"] is False and user["failed_attempts"] == 4


def test_inactive_connector_refuses_with_its_own_status(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    admin.call("PATCH", f"/api/connectors/{connector['id']}", {"active": False}, 200)

    run = connect(client, qwc, password, QuickBooksCompany.sample()).run()

    assert run.outcome == "nvu"
    assert admin.conversations(connector["id"])[0]["status"] == "The connector is inactive"


def test_second_qbwc_gets_busy_while_a_conversation_runs(client: Any, admin: Admin, clock: FakeClock) -> None:
    connector = admin.connector()
    qwc_a, password_a = admin.user(connector["id"], "pc-a")
    qwc_b, password_b = admin.user(connector["id"], "pc-b")
    company = QuickBooksCompany.sample(customers=200)
    # PC A stops answering half-way, holding the connector's lock.
    crashed = connect(client, qwc_a, password_a, company, crash_after_requests=1).run()
    assert crashed.outcome == "crashed"

    busy = connect(client, qwc_b, password_b, QuickBooksCompany.sample()).run()

    assert busy.outcome == "busy"
    assert busy.auth_wait_seconds is not None and 0 < busy.auth_wait_seconds <= 600
    assert [c["user"] for c in admin.conversations(connector["id"])] == ["pc-a"]
    # Once A's session has been silent for 10 minutes, B may start, and A's conversation ends Unsuccessful.
    clock.advance(minutes=11)
    assert connect(client, qwc_b, password_b, QuickBooksCompany.sample()).run().outcome == "completed"
    statuses = {c["user"]: c["status"] for c in admin.conversations(connector["id"])}
    assert statuses == {"pc-b": SUCCESS, "pc-a": UNSUCCESSFUL}


def test_same_user_restarting_replaces_its_old_session(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample(customers=200)
    crashed = connect(client, qwc, password, company, crash_after_requests=1).run()
    old_ticket = crashed.ticket

    fresh = connect(client, qwc, password, company).run()

    assert fresh.outcome == "completed"
    log = admin.conversations(connector["id"])
    assert [c["status"] for c in log] == [SUCCESS, UNSUCCESSFUL]
    assert "replaced" in log[1]["message"]
    assert old_ticket and old_ticket not in json.dumps(log)


def test_missing_required_accounts_are_configuration_issues(client: Any, admin: Admin) -> None:
    connector = admin.connector(transfers={"purchase_orders": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample(missing_accounts=["Cost of Goods Sold"])

    run = connect(client, qwc, password, company).run()

    assert run.outcome == "completed"
    [conversation] = admin.conversations(connector["id"])
    assert conversation["status"] == CONFIG_ISSUES
    assert "Cost of Goods Sold" in conversation["message"]
    issues = conversation["configuration_issues"]
    assert [i["code"] for i in issues] == ["account_missing"]
    assert "Chart of Accounts" in issues[0]["fix"]
    # What the bridge may create, it created.
    assert any(a.name == "PSA Income from PO" and a.account_type == "Income" for a in company.accounts)


def test_quickbooks_cannot_start(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample(can_start=False)

    run = connect(client, qwc, password, company).run()

    assert run.outcome == "connection_error"
    assert run.methods()[-2:] == ["connectionError", "closeConnection"]
    [conversation] = admin.conversations(connector["id"])
    assert conversation["status"] == UNSUCCESSFUL
    assert "0x80040408" in conversation["message"]
    assert "Fix:" in conversation["message"]
    # The connector is free again at once.
    assert connect(client, qwc, password, QuickBooksCompany.sample()).run().outcome == "completed"


def test_quickbooks_too_old_is_unsuccessful_with_the_reason(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")

    run = connect(client, qwc, password, QuickBooksCompany.sample(qbxml_version=(12, 0))).run()

    assert run.outcome == "error"
    assert run.last_error and "13.0" in run.last_error
    [conversation] = admin.conversations(connector["id"])
    assert conversation["status"] == UNSUCCESSFUL


def test_a_different_company_file_stops_until_confirmed(client: Any, admin: Admin) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    assert connect(client, qwc, password, QuickBooksCompany.sample()).run().outcome == "completed"
    admin.call("POST", f"/api/connectors/{connector['id']}/refresh-lists", expect=202)
    other = QuickBooksCompany.sample(company_file=r"C:\Other\Elsewhere.qbw")

    run = connect(client, qwc, password, other).run()

    assert run.outcome == "error" and run.requests_sent == 0
    assert run.last_error and "different company file" in run.last_error
    assert admin.conversations(connector["id"])[0]["status"] == CONFIG_ISSUES
    admin.call("PATCH", f"/api/connectors/{connector['id']}", {"confirm_company_file_location": True}, 200)
    assert connect(client, qwc, password, other).run().outcome == "completed"
    shown = admin.call("GET", f"/api/connectors/{connector['id']}", expect=200).json_body
    assert shown["company_file_location"] == r"C:\Other\Elsewhere.qbw"


def test_a_list_quickbooks_would_not_return_skips_the_company_check(client: Any, admin: Admin) -> None:
    connector = admin.connector(transfers={"purchase_orders": True})
    qwc, password = admin.user(connector["id"], "office-pc")
    company = QuickBooksCompany.sample()
    company.lock_list("AccountQueryRq", 1)

    assert connect(client, qwc, password, company).run().outcome == "completed"

    [conversation] = admin.conversations(connector["id"])
    assert conversation["status"] == CONFIG_ISSUES
    codes = [i["code"] for i in conversation["configuration_issues"]]
    assert codes == ["list_read_failed:accounts", "company_check_skipped"]  # no false "account missing"
    assert not any(a.name == "PSA Income from PO" for a in company.accounts)  # nothing created blindly
