"""The e-mail notice history: what was sent, what waits for a retry, what was folded into a digest.

Items live in the connector's partition, plus a small sparse index partition for the scheduled jobs:

| item                         | PK              | SK                            | GSI1PK       | GSI1SK                              |
|------------------------------|-----------------|-------------------------------|--------------|-------------------------------------|
| notice (sent / pending / ...) | CONNECTOR#<id> | NOTICE#<created_at>#<id>      | NOTICES_DUE  | RETRY#<next_attempt_at>#<id> (pending only) |
| last conversation notice     | CONNECTOR#<id>  | NOTICE_LAST                   |              |                                     |
| folded repeat of a problem   | CONNECTOR#<id>  | NOTICE_REPEAT#<fingerprint>   | NOTICES_DUE  | DIGEST#<connector id>#<fingerprint> |
| watchdog alarm               | CONNECTOR#<id>  | NOTICE_WATCHDOG               |              |                                     |

Access patterns:

- Notice history of a connector, newest first: query ``CONNECTOR#<id>`` / ``begins_with NOTICE#`` backwards.
- Storm check at the end of a conversation: get ``NOTICE_LAST`` (fingerprint and time of the last conversation
  notice); a repeat within the quiet period adds one to its ``NOTICE_REPEAT#<fingerprint>`` item instead.
- Pending notices due for a retry (all connectors): query GSI1 ``NOTICES_DUE`` with GSI1SK between ``RETRY#``
  and ``RETRY#<now>``. Only pending notices carry GSI1 keys, so the partition stays small.
- Folded repeats waiting for the daily digest (all connectors): query GSI1 ``NOTICES_DUE`` / ``begins_with
  DIGEST#``; a digest removes the repeats it reported.
- Watchdog: get ``NOTICE_WATCHDOG``, which remembers the stuck period already reported.

Notices carry ``ttl`` (epoch seconds, 90 days after creation) so DynamoDB drops old history; repeats and the
two head items are overwritten or deleted by the code and need none.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, Literal

from chalicelib.clock import epoch, parse_iso
from chalicelib.store.dynamodb import is_conditional_failure, plain, query_all

NOTICE_RETENTION = timedelta(days=90)
DUE_PARTITION = "NOTICES_DUE"

NoticeKind = Literal["conversation", "digest", "watchdog", "user_locked"]
NoticeState = Literal["sent", "pending", "given_up"]


def _partition(connector_id: str) -> str:
    return f"CONNECTOR#{connector_id}"


@dataclass
class NoticeRecord:
    """One e-mail the bridge sent or still tries to send (its full content, for retries)."""

    connector_id: str
    kind: NoticeKind
    created_at: str
    to: list[str]
    subject: str
    text: str
    html: str = ""
    status: NoticeState = "pending"
    attempts: int = 0
    next_attempt_at: str | None = None
    sent_at: str | None = None
    last_error: str | None = None
    fingerprint: str = ""
    id: str = field(default_factory=lambda: secrets.token_hex(8))

    @property
    def sort_key(self) -> str:
        return f"NOTICE#{self.created_at}#{self.id}"


@dataclass(frozen=True)
class LastNotice:
    """The last conversation notice of a connector: which problem, and when it went out."""

    fingerprint: str
    sent_at: str


@dataclass(frozen=True)
class Repeat:
    """A problem that came back while its notice was fresh: how often and when, for the digest."""

    connector_id: str
    fingerprint: str
    outcome: str
    summary: str
    count: int
    first_seen: str
    last_seen: str


class NoticeRepository:
    """Reads and writes the notice history (see the module docstring for keys and access patterns)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    # -- notices -----------------------------------------------------------------------------------------

    def save(self, record: NoticeRecord) -> None:
        """Create or replace a notice; only a pending one stays in the retry index."""
        item: dict[str, Any] = {
            "PK": _partition(record.connector_id),
            "SK": record.sort_key,
            "ttl": epoch(parse_iso(record.created_at) + NOTICE_RETENTION),
            **{k: v for k, v in asdict(record).items() if v is not None},
        }
        if record.status == "pending" and record.next_attempt_at:
            item["GSI1PK"] = DUE_PARTITION
            item["GSI1SK"] = f"RETRY#{record.next_attempt_at}#{record.id}"
        self._table.put_item(Item=item)

    def history(self, connector_id: str, *, limit: int = 50) -> list[NoticeRecord]:
        """The connector's notices, newest first."""
        page = self._table.query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": _partition(connector_id), ":prefix": "NOTICE#"},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [_record(plain(i)) for i in page.get("Items", [])]

    def due_for_retry(self, now: str) -> list[NoticeRecord]:
        """Pending notices of every connector whose next attempt is at or before ``now``, oldest first."""
        items = query_all(
            self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high",
            ExpressionAttributeValues={":pk": DUE_PARTITION, ":low": "RETRY#", ":high": f"RETRY#{now}~"},
        )
        return [_record(i) for i in items]

    # -- the storm check ---------------------------------------------------------------------------------

    def last_conversation_notice(self, connector_id: str) -> LastNotice | None:
        item = self._table.get_item(
            Key={"PK": _partition(connector_id), "SK": "NOTICE_LAST"}, ConsistentRead=True
        ).get("Item")
        return None if item is None else LastNotice(str(item["fingerprint"]), str(item["sent_at"]))

    def set_last_conversation_notice(self, connector_id: str, last: LastNotice) -> None:
        self._table.put_item(Item={"PK": _partition(connector_id), "SK": "NOTICE_LAST", **asdict(last)})

    def clear_last_conversation_notice(self, connector_id: str) -> None:
        """The problem is resolved (a clean conversation): its next occurrence is news again."""
        self._table.delete_item(Key={"PK": _partition(connector_id), "SK": "NOTICE_LAST"})

    def fold_repeat(
        self, connector_id: str, *, fingerprint: str, outcome: str, summary: str, at: str
    ) -> None:
        """Count one more occurrence of a problem whose notice went out recently."""
        self._table.update_item(
            Key={"PK": _partition(connector_id), "SK": f"NOTICE_REPEAT#{fingerprint}"},
            UpdateExpression=(
                "ADD #count :one SET first_seen = if_not_exists(first_seen, :at), last_seen = :at, "
                "outcome = :outcome, summary = :summary, connector_id = :connector, fingerprint = :fp, "
                "GSI1PK = :due, GSI1SK = :digest"
            ),
            ExpressionAttributeNames={"#count": "count"},
            ExpressionAttributeValues={
                ":one": 1,
                ":at": at,
                ":outcome": outcome,
                ":summary": summary,
                ":connector": connector_id,
                ":fp": fingerprint,
                ":due": DUE_PARTITION,
                ":digest": f"DIGEST#{connector_id}#{fingerprint}",
            },
        )

    def repeats_waiting(self) -> list[Repeat]:
        """Every folded repeat not yet reported in a digest, grouped by connector (index order)."""
        items = query_all(
            self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND begins_with(GSI1SK, :prefix)",
            ExpressionAttributeValues={":pk": DUE_PARTITION, ":prefix": "DIGEST#"},
        )
        return [
            Repeat(
                connector_id=str(i["connector_id"]),
                fingerprint=str(i["fingerprint"]),
                outcome=str(i["outcome"]),
                summary=str(i["summary"]),
                count=int(i["count"]),
                first_seen=str(i["first_seen"]),
                last_seen=str(i["last_seen"]),
            )
            for i in items
        ]

    def clear_repeat(self, repeat: Repeat) -> None:
        """Forget the occurrences a digest reported; any that arrived meanwhile wait for the next digest."""
        key = {"PK": _partition(repeat.connector_id), "SK": f"NOTICE_REPEAT#{repeat.fingerprint}"}
        try:
            self._table.delete_item(
                Key=key,
                ConditionExpression="#count = :seen",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={":seen": repeat.count},
            )
        except Exception as exc:
            if not is_conditional_failure(exc):
                raise
            self._table.update_item(
                Key=key,
                UpdateExpression="ADD #count :minus SET first_seen = last_seen",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={":minus": -repeat.count},
            )

    # -- the watchdog ------------------------------------------------------------------------------------

    def watchdog_reported(self, connector_id: str) -> str | None:
        """Since when the connector was stuck in the period last reported (None: never reported)."""
        item = self._table.get_item(
            Key={"PK": _partition(connector_id), "SK": "NOTICE_WATCHDOG"}, ConsistentRead=True
        ).get("Item")
        return None if item is None else str(item["stuck_since"])

    def set_watchdog_reported(self, connector_id: str, *, stuck_since: str, at: str) -> None:
        self._table.put_item(
            Item={
                "PK": _partition(connector_id),
                "SK": "NOTICE_WATCHDOG",
                "stuck_since": stuck_since,
                "reported_at": at,
            }
        )


_RECORD_FIELDS = frozenset(NoticeRecord.__dataclass_fields__)


def _record(item: dict[str, Any]) -> NoticeRecord:
    data = {k: v for k, v in item.items() if k in _RECORD_FIELDS}
    data["to"] = list(data.get("to", []))
    return NoticeRecord(**data)
