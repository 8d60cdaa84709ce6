"""Writing qbXML requests for the simulated company and reading its answers, shared by its tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from chalicelib.qbxml.validation import qbxml_errors

if TYPE_CHECKING:
    from simulators.quickbooks import QuickBooksCompany


def qbxml(*requests: str, on_error: str = "stopOnError", version: str = "13.0") -> str:
    """A request document as the bridge sends it, around hand-written request elements."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n'
        f'<QBXML>\n  <QBXMLMsgsRq onError="{on_error}">\n    '
        + "\n    ".join(requests)
        + "\n  </QBXMLMsgsRq>\n</QBXML>\n"
    )


def ref(tag: str, full_name: str) -> str:
    """A reference by FullName, such as ``<CustomerRef><FullName>...</FullName></CustomerRef>``."""
    return f"<{tag}><FullName>{full_name}</FullName></{tag}>"


def answers(response: str) -> list[etree._Element]:
    """The ...Rs elements of a response document, after checking it is valid qbXML 13.0.

    QuickBooks does not put the qbxml instruction on its responses; the validator wants one.
    """
    assert response.startswith('<?xml version="1.0" ?>\n<QBXML>')
    assert qbxml_errors(response.replace("?>\n", '?>\n<?qbxml version="13.0"?>\n', 1)) == []
    message_set = etree.fromstring(response.encode()).find("QBXMLMsgsRs")
    assert message_set is not None
    return list(message_set)


def status(rs: etree._Element) -> tuple[int, str]:
    """The statusCode and statusSeverity of an answer."""
    return int(rs.get("statusCode", "")), rs.get("statusSeverity", "")


def full_names(rs: etree._Element) -> list[str]:
    """The FullName (or Name, for lists without FullName) of each Ret."""
    return [ret.findtext("FullName") or ret.findtext("Name") or "" for ret in rs]


def only(response: str) -> etree._Element:
    """The one answer of a response document."""
    (rs,) = answers(response)
    return rs


def add(company: QuickBooksCompany, *requests: str) -> list[etree._Element]:
    """Send the adds (continuing on errors) and return their answers."""
    return answers(company.process(qbxml(*requests, on_error="continueOnError")))


def ask(company: QuickBooksCompany, request_tag: str, *children: str, attributes: str = "") -> etree._Element:
    """Send one request, ``<request_tag attributes>children</request_tag>``, and return its answer."""
    return only(company.process(qbxml(f"<{request_tag}{attributes}>{''.join(children)}</{request_tag}>")))
