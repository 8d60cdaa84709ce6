"""Mailers: SES for deployed stages, an outbox of ``.eml`` files for the local stack and tests."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from chalicelib.notify.layout import one_line
from chalicelib.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One e-mail: plain text always, HTML when the notice has one."""

    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


class Mailer(Protocol):
    def send(self, notice: Notice) -> None: ...


# Caps for header values: above every notice's own subject (160), below what mail systems refuse or mangle.
SUBJECT_LIMIT = 200
ADDRESS_LIMIT = 320  # a 254-character address and a display name


def _recipients(notice: Notice) -> list[str]:
    """The notice's addresses as they go into the ``To`` header and to SES: each one line."""
    return [address for address in (one_line(a, ADDRESS_LIMIT) for a in notice.to) if address]


def _mime(notice: Notice, sender: str) -> EmailMessage:
    # The one place header values are made safe: whatever a notice (or a stored one, retried) holds, a line
    # break cannot add a header, and no control character can make the email package refuse the message.
    message = EmailMessage()
    message["From"] = one_line(sender, ADDRESS_LIMIT)
    message["To"] = ", ".join(_recipients(notice))
    message["Subject"] = one_line(notice.subject, SUBJECT_LIMIT)
    message["Date"] = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(notice.text)
    if notice.html:
        message.add_alternative(notice.html, subtype="html")
    return message


class OutboxMailer:
    """Writes each notice as an ``.eml`` file (open it in any mail program, or read it as text)."""

    def __init__(self, directory: Path, sender: str) -> None:
        self.directory = directory
        self.sender = sender

    def send(self, notice: Notice) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        slug = re.sub(r"[^a-z0-9]+", "-", notice.subject.lower()).strip("-")[:60]
        (self.directory / f"{stamp}-{slug}.eml").write_bytes(bytes(_mime(notice, self.sender)))


class SesMailer:
    """Sends through Amazon SES (v2 API); the client is made on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Any = None

    def send(self, notice: Notice) -> None:
        if self._client is None:
            import boto3  # deferred: cold start
            from botocore.config import Config

            # A notice is sent while QBWC waits for its answer: fail fast rather than near API Gateway's 29 s.
            config = Config(
                connect_timeout=2, read_timeout=5, retries={"max_attempts": 1, "mode": "standard"}
            )
            self._client = boto3.client("sesv2", region_name=self.settings.region, config=config)
        self._client.send_email(
            FromEmailAddress=one_line(self.settings.sender_email, ADDRESS_LIMIT),
            Destination={"ToAddresses": _recipients(notice)},
            Content={"Raw": {"Data": bytes(_mime(notice, self.settings.sender_email))}},
        )


def mailer_for(settings: Settings) -> Mailer:
    """The outbox when ``OUTBOX_DIR`` is set (local stack), else SES."""
    if settings.outbox_dir:
        return OutboxMailer(Path(settings.outbox_dir), settings.sender_email)
    return SesMailer(settings)


def send_quietly(mailer: Mailer, notice: Notice) -> bool:
    """Send, logging (never raising) a failure: a notice must not break what caused it."""
    if not notice.to:
        return False
    try:
        mailer.send(notice)
    except Exception:
        log.exception("could not send the notice %r", notice.subject)
        return False
    return True
