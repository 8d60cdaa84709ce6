"""What a transfer benchmark does, whatever it transfers: ``bench.invoices`` and ``bench.timesheets`` say only
what is theirs (the documents, the mappings, the company, the step keys, the goals, the verification).

In this process against moto, with the app's defaults (``bench.measure`` describes the set-up and the
probes): a connector with the benchmark's transfers on gets its mappings and a QBWC user; the documents are
enqueued one request at a time through ``POST /api/transfers/<kind>`` with a source token; then the QBWC
simulator runs conversations against the simulated company until ``authenticate`` answers ``none``.

What is measured, and how:

* **Round trips**: sendRequestXML calls that returned a qbXML request, per conversation and in total; each
  is classified by the steps whose requests it carried (the step key prefixes every requestID).
* **qbXML bytes per posting**: UTF-8 size of each request (sendRequestXML's result) and of each response
  (receiveResponseXML's ``response``), and each request's size and request count against the message
  budget (``Settings.max_message_bytes`` / ``max_message_requests``).
* **DynamoDB requests per transferred unit** (an invoice, a timesheet entry): every request of the enqueue
  phase and of the conversations (set-up and the final verification are counted apart), by phase, by
  operation and by step; the items BatchWriteItem / BatchGetItem requests carried are counted apart (a
  batch is one request).
* **Server CPU per callback**: p50 / p95 / max per SOAP method (route, handler, handler - moto), and per
  enqueue request (route, route - moto).
* **Throughput**: transferred units per second of wall time from the first conversation's start to the
  last one's end (simulated QuickBooks included), and enqueued documents per second.
* **Goals** next to the measured values, PASS or MISS (printed only): round trips per 1,000 units including
  preflight and customer creation, DynamoDB requests per unit, no posting over the message budget.
* **Verification** (printed): what the benchmark checks in the simulated company and the store.

Output: a plain-text table on stdout, and the same data as JSON under ``bench/results/``.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from lxml import etree

from bench import lambda_cost
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

# What was enqueued: each transfer's id and the document it was enqueued with, in order.
Sent = dict[str, dict[str, Any]]

ENQUEUE = "enqueue"
VERIFY = "(verify)"
MAX_CONVERSATIONS = 25  # a safety stop: the queue should drain in a few


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
        return conversation_phase(self.number)


@dataclass
class Measured:
    probe: Probe
    conversations: list[Conversation]
    enqueued: int  # documents
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


def conversation_phase(number: int) -> str:
    return f"conversation {number}"


@dataclass
class Stage:
    """A connector's QBWC user on the running app and the simulated company it reaches: where documents are
    enqueued and conversations run (one benchmark's, or several scenarios' one after the other)."""

    running: InProcessApp
    qwc: str
    password: str
    source: dict[str, str]  # the source token's headers
    company: QuickBooksCompany

    def enqueue(
        self, routes: Sequence[str], documents: Sequence[dict[str, Any]]
    ) -> tuple[list[str], float, float]:
        """Each document through ``POST /api/transfers/<route>``, one at a time: (ids, wall s, CPU s)."""
        probe = self.running.probe
        probe.phase = ENQUEUE
        ids: list[str] = []
        cpu, wall = time.process_time(), time.perf_counter()
        for route, document in zip(routes, documents, strict=True):
            path = f"/api/transfers/{route}"
            with probe.record(f"POST {path}"):
                answer = self.running.api("POST", path, document, headers=self.source)
            ids.append(str(answer.json_body["id"]))
        return ids, time.perf_counter() - wall, time.process_time() - cpu

    def converse(self, first: int = 1) -> tuple[list[Conversation], float, float]:
        """Conversations numbered from ``first`` until ``authenticate`` answers none (or ``MAX_CONVERSATIONS``):
        (them, wall s, CPU s)."""
        probe = self.running.probe
        conversations: list[Conversation] = []
        cpu, wall = time.process_time(), time.perf_counter()
        for number in range(first, first + MAX_CONVERSATIONS):
            probe.phase = conversation_phase(number)
            first_call = len(probe.calls)
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            run = self.running.web_connector(self.qwc, self.password, self.company).run()
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
        return conversations, time.perf_counter() - wall, time.process_time() - cpu


# -- analysis --------------------------------------------------------------------------------------------


@dataclass
class RoundTrip:
    """One qbXML request message and its answer, with the two callbacks that carried them."""

    conversation: int
    number: int
    requests: Counter[tuple[str, str]]  # (step group, qbXML request type) -> count
    request_bytes: int
    label: str  # the step groups it carried, in conversation order ("other" for none)
    request_xml: str = ""
    response_xml: str = ""
    response_bytes: int = 0
    calls: list[CallRecord] = field(default_factory=list)

    @property
    def groups(self) -> Counter[str]:
        found = Counter[str]()
        for (group, _type), n in self.requests.items():
            found[group] += n
        return found

    def over_budget(self, max_bytes: int, max_requests: int) -> bool:
        return self.request_bytes > max_bytes or sum(self.requests.values()) > max_requests


def _tally(calls: list[CallRecord]) -> dict[str, Any]:
    """DynamoDB requests and batch items of these recorded calls."""
    requests, items = Counter[str](), Counter[str]()
    for call in calls:
        requests.update(call.dynamodb)
        items.update(call.dynamodb_items)
    return _counted(requests, items)


def lxml_floor_ms(request_xml: str, response_xml: str, repeat: int = 5) -> dict[str, float]:
    """What lxml alone takes for one round trip's messages (best of ``repeat``, CPU ms): building the request
    element by element (as any builder must) and serializing it, and parsing the response. The least a
    callback carrying them could cost."""
    request = etree.fromstring(request_xml.encode("utf-8"))

    def build() -> None:
        def copy(source: etree._Element, parent: etree._Element | None) -> etree._Element:
            attributes = {str(k): str(v) for k, v in source.attrib.items()}
            if parent is None:
                made = etree.Element(str(source.tag), attributes)
            else:
                made = etree.SubElement(parent, str(source.tag), attributes)
            made.text = source.text
            for child in source.iterchildren(etree.Element):
                copy(child, made)
            return made

        etree.tostring(copy(request, None))

    def parse() -> None:
        etree.fromstring(response_xml.encode("utf-8"))

    def best(work: Callable[[], None]) -> float:
        times = []
        for _ in range(repeat):
            start = time.process_time()
            work()
            times.append((time.process_time() - start) * 1000)
        return round(min(times), 1)

    return {"build_request": best(build), "parse_response": best(parse)}


def _app_cpu_ms(calls: list[CallRecord]) -> float:
    """handler - moto of these calls (0 for none): the app's own CPU."""
    return round(sum(c.handler_cpu_ms - c.moto_cpu_ms for c in calls), 1)


def _phase_tally(probe: Probe, phases: list[str]) -> dict[str, Any]:
    """DynamoDB requests and batch items of whole phases (recorded calls and anything outside them)."""
    return _counted(*probe.dynamodb(phases))


def _counted(requests: Counter[str], items: Counter[str]) -> dict[str, Any]:
    return {
        "requests": sum(requests.values()),
        "by_operation": dict(requests.most_common()),
        "batch_items": dict(items.most_common()),
    }


def _types(requests: Counter[tuple[str, str]]) -> dict[str, int]:
    found = Counter[str]()
    for (_group, request_type), n in requests.items():
        found[request_type] += n
    return dict(found.most_common())


def _ops(tally: dict[str, Any]) -> list[object]:
    return [operations(tally["by_operation"]) or "-", operations(tally["batch_items"]) or "-"]


# -- the benchmark ---------------------------------------------------------------------------------------


class TransferBenchmark(ABC):
    """One transfer benchmark: what it sends and checks is its own; run, analysis and report are shared."""

    kind: ClassVar[str]  # "invoices": the enqueue route's last part and, by default, the transfer switch
    unit: ClassVar[str]  # what the figures are per ("invoice", "entry") ...
    units: ClassVar[str]  # ... and its plural
    qbwc_username: ClassVar[str]
    lines_of_business: ClassVar[dict[str, str]]  # line of business -> class in the sample company
    # What each step key (the requestID prefix) is, for the round-trip breakdown; in conversation order.
    step_groups: ClassVar[tuple[tuple[str, str], ...]]
    step_note: ClassVar[tuple[str, ...]]  # printed under the conversations table
    goal_round_trips_per_1000: ClassVar[float]
    goal_dynamodb_per_unit: ClassVar[float]
    # The JSON names of the enqueue and transfer rates under "throughput", as each benchmark writes them.
    enqueued_rate: ClassVar[str]
    transferred_rate: ClassVar[str]
    # Per-unit ratios printed to three decimals and goal figures as computed, rather than as table numbers
    # (which show one decimal only).
    exact_figures: ClassVar[bool] = False
    # Each SOAP method's p50 of handler - moto CPU under "app_cpu_per_callback_p50_ms" (see method_figures).
    app_cpu_figures: ClassVar[bool] = False
    # How many times the whole run is made: the first is reported in full; the CPU per callback of the
    # conversation methods is then summed up over all of them (the longest callbacks vary from run to run).
    runs: ClassVar[int] = 1

    # -- what a benchmark says ---------------------------------------------------------------------------

    @property
    def switch(self) -> str:
        """The connector's transfer switch the benchmark turns on: ``kind`` by default."""
        return self.kind

    @property
    def results_name(self) -> str:
        """The JSON files' name under bench/results/."""
        return self.kind

    def set_up(self, running: InProcessApp, mappings: str) -> None:
        """Put the connector's mappings beyond the lines of business (``mappings`` is its mappings path);
        none by default."""
        return

    @abstractmethod
    def company(self) -> QuickBooksCompany:
        """The simulated company at the start."""

    @abstractmethod
    def company_counts(self, company: QuickBooksCompany) -> dict[str, int]:
        """What the report says about the company before and after, besides its customers and items."""

    @abstractmethod
    def documents(self) -> list[dict[str, Any]]:
        """The documents to enqueue, in order."""

    @abstractmethod
    def verify(self, running: InProcessApp, company: QuickBooksCompany, sent: Sent) -> dict[str, Any]:
        """What the verification found (with "statuses" and "ok"); the store is read directly."""

    @abstractmethod
    def transferred(self, verification: dict[str, Any]) -> int:
        """How many units were transferred, from the verification."""

    @abstractmethod
    def summary(self) -> dict[str, Any]:
        """The result's first keys: what was sent (the number of documents under ``kind``)."""

    @abstractmethod
    def headline(self, r: dict[str, Any]) -> str:
        """The report's first line."""

    @abstractmethod
    def verification_line(self, r: dict[str, Any]) -> str:
        """The report's last line."""

    def method_figures(self, methods: dict[str, Any]) -> dict[str, Any]:
        """Further figures from ``by_method``'s result, written after it: with ``app_cpu_figures``, each SOAP
        method's p50 of handler - moto CPU."""
        if not self.app_cpu_figures:
            return {}
        return {
            "app_cpu_per_callback_p50_ms": {
                method: m_["handler_minus_moto_cpu_ms"]["p50"] for method, m_ in methods.items()
            }
        }

    # -- the run -----------------------------------------------------------------------------------------

    def company_size(self, company: QuickBooksCompany) -> dict[str, int]:
        return {
            "customers": len(company.customers),
            "items": len(company.items),
            **self.company_counts(company),
        }

    def routes(self, documents: Sequence[dict[str, Any]]) -> list[str]:
        """The enqueue route (``POST /api/transfers/<route>``) of each document, in order: ``kind`` by default."""
        return [self.kind] * len(documents)

    def connect(self, running: InProcessApp) -> Stage:
        """Set-up on the running app: a connector with the ``switch`` transfers on, its lines of business and
        further mappings, a QBWC user and a source token; the simulated company from ``company``."""
        connector = running.api(
            "POST", "/api/connectors", {"name": "Bench", "transfers": {self.switch: True}}
        ).json_body
        mappings = f"/api/connectors/{connector['id']}/mappings"
        running.api(
            "PUT",
            f"{mappings}/lines-of-business",
            {"entries": [{"source": lob, "class": c} for lob, c in self.lines_of_business.items()]},
        )
        self.set_up(running, mappings)
        qwc, password = running.qbwc_user(connector["id"], self.qbwc_username)
        return Stage(running, qwc, password, running.token_headers("source"), self.company())

    def measure(self, stage: Stage, first_conversation: int = 1) -> tuple[Measured, Sent]:
        """Enqueue the documents, converse until ``none``, verify: the figures are this benchmark's own (its
        calls, and what the probe saw outside them, which starts over for whatever runs next)."""
        running, company = stage.running, stage.company
        probe = running.probe
        first_call = len(probe.calls)
        at_start = self.company_size(company)
        documents = self.documents()
        ids, enqueue_wall, enqueue_cpu = stage.enqueue(self.routes(documents), documents)
        conversations, wall, cpu = stage.converse(first_conversation)
        probe.phase = VERIFY
        sent = dict(zip(ids, documents, strict=True))
        verification = self.verify(running, company, sent)
        settings = running.settings
        own = Probe(calls=probe.calls[first_call:], outside=probe.outside, outside_items=probe.outside_items)
        probe.outside, probe.outside_items = {}, {}
        return Measured(
            probe=own,
            conversations=conversations,
            enqueued=len(documents),
            enqueue_wall_s=enqueue_wall,
            enqueue_cpu_s=enqueue_cpu,
            conversations_wall_s=wall,
            conversations_cpu_s=cpu,
            max_message_bytes=settings.max_message_bytes,
            max_message_requests=settings.max_message_requests,
            max_transfers_per_conversation=settings.max_transfers_per_conversation,
            list_page_size=settings.list_page_size,
            company_at_start=at_start,
            company_at_end=self.company_size(company),
            verification=verification,
        ), sent

    def run(self) -> Measured:
        """Set-up, enqueue, conversations and verification on a fresh app."""
        probe = Probe()
        with in_process_app(probe) as running, instrumented(probe):
            measured, _sent = self.measure(self.connect(running))
        return measured

    # -- analysis ----------------------------------------------------------------------------------------

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(group for _prefix, group in self.step_groups))

    def _group_of(self, step_key: str) -> str:
        for prefix, group in self.step_groups:
            if step_key.startswith(prefix):
                return group
        return step_key

    def _message_requests(self, request_xml: str) -> Counter[tuple[str, str]]:
        """(step group, request type) -> count in one qbXML request message, from the requestID prefixes."""
        root = etree.fromstring(
            request_xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)
        )
        found = Counter[tuple[str, str]]()
        for element in root.iter("QBXMLMsgsRq"):
            for request in element.iterchildren(etree.Element):
                step_key = str(request.get("requestID", "?")).split(":", 1)[0]
                found[(self._group_of(step_key), etree.QName(request).localname)] += 1
        return found

    def _round_trip(self, conversation: int, number: int, request_xml: str, call: CallRecord) -> RoundTrip:
        requests = self._message_requests(request_xml)
        carried = {group for group, _type in requests}
        return RoundTrip(
            conversation,
            number,
            requests,
            len(request_xml.encode("utf-8")),
            label="+".join(g for g in self.groups if g in carried) or "other",
            request_xml=request_xml,
            calls=[call],
        )

    def _walk(self, conversation: Conversation) -> tuple[list[RoundTrip], list[tuple[str, CallRecord]]]:
        """The conversation's round trips, and every callback labelled with what it served."""
        if len(conversation.calls) != len(conversation.run.callbacks):
            raise RuntimeError(
                "recorded calls and the simulator's callbacks differ: the measurement is broken"
            )
        trips: list[RoundTrip] = []
        labelled: list[tuple[str, CallRecord]] = []
        current: RoundTrip | None = None
        for callback, call in zip(conversation.run.callbacks, conversation.calls, strict=True):
            label = callback.method
            if callback.method == "sendRequestXML" and isinstance(callback.result, str) and callback.result:
                current = self._round_trip(conversation.number, len(trips) + 1, callback.result, call)
                trips.append(current)
                label = current.label
            elif callback.method == "sendRequestXML":
                label = "sendRequestXML (nothing to send)"
            elif callback.method == "receiveResponseXML" and current is not None:
                current.response_xml = str(callback.arguments.get("response", ""))
                current.response_bytes = len(current.response_xml.encode("utf-8"))
                current.calls.append(call)
                label = current.label
            labelled.append((label, call))
        return trips, labelled

    def result(self, m: Measured) -> dict[str, Any]:
        probe = m.probe
        transferred = self.transferred(m.verification)
        per_unit = max(transferred, 1)
        budget = (m.max_message_bytes, m.max_message_requests)
        enqueue_calls = [c for c in probe.calls if c.phase == ENQUEUE]
        soap_calls = [c for conversation in m.conversations for c in conversation.calls]

        trips: list[RoundTrip] = []
        conversations: list[dict[str, Any]] = []
        steps: dict[str, list[CallRecord]] = {}
        for conversation in m.conversations:
            its_trips, labelled = self._walk(conversation)
            trips += its_trips
            for label, call in labelled:
                steps.setdefault(label, []).append(call)
            carrying: dict[str, str] = {}
            for group in self.groups:
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
        round_trips_per_1000 = round(round_trips * 1000 / per_unit, 1)
        request_sizes = [t.request_bytes for t in trips]
        largest = max(trips, key=lambda t: t.request_bytes + t.response_bytes, default=None)
        response_sizes = [t.response_bytes for t in trips]
        over_budget = sum(1 for t in trips if t.over_budget(*budget))
        conversation_phases = [c.phase for c in m.conversations]
        total = _phase_tally(probe, [ENQUEUE, *conversation_phases])
        enqueue = _phase_tally(probe, [ENQUEUE])
        in_conversations = _phase_tally(probe, conversation_phases)
        per = f"per_{self.unit}"
        dynamodb_per_unit = round(total["requests"] / per_unit, 2)
        wall = m.conversations_wall_s
        methods = by_method(soap_calls)
        return {
            **self.summary(),
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
                f"per_1000_{self.units}": round_trips_per_1000,
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
                    # The app's own CPU (handler - moto) of the callback that sent it and the one that answered.
                    "send_cpu_ms": _app_cpu_ms(t.calls[:1]),
                    "receive_cpu_ms": _app_cpu_ms(t.calls[1:2]),
                }
                for t in trips
            ],
            "lxml_floor_ms": {
                "request_bytes": largest.request_bytes,
                "response_bytes": largest.response_bytes,
                **lxml_floor_ms(largest.request_xml, largest.response_xml),
            }
            if largest is not None
            else None,
            "lambda": lambda_cost.sizing([*soap_calls, *enqueue_calls], transferred),
            "qbxml_request_bytes": sizes(request_sizes),
            "qbxml_response_bytes": sizes(response_sizes),
            "qbxml_requests_per_message_max": max((sum(t.requests.values()) for t in trips), default=0),
            "postings_over_budget": over_budget,
            "responses_over_max_message_bytes": sum(
                1 for size in response_sizes if size > m.max_message_bytes
            ),
            "dynamodb": {
                **total,
                per: dynamodb_per_unit,
                "enqueue": {**enqueue, per: round(enqueue["requests"] / per_unit, 2)},
                "conversations": {
                    **in_conversations,
                    per: round(in_conversations["requests"] / per_unit, 2),
                },
                "by_step": {
                    label: {"callbacks": len(calls), **_tally(calls)}
                    for label, calls in sorted(steps.items(), key=lambda pair: -_tally(pair[1])["requests"])
                },
                "setup_not_counted": sum(probe.outside.get(SETUP, Counter()).values()),
                "verify_not_counted": sum(probe.outside.get(VERIFY, Counter()).values()),
            },
            "by_method": methods,
            **self.method_figures(methods),
            "enqueue_cpu_ms": {
                "route": spread([c.route_cpu_ms for c in enqueue_calls]),
                "route_minus_moto": spread([c.route_cpu_ms - c.moto_cpu_ms for c in enqueue_calls]),
            },
            "throughput": {
                "enqueue_wall_s": round(m.enqueue_wall_s, 3),
                "enqueue_cpu_s": round(m.enqueue_cpu_s, 3),
                self.enqueued_rate: round(m.enqueued / m.enqueue_wall_s, 1),
                "conversations_wall_s": round(wall, 3),
                "conversations_cpu_s": round(m.conversations_cpu_s, 3),
                self.transferred_rate: round(transferred / wall, 1) if wall else 0.0,
                "server_route_cpu_s": round(sum(c.route_cpu_ms for c in soap_calls) / 1000, 3),
                "server_moto_cpu_s": round(sum(c.moto_cpu_ms for c in soap_calls) / 1000, 3),
            },
            "goals": [
                {
                    "goal": f"round trips per 1,000 {self.units}, preflight and customer creation included <= "
                    f"{self.goal_round_trips_per_1000}",
                    "measured": round_trips_per_1000,
                    "met": round_trips_per_1000 <= self.goal_round_trips_per_1000,
                },
                {
                    "goal": f"DynamoDB requests per {self.unit}, enqueue + conversations <= "
                    f"{self.goal_dynamodb_per_unit:g}",
                    "measured": dynamodb_per_unit,
                    "met": dynamodb_per_unit <= self.goal_dynamodb_per_unit,
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

    # -- report ------------------------------------------------------------------------------------------

    def _ratio(self, value: float, digits: int) -> object:
        return f"{value:.3f}" if self.exact_figures else round(value, digits)

    def _phase_row(self, name: str, tally: dict[str, Any], per: int) -> list[object]:
        requests = tally["requests"]
        return [name, requests, self._ratio(requests / per, 2), *_ops(tally)]

    def report(self, r: dict[str, Any]) -> str:
        rt, ddb, tp, st = r["round_trips"], r["dynamodb"], r["throughput"], r["settings"]
        per = max(self.transferred(r["verification"]), 1)
        per_unit = f"per_{self.unit}"
        out = [
            "",
            self.headline(r),
            f"  MaxReturned {st['list_page_size']}; up to {st['max_transfers_per_conversation']:,} transfers per "
            f"conversation; message budget {st['max_message_bytes']:,} B / {st['max_message_requests']} requests",
            f"  {rt['conversations']} conversations ({rt['conversations_with_round_trips']} with round trips; the "
            f"last one's authenticate answered 'none'); {rt['total']} qbXML round trips = "
            f"{rt[f'per_1000_{self.units}']} per 1,000 {self.units}",
            "",
        ]
        out += table(
            ["conversation", "outcome", "callbacks", "round trips", *self.groups, "DDB req", "wall s"],
            [
                [
                    c["number"],
                    c["outcome"],
                    c["callbacks"],
                    c["round_trips"],
                    *(c["round_trips_and_requests_by_step"].get(g, "-") for g in self.groups),
                    c["dynamodb"]["requests"],
                    c["wall_s"],
                ]
                for c in r["conversations"]
            ],
        )
        out += [*self.step_note, ""]
        out += table(
            [
                "round trip",
                "steps",
                "requests",
                "request B",
                "response B",
                "DDB req",
                "app CPU ms send / receive",
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
                    f"{t['send_cpu_ms']:.0f} / {t['receive_cpu_ms']:.0f}",
                    operations(t["dynamodb"]["by_operation"]) or "-",
                    operations(t["dynamodb"]["batch_items"]) or "-",
                    ", ".join(
                        f"{kind.removesuffix('Rq')} {n:,}" for kind, n in t["qbxml_request_types"].items()
                    ),
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
                    [
                        "request (sendRequestXML returned)",
                        req["count"],
                        req["mean"],
                        req["max"],
                        req["total"],
                    ],
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
            f"{r['qbxml_requests_per_message_max']}: postings over the budget {r['postings_over_budget']} "
            f"(responses, which QuickBooks sizes, over {st['max_message_bytes']:,} B: "
            f"{r['responses_over_max_message_bytes']})",
            "",
            f"  DynamoDB: {ddb['requests']:,} requests for {per:,} transferred {self.units} = {ddb[per_unit]} per "
            f"{self.unit} (set-up {ddb['setup_not_counted']} and the verification's {ddb['verify_not_counted']:,} "
            "not counted); a batch is one request, the items it carried are shown apart",
        ]
        rows = [
            self._phase_row("enqueue", ddb["enqueue"], per),
            *(self._phase_row(f"conversation {c['number']}", c["dynamodb"], per) for c in r["conversations"]),
            self._phase_row("all conversations", ddb["conversations"], per),
            self._phase_row("total", ddb, per),
        ]
        out += table(
            ["DynamoDB by phase", "requests", f"per {self.unit}", "operations", "items in batches"], rows
        )
        out.append("")
        out += table(
            [
                "DynamoDB by step (callbacks serving it)",
                "callbacks",
                "requests",
                f"per {self.unit}",
                "operations",
                "items in batches",
            ],
            [
                [label, e["callbacks"], e["requests"], self._ratio(e["requests"] / per, 3), *_ops(e)]
                for label, e in ddb["by_step"].items()
            ],
        )
        out.append("")
        out += method_table(r["by_method"])
        out.append("")
        out += cpu_table(r["by_method"])
        floor = r["lxml_floor_ms"]
        if floor is not None:
            out.append(
                f"  lxml floor for the largest round trip ({floor['request_bytes']:,} B request, "
                f"{floor['response_bytes']:,} B response): building the request element by element and "
                f"serializing it {floor['build_request']} ms, parsing the response {floor['parse_response']} ms"
            )
        e = r["enqueue_cpu_ms"]
        out += [
            f"  enqueue (POST /api/transfers/{self.kind}), CPU ms per request: route p50 {e['route']['p50']}, p95 "
            f"{e['route']['p95']}, max {e['route']['max']}; route-moto p50 {e['route_minus_moto']['p50']}, p95 "
            f"{e['route_minus_moto']['p95']}",
            "",
            f"  throughput, end to end with the simulators: {tp[self.transferred_rate]:,.1f} {self.units}/s "
            f"({tp['conversations_wall_s']:.2f} s wall from the first conversation's start to the last one's end;",
            f"  {tp['conversations_cpu_s']:.2f} s CPU, of which the server's callbacks {tp['server_route_cpu_s']:.2f} "
            f"s, moto's DynamoDB emulation inside them {tp['server_moto_cpu_s']:.2f} s)",
            f"  enqueue: {tp[self.enqueued_rate]:,.1f} {self.kind}/s, one request at a time ({r[self.kind]:,} in "
            f"{tp['enqueue_wall_s']:.2f} s wall, {tp['enqueue_cpu_s']:.2f} s CPU)",
            "",
            *lambda_cost.report(r["lambda"], self.units),
            "",
            "  goals (printed, never asserted):",
        ]
        out += table(
            ["goal", "measured", "result"],
            [
                [
                    g["goal"],
                    str(g["measured"]) if self.exact_figures else g["measured"],
                    "PASS" if g["met"] else "MISS",
                ]
                for g in r["goals"]
            ],
            indent="    ",
        )
        out += ["", self.verification_line(r)]
        return "\n".join(out)

    # -- all of it ---------------------------------------------------------------------------------------

    def main(self) -> None:
        """Run, print the report and write the JSON."""
        prepare_process()
        started = time.perf_counter()
        now = datetime.now(UTC)
        result: dict[str, Any] = {"generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), **versions()}
        result.update(self.result(self.run()))
        if self.runs > 1:
            result["cpu_over_runs"] = self.cpu_over_runs(result)
        result["bench_runtime_s"] = round(time.perf_counter() - started, 1)
        print(
            f"qbwc-bridge {self.kind.removesuffix('s')} benchmark, {result['generated_at']} ({result['machine']})\n"
            f"Python {result['python']}, moto {result['moto']}, boto3 {result['boto3']}; in-process against moto; "
            "CPU = time.process_time; nothing here is asserted."
        )
        print(self.report(result))
        if "cpu_over_runs" in result:
            print("", *cpu_over_runs_report(result["cpu_over_runs"]), sep="\n")
        print("", *CPU_COLUMNS_NOTE, sep="\n")
        where = write_results(self.results_name, result, now)
        print(f"\nbenchmark took {result['bench_runtime_s']} s; JSON: {where}")

    def cpu_over_runs(self, first: dict[str, Any]) -> dict[str, Any]:
        """handler - moto CPU of sendRequestXML and receiveResponseXML over ``runs`` runs (the first's and
        ``runs - 1`` more, each on a fresh table and company): every run's p50 and max, and the max of all."""
        more = [self.run() for _ in range(self.runs - 1)]
        per_run = [first["by_method"]] + [
            by_method([c for conversation in m.conversations for c in conversation.calls]) for m in more
        ]
        summary: dict[str, Any] = {"runs": self.runs}
        for method in ("sendRequestXML", "receiveResponseXML"):
            spreads = [
                methods[method]["handler_minus_moto_cpu_ms"] for methods in per_run if method in methods
            ]
            summary[method] = {
                "p50_per_run": [s["p50"] for s in spreads],
                "max_per_run": [s["max"] for s in spreads],
                "max": max(s["max"] for s in spreads),
            }
        return summary


def cpu_over_runs_report(summary: dict[str, Any]) -> list[str]:
    lines = [f"  app CPU per callback (handler - moto, ms) over {summary['runs']} runs:"]
    for method in ("sendRequestXML", "receiveResponseXML"):
        m = summary[method]
        lines.append(
            f"    {method:<18}  p50 per run {', '.join(f'{v:g}' for v in m['p50_per_run'])};  max per run "
            f"{', '.join(f'{v:g}' for v in m['max_per_run'])};  max of all {m['max']:g}"
        )
    return lines


# -- verification helpers --------------------------------------------------------------------------------


def once(copies: Counter[int], noun: str) -> dict[str, int]:
    """How many documents QuickBooks has exactly once, not at all, more than once (``copies``: number of
    copies -> documents), under ``<noun>_exactly_once``, ``<noun>_missing``, ``<noun>_duplicated``."""
    return {
        f"{noun}_exactly_once": copies.get(1, 0),
        f"{noun}_missing": copies.get(0, 0),
        f"{noun}_duplicated": sum(n for k, n in copies.items() if k > 1),
    }


@dataclass
class Found:
    """The sent documents looked up in QuickBooks by their transfer's ExternalGUID."""

    copies: Counter[int] = field(default_factory=Counter)  # copies in QuickBooks -> documents
    statuses: Counter[str] = field(default_factory=Counter)  # transfer status -> transfers
    as_sent: int = 0  # found exactly once and as the document says
    with_txn_id: int = 0  # found exactly once, and the transfer has its TxnID

    def all_transferred(self, sent: int) -> bool:
        """Whether each of the ``sent`` documents is in QuickBooks exactly once as sent, and its transfer
        ``transferred`` with the TxnID."""
        return (
            self.copies == Counter({1: sent})
            and self.as_sent == sent
            and self.statuses == Counter({"transferred": sent})
            and self.with_txn_id == sent
        )


def find_sent(
    running: InProcessApp,
    sent: Sent,
    find: Callable[[str], Sequence[Any]],
    as_sent: Callable[[Any, dict[str, Any]], bool],
) -> Found:
    """Each sent document's copies in QuickBooks (``find`` by ExternalGUID), its transfer's status, and whether
    the one copy is ``as_sent`` and the transfer carries its TxnID."""
    from chalicelib.domain.transfer import external_guid

    found = Found()
    for transfer_id, document in sent.items():
        copies = find(external_guid(transfer_id))
        found.copies[len(copies)] += 1
        transfer = running.store.transfers.get(transfer_id)
        found.statuses[transfer.status] += 1
        if len(copies) == 1:
            [one] = copies
            found.with_txn_id += transfer.qb_txn_id == one.txn_id
            found.as_sent += as_sent(one, document)
    return found


def once_text(v: dict[str, Any], noun: str, sent: int, *remarks: str, what: str = "") -> str:
    """``once``'s figures of ``sent`` documents (``what`` they are, ``noun`` by default) as the verification
    lines print them, ``remarks`` added in the parenthesis."""
    return (
        f"{v[f'{noun}_exactly_once']:,} of {sent:,} {what or noun} in QuickBooks exactly once (missing "
        f"{v[f'{noun}_missing']}, duplicated {v[f'{noun}_duplicated']}{''.join(f'; {x}' for x in remarks)})"
    )


def statuses_text(verification: dict[str, Any]) -> str:
    """The transfers' statuses as the verification line prints them."""
    return ", ".join(f"{status} {n:,}" for status, n in verification["statuses"].items())
