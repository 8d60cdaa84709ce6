"""Builders for the journal-entry transfer: JournalEntryAdd and the JournalEntryQuery that finds lost adds.

Each builder writes elements in the 13.0 schema's order and asks QuickBooks for only the fields the bridge
reads back (IncludeRetElement). Schema and SDK points the builders rely on:

- ``JournalEntryAdd`` is TxnDate, RefNumber (at most 11 characters), Memo, (IsAdjustment, currency),
  ExternalGUID, then one or more of the choice JournalDebitLine | JournalCreditLine, in any mix (since
  qbXML 2.0). The builder writes the debits, then the credits.
- The entry's own ``Memo`` is marked "not in QBD" in Intuit's reference (QuickBooks Desktop keeps a memo per
  line only), so it is never written: the entry's memo goes on each line that has none of its own.
- ``JournalDebitLine`` / ``JournalCreditLine``: (TxnLineID), AccountRef, Amount, (TaxAmount), Memo,
  EntityRef, ClassRef, (ItemSalesTaxRef, BillableStatus). TxnLineID is for a Mod and never written here.
- Amounts are never negative (the line's kind says debit or credit; Intuit: a negative amount adds instead
  of cancelling and fails), and debits equal credits to the cent.
- ``JournalEntryQueryRq`` takes TxnID+ | RefNumber+ | RefNumberCaseSensitive+ | a TxnFilter, then
  IncludeLineItems, IncludeRetElement. It cannot filter by ExternalGUID: the caller compares it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from chalicelib.qbxml.document import append_text_element, request_element
from chalicelib.qbxml.fields import (
    MEMO_MAX_LENGTH,
    check_date,
    check_external_guid,
    check_length,
    check_ref_number,
    check_ref_numbers,
    include_ret_elements,
    money_text,
    write_ref,
)
from chalicelib.qbxml.invoices import Ref

REF_NUMBER_MAX_LENGTH = 11

# What the bridge reads back from an add, and from the query that looks for adds whose answer was lost.
ADD_RET_ELEMENTS = ("TxnID", "TimeCreated", "RefNumber", "ExternalGUID")


@dataclass(frozen=True)
class JournalLineSpec:
    """One debit or credit: ``amount`` (more than zero, whole cents) on ``account``, optionally for an
    ``entity`` (the customer or vendor; an A/R or A/P line needs one) and a ``class_``."""

    account: Ref
    amount: Decimal
    memo: str | None = None
    entity: Ref | None = None
    class_: Ref | None = None


@dataclass(frozen=True)
class JournalEntrySpec:
    """A general journal entry; ``txn_date`` is ``YYYY-MM-DD``, ``ref_number`` at most 11 characters.

    ``memo`` is written on every line without a memo of its own (QuickBooks Desktop has no entry memo).
    """

    txn_date: str
    ref_number: str
    external_guid: str
    debits: tuple[JournalLineSpec, ...]
    credits: tuple[JournalLineSpec, ...]
    memo: str | None = None


def build_journal_entry_add(request_id: str, spec: JournalEntrySpec) -> etree._Element:
    """A ``JournalEntryAddRq`` for ``spec`` with the bridge's ExternalGUID, asking back only
    ``ADD_RET_ELEMENTS``.

    What QuickBooks would refuse anyway is refused here with a ``ValueError`` saying why: no debit or no
    credit, an amount of zero or less, with fractions of a cent or too large, debits that differ from the
    credits, a date that is not ``YYYY-MM-DD``, an empty or over-long RefNumber, a reference naming nothing,
    a memo over 4095 characters, an ExternalGUID not in ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` form.
    """
    if not spec.debits or not spec.credits:
        raise ValueError("a journal entry needs at least one debit line and one credit line")
    check_date("TxnDate", spec.txn_date)
    check_ref_number(spec.ref_number, REF_NUMBER_MAX_LENGTH)
    check_length("memo", spec.memo, MEMO_MAX_LENGTH)
    check_external_guid(spec.external_guid)
    lines = [("JournalDebitLine", f"debit line {n}", line) for n, line in enumerate(spec.debits, start=1)]
    lines += [("JournalCreditLine", f"credit line {n}", line) for n, line in enumerate(spec.credits, start=1)]
    amounts = [_line_amount(what, line) for _tag, what, line in lines]
    debits = sum(line.amount for line in spec.debits)
    credits = sum(line.amount for line in spec.credits)
    if debits != credits:
        raise ValueError(f"debits ({debits}) and credits ({credits}) differ; a journal entry balances")

    request = request_element("JournalEntryAddRq", request_id)
    add = etree.SubElement(request, "JournalEntryAdd")
    append_text_element(add, "TxnDate", spec.txn_date)
    append_text_element(add, "RefNumber", spec.ref_number)
    append_text_element(add, "ExternalGUID", spec.external_guid)
    for (tag, _what, line), amount in zip(lines, amounts, strict=True):
        element = etree.SubElement(add, tag)
        write_ref(element, "AccountRef", line.account)
        append_text_element(element, "Amount", amount)
        memo = line.memo if line.memo is not None else spec.memo
        if memo is not None:
            append_text_element(element, "Memo", memo)
        write_ref(element, "EntityRef", line.entity)
        write_ref(element, "ClassRef", line.class_)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def build_journal_entry_query_by_ref_numbers(request_id: str, ref_numbers: Sequence[str]) -> etree._Element:
    """A ``JournalEntryQueryRq`` for these RefNumbers, asking back ``ADD_RET_ELEMENTS``: how a lost add is
    found (QuickBooks cannot filter by ExternalGUID; the caller compares it). An empty ``ref_numbers`` is
    refused: it would read every journal entry."""
    check_ref_numbers(ref_numbers)
    request = request_element("JournalEntryQueryRq", request_id)
    for ref_number in ref_numbers:
        append_text_element(request, "RefNumber", ref_number)
    include_ret_elements(request, ADD_RET_ELEMENTS)
    return request


def _line_amount(what: str, line: JournalLineSpec) -> str:
    check_length(f"memo of {what}", line.memo, MEMO_MAX_LENGTH)
    text = money_text(f"the amount of {what}", line.amount)
    if line.amount <= 0:
        raise ValueError(f"the amount of {what} is {line.amount}; a journal line's amount is more than zero")
    return text
