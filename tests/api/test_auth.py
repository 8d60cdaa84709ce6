"""The bearer-token authorizer through the Chalice app: the scheme is case-insensitive (RFC 7235)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.admin.tokens import issue_token

NOW = "2026-11-20T09:00:00.000000Z"


@pytest.fixture
def admin_token(store: Any) -> str:
    return issue_token(store, scope="admin", label="auth test", now=NOW).plaintext


@pytest.mark.parametrize(
    "template",
    ["Bearer {}", "bearer {}", "BEARER {}", "bEaReR {}", "  bearer   {}  ", "\tBearer\t{}\t"],
)
def test_any_case_of_the_bearer_scheme_is_accepted(client: Any, admin_token: str, template: str) -> None:
    answer = client.http.get("/api/connectors", headers={"Authorization": template.format(admin_token)})
    assert answer.status_code == 200, answer.body


def test_a_lower_case_scheme_also_works_for_a_write(client: Any, admin_token: str) -> None:
    headers = {"Authorization": f"bearer {admin_token}", "Content-Type": "application/json"}
    answer = client.http.post("/api/connectors", headers=headers, body=b'{"name": "Main"}')
    assert answer.status_code == 201, answer.body


@pytest.mark.parametrize("template", ["Basic {}", "Token {}", "Bearer{}", "{}", "Bearer x{}"])
def test_another_scheme_or_a_mangled_token_is_refused(client: Any, admin_token: str, template: str) -> None:
    answer = client.http.get("/api/connectors", headers={"Authorization": template.format(admin_token)})
    assert answer.status_code in {401, 403}
