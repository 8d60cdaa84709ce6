"""What a QuickBooks answer means for a transfer: transferred, retried later, failed, or needs attention."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from chalicelib.domain.transfer import MAX_ATTEMPTS, Transfer, TransferError, TransferStatus
from chalicelib.domain.xml_text import describe_char, find_xml_incompatible
from chalicelib.qbxml.catalogue import explain_status


def mark_transferred(
    transfer: Transfer,
    *,
    txn_id: str,
    ref_number: str | None,
    time_created: str | None,
    at: str,
    conversation: str,
    note: str = "",
) -> None:
    transfer.qb_txn_id = txn_id
    transfer.qb_ref_number = ref_number
    transfer.qb_time_created = time_created
    transfer.error = None
    transfer.in_flight_conversation = None
    # "Nothing sent" (nothing of it was for QuickBooks) leaves nothing there to update or void.
    transfer.in_quickbooks = bool(txn_id) or any(transfer.qb_parts.values())
    transfer.version_in_quickbooks = transfer.version
    transfer.record("transferred", at, conversation=conversation, note=note or f"QuickBooks TxnID {txn_id}")


def mark_failed(
    transfer: Transfer, error: TransferError, *, at: str, conversation: str, counted: bool = True
) -> None:
    """A failed attempt; the third counted one takes the transfer out of the queue until it is requeued."""
    if counted:
        transfer.attempts += 1
    transfer.error = error
    transfer.in_flight_conversation = None
    status: TransferStatus = "needs_attention" if transfer.attempts >= MAX_ATTEMPTS else "failed"
    transfer.record(status, at, conversation=conversation, note=f"{error.code}: {error.message}")


def requeue_quietly(transfer: Transfer, *, at: str, conversation: str, note: str) -> None:
    """Back to the queue without counting an attempt (retryable codes, lost answers)."""
    transfer.in_flight_conversation = None
    transfer.record("queued", at, conversation=conversation, note=note)


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


def unrenderable_text_error(document: dict[str, Any]) -> TransferError | None:
    """The error of a stored document holding text XML 1.0 cannot carry (stored before the edge refused it).

    Such a document fails alone, before anything is built; the rest of the conversation goes on.
    """
    found = find_xml_incompatible(document)
    if found is None:
        return None
    field, char = found
    return TransferError(
        code="unrenderable_text",
        message=f"{field} holds the character {describe_char(char)}, which QuickBooks' XML cannot carry",
        explanation="QuickBooks exchanges documents as XML 1.0, which has no way to carry control characters "
        "other than tab and line breaks, so this document could never be sent as it is.",
        fix=f"Remove the character from {field} in the source application and send the document again "
        "(a new version replaces this one).",
    )


def invalid_document_error(exc: ValidationError) -> TransferError:
    """The error of a stored document its kind's checks now refuse (stored by a version that checked less, or
    changed in the table): it fails alone, like one the API would refuse today."""
    problems = exc.errors()
    first = problems[0] if problems else {"loc": (), "msg": str(exc)}
    field = ".".join(str(part) for part in first["loc"]) or "(body)"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return TransferError(
        code="document_invalid",
        message=f"{field}: {first['msg']}{more}",
        explanation="The stored document does not pass the checks its kind makes today, so it could not be "
        "sent as it is.",
        fix=f"Correct {field} in the source application and send the document again (a new version replaces "
        "this one).",
    )
