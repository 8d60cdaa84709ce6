"""The admin page in headless chromium against a real local stack: what an admin does, end to end."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from simulators.qbwc import WebConnector, parse_qwc
from simulators.quickbooks import QuickBooksCompany
from tests.browser.conftest import ARTIFACTS, Api

pytestmark = pytest.mark.e2e


def _name(prefix: str) -> str:
    return f"{prefix} {secrets.token_hex(3)}"


def _row(page: Any, connector_id: str) -> Any:
    return page.locator(f'#connectors-grid tr[data-connector-id="{connector_id}"]')


def _sync(qwc: str, password: str, company: QuickBooksCompany | None = None) -> None:
    company = company or QuickBooksCompany.sample()
    WebConnector(parse_qwc(qwc), password, company, noop_wait_seconds=0).run()


def test_keyboard_sign_in_then_sign_out(page: Any, admin_token: str) -> None:
    page.get_by_label("Admin API token").fill(admin_token)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Sign in"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Connectors").wait_for()
    assert page.evaluate("sessionStorage.length") == 1 and page.evaluate("localStorage.length") == 0
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Admin API token").wait_for()
    assert page.evaluate("sessionStorage.length") == 0
    assert not page.locator("#app").is_visible()


def test_create_connector_add_user_and_download_qwc(signed_in: Any, api: Api, tmp_path: Path) -> None:
    page = signed_in
    name = _name("Main file")
    page.get_by_role("button", name="New connector").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Transfer Invoices & Sync Paid Date").check()
    page.get_by_label("Notify e-mails (comma or line separated)").fill("ops@example.com, boss@example.com")
    page.get_by_label("Run every N minutes").fill("15")
    page.get_by_role("button", name="Save connector").click()
    page.get_by_role("status").filter(has_text=f"Created {name}").wait_for()

    connector = next(c for c in api.call("GET", "/api/connectors")["connectors"] if c["name"] == name)
    assert connector["transfers"]["invoices"] and not connector["transfers"]["timesheets"]
    assert connector["notify_emails"] == ["ops@example.com", "boss@example.com"]
    assert connector["run_every_minutes"] == 15
    row = _row(page, connector["id"])
    assert row.locator("td").nth(1).text_content() == "On"  # Invoices
    assert "no conversations yet" in row.text_content()

    row.get_by_role("button", name=f"Manage {name}").click()
    # The detail has loaded its users once its title has the focus. A user added before that could be
    # overwritten in the grid by the answer to the detail's own first load, if that answer came last.
    # (A selector, not a page function: the page's Content-Security-Policy forbids evaluating strings.)
    page.locator("#detail-title:focus").wait_for()
    username = f"office-{secrets.token_hex(3)}"
    page.get_by_label("New user name").fill(username)
    page.get_by_role("button", name="Add user").click()
    page.locator("#password-box").wait_for()
    password = page.locator("#password-value").text_content()
    assert password and len(password) == 24
    assert page.get_by_text("it is shown only this once").is_visible()
    page.locator("#users-grid").get_by_role("rowheader", name=username).wait_for()

    with page.expect_download() as download_info:
        page.get_by_role("button", name=f"Download .qwc for {username}").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".qwc")
    content = Path(download.path()).read_text(encoding="utf-8")
    assert f"<UserName>{username}</UserName>" in content
    assert password not in content
    # The page's .qwc is the one a Web Connector signs in with.
    _sync(content, password)
    users = api.call("GET", f"/api/connectors/{connector['id']}/users")["users"]
    assert users[0]["last_login_at"] is not None


def test_conversation_dots_hover_text_and_transcript(signed_in: Any, api: Api) -> None:
    page = signed_in
    name = _name("Synced")
    connector, password, qwc = api.connector_with_user(name)
    page.get_by_role("button", name="Refresh").click()
    row = _row(page, connector["id"])
    assert row.locator(".dot").count() == 0

    _sync(qwc, password)
    bad = parse_qwc(qwc)
    WebConnector(bad, "wrong-password", QuickBooksCompany.sample(), noop_wait_seconds=0).run()

    page.get_by_role("button", name="Refresh").click()
    dots = row.locator(".dot")
    dots.nth(1).wait_for()
    assert dots.count() == 2
    # Newest first: the refused sign-in, then the successful conversation.
    assert dots.nth(0).get_attribute("title").startswith("The password is incorrect")
    assert "s-auth" in dots.nth(0).get_attribute("class")
    assert dots.nth(1).get_attribute("title").startswith("Success")
    assert re.search(r"\bs-(success|config)\b", dots.nth(1).get_attribute("class"))
    assert row.locator("td.last-status").text_content() == "The password is incorrect"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#connectors-section").screenshot(path=str(ARTIFACTS / "connectors-grid.png"))

    # Keyboard: focus the dot, Enter opens that conversation's transcript.
    dots.nth(1).focus()
    page.keyboard.press("Enter")
    panel = page.locator("#transcript-panel")
    panel.get_by_text("authenticate").first.wait_for()
    assert panel.locator("#transcript-status").text_content().startswith("Success")
    assert password not in panel.text_content()
    page.get_by_role("button", name="Close transcript").click()
    assert not panel.is_visible()


def test_billing_code_mapping_chosen_from_the_pulled_items(signed_in: Any, api: Api) -> None:
    page = signed_in
    name = _name("Mapped")
    connector, password, qwc = api.connector_with_user(name)
    _sync(qwc, password)
    items = api.call("GET", f"/api/connectors/{connector['id']}/qb-lists/items")["entries"]
    item = next(e["full_name"] for e in items if e.get("is_active", True))

    page.get_by_role("button", name="Refresh").click()
    page.get_by_role("button", name=f"Manage {name}").click()
    page.get_by_label("Mapping", exact=True).select_option("billing-codes")
    page.get_by_role("button", name="Open mapping").click()
    page.get_by_role("button", name="Add row").click()
    row = page.locator("#mapping-grid tbody tr").last
    row.get_by_label("Source value").fill("Remote Support")
    item_input = row.get_by_label("Item", exact=True)
    # The choices are the items the conversation read from QuickBooks.
    datalist = item_input.get_attribute("list")
    offered = page.locator(f'datalist[id="{datalist}"] option')
    assert offered.count() == len(items)
    assert item in [offered.nth(i).get_attribute("value") for i in range(offered.count())]
    item_input.fill(item)
    page.get_by_role("button", name="Add row").click()
    typo = page.locator("#mapping-grid tbody tr").last
    typo.get_by_label("Source value").fill("Onsite")
    typo.get_by_label("Item", exact=True).fill("No Such Item")
    page.get_by_role("button", name="Save mapping").click()
    page.get_by_role("status").filter(has_text="Saved 2 billing-codes mapping(s)").wait_for()

    entries = api.call("GET", f"/api/connectors/{connector['id']}/mappings/billing-codes")["entries"]
    assert [(e["source"], e["item"], e["known"]) for e in entries] == [
        ("Remote Support", item, True),
        ("Onsite", "No Such Item", False),
    ]
    warning = page.locator("#mapping-grid tr.warning")
    assert warning.count() == 1 and "Not in QuickBooks: item" in warning.text_content()


def test_failed_invoice_requeued_from_the_transfer_history(signed_in: Any, api: Api) -> None:
    page = signed_in
    name = _name("Invoices")
    connector, password, qwc = api.connector_with_user(name, transfers={"invoices": True})
    org = f"ORG-{secrets.token_hex(4)}"
    api.call("PUT", f"/api/organizations/{org}/connector", {"connector_id": connector["id"]})
    source_id = f"INV-{secrets.token_hex(4)}"
    enqueued = api.call(
        "POST",
        "/api/transfers/invoices",
        {
            "source_id": source_id,
            "number": secrets.token_hex(4),
            "date": "2026-11-20",
            "organization": {"id": org, "name": f"Acme {org}"},
            "lines": [{"billing_code": "Remote Support", "quantity": 2, "rate": 95.0}],
        },
    )
    company = QuickBooksCompany.sample()
    company.fail_next("InvoiceAddRq", 3210, "The invoice could not be saved (simulated).")
    _sync(qwc, password, company)
    assert api.call("GET", f"/api/transfers/{enqueued['id']}")["status"] == "failed"

    page.get_by_role("button", name="Refresh").click()  # the connector was made through the API
    page.get_by_role("status").filter(has_text="Connectors refreshed").wait_for()
    page.locator("#tf-connector").select_option(label=name)
    page.locator("#tf-status").select_option("failed")
    page.get_by_role("button", name="Show transfers").click()
    row = page.locator(f'#transfers-grid tr[data-transfer-id="{enqueued["id"]}"]')
    row.wait_for()
    assert row.locator(".transfer-status").text_content() == "failed"
    assert "simulated" in row.text_content() and "Fix:" in row.text_content()
    row.get_by_role("button", name=f"Requeue {source_id}").click()
    page.get_by_role("status").filter(has_text=f"{source_id}: queued").wait_for()

    transfer = api.call("GET", f"/api/transfers/{enqueued['id']}")
    assert transfer["status"] == "queued" and transfer["attempts"] == 0


def test_disable_enable_and_delete_a_qbwc_user(signed_in: Any, api: Api) -> None:
    page = signed_in
    name = _name("Users")
    connector, _, _ = api.connector_with_user(name)
    users_path = f"/api/connectors/{connector['id']}/users"
    username = api.call("GET", users_path)["users"][0]["username"]
    page.get_by_role("button", name="Refresh").click()  # the connector was made through the API
    page.get_by_role("button", name=f"Manage {name}").click()
    row = page.locator("#users-grid tbody tr").filter(
        has=page.get_by_role("rowheader", name=username, exact=True)
    )
    row.wait_for()
    assert row.locator("td").nth(0).text_content() == "Active"

    row.get_by_role("button", name=f"Disable {username}").click()
    page.get_by_role("status").filter(has_text=f"Disabled {username}").wait_for()
    assert row.locator("td").nth(0).text_content() == "Disabled"
    assert api.call("GET", users_path)["users"][0]["active"] is False

    row.get_by_role("button", name=f"Enable {username}").click()
    page.get_by_role("status").filter(has_text=f"Enabled {username}").wait_for()
    assert row.locator("td").nth(0).text_content() == "Active"
    assert api.call("GET", users_path)["users"][0]["active"] is True

    # Deleting asks first; saying no keeps the user.
    prompts: list[str] = []

    def say_no(dialog: Any) -> None:
        prompts.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", say_no)
    row.get_by_role("button", name=f"Delete {username}").click()
    for _ in range(50):
        if prompts:
            break
        page.wait_for_timeout(100)
    assert len(prompts) == 1 and username in prompts[0]
    assert [u["username"] for u in api.call("GET", users_path)["users"]] == [username]

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=f"Delete {username}").click()
    page.get_by_role("status").filter(has_text=f"Deleted {username}").wait_for()
    assert page.locator("#users-grid tbody tr").count() == 0
    assert api.call("GET", users_path)["users"] == []
