"""What the first QBWC conversation costs: measured and printed, never asserted.

Run ``make bench`` (or ``.venv/bin/python -m bench.foundation``). Everything runs in this process against
moto (``moto.mock_aws``, fake credentials, us-east-1), with the app's defaults (``LIST_PAGE_SIZE`` unset, so
MaxReturned is 500) and the real clock. Two scenarios: a first conversation with a sample company of 2,000
customers, 300 vendors and 500 items, and the same with 10,000 customers.

What is measured, and how:

* **Round trips**: ``RunLog.requests_sent`` of the QBWC simulator (sendRequestXML calls that carried a qbXML
  request) and the number of SOAP callbacks in the conversation.
* **qbXML bytes**: UTF-8 size of each qbXML request (what sendRequestXML returned) and of each qbXML
  response (what receiveResponseXML posted), from the simulator's ``RunLog`` callbacks; also the largest
  SOAP envelope (HTTP body) each way, where the qbXML travels XML-escaped.
* **DynamoDB requests**: a botocore ``before-call.dynamodb.*`` hook on the default boto3 session, registered
  before the app's store (``boto3.resource``) is created. One count per API call (a BatchWriteItem counts
  once; retries are not counted again). Attributed to the SOAP callback being served; the set-up (table,
  admin token, connector, user) is counted apart.
* **Server CPU per callback** (``time.process_time``, this process only), three nested layers:
  ``route`` = Chalice's in-process test client handling the POST (routing, the app, boto3 and moto);
  ``handler`` = the app's ``handle_soap_post`` only (the app, boto3 and moto; no Chalice);
  ``moto`` = the part of ``handler`` spent inside moto's request stub (DynamoDB emulation), measured by
  wrapping ``BotocoreStubber.__call__``. Nothing is subtracted from the first two; ``handler - moto`` is the
  app plus boto3's client-side work (serialising, signing, parsing), the closest figure to a Lambda's own
  CPU, which waits on the network for DynamoDB instead of emulating it.
* **Password hashing**: ``hash_secret`` and ``verify_secret`` (PBKDF2-HMAC-SHA512, 210,000 iterations),
  CPU time, median of 5. authenticate pays one ``verify_secret``.
* **Cold start**: ``python -X importtime -c "import app"`` in a subprocess with the venv's Python (after a
  warm-up run, so byte code is compiled; the best of 3): the cumulative import time of ``app`` and the
  slowest imports. Also the wall time of ``python -c "import app"``, of a bare ``python -c pass`` for
  comparison, and of importing app plus creating the boto3 DynamoDB resource, which the first request adds
  (boto3 is imported lazily), each the best of 5.

Output: a plain-text table on stdout, and the same data as JSON in ``bench/results/foundation-<UTC
time>.json`` and ``bench/results/foundation-latest.json``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from requests.structures import CaseInsensitiveDict

from tools.chalice_transport import ChaliceTransport, session_for

if TYPE_CHECKING:
    from chalicelib.qbwc.endpoint import SoapReply
    from chalicelib.qbwc.service import WebConnectorService
    from simulators.qbwc import RunLog

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


@dataclass(frozen=True)
class Scenario:
    name: str
    customers: int
    vendors: int
    items: int


SCENARIOS = (
    Scenario("first-2k", customers=2_000, vendors=300, items=500),
    Scenario("first-10k", customers=10_000, vendors=300, items=500),
)


# -- in-process measurement -------------------------------------------------------------------------------


@dataclass
class CallRecord:
    """One POST /qbwc as the server saw it."""

    method: str
    route_cpu_ms: float = 0.0
    route_wall_ms: float = 0.0
    handler_cpu_ms: float = 0.0
    moto_cpu_ms: float = 0.0
    request_body_bytes: int = 0
    response_body_bytes: int = 0
    dynamodb: Counter[str] = field(default_factory=Counter)

    @property
    def dynamodb_requests(self) -> int:
        return sum(self.dynamodb.values())


@dataclass
class Probe:
    """Collects what the hooks see, attributing it to the callback being served (or to the set-up)."""

    calls: list[CallRecord] = field(default_factory=list)
    active: CallRecord | None = None
    setup_dynamodb: Counter[str] = field(default_factory=Counter)

    def on_dynamodb_call(self, model: Any = None, **_kwargs: Any) -> None:
        operation = str(getattr(model, "name", "?"))
        (self.active.dynamodb if self.active else self.setup_dynamodb)[operation] += 1

    def add_moto_cpu(self, seconds: float) -> None:
        if self.active is not None:
            self.active.moto_cpu_ms += seconds * 1000

    def add_handler_cpu(self, seconds: float) -> None:
        if self.active is not None:
            self.active.handler_cpu_ms += seconds * 1000


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
        record = CallRecord(_soap_method(CaseInsensitiveDict(headers)), request_body_bytes=len(body))
        self._probe.calls.append(record)
        self._probe.active = record
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            answer = super().forward(method, path, headers, body)
        finally:
            record.route_cpu_ms = (time.process_time() - cpu) * 1000
            record.route_wall_ms = (time.perf_counter() - wall) * 1000
            self._probe.active = None
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
def _instrumented(probe: Probe) -> Iterator[None]:
    """Time the app's SOAP handler and moto's DynamoDB stub while inside."""
    from moto.core.botocore_stubber import BotocoreStubber

    import app as app_module

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
        _patched(app_module, "handle_soap_post", time_handler),
        _patched(BotocoreStubber, "__call__", time_moto),
    ):
        yield


# -- one scenario ----------------------------------------------------------------------------------------


def _api(client: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    answer = client.http.request(
        method=method, path=path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
    )
    if answer.status_code >= 300:
        raise RuntimeError(f"{method} {path}: HTTP {answer.status_code}: {answer.body!r}")
    return answer


def _run_scenario(scenario: Scenario) -> tuple[RunLog, Probe, dict[str, Any]]:
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib.admin.tokens import issue_token
    from chalicelib.api import dependencies
    from chalicelib.settings import get_settings
    from chalicelib.store.table_spec import ensure_table
    from simulators.qbwc import WebConnector, parse_qwc
    from simulators.quickbooks import QuickBooksCompany

    probe = Probe()
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
        os.environ.pop("DYNAMODB_ENDPOINT", None)
        dependencies.reset()
        try:
            settings = get_settings()
            token = issue_token(
                dependencies.get_store(), scope="admin", label="bench", now="2026-01-01T00:00:00.000000Z"
            )
            headers = {"Authorization": f"Bearer {token.plaintext}", "Content-Type": "application/json"}
            build = time.perf_counter()
            company = QuickBooksCompany.sample(
                customers=scenario.customers, vendors=scenario.vendors, items=scenario.items
            )
            build_s = time.perf_counter() - build
            with Client(app, stage_name="local") as client:
                connector = _api(client, "POST", "/api/connectors", headers, {"name": "Bench"}).json_body
                users = f"/api/connectors/{connector['id']}/users"
                password = _api(client, "POST", users, headers, {"username": "office-pc"}).json_body[
                    "password"
                ]
                qwc_body = _api(client, "GET", f"{users}/office-pc/qwc", headers).body
                qwc = qwc_body.decode() if isinstance(qwc_body, bytes) else str(qwc_body)
                http = session_for(client, TimedTransport(client, probe))
                connector_run = WebConnector(
                    parse_qwc(qwc), password, company, session=http, noop_wait_seconds=0
                )
                with _instrumented(probe):
                    start_cpu, start_wall = time.process_time(), time.perf_counter()
                    run = connector_run.run()
                    conversation = {
                        "wall_s": time.perf_counter() - start_wall,
                        "cpu_s": time.process_time() - start_cpu,
                    }
        finally:
            dependencies.reset()
    if not any(call.dynamodb_requests for call in probe.calls):
        raise RuntimeError("the DynamoDB hook counted nothing: the measurement is broken, not the app")
    meta = {
        "list_page_size": settings.list_page_size,
        "company_build_s": round(build_s, 3),
        "conversation_wall_s": round(conversation["wall_s"], 3),
        "conversation_cpu_s": round(conversation["cpu_s"], 3),
    }
    return run, probe, meta


def _percentile(values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def _spread(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(_percentile(values, 50), 2),
        "p95": round(_percentile(values, 95), 2),
        "max": round(max(values, default=0.0), 2),
        "total": round(sum(values), 2),
    }


def _sizes(values: Sequence[int]) -> dict[str, int]:
    return {
        "count": len(values),
        "mean": round(statistics.fmean(values)) if values else 0,
        "max": max(values, default=0),
        "total": sum(values),
    }


def _scenario_result(scenario: Scenario) -> dict[str, Any]:
    run, probe, meta = _run_scenario(scenario)
    requests_xml = [
        len(cb.result.encode("utf-8"))
        for cb in run.callbacks
        if cb.method == "sendRequestXML" and isinstance(cb.result, str) and cb.result
    ]
    responses_xml = [
        len(str(cb.arguments.get("response", "")).encode("utf-8"))
        for cb in run.callbacks
        if cb.method == "receiveResponseXML"
    ]
    by_method: dict[str, Any] = {}
    order = [m for m in SOAP_METHODS if any(c.method == m for c in probe.calls)]
    order += sorted({c.method for c in probe.calls} - set(order))
    for method in order:
        calls = [c for c in probe.calls if c.method == method]
        dynamodb = Counter[str]()
        for call in calls:
            dynamodb.update(call.dynamodb)
        by_method[method] = {
            "calls": len(calls),
            "dynamodb_requests": {
                "total": sum(c.dynamodb_requests for c in calls),
                "per_call_mean": round(statistics.fmean(c.dynamodb_requests for c in calls), 2),
                "per_call_max": max(c.dynamodb_requests for c in calls),
                "by_operation": dict(sorted(dynamodb.items())),
            },
            "route_cpu_ms": _spread([c.route_cpu_ms for c in calls]),
            "handler_cpu_ms": _spread([c.handler_cpu_ms for c in calls]),
            "moto_cpu_ms": _spread([c.moto_cpu_ms for c in calls]),
            "handler_minus_moto_cpu_ms": _spread([c.handler_cpu_ms - c.moto_cpu_ms for c in calls]),
            "soap_body_bytes_posted_max": max(c.request_body_bytes for c in calls),
            "soap_body_bytes_answered_max": max(c.response_body_bytes for c in calls),
        }
    total_ops = Counter[str]()
    for call in probe.calls:
        total_ops.update(call.dynamodb)
    return {
        "scenario": scenario.name,
        "company": {"customers": scenario.customers, "vendors": scenario.vendors, "items": scenario.items},
        **meta,
        "outcome": run.outcome,
        "callbacks": len(run.callbacks),
        "requests_sent": run.requests_sent,
        "qbxml_request_bytes": _sizes(requests_xml),
        "qbxml_response_bytes": _sizes(responses_xml),
        "dynamodb_requests": {
            "conversation_total": sum(total_ops.values()),
            "per_callback_mean": round(sum(total_ops.values()) / max(len(probe.calls), 1), 2),
            "by_operation": dict(total_ops.most_common()),
            "setup_not_counted": sum(probe.setup_dynamodb.values()),
        },
        "server_cpu_ms": {
            "route_total": round(sum(c.route_cpu_ms for c in probe.calls), 1),
            "handler_total": round(sum(c.handler_cpu_ms for c in probe.calls), 1),
            "moto_total": round(sum(c.moto_cpu_ms for c in probe.calls), 1),
        },
        "by_method": by_method,
        "heaviest_callbacks": [
            {
                "number": number,
                "method": c.method,
                "requests": c.dynamodb_requests,
                "dynamodb": dict(c.dynamodb),
            }
            for number, c in sorted(
                enumerate(probe.calls, start=1), key=lambda pair: pair[1].dynamodb_requests, reverse=True
            )[:3]
        ],
        "callbacks_in_order": [
            {
                "method": c.method,
                "dynamodb": dict(c.dynamodb),
                "route_cpu_ms": round(c.route_cpu_ms, 2),
                "handler_cpu_ms": round(c.handler_cpu_ms, 2),
                "moto_cpu_ms": round(c.moto_cpu_ms, 2),
                "soap_body_bytes_posted": c.request_body_bytes,
                "soap_body_bytes_answered": c.response_body_bytes,
            }
            for c in probe.calls
        ],
    }


# -- password hashing and cold start --------------------------------------------------------------------


def _hashing() -> dict[str, Any]:
    from chalicelib.security.secrets import PBKDF2_ITERATIONS, hash_secret, verify_secret

    hashes: list[float] = []
    verifies: list[float] = []
    for _ in range(5):
        start = time.process_time()
        stored = hash_secret("correct horse battery staple")
        hashes.append((time.process_time() - start) * 1000)
        start = time.process_time()
        verify_secret("correct horse battery staple", stored)
        verifies.append((time.process_time() - start) * 1000)
    return {
        "iterations": PBKDF2_ITERATIONS,
        "hash_secret_cpu_ms_median": round(statistics.median(hashes), 1),
        "verify_secret_cpu_ms_median": round(statistics.median(verifies), 1),
        "verify_secret_cpu_ms_min": round(min(verifies), 1),
    }


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **FAKE_AWS_ENV}
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )


def _best_wall_ms(code: str, runs: int = 5) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        _python("-c", code)
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


@dataclass(frozen=True)
class ImportLine:
    name: str
    depth: int
    self_us: int
    cumulative_us: int


def _importtime(code: str) -> list[ImportLine]:
    lines: list[ImportLine] = []
    for raw in _python("-X", "importtime", "-c", code).stderr.splitlines():
        if not raw.startswith("import time:") or "[us]" in raw:
            continue
        self_us, cumulative_us, name = raw.removeprefix("import time:").split("|", 2)
        stripped = name.lstrip(" ")
        depth = (len(name) - len(stripped) - 1) // 2
        lines.append(ImportLine(stripped.strip(), depth, int(self_us), int(cumulative_us)))
    return lines


def _cold_start() -> dict[str, Any]:
    _python("-c", "import app")  # compile byte code once, as a deployed package has it
    best: list[ImportLine] = []
    best_total = math.inf
    for _ in range(3):
        lines = _importtime("import app")
        total = sum(line.cumulative_us for line in lines if line.name == "app" and line.depth == 0)
        if total < best_total:
            best, best_total = lines, total
    under_app = best[: next(i for i, line in enumerate(best) if line.name == "app" and line.depth == 0) + 1]
    by_self = sorted(under_app, key=lambda line: line.self_us, reverse=True)[:5]
    by_cumulative = sorted(
        (line for line in under_app if line.name != "app"), key=lambda line: line.cumulative_us, reverse=True
    )[:5]
    first_use = "import app, boto3; boto3.resource('dynamodb', region_name='us-east-1').Table('t')"
    return {
        "import_app_ms": round(best_total / 1000, 1),
        "modules_imported_by_app": len(under_app),
        "slowest_self": [{"module": line.name, "self_ms": round(line.self_us / 1000, 1)} for line in by_self],
        "slowest_cumulative": [
            {"module": line.name, "cumulative_ms": round(line.cumulative_us / 1000, 1)}
            for line in by_cumulative
        ],
        "wall_python_pass_ms": _best_wall_ms("pass"),
        "wall_import_app_ms": _best_wall_ms("import app"),
        "wall_import_app_and_boto3_resource_ms": _best_wall_ms(first_use),
    }


# -- report ----------------------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "  ") -> list[str]:
    """Aligned plain-text columns: numbers right-aligned, text left-aligned."""
    cells = [[str(c) for c in header], *[[_cell(c) for c in row] for row in rows]]
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


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _report(result: dict[str, Any]) -> str:
    out = [
        f"qbwc-bridge foundation benchmark, {result['generated_at']} ({result['machine']})",
        f"Python {result['python']}, moto {result['moto']}, boto3 {result['boto3']}; in-process against moto; "
        "CPU = time.process_time; nothing here is asserted.",
    ]
    for s in result["scenarios"]:
        out += _scenario_report(s)
    h = result["password_hashing"]
    c = result["cold_start"]
    out += [
        "",
        "CPU columns (ms per callback): route = Chalice's in-process test client + app + boto3 + moto;",
        "handler = the app's handle_soap_post only (app + boto3 + moto, no Chalice); handler-moto = handler minus",
        "the CPU measured inside moto's DynamoDB stub, i.e. app + boto3 client-side work (the closest figure to a",
        "Lambda's own CPU, which waits on the network for DynamoDB instead).",
        "",
        f"== password hashing (PBKDF2-HMAC-SHA512, {h['iterations']:,} iterations; CPU, median of 5)",
        f"  hash_secret {h['hash_secret_cpu_ms_median']} ms; verify_secret {h['verify_secret_cpu_ms_median']} ms "
        f"(min {h['verify_secret_cpu_ms_min']} ms); authenticate pays one verify_secret",
        "",
        "== cold start (subprocess, venv Python, byte code already compiled)",
        f"  -X importtime: import app {c['import_app_ms']} ms cumulative, {c['modules_imported_by_app']} modules "
        "(best of 3; importtime itself adds overhead)",
        "  slowest by self time:  "
        + ", ".join(f"{i['module']} {i['self_ms']} ms" for i in c["slowest_self"]),
        "  slowest by cumulative: "
        + ", ".join(f"{i['module']} {i['cumulative_ms']} ms" for i in c["slowest_cumulative"]),
        "  wall, best of 5:",
        f"    python -c pass                                   {c['wall_python_pass_ms']:>7} ms",
        f"    python -c 'import app'                           {c['wall_import_app_ms']:>7} ms",
        f"    ... + import boto3, create the DynamoDB resource {c['wall_import_app_and_boto3_resource_ms']:>7} ms"
        "  (what the first request adds: boto3 is imported lazily)",
    ]
    return "\n".join(out)


def _scenario_report(s: dict[str, Any]) -> list[str]:
    company = s["company"]
    ddb = s["dynamodb_requests"]
    cpu = s["server_cpu_ms"]
    out = [
        "",
        f"== {s['scenario']}: first conversation, {company['customers']:,} customers / {company['vendors']:,} "
        f"vendors / {company['items']:,} items, MaxReturned {s['list_page_size']}",
        f"  outcome {s['outcome']}; {s['callbacks']} callbacks; {s['requests_sent']} qbXML round trips "
        "(sendRequestXML answers with a request)",
        f"  conversation in-process: {s['conversation_wall_s']:.2f} s wall, {s['conversation_cpu_s']:.2f} s CPU "
        "(simulated QuickBooks included)",
        f"  server CPU, all callbacks: route {cpu['route_total']:,.1f} ms, handler {cpu['handler_total']:,.1f} ms, "
        f"handler-moto {cpu['handler_total'] - cpu['moto_total']:,.1f} ms",
        f"  DynamoDB: {ddb['conversation_total']:,} requests in the conversation, {ddb['per_callback_mean']} per "
        f"callback on average (set-up, not counted: {ddb['setup_not_counted']})",
        "    by operation: " + ", ".join(f"{op} {n:,}" for op, n in ddb["by_operation"].items()),
        "    heaviest callbacks: "
        + ", ".join(
            f"#{c['number']} {c['method']} {c['requests']} ({_operations(c['dynamodb'])})"
            for c in s["heaviest_callbacks"]
        ),
        "",
    ]
    req, resp = s["qbxml_request_bytes"], s["qbxml_response_bytes"]
    out += _table(
        ["qbXML per posting (bytes)", "count", "mean", "max", "total"],
        [
            ["request (sendRequestXML returned)", req["count"], req["mean"], req["max"], req["total"]],
            ["response (receiveResponseXML posted)", resp["count"], resp["mean"], resp["max"], resp["total"]],
        ],
    )
    out.append("")
    out += _table(
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
                _operations(m["dynamodb_requests"]["by_operation"]) or "-",
            ]
            for method, m in s["by_method"].items()
        ],
    )
    out.append("")
    layers = ("route_cpu_ms", "handler_cpu_ms", "handler_minus_moto_cpu_ms")
    out += _table(
        ["CPU ms per callback", "calls"]
        + [f"{label} {k}" for label in ("route", "handler", "handler-moto") for k in ("p50", "p95", "max")],
        [
            [method, m["calls"], *(m[layer][k] for layer in layers for k in ("p50", "p95", "max"))]
            for method, m in s["by_method"].items()
        ],
    )
    return out


def _operations(counts: dict[str, int]) -> str:
    return ", ".join(f"{op} {n}" for op, n in sorted(counts.items()))


def main() -> None:
    os.environ.update(FAKE_AWS_ENV)
    os.environ.pop("LIST_PAGE_SIZE", None)  # the app's default page size is what is measured
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from importlib.metadata import version

    started = time.perf_counter()
    now = datetime.now(UTC)
    result: dict[str, Any] = {
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "moto": version("moto"),
        "boto3": version("boto3"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "scenarios": [_scenario_result(scenario) for scenario in SCENARIOS],
        "password_hashing": _hashing(),
        "cold_start": _cold_start(),
    }
    result["bench_runtime_s"] = round(time.perf_counter() - started, 1)
    print(_report(result))
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2) + "\n"
    stamped = RESULTS / f"foundation-{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    stamped.write_text(text, encoding="utf-8")
    (RESULTS / "foundation-latest.json").write_text(text, encoding="utf-8")
    print(
        f"\nbenchmark took {result['bench_runtime_s']} s; JSON: {stamped.relative_to(REPO)} and "
        f"{(RESULTS / 'foundation-latest.json').relative_to(REPO)}"
    )


if __name__ == "__main__":
    main()
