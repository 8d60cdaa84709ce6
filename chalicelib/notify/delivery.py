"""Sending a notice once, remembering it, and retrying the ones SES refused.

Every notice the bridge sends on its own initiative (conversation notices, lock notices, digests, watchdog
alarms) goes through ``deliver``: one attempt now (SES is configured for one try with short timeouts), the
outcome stored in the notice history. A refused notice stays ``pending``; the hourly job calls ``retry_pending``,
which tries again with a growing pause until ``NOTICE_MAX_ATTEMPTS`` attempts, then gives up (logged, kept in
the history).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib.clock import Clock, iso
from chalicelib.notify.mailer import Mailer, Notice
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.store.notices import NoticeKind, NoticeRecord

log = logging.getLogger(__name__)

FIRST_RETRY_PAUSE = timedelta(minutes=30)
LONGEST_RETRY_PAUSE = timedelta(hours=12)


def _failure(exc: Exception) -> str:
    """What went wrong, briefly: the exception class and, for AWS errors, the error code."""
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return f"{type(exc).__name__}: {code}" if code else type(exc).__name__


def _attempt(mailer: Mailer, record: NoticeRecord, now: datetime, max_attempts: int) -> None:
    """One try at sending ``record``; its status, attempts and next attempt time say how it went."""
    record.attempts += 1
    notice = Notice(to=tuple(record.to), subject=record.subject, text=record.text, html=record.html or None)
    try:
        mailer.send(notice)
    except Exception as exc:
        record.last_error = _failure(exc)
        if record.attempts >= max_attempts:
            record.status = "given_up"
            record.next_attempt_at = None
            log.error("gave up on the notice %r after %d attempts: %s", record.subject, record.attempts, exc)
        else:
            pause = min(FIRST_RETRY_PAUSE * 2 ** (record.attempts - 1), LONGEST_RETRY_PAUSE)
            record.status = "pending"
            record.next_attempt_at = iso(now + pause)
            log.warning("could not send the notice %r (will retry): %s", record.subject, exc)
        return
    record.status = "sent"
    record.sent_at = iso(now)
    record.next_attempt_at = None
    record.last_error = None


def deliver(
    store: Store,
    mailer: Mailer,
    notice: Notice,
    *,
    connector_id: str,
    kind: NoticeKind,
    now: datetime,
    settings: Settings,
    fingerprint: str = "",
) -> NoticeRecord | None:
    """Send ``notice`` once and store the outcome; None when it has no recipients (nothing to do)."""
    if not notice.to:
        return None
    record = NoticeRecord(
        connector_id=connector_id,
        kind=kind,
        created_at=iso(now),
        to=list(notice.to),
        subject=notice.subject,
        text=notice.text,
        html=notice.html or "",
        fingerprint=fingerprint,
    )
    _attempt(mailer, record, now, settings.notice_max_attempts)
    store.notices.save(record)
    return record


def retry_pending(store: Store, mailer: Mailer, clock: Clock, settings: Settings) -> int:
    """Try again every pending notice that is due; returns how many went out now."""
    now = clock.now()
    sent = 0
    for record in store.notices.due_for_retry(iso(now)):
        try:
            _attempt(mailer, record, now, settings.notice_max_attempts)
            store.notices.save(record)
        except Exception:  # one broken record must not stop the others
            log.exception("could not retry the notice %s", record.id)
            continue
        sent += record.status == "sent"
    return sent
