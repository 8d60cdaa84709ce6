"""The lock notice: sent whatever the connector is called, stored, and retried hourly when SES refuses it."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_string, policy
from pathlib import Path
from typing import Any

from chalicelib.api import dependencies
from chalicelib.domain.connector import Connector
from chalicelib.notify.mailer import Notice
from chalicelib.notify.notices import notify_user_locked
from chalicelib.settings import Settings, get_settings
from chalicelib.store import Store
from simulators.quickbooks import QuickBooksCompany
from tests.conftest import Admin, FakeClock, connect
from tests.notify.conftest import (
    RECIPIENTS,
    Mail,
    assert_no_secrets,
    invoke,
    outbox_mail,
    ses_mail,
    verify_sender,
)

INJECTING_NAME = "Main\r\nBcc: x@evil"
LOCKED_SUBJECT = "qbwc-bridge: Main Bcc: x@evil: QBWC user office-pc is locked"


def _lock(store: Store, clock: FakeClock, connector_id: str) -> None:
    """What the QBWC service does the moment a wrong password locks the user ``office-pc``."""
    notify_user_locked(
        store,
        dependencies.get_mailer(),
        get_settings(),
        clock.now(),
        store.connectors.get(connector_id),
        "office-pc",
    )


def assert_no_injected_header(mail: Mail) -> None:
    """One-line subject; the name's "Bcc: x@evil" is subject text, never a header of its own."""
    message = message_from_string(mail.raw, policy=policy.default)
    assert mail.subject == LOCKED_SUBJECT
    assert message["Bcc"] is None and "x@evil" not in str(message["To"])
    assert not any(line.lower().startswith("bcc:") for line in mail.raw.splitlines())


def test_a_line_break_in_the_connector_name_injects_nothing_and_the_lock_is_mailed(
    client: Any, admin: Admin, outbox: Path, clock: FakeClock, store: Store
) -> None:
    connector = admin.connector(name=INJECTING_NAME, notify_emails=RECIPIENTS)

    _lock(store, clock, connector["id"])

    [mail] = outbox_mail(outbox)
    assert mail.to == ", ".join(RECIPIENTS)
    assert_no_injected_header(mail)
    assert 'user "office-pc" of connector "Main Bcc: x@evil" is locked' in mail.text
    assert "unlock the user" in mail.text and "unlock the user" in mail.html
    assert f"http://localhost:8000/#connectors/{connector['id']}" in mail.text
    [record] = store.notices.history(connector["id"])
    assert (record.kind, record.status, record.attempts) == ("user_locked", "sent", 1)


def test_a_refused_lock_notice_is_stored_and_sent_by_the_hourly_retry(
    client: Any, admin: Admin, ses_app: None, clock: FakeClock, store: Store
) -> None:
    connector = admin.connector(name=INJECTING_NAME, notify_emails=RECIPIENTS)

    _lock(store, clock, connector["id"])  # the sender is not verified: SES refuses

    assert ses_mail() == []
    [pending] = store.notices.history(connector["id"])
    assert (pending.kind, pending.status, pending.attempts) == ("user_locked", "pending", 1)
    assert pending.last_error
    verify_sender()
    clock.advance(minutes=31)
    invoke(client, "notice_retries")

    [mail] = ses_mail()
    assert_no_injected_header(mail)
    [sent] = store.notices.history(connector["id"])
    assert (sent.status, sent.attempts) == ("sent", 2)


def test_five_wrong_passwords_mail_the_lock_whatever_the_connector_is_called(
    client: Any, admin: Admin, outbox: Path
) -> None:
    connector = admin.connector(name=INJECTING_NAME, notify_emails=RECIPIENTS)
    qwc, password = admin.user(connector["id"], "office-pc")

    runs = [connect(client, qwc, "wrong", QuickBooksCompany.sample()).run() for _ in range(5)]

    assert [run.outcome for run in runs] == ["nvu"] * 5
    [mail] = outbox_mail(outbox)
    assert_no_injected_header(mail)
    assert_no_secrets([mail], [password, *(run.ticket for run in runs if run.ticket)])


class _Broken:
    """A store whose every repository call fails."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("DynamoDB is down")


class _Refusing:
    def send(self, notice: Notice) -> None:
        raise RuntimeError("SES is down")


def test_the_lock_notifier_never_raises(store: Store) -> None:
    now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    stamp = "2026-11-20T09:00:00.000000Z"
    connector = Connector(
        id="c1",
        name="Main",
        is_default=True,
        created_at=stamp,
        updated_at=stamp,
        file_id="{X}",
        notify_emails=["a@example.com"],
    )
    notify_user_locked(_Broken(), _Refusing(), Settings(), now, connector, "office-pc")  # type: ignore[arg-type]
    notify_user_locked(store, _Refusing(), Settings(), now, connector, "office-pc")
    [record] = store.notices.history("c1")
    assert record.status == "pending" and record.last_error == "RuntimeError"
    # No recipients: nothing to send, nothing stored.
    quiet = connector.model_copy(update={"id": "c2", "notify_emails": []})
    notify_user_locked(store, _Refusing(), Settings(), now, quiet, "office-pc")
    assert store.notices.history("c2") == []
