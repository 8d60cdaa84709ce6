"""SOAP 1.1 envelopes for the QBWC callbacks: parse requests (hardened), render results and faults.

What each callback takes and returns is declared once in ``CALLBACKS``; the parser checks the body against it,
so a malformed call gets a SOAP Fault that names the problem instead of a crash or a half-done change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lxml import etree

from chalicelib.safe_xml import MalformedXmlError, OversizeXmlError, UnsafeXmlError, local_name, parse_xml

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
QBWC_NS = "http://developer.intuit.com/"
ResultKind = Literal["string", "int", "array"]


@dataclass(frozen=True)
class CallbackSpec:
    """A callback's parameters (name -> required?) and result type, as in the WSDL."""

    params: tuple[tuple[str, bool], ...]
    result: ResultKind
    int_params: tuple[str, ...] = ()


CALLBACKS: dict[str, CallbackSpec] = {
    "serverVersion": CallbackSpec((), "string"),
    "clientVersion": CallbackSpec((("strVersion", False),), "string"),
    "authenticate": CallbackSpec((("strUserName", True), ("strPassword", True)), "array"),
    "sendRequestXML": CallbackSpec(
        (
            ("ticket", True),
            ("strHCPResponse", False),
            ("strCompanyFileName", False),
            ("qbXMLCountry", False),
            ("qbXMLMajorVers", True),
            ("qbXMLMinorVers", True),
        ),
        "string",
        int_params=("qbXMLMajorVers", "qbXMLMinorVers"),
    ),
    "receiveResponseXML": CallbackSpec(
        (("ticket", True), ("response", False), ("hresult", False), ("message", False)), "int"
    ),
    "connectionError": CallbackSpec((("ticket", True), ("hresult", False), ("message", False)), "string"),
    "getLastError": CallbackSpec((("ticket", True),), "string"),
    "closeConnection": CallbackSpec((("ticket", True),), "string"),
    # Interactive mode is not offered; these answer harmlessly if a QBWC asks anyway.
    "getInteractiveURL": CallbackSpec((("wcTicket", False), ("sessionID", False)), "string"),
    "interactiveDone": CallbackSpec((("wcTicket", False),), "string"),
    "interactiveRejected": CallbackSpec((("wcTicket", False), ("reason", False)), "string"),
}

# Parameters whose values never reach logs or transcripts: the password, and the ticket (the session's only
# credential: a transcript is readable through the admin API).
SECRET_PARAMS = frozenset({"strPassword", "ticket", "wcTicket"})
REDACTED = "***"
# A QBWC callback is a handful of elements; qbXML travels escaped inside one of them. Some QBWC builds send
# the response as raw child elements instead: a large list page is tens of thousands of elements. Anything
# far beyond is refused before parsing, so no unauthenticated posting can cost seconds of parsing.
MAX_SOAP_ELEMENTS = 200_000


class SoapFault(Exception):
    """A request we refuse: rendered as a SOAP 1.1 Fault (HTTP 500, as SOAP 1.1 prescribes)."""

    def __init__(self, faultstring: str, *, faultcode: str = "soap:Client") -> None:
        super().__init__(faultstring)
        self.faultstring = faultstring
        self.faultcode = faultcode


@dataclass(frozen=True)
class SoapCall:
    """One parsed callback: its name and its arguments as text (ints already checked)."""

    method: str
    args: dict[str, str]
    redacted_envelope: str  # the request as received, secrets replaced, for the transcript

    def int_arg(self, name: str) -> int:
        return int(self.args[name])


def parse_call(body: bytes, *, max_bytes: int, soap_action: str | None = None) -> SoapCall:
    """Parse a SOAP request body into a ``SoapCall`` or raise ``SoapFault`` saying what is wrong."""
    if len(body) > max_bytes:
        raise SoapFault(
            f"The request is {len(body):,} bytes; this server accepts at most {max_bytes:,} bytes per posting."
        )
    if not body.strip():
        raise SoapFault("The request body is empty; expected a SOAP 1.1 envelope.")
    try:
        root = parse_xml(body, max_elements=MAX_SOAP_ELEMENTS)
    except OversizeXmlError as exc:
        raise SoapFault(f"Refused: {exc}; a QBWC callback is far smaller.") from exc
    except UnsafeXmlError as exc:
        raise SoapFault(f"Refused: {exc}.") from exc
    except MalformedXmlError as exc:
        raise SoapFault(f"The request is not well-formed XML ({exc}).") from exc
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapFault("The request is not a SOAP 1.1 envelope (expected soap:Envelope).")
    body_el = root.find(f"{{{SOAP_ENV}}}Body")
    if body_el is None:
        raise SoapFault("The SOAP envelope has no Body.")
    calls = [child for child in body_el if isinstance(child.tag, str)]
    if len(calls) != 1:
        raise SoapFault("The SOAP Body must hold exactly one QBWC callback element.")
    call = calls[0]
    method = local_name(call)
    if etree.QName(call).namespace != QBWC_NS:
        raise SoapFault(f"The callback element must be in the namespace {QBWC_NS}.")
    spec = CALLBACKS.get(method)
    if spec is None:
        raise SoapFault(f"Unknown QBWC method {method!r}.")
    if soap_action and soap_action.strip('"') not in {"", f"{QBWC_NS}{method}"}:
        raise SoapFault(f"The SOAPAction header {soap_action!r} does not match the body's method {method!r}.")
    args = _arguments(call, spec, method)
    return SoapCall(method=method, args=args, redacted_envelope=_redacted(root, call))


def _arguments(call: etree._Element, spec: CallbackSpec, method: str) -> dict[str, str]:
    children = {local_name(c): c for c in call if isinstance(c.tag, str)}
    args: dict[str, str] = {}
    for name, required in spec.params:
        element = children.get(name)
        if element is None:
            if required:
                raise SoapFault(f"{method} is missing its {name} element.")
            args[name] = ""
            continue
        args[name] = _element_value(element)
    for name in spec.int_params:
        try:
            int(args[name])
        except ValueError as exc:
            raise SoapFault(f"{method}: {name} must be an integer, got {args[name][:40]!r}.") from exc
    return args


def _element_value(element: etree._Element) -> str:
    """Text content; for ``response`` some QBWC builds send the qbXML as raw child elements: keep it as XML."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return element.text or ""
    return "".join(etree.tostring(c, encoding="unicode", with_tail=False) for c in children)


def _redacted(root: etree._Element, call: etree._Element) -> str:
    for child in call:
        if isinstance(child.tag, str) and local_name(child) in SECRET_PARAMS:
            child.text = REDACTED
    return etree.tostring(root, encoding="unicode")


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    return envelope, etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")


def redacted_result(method: str, result: str | int | list[str]) -> str | int | list[str]:
    """``result`` as a transcript keeps it: authenticate's ticket replaced (the session's only credential)."""
    if method == "authenticate" and isinstance(result, list) and result:
        return [REDACTED, *result[1:]]
    return result


def render_result(method: str, result: str | int | list[str]) -> bytes:
    """The SOAP response envelope for ``method`` returning ``result``."""
    envelope, body = _envelope()
    response = etree.SubElement(body, f"{{{QBWC_NS}}}{method}Response", nsmap={None: QBWC_NS})  # type: ignore[dict-item]
    result_el = etree.SubElement(response, f"{{{QBWC_NS}}}{method}Result")
    if isinstance(result, list):
        for value in result:
            etree.SubElement(result_el, f"{{{QBWC_NS}}}string").text = value
    else:
        result_el.text = str(result)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def render_fault(fault: SoapFault) -> bytes:
    """A SOAP 1.1 Fault envelope."""
    envelope, body = _envelope()
    fault_el = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault_el, "faultcode").text = fault.faultcode
    etree.SubElement(fault_el, "faultstring").text = fault.faultstring
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
