"""Rendering qbXML request documents."""

from __future__ import annotations

import pytest
from lxml import etree

from chalicelib.qbxml.document import append_text_element, render_request_message, request_element
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml

PROLOG = '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?>'


def _host_query(request_id: str) -> etree._Element:
    return request_element("HostQueryRq", request_id)


def test_document_starts_with_the_prolog_qbwc_expects_and_is_compact() -> None:
    document = render_request_message([_host_query("1")])

    assert document.startswith(PROLOG + '<QBXML><QBXMLMsgsRq onError="continueOnError">')
    assert "\n" not in document
    assert qbxml_errors(document) == []


def test_requests_keep_their_order_and_ids() -> None:
    document = render_request_message([_host_query("a"), _host_query("b"), _host_query("c")])

    message_set = parse_xml(document).find("QBXMLMsgsRq")
    assert message_set is not None
    assert [request.get("requestID") for request in message_set] == ["a", "b", "c"]


def test_stop_on_error_and_an_older_version_are_honoured() -> None:
    document = render_request_message([_host_query("1")], on_error="stopOnError", version="12.0")

    assert '<?qbxml version="12.0"?>' in document
    assert 'onError="stopOnError"' in document


@pytest.mark.parametrize("on_error", ["rollbackOnError", "continue", ""])
def test_unsupported_on_error_modes_are_refused(on_error: str) -> None:
    with pytest.raises(ValueError, match="onError"):
        render_request_message([_host_query("1")], on_error=on_error)


@pytest.mark.parametrize("version", ["13", "13.0.1", 'x"?><evil', ""])
def test_malformed_versions_are_refused(version: str) -> None:
    with pytest.raises(ValueError, match="version"):
        render_request_message([_host_query("1")], version=version)


def test_an_empty_message_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one request"):
        render_request_message([])


@pytest.mark.parametrize(
    "text",
    ["Café & Co", "A < B > C", "quotes \" and ' apostrophes", "Ünïcödé — 日本語", "]]> & &amp; literal"],
)
def test_text_and_attributes_needing_escapes_round_trip(text: str) -> None:
    request = request_element("CustomerQueryRq", text)
    append_text_element(request, "FullName", text)

    parsed = parse_xml(render_request_message([request]))

    query = parsed.find("QBXMLMsgsRq/CustomerQueryRq")
    assert query is not None
    assert query.get("requestID") == text
    assert query.findtext("FullName") == text


def test_rendering_leaves_the_callers_elements_where_they_were() -> None:
    request = _host_query("1")
    parent = etree.Element("Holder")
    parent.append(request)

    first = render_request_message([request])
    second = render_request_message([request])

    assert first == second
    assert request.getparent() is parent


def test_text_xml_cannot_carry_is_refused_when_building() -> None:
    with pytest.raises(ValueError, match="XML compatible"):
        append_text_element(etree.Element("Request"), "Name", "bell\x07")
