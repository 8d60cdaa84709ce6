"""What the measured callbacks would cost as Lambda invocations: estimated, printed, never asserted.

The model (each assumption stated, so the estimate can be redone with other figures):

* CPU: the app's own CPU per callback as measured here (``route - moto``: Chalice's handling, the app and
  boto3's client-side work, without the emulated DynamoDB), taken as one vCPU's work. Lambda gives a function
  CPU in proportion to its memory, one full vCPU at 1,769 MB, so at ``m`` MB the same work takes
  ``1769 / m`` times as long (never less than at 1,769 MB: the app uses one thread).
* DynamoDB: every request waits ``DYNAMODB_LATENCY_MS`` on the network and the service (in-region requests of
  a few KB take single-digit milliseconds; a 25-item batch write or a 100-key batch read a little more).
* Price: AWS Lambda, us-east-1, x86, on-demand, as published on https://aws.amazon.com/lambda/pricing/
  (figures unchanged since 2020; written here on 2026-11-28): ``PRICE_PER_GB_SECOND`` per GB-second of
  billed duration (rounded up to the millisecond) and ``PRICE_PER_MILLION_REQUESTS`` per million
  invocations. API Gateway, DynamoDB and SES are billed apart and not included.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from bench.measure import CallRecord
from infra.sizing import LAMBDA_MEMORY_MB, MAX_CALLBACK_SECONDS, MEMORY_SIZES_MB

PRICING_DATE = "2026-11-28"
PRICE_PER_GB_SECOND = 0.0000166667  # USD, x86, first 6 billion GB-seconds a month
PRICE_PER_MILLION_REQUESTS = 0.20  # USD
FULL_VCPU_MB = 1769
DYNAMODB_LATENCY_MS = 8.0


def callback_ms(call: CallRecord, memory_mb: int) -> float:
    """The estimated duration of one invocation serving ``call`` at ``memory_mb``."""
    cpu_ms = max(call.route_cpu_ms - call.moto_cpu_ms, 0.0)
    return cpu_ms * max(1.0, FULL_VCPU_MB / memory_mb) + call.dynamodb_requests * DYNAMODB_LATENCY_MS


def estimate(calls: Sequence[CallRecord], memory_mb: int, per: int) -> dict[str, Any]:
    """Duration and cost of ``calls`` at ``memory_mb``, totals per ``per`` units of work (1,000 documents)."""
    durations = [callback_ms(call, memory_mb) for call in calls]
    gb_seconds = sum(math.ceil(d) for d in durations) / 1000 * memory_mb / 1024
    cost = gb_seconds * PRICE_PER_GB_SECOND + len(calls) * PRICE_PER_MILLION_REQUESTS / 1e6
    scale = 1000 / max(per, 1)
    return {
        "memory_mb": memory_mb,
        "invocations": len(calls),
        "longest_callback_s": round(max(durations, default=0.0) / 1000, 2),
        "duration_s_per_1000": round(sum(durations) / 1000 * scale, 2),
        "cost_usd_per_1000": round(cost * scale, 6),
    }


def sizing(calls: Sequence[CallRecord], per: int) -> dict[str, Any]:
    """The estimate at each size of ``infra.sizing``, the cheapest keeping every callback under the limit, and
    whether the stack deploys that one."""
    sizes = [estimate(calls, memory, per) for memory in MEMORY_SIZES_MB]
    fitting = [s for s in sizes if s["longest_callback_s"] < MAX_CALLBACK_SECONDS]
    cheapest = min(fitting, key=lambda s: s["cost_usd_per_1000"])["memory_mb"] if fitting else None
    return {
        "assumptions": {
            "dynamodb_latency_ms": DYNAMODB_LATENCY_MS,
            "full_vcpu_mb": FULL_VCPU_MB,
            "price_per_gb_second_usd": PRICE_PER_GB_SECOND,
            "price_per_million_requests_usd": PRICE_PER_MILLION_REQUESTS,
            "pricing_date": PRICING_DATE,
        },
        "sizes": sizes,
        "cheapest_under_limit_mb": cheapest,
        "deployed_mb": LAMBDA_MEMORY_MB,
    }


def report(result: dict[str, Any], units: str) -> list[str]:
    """The sizing table and its verdict, as printed lines."""
    lines = [
        f"  Lambda, estimated per 1,000 {units} (every callback and every enqueue request; CPU scaled by memory, "
        f"{result['assumptions']['dynamodb_latency_ms']:g} ms per DynamoDB request,",
        f"  ${result['assumptions']['price_per_gb_second_usd']:.10f} per GB-s and "
        f"${result['assumptions']['price_per_million_requests_usd']:.2f} per million requests, us-east-1 x86, "
        f"prices of {result['assumptions']['pricing_date']}; see bench/lambda_cost.py):",
        "    memory MB  invocations  longest callback s  duration s  cost USD",
    ]
    for s in result["sizes"]:
        lines.append(
            f"    {s['memory_mb']:>9}  {s['invocations']:>11,}  {s['longest_callback_s']:>18.2f}  "
            f"{s['duration_s_per_1000']:>10.2f}  {s['cost_usd_per_1000']:>8.5f}"
        )
    cheapest, deployed = result["cheapest_under_limit_mb"], result["deployed_mb"]
    verdict = (
        "the stack deploys it"
        if cheapest == deployed
        else f"the stack deploys {deployed} MB: change infra/sizing.py"
    )
    lines.append(
        f"    cheapest size keeping every callback under {MAX_CALLBACK_SECONDS:g} s: {cheapest} MB ({verdict})"
    )
    return lines
