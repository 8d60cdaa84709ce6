"""General journal entries: ``JournalEntryAddRq`` and ``JournalEntryQueryRq``.

A journal entry is debit and credit lines straight on the chart of accounts. Since qbXML 2.0 the lines
may come in any order, debits and credits mixed (the schema's choice), and QuickBooks keeps them in the
order given; amounts are given without a sign, the line's kind says which side it is on. Each line may
name an entity (a customer or job, vendor, employee or Other Name) and a class. QuickBooks numbers a
journal entry that comes without RefNumber (its "automatically assign general journal entry number"
preference is on by default): the last entry's number counted up, as for invoices.

What the simulator enforces. Intuit documents the rules; where it does not document the status code
QuickBooks answers a broken rule with, the code is the simulator's choice, marked (chosen):

* every line needs an account (3150 naming ``AccountRef``, chosen) that exists and is active (3140
  "Account"); an ``EntityRef`` must name an active customer, vendor, employee or Other Name (3140
  "Entity", as for time tracking), a ``ClassRef`` an active class (3140 "Class"); references on lines are
  "in the JournalEntry line";
* amounts carry no sign (Intuit: a negative amount adds instead of cancelling): a negative one is 3210
  on ``Amount`` (chosen);
* the debits must equal the credits to the cent: otherwise 3210 on ``Amount`` naming both totals
  (chosen: a value QuickBooks' rules refuse, fixed in the document, never worth a retry);
* a line on an Accounts Receivable account needs the customer it is owed by, and one on Accounts Payable
  the vendor it is owed to: without ``EntityRef`` 3150 naming ``EntityRef``; with an entity of another
  kind 3140 naming the kind needed ("Customer" or "Vendor") (both chosen);
* one entry uses at most one Accounts Receivable or Accounts Payable account (several lines on the same
  one are fine, one per customer or vendor): a second such account is 3210 on ``AccountRef`` naming it
  (chosen);
* ``BillableStatus`` Billable needs a customer entity on the line: 3150 naming ``EntityRef`` (chosen).

Posting: each line debits or credits its account (balance-sheet accounts keep the balance); a line on
Accounts Receivable changes its customer's balance (a debit: owes more), one on Accounts Payable its
vendor's (a credit: is owed more).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from chalicelib.safe_xml import local_name
from simulators.quickbooks.adds import TxnAdd
from simulators.quickbooks.entities import (
    ZERO,
    Account,
    Customer,
    Employee,
    ListObject,
    OtherName,
    TrackingClass,
    Vendor,
    ref,
)
from simulators.quickbooks.errors import StatusError, invalid_reference, invalid_value, missing_element
from simulators.quickbooks.fields import Field, compact, day, flag, float_value, text
from simulators.quickbooks.handlers import (
    child_text,
    read_date,
    read_decimal,
    read_flag,
    reject_unhandled_children,
)
from simulators.quickbooks.invoices import next_ref_number
from simulators.quickbooks.time_tracking import find_name
from simulators.quickbooks.transactions import (
    AccountLine,
    BalanceHolder,
    Transaction,
    TxnStore,
    credit,
    debit,
    stamp_new_lines,
    to_cents,
)

if TYPE_CHECKING:
    from simulators.quickbooks.company import QuickBooksCompany

_LINE_TAGS = frozenset({"AccountRef", "Amount", "Memo", "EntityRef", "ClassRef", "BillableStatus"})
_LINE_KINDS = {"JournalDebitLine": True, "JournalCreditLine": False}  # tag -> is a debit
# Who an Accounts Receivable or Accounts Payable line must name.
_ENTITY_NEEDED: dict[str, type[Customer | Vendor]] = {
    "AccountsReceivable": Customer,
    "AccountsPayable": Vendor,
}
ONE_AR_OR_AP = "A journal entry can use only one Accounts Receivable or Accounts Payable account."
NO_SIGN = (
    "Enter journal entry amounts without a sign: the line's kind says whether it is a debit or a credit."
)


@dataclass(kw_only=True, eq=False)
class JournalLine(AccountLine):
    """One debit or credit line of a journal entry."""

    is_debit: bool
    entity: Customer | Vendor | Employee | OtherName | None = None

    def to_field(self) -> Field:
        """The ``JournalDebitLine`` or ``JournalCreditLine`` element of the Ret."""
        return self._account_line_ret(
            "JournalDebitLine" if self.is_debit else "JournalCreditLine", ref("EntityRef", self.entity)
        )


@dataclass(kw_only=True, eq=False)
class JournalEntry(Transaction):
    """A general journal entry: debit and credit lines that balance."""

    ret_tag: ClassVar[str] = "JournalEntryRet"
    txn_type: ClassVar[str] = "JournalEntry"

    lines: list[JournalLine]
    memo: str | None = None
    is_adjustment: bool = False

    def stamp_lines(self, next_id: Callable[[], str]) -> None:
        """Give each new line its TxnLineID."""
        stamp_new_lines(self.lines, next_id)

    @property
    def debits(self) -> Decimal:
        """The sum of the debit lines."""
        return sum((line.amount for line in self.lines if line.is_debit), ZERO)

    @property
    def credits(self) -> Decimal:
        """The sum of the credit lines."""
        return sum((line.amount for line in self.lines if not line.is_debit), ZERO)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Every account a line posts to, each once."""
        return tuple(dict.fromkeys(line.account for line in self.lines))

    @property
    def entities(self) -> tuple[ListObject, ...]:
        """Every entity a line names, each once."""
        return tuple(dict.fromkeys(line.entity for line in self.lines if line.entity is not None))

    def balance_changes(self) -> list[tuple[BalanceHolder, Decimal]]:
        """Each line on its account; receivables lines on their customer, payables lines on their vendor."""
        changes: list[tuple[BalanceHolder, Decimal]] = []
        for line in self.lines:
            home = self.in_home_currency(line.amount)
            changes += debit(line.account, home) if line.is_debit else credit(line.account, home)
            owed_by_customer = line.amount if line.is_debit else -line.amount
            if line.account.account_type == "AccountsReceivable" and isinstance(line.entity, Customer):
                changes.append((line.entity, owed_by_customer))
            if line.account.account_type == "AccountsPayable" and isinstance(line.entity, Vendor):
                changes.append((line.entity, -owed_by_customer))
        return changes

    def ret_fields(self, *, lines: bool = True, linked: bool = True) -> list[Field]:
        """The JournalEntryRet children in schema order (lines in the order entered)."""
        return compact(
            *self._stamp_fields(),
            day("TxnDate", self.txn_date),
            text("RefNumber", self.ref_number),
            text("Memo", self.memo),
            flag("IsAdjustment", self.is_adjustment),
            ref("CurrencyRef", self.currency),
            float_value("ExchangeRate", self.exchange_rate),
            text("ExternalGUID", self.external_guid),
            *(line.to_field() for line in (self.lines if lines else ())),
        )


class JournalEntryAdd(TxnAdd[JournalEntry]):
    """``JournalEntryAddRq``: records a balanced journal entry and answers with its JournalEntryRet."""

    request_tag = "JournalEntryAddRq"
    handled = frozenset({"TxnDate", "RefNumber", "Memo", "IsAdjustment", "ExternalGUID", *_LINE_KINDS})

    @property
    def line_referrer(self) -> str:
        """How 3140 messages name a line."""
        return f"{self.referrer} line"

    def store(self, company: QuickBooksCompany) -> TxnStore[JournalEntry]:
        """The company's journal entries."""
        return company.journal_entries

    def build(self, aggregate: etree._Element, company: QuickBooksCompany) -> JournalEntry:
        """The journal entry the aggregate describes, checked against QuickBooks' rules."""
        lines = [
            self._line(child, company, is_debit=_LINE_KINDS[local_name(child)])
            for child in aggregate.iterchildren(etree.Element)
            if local_name(child) in _LINE_KINDS
        ]
        _one_receivables_or_payables_account(lines)
        entry_currency = company.home_currency
        entry = JournalEntry(
            txn_date=read_date(aggregate, "TxnDate") or company.today,
            ref_number=child_text(aggregate, "RefNumber") or next_ref_number(company.journal_entries),
            external_guid=child_text(aggregate, "ExternalGUID"),
            currency=entry_currency,
            exchange_rate=None if entry_currency is None else Decimal(1),
            lines=lines,
            memo=child_text(aggregate, "Memo"),
            is_adjustment=read_flag(aggregate, "IsAdjustment", default=False),
        )
        if entry.debits != entry.credits:
            why = f"Transaction not in balance: the debits total {entry.debits:.2f}, the credits {entry.credits:.2f}."
            raise StatusError(invalid_value("Amount", f"{entry.credits:.2f}", why))
        return entry

    def _line(self, element: etree._Element, company: QuickBooksCompany, *, is_debit: bool) -> JournalLine:
        reject_unhandled_children(element, _LINE_TAGS, local_name(element))
        account = self.line_account(element, company, self.line_referrer)
        raw_amount = read_decimal(element, "Amount") or ZERO
        if raw_amount < 0:
            raise StatusError(invalid_value("Amount", child_text(element, "Amount") or "", NO_SIGN))
        entity = self._entity(element, company)
        needed = _ENTITY_NEEDED.get(account.account_type)
        if needed is not None and entity is None:
            raise StatusError(missing_element("EntityRef"))
        if needed is not None and not isinstance(entity, needed):
            assert entity is not None
            raise StatusError(invalid_reference(needed.kind_label, entity.full_name, self.line_referrer))
        status = child_text(element, "BillableStatus") or None
        if status == "Billable" and not isinstance(entity, Customer):
            raise StatusError(missing_element("EntityRef"))
        return JournalLine(
            is_debit=is_debit,
            account=account,
            amount=to_cents(raw_amount),
            memo=child_text(element, "Memo"),
            entity=entity,
            class_=self.resolve_active(
                element, "ClassRef", company.classes, TrackingClass.kind_label, self.line_referrer
            ),
            billable_status=status,
        )

    def _entity(
        self, element: etree._Element, company: QuickBooksCompany
    ) -> Customer | Vendor | Employee | OtherName | None:
        """The name an ``EntityRef`` gives (customers, vendors, employees and Other Names share one name
        space); 3140 "Entity" for a name that is none of these, or is inactive."""
        found_ref = element.find("EntityRef")
        if found_ref is None:
            return None
        list_id, full_name = child_text(found_ref, "ListID"), child_text(found_ref, "FullName")
        found = find_name(company, list_id, full_name)
        if not isinstance(found, Customer | Vendor | Employee | OtherName) or not found.is_active:
            name = full_name if full_name is not None else list_id or ""
            raise StatusError(self.missing("Entity", self.line_referrer)(name))
        return found


def _one_receivables_or_payables_account(lines: list[JournalLine]) -> None:
    """3210 naming the second Accounts Receivable or Accounts Payable account an entry uses."""
    seen: list[Account] = []
    for line in lines:
        if line.account.account_type in _ENTITY_NEEDED and line.account not in seen:
            seen.append(line.account)
            if len(seen) > 1:
                raise StatusError(invalid_value("AccountRef", line.account.full_name, ONE_AR_OR_AP))
