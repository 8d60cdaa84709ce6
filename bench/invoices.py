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
from dataclasses import dataclass, field
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
    prepare_process,
    sizes,
    spread,
    table,
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
        "bill_address": {
            "lines": [f"{100 + n} Market Street"],
            "city": town,
            "state": "OR",
            "postal_code": "97301",
        },
    }


def invoice(n: int, organizations: int = ORGANIZATIONS) -> dict[str, Any]:
    """The n-th invoice (deterministic): organization ``n % organizations``, 2 or 3 lines."""
    lines: list[dict[str, Any]] = []
    for i in range(2 + n % 2):
        code = BILLING_CODES[(n + 2 * i) % len(BILLING_CODES)]
        line: dict[str, Any] = {
            "billing_code": code,
            "description": f"{code}, November ({n}-{i})",
            "line_of_business": "Hardware Sales"
            if code == "Hardware"
            else tuple(LINES_OF_BUSINESS)[(n + i) % 2],
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
    conversations: list[Conversation]
    enqueue_wall_s: float
    enqueue_cpu_s: float
    conversations_wall_s: float
    conversations_cpu_s: float
    max_message_bytes: int
    max_message_requests: int
    max_transfers_per_conversation: int
    list_page_size: int
    company_at_start: dict[str, int]
    company_at_end: dict[str, int]
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
        company_at_start = _company_size(company)
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
        conversations=conversations,
        enqueue_wall_s=enqueue_wall_s,
        enqueue_cpu_s=enqueue_cpu_s,
        conversations_wall_s=conversations_wall_s,
        conversations_cpu_s=conversations_cpu_s,
        max_message_bytes=settings.max_message_bytes,
        max_message_requests=settings.max_message_requests,
        max_transfers_per_conversation=settings.max_transfers_per_conversation,
        list_page_size=settings.list_page_size,
        company_at_start=company_at_start,
        company_at_end=_company_size(company),
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


def _company_size(company: QuickBooksCompany) -> dict[str, int]:
    return {
        "customers": len(company.customers),
        "items": len(company.items),
        "invoices": len(company.invoices),
    }


# -- analysis --------------------------------------------------------------------------------------------


@dataclass
class RoundTrip:
    """One qbXML request message and its answer, with the two callbacks that carried them."""

    conversation: int
    number: int
    requests: Counter[tuple[str, str]]  # (step group, qbXML request type) -> count
    request_bytes: int
    response_bytes: int = 0
    calls: list[CallRecord] = field(default_factory=list)

    @property
    def groups(self) -> Counter[str]:
        found = Counter[str]()
        for (group, _type), n in self.requests.items():
            found[group] += n
        return found

    @property
    def label(self) -> str:
        return "+".join(g for g in GROUPS if self.groups.get(g)) or "other"

    def over_budget(self, max_bytes: int, max_requests: int) -> bool:
        return self.request_bytes > max_bytes or sum(self.requests.values()) > max_requests


def _group_of(step_key: str) -> str:
    for prefix, group in STEP_GROUPS:
        if step_key.startswith(prefix):
            return group
    return step_key


def _message_requests(request_xml: str) -> Counter[tuple[str, str]]:
    """(step group, request type) -> count in one qbXML request message, from the requestID prefixes."""
    root = etree.fromstring(
        request_xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)
    )
    found = Counter[tuple[str, str]]()
    for element in root.iter("QBXMLMsgsRq"):
        for request in element.iterchildren(etree.Element):
            step_key = str(request.get("requestID", "?")).split(":", 1)[0]
            found[(_group_of(step_key), etree.QName(request).localname)] += 1
    return found


def _walk(conversation: Conversation) -> tuple[list[RoundTrip], list[tuple[str, CallRecord]]]:
    """The conversation's round trips, and every callback labelled with what it served."""
    if len(conversation.calls) != len(conversation.run.callbacks):
        raise RuntimeError("recorded calls and the simulator's callbacks differ: the measurement is broken")
    trips: list[RoundTrip] = []
    labelled: list[tuple[str, CallRecord]] = []
    current: RoundTrip | None = None
    for callback, call in zip(conversation.run.callbacks, conversation.calls, strict=True):
        label = callback.method
        if callback.method == "sendRequestXML" and isinstance(callback.result, str) and callback.result:
            current = RoundTrip(
                conversation.number,
                len(trips) + 1,
                _message_requests(callback.result),
                len(callback.result.encode("utf-8")),
                calls=[call],
            )
            trips.append(current)
            label = current.label
        elif callback.method == "sendRequestXML":
            label = "sendRequestXML (nothing to send)"
        elif callback.method == "receiveResponseXML" and current is not None:
            current.response_bytes = len(str(callback.arguments.get("response", "")).encode("utf-8"))
            current.calls.append(call)
            label = current.label
        labelled.append((label, call))
    return trips, labelled


def _tally(calls: list[CallRecord]) -> dict[str, Any]:
    """DynamoDB requests and batch items of these recorded calls."""
    requests, items = Counter[str](), Counter[str]()
    for call in calls:
        requests.update(call.dynamodb)
        items.update(call.dynamodb_items)
    return _counted(requests, items)


def _phase_tally(probe: Probe, phases: list[str]) -> dict[str, Any]:
    """DynamoDB requests and batch items of whole phases (recorded calls and anything outside them)."""
    return _counted(*probe.dynamodb(phases))


def _counted(requests: Counter[str], items: Counter[str]) -> dict[str, Any]:
    return {
        "requests": sum(requests.values()),
        "by_operation": dict(requests.most_common()),
        "batch_items": dict(items.most_common()),
    }


def _result(m: Measured) -> dict[str, Any]:
    probe = m.probe
    transferred = m.verification["statuses"].get("transferred", 0)
    per_invoice = max(transferred, 1)
    budget = (m.max_message_bytes, m.max_message_requests)
    enqueue_calls = [c for c in probe.calls if c.phase == ENQUEUE]
    soap_calls = [c for conversation in m.conversations for c in conversation.calls]

    trips: list[RoundTrip] = []
    conversations: list[dict[str, Any]] = []
    steps: dict[str, list[CallRecord]] = {}
    for conversation in m.conversations:
        its_trips, labelled = _walk(conversation)
        trips += its_trips
        for label, call in labelled:
            steps.setdefault(label, []).append(call)
        carrying: dict[str, str] = {}
        for group in GROUPS:
            with_group = [t for t in its_trips if t.groups.get(group)]
            if with_group:
                carrying[group] = f"{len(with_group)}/{sum(t.groups[group] for t in with_group)}"
        conversations.append(
            {
                "number": conversation.number,
                "outcome": conversation.run.outcome,
                "callbacks": len(conversation.run.callbacks),
                "round_trips": conversation.run.requests_sent,
                "round_trips_and_requests_by_step": carrying,
                "dynamodb": _phase_tally(probe, [conversation.phase]),
                "wall_s": round(conversation.wall_s, 3),
                "cpu_s": round(conversation.cpu_s, 3),
            }
        )
    if len(trips) != sum(c.run.requests_sent for c in m.conversations):
        raise RuntimeError("round trips found in the callbacks differ from the simulator's count")

    round_trips = len(trips)
    round_trips_per_1000 = round(round_trips * 1000 / per_invoice, 1)
    request_sizes = [t.request_bytes for t in trips]
    response_sizes = [t.response_bytes for t in trips]
    over_budget = sum(1 for t in trips if t.over_budget(*budget))
    conversation_phases = [c.phase for c in m.conversations]
    total = _phase_tally(probe, [ENQUEUE, *conversation_phases])
    enqueue = _phase_tally(probe, [ENQUEUE])
    in_conversations = _phase_tally(probe, conversation_phases)
    dynamodb_per_invoice = round(total["requests"] / per_invoice, 2)
    wall = m.conversations_wall_s
    return {
        "invoices": INVOICES,
        "organizations": ORGANIZATIONS,
        "lines": sum(len(invoice(n)["lines"]) for n in range(INVOICES)),
        "company_at_start": m.company_at_start,
        "company_at_end": m.company_at_end,
        "settings": {
            "max_message_bytes": m.max_message_bytes,
            "max_message_requests": m.max_message_requests,
            "max_transfers_per_conversation": m.max_transfers_per_conversation,
            "list_page_size": m.list_page_size,
        },
        "round_trips": {
            "total": round_trips,
            "per_1000_invoices": round_trips_per_1000,
            "conversations": len(m.conversations),
            "conversations_with_round_trips": sum(1 for c in m.conversations if c.run.requests_sent),
        },
        "conversations": conversations,
        "round_trips_in_order": [
            {
                "conversation": t.conversation,
                "number": t.number,
                "steps": t.label,
                "qbxml_requests": sum(t.requests.values()),
                "qbxml_request_types": _types(t.requests),
                "request_bytes": t.request_bytes,
                "response_bytes": t.response_bytes,
                "over_budget": t.over_budget(*budget),
                "dynamodb": _tally(t.calls),
                "route_cpu_ms": round(sum(c.route_cpu_ms for c in t.calls), 1),
                "moto_cpu_ms": round(sum(c.moto_cpu_ms for c in t.calls), 1),
            }
            for t in trips
        ],
        "qbxml_request_bytes": sizes(request_sizes),
        "qbxml_response_bytes": sizes(response_sizes),
        "qbxml_requests_per_message_max": max((sum(t.requests.values()) for t in trips), default=0),
        "postings_over_budget": over_budget,
        "responses_over_max_message_bytes": sum(1 for size in response_sizes if size > m.max_message_bytes),
        "dynamodb": {
            **total,
            "per_invoice": dynamodb_per_invoice,
            "enqueue": {**enqueue, "per_invoice": round(enqueue["requests"] / per_invoice, 2)},
            "conversations": {
                **in_conversations,
                "per_invoice": round(in_conversations["requests"] / per_invoice, 2),
            },
            "by_step": {
                label: {"callbacks": len(calls), **_tally(calls)}
                for label, calls in sorted(steps.items(), key=lambda pair: -_tally(pair[1])["requests"])
            },
            "setup_not_counted": sum(probe.outside.get(SETUP, Counter()).values()),
            "verify_not_counted": sum(probe.outside.get(VERIFY, Counter()).values()),
        },
        "by_method": by_method(soap_calls),
        "enqueue_cpu_ms": {
            "route": spread([c.route_cpu_ms for c in enqueue_calls]),
            "route_minus_moto": spread([c.route_cpu_ms - c.moto_cpu_ms for c in enqueue_calls]),
        },
        "throughput": {
            "enqueue_wall_s": round(m.enqueue_wall_s, 3),
            "enqueue_cpu_s": round(m.enqueue_cpu_s, 3),
            "enqueued_per_s": round(INVOICES / m.enqueue_wall_s, 1),
            "conversations_wall_s": round(wall, 3),
            "conversations_cpu_s": round(m.conversations_cpu_s, 3),
            "transferred_per_s": round(transferred / wall, 1) if wall else 0.0,
            "server_route_cpu_s": round(sum(c.route_cpu_ms for c in soap_calls) / 1000, 3),
            "server_moto_cpu_s": round(sum(c.moto_cpu_ms for c in soap_calls) / 1000, 3),
        },
        "goals": [
            {
                "goal": f"round trips per 1,000 invoices, preflight and customer creation included <= "
                f"{GOAL_ROUND_TRIPS_PER_1000}",
                "measured": round_trips_per_1000,
                "met": round_trips_per_1000 <= GOAL_ROUND_TRIPS_PER_1000,
            },
            {
                "goal": f"DynamoDB requests per invoice, enqueue + conversations <= {GOAL_DYNAMODB_PER_INVOICE:g}",
                "measured": dynamodb_per_invoice,
                "met": dynamodb_per_invoice <= GOAL_DYNAMODB_PER_INVOICE,
            },
            {
                "goal": f"postings over the message budget ({m.max_message_bytes:,} B / "
                f"{m.max_message_requests} requests) = 0",
                "measured": over_budget,
                "met": over_budget == 0,
            },
        ],
        "verification": m.verification,
    }


def _types(requests: Counter[tuple[str, str]]) -> dict[str, int]:
    found = Counter[str]()
    for (_group, request_type), n in requests.items():
        found[request_type] += n
    return dict(found.most_common())


# -- report ----------------------------------------------------------------------------------------------


def report(r: dict[str, Any]) -> str:
    rt, ddb, tp, v, st = r["round_trips"], r["dynamodb"], r["throughput"], r["verification"], r["settings"]
    start, end = r["company_at_start"], r["company_at_end"]
    per = max(v["statuses"].get("transferred", 0), 1)
    out = [
        "",
        f"== invoices: {r['invoices']:,} invoices ({r['lines']:,} lines) for {r['organizations']} organizations, "
        f"none of them a customer yet; sample company ({start['customers']} customers, {start['items']} items; "
        f"after: {end['customers']} customers, {end['items']} items, {end['invoices']:,} invoices)",
        f"  MaxReturned {st['list_page_size']}; up to {st['max_transfers_per_conversation']:,} transfers per "
        f"conversation; message budget {st['max_message_bytes']:,} B / {st['max_message_requests']} requests",
        f"  {rt['conversations']} conversations ({rt['conversations_with_round_trips']} with round trips; the last "
        f"one's authenticate answered 'none'); {rt['total']} qbXML round trips = {rt['per_1000_invoices']} per "
        "1,000 invoices",
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
                *(c["round_trips_and_requests_by_step"].get(g, "-") for g in GROUPS),
                c["dynamodb"]["requests"],
                c["wall_s"],
            ]
            for c in r["conversations"]
        ],
    )
    out += [
        "  step columns: round trips carrying that step's requests / its qbXML requests. preflight = the list reads",
        "  and the company check; paid dates = the check of transferred invoices' paid dates (due once invoices",
        "  are transferred, then every paid_date_sync_minutes)",
        "",
    ]
    out += table(
        [
            "round trip",
            "steps",
            "requests",
            "request B",
            "response B",
            "DDB req",
            "DDB operations (send + receive callbacks)",
            "items in batches",
            "qbXML request types",
        ],
        [
            [
                f"{t['conversation']}.{t['number']}",
                t["steps"] + (" OVER BUDGET" if t["over_budget"] else ""),
                t["qbxml_requests"],
                t["request_bytes"],
                t["response_bytes"],
                t["dynamodb"]["requests"],
                operations(t["dynamodb"]["by_operation"]) or "-",
                operations(t["dynamodb"]["batch_items"]) or "-",
                ", ".join(f"{kind.removesuffix('Rq')} {n:,}" for kind, n in t["qbxml_request_types"].items()),
            ]
            for t in r["round_trips_in_order"]
        ],
    )
    req, resp = r["qbxml_request_bytes"], r["qbxml_response_bytes"]
    out += [
        "",
        *table(
            ["qbXML per posting (bytes)", "count", "mean", "max", "total"],
            [
                ["request (sendRequestXML returned)", req["count"], req["mean"], req["max"], req["total"]],
                [
                    "response (receiveResponseXML posted)",
                    resp["count"],
                    resp["mean"],
                    resp["max"],
                    resp["total"],
                ],
            ],
        ),
        f"  largest request message {req['max']:,} B, most requests in one message "
        f"{r['qbxml_requests_per_message_max']}: postings over the budget {r['postings_over_budget']} (responses, "
        f"which QuickBooks sizes, over {st['max_message_bytes']:,} B: {r['responses_over_max_message_bytes']})",
        "",
        f"  DynamoDB: {ddb['requests']:,} requests for {per:,} transferred invoices = {ddb['per_invoice']} per invoice "
        f"(set-up {ddb['setup_not_counted']} and the verification's {ddb['verify_not_counted']:,} not counted); a "
        "batch is one request, the items it carried are shown apart",
    ]
    rows = [
        _phase_row("enqueue", ddb["enqueue"], per),
        *(_phase_row(f"conversation {c['number']}", c["dynamodb"], per) for c in r["conversations"]),
        _phase_row("all conversations", ddb["conversations"], per),
        _phase_row("total", ddb, per),
    ]
    out += table(["DynamoDB by phase", "requests", "per invoice", "operations", "items in batches"], rows)
    out.append("")
    out += table(
        [
            "DynamoDB by step (callbacks serving it)",
            "callbacks",
            "requests",
            "per invoice",
            "operations",
            "items in batches",
        ],
        [
            [label, e["callbacks"], e["requests"], round(e["requests"] / per, 3), *_ops(e)]
            for label, e in ddb["by_step"].items()
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
        f"  throughput, end to end with the simulators: {tp['transferred_per_s']:,.1f} invoices/s "
        f"({tp['conversations_wall_s']:.2f} s wall from the first conversation's start to the last one's end;",
        f"  {tp['conversations_cpu_s']:.2f} s CPU, of which the server's callbacks {tp['server_route_cpu_s']:.2f} s, "
        f"moto's DynamoDB emulation inside them {tp['server_moto_cpu_s']:.2f} s)",
        f"  enqueue: {tp['enqueued_per_s']:,.1f} invoices/s, one request at a time ({r['invoices']:,} in "
        f"{tp['enqueue_wall_s']:.2f} s wall, {tp['enqueue_cpu_s']:.2f} s CPU)",
        "",
        "  goals (printed, never asserted):",
    ]
    out += table(
        ["goal", "measured", "result"],
        [[g["goal"], g["measured"], "PASS" if g["met"] else "MISS"] for g in r["goals"]],
        indent="    ",
    )
    statuses = ", ".join(f"{status} {n:,}" for status, n in v["statuses"].items())
    out += [
        "",
        f"  verification: {v['invoices_exactly_once']:,} of {r['invoices']:,} invoices in QuickBooks exactly once "
        f"(missing {v['invoices_missing']}, duplicated {v['invoices_duplicated']}; the company has "
        f"{v['company_invoices']:,} invoices); transfers: {statuses}; {v['customers_for_organizations']} customers "
        f"for the {r['organizations']} organizations: {'OK' if v['ok'] else 'NOT OK'}",
    ]
    return "\n".join(out)


def _phase_row(name: str, tally: dict[str, Any], per: int) -> list[object]:
    requests = tally["requests"]
    return [name, requests, round(requests / per, 2), *_ops(tally)]


def _ops(tally: dict[str, Any]) -> list[object]:
    return [operations(tally["by_operation"]) or "-", operations(tally["batch_items"]) or "-"]


def main() -> None:
    prepare_process()
    started = time.perf_counter()
    now = datetime.now(UTC)
    result: dict[str, Any] = {"generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), **versions()}
    result.update(_result(_run()))
    result["bench_runtime_s"] = round(time.perf_counter() - started, 1)
    print(
        f"qbwc-bridge invoice benchmark, {result['generated_at']} ({result['machine']})\n"
        f"Python {result['python']}, moto {result['moto']}, boto3 {result['boto3']}; in-process against moto; "
        "CPU = time.process_time; nothing here is asserted."
    )
    print(report(result))
    print("", *CPU_COLUMNS_NOTE, sep="\n")
    where = write_results("invoices", result, now)
    print(f"\nbenchmark took {result['bench_runtime_s']} s; JSON: {where}")


if __name__ == "__main__":
    main()
