"""The admin API of an end-to-end stack as the tests use it, and the lossy runs they share: a connector with a
QBWC user of the test's own, the default connector borrowed for a test with its settings put back, runs that
lose answers and crash once, and the check that every request was schema-valid."""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from chalicelib.qbxml.validation import qbxml_errors
from simulators.qbwc import QwcFile, RunLog, WebConnector, parse_qwc
from simulators.quickbooks import QuickBooksCompany
from tools.local_stack import LocalStack


class Http:
    """The admin API of the shared stack."""

    def __init__(self, stack: LocalStack, api: requests.Session) -> None:
        self.base, self.api = stack.base_url, api

    def call(self, method: str, path: str, body: Any = None, expect: int | None = None) -> Any:
        answer = self.api.request(method, f"{self.base}{path}", json=body)
        if expect is None:
            assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
        else:
            assert answer.status_code == expect, (method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def transfer(self, id_: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/api/transfers/{id_}"))

    def transfers(self, **filters: str) -> Iterator[dict[str, Any]]:
        """Every transfer ``GET /api/transfers`` lists with these filters, page after page."""
        params: dict[str, str] = {**filters, "limit": "200"}
        while True:
            answer = self.api.get(f"{self.base}/api/transfers", params=params)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            yield from page["transfers"]
            if not page["next"]:
                return
            params["cursor"] = page["next"]

    def enqueue(self, kind: str, document: dict[str, Any], connector_id: str) -> str:
        queued = self.call("POST", f"/api/transfers/{kind}", document, expect=202)
        assert queued["connector_id"] == connector_id, (document["source_id"], queued)
        return str(queued["id"])


@dataclass
class Connector:
    http: Http
    id: str
    qwc: QwcFile
    password: str
    tag: str = ""  # in the source ids, numbers and ids of the test's documents (source ids start with it)

    @property
    def path(self) -> str:
        return f"/api/connectors/{self.id}"

    @classmethod
    def with_user(cls, http: Http, connector_id: str) -> Connector:
        username = f"pay-{secrets.token_hex(4)}"
        created = http.call(
            "POST", f"/api/connectors/{connector_id}/users", {"username": username, "scope": "all"}
        )
        qwc = http.api.get(f"{http.base}/api/connectors/{connector_id}/users/{username}/qwc")
        assert qwc.status_code == 200, qwc.text
        return cls(http, connector_id, parse_qwc(qwc.text), created["password"])

    def run(self, company: QuickBooksCompany, **options: Any) -> RunLog:
        return WebConnector(self.qwc, self.password, company, noop_wait_seconds=0, **options).run()

    def settings(self) -> dict[str, Any]:
        return dict(self.http.call("GET", self.path))


def run_with_losses(
    connector: Connector,
    company: QuickBooksCompany,
    *,
    seed: int,
    lossy_runs: int,
    adds: dict[str, int],
) -> list[str]:
    """Runs until the bridge has nothing left; what each run did, in order.

    A conversation of a hundred documents is only a handful of round trips (25 requests a message), so rather
    than a chance per answer, each of the first ``lossy_runs`` runs but the second loses the answer to one
    request picked at random from its second to its seventh, after QuickBooks applied it (QBWC then ends the
    run, as real QBWC does; a run that ends sooner loses nothing); the second run crashes after its third
    request. At least 15 % of all answers are lost, and at least ``adds[X]`` of them answered messages with
    ``XRq`` requests.
    """
    chance = random.Random(seed)
    log: list[str] = []
    lost = crashes = round_trips = 0
    adds_lost: Counter[str] = Counter()
    for attempt in range(40):
        crash = attempt == 1
        drop = {chance.randint(2, 7)} if attempt < lossy_runs and not crash else set()
        run = connector.run(
            company, drop_response_after_requests=drop, crash_after_requests=3 if crash else None
        )
        log.append(f"{run.outcome} after {run.requests_sent}")
        round_trips += run.requests_sent
        if run.outcome == "crashed":
            crashes += crash
            lost += not crash
            adds_lost.update(add for add in adds if f"<{add}Rq" in company.requests_seen[-1])
        if run.outcome == "none":
            break
    assert log[-1] == "none after 0", log
    assert crashes == 1 and lost >= 3, log
    assert (lost + crashes) / round_trips >= 0.15, (lost, crashes, round_trips, log)
    # Answers to the adds themselves among the lost ones, not only to queries.
    assert all(adds_lost[add] >= n for add, n in adds.items()), (adds_lost, log)
    return log


def assert_every_request_valid(company: QuickBooksCompany) -> None:
    invalid = [
        (request[:300], errors) for request in company.requests_seen if (errors := qbxml_errors(request))
    ]
    assert invalid == []


def company_for(connector: Connector, **options: Any) -> QuickBooksCompany:
    """The sample company, as the file the default connector is bound to when another test bound it."""
    known = connector.settings()["company_file_location"]
    return QuickBooksCompany.sample(**({"company_file": known} if known else {}), **options)


@contextmanager
def borrowed_default_connector(http: Http, switches: dict[str, bool]) -> Iterator[Connector]:
    """The default connector with ``switches`` on, a QBWC user of the test's own, no paid-date check due for a
    day (another test may have left it at every conversation) and a tag for the test's documents; afterwards
    the test's documents still pending are cancelled and the settings put back."""
    found = [c for c in http.call("GET", "/api/connectors")["connectors"] if c["is_default"]]
    if not found:  # the first connector of the stack becomes the default
        found = [http.call("POST", "/api/connectors", {"name": "Default (e2e)"})]
    [settings] = found
    connector = Connector.with_user(http, settings["id"])
    connector.tag = secrets.token_hex(2).upper()
    kept = {key: settings[key] for key in ("transfers", "paid_date_sync_minutes", "active")}
    http.call(
        "PATCH",
        connector.path,
        {"transfers": {**settings["transfers"], **switches}, "paid_date_sync_minutes": 1440, "active": True},
    )
    try:
        yield connector
    finally:
        # Nothing of the test stays in the default connector's queue (the documents failing on purpose).
        for status in ("queued", "failed", "needs_attention"):
            for pending in http.transfers(connector_id=connector.id, status=status):
                if pending["source_id"].startswith(connector.tag):
                    http.call("POST", f"/api/transfers/{pending['id']}/cancel")
        http.call("PATCH", connector.path, kept)
