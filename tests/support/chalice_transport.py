"""A ``requests`` transport that hands HTTP requests to Chalice's in-process test client.

It lets the QBWC simulator (which speaks real HTTP through ``requests``) drive the app without a server, for
fast scenario tests; the end-to-end tests run the same scenarios over a real socket.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class ChaliceTransport(BaseAdapter):
    def __init__(self, client: Any) -> None:
        super().__init__()
        self._client = client

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        answer = self._client.http.request(
            method=request.method, path=path, headers=dict(request.headers), body=body
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.body
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        return None


def session_for(client: Any) -> requests.Session:
    """A ``requests.Session`` whose every URL goes to ``client``."""
    session = requests.Session()
    adapter = ChaliceTransport(client)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
