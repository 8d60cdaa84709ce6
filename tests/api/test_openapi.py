"""``GET /openapi.json``: one operation per route, the models' own schemas, valid OpenAPI 3.1, true answers."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from schemathesis.core.result import Err
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from chalicelib.api.openapi import KIND_DOCUMENTS, OPERATIONS, REF_TEMPLATE, build_document, model_schema
from chalicelib.domain.api_token import ApiTokenCreate
from chalicelib.domain.connector import ConnectorCreate, ConnectorPatch
from chalicelib.domain.mapping import MAPPING_SETS, NamingConventions, OrganizationRoute
from chalicelib.domain.qbwc_user import QbwcUserCreate, QbwcUserPatch
from chalicelib.domain.transfer import RequeueOptions
from chalicelib.transfers import registry

PUBLIC_URL = "http://localhost:8000"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(PUBLIC_URL)


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def app_routes() -> dict[tuple[str, str], Any]:
    """The REST routes the Chalice app registers (``/api/...`` and the document itself), with their entries."""
    from app import app

    return {
        (method, path): entry
        for path, methods in app.routes.items()
        if path.startswith("/api/") or path == "/openapi.json"
        for method, entry in methods.items()
    }


def test_every_route_is_documented_and_nothing_else(document: dict[str, Any]) -> None:
    routes = set(app_routes())
    documented = documented_operations(document)
    assert routes - documented == set(), "routes missing from the document"
    assert documented - routes == set(), "documented operations the app does not have"


def test_path_parameters_are_those_of_the_path(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        expected = set(re.findall(r"\{([^}]+)\}", path))
        for method, operation in item.items():
            in_path = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert in_path == expected, (method, path)


def test_scopes_are_those_the_routes_check(document: dict[str, Any]) -> None:
    """``x-scopes`` and ``security`` name the scope the route's own ``require_scope`` call asks for."""
    for (method, path), entry in app_routes().items():
        source = inspect.getsource(inspect.unwrap(entry.view_function))
        checked = re.findall(r'require_scope\(bp, "(\w+)"\)', source)
        operation = document["paths"][path][method.lower()]
        assert operation["x-scopes"] == checked, (method, path)
        if checked:
            assert entry.authorizer is not None, (method, path)
            assert operation["security"] == [{"bearerAuth": checked}], (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
        else:
            assert entry.authorizer is None and operation["security"] == [], (method, path)


def test_request_bodies_are_the_models_own_schemas(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    described: set[type[Any]] = set()
    for operation in OPERATIONS:
        body = document["paths"][operation.path][operation.method.lower()].get("requestBody")
        if operation.body is None:
            assert body is None, (operation.method, operation.path)
            continue
        assert body["required"] is not operation.body_optional
        if operation.body is KIND_DOCUMENTS:  # every registered kind's document
            models: tuple[Any, ...] = tuple(kind.document_model for kind in registry.kinds())
        else:
            models = operation.body if isinstance(operation.body, tuple) else (operation.body,)
        schema = body["content"]["application/json"]["schema"]
        refs = schema["anyOf"] if len(models) > 1 else [schema]
        for model, ref in zip(models, refs, strict=True):
            name, own = model_schema(model)
            assert own == model.model_json_schema(ref_template=REF_TEMPLATE)
            assert ref == {"$ref": REF_TEMPLATE.format(model=name)}
            for def_name, definition in own.pop("$defs", {}).items():
                assert components[def_name] == definition, def_name
            assert components[name] == own, name
            described.add(model)
    assert described == {
        ApiTokenCreate,
        ConnectorCreate,
        ConnectorPatch,
        *(kind.document_model for kind in registry.kinds()),
        NamingConventions,
        OrganizationRoute,
        QbwcUserCreate,
        QbwcUserPatch,
        RequeueOptions,
        *MAPPING_SETS.values(),
    }


def test_lines_of_business_entries_use_the_quickbooks_word(document: dict[str, Any]) -> None:
    entry = document["components"]["schemas"]["LineOfBusinessEntry"]
    assert "class" in entry["properties"] and "class_" not in entry["properties"]
    assert "class" in entry["required"]


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    OPENAPI_31_VALIDATOR.validate(document)
    # The OpenAPI meta-schema leaves schema objects unchecked: each must be a valid JSON Schema 2020-12.
    for name, schema in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name
    # Every reference resolves and every operation loads, as a client generator would need.
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document)))
    results = list(loaded.get_all_operations())
    assert [str(result.err()) for result in results if isinstance(result, Err)] == []
    assert len(results) == len(OPERATIONS)
    text = json.dumps(document)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in document["components"]["schemas"], ref


def test_info_servers_and_security_scheme(document: dict[str, Any]) -> None:
    assert document["info"]["title"] == "qbwc-bridge" and document["info"]["version"]
    assert "/qbwc" in document["info"]["description"]
    assert document["servers"] == [{"url": PUBLIC_URL}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        **document["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    assert not any(path.startswith("/qbwc") for path in document["paths"])


def test_transfer_list_query_parameters(document: dict[str, Any]) -> None:
    parameters = document["paths"]["/api/transfers"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == [
        "connector_id",
        "kind",
        "status",
        "limit",
        "cursor",
        "conversation",
    ]
    assert all(p["in"] == "query" and p["required"] is False for p in parameters)


def test_route_serves_the_document_without_a_token(client: Any) -> None:
    answer = client.http.get("/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json_body == json.loads(json.dumps(build_document(PUBLIC_URL)))


def test_the_document_is_not_built_at_import() -> None:
    code = "import sys, app; assert 'chalicelib.api.openapi' not in sys.modules, 'built at import'"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


# --- Answers match what the document says -------------------------------------------------------------


class Conformance:
    """Calls the in-process app and checks each answer against the documented status, type and schema."""

    def __init__(self, client: Any, headers: dict[str, str], document: dict[str, Any]) -> None:
        self.client = client
        self.headers = headers
        self.document = document
        self.checked: set[tuple[str, str, int]] = set()

    def call(self, method: str, template: str, body: Any = None, **params: str) -> Any:
        path = template.format(**params)
        answer = self.client.http.request(
            method=method,
            path=path,
            headers=self.headers,
            body=json.dumps(body).encode() if body is not None else b"",
        )
        responses = self.document["paths"][template.split("?")[0]][method.lower()]["responses"]
        status = answer.status_code
        assert str(status) in responses, (method, path, status, answer.body)
        content_type = answer.headers["Content-Type"].split(";")[0]
        (media_type, described) = next(iter(responses[str(status)]["content"].items()))
        assert content_type == media_type, (method, path)
        parsed = answer.json_body if media_type == "application/json" else answer.body.decode()
        validator = jsonschema_rs.Draft202012Validator(
            {**described["schema"], "components": self.document["components"]}
        )
        errors = [e.message for e in validator.iter_errors(parsed)]
        assert errors == [], (method, path, status, parsed)
        self.checked.add((method, template, status))
        return parsed


INVOICE = {
    "source_id": "INV-1",
    "number": "1",
    "date": "2026-11-20",
    "organization": {"id": "ORG-1", "name": "Acme"},
    "lines": [{"billing_code": "Support", "quantity": 2, "rate": 95.0}],
}


def test_answers_conform_to_the_document(
    client: Any, admin_headers: dict[str, str], document: dict[str, Any]
) -> None:
    api = Conformance(client, admin_headers, document)
    c = "/api/connectors/{connector_id}"
    assert api.call("GET", "/api/health")["status"] == "ok"
    api.call("GET", "/openapi.json")
    api.call("GET", "/api/organizations/{org_id}/connector", org_id="ORG-1")  # 409: no connector yet
    api.call("POST", "/api/transfers/{name}", INVOICE, name="invoices")  # 409 no_connector
    connector = api.call("POST", "/api/connectors", {"name": "Main", "notify_emails": ["a@example.com"]})
    other = api.call("POST", "/api/connectors", {"name": "Other"})
    ids = {"connector_id": connector["id"]}
    api.call("POST", "/api/connectors", {"name": ""})  # 422
    api.call("GET", "/api/connectors")
    api.call("GET", c, **ids)
    api.call("GET", c, connector_id="nope")  # 404
    api.call("PATCH", c, {"run_every_minutes": 15}, **ids)
    api.call("PATCH", c, {"is_default": False}, **ids)  # 409
    api.call("DELETE", c, **ids)  # 409
    api.call("GET", c + "/conversations", **ids)
    api.call("GET", "/api/conversations/{conversation_id}/transcript", conversation_id="nope")  # 404
    api.call("GET", c + "/qb-lists/{list_name}", list_name="items", **ids)
    api.call("GET", c + "/inventory", **ids)
    api.call("GET", c + "/inventory", connector_id=other["id"])  # 409: not the default connector
    api.call("GET", c + "/inventory?limit=0", **ids)  # 422
    api.call("POST", c + "/refresh-lists", **ids)
    user = api.call("POST", c + "/users", {"username": "office-pc"}, **ids)
    assert "password" in user and "password_hash" not in user
    api.call("POST", c + "/users", {"username": "office-pc"}, **ids)  # 409
    api.call("GET", c + "/users", **ids)
    u = c + "/users/{username}"
    api.call("POST", u + "/unlock", username="office-pc", **ids)
    api.call("POST", u + "/password", username="office-pc", **ids)
    api.call("GET", u + "/qwc", username="office-pc", **ids)
    api.call("PATCH", u, {"active": False}, username="office-pc", **ids)
    api.call("PATCH", u, {"active": True}, username="office-pc", **ids)
    api.call("PATCH", u, {"active": "no"}, username="office-pc", **ids)  # 422
    api.call("PATCH", u, {"active": False}, username="nobody", **ids)  # 404
    api.call("POST", c + "/users", {"username": "spare-pc"}, **ids)
    api.call("DELETE", u, username="spare-pc", **ids)
    api.call("DELETE", u, username="spare-pc", **ids)  # 404
    m = c + "/mappings/{kind}"
    api.call(
        "PUT", m, {"entries": [{"source": "Remote", "class": "Services"}]}, kind="lines-of-business", **ids
    )
    api.call("GET", m, kind="lines-of-business", **ids)
    api.call("PUT", m, {"entries": [{"source": "Remote", "item": "Support"}]}, kind="billing-codes", **ids)
    api.call("GET", c + "/naming-conventions", **ids)
    api.call("PUT", c + "/naming-conventions", {"item": "{billing_code}"}, **ids)
    org = "/api/organizations/{org_id}/connector"
    api.call("PUT", org, {"connector_id": other["id"]}, org_id="ORG-2")
    api.call("GET", org, org_id="ORG-2")
    api.call("DELETE", org, org_id="ORG-2")
    res = "/api/resources/{resource_id}/connector"
    api.call("PUT", res, {"connector_id": other["id"]}, resource_id="R-2")
    api.call("GET", res, resource_id="R-2")
    api.call("DELETE", res, resource_id="R-2")
    tokens = "/api/tokens"
    issued = api.call("POST", tokens, {"scope": "source", "label": "PSA"})
    api.call("GET", tokens)
    api.call("DELETE", tokens + "/{token_id}", token_id=issued["id"])
    t = "/api/transfers/{name}"
    queued = api.call("POST", t, INVOICE, name="invoices")
    api.call("POST", t, INVOICE, name="invoices")  # 200: the same one
    api.call("POST", t, INVOICE, name="bananas")  # 404: no such kind
    api.call("GET", "/api/transfer-kinds")
    api.call("GET", "/api/transfers")
    api.call("GET", "/api/transfers?conversation=cv_none")
    api.call("GET", t, name=queued["id"])
    api.call("GET", c + "/preview", **ids)
    api.call("POST", t + "/requeue", name=queued["id"])  # 409: still queued
    api.call("POST", t + "/cancel", name=queued["id"])
    api.call("GET", t, name="nope")  # 404
    successes = {op for op in api.checked if op[2] < 300}
    assert len(successes) >= len(OPERATIONS) - 2  # all but DELETE connector (always 409) and requeue


def test_list_transfers_query_answers_conform(
    client: Any, admin_headers: dict[str, str], document: dict[str, Any]
) -> None:
    api = Conformance(client, admin_headers, document)
    for query in ("?limit=0", "?kind=nope", "?status=nope", "?surprise=1", "?cursor=garbage", "?limit=1"):
        answer = client.http.get("/api/transfers" + query, headers=admin_headers)
        assert str(answer.status_code) in document["paths"]["/api/transfers"]["get"]["responses"], query
    api.call("GET", "/api/transfers")


def test_refusals_by_scope_conform(
    client: Any, source_headers: dict[str, str], document: dict[str, Any]
) -> None:
    api = Conformance(client, source_headers, document)
    refused = api.call("POST", "/api/connectors", {"name": "X"})
    assert refused["error"]["code"] == "insufficient_scope"


def test_required_bodies_are_required(client: Any, admin: Any) -> None:
    """Every operation whose document says the body is required answers 422 ``body_required`` without one."""
    connector = admin.connector()
    values = {
        "connector_id": connector["id"],
        "kind": "billing-codes",
        "org_id": "ORG-1",
        "name": "invoices",
        "resource_id": "R-1",
        "username": "nobody",
    }
    for operation in OPERATIONS:
        if operation.body is None or operation.body_optional:
            continue
        path = operation.path.format(**values)
        answer = admin.call(operation.method, path)
        assert answer.status_code == 422, (operation.method, path, answer.body)
        assert answer.json_body["error"]["code"] == "body_required", (operation.method, path)
