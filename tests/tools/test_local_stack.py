"""The local stack's own checks: dynalite starts, the table matches table_spec, data survives a restart,
and stopping leaves no process behind. One test runs the whole stack against a throwaway app (in a temp dir)
to see the environment ``chalice local`` hands to app code with the repo's real ``.chalice/config.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.settings import Settings
from chalicelib.store import table_spec
from tools.local_stack import DYNALITE_CLI, REPO_ROOT, Dynalite, LocalStack, LocalStackError


@pytest.fixture(autouse=True)
def _needs_node_tools() -> None:
    if DYNALITE_CLI.is_file() and shutil.which("node"):
        return
    message = "dynalite is not installed: run `npm ci` (make test does it)"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI must never skip these silently
    pytest.skip(message)


def _group_gone(pid: int) -> bool:
    """True when no process is left in the process group ``pid`` led (the servers run in their own)."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def dynalite(tmp_path: Path) -> Iterator[Dynalite]:
    server = Dynalite(log_dir=tmp_path / "log")
    server.start()
    yield server
    server.stop()


def test_table_matches_table_spec(dynalite: Dynalite) -> None:
    assert dynalite.ensure_table("qbwc-bridge") is True
    assert dynalite.ensure_table("qbwc-bridge") is False  # idempotent: make run calls it on every start

    table = dynalite.client().describe_table(TableName="qbwc-bridge")["Table"]

    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == table_spec.KEY_SCHEMA
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(table_spec.ATTRIBUTE_DEFINITIONS, key=str)
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    expected = {index["IndexName"]: index for index in table_spec.GLOBAL_SECONDARY_INDEXES}
    assert indexes.keys() == expected.keys()
    for name, spec in expected.items():
        assert indexes[name]["KeySchema"] == spec["KeySchema"]
        assert indexes[name]["Projection"] == spec["Projection"]


def test_data_persists_across_restart_and_stop_leaves_no_process(tmp_path: Path) -> None:
    server = Dynalite(data_dir=tmp_path / "data", log_dir=tmp_path / "log")
    item = {"PK": {"S": "CONNECTOR#c1"}, "SK": {"S": "CONNECTOR"}, "name": {"S": "Acme"}}
    try:
        server.start()
        server.ensure_table("qbwc-bridge")
        server.client().put_item(TableName="qbwc-bridge", Item=item)
        first_pid = server.pid
        assert first_pid is not None
        server.stop()
        assert _group_gone(first_pid)
        assert not server.running()

        server.start()
        assert server.pid != first_pid
        assert server.ensure_table("qbwc-bridge") is False  # the table came back from disk too
        got = server.client().get_item(TableName="qbwc-bridge", Key={"PK": item["PK"], "SK": item["SK"]})
        assert got["Item"] == item
    finally:
        last_pid = server.pid
        server.stop()
    assert last_pid is not None
    assert _group_gone(last_pid)


def test_in_memory_dynalite_starts_empty(tmp_path: Path) -> None:
    server = Dynalite(log_dir=tmp_path / "log")
    try:
        server.start()
        server.ensure_table("qbwc-bridge")
        server.stop()
        server.start()
        assert server.client().list_tables()["TableNames"] == []
    finally:
        server.stop()


def test_busy_port_is_reported_clearly(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        server = Dynalite(port=port, log_dir=tmp_path / "log")
        with pytest.raises(LocalStackError, match=f"port {port} on 127.0.0.1 is already in use"):
            server.start()
        assert not server.running()


def test_stack_env_points_only_at_local_things(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's shell may point at a real account or another table: none of it may reach the stack.
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("TABLE_NAME", "someone-elses-table")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "https://dynamodb.example.invalid")
    stack = LocalStack(
        api_port=18123,
        dynamodb_port=18124,
        outbox_dir=tmp_path / "outbox",
        extra_env={"SENDER_EMAIL": "a@b.c"},
    )

    env = stack.env

    assert "AWS_PROFILE" not in env
    assert "AWS_ENDPOINT_URL_DYNAMODB" not in env
    settings = Settings.from_env(env)
    assert settings.stage == "local"
    assert settings.table_name == "qbwc-bridge"
    assert settings.dynamodb_endpoint == "http://127.0.0.1:18124" == stack.dynamodb_endpoint
    assert settings.public_url == "http://localhost:18123"
    assert settings.qbwc_url == "http://localhost:18123/qbwc"
    assert settings.outbox_dir == str(tmp_path / "outbox")
    assert settings.sender_email == "a@b.c"
    assert stack.base_url == "http://127.0.0.1:18123"


_ECHO_APP = textwrap.dedent(
    """
    import os

    from chalice import Chalice

    app = Chalice(app_name="qbwc-bridge")
    NAMES = ["STAGE", "TABLE_NAME", "DYNAMODB_ENDPOINT", "PUBLIC_URL", "OUTBOX_DIR", "SENDER_EMAIL"]


    @app.route("/api/health")
    def health():
        return {"status": "ok", "env": {name: os.environ.get(name) for name in NAMES}}
    """
)


def test_chalice_local_sees_the_stack_env_despite_config(tmp_path: Path) -> None:
    # chalice local copies the stage's environment_variables over os.environ before importing app.py; with
    # the repo's config the stack's own values must still be what the app sees.
    project = tmp_path / "project"
    (project / ".chalice").mkdir(parents=True)
    shutil.copy(REPO_ROOT / ".chalice" / "config.json", project / ".chalice" / "config.json")
    (project / "app.py").write_text(_ECHO_APP)
    stack = LocalStack(
        project_dir=project,
        log_dir=tmp_path / "log",
        outbox_dir=tmp_path / "outbox",
        table_name="e2e-table",
        extra_env={"SENDER_EMAIL": "demo@example.com"},
    )

    with stack:
        with urllib.request.urlopen(stack.base_url + "/api/health", timeout=10) as response:
            body = json.load(response)
        pids = [stack.dynalite.pid, stack.chalice_pid]

    assert body["env"] == {
        "STAGE": "local",
        "TABLE_NAME": "e2e-table",
        "DYNAMODB_ENDPOINT": stack.dynamodb_endpoint,
        "PUBLIC_URL": f"http://localhost:{stack.api_port}",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "SENDER_EMAIL": "demo@example.com",
    }
    assert all(pid is not None and _group_gone(pid) for pid in pids)
    assert not stack.running()


def test_failed_start_names_the_log_and_leaves_nothing(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".chalice").mkdir(parents=True)
    shutil.copy(REPO_ROOT / ".chalice" / "config.json", project / ".chalice" / "config.json")
    (project / "app.py").write_text("raise RuntimeError('app import failed on purpose')\n")
    stack = LocalStack(project_dir=project, log_dir=tmp_path / "log")

    with pytest.raises(LocalStackError, match="app import failed on purpose"):
        stack.start()

    assert not stack.running()
    assert not stack.dynalite.running()
