"""Mappings (source value -> QuickBooks list object) and naming conventions (names of what the bridge creates).

Two rules from product.md shape everything here:

- QuickBooks separates the levels of a name with ``:`` (``Services:Remote``) and limits each level: 31
  characters for items, accounts, classes and payroll items, 41 for customers, vendors and employees, and a
  full name is at most five levels. In source values and naming conventions ``~`` is the level separator and a
  literal ``:`` becomes ``-``, so a PSA value can never split a name by accident.
- A name that does not fit is never shortened: two long billing codes cut to the same 31 characters would
  post to one item. The transfer fails instead, saying which mapping or naming convention to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Annotated, Any, Generic, Literal, Protocol, TypeVar, get_args

from pydantic import AfterValidator, Field, field_validator, model_validator

from chalicelib.domain.base import StrictModel
from chalicelib.domain.xml_text import bad_xml_char, describe_char

MappingKind = Literal[
    "billing-codes", "expense-categories", "lines-of-business", "resources", "payroll-categories"
]
MAPPING_KINDS: tuple[MappingKind, ...] = get_args(MappingKind)

MAX_ENTRIES = 5000
# QuickBooks' limits per level of a name, and the deepest hierarchy it keeps (Item:Sub:Sub:Sub:Sub).
ITEM_NAME_LIMIT = 31  # also accounts, classes, payroll items
PARTY_NAME_LIMIT = 41  # customers, vendors, employees
MAX_LEVELS = 5

QB_SEPARATOR = ":"
OUR_SEPARATOR = "~"


# --- QuickBooks names a mapping points at ---------------------------------------------------------------


def _levels_within(limit: int, max_levels: int, what: str) -> Callable[[str], str]:
    """A validator for a QuickBooks full name as an admin types it (``:`` between levels)."""

    def check(value: str) -> str:
        levels = value.split(QB_SEPARATOR)
        if len(levels) > max_levels:
            if max_levels == 1:
                raise ValueError(f"a QuickBooks {what} name has no levels, so it cannot contain ':'")
            raise ValueError(
                f"a QuickBooks {what} name has at most {max_levels} levels; {value!r} has {len(levels)}"
            )
        for level in levels:
            if not level.strip():
                raise ValueError(f"{value!r} has an empty level (nothing between two ':' or at an end)")
            if len(level) > limit:
                raise ValueError(
                    f"the level {level!r} has {len(level)} characters; QuickBooks allows {limit} per level of a "
                    f"{what} name, so no {what} can be called that"
                )
        return value

    return check


# Full names are bounded by the levels: 5 x 31 + 4 separators = 159, QuickBooks' own FullName limit.
QB_FULL_NAME_LIMIT = MAX_LEVELS * ITEM_NAME_LIMIT + MAX_LEVELS - 1

ItemName = Annotated[
    str,
    Field(min_length=1, max_length=QB_FULL_NAME_LIMIT),
    AfterValidator(_levels_within(ITEM_NAME_LIMIT, MAX_LEVELS, "item")),
]
AccountName = Annotated[
    str,
    Field(min_length=1, max_length=QB_FULL_NAME_LIMIT),
    AfterValidator(_levels_within(ITEM_NAME_LIMIT, MAX_LEVELS, "account")),
]
ClassName = Annotated[
    str,
    Field(min_length=1, max_length=QB_FULL_NAME_LIMIT),
    AfterValidator(_levels_within(ITEM_NAME_LIMIT, MAX_LEVELS, "class")),
]
# Employees, vendors and payroll items are flat lists: their names have one level.
EmployeeName = Annotated[
    str,
    Field(min_length=1, max_length=PARTY_NAME_LIMIT),
    AfterValidator(_levels_within(PARTY_NAME_LIMIT, 1, "employee")),
]
VendorName = Annotated[
    str,
    Field(min_length=1, max_length=PARTY_NAME_LIMIT),
    AfterValidator(_levels_within(PARTY_NAME_LIMIT, 1, "vendor")),
]
PayrollItemName = Annotated[
    str,
    Field(min_length=1, max_length=ITEM_NAME_LIMIT),
    AfterValidator(_levels_within(ITEM_NAME_LIMIT, 1, "payroll item")),
]
SourceValue = Annotated[str, Field(min_length=1, max_length=200)]


# --- Mapping entries, one model per kind -----------------------------------------------------------------


class MappingEntry(StrictModel):
    """One row of a mapping: a value as the source application sends it, and what it becomes in QuickBooks."""

    source: SourceValue


class BillingCodeEntry(MappingEntry):
    """Billing code -> QuickBooks item.

    Without ``item`` the bridge creates the item by the item naming convention; an item it creates posts to
    ``income_account``, or to the connector's catch-all income account (``PSA Other``) when that is empty too.
    """

    item: ItemName | None = None
    income_account: AccountName | None = None


class ExpenseCategoryEntry(MappingEntry):
    """Expense category -> expense account, and how expense lines of that category are flagged."""

    account: AccountName
    billable: bool = False
    reimbursable: bool = False


class LineOfBusinessEntry(MappingEntry):
    """Line of business -> QuickBooks class (a path of up to five levels)."""

    # ``class`` is a Python keyword; the API and the stored entry use the QuickBooks word.
    class_: ClassName = Field(alias="class")


class ResourceEntry(MappingEntry):
    """Resource -> QuickBooks employee (timesheets, payroll) and/or vendor (expense reports)."""

    employee: EmployeeName | None = None
    vendor: VendorName | None = None

    @model_validator(mode="after")
    def _maps_to_something(self) -> ResourceEntry:
        if self.employee is None and self.vendor is None:
            raise ValueError("a resource needs an employee, a vendor or both")
        return self


class PayrollCategoryEntry(MappingEntry):
    """Payroll category -> payroll wage item."""

    payroll_item: PayrollItemName


EntryT = TypeVar("EntryT", bound=MappingEntry)


class MappingSet(StrictModel, Generic[EntryT]):
    """Body of ``PUT /api/connectors/{id}/mappings/{kind}``: the whole set, which replaces the stored one."""

    entries: list[EntryT] = Field(max_length=MAX_ENTRIES)

    @field_validator("entries")
    @classmethod
    def _sources_unique(cls, entries: list[EntryT]) -> list[EntryT]:
        # Case-insensitive, as QuickBooks compares names: "remote" and "Remote" would be one mapping there.
        first_seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            key = entry.source.casefold()
            if key in first_seen:
                raise ValueError(
                    f"duplicate source {entry.source!r} (entries.{first_seen[key]} and entries.{index}; "
                    "sources are compared regardless of case)"
                )
            first_seen[key] = index
        return entries


MAPPING_SETS: dict[MappingKind, type[MappingSet[Any]]] = {
    "billing-codes": MappingSet[BillingCodeEntry],
    "expense-categories": MappingSet[ExpenseCategoryEntry],
    "lines-of-business": MappingSet[LineOfBusinessEntry],
    "resources": MappingSet[ResourceEntry],
    "payroll-categories": MappingSet[PayrollCategoryEntry],
}

# Which entry field (as the API spells it) names an object of which QuickBooks list (as qb-lists names it):
# what "known" is checked against, and what a conversation must find before it sends a document.
TARGET_LISTS: dict[MappingKind, dict[str, str]] = {
    "billing-codes": {"item": "items", "income_account": "accounts"},
    "expense-categories": {"account": "accounts"},
    "lines-of-business": {"class": "classes"},
    "resources": {"employee": "employees", "vendor": "vendors"},
    "payroll-categories": {"payroll_item": "payroll-items"},
}


def stored_entries(body: MappingSet[Any]) -> list[dict[str, Any]]:
    """The entries as stored and shown: JSON values under the API's field names (``class``, not ``class_``)."""
    return [entry.model_dump(mode="json", by_alias=True) for entry in body.entries]


class OrganizationRoute(StrictModel):
    """Body of ``PUT /api/organizations/{org_id}/connector``: the connector its documents go to from now on."""

    connector_id: str = Field(min_length=1, max_length=100)


# --- Naming conventions ----------------------------------------------------------------------------------

ITEM_PLACEHOLDERS = ("billing_code", "role", "work_type", "line_of_business")
CUSTOMER_PLACEHOLDERS = ("organization", "organization_id")

# Splits a template into literal text (even positions) and ``{placeholder}``s (odd positions).
_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")


class InvalidQbName(ValueError):
    """A name the bridge would create cannot exist in QuickBooks (an empty level, too many levels).

    ``fix`` is what the admin should change, for a transfer error's fix; the message already contains it.
    """

    def __init__(self, message: str, *, what: str, name: str, fix: str) -> None:
        super().__init__(message)
        self.what = what
        self.name = name
        self.fix = fix


class NameTooLong(InvalidQbName):
    """One level of a name is over QuickBooks' limit; the name is not shortened, the transfer must fail."""

    def __init__(self, *, what: str, name: str, segment: str, limit: int, fix: str) -> None:
        where = "it" if segment == name else f"its level '{segment}'"
        super().__init__(
            f"The {what} would be '{name}', but {where} has {len(segment)} characters and QuickBooks "
            f"allows {limit} per level. Names are never shortened (two names cut to the same characters "
            f"would become one QuickBooks object). To fix it, {fix}.",
            what=what,
            name=name,
            fix=fix,
        )
        self.segment = segment
        self.length = len(segment)
        self.limit = limit


class TemplateError(ValueError):
    """A naming convention that cannot be read: an unbalanced brace or a placeholder nobody fills in."""


def _split_template(template: str) -> list[str]:
    """Literal text and ``{placeholder}`` pieces, alternating; refuses a ``{`` or ``}`` without its pair."""
    pieces = _PLACEHOLDER.split(template)
    for literal in pieces[::2]:
        for brace in "{}":
            if brace in literal:
                raise TemplateError(f"unbalanced {brace!r} in {template!r}: every placeholder is {{name}}")
    return pieces


def check_template(template: str, allowed: Collection[str], *, what: str, limit: int) -> str:
    """Refuse a naming convention that could never form a valid name; returns it unchanged.

    Beyond unknown placeholders and unbalanced braces, the template is rendered with one-letter values: if
    even that gives an empty level or a level over ``limit``, every name formed by it would fail later.
    """
    pieces = _split_template(template)
    placeholders = [piece[1:-1] for piece in pieces[1::2]]
    allowed_text = ", ".join("{" + name + "}" for name in allowed)
    for name in placeholders:
        if name not in allowed:
            raise TemplateError(f"unknown placeholder {{{name}}} in the {what}; allowed: {allowed_text}")
    if not placeholders:
        raise TemplateError(
            f"the {what} has no placeholder, so every name would be the same; use some of {allowed_text}"
        )
    if any(QB_SEPARATOR in literal for literal in pieces[::2]):
        raise TemplateError(f"':' is not allowed in the {what}; write '~' for a QuickBooks sub-level")
    try:
        render_name(
            template,
            dict.fromkeys(placeholders, "x"),
            limit=limit,
            what=f"shortest name the {what} can form",
            fix=f"change the {what}",
        )
    except InvalidQbName as exc:
        raise TemplateError(str(exc)) from exc
    return template


class NamingConventions(StrictModel):
    """Body and answer of ``/api/connectors/{id}/naming-conventions``: how created names are formed.

    ``~`` in a template (or in a value) starts a QuickBooks sub-level: ``{role}~{work_type}`` gives
    ``Engineer:Remote``.
    """

    item: str = Field(default="{billing_code}", min_length=1, max_length=200)
    customer: str = Field(default="{organization}", min_length=1, max_length=200)

    @field_validator("item")
    @classmethod
    def _item_template(cls, template: str) -> str:
        return check_template(
            template, ITEM_PLACEHOLDERS, what="item naming convention", limit=ITEM_NAME_LIMIT
        )

    @field_validator("customer")
    @classmethod
    def _customer_template(cls, template: str) -> str:
        return check_template(
            template, CUSTOMER_PLACEHOLDERS, what="customer naming convention", limit=PARTY_NAME_LIMIT
        )


def render_name(
    template: str,
    values: Mapping[str, str],
    *,
    limit: int,
    what: str,
    fix: str = "change the naming convention, or the value in the source application",
) -> str:
    """The QuickBooks full name ``template`` forms from ``values``, or an error saying what to change.

    In values and in the template's own text a ``:`` becomes ``-`` and a ``~`` becomes the level separator
    ``:``; each level is trimmed, must not be empty and must fit ``limit`` (QuickBooks checks per level), and
    there are at most five levels. ``what`` names the name for the message ("item name for billing code
    'X'"), ``fix`` tells the admin what to change. Raises ``NameTooLong`` or ``InvalidQbName``.
    """
    text: list[str] = []
    for position, piece in enumerate(_split_template(template)):
        if position % 2:
            name = piece[1:-1]
            if name not in values:
                raise TemplateError(f"the {what} uses the placeholder {piece}, which has no value here")
            text.append(values[name].replace(QB_SEPARATOR, "-"))
        else:
            text.append(piece.replace(QB_SEPARATOR, "-"))
    levels = [level.strip() for level in "".join(text).split(OUR_SEPARATOR)]
    full_name = QB_SEPARATOR.join(levels)
    char = bad_xml_char(full_name)
    if char is not None:
        shown = full_name.replace(char, "?")
        raise InvalidQbName(
            f"The {what} would be '{shown}', which holds the character {describe_char(char)}; QuickBooks' XML "
            f"cannot carry it. To fix it, {fix}.",
            what=what,
            name=shown,
            fix=fix,
        )
    if any(not level for level in levels):
        raise InvalidQbName(
            f"The {what} would be '{full_name}', which has an empty level (a placeholder with no value, "
            f"or '~' at an end or twice in a row). To fix it, {fix}.",
            what=what,
            name=full_name,
            fix=fix,
        )
    if len(levels) > MAX_LEVELS:
        raise InvalidQbName(
            f"The {what} would be '{full_name}', {len(levels)} levels deep; QuickBooks allows {MAX_LEVELS}. "
            f"To fix it, {fix}.",
            what=what,
            name=full_name,
            fix=fix,
        )
    for level in levels:
        if len(level) > limit:
            raise NameTooLong(what=what, name=full_name, segment=level, limit=limit, fix=fix)
    return full_name


class Organization(Protocol):
    """What naming needs of an organization (the transfers' organization model has more)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


def customer_name(conventions: NamingConventions, organization: Organization) -> str:
    """The name of the QuickBooks customer the bridge creates for ``organization``."""
    return render_name(
        conventions.customer,
        {"organization": organization.name, "organization_id": organization.id},
        limit=PARTY_NAME_LIMIT,
        what=f"customer name for organization '{organization.id}'",
        fix=(
            f"shorten the organization's name in the source application, or change the customer naming "
            f"convention '{conventions.customer}'"
        ),
    )


def item_name(conventions: NamingConventions, billing_code: str, **extra: str) -> str:
    """The name of the QuickBooks item the bridge creates for ``billing_code`` of an unmapped line.

    ``extra`` gives the line's other placeholders (``role``, ``work_type``, ``line_of_business``); one the
    line does not have counts as empty, which is an error only if it leaves a level empty.
    """
    unknown = sorted(set(extra) - set(ITEM_PLACEHOLDERS))
    if unknown:
        raise TypeError(f"not an item placeholder: {', '.join(unknown)}")
    values = {**dict.fromkeys(ITEM_PLACEHOLDERS, ""), **extra, "billing_code": billing_code}
    return render_name(
        conventions.item,
        values,
        limit=ITEM_NAME_LIMIT,
        what=f"item name for billing code '{billing_code}'",
        fix=(
            f"map billing code '{billing_code}' to an existing QuickBooks item (billing-codes mapping), or "
            f"change the item naming convention '{conventions.item}'"
        ),
    )
