"""A ``requests`` transport that hands HTTP requests to Chalice's in-process test client.

It lets the QBWC simulator (which speaks real HTTP through ``requests``) drive the app without a server: the
fast scenario tests and ``make bench`` use it; the end-to-end tests run the same scenarios over a real socket.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class ChaliceTransport(BaseAdapter):
    """Every request goes to ``client`` (a ``chalice.test.Client``); subclasses may wrap ``forward``."""

    def __init__(self, client: Any) -> None:
        super().__init__()
        self._client = client

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        """The test client's answer to one request."""
        return self._client.http.request(method=method, path=path, headers=headers, body=body)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        answer = self.forward(request.method or "GET", path, dict(request.headers), body)
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.body if isinstance(answer.body, bytes) else str(answer.body or "").encode()
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        return None


def session_for(client: Any, adapter: ChaliceTransport | None = None) -> requests.Session:
    """A ``requests.Session`` whose every URL goes to ``client`` (through ``adapter`` when given)."""
    session = requests.Session()
    adapter = adapter or ChaliceTransport(client)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
