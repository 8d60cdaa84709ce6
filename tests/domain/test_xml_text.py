"""Finding text XML 1.0 cannot carry anywhere in a document (values and keys), with its path."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.xml_text import find_xml_incompatible


@pytest.mark.parametrize(
    ("document", "found"),
    [
        ({"memo": "bell \x07"}, ("memo", "\x07")),
        (
            {"lines": [{"description": "ok"}, {"description": "back\x08space"}]},
            ("lines.1.description", "\x08"),
        ),
        ({"memo": "form\x0cfeed"}, ("memo", "\x0c")),
        ({"memo": "\x1f"}, ("memo", "\x1f")),
        ({"memo": "lone \ud800 surrogate"}, ("memo", "\ud800")),
        ({"memo": "not a character \ufffe"}, ("memo", "\ufffe")),
        ({"ke\x01y": "value"}, ("ke?y", "\x01")),
    ],
)
def test_what_xml_cannot_carry_is_found_with_its_path(
    document: dict[str, Any], found: tuple[str, str]
) -> None:
    assert find_xml_incompatible(document) == found


@pytest.mark.parametrize(
    "document",
    [
        {"memo": "tabs\tand\nline\r\nbreaks", "n": 3, "rate": 1.5, "billable": True, "class": None},
        {"memo": "é ✓ 𝄞 \ue000 \ufffd"},
        # Text that reads like a JSON escape of a control character is still plain text.
        {"path": "C:\\bin\\u0007\\f"},
    ],
)
def test_text_xml_can_carry_passes(document: dict[str, Any]) -> None:
    assert find_xml_incompatible(document) is None
