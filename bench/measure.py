"""What the benchmarks share: the in-process app against moto, the probes that count and time it, the report.

Nothing here asserts a figure; the benchmarks measure and print.

* ``in_process_app`` runs the real app in this process: ``moto.mock_aws`` (fake credentials, us-east-1), one
  table from the table spec, the app's settings from its defaults (``prepare_process`` clears the variables
  that would change them), Chalice's in-process test client and an admin token.
* ``Probe`` counts every DynamoDB request with a botocore ``before-call.dynamodb.*`` hook on the default
  boto3 session, registered before the app's store (``boto3.resource``) exists. One count per API call (a
  BatchWriteItem counts once; retries are not counted again); the items a batch carried are counted apart.
  A request is attributed to the recorded call being served (a SOAP callback, an API request), or else to
  the probe's current ``phase``.
* Server CPU (``time.process_time``, this process only), three nested layers per recorded call:
  ``route`` = Chalice's in-process test client handling the request (routing, the app, boto3 and moto);
  ``handler`` = the app's ``handle_soap_post`` only (SOAP callbacks); ``moto`` = the part spent inside moto's
  request stub (DynamoDB emulation), by wrapping ``BotocoreStubber.__call__``. ``handler - moto`` is the app
  plus boto3's client-side work, the closest figure to a Lambda's own CPU.
* The heap is frozen (``gc.freeze``) before each recorded call: what is alive then (moto's emulated table and
  the simulated company file share this process, never a Lambda's) is left out of the garbage collector's
  later passes. A full collection inside a callback then costs what it would over the app's own objects,
  instead of 100-150 ms of scanning a benchmark's millions.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from requests.structures import CaseInsensitiveDict

from tools.chalice_transport import ChaliceTransport, session_for

if TYPE_CHECKING:
    from chalicelib.domain.api_token import TokenScope
    from chalicelib.qbwc.endpoint import SoapReply
    from chalicelib.qbwc.service import WebConnectorService
    from chalicelib.settings import Settings
    from simulators.qbwc import CompanyBackend, RunLog, WebConnector

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
REGION = "us-east-1"
TABLE_NAME = "qbwc-bridge-bench"
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}
# Settings the benchmarks measure at the app's defaults: a value from the caller's shell must not leak in.
APP_SETTINGS_ENV = (
    "LIST_PAGE_SIZE",
    "MAX_MESSAGE_REQUESTS",
    "MAX_MESSAGE_BYTES",
    "MAX_TRANSFERS_PER_CONVERSATION",
    "MAX_BODY_BYTES",
    "SESSION_IDLE_SECONDS",
    "DYNAMODB_ENDPOINT",
    "STAGE",
)
SETUP = "(set-up)"
SOAP_METHODS = (
    "serverVersion",
    "clientVersion",
    "authenticate",
    "sendRequestXML",
    "receiveResponseXML",
    "getLastError",
    "connectionError",
    "closeConnection",
)
# Operations whose one request carries several items: how to count them from the request body.
_BATCH_ITEMS: dict[str, Callable[[dict[str, Any]], int]] = {
    "BatchWriteItem": lambda body: sum(len(v) for v in body.get("RequestItems", {}).values()),
    "BatchGetItem": lambda body: sum(len(v.get("Keys", [])) for v in body.get("RequestItems", {}).values()),
    "TransactWriteItems": lambda body: len(body.get("TransactItems", [])),
    "TransactGetItems": lambda body: len(body.get("TransactItems", [])),
}


def prepare_process() -> None:
    """Fake AWS credentials, the app's default settings, and the repository importable."""
    os.environ.update(FAKE_AWS_ENV)
    for name in APP_SETTINGS_ENV:
        os.environ.pop(name, None)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "moto": version("moto"),
        "boto3": version("boto3"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    }


# -- probes ----------------------------------------------------------------------------------------------


@dataclass
class CallRecord:
    """One recorded request (a POST /qbwc, or an API request a benchmark records) as the server saw it."""

    method: str
    phase: str = ""
    route_cpu_ms: float = 0.0
    route_wall_ms: float = 0.0
    handler_cpu_ms: float = 0.0
    moto_cpu_ms: float = 0.0
    request_body_bytes: int = 0
    response_body_bytes: int = 0
    dynamodb: Counter[str] = field(default_factory=Counter)
    dynamodb_items: Counter[str] = field(default_factory=Counter)  # items carried by batch requests

    @property
    def dynamodb_requests(self) -> int:
        return sum(self.dynamodb.values())


@dataclass
class Probe:
    """Collects what the hooks see, attributing it to the call being served or else to the current phase."""

    calls: list[CallRecord] = field(default_factory=list)
    active: CallRecord | None = None
    phase: str = SETUP
    outside: dict[str, Counter[str]] = field(default_factory=dict)  # phase -> DynamoDB requests
    outside_items: dict[str, Counter[str]] = field(default_factory=dict)  # phase -> batch items

    def on_dynamodb_call(self, model: Any = None, params: Any = None, **_kwargs: Any) -> None:
        operation = str(getattr(model, "name", "?"))
        items = _batch_items(operation, params)
        if self.active is not None:
            requests, carried = self.active.dynamodb, self.active.dynamodb_items
        else:
            requests = self.outside.setdefault(self.phase, Counter())
            carried = self.outside_items.setdefault(self.phase, Counter())
        requests[operation] += 1
        if items:
            carried[operation] += items

    def add_moto_cpu(self, seconds: float) -> None:
        if self.active is not None:
            self.active.moto_cpu_ms += seconds * 1000

    def add_handler_cpu(self, seconds: float) -> None:
        if self.active is not None:
            self.active.handler_cpu_ms += seconds * 1000

    @contextlib.contextmanager
    def record(self, method: str, request_body_bytes: int = 0) -> Iterator[CallRecord]:
        """Attribute what happens inside to a new ``CallRecord`` of the current phase, timing it."""
        record = CallRecord(method, phase=self.phase, request_body_bytes=request_body_bytes)
        self.calls.append(record)
        self.active = record
        gc.freeze()  # see the module's docstring
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            yield record
        finally:
            record.route_cpu_ms = (time.process_time() - cpu) * 1000
            record.route_wall_ms = (time.perf_counter() - wall) * 1000
            self.active = None

    @property
    def setup_dynamodb(self) -> Counter[str]:
        return self.outside.get(SETUP, Counter())

    def dynamodb(self, phases: Sequence[str]) -> tuple[Counter[str], Counter[str]]:
        """(requests, batch items) by operation in ``phases``, recorded calls and outside them."""
        requests, items = Counter[str](), Counter[str]()
        for phase in phases:
            requests.update(self.outside.get(phase, Counter()))
            items.update(self.outside_items.get(phase, Counter()))
        for call in self.calls:
            if call.phase in phases:
                requests.update(call.dynamodb)
                items.update(call.dynamodb_items)
        return requests, items


def _batch_items(operation: str, params: Any) -> int:
    count = _BATCH_ITEMS.get(operation)
    if count is None or not isinstance(params, dict):
        return 0
    body = params.get("body")
    try:
        return count(json.loads(body or b"{}"))
    except (TypeError, ValueError, AttributeError):
        return 0


def _soap_method(headers: CaseInsensitiveDict[str]) -> str:
    action = headers.get("SOAPAction", "").strip().strip('"')
    return action.rsplit("/", 1)[-1] or "?"


class TimedTransport(ChaliceTransport):
    """The in-process transport, recording size and CPU of every /qbwc posting."""

    def __init__(self, client: Any, probe: Probe) -> None:
        super().__init__(client)
        self._probe = probe

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        if not (method == "POST" and path.endswith("/qbwc")):
            return super().forward(method, path, headers, body)
        with self._probe.record(_soap_method(CaseInsensitiveDict(headers)), len(body)) as record:
            answer = super().forward(method, path, headers, body)
        content = answer.body if isinstance(answer.body, bytes) else str(answer.body or "").encode()
        record.response_body_bytes = len(content)
        return answer


@contextlib.contextmanager
def _patched(owner: Any, name: str, make: Callable[[Any], Any]) -> Iterator[None]:
    """Replace ``owner.name`` with ``make(original)`` for the duration."""
    original = getattr(owner, name)
    setattr(owner, name, make(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextlib.contextmanager
def instrumented(probe: Probe) -> Iterator[None]:
    """Time the app's SOAP handler and moto's DynamoDB stub while inside."""
    from moto.core.botocore_stubber import BotocoreStubber

    from chalicelib.qbwc import endpoint

    def time_handler(original: Any) -> Any:
        def timed(service: WebConnectorService, body: bytes, *, soap_action: str | None) -> SoapReply:
            start = time.process_time()
            try:
                reply: SoapReply = original(service, body, soap_action=soap_action)
            finally:
                probe.add_handler_cpu(time.process_time() - start)
            return reply

        return timed

    def time_moto(original: Any) -> Any:
        def timed(stubber: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return original(stubber, event_name, request, **kwargs)
            finally:
                probe.add_moto_cpu(time.process_time() - start)

        return timed

    with (
        # The SOAP route imports handle_soap_post from its module on each call, so it finds the timed one.
        _patched(endpoint, "handle_soap_post", time_handler),
        _patched(BotocoreStubber, "__call__", time_moto),
    ):
        yield


# -- the app in this process -----------------------------------------------------------------------------


@dataclass
class InProcessApp:
    """The real app behind Chalice's test client, over a moto table, with an admin token."""

    client: Any
    probe: Probe
    settings: Settings
    store: Any
    admin_headers: dict[str, str]

    def api(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        """One API request (admin token unless ``headers``); an error status raises."""
        answer = self.client.http.request(
            method=method,
            path=path,
            headers=headers or self.admin_headers,
            body=json.dumps(body).encode() if body is not None else b"",
        )
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {answer.status_code}: {answer.body!r}")
        return answer

    def token_headers(self, scope: TokenScope) -> dict[str, str]:
        from chalicelib.admin.tokens import issue_token

        token = issue_token(
            self.store, scope=scope, label=f"bench {scope}", now="2026-01-01T00:00:00.000000Z"
        )
        return {"Authorization": f"Bearer {token.plaintext}", "Content-Type": "application/json"}

    def qbwc_user(self, connector_id: str, username: str) -> tuple[str, str]:
        """(.qwc file text, password) of a new QBWC user of the connector."""
        users = f"/api/connectors/{connector_id}/users"
        password = str(self.api("POST", users, {"username": username}).json_body["password"])
        body = self.api("GET", f"{users}/{username}/qwc").body
        return (body.decode() if isinstance(body, bytes) else str(body)), password

    def web_connector(self, qwc: str, password: str, company: CompanyBackend) -> WebConnector:
        """A QBWC simulator reaching this app through the timed transport (never waiting on a NoOp)."""
        from simulators.qbwc import WebConnector, parse_qwc

        http = session_for(self.client, TimedTransport(self.client, self.probe))
        return WebConnector(parse_qwc(qwc), password, company, session=http, noop_wait_seconds=0)


@contextlib.contextmanager
def in_process_app(probe: Probe) -> Iterator[InProcessApp]:
    """Inside: moto, a fresh table, the app's dependencies pointing at it, and its test client."""
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib.api import dependencies
    from chalicelib.settings import get_settings
    from chalicelib.store.table_spec import ensure_table

    with mock_aws(), tempfile.TemporaryDirectory() as outbox:
        # mock_aws clears boto3's default session; the hook goes on the new one before any client exists.
        boto3.setup_default_session(region_name=REGION)
        session = boto3.DEFAULT_SESSION
        assert session is not None
        session.events.register("before-call.dynamodb.*", probe.on_dynamodb_call)
        ensure_table(boto3.client("dynamodb", region_name=REGION), TABLE_NAME)
        os.environ.update(
            {"TABLE_NAME": TABLE_NAME, "OUTBOX_DIR": outbox, "PUBLIC_URL": "http://localhost:8000"}
        )
        dependencies.reset()
        try:
            store = dependencies.get_store()
            with Client(app, stage_name="local") as client:
                running = InProcessApp(client, probe, get_settings(), store, {})
                running.admin_headers = running.token_headers("admin")
                yield running
        finally:
            dependencies.reset()
    if not any(call.dynamodb_requests for call in probe.calls):
        raise RuntimeError("the DynamoDB hook counted nothing: the measurement is broken, not the app")


# -- figures ---------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def spread(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "max": round(max(values, default=0.0), 2),
        "total": round(sum(values), 2),
    }


def sizes(values: Sequence[int]) -> dict[str, int]:
    return {
        "count": len(values),
        "mean": round(statistics.fmean(values)) if values else 0,
        "max": max(values, default=0),
        "total": sum(values),
    }


def qbxml_requests(run: RunLog) -> list[str]:
    """The qbXML requests of a run (what sendRequestXML returned, empty answers left out), in order."""
    return [
        cb.result
        for cb in run.callbacks
        if cb.method == "sendRequestXML" and isinstance(cb.result, str) and cb.result
    ]


def qbxml_responses(run: RunLog) -> list[str]:
    """The qbXML responses of a run (receiveResponseXML's ``response`` argument), in order."""
    return [
        str(cb.arguments.get("response", "")) for cb in run.callbacks if cb.method == "receiveResponseXML"
    ]


def utf8_sizes(texts: Sequence[str]) -> list[int]:
    return [len(text.encode("utf-8")) for text in texts]


def by_method(calls: Sequence[CallRecord]) -> dict[str, Any]:
    """Per SOAP method (in conversation order): calls, DynamoDB requests, CPU layers and body sizes."""
    order = [m for m in SOAP_METHODS if any(c.method == m for c in calls)]
    order += sorted({c.method for c in calls} - set(order))
    summary: dict[str, Any] = {}
    for method in order:
        chosen = [c for c in calls if c.method == method]
        dynamodb = Counter[str]()
        for call in chosen:
            dynamodb.update(call.dynamodb)
        summary[method] = {
            "calls": len(chosen),
            "dynamodb_requests": {
                "total": sum(c.dynamodb_requests for c in chosen),
                "per_call_mean": round(statistics.fmean(c.dynamodb_requests for c in chosen), 2),
                "per_call_max": max(c.dynamodb_requests for c in chosen),
                "by_operation": dict(sorted(dynamodb.items())),
            },
            "route_cpu_ms": spread([c.route_cpu_ms for c in chosen]),
            "handler_cpu_ms": spread([c.handler_cpu_ms for c in chosen]),
            "moto_cpu_ms": spread([c.moto_cpu_ms for c in chosen]),
            "handler_minus_moto_cpu_ms": spread([c.handler_cpu_ms - c.moto_cpu_ms for c in chosen]),
            "soap_body_bytes_posted_max": max(c.request_body_bytes for c in chosen),
            "soap_body_bytes_answered_max": max(c.response_body_bytes for c in chosen),
        }
    return summary


# -- report ----------------------------------------------------------------------------------------------

CPU_COLUMNS_NOTE = (
    "CPU columns (ms per callback): route = Chalice's in-process test client + app + boto3 + moto;",
    "handler = the app's handle_soap_post only (app + boto3 + moto, no Chalice); handler-moto = handler minus",
    "the CPU measured inside moto's DynamoDB stub, i.e. app + boto3 client-side work (the closest figure to a",
    "Lambda's own CPU, which waits on the network for DynamoDB instead).",
)


def table(header: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "  ") -> list[str]:
    """Aligned plain-text columns: numbers right-aligned, text left-aligned."""
    cells = [[str(c) for c in header], *[[cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(header))]
    out = []
    for number, row in enumerate(cells):
        text = "  ".join(
            c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        out.append(indent + text.rstrip())
        if number == 0:
            out.append(indent + "  ".join("-" * w for w in widths))
    return out


def cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def operations(counts: dict[str, int]) -> str:
    return ", ".join(f"{op} {n:,}" for op, n in sorted(counts.items()))


def cpu_table(methods: dict[str, Any]) -> list[str]:
    """p50 / p95 / max of the three CPU layers per SOAP method (``by_method``'s result)."""
    layers = ("route_cpu_ms", "handler_cpu_ms", "handler_minus_moto_cpu_ms")
    return table(
        ["CPU ms per callback", "calls"]
        + [f"{label} {k}" for label in ("route", "handler", "handler-moto") for k in ("p50", "p95", "max")],
        [
            [method, m["calls"], *(m[layer][k] for layer in layers for k in ("p50", "p95", "max"))]
            for method, m in methods.items()
        ],
    )


def publish(name: str, result: dict[str, Any], *, now: datetime, started: float, report: str) -> None:
    """Stamp the run time on ``result``, print ``report`` and write the JSON (``write_results``)."""
    result["bench_runtime_s"] = round(time.perf_counter() - started, 1)
    print(report)
    where = write_results(name, result, now)
    print(f"\nbenchmark took {result['bench_runtime_s']} s; JSON: {where}")


def write_results(name: str, result: dict[str, Any], now: datetime) -> str:
    """Write ``<name>-<UTC>.json`` and ``<name>-latest.json`` under bench/results/; says where."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2) + "\n"
    stamped = RESULTS / f"{name}-{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    latest = RESULTS / f"{name}-latest.json"
    stamped.write_text(text, encoding="utf-8")
    latest.write_text(text, encoding="utf-8")
    return f"{stamped.relative_to(REPO)} and {latest.relative_to(REPO)}"


def method_table(methods: dict[str, Any]) -> list[str]:
    """Calls, DynamoDB requests and SOAP body sizes per SOAP method (``by_method``'s result)."""
    return table(
        [
            "SOAP method",
            "calls",
            "DDB req",
            "DDB/call",
            "DDB max",
            "SOAP in max B",
            "SOAP out max B",
            "DynamoDB operations",
        ],
        [
            [
                method,
                m["calls"],
                m["dynamodb_requests"]["total"],
                m["dynamodb_requests"]["per_call_mean"],
                m["dynamodb_requests"]["per_call_max"],
                m["soap_body_bytes_posted_max"],
                m["soap_body_bytes_answered_max"],
                operations(m["dynamodb_requests"]["by_operation"]) or "-",
            ]
            for method, m in methods.items()
        ],
    )
