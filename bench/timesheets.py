"""What 1,000 timesheet entries cost on their way into QuickBooks: measured and printed, never asserted.

Run ``make bench`` (or ``.venv/bin/python -m bench.timesheets``; ``--timesheets 10`` for a quick run of 100
entries, ``--entries N`` for N entries per timesheet). In this process against moto, with the app's defaults (``bench.measure`` describes the set-up and
the probes). 100 bi-weekly timesheets of 10 entries each (1,000 entries) for 20 resources (5 periods each)
and 50 organizations (four service billing codes, two lines of business mapped to classes, two payroll
categories mapped to wage items) are enqueued through ``POST /api/transfers/timesheets`` with a source token;
the connector has timesheet transfers on, QuickBooks is the sample company at its default sizes plus one
employee per resource (every second one paid from time data, so its entries carry a payroll wage item), and
none of the organizations is a customer yet. Then the QBWC simulator runs conversations until
``authenticate`` answers ``none``.

What is measured, and how (as in ``bench.invoices``):

* **Round trips**: sendRequestXML calls that returned a qbXML request, per conversation and in total; each
  is classified by the steps whose requests it carried (the step key prefixes every requestID): preflight
  (list reads and the company check), people (employees with their payroll info, vendors), reconcile,
  customer creation, item creation, time adds (one TimeTrackingAdd per entry).
* **qbXML bytes per posting**: UTF-8 size of each request (sendRequestXML's result) and of each response
  (receiveResponseXML's ``response``), and each request's size and request count against the message
  budget (``Settings.max_message_bytes`` / ``max_message_requests``).
* **DynamoDB requests per transferred entry**: every request of the enqueue phase and of the conversations
  (set-up and the final verification are counted apart), by phase, by operation and by step; the items
  BatchWriteItem / BatchGetItem requests carried are counted apart (a batch is one request).
* **Server CPU per callback**: p50 / p95 / max per SOAP method (route, handler, handler - moto), and per
  enqueue request (route, route - moto).
* **Throughput**: transferred entries per second of wall time from the first conversation's start to the
  last one's end (simulated QuickBooks included), and enqueued timesheets per second.
* **Goals** next to the measured values, PASS or MISS (printed only): at most 10 round trips per 1,000
  entries including preflight and customer creation, at most 1.32 DynamoDB requests per entry, no posting
  over the message budget.
* **Verification** (printed): every entry is in the simulated company exactly once (by its ExternalGUID),
  the company has exactly as many time records as entries, every timesheet is ``transferred`` with each
  entry's TxnID on it.

Output: a plain-text table on stdout, and the same data as JSON in ``bench/results/timesheets-<UTC
time>.json`` and ``bench/results/timesheets-latest.json`` (another size writes
``timesheets-<timesheets>x<entries>-*``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lxml import etree

from bench.invoices import organization
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

TIMESHEETS = 100
ENTRIES_PER_TIMESHEET = 10
RESOURCES = 20
ORGANIZATIONS = 50
ENQUEUE = "enqueue"
VERIFY = "(verify)"
MAX_CONVERSATIONS = 25  # a safety stop: the queue should drain in a few
GOAL_ROUND_TRIPS_PER_1000 = 10
GOAL_DYNAMODB_PER_ENTRY = 1.32

BILLING_CODES = ("Remote Support", "Onsite Support", "Project Work", "Backup Monitoring")  # service items
LINES_OF_BUSINESS = {  # line of business -> class in the sample company
    "Managed Services": "Consulting:Remote",
    "Projects": "Consulting:Onsite",
}
PAYROLL_CATEGORIES = {"Regular": "Hourly", "Overtime": "Overtime"}  # -> wage items of the sample company
_FIRST = ("Jane", "Omar", "Li", "Ana", "Sam", "Kofi", "Mia", "Raj", "Eva", "Tom")
_LAST = ("Smith", "Haddad", "Chen", "Silva", "Berg", "Mensah", "Novak", "Patel", "Roth", "Kent", "Ito")
_HOURS = ("7.5", "8", "0.25", "4.75", "1.5")

# What each step key (the requestID prefix) is, for the round-trip breakdown; in the order of a conversation.
STEP_GROUPS = (
    ("list.", "preflight"),
    ("check", "preflight"),
    ("timesheets.people", "people"),
    ("timesheets.reconcile", "reconcile"),
    ("timesheets.customers", "customers"),
    ("timesheets.items", "items"),
    ("timesheets.add", "time adds"),
)
GROUPS = tuple(dict.fromkeys(group for _prefix, group in STEP_GROUPS))


# -- the timesheets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """How much is sent: ``timesheets`` of ``entries`` entries, round-robin over the resources."""

    timesheets: int = TIMESHEETS
    entries: int = ENTRIES_PER_TIMESHEET
    resources: int = RESOURCES
    organizations: int = ORGANIZATIONS

    @property
    def total_entries(self) -> int:
        return self.timesheets * self.entries

    @property
    def is_default(self) -> bool:
        return self == Size()


def resource(n: int) -> dict[str, Any]:
    """The n-th PSA resource (deterministic; names unique for n < 110)."""
    return {
        "id": f"RES-{n:04d}",
        "first_name": _FIRST[n % len(_FIRST)],
        "last_name": _LAST[(n % len(_FIRST) + n // len(_FIRST)) % len(_LAST)],
    }


def employee_name(n: int) -> str:
    person = resource(n)
    return f"{person['first_name']} {person['last_name']}"


def timesheet(n: int, size: Size) -> dict[str, Any]:
    """The n-th timesheet: resource ``n % resources``, its bi-weekly period ``n // resources`` from 2026-09-07."""
    start = dt.date(2026, 9, 7) + dt.timedelta(days=14 * (n // size.resources))
    entries = []
    for i in range(size.entries):
        k = n * size.entries + i
        org = organization(k % size.organizations)
        entries.append(
            {
                "id": f"TE-{n:05d}-{i:02d}",
                "date": (start + dt.timedelta(days=i % 14)).isoformat(),
                "hours": _HOURS[k % len(_HOURS)],
                "billing_code": BILLING_CODES[k % len(BILLING_CODES)],
                "organization": {"id": org["id"], "name": org["name"]},
                "line_of_business": tuple(LINES_OF_BUSINESS)[k % 2],
                "payroll_category": tuple(PAYROLL_CATEGORIES)[(k // 3) % 2],
                "billable": k % 4 != 3,
                "notes": f"Ticket T{2026_0000 + k}",
            }
        )
    return {
        "source_id": f"PSA-TS-{n:06d}",
        "resource": resource(n % size.resources),
        "period": {"start": start.isoformat(), "end": (start + dt.timedelta(days=13)).isoformat()},
        "entries": entries,
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
    size: Size
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


def _company(size: Size) -> QuickBooksCompany:
    from simulators.quickbooks import QuickBooksCompany

    names = [employee_name(n) for n in range(size.resources)]
    return QuickBooksCompany.sample(
        employees_named=names,
        use_time_data={name: "UseTimeData" if n % 2 else "DoNotUseTimeData" for n, name in enumerate(names)},
    )


def _run(size: Size) -> Measured:
    probe = Probe()
    with in_process_app(probe) as running, instrumented(probe):
        connector = running.api(
            "POST", "/api/connectors", {"name": "Bench", "transfers": {"timesheets": True}}
        ).json_body
        mappings = f"/api/connectors/{connector['id']}/mappings"
        running.api(
            "PUT",
            f"{mappings}/lines-of-business",
            {"entries": [{"source": lob, "class": qb_class} for lob, qb_class in LINES_OF_BUSINESS.items()]},
        )
        running.api(
            "PUT",
            f"{mappings}/payroll-categories",
            {"entries": [{"source": c, "payroll_item": item} for c, item in PAYROLL_CATEGORIES.items()]},
        )
        qwc, password = running.qbwc_user(connector["id"], "payroll-pc")
        source = running.token_headers("source")
        company = _company(size)
        company_at_start = _company_size(company)
        documents = [timesheet(n, size) for n in range(size.timesheets)]

        probe.phase = ENQUEUE
        ids: list[str] = []
        cpu, wall = time.process_time(), time.perf_counter()
        for document in documents:
            with probe.record("POST /api/transfers/timesheets"):
                answer = running.api("POST", "/api/transfers/timesheets", document, headers=source)
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
        verification = _verify(running, company, ids, documents, size)
        settings = running.settings
    return Measured(
        size=size,
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


def _verify(
    running: InProcessApp,
    company: QuickBooksCompany,
    ids: list[str],
    documents: list[dict[str, Any]],
    size: Size,
) -> dict[str, Any]:
    """Every entry in QuickBooks exactly once, every timesheet transferred with each entry's TxnID (read from
    the store directly)."""
    from chalicelib.transfers.timesheets.pipeline import entry_guid

    copies: Counter[int] = Counter()
    parts_complete = 0
    statuses: Counter[str] = Counter()
    for transfer_id, document in zip(ids, documents, strict=True):
        entry_ids = [str(e["id"]) for e in document["entries"]]
        copies.update(len(company.time_tracking(external_guid=entry_guid(transfer_id, e))) for e in entry_ids)
        transfer = running.store.transfers.get(transfer_id)
        statuses[transfer.status] += 1
        parts_complete += set(transfer.qb_parts) == set(entry_ids)
    names = [c.full_name for c in company.customers]
    wanted = {organization(n)["name"] for n in range(size.organizations)}
    records = len(company.time_tracking())
    return {
        "entries_exactly_once": copies.get(1, 0),
        "entries_missing": copies.get(0, 0),
        "entries_duplicated": sum(n for k, n in copies.items() if k > 1),
        "company_time_records": records,
        "statuses": dict(statuses.most_common()),
        "timesheets_with_every_txn_id": parts_complete,
        "customers_for_organizations": sum(1 for name in names if name in wanted),
        "ok": copies == Counter({1: size.total_entries})
        and statuses == Counter({"transferred": len(ids)})
        and parts_complete == len(ids)
        and records == size.total_entries,
    }


def _company_size(company: QuickBooksCompany) -> dict[str, int]:
    return {
        "customers": len(company.customers),
        "items": len(company.items),
        "employees": len(company.employees),
        "time_records": len(company.time_tracking()),
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
    probe, size = m.probe, m.size
    transferred = m.verification["entries_exactly_once"]
    per_entry = max(transferred, 1)
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
    round_trips_per_1000 = round(round_trips * 1000 / per_entry, 1)
    request_sizes = [t.request_bytes for t in trips]
    response_sizes = [t.response_bytes for t in trips]
    over_budget = sum(1 for t in trips if t.over_budget(*budget))
    conversation_phases = [c.phase for c in m.conversations]
    total = _phase_tally(probe, [ENQUEUE, *conversation_phases])
    enqueue = _phase_tally(probe, [ENQUEUE])
    in_conversations = _phase_tally(probe, conversation_phases)
    dynamodb_per_entry = round(total["requests"] / per_entry, 2)
    wall = m.conversations_wall_s
    methods = by_method(soap_calls)
    return {
        "timesheets": size.timesheets,
        "entries": size.total_entries,
        "resources": size.resources,
        "organizations": size.organizations,
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
            "per_1000_entries": round_trips_per_1000,
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
            "per_entry": dynamodb_per_entry,
            "enqueue": {**enqueue, "per_entry": round(enqueue["requests"] / per_entry, 2)},
            "conversations": {
                **in_conversations,
                "per_entry": round(in_conversations["requests"] / per_entry, 2),
            },
            "by_step": {
                label: {"callbacks": len(calls), **_tally(calls)}
                for label, calls in sorted(steps.items(), key=lambda pair: -_tally(pair[1])["requests"])
            },
            "setup_not_counted": sum(probe.outside.get(SETUP, Counter()).values()),
            "verify_not_counted": sum(probe.outside.get(VERIFY, Counter()).values()),
        },
        "by_method": methods,
        "app_cpu_per_callback_p50_ms": {
            method: m_["handler_minus_moto_cpu_ms"]["p50"] for method, m_ in methods.items()
        },
        "enqueue_cpu_ms": {
            "route": spread([c.route_cpu_ms for c in enqueue_calls]),
            "route_minus_moto": spread([c.route_cpu_ms - c.moto_cpu_ms for c in enqueue_calls]),
        },
        "throughput": {
            "enqueue_wall_s": round(m.enqueue_wall_s, 3),
            "enqueue_cpu_s": round(m.enqueue_cpu_s, 3),
            "enqueued_timesheets_per_s": round(size.timesheets / m.enqueue_wall_s, 1),
            "conversations_wall_s": round(wall, 3),
            "conversations_cpu_s": round(m.conversations_cpu_s, 3),
            "transferred_entries_per_s": round(transferred / wall, 1) if wall else 0.0,
            "server_route_cpu_s": round(sum(c.route_cpu_ms for c in soap_calls) / 1000, 3),
            "server_moto_cpu_s": round(sum(c.moto_cpu_ms for c in soap_calls) / 1000, 3),
        },
        "goals": [
            {
                "goal": f"round trips per 1,000 entries, preflight and customer creation included <= "
                f"{GOAL_ROUND_TRIPS_PER_1000}",
                "measured": round_trips_per_1000,
                "met": round_trips_per_1000 <= GOAL_ROUND_TRIPS_PER_1000,
            },
            {
                "goal": f"DynamoDB requests per entry, enqueue + conversations <= {GOAL_DYNAMODB_PER_ENTRY:g}",
                "measured": dynamodb_per_entry,
                "met": dynamodb_per_entry <= GOAL_DYNAMODB_PER_ENTRY,
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
    per = max(v["entries_exactly_once"], 1)
    out = [
        "",
        f"== timesheets: {r['timesheets']:,} timesheets ({r['entries']:,} entries) for {r['resources']} resources "
        f"and {r['organizations']} organizations, none of them a customer yet; sample company "
        f"({start['customers']} customers, {start['items']} items, {start['employees']} employees; after: "
        f"{end['customers']} customers, {end['items']} items, {end['time_records']:,} time records)",
        f"  MaxReturned {st['list_page_size']}; up to {st['max_transfers_per_conversation']:,} transfers per "
        f"conversation; message budget {st['max_message_bytes']:,} B / {st['max_message_requests']} requests",
        f"  {rt['conversations']} conversations ({rt['conversations_with_round_trips']} with round trips; the last "
        f"one's authenticate answered 'none'); {rt['total']} qbXML round trips = {rt['per_1000_entries']} per "
        "1,000 entries",
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
        "  and the company check; people = the employees (with their payroll info) and vendors the resources may be",
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
        f"  DynamoDB: {ddb['requests']:,} requests for {per:,} transferred entries = {ddb['per_entry']} per entry "
        f"(set-up {ddb['setup_not_counted']} and the verification's {ddb['verify_not_counted']:,} not counted); a "
        "batch is one request, the items it carried are shown apart",
    ]
    rows = [
        _phase_row("enqueue", ddb["enqueue"], per),
        *(_phase_row(f"conversation {c['number']}", c["dynamodb"], per) for c in r["conversations"]),
        _phase_row("all conversations", ddb["conversations"], per),
        _phase_row("total", ddb, per),
    ]
    out += table(["DynamoDB by phase", "requests", "per entry", "operations", "items in batches"], rows)
    out.append("")
    out += table(
        [
            "DynamoDB by step (callbacks serving it)",
            "callbacks",
            "requests",
            "per entry",
            "operations",
            "items in batches",
        ],
        [
            [label, e["callbacks"], e["requests"], f"{e['requests'] / per:.3f}", *_ops(e)]
            for label, e in ddb["by_step"].items()
        ],
    )
    out.append("")
    out += method_table(r["by_method"])
    out.append("")
    out += cpu_table(r["by_method"])
    e = r["enqueue_cpu_ms"]
    out += [
        f"  enqueue (POST /api/transfers/timesheets), CPU ms per request: route p50 {e['route']['p50']}, p95 "
        f"{e['route']['p95']}, max {e['route']['max']}; route-moto p50 {e['route_minus_moto']['p50']}, p95 "
        f"{e['route_minus_moto']['p95']}",
        "",
        f"  throughput, end to end with the simulators: {tp['transferred_entries_per_s']:,.1f} entries/s "
        f"({tp['conversations_wall_s']:.2f} s wall from the first conversation's start to the last one's end;",
        f"  {tp['conversations_cpu_s']:.2f} s CPU, of which the server's callbacks {tp['server_route_cpu_s']:.2f} s, "
        f"moto's DynamoDB emulation inside them {tp['server_moto_cpu_s']:.2f} s)",
        f"  enqueue: {tp['enqueued_timesheets_per_s']:,.1f} timesheets/s, one request at a time "
        f"({r['timesheets']:,} in {tp['enqueue_wall_s']:.2f} s wall, {tp['enqueue_cpu_s']:.2f} s CPU)",
        "",
        "  goals (printed, never asserted):",
    ]
    out += table(
        ["goal", "measured", "result"],
        # The measured value as computed (the table's numbers show one decimal only).
        [[g["goal"], str(g["measured"]), "PASS" if g["met"] else "MISS"] for g in r["goals"]],
        indent="    ",
    )
    statuses = ", ".join(f"{status} {n:,}" for status, n in v["statuses"].items())
    out += [
        "",
        f"  verification: {v['entries_exactly_once']:,} of {r['entries']:,} entries in QuickBooks exactly once "
        f"(missing {v['entries_missing']}, duplicated {v['entries_duplicated']}; the company has "
        f"{v['company_time_records']:,} time records); timesheets: {statuses}, "
        f"{v['timesheets_with_every_txn_id']:,} with every entry's TxnID; {v['customers_for_organizations']} "
        f"customers for the {r['organizations']} organizations: {'OK' if v['ok'] else 'NOT OK'}",
    ]
    return "\n".join(out)


def _phase_row(name: str, tally: dict[str, Any], per: int) -> list[object]:
    requests = tally["requests"]
    return [name, requests, f"{requests / per:.3f}", *_ops(tally)]


def _ops(tally: dict[str, Any]) -> list[object]:
    return [operations(tally["by_operation"]) or "-", operations(tally["batch_items"]) or "-"]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.timesheets", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--timesheets",
        type=int,
        default=TIMESHEETS,
        help=f"how many timesheets (default {TIMESHEETS}; 10 for a quick run)",
    )
    parser.add_argument(
        "--entries",
        type=int,
        default=ENTRIES_PER_TIMESHEET,
        help=f"entries per timesheet (default {ENTRIES_PER_TIMESHEET}, at most 14: one a day of the period)",
    )
    args = parser.parse_args(argv)
    size = Size(timesheets=max(1, args.timesheets), entries=min(max(1, args.entries), 14))
    prepare_process()
    started = time.perf_counter()
    now = datetime.now(UTC)
    result: dict[str, Any] = {"generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), **versions()}
    result.update(_result(_run(size)))
    result["bench_runtime_s"] = round(time.perf_counter() - started, 1)
    print(
        f"qbwc-bridge timesheet benchmark, {result['generated_at']} ({result['machine']})\n"
        f"Python {result['python']}, moto {result['moto']}, boto3 {result['boto3']}; in-process against moto; "
        "CPU = time.process_time; nothing here is asserted."
    )
    print(report(result))
    print("", *CPU_COLUMNS_NOTE, sep="\n")
    name = "timesheets" if size.is_default else f"timesheets-{size.timesheets}x{size.entries}"
    where = write_results(name, result, now)
    print(f"\nbenchmark took {result['bench_runtime_s']} s; JSON: {where}")


if __name__ == "__main__":
    main()
