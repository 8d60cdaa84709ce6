"""What a QuickBooks answer means for a transfer: transferred, retried later, failed, or needs attention."""

from __future__ import annotations

from chalicelib.domain.transfer import MAX_ATTEMPTS, Transfer, TransferError, TransferStatus
from chalicelib.qbxml.catalogue import explain_status


def mark_transferred(
    transfer: Transfer,
    *,
    txn_id: str,
    ref_number: str | None,
    time_created: str | None,
    at: str,
    ticket: str,
    note: str = "",
) -> None:
    transfer.qb_txn_id = txn_id
    transfer.qb_ref_number = ref_number
    transfer.qb_time_created = time_created
    transfer.error = None
    transfer.in_flight_ticket = None
    transfer.record("transferred", at, ticket=ticket, note=note or f"QuickBooks TxnID {txn_id}")


def mark_failed(
    transfer: Transfer, error: TransferError, *, at: str, ticket: str, counted: bool = True
) -> None:
    """A failed attempt; the third counted one takes the transfer out of the queue until it is requeued."""
    if counted:
        transfer.attempts += 1
    transfer.error = error
    transfer.in_flight_ticket = None
    status: TransferStatus = "needs_attention" if transfer.attempts >= MAX_ATTEMPTS else "failed"
    transfer.record(status, at, ticket=ticket, note=f"{error.code}: {error.message}")


def requeue_quietly(transfer: Transfer, *, at: str, ticket: str, note: str) -> None:
    """Back to the queue without counting an attempt (retryable codes, lost answers)."""
    transfer.in_flight_ticket = None
    transfer.record("queued", at, ticket=ticket, note=note)


def error_from_status(status_code: int, status_message: str) -> TransferError:
    """The catalogue's words for a QuickBooks statusCode."""
    entry = explain_status(status_code, status_message)
    return TransferError(
        code=entry.code,
        message=status_message or entry.title,
        explanation=entry.explanation,
        fix=entry.fix,
        status_code=status_code,
    )
