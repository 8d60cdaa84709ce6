"""Field writers and checks the qbXML request builders share: references, IncludeRetElement, dates,
ExternalGUIDs, RefNumbers, lengths, item names and QuickBooks' number formats. Each refuses (``ValueError``)
what QuickBooks would refuse, saying why, so no request that would fail leaves.

``child_decimal`` is the one reader here: the numbers an answer's ``...Ret`` carries (QUANTYPE, PRICETYPE,
AMTTYPE), which the parsers next to the builders share."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from lxml import etree

from chalicelib.qbxml.document import append_text_element
from chalicelib.qbxml.invoices import Ref, amount_text, decimal_text
from chalicelib.qbxml.responses import QbResponseError, child_text

MEMO_MAX_LENGTH = 4095
# An item's Name in every item kind's Add: one level of its full name.
ITEM_NAME_MAX_LENGTH = 31
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# GUIDTYPE in the braced form the bridge stamps (chalicelib.domain.transfer.external_guid).
_GUID = re.compile(r"\{[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}")
# DATETIMETYPE as the schema spells it (a date, optionally a time and an offset), without its empty form.
QB_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2}([+-][0-9]{1,2}:[0-9]{1,2})?)?)?)?"
)
# EditSequence in every TxnCoreMod: QuickBooks' own token, at most 16 characters.
EDIT_SEQUENCE_MAX_LENGTH = 16
# The TxnLineID a Mod gives a line QuickBooks does not have yet.
NEW_LINE_ID = "-1"
_CENT = Decimal("0.01")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
# AMTTYPE has at most 13 digits before the point, PRICETYPE and QUANTYPE 10.
_AMOUNT_LIMIT = Decimal(10) ** 13
_PRICE_LIMIT = Decimal(10) ** 10


def write_ref(parent: etree._Element, tag: str, ref: Ref | None) -> None:
    """Append ``<tag>`` referring to ``ref`` by ``ListID`` when the bridge knows it, else by ``FullName``;
    nothing for None. A reference naming nothing is refused with a ``ValueError``."""
    if ref is None:
        return
    if not ref.list_id and not (ref.full_name and ref.full_name.strip()):
        raise ValueError(f"{tag} needs a ListID or a FullName")
    element = etree.SubElement(parent, tag)
    if ref.list_id:
        append_text_element(element, "ListID", ref.list_id)
    else:
        append_text_element(element, "FullName", ref.full_name or "")


def include_ret_elements(request: etree._Element, names: Sequence[str]) -> None:
    """Append one ``IncludeRetElement`` per name (they follow the aggregate or filter in every request)."""
    for name in names:
        append_text_element(request, "IncludeRetElement", name)


def check_date(what: str, value: str) -> None:
    """Refuse ``value`` unless it is a real ``YYYY-MM-DD`` date (``what`` names the field)."""
    # The pattern first: Python 3.11's fromisoformat also reads '20261116' and week dates.
    if _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return
    raise ValueError(f"{what} must be a date like '2026-11-16', not {value!r}")


def check_external_guid(value: str) -> None:
    """Refuse an ExternalGUID not in the braced ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` form."""
    if not _GUID.fullmatch(value):
        raise ValueError(
            f"ExternalGUID must look like '{{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}}', not {value!r}"
        )


def check_ref_number(value: str, limit: int) -> None:
    """Refuse an empty RefNumber (a lost add could not be found by it) or one over ``limit`` characters."""
    if not value.strip():
        raise ValueError("a RefNumber cannot be empty: a lost add is found by it")
    check_length("RefNumber", value, limit)


def check_ref_numbers(ref_numbers: Sequence[str]) -> None:
    """Refuse no RefNumbers (a query without them would read every transaction) or an empty one."""
    if not ref_numbers:
        raise ValueError("no RefNumbers given; a query without them would read every transaction")
    if any(not ref_number.strip() for ref_number in ref_numbers):
        raise ValueError("a RefNumber to look for cannot be empty")


def check_length(what: str, value: str | None, limit: int) -> None:
    """Refuse ``value`` over ``limit`` characters; QuickBooks would (statusCode 3070), and it is never cut."""
    if value is not None and len(value) > limit:
        raise ValueError(f"the {what} is {len(value)} characters; QuickBooks allows at most {limit}")


def money_text(what: str, value: Decimal) -> str:
    """``value`` as an AMTTYPE (``amount_text``), refusing what is not a finite number of whole cents within
    QuickBooks' 13 digits: money is never rounded here (rounded lines could unbalance a journal entry)."""
    if not value.is_finite():
        raise ValueError(f"{what} must be a number, not {value}")
    if abs(value) >= _AMOUNT_LIMIT:
        raise ValueError(f"{what} is {value}; QuickBooks takes at most 13 digits before the point")
    if value != value.quantize(_CENT):
        raise ValueError(f"{what} is {value}, which has fractions of a cent")
    return amount_text(value)


def number_text(what: str, value: Decimal) -> str:
    """``value`` as a QUANTYPE / PRICETYPE (``decimal_text``: at most five decimals, rounded), refusing
    what is not a finite number within QuickBooks' 10 digits before the point."""
    if not value.is_finite():
        raise ValueError(f"{what} must be a number, not {value}")
    text = decimal_text(value) if abs(value) < _PRICE_LIMIT else None
    if text is None or abs(Decimal(text)) >= _PRICE_LIMIT:
        raise ValueError(f"{what} is {value}; QuickBooks takes at most 10 digits before the point")
    return text


def quantity_text(what: str, value: Decimal) -> str:
    """``value`` as a QUANTYPE (at most 10 digits before the point and 5 after) for a count of goods, which
    is never below zero. Unlike ``number_text`` a sixth decimal is refused, not rounded: a rounded count
    would order, receive or set on hand a different quantity than was asked for."""
    text = number_text(what, value)
    if value < 0:
        raise ValueError(f"{what} is {value}; a quantity of goods cannot be negative")
    if Decimal(text) != value:
        raise ValueError(f"{what} is {value}; QuickBooks takes at most five decimals")
    return text


def check_item_name(name: str) -> None:
    """Refuse an item ``Name`` QuickBooks would not take: empty, over 31 characters, or holding ``:`` (the
    separator of the full name's levels; the levels above go in ``ParentRef``)."""
    if not name.strip():
        raise ValueError("an item needs a name")
    if ":" in name:
        raise ValueError(f"the item name {name!r} holds a ':'; pass the levels above it as parent")
    check_length("item name", name, ITEM_NAME_MAX_LENGTH)


def child_decimal(element: etree._Element, name: str) -> Decimal | None:
    """The number in ``element``'s child ``name`` (any qbXML number type); None when the child is absent or
    empty. A child that is not a plain number raises ``QbResponseError``: an answer misread as a quantity
    would be worse than one refused."""
    text = child_text(element, name)
    if text is None or not text.strip():
        return None
    if not _NUMBER.fullmatch(text.strip()):
        raise QbResponseError(f"<{name}> is not a number: {text!r}")
    return Decimal(text.strip())


def check_txn_fields(
    *, txn_date: str, ref_number: str | None, ref_limit: int, memo: str | None, external_guid: str
) -> None:
    """What every transaction Add checks of its head: the date, an optional RefNumber within ``ref_limit``,
    the memo's length and the ExternalGUID's form (``ValueError`` saying which)."""
    check_date("TxnDate", txn_date)
    if ref_number is not None:
        check_ref_number(ref_number, ref_limit)
    check_length("memo", memo, MEMO_MAX_LENGTH)
    check_external_guid(external_guid)


def write_txn_start(
    add: etree._Element, party_tag: str, party: Ref, txn_date: str, ref_number: str | None
) -> None:
    """The first elements of a transaction Add: its party (``VendorRef``, ``AccountRef``), TxnDate and the
    optional RefNumber, in the schema's order."""
    write_ref(add, party_tag, party)
    append_text_element(add, "TxnDate", txn_date)
    if ref_number is not None:
        append_text_element(add, "RefNumber", ref_number)


def write_memo_and_guid(add: etree._Element, memo: str | None, external_guid: str) -> None:
    """The Memo (when given) and the bridge's ExternalGUID, which come before the lines."""
    if memo is not None:
        append_text_element(add, "Memo", memo)
    append_text_element(add, "ExternalGUID", external_guid)


def check_datetime(what: str, value: str) -> None:
    """Refuse ``value`` unless it is a QuickBooks time (DATETIMETYPE, e.g. ``2026-11-20T09:30:00-05:00``; a
    bare date is one too) on a real calendar day (``what`` names the field)."""
    if QB_DATETIME.fullmatch(value):
        year, month, day = (int(part) for part in value.partition("T")[0].split("-"))
        try:
            date(year, month, day)
        except ValueError:
            pass
        else:
            return
    raise ValueError(f"{what} must be a QuickBooks time like '2026-11-20T09:30:00-05:00', not {value!r}")


def check_txn_id(what: str, txn_id: str) -> None:
    """Refuse an empty TxnID (``what`` says whose): QuickBooks would answer that it found nothing."""
    if not txn_id.strip():
        raise ValueError(f"the TxnID of {what} cannot be empty")


def check_mod_head(txn_id: str, edit_sequence: str) -> None:
    """Refuse what every transaction Mod needs and lacks: a TxnID, an EditSequence (QuickBooks' token
    proving the bridge saw the latest version) of at most 16 characters."""
    check_txn_id("the transaction to modify", txn_id)
    if not edit_sequence.strip():
        raise ValueError("a Mod needs the EditSequence QuickBooks last reported for the transaction")
    check_length("EditSequence", edit_sequence, EDIT_SEQUENCE_MAX_LENGTH)


def check_line_ids(what: str, line_ids: Sequence[str], count: int) -> None:
    """Refuse ``line_ids`` unless there is one per line (``count``) and none is empty: a Mod pairs each line
    with the TxnLineID it replaces (``"-1"`` for a new one), and a missing pairing would delete a line."""
    if len(line_ids) != count:
        raise ValueError(f"{len(line_ids)} TxnLineIDs given for {count} {what}; one per line is needed")
    if any(not line_id.strip() for line_id in line_ids):
        raise ValueError(f"a TxnLineID of the {what} cannot be empty (a new line's is '-1')")


def write_mod_head(mod: etree._Element, txn_id: str, edit_sequence: str) -> None:
    """The TxnID and EditSequence every transaction Mod starts with (the schema's ``TxnCoreMod``)."""
    append_text_element(mod, "TxnID", txn_id)
    append_text_element(mod, "EditSequence", edit_sequence)


def is_number_text(text: str) -> bool:
    """Whether ``text`` (surrounding whitespace aside) is a plain decimal as QuickBooks writes its numbers;
    ``Decimal`` alone would also read ``NaN`` and ``1E3``."""
    return _NUMBER.fullmatch(text.strip()) is not None
