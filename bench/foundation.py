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

Cold start: ``bench.coldstart``.

Output: a plain-text table on stdout, and the same data as JSON in ``bench/results/foundation-<UTC
time>.json`` and ``bench/results/foundation-latest.json``.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bench.measure import (
    CPU_COLUMNS_NOTE,
    Probe,
    by_method,
    cpu_table,
    in_process_app,
    instrumented,
    method_table,
    operations,
    prepare_process,
    publish,
    qbxml_requests,
    qbxml_responses,
    sizes,
    table,
    utf8_sizes,
    versions,
)

if TYPE_CHECKING:
    from simulators.qbwc import RunLog


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


# -- one scenario ----------------------------------------------------------------------------------------


def _run_scenario(scenario: Scenario) -> tuple[RunLog, Probe, dict[str, Any]]:
    from simulators.quickbooks import QuickBooksCompany

    probe = Probe()
    with in_process_app(probe) as running:
        build = time.perf_counter()
        company = QuickBooksCompany.sample(
            customers=scenario.customers, vendors=scenario.vendors, items=scenario.items
        )
        build_s = time.perf_counter() - build
        connector = running.api("POST", "/api/connectors", {"name": "Bench"}).json_body
        qwc, password = running.qbwc_user(connector["id"], "office-pc")
        connector_run = running.web_connector(qwc, password, company)
        with instrumented(probe):
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            run = connector_run.run()
            conversation = {
                "wall_s": time.perf_counter() - start_wall,
                "cpu_s": time.process_time() - start_cpu,
            }
    meta = {
        "list_page_size": running.settings.list_page_size,
        "company_build_s": round(build_s, 3),
        "conversation_wall_s": round(conversation["wall_s"], 3),
        "conversation_cpu_s": round(conversation["cpu_s"], 3),
    }
    return run, probe, meta


def _scenario_result(scenario: Scenario) -> dict[str, Any]:
    run, probe, meta = _run_scenario(scenario)
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
        "qbxml_request_bytes": sizes(utf8_sizes(qbxml_requests(run))),
        "qbxml_response_bytes": sizes(utf8_sizes(qbxml_responses(run))),
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
        "by_method": by_method(probe.calls),
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


# -- password hashing ------------------------------------------------------------------------------------


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


# -- report ----------------------------------------------------------------------------------------------


def _report(result: dict[str, Any]) -> str:
    out = [
        f"qbwc-bridge foundation benchmark, {result['generated_at']} ({result['machine']})",
        f"Python {result['python']}, moto {result['moto']}, boto3 {result['boto3']}; in-process against moto; "
        "CPU = time.process_time; nothing here is asserted.",
    ]
    for s in result["scenarios"]:
        out += _scenario_report(s)
    h = result["password_hashing"]
    out += [
        "",
        *CPU_COLUMNS_NOTE,
        "",
        f"== password hashing (PBKDF2-HMAC-SHA512, {h['iterations']:,} iterations; CPU, median of 5)",
        f"  hash_secret {h['hash_secret_cpu_ms_median']} ms; verify_secret {h['verify_secret_cpu_ms_median']} ms "
        f"(min {h['verify_secret_cpu_ms_min']} ms); authenticate pays one verify_secret",
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
            f"#{c['number']} {c['method']} {c['requests']} ({operations(c['dynamodb'])})"
            for c in s["heaviest_callbacks"]
        ),
        "",
    ]
    req, resp = s["qbxml_request_bytes"], s["qbxml_response_bytes"]
    out += table(
        ["qbXML per posting (bytes)", "count", "mean", "max", "total"],
        [
            ["request (sendRequestXML returned)", req["count"], req["mean"], req["max"], req["total"]],
            ["response (receiveResponseXML posted)", resp["count"], resp["mean"], resp["max"], resp["total"]],
        ],
    )
    out.append("")
    out += method_table(s["by_method"])
    out.append("")
    out += cpu_table(s["by_method"])
    return out


def main() -> None:
    prepare_process()
    started = time.perf_counter()
    now = datetime.now(UTC)
    result: dict[str, Any] = {
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        **versions(),
        "scenarios": [_scenario_result(scenario) for scenario in SCENARIOS],
        "password_hashing": _hashing(),
    }
    publish("foundation", result, now=now, started=started, report=_report(result))


if __name__ == "__main__":
    main()
