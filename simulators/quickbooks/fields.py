"""The small vocabulary every ``...Ret`` is written in: ordered (tag, value) pairs, rendered with lxml.

Entities describe their Ret as data in schema order; rendering, and trimming to ``IncludeRetElement``,
happen in one place. Values are already qbXML text: the helpers here turn Python values into the exact
lexical forms the schema wants (``true``/``false``, amounts with two decimals, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Protocol, TypeAlias

from lxml import etree

FieldValue: TypeAlias = "str | Sequence[Field]"
Field: TypeAlias = tuple[str, FieldValue]


class RetSource(Protocol):
    """Anything QuickBooks can answer with a ``...Ret`` element."""

    @property
    def ret_tag(self) -> str:
        """The element name, e.g. ``CustomerRet``."""
        ...

    def ret_fields(self) -> list[Field]:
        """The Ret's children in schema order."""
        ...


@dataclass(frozen=True)
class StaticRet:
    """A Ret that is not a stored list object (HostRet, CompanyRet, PreferencesRet)."""

    ret_tag: str
    fields: tuple[Field, ...]

    def ret_fields(self) -> list[Field]:
        """The Ret's children in schema order."""
        return list(self.fields)


def render(source: RetSource, include: frozenset[str] | None = None) -> etree._Element:
    """The Ret element; with ``include``, only the named top-level children (as ``IncludeRetElement``).

    Without ``include``, the children the source lists in ``ret_on_request`` are left out: QuickBooks
    answers with some aggregates (an employee's EmployeePayrollInfo) only when they are asked for by name.
    """
    element = etree.Element(source.ret_tag)
    fields = source.ret_fields()
    if include is not None:
        fields = [item for item in fields if item[0] in include]
    else:
        on_request: frozenset[str] = getattr(source, "ret_on_request", frozenset())
        if on_request:
            fields = [item for item in fields if item[0] not in on_request]
    fill(element, fields)
    return element


def fill(element: etree._Element, fields: Sequence[Field]) -> None:
    """Append ``fields`` to ``element`` as children (answers such as TxnDelRs carry their fields
    directly, without a Ret around them)."""
    # A page of customers is tens of thousands of elements: an explicit stack keeps this loop tight.
    sub_element = etree.SubElement
    pending: list[tuple[etree._Element, Sequence[Field]]] = [(element, fields)]
    while pending:
        parent, children = pending.pop()
        for tag, value in children:
            child = sub_element(parent, tag)
            if isinstance(value, str):
                child.text = value
            else:
                pending.append((child, value))


def compact(*fields: Field | None) -> list[Field]:
    """The given fields without the ``None`` ones (optional elements that are absent)."""
    return [item for item in fields if item is not None]


def text(tag: str, value: str | int | None) -> Field | None:
    """A plain element, left out when ``value`` is None."""
    return None if value is None else (tag, str(value))


def flag(tag: str, value: bool | None) -> Field | None:
    """A BOOLTYPE element."""
    return None if value is None else (tag, "true" if value else "false")


def amount(tag: str, value: Decimal | None) -> Field | None:
    """An AMTTYPE element: always two decimals, as QuickBooks writes money."""
    return None if value is None else (tag, f"{value:.2f}")


def price(tag: str, value: Decimal | None) -> Field | None:
    """A PRICETYPE or PERCENTTYPE element: two decimals as QuickBooks writes them, up to five when needed."""
    if value is None:
        return None
    digits = f"{value.quantize(Decimal('0.00001')):f}".rstrip("0")
    whole, _, decimals = digits.partition(".")
    return (tag, f"{whole}.{decimals.ljust(2, '0')}")


def quantity(tag: str, value: Decimal | None) -> Field | None:
    """A QUANTYPE element: no trailing zeros (``300``, ``2.5``)."""
    if value is None:
        return None
    return (tag, f"{value.quantize(Decimal('0.00001')):f}".rstrip("0").rstrip("."))


def float_value(tag: str, value: Decimal | None) -> Field | None:
    """A FLOATTYPE element (exchange rates): a plain decimal without trailing zeros (``1``, ``1.0945``)."""
    if value is None:
        return None
    digits = f"{value:f}"
    return (tag, digits.rstrip("0").rstrip(".") if "." in digits else digits)


def day(tag: str, value: date | None) -> Field | None:
    """A DATETYPE element."""
    return None if value is None else (tag, value.isoformat())


def timestamp(tag: str, value: datetime) -> Field:
    """A DATETIMETYPE element with the company's UTC offset, e.g. ``2024-01-15T09:00:00-05:00``."""
    return (tag, value.isoformat(timespec="seconds"))


def group(tag: str, fields: Iterable[Field | None]) -> Field | None:
    """An aggregate element such as ``SalesOrPurchase``; left out when all its children are."""
    children = [item for item in fields if item is not None]
    return (tag, children) if children else None


# DATETIMETYPE allows anything from "2024" to "2024-01-15T09:30:00-05:00", with one-digit parts.
_QB_DATETIME = re.compile(
    r"(?P<y>\d{4})(?:-(?P<mo>\d{1,2})(?:-(?P<d>\d{1,2})"
    r"(?:T(?P<h>\d{1,2})(?::(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?P<tz>[+-]\d{1,2}:\d{1,2})?)?)?)?)?)?"
)


def parse_datetime(raw: str, *, default_tz: tzinfo, end_of_period: bool = False) -> datetime:
    """Read a DATETIMETYPE value as QuickBooks does: missing parts are the start of the period given, or
    its end with ``end_of_period`` (so ``ToModifiedDate`` 2024-01-15 includes the whole day); no offset
    means the company's local time."""
    match = _QB_DATETIME.fullmatch(raw.strip())
    if match is None:
        raise ValueError(f"not a qbXML date-time: {raw!r}")
    parts = match.groupdict()
    offset = default_tz
    if parts["tz"]:
        sign = -1 if parts["tz"].startswith("-") else 1
        hours, minutes = (int(p) for p in parts["tz"][1:].split(":"))
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    start = datetime(
        int(parts["y"]),
        int(parts["mo"] or 1),
        int(parts["d"] or 1),
        int(parts["h"] or 0),
        int(parts["mi"] or 0),
        int(parts["s"] or 0),
        tzinfo=offset,
    )
    if not end_of_period:
        return start
    # The first unit left out decides how long the period is.
    if parts["mo"] is None:
        return start.replace(year=start.year + 1) - timedelta(seconds=1)
    if parts["d"] is None:
        following = start.replace(day=28) + timedelta(days=4)
        return following.replace(day=1) - timedelta(seconds=1)
    for name, length in (("h", timedelta(days=1)), ("mi", timedelta(hours=1)), ("s", timedelta(minutes=1))):
        if parts[name] is None:
            return start + length - timedelta(seconds=1)
    return start
