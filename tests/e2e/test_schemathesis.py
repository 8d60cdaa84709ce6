"""Schemathesis against the running local stack, driven by the stack's own ``/openapi.json``.

For every documented operation, schemathesis sends generated requests with an admin token (a fixed seed and
a few examples each, so a run is repeatable and stays within a few minutes on two cores) and checks that
the app never answers 5xx, and that every answer has a documented status, the documented content type and
a body that matches the documented schema.
"""

from __future__ import annotations

import re
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.api.openapi import OPERATIONS
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e

SEED = 20261120
EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def known_ids(stack: LocalStack, api: requests.Session) -> dict[str, str]:
    """Things that exist, so generated requests also get past "not found": a connector, user, transfer, token."""
    base = stack.base_url

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = api.post(base + path, json=body, timeout=30)
        assert answer.status_code in (200, 201, 202), (path, answer.text)
        result: dict[str, Any] = answer.json()
        return result

    connector = post("/api/connectors", {"name": "Schemathesis"})
    post(f"/api/connectors/{connector['id']}/users", {"username": "schemathesis-pc"})
    invoice = {
        "source_id": "ST-1",
        "number": "ST-1",
        "date": "2026-11-20",
        "organization": {"id": "ORG-ST", "name": "Schemathesis Org"},
        "lines": [{"billing_code": "Support", "quantity": 1, "rate": 10}],
    }
    transfer = post("/api/transfers/invoices", invoice)
    token = post("/api/tokens", {"scope": "source", "label": "to be revoked"})
    return {
        "connector_id": connector["id"],
        "username": "schemathesis-pc",
        "name": transfer["id"],
        "token_id": token["id"],
        "org_id": "ORG-ST",
    }


@pytest.fixture(scope="module")
def stack_schema(stack: LocalStack, api: requests.Session) -> Any:
    """The document as the stack serves it, set up to call the stack with the admin token."""
    config = schemathesis.Config.from_dict(
        {
            "base-url": stack.base_url,
            "headers": {"Authorization": api.headers["Authorization"]},
            "seed": SEED,
            "request-timeout": 30,
            "generation": {
                "mode": "positive",
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
            },
            # Examples and fuzzing only: the coverage phase sends hundreds of boundary cases per operation.
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_url(f"{stack.base_url}/openapi.json", config=config)


# One test per documented operation. (schemathesis' own lazy pytest integration, ``from_fixture``, does not run
# under this pytest version, so each test drives hypothesis itself.)
@pytest.mark.parametrize(
    ("method", "path"),
    [(op.method, op.path) for op in OPERATIONS],
    ids=[f"{op.method} {op.path}" for op in OPERATIONS],
)
def test_operation_conforms_to_the_document(
    stack_schema: Any, known_ids: dict[str, str], api: requests.Session, method: str, path: str
) -> None:
    operation = stack_schema[path][method]
    headers = {"Authorization": api.headers["Authorization"]}
    strategy = operation.as_strategy()
    # Half the cases name things that exist (the transfer kind of POST /api/transfers/{name} stays generated).
    names = re.findall(r"\{([^}]+)\}", path)
    existing = {n: known_ids[n] for n in names if n in known_ids and not (n == "name" and method == "POST")}
    if existing:
        strategy = st.one_of(strategy, operation.as_strategy(path_parameters=existing))

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        # No shrinking: the first failing case, as sent, is the report (and the run stays short).
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def conforms(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

    conforms()
