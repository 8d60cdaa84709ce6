"""The watchdog: a connector with queued work that QuickBooks Web Connector has not called for too long.

The hourly job calls ``run_watchdog``. A connector is stuck when documents wait in its queue and neither a
conversation nor a poll (``none``/``busy`` answers) happened for ``WATCHDOG_HOURS`` since the later of the last
contact and the oldest waiting document. Authentication failures do not count as contact: a QBWC with a stale
password is as stuck as one that is switched off. One notice per stuck period: the period is named by the time
it started, which is remembered; the next contact starts a new period.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib.clock import Clock, iso, parse_iso
from chalicelib.domain.connector import Connector
from chalicelib.domain.conversation import AUTH_FAILURE_STATUSES
from chalicelib.notify.delivery import deliver
from chalicelib.notify.layout import Body, Entry, connector_link, one_line, when
from chalicelib.notify.mailer import Mailer, Notice
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.transfers import registry

log = logging.getLogger(__name__)

_AUTH_FAILURES = {s.value for s in AUTH_FAILURE_STATUSES}

USUAL_CAUSES: tuple[tuple[str, str], ...] = (
    (
        "The PC running QuickBooks Web Connector is asleep, switched off or logged off",
        "QBWC runs only while a Windows user is logged on and the PC is awake: disable sleep on that PC and "
        "keep the user logged on (locking the screen is fine).",
    ),
    (
        "QuickBooks Web Connector is not running, or Auto-Run is off",
        "Start QuickBooks Web Connector (it should start with Windows), tick Auto-Run for this application "
        "and check its 'Every_Min' schedule.",
    ),
    (
        "A QuickBooks dialog is open",
        "A message box, an update prompt or a login window in QuickBooks blocks every exchange: close it on "
        "that PC, and allow this application to sign in automatically (Edit > Preferences > Integrated "
        "Applications).",
    ),
    (
        "The password in QuickBooks Web Connector is wrong, or the QBWC user is locked",
        "If the password was changed, enter the new one in QBWC; if the user is locked, unlock it in the "
        "admin page first.",
    ),
    (
        "The connector is inactive",
        "An inactive connector exchanges nothing: activate it in the connector's settings.",
    ),
)


def _last_contact(store: Store, connector: Connector) -> str | None:
    """When QBWC last reached this connector with a valid user: a poll or a real conversation."""
    moments = [connector.last_poll_at] if connector.last_poll_at else []
    for conversation in store.conversations.latest(connector.id):
        if conversation.status not in _AUTH_FAILURES:
            moments.append(conversation.ended_at or conversation.last_activity_at)
            break
    return max(moments) if moments else None


def watchdog_notice(
    connector: Connector, *, waiting_since: str, last_contact: str | None, hours: int, public_url: str
) -> Notice:
    """The alarm for one stuck connector, with the usual causes and their fixes."""
    body = Body().paragraph(
        f'Documents have been waiting for connector "{connector.name}" since {when(waiting_since)}, and '
        f"QuickBooks Web Connector has not called for more than {hours} hours (last contact: "
        f"{when(last_contact)}). Nothing reaches QuickBooks until it does."
    )
    causes = list(USUAL_CAUSES)
    if not connector.active:  # the likeliest cause first
        causes.insert(0, causes.pop())
    body.section("Usual causes", [Entry(cause, (("How to fix", fix),)) for cause, fix in causes])
    body.link("Open the connector in the admin page", connector_link(public_url, connector.id))
    body.paragraph(
        "You get this once per stuck period; the next will come only after the connector ran again."
    )
    return Notice(
        to=tuple(connector.notify_emails),
        subject=one_line(f"qbwc-bridge: {connector.name}: no conversation for more than {hours} hours"),
        text=body.text(),
        html=body.html(),
        tags={"kind": "watchdog"},
    )


def _check(store: Store, mailer: Mailer, settings: Settings, connector: Connector, now: datetime) -> bool:
    """Report ``connector`` if it is stuck in a period not reported yet; True when a notice was made."""
    # Work of kinds switched off waits on purpose; only what the connector would send counts.
    oldest = [
        t
        for kind in registry.enabled(connector)
        for t in store.transfers.pending(connector.id, kind.slug, limit=1)
    ]
    if not oldest or not connector.notify_emails:
        return False
    waiting_since = min(t.enqueued_at for t in oldest)
    last_contact = _last_contact(store, connector)
    stuck_since = max(waiting_since, last_contact or waiting_since)
    if now - parse_iso(stuck_since) < timedelta(hours=settings.watchdog_hours):
        return False
    if store.notices.watchdog_reported(connector.id) == stuck_since:
        return False  # this period was reported already
    notice = watchdog_notice(
        connector,
        waiting_since=waiting_since,
        last_contact=last_contact,
        hours=settings.watchdog_hours,
        public_url=settings.public_url,
    )
    deliver(store, mailer, notice, connector_id=connector.id, kind="watchdog", now=now, settings=settings)
    store.notices.set_watchdog_reported(connector.id, stuck_since=stuck_since, at=iso(now))
    return True


def run_watchdog(store: Store, mailer: Mailer, clock: Clock, settings: Settings) -> int:
    """Check every connector; returns how many stuck connectors were reported now."""
    now = clock.now()
    reported = 0
    for connector in store.connectors.list():
        try:
            reported += _check(store, mailer, settings, connector, now)
        except Exception:  # one connector's trouble must not hide the others
            log.exception("the watchdog could not check connector %s", connector.id)
    return reported
