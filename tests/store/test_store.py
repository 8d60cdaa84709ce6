"""The DynamoDB store against moto: conditional writes, locks, folding, capping, list generations."""

from __future__ import annotations

import os
import zlib
from typing import Any

import pytest

from chalicelib.domain.connector import ConnectorCreate
from chalicelib.domain.qbwc_user import QbwcUser
from chalicelib.errors import ConcurrentUpdate, Conflict, NotFound
from chalicelib.store import Store
from chalicelib.store.conversations import TRANSCRIPT_MESSAGE_CAP_BYTES, TranscriptMessage
from chalicelib.store.sessions import SessionRecord, session_key

NOW = "2026-11-20T09:00:00.000000Z"


def test_first_connector_is_the_default_forever(store: Store) -> None:
    first = store.connectors.create(ConnectorCreate(name="First"), now=NOW)
    second = store.connectors.create(ConnectorCreate(name="Second"), now="2026-11-20T09:00:01.000000Z")
    assert first.is_default and not second.is_default
    assert [c.name for c in store.connectors.list()] == ["First", "Second"]
    assert first.file_id != second.file_id and first.file_id.startswith("{")


def test_unknown_connector_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.connectors.get("nope")
    with pytest.raises(NotFound):
        store.connectors.update("nope", {"name": "x"})


def test_owner_id_is_stable(store: Store) -> None:
    assert store.connectors.owner_id(now=NOW) == store.connectors.owner_id(now=NOW)


def _user(name: str, connector_id: str = "c1") -> QbwcUser:
    return QbwcUser(username=name, connector_id=connector_id, password_hash="x", created_at=NOW)


def test_user_names_are_unique_across_connectors_case_insensitively(store: Store) -> None:
    store.users.create(_user("Office"))
    with pytest.raises(Conflict):
        store.users.create(_user("office", "c2"))
    with pytest.raises(NotFound):
        store.users.get("c2", "office")  # another connector's user is not found through c2


def test_fifth_failed_attempt_locks(store: Store) -> None:
    store.users.create(_user("pc"))
    states = [store.users.record_failed_attempt("pc", now=NOW) for _ in range(5)]
    assert [s.locked for s in states] == [False, False, False, False, True]
    assert store.users.unlock("pc").failed_attempts == 0


def test_lock_one_conversation_per_connector(store: Store) -> None:
    sessions = store.sessions
    first = sessions.acquire_lock("c1", session="t1", username="a", now=100, expires_at=700)
    other_user = sessions.acquire_lock("c1", session="t2", username="b", now=200, expires_at=800)
    same_user = sessions.acquire_lock("c1", session="t3", username="A", now=300, expires_at=900)
    assert first.acquired and first.previous_session is None
    assert (
        not other_user.acquired and other_user.holder_username == "a" and other_user.holder_expires_at == 700
    )
    assert same_user.acquired and same_user.previous_session == "t1"
    # A stale lock is taken over by anyone; release only by the owner.
    assert sessions.acquire_lock("c1", session="t4", username="b", now=901, expires_at=1500).acquired
    sessions.release_lock("c1", session="t3")
    assert not sessions.acquire_lock("c1", session="t5", username="c", now=1000, expires_at=1600).acquired
    assert not sessions.extend_lock("c1", session="t3", expires_at=5000)


def test_session_writes_are_optimistic(store: Store) -> None:
    record = SessionRecord(
        key=session_key("t"),
        conversation_id="cv_1",
        connector_id="c",
        username="u",
        created_at=NOW,
        expires_at=10,
        state={"a": 1},
    )
    store.sessions.create(record)
    one = store.sessions.get("t")
    two = store.sessions.get("t")
    assert one is not None and two is not None
    one.state = {"a": 2}
    store.sessions.save(one)
    with pytest.raises(ConcurrentUpdate):
        store.sessions.save(two)
    stored = store.sessions.get("t")
    assert stored is not None and stored.state == {"a": 2} and stored.version == 1


def test_the_table_never_holds_a_ticket(store: Store, table: Any) -> None:
    ticket = "a-ticket-handed-to-qbwc"
    record = SessionRecord(
        key=session_key(ticket),
        conversation_id="cv_1",
        connector_id="c",
        username="u",
        created_at=NOW,
        expires_at=10,
    )
    store.sessions.create(record)
    store.sessions.acquire_lock("c", session=record.key, username="u", now=1, expires_at=10)
    assert ticket not in repr(table.scan()["Items"])
    assert store.sessions.get(ticket) is not None and store.sessions.get("another") is None


def test_transcript_messages_are_compressed_and_capped(store: Store, table: Any) -> None:
    huge = os.urandom(400_000).hex()  # incompressible, 800 KB of text
    store.transcripts.append(
        "t", TranscriptMessage(at=NOW, method="receiveResponseXML", request=huge, response="1"), expires_at=99
    )
    [item] = [i for i in table.scan()["Items"] if i["SK"].startswith("MSG#")]
    assert len(bytes(item["request"])) <= TRANSCRIPT_MESSAGE_CAP_BYTES
    [message] = store.transcripts.list("t")
    assert message.request.startswith(huge[:1000])
    assert "truncated" in message.request
    assert zlib.decompress(bytes(item["response"])) == b"1"


def test_qb_lists_switch_generation_only_on_commit(store: Store) -> None:
    lists = store.qb_lists
    lists.write_page("c", "customers", generation="g1", page=0, entries=[{"name": "A"}])
    assert lists.read("c", "customers") is None
    lists.commit("c", "customers", generation="g1", read_at=NOW, count=1)
    lists.write_page(
        "c", "customers", generation="g2", page=0, entries=[{"name": f"B{i}"} for i in range(2500)]
    )
    first = lists.read("c", "customers")
    assert first is not None and [e["name"] for e in first.entries] == ["A"]
    lists.commit("c", "customers", generation="g2", read_at="later", count=2500)
    second = lists.read("c", "customers")
    assert second is not None and len(second.entries) == 2500 and second.read_at == "later"
    assert lists.read("c", "items") is None


def test_a_default_claim_that_never_settled_is_taken_over(store: Store, table: Any) -> None:
    # A process died between claiming the default and storing its connector.
    table.put_item(Item={"PK": "META", "SK": "DEFAULT_CONNECTOR", "connector_id": "ghost", "claimed_at": NOW})
    too_soon = store.connectors.create(ConnectorCreate(name="Soon"), now="2026-11-20T09:00:30.000000Z")
    later = store.connectors.create(ConnectorCreate(name="Later"), now="2026-11-20T09:02:00.000000Z")
    after = store.connectors.create(ConnectorCreate(name="After"), now="2026-11-20T09:10:00.000000Z")
    assert (too_soon.is_default, later.is_default, after.is_default) == (False, True, False)


def test_a_finished_conversation_is_never_rewritten(store: Store) -> None:
    from chalicelib.domain.conversation import Conversation

    entry = Conversation(id="cv_t", connector_id="c", user="u", started_at=NOW, last_activity_at=NOW)
    store.conversations.put(entry)
    assert store.conversations.update_if_in_progress(entry.model_copy(update={"status": "Success"}))
    assert not store.conversations.update_if_in_progress(entry.model_copy(update={"message": "late"}))
    assert store.conversations.get("cv_t").status == "Success"
