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

    def put_version(self, transfer_id: str, version: int, document: dict[str, Any], *, at: str) -> None: ...

    def get_version(self, transfer_id: str, version: int) -> dict[str, Any] | None: ...


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
    operations: tuple[str, ...] = ("add",),
    conversation_running: Callable[[str], bool],
) -> Enqueued:
    """Queue a document; the same ``source_id`` again returns the transfer it made the first time, never a
    second one: the same body changes nothing, a new body replaces a pending one, and a new body for a
    document QuickBooks has queues an update (when the kind supports ``update``)."""
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
    if existing.document == document:
        # A source retrying its POST changes nothing; reviving a failed transfer is the admin's requeue.
        return Enqueued(existing, created=False)
    if existing.status == "in_flight":
        raise Conflict(
            f"{kind} {source_id!r} is being handed to QuickBooks right now; send the new version when the "
            "conversation has ended",
            code="in_flight",
            details=[{"id": existing.id, "status": existing.status}],
        )
    if existing.status in ("transferred", "voided"):
        return Enqueued(
            _queue_update(store, existing, document, now, operations, conversation_running), False
        )
    if existing.operation == "void":
        raise Conflict(
            f"{kind} {source_id!r} is waiting to be voided in QuickBooks; cancel the void first to update it",
            code="void_pending",
        )
    _refuse_while_running(existing, conversation_running)
    previous_status, previous_updated = existing.status, existing.updated_at
    note = "replaced by a newer version from the source"
    if existing.in_quickbooks:
        # A pending update: the document stays where QuickBooks has it, whatever its routing says now.
        connector_id = existing.connector_id
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


def requeue(store: QueueStore, transfer_id_: str, *, now: str, force: bool = False) -> Transfer:
    """A failed or needs-attention transfer goes back to the queue with its attempts reset; ``force`` lets
    its update overwrite what a person changed in QuickBooks. A document deleted in QuickBooks is sent again
    (added anew) only this way."""
    transfer = store.get(transfer_id_)
    previous_status, previous_updated = transfer.status, transfer.updated_at
    if transfer.deleted_in_quickbooks_at and transfer.status in ("transferred", "failed", "needs_attention"):
        # Deleted in QuickBooks (an update of it failed for that, or nothing was pending): added anew.
        _forget_quickbooks(transfer)
        transfer.record("queued", now, note="deleted in QuickBooks; requeued by an admin to be added again")
        _replace(store, transfer, previous_status, previous_updated)
        return transfer
    if transfer.status not in ("failed", "needs_attention"):
        raise Conflict(
            f"only failed or needs_attention transfers (or one deleted in QuickBooks) can be requeued; this one "
            f"is {transfer.status}",
            code="cannot_requeue",
        )
    transfer.attempts = 0
    transfer.force = force
    note = "requeued by an admin" + ("; it overwrites what was changed in QuickBooks" if force else "")
    transfer.record("queued", now, note=note)
    _replace(store, transfer, previous_status, previous_updated)
    return transfer


def cancel(
    store: QueueStore, transfer_id_: str, *, now: str, conversation_running: Callable[[str], bool]
) -> Transfer:
    """Take a transfer out of the queue while it is not (and may not be) in QuickBooks."""
    transfer = store.get(transfer_id_)
    if transfer.status == "cancelled":
        return transfer
    if transfer.status in ("in_flight", "transferred", "voided"):
        raise Conflict(
            f"the transfer is {transfer.status}: it is (or may already be) in QuickBooks"
            + ("; void it instead" if transfer.status == "transferred" else ""),
            code=transfer.status if transfer.status == "in_flight" else "already_transferred",
        )
    _refuse_while_running(transfer, conversation_running)
    previous_status, previous_updated = transfer.status, transfer.updated_at
    if transfer.operation != "add":
        # A pending update or void: QuickBooks keeps what it has, the transfer shows it again.
        what = transfer.operation
        _restore_applied(store, transfer)
        transfer.record(
            "transferred",
            now,
            note=f"the pending {what} was cancelled; QuickBooks keeps version {transfer.version}",
        )
    else:
        transfer.record("cancelled", now, note="cancelled")
    _replace(store, transfer, previous_status, previous_updated)
    return transfer


def void(
    store: QueueStore,
    transfer_id_: str,
    *,
    now: str,
    operations: tuple[str, ...],
    conversation_running: Callable[[str], bool],
) -> Transfer:
    """Queue the void (or delete) in QuickBooks of a document it has; a pending update is dropped."""
    transfer = store.get(transfer_id_)
    if transfer.status == "voided" or (transfer.operation == "void" and transfer.status == "queued"):
        return transfer
    if "void" not in operations:
        raise Conflict(f"{transfer.kind} cannot be voided by the bridge", code="void_not_supported")
    if transfer.status == "in_flight":
        raise Conflict(
            "the transfer is being handed to QuickBooks right now; void it when the conversation has ended",
            code="in_flight",
        )
    if not transfer.in_quickbooks:
        raise Conflict(
            f"the transfer is not in QuickBooks ({transfer.status}); cancel it instead",
            code="not_in_quickbooks",
        )
    _refuse_while_running(transfer, conversation_running)
    previous_status, previous_updated = transfer.status, transfer.updated_at
    note = "void requested"
    if transfer.operation == "update" and transfer.status != "transferred":
        _restore_applied(store, transfer)
        note += f"; the pending update was dropped (QuickBooks has version {transfer.version})"
    transfer.operation = "void"
    transfer.attempts = 0
    transfer.error = None
    transfer.record("queued", now, note=note)
    _replace(store, transfer, previous_status, previous_updated)
    return transfer


def _queue_update(
    store: QueueStore,
    transfer: Transfer,
    document: dict[str, Any],
    now: str,
    operations: tuple[str, ...],
    conversation_running: Callable[[str], bool],
) -> Transfer:
    """A new body for a document QuickBooks has (or had): an update, when the kind and the document allow."""
    if transfer.status == "voided":
        raise Conflict(
            "the document is voided in QuickBooks; send the new version under a new source_id",
            code="voided",
        )
    if transfer.deleted_in_quickbooks_at:
        raise Conflict(
            "the document was deleted in QuickBooks; an admin can requeue it to add it again",
            code="deleted_in_quickbooks",
        )
    if "update" not in operations or not transfer.in_quickbooks:
        raise Conflict(
            f"{transfer.kind} {transfer.source_id!r} is in QuickBooks and cannot be updated; void it and send "
            "the new version under a new source_id",
            code="already_transferred",
            details=[{"id": transfer.id, "status": transfer.status}],
        )
    _refuse_while_running(transfer, conversation_running)
    previous_status, previous_updated = transfer.status, transfer.updated_at
    store.put_version(transfer.id, transfer.version, transfer.document, at=now)
    transfer.document = document
    transfer.version += 1
    transfer.operation = "update"
    transfer.attempts = 0
    transfer.error = None
    transfer.record("queued", now, note=f"version {transfer.version} from the source: an update is queued")
    _replace(store, transfer, previous_status, previous_updated)
    return transfer


def _restore_applied(store: QueueStore, transfer: Transfer) -> None:
    """Back to the version QuickBooks has: its body (kept as a version item) and number."""
    applied = transfer.version_in_quickbooks or transfer.version
    if applied != transfer.version:
        document = store.get_version(transfer.id, applied)
        if document is not None:
            transfer.document = document
        transfer.version = applied
    transfer.operation = "add" if applied == 1 else "update"
    transfer.attempts = 0
    transfer.error = None
    transfer.force = False


def _forget_quickbooks(transfer: Transfer) -> None:
    """A document deleted in QuickBooks, to be added anew: nothing of the old transaction is kept."""
    transfer.qb_txn_id = None
    transfer.qb_parts = {}
    transfer.qb_edit_sequence = transfer.qb_fingerprint = None
    transfer.qb_line_ids = {}
    transfer.in_quickbooks = False
    transfer.version_in_quickbooks = None
    transfer.operation = "add"
    transfer.attempts = 0
    transfer.error = None
    transfer.deleted_in_quickbooks_at = None


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
