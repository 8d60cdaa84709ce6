"""`make demo` (simulators.demo) against the in-process app: its invoices reach QuickBooks even when another
connector is the default, its API calls send JSON as JSON, and nothing it prints carries the session ticket."""

from __future__ import annotations

from typing import Any

import pytest
import requests

import simulators.demo as demo
from simulators.qbwc import RunLog, WebConnector
from tests.conftest import Admin
from tools.chalice_transport import ChaliceTransport


class _RecordingTransport(ChaliceTransport):
    """Notes the content type of every API request that has a body."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.api_bodies: list[tuple[str, str, str]] = []

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        if body and path.startswith("/api/"):
            self.api_bodies.append((method, path, headers.get("Content-Type", "")))
        return super().forward(method, path, headers, body)


@pytest.fixture
def runs(client: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[list[RunLog], _RecordingTransport]:
    """Every requests.Session the demo makes goes to the in-process app; every run's log is kept."""
    transport = _RecordingTransport(client)
    make_session = requests.Session

    def session() -> requests.Session:
        made = make_session()
        made.mount("http://", transport)
        return made

    monkeypatch.setattr(requests, "Session", session)
    logs: list[RunLog] = []

    class KeptWebConnector(WebConnector):
        def run(self) -> RunLog:
            logs.append(super().run())
            return logs[-1]

    monkeypatch.setattr(demo, "WebConnector", KeptWebConnector)
    monkeypatch.setenv("DEMO_URL", "http://127.0.0.1:8000")
    return logs, transport


def test_demo_transfers_its_invoices_and_prints_no_ticket(
    runs: tuple[list[RunLog], _RecordingTransport], admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    logs, transport = runs
    other = admin.connector(name="Someone else's company")  # the first connector: the default
    assert other["is_default"] is True

    code = demo.main()
    out = capsys.readouterr().out

    assert code == 0, out
    [run] = logs
    assert run.outcome == "completed"
    assert run.ticket and run.ticket not in out
    transfers = [line.split() for line in out.splitlines() if line.startswith("  DEMO-")]
    assert len(transfers) == 5 and all(line[1] == "transferred" for line in transfers), out
    assert admin.conversations(other["id"]) == []
    assert all(content_type == "application/json" for _, _, content_type in transport.api_bodies), (
        transport.api_bodies
    )
    assert (
        sum(method == "PUT" and "/api/organizations/" in path for method, path, _ in transport.api_bodies)
        == 3
    )
