"""The qbXML 13.0 schema as the request builders' tests read it: definitions and the element names in them."""

from __future__ import annotations

import functools

from lxml import etree

from chalicelib.qbxml.validation import SCHEMA_DIR

XSD = "{http://www.w3.org/2001/XMLSchema}"


@functools.cache
def schema_documents() -> tuple[etree._Element, ...]:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return tuple(
        etree.parse(str(SCHEMA_DIR / name), parser=parser).getroot()
        for name in ("qbxmlops130.xsd", "qbxml130.xsd")
    )


def schema_definition(kind: str, name: str) -> etree._Element:
    for document in schema_documents():
        found = document.find(f"{XSD}{kind}[@name='{name}']")
        if found is not None:
            return found
    raise AssertionError(f"the schema defines no {kind} {name}")


def element_names_within(definition: etree._Element) -> set[str]:
    """Every element name declared or referenced inside ``definition``, following group references."""
    names: set[str] = set()
    for node in definition.iter(f"{XSD}element", f"{XSD}group"):
        if node.tag == f"{XSD}group" and node.get("ref"):
            names |= element_names_within(schema_definition("group", node.get("ref", "")))
        elif node.tag == f"{XSD}element":
            names.add(node.get("name") or node.get("ref") or "")
    return names
