"""Helpers for the notice tests: reading the outbox and SES' sent mail, and a connector ready to fail."""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Admin, FakeClock

RECIPIENTS = ["books@example.com", "it@example.com"]
SENDER = "bridge@example.com"


@dataclass(frozen=True)
class Mail:
    """One e-mail as a recipient sees it."""

    to: str
    subject: str
    text: str
    html: str
    raw: str


def _mail(message: EmailMessage, raw: str) -> Mail:
    text = message.get_body(preferencelist=("plain",))
    page = message.get_body(preferencelist=("html",))
    return Mail(
        to=str(message["To"]),
        subject=str(message["Subject"]).strip(),
        text=text.get_content() if text is not None else "",
        html=page.get_content() if page is not None else "",
        raw=raw,
    )


def outbox_mail(outbox: Path) -> list[Mail]:
    """Every .eml in the outbox, oldest first."""
    mails = []
    for path in sorted(outbox.glob("*.eml")):
        data = path.read_bytes()
        message = message_from_bytes(data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        mails.append(_mail(message, data.decode("utf-8", "replace")))
    return mails


def ses_mail() -> list[Mail]:
    """Every message moto's SES accepted, oldest first."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    mails = []
    for sent in ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages:
        message = message_from_string(sent.raw_data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        mails.append(_mail(message, sent.raw_data))
    return mails


def assert_no_secrets(mails: list[Mail], secrets: list[str]) -> None:
    """No password, token or ticket in any part of any e-mail (raw, so encoded parts count too)."""
    for mail in mails:
        for secret in secrets:
            assert secret, "a secret to look for must not be empty"
            for part in (mail.subject, mail.text, mail.html, mail.raw):
                assert secret not in part, f"a secret leaked into {mail.subject!r}"


@pytest.fixture
def ses_app(app_env: None, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app sending through (moto's) SES instead of the outbox."""
    from chalicelib.api import dependencies

    monkeypatch.delenv("OUTBOX_DIR")
    monkeypatch.setenv("SENDER_EMAIL", SENDER)
    dependencies.reset()
    dependencies.set_clock(clock)


def verify_sender() -> None:
    import boto3

    boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=SENDER)


def invoke(client: Any, function_name: str) -> None:
    """Run one of the app's scheduled functions, as EventBridge would."""
    event = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[], region="us-east-1"
    )
    client.lambda_.invoke(function_name, event)


def invoice_connector(admin: Admin) -> dict[str, Any]:
    """A connector with invoices on, recipients, a QBWC user and the class mapping invoices need."""
    from tests.transfers.invoice_factory import LINES_OF_BUSINESS

    connector = admin.connector(transfers={"invoices": True}, notify_emails=RECIPIENTS)
    qwc, password = admin.user(connector["id"], "office-pc")
    admin.call(
        "PUT",
        f"/api/connectors/{connector['id']}/mappings/lines-of-business",
        {"entries": [{"source": lob, "class": "Consulting:Remote"} for lob in LINES_OF_BUSINESS]},
        200,
    )
    return {"connector": connector, "id": connector["id"], "qwc": qwc, "password": password}
