"""SOAP 1.1 document/literal calls to a QBWC web service, shaped the way QBWC's .NET client shapes them.

Requests are built with lxml, so every string argument (a qbXML response in particular) is XML-escaped as
element text. Answers are parsed with the project's hardened parser and read as strictly as .NET's
``SoapHttpClientProtocol`` reads them: a wrong namespace, a non-XML content type, or markup where a string
belongs is an error, not something to guess around, because real QBWC would fail on it too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import requests
from lxml import etree

from chalicelib.safe_xml import local_name, parse_xml

QBWC_NAMESPACE = "http://developer.intuit.com/"
SOAP_ENVELOPE_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/"
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
# xsd:int lexical form; Python's int() would also take "1_000", which .NET rejects.
_XSD_INT = re.compile(r"\s*[+-]?[0-9]+\s*")
_SNIPPET_CHARS = 200


class SoapCallError(Exception):
    """A call that produced no usable answer.

    The message is the faultstring for a SOAP fault, otherwise a description of what went wrong (HTTP error
    status, no connection, timeout, or an answer that does not match the WSDL). ``http_status`` is 0 when
    no HTTP answer arrived at all.
    """

    def __init__(self, message: str, *, http_status: int) -> None:
        super().__init__(message)
        self.http_status = http_status


def build_request(method: str, arguments: Mapping[str, str | int]) -> bytes:
    """The SOAP envelope for ``method`` with ``arguments`` as child elements, in the order given."""
    envelope = etree.Element(
        f"{{{SOAP_ENVELOPE_NAMESPACE}}}Envelope", nsmap={"soap": SOAP_ENVELOPE_NAMESPACE}
    )
    body = etree.SubElement(envelope, f"{{{SOAP_ENVELOPE_NAMESPACE}}}Body")
    # Like .NET, declare the service namespace as the default on the operation element. lxml takes the
    # None key for a default namespace; lxml-stubs only know str keys.
    operation = etree.SubElement(
        body,
        f"{{{QBWC_NAMESPACE}}}{method}",
        nsmap={None: QBWC_NAMESPACE},  # type: ignore[dict-item]
    )
    for name, value in arguments.items():
        etree.SubElement(operation, f"{{{QBWC_NAMESPACE}}}{name}").text = str(value)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


class SoapClient:
    """Posts QBWC callbacks to one web service URL."""

    def __init__(self, url: str, session: requests.Session, timeout_seconds: float) -> None:
        self._url = url
        self._session = session
        self._timeout_seconds = timeout_seconds

    def call(self, method: str, arguments: Mapping[str, str | int]) -> etree._Element | None:
        """Call ``method`` and return its ``<methodResult>`` element, or ``None`` when the answer omits it.

        Raises ``SoapCallError`` for a SOAP fault, a non-200 status, a transport failure or an answer that
        is not the ``<methodResponse>`` the WSDL describes.
        """
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{QBWC_NAMESPACE}{method}"',
        }
        try:
            reply = self._session.post(
                self._url,
                data=build_request(method, arguments),
                headers=headers,
                timeout=self._timeout_seconds,
            )
        except requests.Timeout:
            raise SoapCallError(
                f"{method}: no answer within {self._timeout_seconds:g} s", http_status=0
            ) from None
        except requests.RequestException as exc:
            raise SoapCallError(f"{method}: could not reach {self._url}: {exc}", http_status=0) from None
        return _read_reply(method, reply)


def _read_reply(method: str, reply: requests.Response) -> etree._Element | None:
    status = reply.status_code
    body = _soap_body(reply.content)
    if body is not None:
        fault = body.find(f"{{{SOAP_ENVELOPE_NAMESPACE}}}Fault")
        if fault is not None:
            faultstring = next(
                (child.text or "" for child in fault if local_name(child) == "faultstring"), ""
            )
            raise SoapCallError(
                faultstring or f"{method}: SOAP fault without a faultstring", http_status=status
            )
    if status != 200:
        raise SoapCallError(
            f"{method}: HTTP {status} {reply.reason} without a SOAP fault: {_snippet(reply)}",
            http_status=status,
        )
    content_type = reply.headers.get("Content-Type", "")
    if not content_type.lower().startswith("text/xml"):
        # .NET's SOAP 1.1 client refuses any other content type, even with a valid envelope.
        raise SoapCallError(
            f"{method}: answer has content type {content_type!r}, not text/xml", http_status=status
        )
    if body is None:
        raise SoapCallError(
            f"{method}: answer is not a SOAP 1.1 envelope: {_snippet(reply)}", http_status=status
        )
    wrapper = next(iter(body), None)
    expected = etree.QName(QBWC_NAMESPACE, f"{method}Response")
    if wrapper is None or etree.QName(wrapper) != expected:
        found = "nothing" if wrapper is None else f"<{wrapper.tag}>"
        raise SoapCallError(
            f"{method}: expected <{expected}> in the SOAP body, found {found}", http_status=status
        )
    return wrapper.find(f"{{{QBWC_NAMESPACE}}}{method}Result")


def _soap_body(content: bytes) -> etree._Element | None:
    """The SOAP 1.1 Body of ``content``, or None when it is not a SOAP 1.1 envelope at all."""
    try:
        envelope = parse_xml(content)
    except ValueError:
        return None
    if etree.QName(envelope) != etree.QName(SOAP_ENVELOPE_NAMESPACE, "Envelope"):
        return None
    return envelope.find(f"{{{SOAP_ENVELOPE_NAMESPACE}}}Body")


def _snippet(reply: requests.Response) -> str:
    text = reply.text.strip().replace("\n", " ")
    return repr(text[:_SNIPPET_CHARS]) if text else "(empty body)"


def text_result(result: etree._Element | None, method: str) -> str:
    """A string result; an absent or nil element reads as ``""``, as QBWC treats it."""
    if result is None or result.get(_XSI_NIL) == "true":
        return ""
    if len(result):
        raise SoapCallError(
            f"{method}: {local_name(result)} must be escaped text, found element <{local_name(result[0])}>",
            http_status=200,
        )
    return result.text or ""


def text_list_result(result: etree._Element | None, method: str) -> list[str]:
    """An ``ArrayOfString`` result: the text of each ``<string>`` item."""
    if result is None:
        raise SoapCallError(f"{method}: the answer has no {method}Result array", http_status=200)
    return [text_result(item, method) for item in result.iterchildren(f"{{{QBWC_NAMESPACE}}}string")]


def int_result(result: etree._Element | None, method: str) -> int:
    """An ``xsd:int`` result, which the WSDL makes mandatory."""
    text = text_result(result, method)
    if not _XSD_INT.fullmatch(text):
        raise SoapCallError(f"{method}: expected an integer result, got {text!r}", http_status=200)
    return int(text)
