"""Ids and cursors past DynamoDB's limits, against a real DynamoDB implementation (dynalite enforces the key
size limit that moto does not): every one is a 404 or 422, never a 500."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e

LONG = "x" * 3000  # DynamoDB refuses partition keys over 2048 bytes


@pytest.fixture(scope="module")
def connector_id(stack: LocalStack, api: requests.Session) -> str:
    answer = api.post(f"{stack.base_url}/api/connectors", json={"name": "Limits"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/connectors/{long}"),
        ("PATCH", "/api/connectors/{long}"),
        ("GET", "/api/connectors/{long}/conversations"),
        ("GET", "/api/connectors/{long}/users"),
        ("GET", "/api/connectors/{long}/mappings/billing-codes"),
        ("GET", "/api/connectors/{long}/naming-conventions"),
        ("GET", "/api/connectors/{long}/preview"),
        ("GET", "/api/connectors/{id}/users/{long}/qwc"),
        ("POST", "/api/connectors/{id}/users/{long}/unlock"),
        ("POST", "/api/connectors/{id}/users/{long}/password"),
        ("GET", "/api/conversations/{long}/transcript"),
        ("GET", "/api/transfers/{long}"),
        ("DELETE", "/api/tokens/{long}"),
    ],
)
def test_ids_past_the_key_size_limit_are_404(
    stack: LocalStack, api: requests.Session, connector_id: str, method: str, path: str
) -> None:
    body = {"name": "x"} if method == "PATCH" else None
    answer = api.request(method, stack.base_url + path.format(long=LONG, id=connector_id), json=body)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"].endswith("_not_found")


def test_a_crafted_cursor_is_422(stack: LocalStack, api: requests.Session) -> None:
    key = {"PK": "TRANSFER#" + LONG, "SK": "TRANSFER", "GSI2PK": "TRANSFERS", "GSI2SK": "a"}
    cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")
    answer = api.get(f"{stack.base_url}/api/transfers", params={"cursor": cursor})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_cursor"
