"""Building qbXML request documents: every element is made with lxml, so the serializer does the escaping.

The request builders (``lists``, ``requests``, ``time_tracking``) share the small element helpers below
(``paged_request`` for the queries that page with an iterator); a message is then assembled from their
elements by ``render_request_message``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Literal

from lxml import etree

# rollbackOnError is in the schema but QuickBooks does not honour it, so we never offer it.
ON_ERROR_MODES = frozenset({"continueOnError", "stopOnError"})

# lxml writes its XML declaration with single quotes; QBWC's own samples (and every QuickBooks answer) use
# double quotes, so the fixed prolog line is written out here. Everything after it comes from lxml.
_XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
_VERSION = re.compile(r"[0-9]+\.[0-9]+")

IteratorMode = Literal["Start", "Continue"]


def request_element(tag: str, request_id: str, **attributes: str) -> etree._Element:
    """A new request element such as ``<AccountQueryRq requestID="...">`` with any further attributes.

    ``requestID`` comes first so the serialized request reads the way QuickBooks' own samples do.
    """
    element = etree.Element(tag, requestID=request_id)
    for name, value in attributes.items():
        element.set(name, value)
    return element


def append_text_element(parent: etree._Element, tag: str, text: str) -> etree._Element:
    """Append ``<tag>text</tag>`` to ``parent`` and return the new element.

    lxml raises ``ValueError`` for text that XML cannot carry at all (NUL and other control characters).
    """
    child = etree.SubElement(parent, tag)
    child.text = text
    return child


def paged_request(
    tag: str,
    request_id: str,
    *,
    iterator: IteratorMode | None,
    iterator_id: str | None,
    max_returned: int | None,
    cut_short: str,
) -> etree._Element:
    """A new query element that may page: ``iterator="Start"`` with ``max_returned`` opens an iterator,
    ``iterator="Continue"`` with the ``iterator_id`` QuickBooks returned reads the next page (the caller
    repeats the same filters, as Intuit requires for every page of one iterator).

    ``MaxReturned``, when given, is the element's first child, where every query's schema puts it. It is
    refused without an iterator: on its own it would silently cut short what ``cut_short`` names (such as
    "the list").
    """
    if max_returned is not None and iterator is None:
        raise ValueError(f"MaxReturned without an iterator would silently truncate {cut_short}")
    if max_returned is not None and max_returned < 1:
        raise ValueError(f"MaxReturned must be at least 1, not {max_returned}")
    if (iterator == "Continue") != (iterator_id is not None):
        raise ValueError('iterator_id goes with iterator="Continue", and only with it')

    attributes: dict[str, str] = {}
    if iterator is not None:
        attributes["iterator"] = iterator
    if iterator_id is not None:
        attributes["iteratorID"] = iterator_id
    request = request_element(tag, request_id, **attributes)
    if max_returned is not None:
        append_text_element(request, "MaxReturned", str(max_returned))
    return request


def render_request_message(
    requests: Sequence[etree._Element],
    *,
    on_error: str = "continueOnError",
    version: str = "13.0",
    consume: bool = False,
) -> str:
    """The complete qbXML request document holding ``requests`` in order, as one compact string.

    ``on_error`` is ``continueOnError`` or ``stopOnError``; ``version`` is the ``<?qbxml?>`` version
    (``major.minor``), which must never exceed what QBWC reported for the company file. ``consume``: the
    elements are built for this message only and may be moved into it instead of copied.
    """
    if on_error not in ON_ERROR_MODES:
        raise ValueError(f"onError must be one of {sorted(ON_ERROR_MODES)}, not {on_error!r}")
    if not _VERSION.fullmatch(version):
        raise ValueError(f"qbXML version must look like '13.0', not {version!r}")
    if not requests:
        raise ValueError("a qbXML request message needs at least one request")
    root = etree.Element("QBXML")
    message_set = etree.SubElement(root, "QBXMLMsgsRq", onError=on_error)
    for request in requests:
        # Appending moves an lxml element out of its current tree; a copy leaves the caller's element as it
        # was, so the same request can be rendered again (a resend after a lost response).
        message_set.append(request if consume else copy.deepcopy(request))
    root.addprevious(etree.PI("qbxml", f'version="{version}"'))
    return _XML_DECLARATION + etree.tostring(root.getroottree(), encoding="unicode")
