"""One QuickBooks list (Customers, Items, Accounts ...) and the clock that stamps what enters the file.

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
from simulators.quickbooks.transactions import Transaction

T = TypeVar("T", bound=ListObject)

# QuickBooks numbers list elements company-wide from 0x80000001 (the ListID's first part, in hex).
_FIRST_LIST_NUMBER = 0x80000001
# Transactions and their lines share one counter of their own (TxnID "1A2B-...", TxnLineID "1A2C-...").
_FIRST_TXN_NUMBER = 0x1A2B


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
    """Hands out ListIDs, TxnIDs and modification times the way QuickBooks forms them.

    Time is simulated: it starts at ``start`` and moves one second per change, so runs are reproducible
    and every change has its own TimeModified (which ``FromModifiedDate`` filters rely on). IDs end with
    the epoch second they were handed out in, as QuickBooks' do.
    """

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._next_list_number = _FIRST_LIST_NUMBER
        self._next_txn_number = _FIRST_TXN_NUMBER
        self._next_txn_sequence = 1  # TxnNumber: what QuickBooks shows as the transaction's number

    @property
    def now(self) -> datetime:
        """The simulated current time of the company file."""
        return self._now

    def stamp_new(self, element: ListObject) -> None:
        """Give a new element its ListID, TimeCreated, TimeModified and EditSequence."""
        self._tick()
        element.list_id = f"{self._next_list_number:08X}-{int(self._now.timestamp())}"
        self._next_list_number += 1
        element.time_created = element.time_modified = self._now
        element.edit_sequence = self._edit_sequence()

    def stamp_txn(self, txn: Transaction) -> None:
        """Give a new transaction its TxnID, TxnNumber, TimeCreated, TimeModified and EditSequence."""
        self._tick()
        txn.txn_id = self.next_txn_id()
        txn.txn_number = self._next_txn_sequence
        self._next_txn_sequence += 1
        txn.time_created = txn.time_modified = self._now
        txn.edit_sequence = self._edit_sequence()

    def next_txn_id(self) -> str:
        """A fresh TxnID (or TxnLineID: lines draw from the same counter) for the current second."""
        txn_id = f"{self._next_txn_number:X}-{int(self._now.timestamp())}"
        self._next_txn_number += 1
        return txn_id

    def touch(self, record: ListObject | Transaction, *, tick: bool = True) -> None:
        """Mark ``record`` as changed now; ``tick=False`` when the change belongs to one just stamped
        (a payment changes the invoices it pays in the same instant)."""
        if tick:
            self._tick()
        record.time_modified = self._now
        record.edit_sequence = self._edit_sequence()

    def advance(self) -> datetime:
        """Move the clock on for a change that stamps nothing (a deletion) and return the new time."""
        self._tick()
        return self._now

    def _tick(self) -> None:
        self._now += timedelta(seconds=1)

    def _edit_sequence(self) -> str:
        # QuickBooks' EditSequence is the modification time in epoch seconds.
        return str(int(self._now.timestamp()))
