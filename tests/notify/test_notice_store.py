"""The notice history in DynamoDB (moto), the escaping of both parts, and a notifier that never raises."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from chalicelib.domain.connector import Connector
from chalicelib.domain.conversation import Conversation, Issue
from chalicelib.notify.conversation_notices import conversation_notice, notify_conversation_end
from chalicelib.notify.delivery import deliver
from chalicelib.notify.mailer import Notice, OutboxMailer
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.store.notices import NoticeRecord

T0 = "2026-11-20T09:00:00.000000Z"
T1 = "2026-11-20T10:00:00.000000Z"


def _record(status: str, next_attempt_at: str | None) -> NoticeRecord:
    return NoticeRecord(
        connector_id="c1",
        kind="conversation",
        created_at=T0,
        to=["a@example.com"],
        subject="s",
        text="t",
        status=status,  # type: ignore[arg-type]
        next_attempt_at=next_attempt_at,
    )


def test_only_due_pending_notices_are_offered_for_a_retry(store: Store, table: Any) -> None:
    due, later, sent = _record("pending", T0), _record("pending", T1), _record("sent", None)
    for record in (due, later, sent):
        store.notices.save(record)

    assert [r.id for r in store.notices.due_for_retry("2026-11-20T09:30:00.000000Z")] == [due.id]
    due.status, due.next_attempt_at = "sent", None
    store.notices.save(due)
    assert store.notices.due_for_retry("2026-11-20T09:30:00.000000Z") == []
    assert {r.id for r in store.notices.history("c1")} == {due.id, later.id, sent.id}
    [item] = [i for i in table.scan()["Items"] if i.get("id") == due.id]
    assert item["ttl"] > 0 and item["PK"] == "CONNECTOR#c1" and "GSI1PK" not in item


def test_repeats_fold_and_a_digest_keeps_what_arrived_meanwhile(store: Store) -> None:
    for at in (T0, T1):
        store.notices.fold_repeat("c1", fingerprint="f", outcome="o", summary="s", at=at)
    [repeat] = store.notices.repeats_waiting()
    assert (repeat.count, repeat.first_seen, repeat.last_seen) == (2, T0, T1)

    store.notices.fold_repeat("c1", fingerprint="f", outcome="o", summary="s", at=T1)  # during the digest
    store.notices.clear_repeat(repeat)

    [left] = store.notices.repeats_waiting()
    assert left.count == 1
    store.notices.clear_repeat(left)
    assert store.notices.repeats_waiting() == []


def _conversation(**fields: Any) -> Conversation:
    return Conversation(
        id="cv_" + "0" * 24,
        connector_id="c1",
        user="office-pc",
        started_at=T0,
        ended_at=T1,
        last_activity_at=T1,
        status="Success, but there are configuration issues that need attention",
        **fields,
    )


def _connector(name: str) -> Connector:
    return Connector(
        id="c1",
        name=name,
        is_default=True,
        created_at=T0,
        updated_at=T0,
        file_id="{X}",
        notify_emails=["a@example.com"],
    )


def test_every_value_is_html_escaped_and_the_subject_is_one_line() -> None:
    conversation = _conversation(
        configuration_issues=[Issue(code="x", message="<script>alert(1)</script>", fix="Use A & B")]
    )
    notice = conversation_notice(
        conversation, _connector('Acme <b>"HQ"</b>'), {}, public_url="http://localhost:8000/", quiet_hours=24
    )
    assert notice.html is not None
    assert "<script>" not in notice.html and "&lt;script&gt;" in notice.html
    assert "A &amp; B" in notice.html and "&lt;b&gt;&quot;HQ&quot;" in notice.html
    assert "<script>alert(1)</script>" in notice.text  # plain text stays as written
    assert "\n" not in notice.subject
    assert "http://localhost:8000/#connectors/c1" in notice.text


class _Broken:
    """A store whose every repository call fails."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("DynamoDB is down")


class _Mailer:
    def __init__(self) -> None:
        self.sent: list[Notice] = []

    def send(self, notice: Notice) -> None:
        self.sent.append(notice)


def test_the_notifier_never_raises() -> None:
    mailer = _Mailer()
    notify_conversation_end(
        _Broken(),  # type: ignore[arg-type]
        mailer,
        Settings(),
        datetime(2026, 11, 20, 10, tzinfo=UTC),
        _conversation(),
    )
    assert mailer.sent == []


class _Refusing:
    """A mailer that refuses every notice, as SES does with an unverified sender."""

    def send(self, notice: Notice) -> None:
        raise RuntimeError("SES is down")


def test_windows_paths_reach_the_reader_as_written(store: Store, tmp_path: Path) -> None:
    # Nothing between the conversation and the reader may repr() or JSON-escape text (C:\\Company...).
    path = r"C:\Company\Acme.qbw"
    conversation = _conversation(
        configuration_issues=[Issue(code="company_file_changed", message=f"Connected to {path} now")]
    )
    notice = conversation_notice(
        conversation, _connector("Main"), {}, public_url="http://localhost:8000", quiet_hours=24
    )
    record = deliver(
        store,
        _Refusing(),
        notice,
        connector_id="c1",
        kind="conversation",
        now=datetime(2026, 11, 20, 10, tzinfo=UTC),
        settings=Settings(),
    )
    assert record is not None and record.status == "pending"
    [stored] = store.notices.due_for_retry("9999")  # the retry sends what was stored
    OutboxMailer(tmp_path, "bridge@example.com").send(
        Notice(to=tuple(stored.to), subject=stored.subject, text=stored.text, html=stored.html)
    )

    [eml] = tmp_path.glob("*.eml")
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert isinstance(mail, EmailMessage)
    for content_type in ("plain", "html"):
        part = mail.get_body(preferencelist=(content_type,))
        assert part is not None
        shown = part.get_content()
        assert f"Connected to {path} now" in shown and "\\\\" not in shown
