"""One QuickBooks list (Customers, Items, Accounts ...) and the clock that stamps what enters it.

A list keeps its elements in QuickBooks' display order (alphabetical, each parent followed by its
children), which is also the order queries answer in, and indexes them by ListID and by case-insensitive
FullName: QuickBooks names are case-insensitive ("acme" and "ACME" are the same customer).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from simulators.quickbooks.entities import ListObject

T = TypeVar("T", bound=ListObject)

# QuickBooks numbers list elements company-wide from 0x80000001 (the ListID's first part, in hex).
_FIRST_LIST_NUMBER = 0x80000001


class NameInUseError(ValueError):
    """An element with the same FullName is already in the list (QuickBooks statusCode 3100)."""


class ListStore(Generic[T]):
    """The elements of one QuickBooks list; ``kinds`` are the classes it holds (Items hold several)."""

    def __init__(self, label: str, *kinds: type[T]) -> None:
        self.label = label  # as QuickBooks names the list in messages: "Customers", "Items" ...
        self.kinds = kinds
        self._ordered: list[T] = []
        self._by_id: dict[str, T] = {}
        self._by_name: dict[str, T] = {}

    def __iter__(self) -> Iterator[T]:
        return iter(self._ordered)

    def __len__(self) -> int:
        return len(self._ordered)

    def __repr__(self) -> str:
        return f"<ListStore {self.label}: {len(self)} elements>"

    def get(self, list_id: str) -> T | None:
        """The element with this ListID."""
        return self._by_id.get(list_id)

    def find(self, full_name: str) -> T | None:
        """The element with this FullName, compared as QuickBooks does (ignoring case)."""
        return self._by_name.get(full_name.casefold())

    def insert(self, element: T) -> None:
        """Add an already stamped element in display order; ``NameInUseError`` when its name is taken."""
        key = element.full_name.casefold()
        if key in self._by_name:
            raise NameInUseError(element.name)
        bisect.insort(self._ordered, element, key=lambda item: item.name_path)
        self._by_id[element.list_id] = element
        self._by_name[key] = element


class Stamper:
    """Hands out ListIDs and modification times the way QuickBooks forms them.

    Time is simulated: it starts at ``start`` and moves one second per change, so runs are reproducible
    and every change has its own TimeModified (which ``FromModifiedDate`` filters rely on).
    """

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._next_number = _FIRST_LIST_NUMBER

    @property
    def now(self) -> datetime:
        """The simulated current time of the company file."""
        return self._now

    def stamp_new(self, element: ListObject) -> None:
        """Give a new element its ListID, TimeCreated, TimeModified and EditSequence."""
        self._now += timedelta(seconds=1)
        epoch = int(self._now.timestamp())
        element.list_id = f"{self._next_number:08X}-{epoch}"
        self._next_number += 1
        element.time_created = element.time_modified = self._now
        # QuickBooks' EditSequence is the modification time in epoch seconds.
        element.edit_sequence = str(epoch)
