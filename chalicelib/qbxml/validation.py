"""Validation of qbXML documents against Intuit's official 13.0 schema (vendored under ``schema/``).

Loading the schema takes a moment and megabytes, so it happens on first use only, never at import time.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from lxml import etree

from chalicelib.safe_xml import parse_xml

SCHEMA_DIR = Path(__file__).parent / "schema"
_PROCESSING_INSTRUCTION = re.compile(r"<\?qbxml\s+version=\"(?P<version>[0-9.]+)\"\s*\?>")


@functools.cache
def _schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    doc = etree.parse(str(SCHEMA_DIR / "qbxmlops130.xsd"), parser=parser)
    return etree.XMLSchema(doc)


def qbxml_errors(document: str) -> list[str]:
    """Every reason ``document`` is not a valid qbXML 13.0 request or response; empty when valid."""
    errors: list[str] = []
    match = _PROCESSING_INSTRUCTION.search(document)
    if match is None:
        errors.append('missing <?qbxml version="..."?> processing instruction')
    elif tuple(int(p) for p in match.group("version").split(".")) > (13, 0):
        errors.append(f"qbXML version {match.group('version')} is newer than 13.0")
    root = parse_xml(document)
    schema = _schema()
    if not schema.validate(root):
        errors.extend(f"line {e.line}: {e.message}" for e in schema.error_log)  # type: ignore[attr-defined]
    return errors


def assert_valid_qbxml(document: str) -> None:
    """Raise ``ValueError`` listing the schema errors when ``document`` is not valid qbXML 13.0."""
    errors = qbxml_errors(document)
    if errors:
        raise ValueError("invalid qbXML: " + "; ".join(errors))
