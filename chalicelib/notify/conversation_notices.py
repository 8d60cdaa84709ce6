"""The notice at the end of a conversation that needs a person, and the rule that keeps it from storming.

A conversation that ends ``Unsuccessful``, ``Finished, but with errors`` or ``Success, but there are
configuration issues`` sends one e-mail to the connector's ``notify_emails``: what failed (per document: kind,
number, organization, QuickBooks' status code and message), why, and how to fix it. A clean ``Success`` sends
nothing and marks the last problem resolved; authentication failures have their own lock notice.

No storms: the fingerprint of a notice is its outcome plus the set of problem lines. When a conversation ends
with the fingerprint of the connector's last notice, sent less than ``NOTICE_QUIET_HOURS`` ago, nothing is sent
at once; the repeat is counted and reported in the daily digest.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from chalicelib.clock import iso, parse_iso
from chalicelib.domain.connector import Connector
from chalicelib.domain.conversation import (
    AUTH_FAILURE_STATUSES,
    Conversation,
    ConversationStatus,
    TransferIssue,
)
from chalicelib.domain.transfer import Transfer
from chalicelib.notify.delivery import deliver
from chalicelib.notify.layout import Body, Entry, connector_link, one_line, when
from chalicelib.notify.mailer import Mailer, Notice
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.store.notices import LastNotice
from chalicelib.transfers import registry

log = logging.getLogger(__name__)

_FIX = " Fix: "


def needs_notice(status: str) -> bool:
    """Whether a conversation that ended with ``status`` is worth an e-mail."""
    quiet = {ConversationStatus.SUCCESS.value, ConversationStatus.IN_PROGRESS.value}
    return status not in quiet and status not in {s.value for s in AUTH_FAILURE_STATUSES}


def problem_fingerprint(conversation: Conversation) -> str:
    """The outcome and the set of problems, as a short hash: equal for a repeat of the same problem."""
    lines = sorted({line.strip() for line in conversation.message.splitlines() if line.strip()})
    digest = hashlib.sha256("\n".join([conversation.status, *lines]).encode("utf-8")).hexdigest()
    return digest[:32]


def failed_documents(store: Store, conversation: Conversation) -> dict[str, Transfer]:
    """The transfers named by the conversation's errors, by id (one batch read; missing ones left out)."""
    ids = [error.transfer_id for error in conversation.errors if error.transfer_id]
    if not ids:
        return {}
    found = store.transfers.get_many(ids).values()
    return {t.id: t for t in found if t.connector_id == conversation.connector_id}


def _split_fix(text: str) -> tuple[str, str]:
    """``"what happened Fix: what to do"`` -> (what happened, what to do)."""
    head, _, fix = text.rpartition(_FIX)
    return (head, fix) if head else (text, "")


def _document_entry(error: TransferIssue, transfer: Transfer | None) -> Entry:
    """One failed document: which one, what QuickBooks said, why and how to fix it."""
    if transfer is None:
        return Entry(
            error.line() if error.source_id else error.message,
            (("How to fix", error.fix),) if error.fix else (),
        )
    kind = registry.labels().get(transfer.kind, transfer.kind)
    organization = (transfer.document.get("organization") or {}).get("name")
    title = f"{kind} {error.number or transfer.source_id}" + (f" for {organization}" if organization else "")
    problem = transfer.error
    lines: list[tuple[str, str]] = []
    if problem is not None and problem.status_code is not None:
        lines.append(("QuickBooks status code", str(problem.status_code)))
    if problem is not None and problem.message:
        lines.append(("QuickBooks said" if problem.status_code is not None else "Error", problem.message))
    lines.append(("Why", (problem.explanation if problem else "") or error.message))
    fix = (problem.fix if problem else "") or error.fix
    if fix:
        lines.append(("How to fix", fix))
    if transfer.status == "needs_attention":
        lines.append(("Note", "failed 3 times: it waits until it is requeued in the admin page"))
    return Entry(title, tuple(lines))


def _counts_line(conversation: Conversation) -> str:
    parts = []
    for kind, label in registry.labels().items():
        tally = conversation.counts.get(kind)
        if tally and (tally.sent or tally.failed):
            parts.append(f"{label}: {tally.sent} sent, {tally.ok} transferred, {tally.failed} failed")
    return "; ".join(parts)


def conversation_notice(
    conversation: Conversation,
    connector: Connector,
    documents: dict[str, Transfer],
    *,
    public_url: str,
    quiet_hours: int,
) -> Notice:
    """The e-mail about one ended conversation (never a password, token or ticket)."""
    body = Body().paragraph(
        f'The QuickBooks Web Connector conversation of connector "{connector.name}" (QBWC user '
        f"{conversation.user}, started {when(conversation.started_at)}, ended {when(conversation.ended_at)}) "
        f"ended: {conversation.status}."
    )
    counts = _counts_line(conversation)
    if counts:
        body.paragraph(f"Documents: {counts}.")
    if conversation.status == ConversationStatus.UNSUCCESSFUL.value and conversation.message:
        what, fix = _split_fix(conversation.message.splitlines()[0])
        lines = (("How to fix", fix),) if fix else ()
        body.section("What went wrong", [Entry(what, lines)])
    entries = []
    for error in conversation.errors:
        entries.append(_document_entry(error, documents.get(error.transfer_id)))
    omitted = [line for line in conversation.message.splitlines() if line.startswith("... and ")]
    entries += [Entry(line) for line in omitted]
    body.section("Documents that failed", entries)
    body.section(
        "Configuration issues",
        [
            Entry(issue.message, (("How to fix", issue.fix),) if issue.fix else ())
            for issue in conversation.configuration_issues
        ],
    )
    body.link("Open the connector in the admin page", connector_link(public_url, connector.id))
    body.paragraph(
        f"You get this because your address is among the connector's notification recipients. If the same "
        f"problem comes back within {quiet_hours} hours, it is reported once a day in a digest instead."
    )
    return Notice(
        to=tuple(connector.notify_emails),
        subject=one_line(f"qbwc-bridge: {connector.name}: {conversation.status}"),
        text=body.text(),
        html=body.html(),
        tags={"kind": "conversation"},
    )


def _summary(conversation: Conversation) -> str:
    """The first problem line, for the digest."""
    first = next((line for line in conversation.message.splitlines() if line.strip()), conversation.status)
    return one_line(first, 300)


def notify_conversation_end(
    store: Store, mailer: Mailer, settings: Settings, now: datetime, conversation: Conversation
) -> None:
    """Send, fold or skip the notice for a stored, ended conversation. Never raises: logs instead."""
    try:
        _notify(store, mailer, settings, now, conversation)
    except Exception:
        log.exception("the notice for a conversation of connector %s failed", conversation.connector_id)


def _notify(
    store: Store, mailer: Mailer, settings: Settings, now: datetime, conversation: Conversation
) -> None:
    connector_id = conversation.connector_id
    if conversation.status == ConversationStatus.SUCCESS.value:
        store.notices.clear_last_conversation_notice(connector_id)
        return
    if not needs_notice(conversation.status):
        return
    connector = store.connectors.get(connector_id)
    if not connector.notify_emails:
        return
    fingerprint = problem_fingerprint(conversation)
    last = store.notices.last_conversation_notice(connector_id)
    quiet = timedelta(hours=settings.notice_quiet_hours)
    if last is not None and last.fingerprint == fingerprint and now - parse_iso(last.sent_at) < quiet:
        store.notices.fold_repeat(
            connector_id,
            fingerprint=fingerprint,
            outcome=conversation.status,
            summary=_summary(conversation),
            at=iso(now),
        )
        return
    notice = conversation_notice(
        conversation,
        connector,
        failed_documents(store, conversation),
        public_url=settings.public_url,
        quiet_hours=settings.notice_quiet_hours,
    )
    deliver(
        store,
        mailer,
        notice,
        connector_id=connector_id,
        kind="conversation",
        now=now,
        settings=settings,
        fingerprint=fingerprint,
    )
    store.notices.set_last_conversation_notice(connector_id, LastNotice(fingerprint, iso(now)))
