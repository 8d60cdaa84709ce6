"""Text that XML 1.0 can carry. Everything a person or the source sends may end up in qbXML, so text outside
XML 1.0's character range is refused where it enters (the REST edge), and checked again before a document is
rendered, so one bad document can only ever fail alone.
"""

from __future__ import annotations

import json
import re
from typing import Any

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. Lone surrogates (which
# JSON's \ud800 escapes can produce) and U+FFFE/U+FFFF fall outside it too.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# In JSON text (``ensure_ascii=False``): what may stand for such a character. JSON escapes control characters
# (\b, \f, \u00XX); anything else outside XML 1.0 stays as it is. A match is not proof (a backslash in the
# text can look like an escape), only a reason to look closely.
_MAYBE_NOT_XML_IN_JSON = re.compile(
    r"\\(?:[bf]|u00[01])|[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def bad_xml_char(text: str) -> str | None:
    """The first character of ``text`` that XML 1.0 cannot carry, or None."""
    match = _NOT_XML_CHAR.search(text)
    return None if match is None else match.group()


def describe_char(char: str) -> str:
    """``U+0007`` style, for messages (the character itself could not be shown)."""
    return f"U+{ord(char):04X}"


def find_xml_incompatible(value: Any, path: str = "") -> tuple[str, str] | None:
    """(field path, offending character) of the first string in ``value`` (JSON-like data, keys included)
    that XML 1.0 cannot carry, or None. Paths read like ``lines.0.description``."""
    if not path and not _MAYBE_NOT_XML_IN_JSON.search(json.dumps(value, ensure_ascii=False, default=str)):
        return None  # one pass over the whole document in C instead of a walk in Python: almost always clean
    if isinstance(value, str):
        char = bad_xml_char(value)
        return None if char is None else (path or "(body)", char)
    if isinstance(value, dict):
        for key, item in value.items():
            shown = _NOT_XML_CHAR.sub("?", str(key))
            child = f"{path}.{shown}" if path else shown
            char = bad_xml_char(str(key))
            if char is not None:
                return (child, char)
            found = find_xml_incompatible(item, child)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_xml_incompatible(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None
