"""How the simulated QuickBooks says something went wrong.

Two levels, as in the real product: a whole request document QuickBooks cannot parse never gets a qbXML
answer (QBWC reports an HRESULT instead, ``QbXmlParseError``), while a problem with one request inside a
valid document is answered in that request's ``...Rs`` element with ``statusCode``, ``statusSeverity`` and
``statusMessage`` (``Status``). The wording follows captured QuickBooks responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# QuickBooks appends this to every "record does not exist" message.
_NO_SUCH_RECORD = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)


class QbXmlParseError(Exception):
    """QuickBooks could not parse the request document; QBWC hands the web service hresult 0x80040400.

    ``message`` starts with QBWC's own wording and goes on with the reasons (schema errors and the like),
    which real QuickBooks keeps to itself but which make a failing test readable.
    """

    hresult: str = "0x80040400"

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        self.message = "QuickBooks found an error when parsing the provided XML text stream. " + "; ".join(
            self.reasons
        )
        super().__init__(self.message)


@dataclass(frozen=True)
class Status:
    """The three status attributes of one ``...Rs`` element."""

    code: int
    severity: str  # "Info", "Warn" or "Error"
    message: str

    @property
    def stops_batch(self) -> bool:
        """Whether ``onError="stopOnError"`` ends the message set here (warnings stop it too)."""
        return self.severity != "Info"


class StatusError(Exception):
    """Raised while handling one request to answer it with a non-OK status and no data."""

    def __init__(self, status: Status) -> None:
        super().__init__(f"{status.code}: {status.message}")
        self.status = status


OK = Status(0, "Info", "Status OK")
NO_MATCH = Status(1, "Info", "A query request did not find a matching object in QuickBooks")


def not_found_warning(missing: str) -> Status:
    """500: some of the ListIDs or FullNames a query asked for do not exist (the others are returned)."""
    return Status(
        500,
        "Warn",
        "The query request has not been fully completed. "
        f'There was a required element ("{missing}") that could not be found in QuickBooks.',
    )


def unsupported(what: str) -> Status:
    """1030: something valid in qbXML 13.0 that this simulator does not implement (never silently ignored)."""
    return Status(1030, "Error", f"This request is not supported by this implementation. {what}")


def name_in_use(name: str) -> Status:
    """3100: an Add used a name that already exists in the list."""
    return Status(3100, "Error", f'The name "{name}" of the list element is already in use.')


def invalid_parent(name: str, list_label: str) -> Status:
    """3130: a ParentRef names no existing element of the same list."""
    return Status(
        3130,
        "Error",
        f'There is an invalid reference to a parent "{name}" in the {list_label} list.  {_NO_SUCH_RECORD}',
    )


def invalid_reference(kind: str, name: str, referrer: str) -> Status:
    """3140: a reference (``CustomerRef``, ``ItemRef``, ``AccountRef`` ...) names nothing in its list."""
    return Status(
        3140,
        "Error",
        f'There is an invalid reference to QuickBooks {kind} "{name}" in the {referrer}.  {_NO_SUCH_RECORD}',
    )


# The "someone else is working here" family, by how each message opens: 3180 as QuickBooks words a list
# it could not save, the others after what Intuit's status code table says each one means.
_IN_USE_OPENINGS: dict[int, str] = {
    3170: "There was an error when modifying a {where}.",
    3175: "There was an error when reserving a {where} for an update.",
    3176: "The {where} is in use by another user.",
    3180: "There was an error when saving a {where}.",
}
IN_USE_CODES = frozenset(_IN_USE_OPENINGS)


def record_in_use(code: int, label: str, element: str | None, *, transaction: bool) -> Status:
    """3170, 3175, 3176 or 3180: another user holds the list (``label`` "Customers") or the transaction
    (``label`` "Invoice") the request needed; ``element`` names the list element when known."""
    if transaction:
        where, reason = f"{label} transaction", "This transaction is in use by another user."
    else:
        where = f'{label} list, element "{element}"' if element else f"{label} list"
        reason = "This list has been modified by another user."
    return Status(
        code, "Error", f"{_IN_USE_OPENINGS[code].format(where=where)}  QuickBooks error message: {reason}"
    )


def severity_of(code: int) -> str:
    """The severity QuickBooks gives a status code: Info below 500, Warn below 1000, Error above."""
    if code < 500:
        return "Info"
    return "Warn" if code < 1000 else "Error"


def string_too_long(value: str, tag: str) -> Status:
    """3070: a string is longer than QuickBooks stores in that field (the request is refused, not cut)."""
    return Status(3070, "Error", f'The string "{value}" in the field "{tag}" is too long.')


def invalid_date(raw: str, tag: str) -> Status:
    """3020: a date QuickBooks cannot convert (the 13th month, the 45th day ...)."""
    return Status(
        3020, "Error", f'There was an error when converting the date value "{raw}" in the field "{tag}".'
    )


def missing_field(list_label: str, element: str, what: str) -> Status:
    """3180: QuickBooks refused to save an element its own rules find incomplete (an item without an
    account ...); it reports these as a failed save with its own explanation."""
    return Status(
        3180,
        "Error",
        f'There was an error when saving a {list_label} list, element "{element}".  '
        f"QuickBooks error message: {what}",
    )


def missing_element(tag: str) -> Status:
    """3150: the schema lets an element out, but QuickBooks' own rules require it in this case (a billable
    time record without a customer ...)."""
    return Status(3150, "Error", f'There is a missing element: "{tag}".')


def invalid_value(tag: str, value: str, why: str | None = None) -> Status:
    """3210: a value the schema allows but QuickBooks' rules refuse; ``why`` is QuickBooks' explanation."""
    message = f'The "{tag}" field has an invalid value "{value}".'
    return Status(3210, "Error", message if why is None else f"{message}  QuickBooks error message: {why}")


def feature_not_enabled() -> Status:
    """3250: the request needs a feature the company file has turned off (time tracking ...), worded as
    in a captured QuickBooks response."""
    return Status(
        3250, "Error", "This feature is not enabled or not available in this version of QuickBooks."
    )


def invalid_iterator(iterator_id: str) -> Status:
    """3391: the iteratorID is unknown, used up, or belonged to an earlier QBWC session."""
    return Status(3391, "Error", f'The iteratorID "{iterator_id}" is not valid.')


def object_not_found(value: str) -> Status:
    """3120: an ID the request gives (a TxnID or TxnLineID to link to ...) names nothing QuickBooks can
    use there."""
    return Status(3120, "Error", f'Object "{value}" specified in the request cannot be found.')


def edit_sequence_out_of_date(given: str) -> Status:
    """3200: a Mod carried an EditSequence older than the record's: someone changed it since the
    integration read it, so the integration must read it again before changing it."""
    return Status(3200, "Error", f'The provided edit sequence "{given}" is out-of-date.')


def linked_transaction(label: str, txn_id: str) -> Status:
    """A delete QuickBooks refuses because other transactions link to this one (a purchase order that
    item receipts received against, an invoice or bill with payments applied): 3210 with QuickBooks' own
    explanation (chosen, see ``deletions``)."""
    return invalid_value(
        "TxnID",
        txn_id,
        f"This {label} has transactions linked to it. Remove the links (delete the linked transactions) "
        "before deleting it.",
    )
