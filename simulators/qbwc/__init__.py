"""A simulator of QuickBooks Web Connector (QBWC), the Windows client that polls our SOAP endpoint.

It reads a ``.qwc`` file and drives one full callback conversation over real HTTP, handing each qbXML
request to a ``CompanyBackend`` (the QuickBooks side) and posting the answers back.
"""

from simulators.qbwc.qwc import QwcFile, parse_qwc
from simulators.qbwc.report import format_run_log
from simulators.qbwc.web_connector import Callback, CompanyBackend, RunLog, WebConnector

__all__ = [
    "Callback",
    "CompanyBackend",
    "QwcFile",
    "RunLog",
    "WebConnector",
    "format_run_log",
    "parse_qwc",
]
