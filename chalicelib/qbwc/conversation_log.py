"""Writing the conversation log: new conversations, folded authentication failures, endings."""

from __future__ import annotations

from chalicelib.conversation.engine import ConversationState
from chalicelib.domain.conversation import (
    AUTH_FAILURE_STATUSES,
    Conversation,
    ConversationStatus,
    Issue,
    TransferCounts,
    TransferIssue,
    finished_status,
    new_conversation_id,
)
from chalicelib.store import Store
from chalicelib.transfers import registry


def record_auth_failure(
    store: Store, *, connector_id: str, username: str, status: ConversationStatus, now: str
) -> tuple[str, bool]:
    """Log an authentication failure; returns (id of the entry, whether it folded into an existing one).

    If this user's newest entry among the Last 10 is the same failure, the attempt folds into it (a count and
    the time of the last attempt), so QBWCs retrying stale passwords cannot push real conversations out.
    """
    mine = [c for c in store.conversations.latest(connector_id) if c.user == username]
    if mine and mine[0].status == status.value and status in AUTH_FAILURE_STATUSES:
        entry = mine[0]
        entry.attempts += 1
        entry.last_attempt_at = now
        entry.ended_at = now
        store.conversations.put(entry)
        return entry.id, True
    conversation_id = new_conversation_id()
    store.conversations.put(
        Conversation(
            id=conversation_id,
            connector_id=connector_id,
            user=username,
            started_at=now,
            ended_at=now,
            last_activity_at=now,
            last_attempt_at=now,
            status=status.value,
            message=_AUTH_MESSAGES[status],
        )
    )
    return conversation_id, False


MAX_MESSAGE_LINES = 50

_AUTH_MESSAGES = {
    ConversationStatus.PASSWORD_INCORRECT: "QuickBooks Web Connector signed in with a wrong password. If the "
    "password was changed, enter the new one in QBWC (right-click the application > password).",
    ConversationStatus.USER_LOCKED: "The QBWC user is locked after 5 wrong passwords in a row. An admin can "
    "unlock it (and set a new password) on the connector's users page.",
    ConversationStatus.CONNECTOR_INACTIVE: "The connector is inactive, so nothing is exchanged. An admin can "
    "activate it in the connector's settings.",
}


def finish(conversation: Conversation, state: ConversationState, *, now: str) -> Conversation:
    """Close ``conversation`` with its final status and message from the conversation's ``state``."""
    error_kinds = {e["kind"] for e in state.errors} | {
        k for k, tally in state.counts.items() if tally.get("failed")
    }
    unsuccessful = state.unsuccessful
    if unsuccessful is None and state.progress < 100 and not state.finished:
        unsuccessful = ended_early_message(state)
    conversation.status = finished_status(
        unsuccessful=unsuccessful is not None,
        error_kinds=error_kinds,
        has_configuration_issues=bool(state.configuration_issues),
        labels=registry.labels(),
    )
    lines: list[str] = []
    if unsuccessful:
        lines.append(unsuccessful)
    lines += [f"Configuration issue: {i['message']} Fix: {i['fix']}" for i in state.configuration_issues]
    errors = [TransferIssue.model_validate(e) for e in state.errors]
    labels = registry.labels()
    lines += [f"{labels.get(e.kind, e.kind)}: {e.line()} Fix: {e.fix}" for e in errors]
    if state.errors_omitted:
        lines.append(f"... and {state.errors_omitted} more failed transfers (each shows its error and fix).")
    if len(lines) > MAX_MESSAGE_LINES:  # the record must stay far below DynamoDB's 400 KB item limit
        lines = [*lines[:MAX_MESSAGE_LINES], f"... and {len(lines) - MAX_MESSAGE_LINES} more."]
    conversation.message = "\n".join(lines)
    conversation.configuration_issues = [Issue.model_validate(i) for i in state.configuration_issues]
    conversation.errors = errors
    conversation.progress = state.progress
    conversation.counts = {kind: TransferCounts.model_validate(tally) for kind, tally in state.counts.items()}
    conversation.ended_at = now
    conversation.last_activity_at = now
    return conversation


def ended_early_message(state: ConversationState) -> str:
    """Why a conversation that ended before 100 % is unsuccessful: what the bridge saw last, causes, fix."""
    seen = f" The last thing the bridge saw was {state.last_seen}." if state.last_seen else ""
    return (
        f"The session ended before all work was done (at {state.progress}%).{seen} Usual causes: QuickBooks "
        "Web Connector was closed or the update was cancelled, the PC went to sleep, or the network connection "
        "dropped. Fix: keep the PC awake and QBWC running while it updates; the next update sends the remaining "
        "work (documents whose answer was lost are checked in QuickBooks first, never sent twice)."
    )


def started(conversation_id: str, *, connector_id: str, username: str, now: str) -> Conversation:
    """A new conversation entry, In Progress."""
    return Conversation(
        id=conversation_id, connector_id=connector_id, user=username, started_at=now, last_activity_at=now
    )
