"""Runtime settings, read from environment variables once per process (Lambda or local).

Every setting has a safe default for the local stack, so `make run` needs no configuration.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.qbwc.public_url import qbwc_url


@dataclass(frozen=True)
class Settings:
    """What the running app needs to know about its environment."""

    stage: str = "local"
    table_name: str = "qbwc-bridge"
    # Set for the local stack (dynalite) and tests; empty on AWS, where boto3 finds DynamoDB itself.
    dynamodb_endpoint: str | None = None
    region: str = "us-east-1"
    # Public base URL of the app; the QBWC endpoint is PUBLIC_URL + "/qbwc". QBWC needs https except localhost.
    public_url: str = "http://localhost:8000"
    # A synchronous Lambda event is at most 6 MB; larger SOAP postings get a SOAP Fault, never a crash.
    max_body_bytes: int = 6_000_000
    # MaxReturned for list queries that page with iterators.
    list_page_size: int = 500
    # One qbXML message: at most this many requests and bytes (the byte budget usually binds first).
    max_message_requests: int = 500
    max_message_bytes: int = 1_000_000
    # Transfers one conversation takes on (the rest wait for the next one; keeps the session item small).
    max_transfers_per_conversation: int = 1000
    # A session with no callback for this long is dead; its connector lock expires with it.
    session_idle_seconds: int = 600
    # Local mode: e-mail is written here instead of being sent through SES.
    outbox_dir: str | None = None
    sender_email: str = "qbwc-bridge@localhost"
    # E-mail notices: a repeat of the same problem within this many hours goes into the daily digest instead.
    notice_quiet_hours: int = 24
    # A notice SES refused is retried by the hourly job at most this many times in all.
    notice_max_attempts: int = 5
    # The watchdog reports a connector with queued work and no conversation for this many hours.
    watchdog_hours: int = 24

    @property
    def qbwc_url(self) -> str:
        return qbwc_url(self.public_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default: ``os.environ``); unset variables keep their defaults."""
        env = os.environ if env is None else env
        defaults = cls()
        return cls(
            stage=env.get("STAGE", defaults.stage),
            table_name=env.get("TABLE_NAME", defaults.table_name),
            dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
            region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", defaults.region)),
            public_url=env.get("PUBLIC_URL", defaults.public_url),
            max_body_bytes=int(env.get("MAX_BODY_BYTES", defaults.max_body_bytes)),
            list_page_size=int(env.get("LIST_PAGE_SIZE", defaults.list_page_size)),
            max_message_requests=int(env.get("MAX_MESSAGE_REQUESTS", defaults.max_message_requests)),
            max_message_bytes=int(env.get("MAX_MESSAGE_BYTES", defaults.max_message_bytes)),
            max_transfers_per_conversation=int(
                env.get("MAX_TRANSFERS_PER_CONVERSATION", defaults.max_transfers_per_conversation)
            ),
            session_idle_seconds=int(env.get("SESSION_IDLE_SECONDS", defaults.session_idle_seconds)),
            outbox_dir=env.get("OUTBOX_DIR") or None,
            sender_email=env.get("SENDER_EMAIL", defaults.sender_email),
            notice_quiet_hours=int(env.get("NOTICE_QUIET_HOURS", defaults.notice_quiet_hours)),
            notice_max_attempts=int(env.get("NOTICE_MAX_ATTEMPTS", defaults.notice_max_attempts)),
            watchdog_hours=int(env.get("WATCHDOG_HOURS", defaults.watchdog_hours)),
        )


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings.from_env()
