"""The conversation engine: packs the steps' requests into qbXML messages and routes QuickBooks' answers back.

A pure function of (state, QuickBooks' response) -> (new state, next request, progress): the store keeps
``ConversationState`` between callbacks, time and ids come in through the context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from chalicelib.conversation.company_check import CompanyCheckStep
from chalicelib.conversation.list_pull import ListPullStep
from chalicelib.domain.conversation import Issue
from chalicelib.qbxml.document import render_request_message
from chalicelib.qbxml.lists import QB_LISTS, qb_list
from chalicelib.qbxml.responses import index_by_request_id, parse_response_message
from chalicelib.steps.base import Step, StepContext
from chalicelib.steps.requirements import KindRequirements

# Lists read on every conversation: the company check needs them fresh, and they are small.
ALWAYS_READ_LISTS = ("accounts", "sales-tax-codes")
_SEPARATOR = ":"
MAX_RECORDED_ERRORS = 50


@dataclass
class ConversationState:
    """Everything a conversation remembers between callbacks (JSON-safe)."""

    lists_due: bool = False
    company: dict[str, Any] | None = None
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    # requestID -> step key of the message QuickBooks has now; None when no message is out.
    outstanding: dict[str, str] | None = None
    messages_answered: int = 0
    progress: int = 0
    configuration_issues: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # TransferIssue dicts (kind, transfer id, ...)
    errors_omitted: int = 0  # errors beyond MAX_RECORDED_ERRORS (each is on its transfer)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> sent / ok / failed
    # Per kind slug: {"send": work is queued, "sync": its sync is due}; only kinds with something to do.
    kinds: dict[str, dict[str, bool]] = field(default_factory=dict)
    unsuccessful: str | None = None  # why the conversation could not finish
    finished: bool = False
    # Answers in a row that matched none of the requests out (QBWC's guide: unexpected data); see service.
    unmatched_answers: int = 0
    last_seen: str = ""  # the last callback this conversation got, for the message if it ends early

    def to_dict(self) -> dict[str, Any]:
        # Shallow: the fields are JSON-safe already and the store serializes the result at once
        # (``asdict`` copied every step's state, thousands of entries, on every callback).
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        known = cls.__dataclass_fields__
        # A session saved by an older version may lack newer fields (defaults apply) or carry retired ones.
        return cls(**{key: value for key, value in data.items() if key in known})


def company_steps(
    state: ConversationState, *, page_size: int, requirements: list[KindRequirements]
) -> tuple[list[Step], str]:
    """The steps every conversation starts with (list reads, the company check), and the check's key:
    transfer kinds' steps come after it."""
    names = [spec.name for spec in QB_LISTS] if state.lists_due else list(ALWAYS_READ_LISTS)
    list_steps = [ListPullStep(qb_list(name), page_size) for name in names]
    check = CompanyCheckStep(depends_on=tuple(s.key for s in list_steps), kinds=requirements)
    return [*list_steps, check], check.key


class StuckConversation(RuntimeError):
    """Steps remain but none can send anything: a bug, reported as an unsuccessful conversation."""


class UnrenderableRequest(StuckConversation):
    """A step could not build its request (text XML cannot carry got past every check): ends the conversation
    as unsuccessful with the reason, never as a SOAP fault that QBWC would retry forever."""


class ConversationEngine:
    """Drives ``steps`` over ``state`` for one callback."""

    def __init__(self, state: ConversationState, steps: list[Step], ctx: StepContext) -> None:
        self.state = state
        self.steps = {step.key: step for step in steps}
        self.ctx = ctx
        ctx.configuration_issues = [Issue.model_validate(i) for i in state.configuration_issues]
        ctx.states = state.steps
        ctx.counts = state.counts

    def _step_state(self, key: str) -> dict[str, Any]:
        return self.state.steps.setdefault(key, {})

    def _open_steps(self) -> list[Step]:
        open_steps = []
        for step in self.steps.values():
            state = self._step_state(step.key)
            if step.is_done(state):
                state["done"] = True  # what dependants look at (``is_ready``)
            else:
                open_steps.append(step)
        return open_steps

    def _advance(self) -> None:
        self.ctx.failed_steps = {key for key, state in self.state.steps.items() if state.get("failed")}
        for step in self._open_steps():
            if step.is_ready(self.state.steps):
                step.advance(self.ctx, self._step_state(step.key))
                self._open_steps()  # record a step that advance finished, for the steps after it

    def is_complete(self) -> bool:
        self._advance()
        return not self._open_steps()

    def next_message(self, *, max_bytes: int, max_requests: int) -> str | None:
        """The next qbXML request document, or None when every step is done."""
        if self.state.outstanding:
            # A second sendRequestXML without a receiveResponseXML: the answer to the last message was lost.
            self._lose_outstanding()
        self.ctx.message_slots = max_requests
        self._advance()
        self.ctx.message_slots = 0
        chosen: list[etree._Element] = []
        outstanding: dict[str, str] = {}
        tags: dict[str, list[str]] = {}
        size = 0
        full = False
        for step in self._open_steps():
            if full or not step.is_ready(self.state.steps):
                continue
            # A step may build its requests lazily: taking them stops where the message is full.
            requests = iter(step.requests(self.ctx, self._step_state(step.key)))
            while True:
                try:
                    tag, element = next(requests)
                except StopIteration:
                    break
                except ValueError as exc:  # lxml refuses text XML cannot carry
                    raise UnrenderableRequest(
                        f"the {step.key} step could not build its request: {exc}"
                    ) from exc
                request_id = f"{step.key}{_SEPARATOR}{tag}"
                element.set("requestID", request_id)
                element_size = len(etree.tostring(element))
                if chosen and (size + element_size > max_bytes or len(chosen) >= max_requests):
                    full = True  # the rest waits for the next message
                    break
                chosen.append(element)
                outstanding[request_id] = step.key
                tags.setdefault(step.key, []).append(tag)
                size += element_size
        if not chosen:
            if self._open_steps():
                raise StuckConversation(
                    "steps remain but none has a request to send: "
                    + ", ".join(s.key for s in self._open_steps())
                )
            return None
        for key, sent_tags in tags.items():
            self.steps[key].sent(self.ctx, self._step_state(key), sent_tags)
        self.state.outstanding = outstanding
        self._save_issues()
        return render_request_message(chosen, consume=True)  # built for this message alone

    def apply_response(self, response_xml: str) -> int:
        """Route QuickBooks' answer to the steps; returns the new progress percentage.

        Raises ``QbResponseError`` when the answer is not a qbXML response (nothing is applied then).
        """
        responses = index_by_request_id(parse_response_message(response_xml))
        outstanding = self.state.outstanding or {}
        matched = any(request_id in responses for request_id in outstanding)
        self.state.unmatched_answers = 0 if matched or not outstanding else self.state.unmatched_answers + 1
        for request_id, key in outstanding.items():
            tag = request_id.split(_SEPARATOR, 1)[1]
            response = responses.get(request_id)
            if response is None:  # stopOnError, or QuickBooks skipped it
                self.steps[key].lost(self.ctx, self._step_state(key), tag)
            else:
                self.steps[key].apply(self.ctx, self._step_state(key), tag, response)
        self.state.outstanding = None
        self.state.messages_answered += 1
        progress = self._update_progress()  # may advance steps, which may find issues
        self._save_issues()
        return progress

    def flush(self) -> None:
        """Write what the steps changed in this callback (before the session, so a retry finds it)."""
        if self.ctx.ports is not None:
            self.ctx.ports.flush()

    def _lose_outstanding(self) -> None:
        for request_id, key in (self.state.outstanding or {}).items():
            self.steps[key].lost(self.ctx, self._step_state(key), request_id.split(_SEPARATOR, 1)[1])
        self.state.outstanding = None

    def _update_progress(self) -> int:
        if self.is_complete():
            self.state.progress = 100
            return 100
        ready = [s for s in self._open_steps() if s.is_ready(self.state.steps)]
        waiting = [s for s in self._open_steps() if not s.is_ready(self.state.steps)]
        remaining = max((s.remaining_messages(self._step_state(s.key)) for s in ready), default=0) + max(
            (s.remaining_messages(self._step_state(s.key)) for s in waiting), default=0
        )
        done = self.state.messages_answered
        estimate = (100 * done) // (done + max(remaining, 1))
        # Never backwards, never 100 while work remains.
        self.state.progress = min(99, max(self.state.progress, estimate))
        return self.state.progress

    def _save_issues(self) -> None:
        self.state.configuration_issues = [i.model_dump() for i in self.ctx.configuration_issues]
        self.state.errors += [issue.model_dump() for issue in self.ctx.errors]
        self.ctx.errors = []
        # Each transfer keeps its own error; the conversation keeps the first ones and a count of the rest.
        if len(self.state.errors) > MAX_RECORDED_ERRORS:
            self.state.errors_omitted += len(self.state.errors) - MAX_RECORDED_ERRORS
            del self.state.errors[MAX_RECORDED_ERRORS:]
