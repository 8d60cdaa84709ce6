"""REST defects the hardening review found: text XML cannot carry, re-routing on replacement, the .qwc's
URLs, ids and cursors past storage limits. Each refusal leaves storage exactly as it was."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from lxml import etree

from tests.conftest import Admin, table_snapshot
from tests.transfers.invoice_factory import invoice


@pytest.fixture
def source(client: Any, source_headers: dict[str, str]) -> Admin:
    return Admin(client, source_headers)


# -- text XML 1.0 cannot carry, in every body ------------------------------------------------------------


def _bodies(connector_id: str) -> list[tuple[str, str, dict[str, Any], str]]:
    """(method, path, body with a control character, the field the 422 must name) for every body kind."""
    bell = "\u0007"
    poisoned_invoice = invoice(1, org=1)
    poisoned_invoice["lines"][1]["description"] = f"Line{bell}one"
    c = f"/api/connectors/{connector_id}"
    return [
        ("POST", "/api/transfers/invoices", poisoned_invoice, "lines.1.description"),
        ("POST", "/api/connectors", {"name": f"Main{bell}"}, "name"),
        (
            "PATCH",
            c,
            {"notify_emails": ["a@example.com"], "company_file": f"C:\\x{bell}.qbw"},
            "company_file",
        ),
        ("POST", f"{c}/users", {"username": "pc", "scope": "all\u0000"}, "scope"),
        (
            "PUT",
            f"{c}/mappings/billing-codes",
            {"entries": [{"source": "A", "item": "Item\u001b"}]},
            "entries.0.item",
        ),
        ("PUT", f"{c}/naming-conventions", {"item": "{billing_code}\ufffe"}, "item"),
        (
            "PUT",
            "/api/organizations/ORG-1/connector",
            {"connector_id": f"{connector_id}\u0001"},
            "connector_id",
        ),
        ("POST", "/api/tokens", {"scope": "source", "label": f"ci{bell}"}, "label"),
        # Keys are text too, and a lone surrogate (JSON's \ud800) is no XML character either.
        ("POST", "/api/transfers/invoices", {**invoice(2, org=1), "x\u0002": 1}, "x?"),
        ("POST", "/api/transfers/invoices", {**invoice(3, org=1), "memo": "\ud800"}, "memo"),
    ]


def test_text_xml_cannot_carry_is_422_naming_the_field_in_every_body(
    admin: Admin, client: Any, table: Any
) -> None:
    connector = admin.connector()
    for method, path, body, field in _bodies(connector["id"]):
        before = table_snapshot(table)
        raw = json.dumps(body).encode()  # ensure_ascii: the characters travel as \\u escapes, as JSON allows
        answer = client.http.request(method=method, path=path, headers=admin.headers, body=raw)
        assert answer.status_code == 422, (path, answer.body)
        error = answer.json_body["error"]
        assert error["code"] == "validation_failed"
        assert [d["field"] for d in error["details"]] == [field], path
        assert error["details"][0]["type"] == "xml_incompatible_text"
        assert "U+" in error["message"]
        assert table_snapshot(table) == before, path


def test_tab_and_line_breaks_are_text_xml_carries(admin: Admin, source: Admin) -> None:
    admin.connector()
    document = invoice(1, org=1)
    document["memo"] = "first line\r\nsecond\tline"
    assert source.enqueue(document, expect=202).json_body["status"] == "queued"


# -- re-posting a queued document that now routes elsewhere ----------------------------------------------


def test_replacing_a_queued_document_re_routes_it(admin: Admin, source: Admin) -> None:
    main = admin.connector()
    branch = admin.call("POST", "/api/connectors", {"name": "Branch"}, 201).json_body
    admin.call("PUT", "/api/organizations/ORG-0007/connector", {"connector_id": branch["id"]}, 200)
    first = source.enqueue(invoice(1, org=1)).json_body
    assert first["connector_id"] == main["id"]

    moved = invoice(1, org=7)  # the same invoice, now for an organization of the branch's company file
    answer = source.enqueue(moved, expect=200).json_body

    assert answer["id"] == first["id"] and answer["connector_id"] == branch["id"]
    transfer = admin.transfer(first["id"])
    assert transfer["connector_id"] == branch["id"] and transfer["organization_id"] == "ORG-0007"
    assert "re-routed" in transfer["history"][-1]["note"]
    listed = admin.call("GET", f"/api/transfers?connector_id={branch['id']}", expect=200).json_body
    assert [t["id"] for t in listed["transfers"]] == [first["id"]]
    assert (
        admin.call("GET", f"/api/transfers?connector_id={main['id']}", expect=200).json_body["transfers"]
        == []
    )


# -- the .qwc's URLs ----------------------------------------------------------------------------------------


def _qwc(admin: Admin, monkeypatch: pytest.MonkeyPatch, public_url: str) -> Any:
    from chalicelib.settings import get_settings

    connector = admin.connector()
    admin.call("POST", f"/api/connectors/{connector['id']}/users", {"username": "pc"}, 201)
    monkeypatch.setenv("PUBLIC_URL", public_url)
    get_settings.cache_clear()
    return admin.call("GET", f"/api/connectors/{connector['id']}/users/pc/qwc")


def test_app_support_keeps_the_public_url_base_path(admin: Admin, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = _qwc(admin, monkeypatch, "https://abc123.execute-api.us-east-1.amazonaws.com/api")
    assert answer.status_code == 200
    qwc = etree.fromstring(answer.body)
    assert qwc.findtext("AppURL") == "https://abc123.execute-api.us-east-1.amazonaws.com/api/qbwc"
    assert qwc.findtext("AppSupport") == "https://abc123.execute-api.us-east-1.amazonaws.com/api/"


@pytest.mark.parametrize(
    "public_url", ["https://203.0.113.7", "https://[2001:db8::1]/api", "http://10.0.0.5:8000"]
)
def test_a_public_url_with_an_ip_address_is_409_with_the_fix(
    admin: Admin, monkeypatch: pytest.MonkeyPatch, public_url: str
) -> None:
    answer = _qwc(admin, monkeypatch, public_url)
    assert answer.status_code == 409
    error = answer.json_body["error"]
    assert error["code"] == "public_url_not_usable"
    assert "IP address" in error["message"] and "domain name" in error["message"]


def test_localhost_by_address_is_still_fine(admin: Admin, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _qwc(admin, monkeypatch, "http://127.0.0.1:8000").status_code == 200


# -- ids and cursors past storage limits --------------------------------------------------------------------

LONG = "x" * 3000


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/api/connectors/{LONG}", None),
        ("PATCH", f"/api/connectors/{LONG}", {"name": "x"}),
        ("DELETE", f"/api/connectors/{LONG}", None),
        ("GET", f"/api/connectors/{LONG}/conversations", None),
        ("GET", f"/api/connectors/{LONG}/users", None),
        ("POST", f"/api/connectors/{LONG}/users", {"username": "pc"}),
        ("GET", f"/api/connectors/{LONG}/qb-lists/items", None),
        ("POST", f"/api/connectors/{LONG}/refresh-lists", None),
        ("GET", f"/api/connectors/{LONG}/preview", None),
        ("GET", f"/api/connectors/{LONG}/mappings/billing-codes", None),
        ("PUT", f"/api/connectors/{LONG}/mappings/billing-codes", {"entries": []}),
        ("GET", f"/api/connectors/{LONG}/naming-conventions", None),
        ("GET", f"/api/conversations/{LONG}/transcript", None),
        ("GET", f"/api/transfers/{LONG}", None),
        ("DELETE", f"/api/tokens/{LONG}", None),
    ],
)
def test_ids_past_the_key_size_limit_are_404(
    admin: Admin, table: Any, method: str, path: str, body: Any
) -> None:
    admin.connector()
    before = table_snapshot(table)
    answer = admin.call(method, path, body)
    assert answer.status_code == 404, answer.body
    assert answer.json_body["error"]["code"].endswith("_not_found")
    assert LONG not in answer.body.decode()  # never echoed back whole
    assert table_snapshot(table) == before


@pytest.mark.parametrize(
    "path_template", ["/api/connectors/{c}/users/{u}/qwc", "/api/connectors/{c}/users/{u}/unlock"]
)
def test_user_names_past_the_key_size_limit_are_404(admin: Admin, table: Any, path_template: str) -> None:
    connector = admin.connector()
    before = table_snapshot(table)
    method = "GET" if path_template.endswith("qwc") else "POST"
    answer = admin.call(method, path_template.format(c=connector["id"], u=LONG))
    assert answer.status_code == 404 and answer.json_body["error"]["code"] == "user_not_found"
    assert table_snapshot(table) == before


def _cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "key",
    [
        {"PK": "TRANSFER#" + "x" * 3000, "SK": "TRANSFER", "GSI2PK": "TRANSFERS", "GSI2SK": "a"},
        {"PK": 1, "SK": "TRANSFER", "GSI2PK": "TRANSFERS", "GSI2SK": "a"},
        {"PK": {"S": "x"}, "SK": "TRANSFER", "GSI2PK": "TRANSFERS", "GSI2SK": "a"},
        {"PK": "CONNECTOR#x", "SK": "CONNECTOR", "GSI2PK": "TRANSFERS", "GSI2SK": "a"},
        {"PK": "TRANSFER#x", "SK": "TRANSFER", "GSI2PK": "TRANSFERS", "GSI2SK": ""},
    ],
)
def test_crafted_cursors_are_422(admin: Admin, key: Any) -> None:
    admin.connector()
    answer = admin.call("GET", f"/api/transfers?cursor={_cursor(key)}")
    assert answer.status_code == 422 and answer.json_body["error"]["code"] == "invalid_cursor"
