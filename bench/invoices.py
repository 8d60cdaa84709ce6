"""What 1,000 invoices cost on their way into QuickBooks: measured and printed, never asserted.

Run ``make bench`` (or ``.venv/bin/python -m bench.invoices``). In this process against moto, with the app's
defaults (``bench.measure`` describes the set-up and the probes). 1,000 invoices for 200 organizations (2-3
lines each, five billing codes, three lines of business mapped to classes, every sixth organization tax
exempt) are enqueued through ``POST /api/transfers/invoices`` with a source token; the connector has
invoice transfers on, QuickBooks is the sample company at its default sizes, where none of the customers
exist. Then the QBWC simulator runs conversations until ``authenticate`` answers ``none``.

What is measured, and how:

* **Round trips**: sendRequestXML calls that returned a qbXML request, per conversation and in total; each
  is classified by the steps whose requests it carried (the step key prefixes every requestID): preflight
  (list reads and the company check), reconcile, customer creation, item creation, invoice adds, paid-date
  sync.
* **qbXML bytes per posting**: UTF-8 size of each request (sendRequestXML's result) and of each response
  (receiveResponseXML's ``response``), and each request's size and request count against the message
  budget (``Settings.max_message_bytes`` / ``max_message_requests``).
* **DynamoDB requests per transferred invoice**: every request of the enqueue phase and of the
  conversations (set-up and the final verification are counted apart), by phase, by operation and by step;
  the items BatchWriteItem / BatchGetItem requests carried are counted apart (a batch is one request).
* **Server CPU per callback**: p50 / p95 / max per SOAP method (route, handler, handler - moto), and per
  enqueue request (route, route - moto).
* **Throughput**: transferred invoices per second of wall time from the first conversation's start to the
  last one's end (simulated QuickBooks included), and enqueued invoices per second.
* **Goals** next to the measured values, PASS or MISS (printed only): at most 15 round trips per 1,000
  invoices including preflight and customer creation, at most 2 DynamoDB requests per invoice, no posting
  over the message budget.
* **Verification** (printed): every invoice is in the simulated company exactly once (by ExternalGUID) and
  every transfer is ``transferred``.

Output: a plain-text table on stdout, and the same data as JSON in ``bench/results/invoices-<UTC
time>.json`` and ``bench/results/invoices-latest.json``.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lxml import etree

from bench.measure import (
    CPU_COLUMNS_NOTE,
    SETUP,
    CallRecord,
    InProcessApp,
    Probe,
    by_method,
    cpu_table,
    in_process_app,
    instrumented,
    method_table,
    operations,
    percentile,
    prepare_process,
    qbxml_requests,
    qbxml_responses,
    sizes,
    spread,
    table,
    utf8_sizes,
    versions,
    write_results,
)

if TYPE_CHECKING:
    from simulators.qbwc import RunLog
    from simulators.quickbooks import QuickBooksCompany

INVOICES = 1_000
ORGANIZATIONS = 200
ENQUEUE = "enqueue"
VERIFY = "(verify)"
MAX_CONVERSATIONS = 25  # a safety stop: the queue should drain in a few
GOAL_ROUND_TRIPS_PER_1000 = 15
GOAL_DYNAMODB_PER_INVOICE = 2.0

BILLING_CODES = ("Remote Support", "Onsite Support", "Project Work", "Backup Monitoring", "Hardware")
LINES_OF_BUSINESS = {  # line of business -> class in the sample company
    "Managed Services": "Consulting:Remote",
    "Projects": "Consulting:Onsite",
    "Hardware Sales": "Retail",
}
_PRACTICES = ("Dental", "Law Offices", "Veterinary Clinic", "Accounting", "Family Medicine", "Architects")
_TOWNS = ("Springfield", "Riverton", "Lakeside", "Fairview", "Greenville", "Oak Ridge", "Milford", "Salem")

# What each step key (the requestID prefix) is, for the round-trip breakdown; in the order of a conversation.
STEP_GROUPS = (
    ("list.", "preflight"),
    ("check", "preflight"),
    ("invoices.reconcile", "reconcile"),
    ("invoices.customers", "customers"),
    ("invoices.items", "items"),
    ("invoices.add", "invoice adds"),
    ("invoices.paid", "paid dates"),
)
GROUPS = tuple(dict.fromkeys(group for _prefix, group in STEP_GROUPS))


# -- the invoices ----------------------------------------------------------------------------------------


def organization(n: int) -> dict[str, Any]:
    """The n-th PSA organization (deterministic); every sixth is tax exempt."""
    town = _TOWNS[n % len(_TOWNS)]
    return {
        "id": f"ORG-{n:05d}",
        "name": f"{town} {_PRACTICES[n % len(_PRACTICES)]} {n:03d}",
        "tax_exempt": n % 6 == 0,
        "email": f"ap{n}@org{n}.example",
        "bill_address": {"lines": [f"{100 + n} Market Street"], "city": town, "state": "OR", "postal_code": "97301"},
    }


def invoice(n: int, organizations: int = ORGANIZATIONS) -> dict[str, Any]:
    """The n-th invoice (deterministic): organization ``n % organizations``, 2 or 3 lines."""
    lines: list[dict[str, Any]] = []
    for i in range(2 + n % 2):
        code = BILLING_CODES[(n + 2 * i) % len(BILLING_CODES)]
        line: dict[str, Any] = {
            "billing_code": code,
            "description": f"{code}, November ({n}-{i})",
            "line_of_business": "Hardware Sales" if code == "Hardware" else tuple(LINES_OF_BUSINESS)[(n + i) % 2],
            "taxable": code == "Hardware",
        }
        if code == "Hardware":
            line["amount"] = f"{149 + (n % 7) * 50}.00"
        else:
            line.update(quantity=f"{1 + (n + i) % 4}.5", rate="125.00" if code == "Project Work" else "95.50")
        lines.append(line)
    return {
        "source_id": f"PSA-INV-{n:06d}",
        "number": f"B{20000 + n}",
        "date": "2026-11-20",
        "due_date": "2026-12-20",
        "po_number": f"PO-{n % 97}",
        "memo": f"Managed services, November 2026 (#{n})",
        "organization": organization(n % organizations),
        "lines": lines,
    }


# -- the run ---------------------------------------------------------------------------------------------


@dataclass
class Conversation:
    number: int
    run: RunLog
    calls: list[CallRecord]
    wall_s: float
    cpu_s: float

    @property
    def phase(self) -> str:
        return _conversation_phase(self.number)


@dataclass
class Measured:
    probe: Probe
    ids: list[str]
    conversations: list[Conversation]
    enqueue_wall_s: float
    enqueue_cpu_s: float
    conversations_wall_s: float
    conversations_cpu_s: float
    max_message_bytes: int
    max_message_requests: int
    max_transfers_per_conversation: int
    list_page_size: int
    company: dict[str, int]
    verification: dict[str, Any]


def _conversation_phase(number: int) -> str:
    return f"conversation {number}"


def _run() -> Measured:
    from simulators.quickbooks import QuickBooksCompany

    probe = Probe()
    with in_process_app(probe) as running, instrumented(probe):
        connector = running.api(
            "POST", "/api/connectors", {"name": "Bench", "transfers": {"invoices": True}}
        ).json_body
        running.api(
            "PUT",
            f"/api/connectors/{connector['id']}/mappings/lines-of-business",
            {"entries": [{"source": lob, "class": qb_class} for lob, qb_class in LINES_OF_BUSINESS.items()]},
        )
        qwc, password = running.qbwc_user(connector["id"], "office-pc")
        source = running.token_headers("source")
        company = QuickBooksCompany.sample()
        documents = [invoice(n) for n in range(INVOICES)]

        probe.phase = ENQUEUE
        ids: list[str] = []
        cpu, wall = time.process_time(), time.perf_counter()
        for document in documents:
            with probe.record("POST /api/transfers/invoices"):
                answer = running.api("POST", "/api/transfers/invoices", document, headers=source)
            ids.append(str(answer.json_body["id"]))
        enqueue_wall_s, enqueue_cpu_s = time.perf_counter() - wall, time.process_time() - cpu

        conversations: list[Conversation] = []
        cpu, wall = time.process_time(), time.perf_counter()
        for number in range(1, MAX_CONVERSATIONS + 1):
            probe.phase = _conversation_phase(number)
            first_call = len(probe.calls)
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            run = running.web_connector(qwc, password, company).run()
            conversations.append(
                Conversation(
                    number,
                    run,
                    probe.calls[first_call:],
                    time.perf_counter() - start_wall,
                    time.process_time() - start_cpu,
                )
            )
            if run.outcome == "none":
                break
        conversations_wall_s, conversations_cpu_s = time.perf_counter() - wall, time.process_time() - cpu

        probe.phase = VERIFY
        verification = _verify(running, company, ids)
        settings = running.settings
    return Measured(
        probe=probe,
        ids=ids,
        conversations=conversations,
        enqueue_wall_s=enqueue_wall_s,
        enqueue_cpu_s=enqueue_cpu_s,
        conversations_wall_s=conversations_wall_s,
        conversations_cpu_s=conversations_cpu_s,
        max_message_bytes=settings.max_message_bytes,
        max_message_requests=settings.max_message_requests,
        max_transfers_per_conversation=settings.max_transfers_per_conversation,
        list_page_size=settings.list_page_size,
        company={"customers": len(company.customers), "items": len(company.items)},
        verification=verification,
    )


def _verify(running: InProcessApp, company: QuickBooksCompany, ids: list[str]) -> dict[str, Any]:
    """Every invoice in QuickBooks exactly once, every transfer transferred (read from the store directly)."""
    from chalicelib.domain.transfer import external_guid

    copies = Counter(len(company.find_invoices_by_external_guid(external_guid(i))) for i in ids)
    statuses = Counter(running.store.transfers.get(i).status for i in ids)
    names = [c.full_name for c in company.customers]
    wanted = {organization(n)["name"] for n in range(ORGANIZATIONS)}
    return {
        "invoices_exactly_once": copies.get(1, 0),
        "invoices_missing": copies.get(0, 0),
        "invoices_duplicated": sum(n for k, n in copies.items() if k > 1),
        "company_invoices": len(company.invoices),
        "statuses": dict(statuses.most_common()),
        "customers_for_organizations": sum(1 for name in names if name in wanted),
        "ok": copies == Counter({1: len(ids)})
        and statuses == Counter({"transferred": len(ids)})
        and len(company.invoices) == len(ids),
    }


# -- analysis --------------------------------------------------------------------------------------------


def _group_of(step_key: str) -> str:
    for prefix, group in STEP_GROUPS:
        if step_key.startswith(prefix):
            return group
    return step_key


def _message_steps(request_xml: str) -> Counter[str]:
    """Requests per step group in one qbXML request message (from the requestID prefixes)."""
    root = etree.fromstring(request_xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    found = Counter[str]()
    for element in root.iter():
        request_id = element.get("requestID") if isinstance(element.tag, str) else None
        if request_id and element.tag.endswith("Rq"):
            found[_group_of(request_id.split(":", 1)[0])] += 1
    return found


def _label(groups: Counter[str]) -> str:
    return "+".join(g for g in GROUPS if groups.get(g)) or "other"


def _callback_groups(conversation: Conversation) -> list[str]:
    """For each callback of the conversation: the step groups it served (a method name when none)."""
    labels: list[str] = []
    current = ""
    for callback in conversation.run.callbacks:
        if callback.method == "sendRequestXML":
            request = callback.result if isinstance(callback.result, str) else ""
            current = _label(_message_steps(request)) if request else "sendRequestXML (nothing to send)"
            labels.append(current)
        elif callback.method == "receiveResponseXML":
            labels.append(current)
        else:
            labels.append(callback.method)
    return labels


def _conversation_result(conversation: Conversation, budget: tuple[int, int]) -> dict[str, Any]:
    requests = qbxml_requests(conversation.run)
    messages = [_message_steps(r) for r in requests]
    round_trips = Counter[str]()
    qbxml_by_group = Counter[str]()
    for groups in messages:
        round_trips.update(dict.fromkeys(groups, 1))
        qbxml_by_group.update(groups)
    max_bytes, max_requests = budget
    request_sizes = utf8_sizes(requests)
    return {
        "number": conversation.number,
        "outcome": conversation.run.outcome,
        "callbacks": len(conversation.run.callbacks),
        "round_trips": conversation.run.requests_sent,
        "round_trips_carrying": {g: round_trips[g] for g in GROUPS if round_trips[g]},
        "qbxml_requests_by_step": {g: qbxml_by_group[g] for g in GROUPS if qbxml_by_group[g]},
        "messages": [
            {
                "steps": _label(groups),
                "requests": sum(groups.values()),
                "request_bytes": size,
                "over_budget": size > max_bytes or sum(groups.values()) > max_requests,
            }
            for groups, size in zip(messages, request_sizes, strict=True)
        ],
        "wall_s": round(conversation.wall_s, 3),
        "cpu_s": round(conversation.cpu_s, 3),
        "dynamodb_requests": sum(c.dynamodb_requests for c in conversation.calls),
    }


def _result(m: Measured) -> dict[str, Any]:
    probe = m.probe
    transferred = m.verification["statuses"].get("transferred", 0)
    per_invoice = max(transferred, 1)
    phases = [ENQUEUE, *(c.phase for c in m.conversations)]
    total_requests, total_items = probe.dynamodb(phases)
    enqueue_requests, enqueue_items = probe.dynamodb([ENQUEUE])
    conversation_phases = [c.phase for c in m.conversations]
    conv_requests, conv_items = probe.dynamodb(conversation_phases)
    soap_calls = [c for c in probe.calls if c.phase in conversation_phases]
    enqueue_calls = [c for c in probe.calls if c.phase == ENQUEUE]
    budget = (m.max_message_bytes, m.max_message_requests)

    by_step: dict[str, dict[str, Any]] = {}
    for conversation in m.conversations:
        for label, call in zip(_callback_groups(conversation), conversation.calls, strict=True):
            entry = by_step.setdefault(
                label, {"callbacks": 0, "requests": 0, "by_operation": Counter[str](), "batch_items": Counter[str]()}
            )
            entry["callbacks"] += 1
            entry["requests"] += call.dynamodb_requests
            entry["by_operation"].update(call.dynamodb)
            entry["batch_items"].update(call.dynamodb_items)
    all_requests = [r for c in m.conversations for r in qbxml_requests(c.run)]
    all_responses = [r for c in m.conversations for r in qbxml_responses(c.run)]
    request_sizes, response_sizes = utf8_sizes(all_requests), utf8_sizes(all_responses)
    conversations = [_conversation_result(c, budget) for c in m.conversations]
    over_budget = sum(1 for c in conversations for message in c["messages"] if message["over_budget"])
    round_trips = sum(c.run.requests_sent for c in m.conversations)
    round_trips_per_1000 = round(round_trips * 1000 / per_invoice, 1)
    dynamodb_per_invoice = round(sum(total_requests.values()) / per_invoice, 2)
    end_to_end = m.conversations_wall_s
    return {
        "invoices": INVOICES,
        "organizations": ORGANIZATIONS,
        "lines": sum(len(invoice(n)["lines"]) for n in range(INVOICES)),
        "company_at_start": {"customers": 25, "vendors": 10, "items": 20},
        "company_at_end": m.company,
        "settings": {
            "max_message_bytes": m.max_message_bytes,
            "max_message_requests": m.max_message_requests,
            "max_transfers_per_conversation": m.max_transfers_per_conversation,
            "list_page_size": m.list_page_size,
        },
        "conversations": conversations,
        "round_trips": {
            "total": round_trips,
            "per_1000_invoices": round_trips_per_1000,
            "conversations": len(m.conversations),
            "conversations_with_round_trips": sum(1 for c in m.conversations if c.run.requests_sent),
        },
        "qbxml_request_bytes": sizes(request_sizes),
        "qbxml_response_bytes": sizes(response_sizes),
        "qbxml_requests_per_message_max": max((sum(_message_steps(r).values()) for r in all_requests), default=0),
        "postings_over_budget": over_budget,
        "responses_over_max_message_bytes": sum(1 for size in response_sizes if size > m.max_message_bytes),
        "dynamodb": {
            "total": sum(total_requests.values()),
            "per_invoice": dynamodb_per_invoice,
            "by_phase": {
                ENQUEUE: sum(enqueue_requests.values()),
                **{c.phase: sum(x.dynamodb_requests for x in c.calls) for c in m.conversations},
            },
            "enqueue_per_invoice": round(sum(enqueue_requests.values()) / per_invoice, 2),
            "conversations_per_invoice": round(sum(conv_requests.values()) / per_invoice, 2),
            "by_operation": {
                "enqueue": dict(enqueue_requests.most_common()),
                "conversations": dict(conv_requests.most_common()),
                "total": dict(total_requests.most_common()),
            },
            "batch_items": {
                "enqueue": dict(enqueue_items),
                "conversations": dict(conv_items),
                "total": dict(total_items),
            },
            "by_step": {
                label: {**e, "by_operation": dict(e["by_operation"]), "batch_items": dict(e["batch_items"])}
                for label, e in by_step.items()
            },
            "setup_not_counted": sum(probe.outside.get(SETUP, Counter()).values()),
            "verify_not_counted": sum(probe.outside.get(VERIFY, Counter()).values()),
        },
        "by_method": by_method(soap_calls),
        "enqueue_cpu_ms": {
            "route": spread([c.route_cpu_ms for c in enqueue_calls]),
            "route_minus_moto": spread([c.route_cpu_ms - c.moto_cpu_ms for c in enqueue_calls]),
            "wall_p50": round(percentile([c.route_wall_ms for c in enqueue_calls], 50), 2),
        },
        "throughput": {
            "enqueue_wall_s": round(m.enqueue_wall_s, 3),
            "enqueue_cpu_s": round(m.enqueue_cpu_s, 3),
            "enqueued_per_s": round(INVOICES / m.enqueue_wall_s, 1),
            "conversations_wall_s": round(end_to_end, 3),
            "conversations_cpu_s": round(m.conversations_cpu_s, 3),
            "transferred_per_s": round(transferred / end_to_end, 1) if end_to_end else 0.0,
            "server_route_cpu_s": round(sum(c.route_cpu_ms for c in soap_calls) / 1000, 3),
        },
        "goals": [
            {
                "goal": f"round trips per 1,000 invoices (preflight and customers included) <= {GOAL_ROUND_TRIPS_PER_1000}",
                "measured": round_trips_per_1000,
                "met": round_trips_per_1000 <= GOAL_ROUND_TRIPS_PER_1000,
            },
            {
                "goal": f"DynamoDB requests per invoice (enqueue + conversations) <= {GOAL_DYNAMODB_PER_INVOICE:g}",
                "measured": dynamodb_per_invoice,
                "met": dynamodb_per_invoice <= GOAL_DYNAMODB_PER_INVOICE,
            },
            {
                "goal": f"no posting over the message budget ({m.max_message_bytes:,} bytes / "
                f"{m.max_message_requests} requests)",
                "measured": over_budget,
                "met": over_budget == 0,
            },
        ],
        "verification": m.verification,
    }


# -- report ----------------------------------------------------------------------------------------------


def report(r: dict[str, Any]) -> str:
    rt = r["round_trips"]
    ddb = r["dynamodb"]
    tp = r["throughput"]
    v = r["verification"]
    st = r["settings"]
    out = [
        "",
        f"== invoices: {r['invoices']:,} invoices ({r['lines']:,} lines) for {r['organizations']} organizations, "
        f"all new customers; sample company ({r['company_at_start']['customers']} customers, "
        f"{r['company_at_start']['items']} items); MaxReturned {st['list_page_size']}, up to "
        f"{st['max_transfers_per_conversation']:,} transfers per conversation",
        f"  {rt['conversations']} conversations ({rt['conversations_with_round_trips']} with round trips, the last "
        f"answered 'none'); {rt['total']} qbXML round trips = {rt['per_1000_invoices']} per 1,000 invoices",
        "",
    ]
    out += table(
        ["conversation", "outcome", "callbacks", "round trips", *GROUPS, "DDB req", "wall s"],
        [
            [
                c["number"],
                c["outcome"],
                c["callbacks"],
                c["round_trips"],
                *(_carrying(c, g) for g in GROUPS),
                c["dynamodb_requests"],
                c["wall_s"],
            ]
            for c in r["conversations"]
        ],
    )
    out.append("  (step columns: round trips carrying that step's requests / qbXML requests of that step)")
    out.append("")
    out.append("  round trips in order (steps carried, qbXML requests, request bytes):")
    for c in r["conversations"]:
        for number, message in enumerate(c["messages"], start=1):
            flag = "  OVER BUDGET" if message["over_budget"] else ""
            out.append(
                f"    conversation {c['number']} #{number}: {message['steps']}, {message['requests']} requests, "
                f"{message['request_bytes']:,} B{flag}"
            )
    req, resp = r["qbxml_request_bytes"], r["qbxml_response_bytes"]
    out += ["", *table(
        ["qbXML per posting (bytes)", "count", "mean", "max", "total"],
        [
            ["request (sendRequestXML returned)", req["count"], req["mean"], req["max"], req["total"]],
            ["response (receiveResponseXML posted)", resp["count"], resp["mean"], resp["max"], resp["total"]],
        ],
    )]
    out += [
        f"  budget per message: {st['max_message_bytes']:,} bytes / {st['max_message_requests']} requests; "
        f"largest request message {req['max']:,} B with up to {r['qbxml_requests_per_message_max']} requests; "
        f"postings over budget: {r['postings_over_budget']} (responses over {st['max_message_bytes']:,} B, "
        f"which QuickBooks decides: {r['responses_over_max_message_bytes']})",
        "",
        f"  DynamoDB: {ddb['total']:,} requests for {v['statuses'].get('transferred', 0):,} transferred invoices = "
        f"{ddb['per_invoice']} per invoice (enqueue {ddb['enqueue_per_invoice']}, conversations "
        f"{ddb['conversations_per_invoice']}); set-up {ddb['setup_not_counted']} and verification "
        f"{ddb['verify_not_counted']} not counted",
    ]
    batch = ddb["batch_items"]
    out += table(
        ["DynamoDB by phase", "requests", "per invoice", "operations", "items in batches"],
        [
            [
                phase,
                n,
                round(n / max(r["invoices"], 1), 2),
                operations(ddb["by_operation"]["enqueue"]) if phase == ENQUEUE else _phase_ops(r, phase),
                _items(batch["enqueue"]) if phase == ENQUEUE else "",
            ]
            for phase, n in ddb["by_phase"].items()
        ]
        + [
            [
                "all conversations",
                sum(n for p, n in ddb["by_phase"].items() if p != ENQUEUE),
                ddb["conversations_per_invoice"],
                operations(ddb["by_operation"]["conversations"]),
                _items(batch["conversations"]),
            ],
            ["total", ddb["total"], ddb["per_invoice"], operations(ddb["by_operation"]["total"]), _items(batch["total"])],
        ],
    )
    out.append("")
    out += table(
        ["DynamoDB by step (all conversations)", "callbacks", "requests", "per invoice", "operations", "items in batches"],
        [
            [
                label,
                e["callbacks"],
                e["requests"],
                round(e["requests"] / max(r["invoices"], 1), 3),
                operations(e["by_operation"]) or "-",
                _items(e["batch_items"]),
            ]
            for label, e in sorted(ddb["by_step"].items(), key=lambda pair: -pair[1]["requests"])
        ],
    )
    out.append("")
    out += method_table(r["by_method"])
    out.append("")
    out += cpu_table(r["by_method"])
    e = r["enqueue_cpu_ms"]
    out += [
        f"  enqueue (POST /api/transfers/invoices), CPU ms per request: route p50 {e['route']['p50']}, p95 "
        f"{e['route']['p95']}, max {e['route']['max']}; route-moto p50 {e['route_minus_moto']['p50']}, p95 "
        f"{e['route_minus_moto']['p95']}",
        "",
        f"  throughput: enqueue {tp['enqueued_per_s']:,.1f} invoices/s ({r['invoices']:,} in {tp['enqueue_wall_s']:.2f} s "
        f"wall, {tp['enqueue_cpu_s']:.2f} s CPU); end-to-end {tp['transferred_per_s']:,.1f} invoices/s "
        f"({tp['conversations_wall_s']:.2f} s wall from the first conversation's start to the last one's end, "
        f"{tp['conversations_cpu_s']:.2f} s CPU, of which server route {tp['server_route_cpu_s']:.2f} s; simulated "
        "QuickBooks included)",
        "",
        "  goals (printed, not asserted):",
    ]
    out += table(
        ["goal", "measured", "result"],
        [[g["goal"], g["measured"], "PASS" if g["met"] else "MISS"] for g in r["goals"]],
        indent="    ",
    )
    out += [
        "",
        f"  verification: {v['invoices_exactly_once']:,} of {r['invoices']:,} invoices in QuickBooks exactly once "
        f"(missing {v['invoices_missing']}, duplicated {v['invoices_duplicated']}; {v['company_invoices']:,} "
        f"invoices in the company); transfer statuses: "
        + ", ".join(f"{status} {n:,}" for status, n in v["statuses"].items())
        + f"; {v['customers_for_organizations']} customers for the {r['organizations']} organizations -> "
        + ("OK" if v["ok"] else "NOT OK"),
    ]
    return "\n".join(out)


def _carrying(conversation: dict[str, Any], group: str) -> str:
    trips = conversation["round_trips_carrying"].get(group, 0)
    return f"{trips}/{conversation['qbxml_requests_by_step'].get(group, 0)}" if trips else "-"


def _phase_ops(r: dict[str, Any], phase: str) -> str:
    number = int(phase.rsplit(" ", 1)[-1])
    calls = [c for c in r["conversations"] if c["number"] == number]
    return "" if not calls else "see by step"


def _items(counts: dict[str, int]) -> str:
    return ", ".join(f"{op} {n:,}" for op, n in sorted(counts.items())) or "-"


def run() -> dict[str, Any]:
    """Measure; the result (JSON-safe) also goes to bench/results/."""
    started = time.perf_counter()
    now = datetime.now(UTC)
    result: dict[str, Any] = {
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        **versions(),
        **_result(_run()),
    }
    result["bench_runtime_s"] = round(time.perf_counter() - started, 1)
    return {"result": result, "now": now}


def main() -> None:
    prepare_process()
    measured = run()
    result = measured["result"]
    print(
        f"qbwc-bridge invoice benchmark, {result['generated_at']} ({result['machine']})\n"
        f"Python {result['python']}, moto {result['moto']}, boto3 {result['boto3']}; in-process against moto; "
        "CPU = time.process_time; nothing here is asserted."
    )
    print(report(result))
    print("", *CPU_COLUMNS_NOTE, sep="\n")
    where = write_results("invoices", result, measured["now"])
    print(f"\nbenchmark took {result['bench_runtime_s']} s; JSON: {where}")


if __name__ == "__main__":
    main()
