"""Reading QuickBooks' qbXML responses leniently: any child order, whitespace, comments, with or without the
XML declaration and ``<?qbxml?>`` instruction, and with or without a namespace (a response that arrived as
raw child elements of the SOAP ``<response>`` inherits QBWC's default namespace).

What matters is refused clearly: a document that is not XML, carries a DTD, has no ``QBXMLMsgsRs``, or
answers a request without a status code raises ``QbResponseError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from chalicelib.safe_xml import MalformedXmlError, UnsafeXmlError, local_name, parse_xml

SEVERITIES = ("Info", "Warn", "Error")


class QbResponseError(ValueError):
    """A qbXML response that cannot be read as one (the message says why)."""


@dataclass(frozen=True)
class QbResponse:
    """One ``...Rs`` element of a response message: QuickBooks' answer to one request."""

    tag: str
    request_id: str | None
    status_code: int
    status_severity: str
    status_message: str
    rets: tuple[etree._Element, ...]
    iterator_id: str | None
    iterator_remaining_count: int | None

    @property
    def is_error(self) -> bool:
        """QuickBooks refused the request (severity ``Error``)."""
        return self.status_severity == "Error"

    @property
    def found_nothing(self) -> bool:
        """A query matched no object (status code 1); an answer, not an error."""
        return self.status_code == 1


def children_named(element: etree._Element, name: str) -> list[etree._Element]:
    """The child elements of ``element`` whose local name is ``name``, in document order."""
    return [child for child in _child_elements(element) if local_name(child) == name]


def child_named(element: etree._Element, name: str) -> etree._Element | None:
    """The first child element of ``element`` whose local name is ``name``, or None."""
    for child in element:
        if isinstance(child.tag, str) and local_name(child) == name:
            return child
    return None


def child_text(element: etree._Element, name: str) -> str | None:
    """The text of the first child called ``name``: None when there is no such child, "" when it is empty."""
    child = child_named(element, name)
    if child is None:
        return None
    return child.text or ""


def child_flag(element: etree._Element, name: str) -> bool | None:
    """A qbXML boolean child (``true``/``false``, any case) as a bool; None when absent or unreadable."""
    text = child_text(element, name)
    if text is None:
        return None
    return {"true": True, "false": False}.get(text.strip().lower())


def response_message_set(xml: str) -> etree._Element:
    """The ``QBXMLMsgsRs`` element of the qbXML response document ``xml``, parsed safely."""
    try:
        root = parse_xml(xml)
    except (UnsafeXmlError, MalformedXmlError) as exc:
        raise QbResponseError(f"the qbXML response could not be read: {exc}") from exc
    if local_name(root) != "QBXML":
        raise QbResponseError(f"not a qbXML document: the root element is <{local_name(root)}>, not <QBXML>")
    message_set = child_named(root, "QBXMLMsgsRs")
    if message_set is None:
        raise QbResponseError("the qbXML document has no <QBXMLMsgsRs> (no responses in it)")
    return message_set


def parse_response_message(xml: str) -> list[QbResponse]:
    """Every ``...Rs`` answer in the qbXML response document ``xml``, in document order."""
    message_set = response_message_set(xml)
    return [_parse_response(rs) for rs in _child_elements(message_set) if local_name(rs).endswith("Rs")]


def index_by_request_id(responses: Iterable[QbResponse]) -> dict[str, QbResponse]:
    """The responses that carry a ``requestID``, keyed by it.

    Two answers with one id would make it impossible to tell which request each belongs to, so that is an
    error rather than a silent overwrite.
    """
    indexed: dict[str, QbResponse] = {}
    for response in responses:
        if response.request_id is None:
            continue
        if response.request_id in indexed:
            raise QbResponseError(f"two responses carry requestID {response.request_id!r}")
        indexed[response.request_id] = response
    return indexed


def _child_elements(element: etree._Element) -> list[etree._Element]:
    # Processing instructions and comments are children too in lxml; their tag is not a string.
    return [child for child in element if isinstance(child.tag, str)]


def _parse_response(rs: etree._Element) -> QbResponse:
    tag = local_name(rs)
    raw_code = rs.get("statusCode")
    if raw_code is None:
        raise QbResponseError(f"<{tag}> has no statusCode")
    status_code = _integer(raw_code, f"statusCode of <{tag}>")
    raw_remaining = rs.get("iteratorRemainingCount")
    return QbResponse(
        tag=tag,
        request_id=rs.get("requestID"),
        status_code=status_code,
        status_severity=_severity(rs.get("statusSeverity"), status_code),
        status_message=rs.get("statusMessage") or "",
        rets=tuple(child for child in _child_elements(rs) if local_name(child).endswith("Ret")),
        iterator_id=rs.get("iteratorID") or None,
        iterator_remaining_count=(
            None if raw_remaining is None else _integer(raw_remaining, f"iteratorRemainingCount of <{tag}>")
        ),
    )


def _integer(raw: str, what: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise QbResponseError(f"{what} is not a whole number: {raw!r}") from None


def _severity(raw: str | None, status_code: int) -> str:
    for severity in SEVERITIES:
        if raw is not None and raw.strip().lower() == severity.lower():
            return severity
    # Missing or unknown: fall back on Intuit's code ranges (0-499 Info, 500-999 Warn, the rest Error).
    if status_code < 500:
        return "Info"
    return "Warn" if status_code < 1000 else "Error"
