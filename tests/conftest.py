"""Shared fixtures: a moto DynamoDB table, the store over it, the Chalice test client, tokens, a clock, and
cheap password hashing."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import moto_speedup

FIXTURES = Path(__file__).parent / "fixtures"
SPEC = FIXTURES / "spec"
TABLE_NAME = "qbwc-bridge-test"

# Tests never reach real AWS: fake credentials, a fixed region, no config files.
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}.items():
    os.environ[_name] = _value

# moto's DynamoDB answers without its slow generic serializer where the result is the same (see there).
moto_speedup.install()

# PBKDF2 iterations of the hashes made while the suite runs (production: 210,000). Hashing is the same code at
# any count; at 210,000 the suite's thousand-odd tokens, passwords and checks took about a quarter of its time.
# tests/security/test_secrets.py checks that a process the suite has not touched hashes at 210,000.
TEST_WORK_FACTOR = 1_000


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Every test's hashes at TEST_WORK_FACTOR iterations (local stacks started by tests get the same)."""
    from chalicelib.security import secrets as app_secrets  # not the stdlib's secrets imported above

    app_secrets.work_factor = TEST_WORK_FACTOR
    yield
    app_secrets.work_factor = app_secrets.PBKDF2_ITERATIONS


class FakeClock:
    """A clock the test moves by hand; each reading also ticks one millisecond, as real callbacks take time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.moment += timedelta(milliseconds=1)
        return self.moment

    def advance(self, **kwargs: float) -> None:
        self.moment += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def dynalite_server() -> Iterator[Any]:
    """One in-memory dynalite per worker, for the tests marked ``dynalite`` (each gets a table of its own)."""
    from tools.local_stack import Dynalite

    with Dynalite() as server:
        yield server


# moto starts each test's mock from empty backends as always; it is only told to keep boto3's default session
# (fake credentials, no profile: nothing real to leak), so a test's clients reuse the service models already
# loaded instead of parsing botocore's JSON again (about 0.2 s a test).
@pytest.fixture
def table(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh DynamoDB table built from the one table spec: moto's, or for a test marked ``dynalite`` (tens of
    thousands of items, where moto takes about a millisecond per item and attribute) a new table in the
    worker's dynalite."""
    import boto3
    from moto import mock_aws

    from chalicelib.store.table_spec import ensure_table

    if request.node.get_closest_marker("dynalite") is not None:
        server = request.getfixturevalue("dynalite_server")
        name = f"{TABLE_NAME}-{secrets.token_hex(4)}"
        ensure_table(server.client(), name)
        yield boto3.resource("dynamodb", region_name="us-east-1", endpoint_url=server.endpoint).Table(name)
        server.client().delete_table(TableName=name)
        return
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        client = boto3.client("dynamodb", region_name="us-east-1")
        ensure_table(client, TABLE_NAME)
        yield boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE_NAME)


@pytest.fixture
def store(table: Any) -> Any:
    from chalicelib.store import Store

    return Store(table)


def table_snapshot(table: Any) -> list[dict[str, Any]]:
    """Every item of the table, sorted: compare before/after to prove nothing changed."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda i: (i["PK"], i["SK"]))


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    """Where the app's e-mail lands in tests (the local mailer writes .eml files)."""
    return tmp_path / "outbox"


@pytest.fixture
def app_env(table: Any, clock: FakeClock, outbox: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's settings and dependencies pointed at the test's table, the fake clock and the outbox."""
    from chalicelib.api import dependencies

    monkeypatch.setenv("OUTBOX_DIR", str(outbox))
    monkeypatch.setenv("TABLE_NAME", table.name)
    if table.name == TABLE_NAME:  # moto's
        monkeypatch.delenv("DYNAMODB_ENDPOINT", raising=False)
    else:  # the worker's dynalite
        monkeypatch.setenv("DYNAMODB_ENDPOINT", table.meta.client.meta.endpoint_url)
    monkeypatch.setenv("PUBLIC_URL", "http://localhost:8000")
    monkeypatch.setenv("LIST_PAGE_SIZE", "50")
    dependencies.reset()
    dependencies.set_clock(clock)
    yield
    dependencies.reset()


@pytest.fixture
def client(app_env: None) -> Iterator[Any]:
    """Chalice's in-process test client over the real app."""
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


def _issue(store: Any, scope: str) -> str:
    from chalicelib.admin.tokens import issue_token

    return issue_token(store, scope=scope, label=f"test {scope}", now="2026-11-20T09:00:00.000000Z").plaintext  # type: ignore[arg-type]


@pytest.fixture
def admin_headers(store: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {_issue(store, 'admin')}", "Content-Type": "application/json"}


@pytest.fixture
def source_headers(store: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {_issue(store, 'source')}", "Content-Type": "application/json"}


class Admin:
    """The admin API, as a test uses it."""

    def __init__(self, client: Any, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def call(self, method: str, path: str, body: Any = None, expect: int | None = None) -> Any:
        answer = self.client.http.request(
            method=method,
            path=path,
            headers=self.headers,
            body=json.dumps(body).encode() if body is not None else b"",
        )
        if expect is not None:
            assert answer.status_code == expect, answer.body
        return answer

    def connector(self, **settings: Any) -> dict[str, Any]:
        return self.call("POST", "/api/connectors", {"name": "Main", **settings}, 201).json_body

    def user(self, connector_id: str, username: str) -> tuple[str, str]:
        created = self.call(
            "POST", f"/api/connectors/{connector_id}/users", {"username": username}, 201
        ).json_body
        qwc = self.call("GET", f"/api/connectors/{connector_id}/users/{username}/qwc", expect=200).body
        return qwc.decode() if isinstance(qwc, bytes) else qwc, created["password"]

    def enqueue(self, invoice: dict[str, Any], expect: int | None = 202) -> Any:
        return self.call("POST", "/api/transfers/invoices", invoice, expect)

    def transfer(self, transfer_id: str) -> dict[str, Any]:
        return self.call("GET", f"/api/transfers/{transfer_id}", expect=200).json_body

    def conversations(self, connector_id: str) -> list[dict[str, Any]]:
        return self.call("GET", f"/api/connectors/{connector_id}/conversations", expect=200).json_body[
            "conversations"
        ]


@pytest.fixture
def admin(client: Any, admin_headers: dict[str, str]) -> Admin:
    return Admin(client, admin_headers)


def connect(client: Any, qwc: str, password: str, company: Any, **options: Any) -> Any:
    """A QBWC simulator that reaches the in-process app (``run()`` drives one conversation)."""
    from simulators.qbwc import WebConnector, parse_qwc
    from tools.chalice_transport import session_for

    return WebConnector(
        parse_qwc(qwc), password, company, session=session_for(client), noop_wait_seconds=0, **options
    )
