"""The watchdog: queued work and no conversation for WATCHDOG_HOURS -> one notice per stuck period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, FakeClock, connect
from tests.notify.conftest import RECIPIENTS, assert_no_secrets, invoice_connector, invoke, outbox_mail
from tests.transfers.invoice_factory import invoice

CAUSES = ("asleep", "Auto-Run", "QuickBooks dialog is open", "password", "inactive")


def test_a_stuck_connector_is_reported_once_per_stuck_period(
    client: Any, admin: Admin, outbox: Path, clock: FakeClock
) -> None:
    setup = invoice_connector(admin)
    admin.enqueue(invoice(1, org=1))

    clock.advance(hours=23)
    invoke(client, "notice_watchdog")
    assert outbox_mail(outbox) == []  # not yet 24 hours

    clock.advance(hours=2)
    invoke(client, "notice_watchdog")
    [alarm] = outbox_mail(outbox)
    assert alarm.to == ", ".join(RECIPIENTS)
    assert alarm.subject == "qbwc-bridge: Main: no conversation for more than 24 hours"
    for cause in CAUSES:
        assert cause in alarm.text and cause in alarm.html
    assert "last contact: never" in alarm.text
    assert f"/#connectors/{setup['id']}" in alarm.text

    clock.advance(hours=1)
    invoke(client, "notice_watchdog")
    assert len(outbox_mail(outbox)) == 1  # the same stuck period: not every hour

    # QBWC comes back and clears the queue; later it goes quiet again with new work waiting.
    run = connect(client, setup["qwc"], setup["password"], QuickBooksCompany.sample()).run()
    assert run.outcome == "completed"
    invoke(client, "notice_watchdog")
    assert len(outbox_mail(outbox)) == 1
    admin.enqueue(invoice(2, org=1))
    clock.advance(hours=25)
    invoke(client, "notice_watchdog")
    assert len(outbox_mail(outbox)) == 2
    token = admin.headers["Authorization"].removeprefix("Bearer ")
    assert run.ticket  # the ticket QBWC was given: the server keeps none to look up
    assert_no_secrets(outbox_mail(outbox), [setup["password"], token, run.ticket])


def test_wrong_passwords_are_no_contact_and_an_idle_connector_is_not_stuck(
    client: Any, admin: Admin, outbox: Path, clock: FakeClock
) -> None:
    setup = invoice_connector(admin)
    idle = admin.connector(name="Idle", notify_emails=RECIPIENTS)  # nothing queued on it
    admin.enqueue(invoice(1, org=1))
    for _ in range(3):
        connect(client, setup["qwc"], "stale-password", QuickBooksCompany.sample()).run()
        clock.advance(hours=10)

    invoke(client, "notice_watchdog")

    [alarm] = outbox_mail(outbox)
    assert "Main" in alarm.subject and idle["name"] not in alarm.subject


def test_an_inactive_connector_names_that_cause_first(
    client: Any, admin: Admin, outbox: Path, clock: FakeClock
) -> None:
    setup = invoice_connector(admin)
    admin.enqueue(invoice(1, org=1))
    admin.call("PATCH", f"/api/connectors/{setup['id']}", {"active": False}, 200)
    clock.advance(hours=30)

    invoke(client, "notice_watchdog")

    [alarm] = outbox_mail(outbox)
    causes = alarm.text.split("Usual causes", 1)[1]
    assert causes.index("The connector is inactive") < causes.index("asleep")


def test_a_short_watchdog_setting_is_honoured(
    client: Any, admin: Admin, outbox: Path, clock: FakeClock, monkeypatch: Any
) -> None:
    from chalicelib.settings import get_settings

    monkeypatch.setenv("WATCHDOG_HOURS", "2")
    get_settings.cache_clear()
    invoice_connector(admin)
    admin.enqueue(invoice(1, org=1))
    clock.advance(hours=3)

    invoke(client, "notice_watchdog")

    [alarm] = outbox_mail(outbox)
    assert "more than 2 hours" in alarm.subject
