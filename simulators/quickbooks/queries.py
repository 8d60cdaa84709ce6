"""The query engine: ``PagedQuery`` pages any result set, ``ListQuery`` answers one per list.

``PagedQuery`` holds what every query shares (``MaxReturned``, iterators, ``metaData``,
``IncludeRetElement``); a subclass only selects the matching records. Transaction queries build on it in
``txn_queries``.

All list queries of qbXML 13.0 share one filter grammar: either explicit ``ListID``s or ``FullName``s,
or ``MaxReturned``, ``ActiveStatus`` (``ActiveOnly`` by default), modification dates and a name filter,
plus a few kind-specific filters (``AccountType`` ...). QuickBooks answers:

* explicit ListIDs/FullNames: the elements found, whatever their active status; any missing one makes
  the answer a 500 warning that names it (the found elements still come back);
* a filtered query that matches nothing: statusCode 1 (Info), not an error;
* ``MaxReturned`` without an iterator: silently the first N;
* ``iterator="Start"`` (only on queries whose schema allows it: customers, vendors, items ...): the first
  page plus ``iteratorRemainingCount`` and ``iteratorID``; ``iterator="Continue"`` the next page of the
  same result set; a used-up, unknown or earlier session's iterator: 3391.
"""

from __future__ import annotations

import random
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from lxml import etree

from simulators.quickbooks.entities import Account, ListObject
from simulators.quickbooks.errors import (
    NO_MATCH,
    OK,
    Status,
    StatusError,
    invalid_date,
    invalid_iterator,
    not_found_warning,
)
from simulators.quickbooks.fields import RetSource, parse_datetime
from simulators.quickbooks.handlers import (
    Reply,
    RequestHandler,
    child_text,
    children_text,
    include_ret_elements,
    reject_unhandled_children,
)
from simulators.quickbooks.lists import ListStore

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

Predicate = Callable[[Any], bool]  # a test on one list element or transaction

# OwnerID asks for the custom fields (DataExt) of that owner; the simulator stores none, so answering
# without DataExtRet is exactly what QuickBooks would do for elements that have none.
_GENERIC_TAGS = frozenset(
    {
        "ListID",
        "FullName",
        "MaxReturned",
        "ActiveStatus",
        "FromModifiedDate",
        "ToModifiedDate",
        "NameFilter",
        "NameRangeFilter",
        "IncludeRetElement",
        "OwnerID",
    }
)


@dataclass(frozen=True)
class ListFilter:
    """The generic filters of a list query request."""

    list_ids: tuple[str, ...] = ()
    full_names: tuple[str, ...] = ()
    active_status: str = "ActiveOnly"
    from_modified: datetime | None = None
    to_modified: datetime | None = None
    name_criterion: str | None = None  # StartsWith, Contains, EndsWith
    name: str = ""
    from_name: str | None = None
    to_name: str | None = None

    @classmethod
    def from_request(cls, request: etree._Element, local_tz: tzinfo) -> ListFilter:
        """Read the filters; dates without an offset are in the company's time zone."""
        name_filter = request.find("NameFilter")
        name_range = request.find("NameRangeFilter")
        return cls(
            list_ids=tuple(children_text(request, "ListID")),
            full_names=tuple(children_text(request, "FullName")),
            active_status=child_text(request, "ActiveStatus") or "ActiveOnly",
            from_modified=read_datetime(request, "FromModifiedDate", local_tz, end_of_period=False),
            to_modified=read_datetime(request, "ToModifiedDate", local_tz, end_of_period=True),
            name_criterion=None if name_filter is None else child_text(name_filter, "MatchCriterion"),
            name=("" if name_filter is None else child_text(name_filter, "Name") or "").casefold(),
            from_name=None if name_range is None else _folded(child_text(name_range, "FromName")),
            to_name=None if name_range is None else _folded(child_text(name_range, "ToName")),
        )

    @property
    def is_explicit(self) -> bool:
        """Whether the query names its elements by ListID or FullName."""
        return bool(self.list_ids or self.full_names)

    def explicit(
        self, store: ListStore[Any], kinds: tuple[type[ListObject], ...] = (ListObject,)
    ) -> tuple[list[ListObject], list[str]]:
        """The named elements (of ``kinds``) found, in the order asked for, and the names/IDs that were
        not."""
        found: list[ListObject] = []
        missing: list[str] = []
        lookups = [(list_id, store.get(list_id)) for list_id in self.list_ids]
        lookups += [(full_name, store.find(full_name)) for full_name in self.full_names]
        for asked, element in lookups:
            if element is None or not isinstance(element, kinds):
                missing.append(asked)
            elif element not in found:
                found.append(element)
        return found, missing

    def matches(self, element: ListObject) -> bool:
        """Whether a filtered (not explicit) query selects ``element``."""
        if self.active_status == "ActiveOnly" and not element.is_active:
            return False
        if self.active_status == "InactiveOnly" and element.is_active:
            return False
        if self.from_modified is not None and element.time_modified < self.from_modified:
            return False
        if self.to_modified is not None and element.time_modified > self.to_modified:
            return False
        # Name filters compare FullNames without regard to case, as QuickBooks does.
        full_name = element.full_name.casefold()
        if self.name_criterion == "StartsWith" and not full_name.startswith(self.name):
            return False
        if self.name_criterion == "Contains" and self.name not in full_name:
            return False
        if self.name_criterion == "EndsWith" and not full_name.endswith(self.name):
            return False
        if self.from_name is not None and full_name < self.from_name:
            return False
        return self.to_name is None or full_name <= self.to_name


def _folded(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def read_datetime(
    request: etree._Element, tag: str, local_tz: tzinfo, *, end_of_period: bool
) -> datetime | None:
    """A DATETIMETYPE filter bound (``FromModifiedDate`` ...); 3020 for a date that does not exist."""
    raw = child_text(request, tag)
    if raw is None:
        return None
    try:
        return parse_datetime(raw, default_tz=local_tz, end_of_period=end_of_period)
    except ValueError:
        raise StatusError(invalid_date(raw, tag)) from None


class KindFilter(ABC):
    """A filter only some list queries have, e.g. ``AccountType`` on AccountQuery."""

    tags: frozenset[str]  # the request elements the filter reads

    @abstractmethod
    def predicate(self, request: etree._Element) -> Predicate | None:
        """The test the request asks for, or None when it does not use this filter."""


class AccountTypeFilter(KindFilter):
    """``AccountType`` (repeatable): accounts of any of the given types."""

    tags = frozenset({"AccountType"})

    def predicate(self, request: etree._Element) -> Predicate | None:
        """Accounts whose type is one of those requested."""
        wanted = frozenset(children_text(request, "AccountType"))
        if not wanted:
            return None
        return lambda element: isinstance(element, Account) and element.account_type in wanted


@dataclass
class _OpenIterator:
    request_tag: str
    remaining: list[Any]


class IteratorRegistry:
    """The iterators open in the current QBWC session (QuickBooks forgets them when the session ends)."""

    def __init__(self, seed: int = 0) -> None:
        # Seeded so that iterator IDs, like everything else in the simulator, are reproducible.
        self._random = random.Random(seed)
        self._open: dict[str, _OpenIterator] = {}

    def start(self, request_tag: str, remaining: list[Any]) -> str:
        """Open an iterator over ``remaining`` (the pages after the first) and return its iteratorID."""
        iterator_id = "{" + str(uuid.UUID(int=self._random.getrandbits(128), version=4)) + "}"
        if remaining:
            self._open[iterator_id] = _OpenIterator(request_tag, remaining)
        return iterator_id

    def next_page(self, iterator_id: str, request_tag: str, size: int | None) -> tuple[list[Any], int]:
        """The next page of an open iterator and how many elements remain after it; 3391 for an iterator
        that is unknown, used up, or opened by another kind of query."""
        opened = self._open.get(iterator_id)
        if opened is None or opened.request_tag != request_tag:
            raise StatusError(invalid_iterator(iterator_id))
        cut = len(opened.remaining) if size is None else size
        page, opened.remaining = opened.remaining[:cut], opened.remaining[cut:]
        if not opened.remaining:
            del self._open[iterator_id]
        return page, len(opened.remaining)

    def clear(self) -> None:
        """Forget every iterator (the QBWC session ended)."""
        self._open.clear()


class PagedQuery(RequestHandler, ABC):
    """A query request whose answer can be cut into pages: ``MaxReturned`` alone returns the first N,
    ``iterator="Start"``/``"Continue"`` walks the whole result set; ``metaData`` asks for counts."""

    def __init__(self, request_tag: str, handled: Iterable[str]) -> None:
        self.request_tag = request_tag
        self._handled = frozenset(handled)  # the request's children this query reads

    @abstractmethod
    def select(self, request: etree._Element, company: QuickBooksCompany) -> tuple[list[Any], Status]:
        """Every record the request asks for, in answer order, and the status to answer with."""

    def present(self, request: etree._Element, page: list[Any]) -> Sequence[RetSource]:
        """How the selected records appear in the answer (as themselves unless a subclass says)."""
        return page

    def handle(self, request: etree._Element, company: QuickBooksCompany) -> Reply:
        """Select, page and return the matching records."""
        reject_unhandled_children(request, self._handled, self.request_tag)
        max_returned = child_text(request, "MaxReturned")
        size = None if max_returned is None else int(max_returned)
        if request.get("iterator") == "Continue":
            # The iterator carries the result set of its Start; only the page size is read again.
            iterator_id = request.get("iteratorID", "")
            page, remaining = company.iterators.next_page(iterator_id, self.request_tag, size)
            return self._reply(request, OK, page, iterator_remaining=remaining, iterator_id=iterator_id)
        matches, status = self.select(request, company)
        page = matches if size is None else matches[:size]
        if request.get("iterator") == "Start":
            iterator_id = company.iterators.start(self.request_tag, matches[len(page) :])
            return self._reply(
                request, status, page, iterator_remaining=len(matches) - len(page), iterator_id=iterator_id
            )
        return self._reply(request, status, page)

    def _reply(
        self,
        request: etree._Element,
        status: Status,
        page: list[Any],
        *,
        iterator_remaining: int | None = None,
        iterator_id: str | None = None,
    ) -> Reply:
        # metaData="MetaDataOnly" asks only how many records would come back (retCount).
        meta_data = request.get("metaData", "NoMetaData")
        return Reply(
            status=status,
            rets=() if meta_data == "MetaDataOnly" else self.present(request, page),
            include=include_ret_elements(request),
            ret_count=None if meta_data == "NoMetaData" else len(page),
            iterator_remaining=iterator_remaining,
            iterator_id=iterator_id,
        )


class ListQuery(PagedQuery):
    """Answers a list query request (``CustomerQueryRq``, ``TermsQueryRq`` ...) from one list; with
    ``kinds``, only from its elements of those kinds (``ItemInventoryQueryRq`` reads the inventory parts
    of the items list, and a ListID or FullName of another kind of item is one it cannot find)."""

    def __init__(
        self,
        request_tag: str,
        select: Callable[[QuickBooksCompany], ListStore[Any]],
        kind_filters: Sequence[KindFilter] = (),
        *,
        kinds: tuple[type[ListObject], ...] = (ListObject,),
    ) -> None:
        super().__init__(request_tag, _GENERIC_TAGS.union(*(kind.tags for kind in kind_filters)))
        self._store = select
        self._kind_filters = tuple(kind_filters)
        self._kinds = kinds

    def list_label(self, company: QuickBooksCompany) -> str:
        """The list the query reads."""
        return self._store(company).label

    def select(self, request: etree._Element, company: QuickBooksCompany) -> tuple[list[Any], Status]:
        """The named elements (500 when some are missing), or those the filters match (1 for none)."""
        query = ListFilter.from_request(request, company.local_tz)
        if query.is_explicit:
            matches, missing = query.explicit(self._store(company), self._kinds)
            return matches, not_found_warning(missing[0]) if missing else OK
        tests = [
            lambda element: isinstance(element, self._kinds),
            query.matches,
            *kind_predicates(self._kind_filters, request),
        ]
        matches = [element for element in self._store(company) if all(test(element) for test in tests)]
        return matches, OK if matches else NO_MATCH


def kind_predicates(kind_filters: Iterable[KindFilter], request: etree._Element) -> list[Predicate]:
    """The tests of the kind-specific filters the request uses."""
    predicates = (kind.predicate(request) for kind in kind_filters)
    return [predicate for predicate in predicates if predicate is not None]
