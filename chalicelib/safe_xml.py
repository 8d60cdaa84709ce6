"""The one hardened XML parser every inbound document goes through (SOAP envelopes and qbXML).

It refuses any document type declaration outright (SOAP 1.1 forbids them, and QuickBooks never sends one),
so entity-expansion attacks (billion laughs) and external entities (XXE) never reach the parser; the parser
itself also resolves no entities, loads no DTD and touches no network, as a second line of defence.
"""

from __future__ import annotations

import re

from lxml import etree

# A DOCTYPE can only appear in the prolog; escaped text such as "&lt;!DOCTYPE" inside an element is harmless.
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


class UnsafeXmlError(ValueError):
    """The document carries a DTD or entity declaration, which we never accept."""


class MalformedXmlError(ValueError):
    """The document is not well-formed XML."""


class OversizeXmlError(ValueError):
    """The document has more elements than its caller allows (refused before any parsing)."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=False,
    )


def parse_xml(data: bytes | str, *, max_elements: int | None = None) -> etree._Element:
    """Parse ``data`` into an element tree root, refusing DTDs and entities.

    Raises ``UnsafeXmlError`` for a DTD or entity declaration, ``OversizeXmlError`` when ``max_elements`` is
    given and the document may hold more elements, and ``MalformedXmlError`` for anything that is not
    well-formed XML (the message says where). Nesting is bounded by libxml2 (256 levels without huge_tree).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # Every element starts with "<", whose byte 0x3C appears in each encoding XML allows: counting the bytes
    # is an upper bound found in microseconds, before the parser spends seconds on a flood of tiny elements.
    if max_elements is not None and raw.count(b"<") > max_elements:
        raise OversizeXmlError(f"the document holds more than {max_elements:,} elements")
    if _DOCTYPE.search(raw) or _ENTITY_DECL.search(raw):
        raise UnsafeXmlError("XML document type declarations and entities are not accepted")
    if isinstance(data, str):
        # lxml refuses str input that carries an encoding declaration; the bytes are what we checked.
        data = raw
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedXmlError(f"not well-formed XML: {exc}") from exc
    if root is None:
        raise MalformedXmlError("empty XML document")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        # Reached only by encodings the byte check cannot read (UTF-16, UTF-32).
        raise UnsafeXmlError("XML document type declarations and entities are not accepted")
    return root


def local_name(element: etree._Element) -> str:
    """The element's tag without its namespace (``{uri}name`` -> ``name``)."""
    # Plain string work: this runs for every element of a megabyte answer, and etree.QName makes an object.
    return str(element.tag).rpartition("}")[2]
