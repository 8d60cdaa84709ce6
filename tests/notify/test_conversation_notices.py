"""Conversation notices end to end: QBWC simulator -> in-process app -> outbox or (moto) SES.

One e-mail per conversation that needs a person, none for a clean success, a digest instead of a storm, and a
refused send that neither fails the conversation nor gets lost.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from chalicelib.store import Store
from simulators.qbwc import RunLog
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, FakeClock, connect
from tests.notify.conftest import (
    RECIPIENTS,
    Mail,
    assert_no_secrets,
    invoice_connector,
    invoke,
    outbox_mail,
    ses_mail,
    verify_sender,
)
from tests.transfers.invoice_factory import invoice

UNSUCCESSFUL = "Unsuccessful - Could not communicate with QuickBooks"
REFUSED = 'The "RefNumber" field has an invalid value.'


def secrets_of(admin: Admin, password: str, *runs: RunLog) -> list[str]:
    """What must never be mailed: the QBWC password, the admin token, the ticket each run was given.

    The tickets come from the simulated QBWC: the server keeps none, and conversations are named by their id.
    """
    token = admin.headers["Authorization"].removeprefix("Bearer ")
    return [password, token, *(run.ticket for run in runs if run.ticket)]


def assert_both_parts_say(mail: Mail, *phrases: str) -> None:
    """Each phrase is in the plain text and in what the HTML part shows (tags removed, entities decoded)."""
    shown = html.unescape(re.sub(r"<[^>]+>", "", mail.html))
    for phrase in phrases:
        assert phrase in mail.text, phrase
        assert phrase in shown, phrase


def test_unsuccessful_conversation_mails_what_why_and_fix(client: Any, admin: Admin, outbox: Path) -> None:
    connector = admin.connector(notify_emails=RECIPIENTS)
    qwc, password = admin.user(connector["id"], "office-pc")

    run = connect(client, qwc, password, QuickBooksCompany.sample(can_start=False)).run()

    assert run.outcome == "connection_error"
    [mail] = outbox_mail(outbox)
    assert mail.to == ", ".join(RECIPIENTS)
    assert mail.subject == f"qbwc-bridge: Main: {UNSUCCESSFUL}"
    [conversation] = admin.conversations(connector["id"])
    what, fix = conversation["message"].splitlines()[0].rsplit(" Fix: ", 1)
    assert_both_parts_say(mail, "0x80040408", "What went wrong", "How to fix", "office-pc")
    assert what in mail.text and fix.strip() in mail.text
    assert f"/#connectors/{connector['id']}" in mail.text
    assert f'href="http://localhost:8000/#connectors/{connector["id"]}"' in mail.html
    assert_no_secrets([mail], secrets_of(admin, password, run))


def test_a_failed_invoice_is_named_with_quickbooks_words_and_the_fix(
    client: Any, admin: Admin, outbox: Path
) -> None:
    setup = invoice_connector(admin)
    company = QuickBooksCompany.sample()
    document = invoice(7, org=3)
    transfer_id = admin.enqueue(document).json_body["id"]
    company.fail_next("InvoiceAddRq", 3210, REFUSED)

    run = connect(client, setup["qwc"], setup["password"], company).run()

    [mail] = outbox_mail(outbox)
    assert mail.subject == "qbwc-bridge: Main: Finished, but with errors on the following transfers: Invoice"
    error = admin.transfer(transfer_id)["error"]
    assert_both_parts_say(
        mail,
        "Documents that failed",
        f"Invoice {document['number']} for {document['organization']['name']}",
        "3210",
        "Invoice: 1 sent, 0 transferred, 1 failed",
    )
    assert "QuickBooks status code: 3210" in mail.text
    assert f"QuickBooks said: {REFUSED}" in mail.text
    assert error["explanation"] and f"Why: {error['explanation']}" in mail.text
    assert error["fix"] and f"How to fix: {error['fix']}" in mail.text
    assert "&quot;RefNumber&quot;" in mail.html  # escaped, not raw markup
    assert_no_secrets([mail], secrets_of(admin, setup["password"], run))


def test_configuration_issues_are_mailed_with_their_fix(client: Any, admin: Admin, outbox: Path) -> None:
    connector = admin.connector(transfers={"purchase_orders": True}, notify_emails=RECIPIENTS)
    qwc, password = admin.user(connector["id"], "office-pc")

    run = connect(
        client, qwc, password, QuickBooksCompany.sample(missing_accounts=["Cost of Goods Sold"])
    ).run()

    [mail] = outbox_mail(outbox)
    assert mail.subject == (
        "qbwc-bridge: Main: Success, but there are configuration issues that need attention"
    )
    [issue] = admin.conversations(connector["id"])[0]["configuration_issues"]
    assert_both_parts_say(mail, "Configuration issues", "Cost of Goods Sold", "Chart of Accounts")
    assert f"How to fix: {issue['fix']}" in mail.text
    assert_no_secrets([mail], secrets_of(admin, password, run))


def test_a_clean_success_sends_nothing(client: Any, admin: Admin, outbox: Path) -> None:
    connector = admin.connector(notify_emails=RECIPIENTS)
    qwc, password = admin.user(connector["id"], "office-pc")

    assert connect(client, qwc, password, QuickBooksCompany.sample()).run().outcome == "completed"

    assert admin.conversations(connector["id"])[0]["status"] == "Success"
    assert outbox_mail(outbox) == []


def test_no_recipients_no_mail(client: Any, admin: Admin, outbox: Path) -> None:
    connector = admin.connector()
    qwc, password = admin.user(connector["id"], "office-pc")
    connect(client, qwc, password, QuickBooksCompany.sample(can_start=False)).run()
    assert outbox_mail(outbox) == []


def test_a_repeating_failure_sends_once_then_a_daily_digest(
    client: Any, admin: Admin, outbox: Path, clock: FakeClock, store: Store
) -> None:
    setup = invoice_connector(admin)
    company = QuickBooksCompany.sample()
    admin.enqueue(invoice(7, org=3))
    company.fail_next("InvoiceAddRq", 3210, REFUSED, times=3)

    runs = []
    for _ in range(3):  # the third failure puts it into needs_attention
        runs.append(connect(client, setup["qwc"], setup["password"], company).run())
        clock.advance(hours=2)

    [first] = outbox_mail(outbox)
    assert first.subject.startswith("qbwc-bridge: Main: Finished, but with errors")
    invoke(client, "notice_digest")

    first_again, digest = outbox_mail(outbox)
    assert first_again == first
    assert digest.subject == "qbwc-bridge: Main: daily digest, 2 repeated problem(s)"
    assert_both_parts_say(
        digest, "Repeats: 2", "First repeat: 2026-11-20 11:00 UTC", "Last repeat: 2026-11-20 13:00 UTC"
    )
    assert "10007" in digest.text and "Finished, but with errors" in digest.text
    # Reported once: the next digest has nothing to say.
    invoke(client, "notice_digest")
    assert len(outbox_mail(outbox)) == 2
    assert [n.kind for n in store.notices.history(setup["id"])] == ["digest", "conversation"]
    assert_no_secrets(outbox_mail(outbox), secrets_of(admin, setup["password"], *runs))


def test_the_same_problem_after_a_success_or_a_day_is_news_again(
    client: Any, admin: Admin, outbox: Path, clock: FakeClock
) -> None:
    connector = admin.connector(notify_emails=RECIPIENTS)
    qwc, password = admin.user(connector["id"], "office-pc")
    broken = QuickBooksCompany.sample(can_start=False)

    connect(client, qwc, password, broken).run()
    clock.advance(hours=1)
    connect(client, qwc, password, broken).run()  # folded
    assert len(outbox_mail(outbox)) == 1
    clock.advance(hours=24)
    connect(client, qwc, password, broken).run()  # the quiet period is over
    assert len(outbox_mail(outbox)) == 2
    clock.advance(hours=1)
    assert connect(client, qwc, password, QuickBooksCompany.sample()).run().outcome == "completed"
    admin.call("POST", f"/api/connectors/{connector['id']}/refresh-lists", expect=202)
    connect(client, qwc, password, broken).run()  # resolved in between: a new occurrence
    assert [m.subject for m in outbox_mail(outbox)] == [f"qbwc-bridge: Main: {UNSUCCESSFUL}"] * 3


def test_ses_sends_the_notice(client: Any, admin: Admin, ses_app: None) -> None:
    verify_sender()
    setup = invoice_connector(admin)
    company = QuickBooksCompany.sample()
    admin.enqueue(invoice(7, org=3))
    company.fail_next("InvoiceAddRq", 3210, REFUSED)

    run = connect(client, setup["qwc"], setup["password"], company).run()

    [mail] = ses_mail()
    assert mail.to == ", ".join(RECIPIENTS)
    assert_both_parts_say(mail, "Invoice 10007 for Client 0003 Dental", "How to fix")
    assert_no_secrets([mail], secrets_of(admin, setup["password"], run))


def test_a_refused_send_does_not_fail_the_conversation_and_is_retried(
    client: Any, admin: Admin, ses_app: None, clock: FakeClock, store: Store
) -> None:
    connector = admin.connector(notify_emails=RECIPIENTS)
    qwc, password = admin.user(connector["id"], "office-pc")

    # The sender is not verified: SES refuses.
    run = connect(client, qwc, password, QuickBooksCompany.sample(can_start=False)).run()

    assert run.outcome == "connection_error"
    assert admin.conversations(connector["id"])[0]["status"] == UNSUCCESSFUL
    assert ses_mail() == []
    [pending] = store.notices.history(connector["id"])
    assert pending.status == "pending" and pending.attempts == 1 and pending.last_error
    invoke(client, "notice_retries")  # not due yet
    assert store.notices.history(connector["id"])[0].attempts == 1

    verify_sender()
    clock.advance(minutes=31)
    invoke(client, "notice_retries")

    [mail] = ses_mail()
    assert mail.subject == f"qbwc-bridge: Main: {UNSUCCESSFUL}"
    [sent] = store.notices.history(connector["id"])
    assert sent.status == "sent" and sent.attempts == 2
    clock.advance(hours=2)
    invoke(client, "notice_retries")
    assert len(ses_mail()) == 1  # sent once


def test_retries_stop_after_the_cap(
    client: Any, admin: Admin, ses_app: None, clock: FakeClock, store: Store
) -> None:
    connector = admin.connector(notify_emails=RECIPIENTS)
    qwc, password = admin.user(connector["id"], "office-pc")
    connect(client, qwc, password, QuickBooksCompany.sample(can_start=False)).run()

    for _ in range(8):
        clock.advance(hours=13)
        invoke(client, "notice_retries")

    [record] = store.notices.history(connector["id"])
    assert record.status == "given_up" and record.attempts == 5
    assert store.notices.due_for_retry("9999") == []
