"""The hardened parser refuses DTDs in any encoding and never expands entities."""

from __future__ import annotations

import pytest

from chalicelib.safe_xml import MalformedXmlError, UnsafeXmlError, parse_xml


def test_plain_documents_parse() -> None:
    assert parse_xml('<?xml version="1.0" encoding="utf-8"?><a>Café &amp; Co</a>').text == "Café & Co"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_dtd_is_refused_in_every_encoding(encoding: str) -> None:
    document = f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>'
    with pytest.raises(UnsafeXmlError):
        parse_xml(document.encode(encoding))


def test_external_entity_is_refused() -> None:
    with pytest.raises(UnsafeXmlError):
        parse_xml(b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>')


def test_escaped_doctype_text_is_just_text() -> None:
    assert parse_xml("<a>&lt;!DOCTYPE x&gt;</a>").text == "<!DOCTYPE x>"


@pytest.mark.parametrize("document", [b"", b"<a>", b"<a></b>", b"\x00\x01"])
def test_malformed_documents_say_so(document: bytes) -> None:
    with pytest.raises(MalformedXmlError):
        parse_xml(document)
