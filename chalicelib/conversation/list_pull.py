"""Reading one QuickBooks list (accounts, items, customers, ...) so admins can map against real names.

Lists whose queries take iterators are paged with ``MaxReturned``; the others are read whole, because
``MaxReturned`` on them silently truncates. Each page is stored as it arrives and the list becomes visible
when the last page is in.
"""

from __future__ import annotations

import math
from typing import Any

from lxml import etree

from chalicelib.qbxml.catalogue import explain_status
from chalicelib.qbxml.lists import QbListSpec, build_list_query, list_entries
from chalicelib.qbxml.responses import QbResponse
from chalicelib.steps.base import StepContext

# QuickBooks' answer to an iterator it no longer knows; the read starts over (once).
ITERATOR_EXPIRED = 3391


class ListPullStep:
    """Pull one whole list. State: ``page``, ``iterator_id``, ``remaining``, ``count``, ``done``."""

    def __init__(self, spec: QbListSpec, page_size: int) -> None:
        self.spec = spec
        self.page_size = page_size
        self.key = f"list.{spec.name}"

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return True

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        return None

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if state.get("done"):
            return []
        page = int(state.get("page", 0))
        tag = f"p{page}"
        if not self.spec.pages_with_iterator:
            return [(tag, build_list_query(self.spec, tag))]
        if state.get("iterator_id"):
            query = build_list_query(
                self.spec,
                tag,
                iterator="Continue",
                iterator_id=state["iterator_id"],
                max_returned=self.page_size,
            )
        else:
            query = build_list_query(self.spec, tag, iterator="Start", max_returned=self.page_size)
        return [(tag, query)]

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        if response.status_code == ITERATOR_EXPIRED and not state.get("restarted"):
            state.update(page=0, iterator_id=None, remaining=None, count=0, restarted=True)
            return
        if response.is_error:
            entry = explain_status(response.status_code, response.status_message)
            ctx.add_configuration_issue(
                f"list_read_failed:{self.spec.name}",
                f"QuickBooks did not return the {self.spec.name} list: {entry.explanation}",
                entry.fix,
            )
            state["done"] = True
            state["failed"] = True
            return
        page = int(state.get("page", 0))
        entries = [e.to_dict() for e in list_entries(self.spec, response)]
        ctx.list_sink.write_page(
            ctx.connector.id, self.spec.name, generation=ctx.generation, page=page, entries=entries
        )
        state["page"] = page + 1
        state["count"] = int(state.get("count", 0)) + len(entries)
        remaining = response.iterator_remaining_count if self.spec.pages_with_iterator else 0
        state["remaining"] = remaining or 0
        state["iterator_id"] = response.iterator_id
        if not remaining:
            ctx.list_sink.commit(
                ctx.connector.id,
                self.spec.name,
                generation=ctx.generation,
                read_at=ctx.now,
                count=state["count"],
            )
            state["done"] = True

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        return None

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        # QuickBooks may have moved the iterator on already: continuing could skip a page, so read again from
        # the start (pages are rewritten under the same numbers).
        if self.spec.pages_with_iterator and not state.get("done"):
            state.update(page=0, iterator_id=None, remaining=None, count=0)

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        if state.get("done"):
            return 0
        remaining = state.get("remaining")
        if remaining is None:
            return 1
        return max(1, math.ceil(int(remaining) / self.page_size))
