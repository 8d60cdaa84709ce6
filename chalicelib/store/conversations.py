"""The conversation log (Status (Last 10)) and conversation transcripts."""

from __future__ import annotations

import secrets
import zlib
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.conversation import Conversation, ConversationStatus
from chalicelib.errors import NotFound
from chalicelib.store.dynamodb import is_conditional_failure, plain, strip_keys

# Each transcript message (one exchange) is stored compressed and capped at 256 KB, half for what QBWC sent and
# half for our answer, so no item gets near DynamoDB's 400 KB limit.
TRANSCRIPT_MESSAGE_CAP_BYTES = 256 * 1024
_PART_CAP_BYTES = TRANSCRIPT_MESSAGE_CAP_BYTES // 2
TRANSCRIPT_RETENTION_SECONDS = 90 * 86400
_TRUNCATION_MARK = "\n[... truncated by qbwc-bridge: {omitted} characters omitted ...]"


MAX_ID_LENGTH = 100  # ids this API gives out are far shorter; longer ones are unknown without a read


def _conversation_key(conversation_id: str) -> dict[str, str]:
    return {"PK": f"CONVERSATION#{conversation_id}", "SK": "CONVERSATION"}


class ConversationRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    @staticmethod
    def _item(conversation: Conversation) -> dict[str, Any]:
        return {
            **_conversation_key(conversation.id),
            "GSI1PK": f"CONNECTOR#{conversation.connector_id}",
            "GSI1SK": f"CONV#{conversation.started_at}#{conversation.id}",
            **conversation.model_dump(exclude_none=True),
        }

    def put(self, conversation: Conversation) -> None:
        """Create or replace the conversation's log entry."""
        self._table.put_item(Item=self._item(conversation))

    def update_if_in_progress(self, conversation: Conversation) -> bool:
        """Replace the entry only while the stored one is still In Progress (the first ending stands)."""
        try:
            self._table.put_item(
                Item=self._item(conversation),
                ConditionExpression="#s = :in_progress",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":in_progress": ConversationStatus.IN_PROGRESS.value},
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                return False
            raise
        return True

    def find(self, conversation_id: str) -> Conversation | None:
        if not conversation_id or len(conversation_id) > MAX_ID_LENGTH:
            return None
        item = self._table.get_item(Key=_conversation_key(conversation_id), ConsistentRead=True).get("Item")
        return None if item is None else Conversation.model_validate(strip_keys(plain(item)))

    def get(self, conversation_id: str) -> Conversation:
        conversation = self.find(conversation_id)
        if conversation is None:
            raise NotFound(
                f"no conversation with id {conversation_id[:MAX_ID_LENGTH]!r}", code="conversation_not_found"
            )
        return conversation

    def latest(self, connector_id: str, limit: int = 10) -> list[Conversation]:
        """The connector's newest ``limit`` conversations, newest first (one query)."""
        page = self._table.query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND begins_with(GSI1SK, :prefix)",
            ExpressionAttributeValues={":pk": f"CONNECTOR#{connector_id}", ":prefix": "CONV#"},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [Conversation.model_validate(strip_keys(plain(i))) for i in page.get("Items", [])]


@dataclass(frozen=True)
class TranscriptMessage:
    """One callback: what QBWC sent and what we answered (already redacted)."""

    at: str  # ISO time with microseconds; also the sort key
    method: str
    request: str
    response: str


def _pack(text: str) -> bytes:
    packed = zlib.compress(text.encode("utf-8"), 6)
    if len(packed) <= _PART_CAP_BYTES:
        return packed
    # Compressed size is roughly proportional: shrink until it fits, keeping the start of the message.
    keep = len(text)
    while len(packed) > _PART_CAP_BYTES:
        keep = int(keep * _PART_CAP_BYTES / len(packed) * 0.9)
        clipped = text[:keep] + _TRUNCATION_MARK.format(omitted=len(text) - keep)
        packed = zlib.compress(clipped.encode("utf-8"), 6)
    return packed


def _unpack(data: Any) -> str:
    return zlib.decompress(plain(data)).decode("utf-8")


class TranscriptRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def append(self, conversation_id: str, message: TranscriptMessage, *, expires_at: int) -> None:
        """Store one exchange (compressed, capped). ``expires_at`` is when DynamoDB may drop it."""
        self._table.put_item(
            Item={
                "PK": f"CONVERSATION#{conversation_id}",
                # The random suffix keeps two messages stamped in the same microsecond from overwriting each other.
                "SK": f"MSG#{message.at}#{secrets.token_hex(4)}",
                "at": message.at,
                "method": message.method,
                "request": _pack(message.request),
                "response": _pack(message.response),
                "ttl": expires_at,
            }
        )

    def list(self, conversation_id: str) -> list[TranscriptMessage]:
        """The conversation's exchanges in order."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {":pk": f"CONVERSATION#{conversation_id}", ":prefix": "MSG#"},
        }
        while True:
            page = self._table.query(**kwargs)
            items.extend(page.get("Items", []))
            if not page.get("LastEvaluatedKey"):
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return [
            TranscriptMessage(
                at=str(i["at"]),
                method=str(i["method"]),
                request=_unpack(i["request"]),
                response=_unpack(i["response"]),
            )
            for i in items
        ]
