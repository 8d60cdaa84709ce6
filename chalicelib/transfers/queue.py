"""The queue rules: enqueue (idempotent per source id), requeue and cancel (product.md, Decisions: Transfers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.domain.transfer import Transfer, external_guid, transfer_id
from chalicelib.errors import ConcurrentUpdate, Conflict


class QueueStore(Protocol):
    def create(self, transfer: Transfer) -> bool: ...

    def get(self, transfer_id: str) -> Transfer: ...

    def replace(self, transfer: Transfer, *, expected_status: str, expected_updated_at: str) -> None: ...


@dataclass(frozen=True)
class Enqueued:
    transfer: Transfer
    created: bool  # False: the same source document was enqueued before (200 instead of 202)


REPLACEABLE = frozenset({"queued", "failed", "needs_attention", "cancelled"})


def enqueue(
    store: QueueStore,
    *,
    kind: str,
    source_id: str,
    connector_id: str,
    organization_id: str | None,
    document: dict[str, Any],
    now: str,
    followed: bool = False,
    conversation_running: Callable[[str], bool],
) -> Enqueued:
    """Queue a document; the same ``source_id`` again returns (or, while not yet in QuickBooks, updates) the
    transfer it made the first time, never a second one."""
    new_id = transfer_id(kind, source_id)
    transfer = Transfer(
        id=new_id,
        kind=kind,
        source_id=source_id,
        connector_id=connector_id,
        organization_id=organization_id,
        document=document,
        enqueued_at=now,
        updated_at=now,
        external_guid=external_guid(new_id),
        followed=followed,
    )
    transfer.record("queued", now, note="enqueued")
    if store.create(transfer):  # the usual case: one conditional write
        return Enqueued(transfer, created=True)
    existing = store.get(new_id)
    if existing.status in ("in_flight", "transferred"):
        raise Conflict(
            f"{kind} {source_id!r} was already handed to QuickBooks ({existing.status}); it cannot be changed here",
            code="already_transferred",
            details=[{"id": existing.id, "status": existing.status}],
        )
    if existing.document == document:
        # A source retrying its POST changes nothing; reviving a failed transfer is the admin's requeue.
        return Enqueued(existing, created=False)
    _refuse_while_running(existing, conversation_running)
    previous_status, previous_updated = existing.status, existing.updated_at
    note = "replaced by a newer version from the source"
    if existing.connector_id != connector_id:
        # The new body routes elsewhere (another organization, or the organization was re-mapped): the
        # document goes where its current routing says; nothing of it is in QuickBooks yet (see above).
        note += f"; re-routed from connector {existing.connector_id} to {connector_id}"
    existing.connector_id = connector_id
    existing.organization_id = organization_id
    existing.document = document
    existing.attempts = 0
    existing.error = None
    existing.record("queued", now, note=note)
    try:
        store.replace(existing, expected_status=previous_status, expected_updated_at=previous_updated)
    except ConcurrentUpdate as exc:
        raise Conflict(
            "the transfer changed while it was being replaced; send it again", code="concurrent_update"
        ) from exc
    return Enqueued(existing, created=False)


def requeue(store: QueueStore, transfer_id_: str, *, now: str) -> Transfer:
    """A failed or needs-attention transfer goes back to the queue with its attempts reset."""
    transfer = store.get(transfer_id_)
    if transfer.status not in ("failed", "needs_attention"):
        raise Conflict(
            f"only failed or needs_attention transfers can be requeued; this one is {transfer.status}",
            code="cannot_requeue",
        )
    previous_status, previous_updated = transfer.status, transfer.updated_at
    transfer.attempts = 0
    transfer.record("queued", now, note="requeued by an admin")
    _replace(store, transfer, previous_status, previous_updated)
    return transfer


def cancel(
    store: QueueStore, transfer_id_: str, *, now: str, conversation_running: Callable[[str], bool]
) -> Transfer:
    """Take a transfer out of the queue while it is not (and may not be) in QuickBooks."""
    transfer = store.get(transfer_id_)
    if transfer.status == "cancelled":
        return transfer
    if transfer.status in ("in_flight", "transferred"):
        raise Conflict(
            f"the transfer is {transfer.status}: it is (or may already be) in QuickBooks",
            code=transfer.status if transfer.status == "in_flight" else "already_transferred",
        )
    _refuse_while_running(transfer, conversation_running)
    previous_status, previous_updated = transfer.status, transfer.updated_at
    transfer.record("cancelled", now, note="cancelled")
    _replace(store, transfer, previous_status, previous_updated)
    return transfer


def _replace(store: QueueStore, transfer: Transfer, status: str, updated_at: str) -> None:
    try:
        store.replace(transfer, expected_status=status, expected_updated_at=updated_at)
    except ConcurrentUpdate as exc:
        raise Conflict(
            "the transfer changed meanwhile (a conversation may be sending it); try again",
            code="concurrent_update",
        ) from exc


def _refuse_while_running(transfer: Transfer, conversation_running: Callable[[str], bool]) -> None:
    # A running conversation may already have this document in the message it is building; changing it now
    # could not stop that. The source or the admin tries again when the conversation is over (minutes).
    if conversation_running(transfer.connector_id):
        raise Conflict(
            "a conversation with QuickBooks is running on this transfer's connector; try again when it has ended",
            code="conversation_running",
        )
