"""Mailers: the local outbox is readable mail; SES gets the same message; a failure never propagates."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import boto3
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.notify.layout import one_line
from chalicelib.notify.mailer import (
    SUBJECT_LIMIT,
    Notice,
    OutboxMailer,
    SesMailer,
    mailer_for,
    send_quietly,
)
from chalicelib.settings import Settings

NOTICE = Notice(
    to=("a@example.com",), subject="Café: 3 problems", text="plain words", html="<p>html words</p>"
)


def test_outbox_writes_a_multipart_eml(tmp_path: Path) -> None:
    OutboxMailer(tmp_path, "bridge@example.com").send(NOTICE)
    [path] = tmp_path.glob("*.eml")
    mail = message_from_bytes(path.read_bytes())
    assert mail["From"] == "bridge@example.com" and mail["To"] == "a@example.com"
    parts = {part.get_content_type(): part.get_payload(decode=True) for part in mail.walk()}
    assert b"plain words" in parts["text/plain"] and b"html words" in parts["text/html"]


def test_settings_choose_the_mailer(tmp_path: Path) -> None:
    assert isinstance(mailer_for(Settings(outbox_dir=str(tmp_path))), OutboxMailer)
    assert isinstance(mailer_for(Settings()), SesMailer)


def test_ses_sends_from_the_configured_sender() -> None:
    with mock_aws():
        ses = boto3.client("ses", region_name="us-east-1")
        ses.verify_email_identity(EmailAddress="bridge@example.com")
        assert send_quietly(SesMailer(Settings(sender_email="bridge@example.com")), NOTICE)
        backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
        [sent] = backend.sent_messages
        assert sent.source == "bridge@example.com"
        assert "plain words" in sent.raw_data


def test_a_failing_send_is_logged_not_raised(tmp_path: Path) -> None:
    with mock_aws():  # no verified identity: SES refuses
        assert not send_quietly(SesMailer(Settings(sender_email="nobody@example.com")), NOTICE)
    assert not send_quietly(OutboxMailer(Path("/proc/forbidden"), "x@example.com"), NOTICE)
    assert not send_quietly(OutboxMailer(tmp_path, "x@example.com"), Notice(to=(), subject="s", text="t"))
    assert list(tmp_path.iterdir()) == []  # no recipients: nothing written


def test_every_header_is_one_line_whatever_the_notice_holds(tmp_path: Path) -> None:
    # A stored notice is retried as it was saved: the mailer itself must make every header safe.
    hostile = Notice(
        to=("a@example.com\r\nBcc: x@evil.example",),
        subject="Main\r\nBcc: y@evil.example\x00\x0b\x1b\x7f\u2028\tend " + "x" * 500,
        text="plain words",
    )
    OutboxMailer(tmp_path, "bridge@example.com\nBcc: z@evil.example").send(hostile)

    [path] = tmp_path.glob("*.eml")
    raw = path.read_bytes().decode("utf-8")
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["Bcc"] is None
    assert not any(line.lower().startswith("bcc:") for line in raw.splitlines())
    subject = str(mail["Subject"])
    assert subject.startswith("Main Bcc: y@evil.example end xxx") and subject.endswith("…")
    assert len(subject) == SUBJECT_LIMIT
    assert all(ch.isprintable() for ch in subject)


def test_one_line_folds_every_break_and_control_character() -> None:
    assert one_line("a\r\nb\tc\x00d\x1be\x7ff\x85g\u2028h\u2029i\x0cj") == "a b c d e f g h i j"
    assert one_line("  lead\n\ntrail  ") == "lead trail"
    assert one_line("broken \ud800 escape") == "broken ? escape"
    assert one_line("word " * 10, 12) == "word word w…"
    assert one_line(r"C:\Company\Acme.qbw") == r"C:\Company\Acme.qbw"  # backslashes are text
