"""The steps every transfer kind shares: plan, reconcile lost answers, send exactly once.

A kind supplies a ``Pipeline`` (its hooks: what a document needs, its parts, how to build one Add, how to ask
QuickBooks for documents whose answer was lost) and gets three steps keyed ``<slug>.plan``,
``<slug>.reconcile`` and ``<slug>.add``, with its own dependency steps (customers, items, ...) between plan
and add. The plan step's state is the kind's working set; the send step owns the status of each part.

Exactly once, for every kind: each part (one QuickBooks transaction: an invoice, a time entry) carries an
ExternalGUID derived from its transfer and part; a transfer is written ``in_flight`` before the message holding
it leaves; a lost answer leaves it ``in_flight``, and the next conversation queries QuickBooks and compares
ExternalGUIDs in code before anything is sent again. A transfer is ``transferred`` when every part is in
QuickBooks (each part's TxnID kept); a failed part fails the transfer, and a retry sends only the parts
QuickBooks does not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, cast

from lxml import etree
from pydantic import ValidationError

from chalicelib.domain.mapping import InvalidQbName
from chalicelib.domain.transfer import Transfer, TransferError
from chalicelib.qbxml.catalogue import RETRYABLE_STATUS_CODES
from chalicelib.qbxml.responses import QbResponse, child_text
from chalicelib.steps.base import StepContext
from chalicelib.transfers.changes import Updatable, remember_written
from chalicelib.transfers.outcomes import (
    error_from_status,
    invalid_document_error,
    mark_failed,
    mark_transferred,
    requeue_quietly,
    unrenderable_text_error,
)

# A retryable answer is tried once more in the same conversation, then waits for the next one.
RETRIES_PER_CONVERSATION = 1
SENDABLE = frozenset({"queued", "failed"})
_OPEN = ("ready", "retry", "sent")
# Transfers read ahead of building their requests: one BatchGetItem (100 keys) at a time.
READ_AHEAD = 100


@dataclass(frozen=True)
class Part:
    """One QuickBooks transaction of a document. ``key`` is "" for a kind of one transaction per document."""

    key: str
    external_guid: str


@dataclass(frozen=True)
class Identity:
    """What an Add's answer (or a query's Ret) says about a transaction the bridge sent."""

    external_guid: str
    txn_id: str
    ref_number: str | None = None
    time_created: str | None = None


class Pipeline(Protocol):
    """A kind's hooks into the shared steps."""

    slug: str
    label: str

    def prepare(self, ctx: StepContext, plan: dict[str, Any], transfers: list[Transfer]) -> None:
        """Before planning ``transfers``: read what they need in bulk (mappings, links), into ``plan``."""

    def plan_document(self, ctx: StepContext, plan: dict[str, Any], transfer: Transfer) -> None:
        """Work out what ``transfer`` needs (names of customers, items, ...) into ``plan``; raise
        ``InvalidQbName`` or ``DocumentRefused`` when it can never be sent as it is, ``DocumentWaits`` when a
        configuration issue holds it."""

    def parts(self, transfer: Transfer) -> list[Part]:
        """The transactions ``transfer`` becomes, in order."""

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        """Why ``transfer`` cannot be sent now (a customer or item it needs could not be had), or None; raise
        ``DocumentWaits`` when a configuration issue found only now holds it."""

    def build_add(self, ctx: StepContext, transfer: Transfer, part: Part, request_id: str) -> etree._Element:
        """The Add request of one part."""

    def reconcile_requests(self, ctx: StepContext, transfers: list[Transfer]) -> list[etree._Element]:
        """Queries that find these transfers' parts in QuickBooks (request ids are set by the step)."""

    def identity(self, ret: etree._Element) -> Identity:
        """The identity a Ret carries (an Add's answer or a query's match)."""


class DocumentWaits(Exception):
    """A document that cannot be sent yet: a configuration issue (already reported) holds it, or what it
    needs is not in QuickBooks yet (a receipt's purchase order). It is not planned and stays queued, with no
    attempt counted; a message, when given, is noted once in its history."""


class NothingToSend(Exception):
    """Nothing in a document goes to QuickBooks (the message says why): it ends ``transferred`` with nothing
    sent and a note in its history."""


class DocumentRefused(Exception):
    """A document that can never be sent as it is (the error says why and what to do)."""

    def __init__(self, error: TransferError) -> None:
        super().__init__(error.message)
        self.error = error


def part_tag(transfer_id: str, index: int, part: Part) -> str:
    """A part's tag (requestID suffix and state key): the transfer id, and the part's position when the kind
    has several (positions, not the source's entry ids, keep requestIDs short and plain)."""
    return transfer_id if not part.key else f"{transfer_id}/{index}"


def split_tag(tag: str) -> tuple[str, int]:
    """(transfer id, part position) of a tag."""
    transfer_id, _, index = tag.partition("/")
    return transfer_id, int(index or 0)


def has_part(transfer: Transfer, key: str) -> bool:
    """Whether QuickBooks already has this part of the transfer."""
    return bool(transfer.qb_txn_id) if not key else key in transfer.qb_parts


def _all_in(pipeline: Pipeline, transfer: Transfer) -> bool:
    return all(has_part(transfer, part.key) for part in pipeline.parts(transfer))


# -- plan ---------------------------------------------------------------------------------------------------


class PlanStep:
    """Chooses the kind's transfers for this conversation and works out, without QuickBooks, what each needs.

    State: ``ids`` (planned, in order), ``reconcile`` (ids whose last answer was lost), ``st`` (part tag ->
    ready | sent | transferred | failed | retry | waiting | lost | gone), plus what the kind's ``prepare`` and
    ``plan_document`` put there.
    """

    def __init__(self, pipeline: Pipeline, depends_on: tuple[str, ...]) -> None:
        self.pipeline = pipeline
        self.key = f"{pipeline.slug}.plan"
        self.depends_on = depends_on

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if state.get("done"):
            return
        ports = ctx.ports
        assert ports is not None
        slug = self.pipeline.slug
        # Adds go through ``st`` (parts), updates and voids through their own steps (``chalicelib.transfers.
        # changes``): the plan lists them apart.
        state.update(ids=[], reconcile=[], st={}, updates=[], voids=[])
        if slug in ctx.states.get("check", {}).get("blocked", []):
            # A configuration issue stops every document of the kind: they wait, nothing is sent that would
            # fail for it.
            self.pipeline.prepare(ctx, state, [])
            state["done"] = True
            return
        # The queue index (eventually consistent) only says which transfers to look at; their status and body
        # come from a consistent read by id, so a transfer sent a moment ago is never planned again.
        found = ports.pending_ids(slug)[: ports.max_per_conversation]
        current = ports.planned(found)
        candidates = [
            current[i] for i in found if i in current and current[i].status in SENDABLE | {"in_flight"}
        ]
        self.pipeline.prepare(ctx, state, candidates)
        failed: list[Transfer] = []
        empty: list[Transfer] = []
        waiting: list[Transfer] = []
        for transfer in candidates:
            if transfer.operation == "void":
                state["voids"].append(transfer.id)  # nothing to plan: the transaction is there
                continue
            error = unrenderable_text_error(transfer.document)
            nothing: str | None = None
            if error is None:
                try:
                    self.pipeline.plan_document(ctx, state, transfer)
                except DocumentWaits as exc:
                    if _note_wait(transfer, str(exc), ctx):
                        waiting.append(transfer)
                    continue
                except NothingToSend as exc:
                    nothing = str(exc)
                except InvalidQbName as exc:
                    error = TransferError(
                        code="invalid_name", message=str(exc), explanation=str(exc), fix=exc.fix
                    )
                except DocumentRefused as exc:
                    error = exc.error
                except ValidationError as exc:
                    error = invalid_document_error(exc)
            if error is not None:
                mark_failed(transfer, error, at=ctx.now, conversation=ctx.generation)
                failed.append(transfer)
                continue
            if nothing is not None:
                # Nothing in it is for QuickBooks (an expense report with nothing reimbursable): done, with a note.
                mark_transferred(
                    transfer,
                    txn_id="",
                    ref_number=None,
                    time_created=None,
                    at=ctx.now,
                    conversation=ctx.generation,
                    note=f"nothing sent: {nothing}",
                )
                empty.append(transfer)
                continue
            if transfer.operation == "update":
                state["updates"].append(transfer.id)
                continue
            parts = self.pipeline.parts(transfer)
            state["ids"].append(transfer.id)
            if transfer.status == "in_flight":
                state["reconcile"].append(transfer.id)
            for index, part in enumerate(parts):
                if not has_part(transfer, part.key):
                    tag = part_tag(transfer.id, index, part)
                    state["st"][tag] = "waiting" if transfer.status == "in_flight" else "ready"
        for transfer in failed:
            ctx.record_error(slug, transfer)
        ports.save([*failed, *empty, *waiting])
        state["done"] = True

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        return []

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        return None

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        return None

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        return None

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 1


def _note_wait(transfer: Transfer, reason: str, ctx: StepContext) -> bool:
    """Say in a queued transfer's history why it waits, once per reason; True when something was noted."""
    note = f"waiting: {reason}"
    if not reason or transfer.status != "queued" or (transfer.history and transfer.history[-1].note == note):
        return False
    requeue_quietly(transfer, at=ctx.now, conversation=ctx.generation, note=note)
    return True


# -- reconcile ------------------------------------------------------------------------------------------------


class ReconcileStep:
    """Before anything is sent again, asks QuickBooks about the parts whose answer was lost.

    The bridge's own ExternalGUID found means the part is in QuickBooks (kept, never sent again); not found
    means it never arrived, and it is sent again in this conversation.
    """

    def __init__(self, pipeline: Pipeline, depends_on: tuple[str, ...] = ()) -> None:
        self.pipeline = pipeline
        self.key = f"{pipeline.slug}.reconcile"
        self._plan = f"{pipeline.slug}.plan"
        self.depends_on = (self._plan, *depends_on)

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    def _queries(self, ctx: StepContext) -> list[etree._Element]:
        ports = ctx.ports
        assert ports is not None
        ids = ctx.states[self._plan]["reconcile"]
        planned = ports.planned(ids)
        transfers = [planned[i] for i in ids if i in planned]
        return self.pipeline.reconcile_requests(ctx, transfers) if transfers else []

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "total" not in state:
            state.update(total=len(self._queries(ctx)), asked=[], answered=[])
        if not state["total"]:
            state["done"] = True

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        return [
            (f"q{index}", element)
            for index, element in enumerate(self._queries(ctx))
            if f"q{index}" not in state["asked"]
        ]

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        state["asked"] += tags

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        if response.is_error:
            # Asked again in the next conversation; meanwhile these stay in_flight and nothing is re-sent.
            state["failed"] = True
        else:
            for ret in response.rets:
                identity = self.pipeline.identity(ret)
                if identity.external_guid:
                    state.setdefault("found", {})[identity.external_guid.upper()] = [
                        identity.txn_id,
                        identity.ref_number,
                        identity.time_created,
                    ]
        state["answered"].append(tag)
        if len(state["answered"]) >= state["total"]:
            self._settle(ctx, state)

    def _settle(self, ctx: StepContext, state: dict[str, Any]) -> None:
        state["done"] = True
        if state.get("failed"):
            return
        ports = ctx.ports
        assert ports is not None
        plan = ctx.states[self._plan]
        found: dict[str, list[Any]] = state.pop("found", {})
        changed = []
        planned = ports.planned(plan["reconcile"])
        for transfer_id in plan["reconcile"]:
            transfer = planned.get(transfer_id)
            if transfer is None:
                continue
            for index, part in enumerate(self.pipeline.parts(transfer)):
                if has_part(transfer, part.key):
                    continue
                match = found.get(part.external_guid.upper())
                tag = part_tag(transfer.id, index, part)
                if match is not None:
                    _keep_part(transfer, part.key, match[0])
                    plan["st"][tag] = "transferred"
                else:
                    plan["st"][tag] = "ready"
            if _all_in(self.pipeline, transfer):
                txn_id, ref_number, time_created = found.get(
                    self.pipeline.parts(transfer)[0].external_guid.upper(), [transfer.qb_txn_id, None, None]
                )
                mark_transferred(
                    transfer,
                    txn_id=transfer.qb_txn_id or str(txn_id or ""),
                    ref_number=ref_number,
                    time_created=time_created,
                    at=ctx.now,
                    conversation=ctx.generation,
                    note="found in QuickBooks after a lost answer (matched by ExternalGUID); not sent again",
                )
                ctx.count(self.pipeline.slug, "ok")
            else:
                requeue_quietly(
                    transfer,
                    at=ctx.now,
                    conversation=ctx.generation,
                    note="not (all) in QuickBooks after a lost answer; sending what is missing again",
                )
            changed.append(transfer)
        ports.save(changed)

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        state["asked"].remove(tag)  # asked again in the next message

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 1


def _ours(transfer: Transfer, conversation: str) -> bool:
    """Whether this conversation may send (more of) ``transfer``: it waits in the queue, or this very
    conversation has some of its parts out (a document split across messages)."""
    if transfer.status in SENDABLE:
        return True
    return transfer.status == "in_flight" and transfer.in_flight_conversation == conversation


def _keep_part(transfer: Transfer, key: str, txn_id: str) -> None:
    if key:
        transfer.qb_parts = {**transfer.qb_parts, key: txn_id}
    else:
        transfer.qb_txn_id = txn_id


# -- send ---------------------------------------------------------------------------------------------------


class SendStep:
    """Sends each ready part exactly once and records every answer (see the module's docstring)."""

    def __init__(self, pipeline: Pipeline, depends_on: tuple[str, ...]) -> None:
        self.pipeline = pipeline
        self.key = f"{pipeline.slug}.add"
        self._plan = f"{pipeline.slug}.plan"
        self.depends_on = (self._plan, f"{pipeline.slug}.reconcile", *depends_on)
        # Per callback (steps are made anew for each): each transfer's part tags, and whether the transfers of
        # the message being answered were read. A thousand answers then cost a thousand lookups, not a
        # thousand passes over every tag of the conversation.
        self._tags: dict[str, list[str]] | None = None
        self._message_read = False
        self._answered: dict[str, str] | None = None  # the tags' statuses, when answers came in
        self._built: dict[str, etree._Element] = {}  # requests built to check them, for this message

    def _tags_of(self, ctx: StepContext, transfer_id: str) -> list[str]:
        """The part tags of a planned transfer (they are fixed once planned; only their statuses change)."""
        if self._tags is None:
            self._tags = {}
            for tag in ctx.states[self._plan]["st"]:
                self._tags.setdefault(split_tag(tag)[0], []).append(tag)
        return self._tags.get(transfer_id, [])

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    @staticmethod
    def _load(ctx: StepContext, transfer_ids: set[str]) -> dict[str, Transfer]:
        """These planned transfers (read consistently, each at most once per callback)."""
        ports = ctx.ports
        assert ports is not None
        return ports.planned(transfer_ids) if transfer_ids else {}

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        """In a callback building a message: check the transfers it may carry (see ``_check_ahead``)."""
        st = ctx.states[self._plan]["st"]
        if ctx.message_slots:
            self._check_ahead(ctx, state, st)
        state["done"] = not any(s in _OPEN for s in st.values())

    def _check_ahead(self, ctx: StepContext, state: dict[str, Any], st: dict[str, str]) -> None:
        """Check each transfer once per conversation, just before the first message that may carry it: fail
        the ones whose customer, item, ... could not be had, or whose request QuickBooks would refuse as it is
        (the builders check amounts, lengths, dates: such a document fails alone instead of stopping every
        conversation at the building of its request). Enough transfers, in queue order, to fill the message
        (``ctx.message_slots`` requests); the requests built to check them are the ones the message takes.
        """
        checked = set(state.get("checked", []))
        changed: dict[str, Transfer] = {}
        ready = [split_tag(tag)[0] for tag, status in st.items() if status in ("ready", "retry")]
        sendable = sum(1 for transfer_id in ready if transfer_id in checked)  # parts the message may take
        unchecked = list(dict.fromkeys(i for i in ready if i not in checked))
        for start in range(0, len(unchecked), READ_AHEAD):
            if sendable >= ctx.message_slots:
                break
            upcoming = unchecked[start : start + READ_AHEAD]
            self._check(ctx, upcoming, changed)
            checked.update(upcoming)
            # What passed is sendable; what failed or waits is not.
            sendable += sum(
                1 for i in upcoming for tag in self._tags_of(ctx, i) if st[tag] in ("ready", "retry")
            )
        assert ctx.ports is not None
        ctx.ports.save(changed.values())
        state["checked"] = sorted(checked)

    def _check(self, ctx: StepContext, transfer_ids: list[str], changed: dict[str, Transfer]) -> None:
        st = ctx.states[self._plan]["st"]
        planned = self._load(ctx, set(transfer_ids))
        for transfer_id in transfer_ids:
            transfer = planned.get(transfer_id)
            if transfer is None or not _ours(transfer, ctx.generation):
                for tag in self._tags_of(ctx, transfer_id):
                    if st[tag] == "ready":
                        st[tag] = "gone"  # cancelled or changed meanwhile: not ours to send
                continue
            try:
                error = self.pipeline.blocked(ctx, transfer) or self._unbuildable(ctx, transfer)
            except DocumentWaits as exc:
                # A configuration issue found only now (what QuickBooks has): it waits, no attempt counted.
                requeue_quietly(transfer, at=ctx.now, conversation=ctx.generation, note=f"waiting: {exc}")
                self._set_open_parts(ctx, transfer_id, "waiting")
                changed[transfer_id] = transfer
                continue
            if error is None:
                continue
            if error.status_code in RETRYABLE_STATUS_CODES:
                # QuickBooks was busy with a customer or item: not this document's fault, not an attempt.
                requeue_quietly(
                    transfer, at=ctx.now, conversation=ctx.generation, note=f"waiting: {error.message}"
                )
                self._set_open_parts(ctx, transfer_id, "waiting")
            else:
                mark_failed(transfer, error, at=ctx.now, conversation=ctx.generation)
                self._set_open_parts(ctx, transfer_id, "failed")
                ctx.record_error(self.pipeline.slug, transfer)
            changed[transfer_id] = transfer

    def _unbuildable(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        """The error of a document whose request QuickBooks would refuse as it is, or None; what was built is
        kept for ``requests`` in this callback."""
        built: dict[str, etree._Element] = {}
        for index, part in enumerate(self.pipeline.parts(transfer)):
            if has_part(transfer, part.key):
                continue
            tag = part_tag(transfer.id, index, part)
            try:
                built[tag] = self.pipeline.build_add(ctx, transfer, part, tag)
            except ValueError as exc:
                return TransferError(
                    code="document_refused",
                    message=str(exc),
                    explanation="QuickBooks would refuse this document as it is, so it was not sent.",
                    fix="Correct the document in the source application and send it again (the new version "
                    "replaces this one).",
                )
        self._built.update(built)
        return None

    def _set_open_parts(self, ctx: StepContext, transfer_id: str, status: str) -> None:
        st = ctx.states[self._plan]["st"]
        for tag in self._tags_of(ctx, transfer_id):
            if st[tag] in ("ready", "retry", "waiting"):
                st[tag] = status

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> Iterator[tuple[str, etree._Element]]:
        """The ready parts in queue order, as the engine takes them: those ``advance`` built to check them,
        then built one at a time (transfers read a batch ahead, one request per 100); what does not fit this
        message is neither read nor built (it is asked for again next time). In a conversation they stop at
        the first transfer not checked yet; a state without checks (the preview) builds every ready part."""
        st = ctx.states[self._plan]["st"]
        checked = set(state["checked"]) if "checked" in state else None
        ready = [tag for tag, status in st.items() if status in ("ready", "retry")]
        parts: dict[str, list[Part]] = {}
        for start in range(0, len(ready), READ_AHEAD):
            chunk = ready[start : start + READ_AHEAD]
            # Nothing from the first unchecked transfer on: it waits for the next message's checks.
            unchecked = [
                i for i, tag in enumerate(chunk) if checked is not None and split_tag(tag)[0] not in checked
            ]
            last = bool(unchecked)
            chunk = chunk[: unchecked[0]] if unchecked else chunk
            planned = self._load(ctx, {split_tag(tag)[0] for tag in chunk if tag not in self._built})
            for tag in chunk:
                transfer_id, index = split_tag(tag)
                if tag in self._built:
                    yield tag, self._built.pop(tag)
                    continue
                transfer = planned[transfer_id]
                if transfer_id not in parts:
                    parts[transfer_id] = self.pipeline.parts(transfer)
                yield tag, self.pipeline.build_add(ctx, transfer, parts[transfer_id][index], tag)
            if last:
                return

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        ports = ctx.ports
        assert ports is not None
        st = ctx.states[self._plan]["st"]
        planned = self._load(ctx, {split_tag(tag)[0] for tag in tags})
        flying: dict[str, Transfer] = {}
        for tag in tags:
            st[tag] = "sent"
            transfer_id, _ = split_tag(tag)
            if transfer_id in flying:
                continue
            transfer = planned[transfer_id]
            transfer.record(
                "in_flight",
                ctx.now,
                conversation=ctx.generation,
                note=f"{self.pipeline.label} handed to QuickBooks Web Connector",
            )
            transfer.in_flight_conversation = ctx.generation
            flying[transfer_id] = transfer
        ctx.count(self.pipeline.slug, "sent", len(flying))
        ports.save_now(flying.values())  # must be stored before the message leaves

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        ports = ctx.ports
        assert ports is not None
        st = ctx.states[self._plan]["st"]
        transfer_id, index = split_tag(tag)
        if not self._message_read:
            # One read for every transfer of the message being answered (cached for the rest of the callback).
            ports.planned({split_tag(t)[0] for t, s in st.items() if s == "sent"})
            self._message_read = True
        transfer = ports.planned([transfer_id])[transfer_id]
        key = self.pipeline.parts(transfer)[index].key
        outcomes = state.setdefault("outcomes", {})
        retries = state.setdefault("retries", {})
        if not response.is_error:
            ret = response.rets[0] if response.rets else None
            identity = self.pipeline.identity(ret) if ret is not None else Identity("", "")
            _keep_part(transfer, key, identity.txn_id)
            if not key:
                transfer.qb_ref_number = identity.ref_number
                transfer.qb_time_created = identity.time_created
            else:  # the first part's time: where checks for deletions in QuickBooks start
                transfer.qb_time_created = transfer.qb_time_created or identity.time_created
            if hasattr(self.pipeline, "build_mod") and ret is not None:
                # A kind whose documents can be updated keeps what it wrote, to tell a person's edit later.
                remember_written(cast(Updatable, self.pipeline), transfer, ret)
            st[tag] = "transferred"
        elif response.status_code in RETRYABLE_STATUS_CODES:
            if retries.get(tag, 0) < RETRIES_PER_CONVERSATION:
                retries[tag] = retries.get(tag, 0) + 1
                st[tag] = "retry"
            else:
                st[tag] = "waiting"
            outcomes.setdefault(transfer_id, {})["retry"] = (
                f"QuickBooks answered {response.status_code} ({response.status_message}); retried later"
            )
        else:
            st[tag] = "failed"
            outcomes.setdefault(transfer_id, {}).setdefault(
                "error", error_from_status(response.status_code, response.status_message).model_dump()
            )
        if all(st[t] != "sent" for t in self._tags_of(ctx, transfer_id)):
            self._settle(ctx, transfer, outcomes.pop(transfer_id, {}))
            ports.save_later(transfer)
        self._answered = st  # whether anything is left open: counted once, in is_done

    def _settle(self, ctx: StepContext, transfer: Transfer, outcome: dict[str, Any]) -> None:
        """Every part of ``transfer`` in this message is answered: what the transfer is now."""
        st = ctx.states[self._plan]["st"]
        if any(st[t] == "lost" for t in self._tags_of(ctx, transfer.id)):
            # A part's answer was lost: it may be in QuickBooks. The transfer stays in flight (with the parts
            # known to be in), and the next conversation asks QuickBooks before sending anything again.
            return
        if _all_in(self.pipeline, transfer):
            parts = len(transfer.qb_parts)
            mark_transferred(
                transfer,
                txn_id=transfer.qb_txn_id or "",
                ref_number=transfer.qb_ref_number,
                time_created=transfer.qb_time_created,
                at=ctx.now,
                conversation=ctx.generation,
                note=f"all {parts} {self.pipeline.label} parts in QuickBooks (each part's TxnID in qb_parts)"
                if parts
                else "",
            )
            ctx.count(self.pipeline.slug, "ok")
        elif "error" in outcome:
            mark_failed(
                transfer,
                TransferError.model_validate(outcome["error"]),
                at=ctx.now,
                conversation=ctx.generation,
            )
            self._set_open_parts(ctx, transfer.id, "failed")
            ctx.record_error(self.pipeline.slug, transfer)
        elif "retry" in outcome:
            requeue_quietly(transfer, at=ctx.now, conversation=ctx.generation, note=outcome["retry"])
        # Otherwise parts still wait for a later message of this conversation: it stays in flight.

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        # No answer: it may or may not be in QuickBooks. It stays in_flight; the next conversation asks first.
        st = ctx.states[self._plan]["st"]
        st[tag] = "lost"
        transfer_id, _ = split_tag(tag)
        mine = [st[t] for t in self._tags_of(ctx, transfer_id)]
        if "sent" not in mine and "transferred" in mine:
            # Other parts of it did get in: keep their TxnIDs, so only the lost ones are asked about.
            ports = ctx.ports
            assert ports is not None
            state.get("outcomes", {}).pop(transfer_id, None)
            ports.save_later(ports.planned([transfer_id])[transfer_id])
        self._answered = st  # whether anything is left open: counted once, in is_done

    def is_done(self, state: dict[str, Any]) -> bool:
        if self._answered is not None:
            # Answers (or their loss) came in this callback: one pass after all of them, not one per answer.
            state["done"] = not any(s in _OPEN for s in self._answered.values())
            self._answered = None
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 1 if not state.get("done") else 0


def txn_identity(ret: etree._Element) -> Identity:
    """The identity fields every transaction Ret carries."""
    return Identity(
        external_guid=child_text(ret, "ExternalGUID") or "",
        txn_id=child_text(ret, "TxnID") or "",
        ref_number=child_text(ret, "RefNumber"),
        time_created=child_text(ret, "TimeCreated"),
    )
