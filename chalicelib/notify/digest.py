"""The daily digest: one e-mail per connector listing the problems that came back while their notice was fresh.

A repeat is folded (counted, not sent) by ``conversation_notices``; the daily scheduled job calls ``send_digests``,
which reports each connector's folded repeats with their counts and first/last times, then forgets them.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from chalicelib.clock import Clock
from chalicelib.errors import NotFound
from chalicelib.notify.delivery import deliver
from chalicelib.notify.layout import Body, Entry, connector_link, one_line, when
from chalicelib.notify.mailer import Mailer, Notice
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.store.notices import Repeat

log = logging.getLogger(__name__)


def digest_notice(
    connector_name: str, connector_id: str, to: list[str], repeats: list[Repeat], *, public_url: str
) -> Notice:
    """The digest of one connector's repeated problems."""
    total = sum(r.count for r in repeats)
    body = Body().paragraph(
        f'These problems of connector "{connector_name}" came back {total} more time(s) after their notice '
        "was sent. Each was reported once when it first happened; the original notice says why and how to fix it."
    )
    body.section(
        "Repeated problems",
        [
            Entry(
                repeat.summary,
                (
                    ("Outcome", repeat.outcome),
                    ("Repeats", str(repeat.count)),
                    ("First repeat", when(repeat.first_seen)),
                    ("Last repeat", when(repeat.last_seen)),
                ),
            )
            for repeat in sorted(repeats, key=lambda r: r.first_seen)
        ],
    )
    body.link("Open the connector in the admin page", connector_link(public_url, connector_id))
    return Notice(
        to=tuple(to),
        subject=one_line(f"qbwc-bridge: {connector_name}: daily digest, {total} repeated problem(s)"),
        text=body.text(),
        html=body.html(),
        tags={"kind": "digest"},
    )


def send_digests(store: Store, mailer: Mailer, clock: Clock, settings: Settings) -> int:
    """One digest per connector with folded repeats; returns how many digests were sent or left pending."""
    now = clock.now()
    by_connector: dict[str, list[Repeat]] = defaultdict(list)
    for repeat in store.notices.repeats_waiting():
        by_connector[repeat.connector_id].append(repeat)
    delivered = 0
    for connector_id, repeats in by_connector.items():
        try:
            connector = store.connectors.get(connector_id)
        except NotFound:
            log.warning("folded repeats of an unknown connector %s are dropped", connector_id)
            connector = None
        if connector is not None and connector.notify_emails:
            notice = digest_notice(
                connector.name, connector.id, connector.notify_emails, repeats, public_url=settings.public_url
            )
            # Sent or pending (the hourly job retries it): either way these repeats are reported.
            deliver(
                store, mailer, notice, connector_id=connector_id, kind="digest", now=now, settings=settings
            )
            delivered += 1
        for repeat in repeats:
            store.notices.clear_repeat(repeat)
    return delivered
