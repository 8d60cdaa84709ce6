"""The transfer history's changes after transfer in headless chromium: versions and operations, what a person
changed or deleted in QuickBooks, voids, forced requeues and adding a deleted document again.

The transfers are written straight into the stack's table in the states a conversation leaves them in (no
QuickBooks conversation is needed to show or act on them); what the page asks for is checked through the API.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from chalicelib.domain.transfer import HistoryEntry, Transfer, TransferError, external_guid, transfer_id
from chalicelib.settings import Settings
from chalicelib.store import Store
from chalicelib.store.dynamodb import open_table
from tests.browser.conftest import TIMEOUT_MS, Api
from tools.local_stack import LocalStack

pytestmark = pytest.mark.e2e

T0 = "2026-11-20T09:00:00.000000Z"
T1 = "2026-11-21T09:00:00.000000Z"
T2 = "2026-11-24T09:00:00.000000Z"
T3 = "2026-11-27T15:04:00.000000Z"


def _stack_store(stack: LocalStack) -> Store:
    return Store(open_table(Settings.from_env(stack.env)))


def _entry(at: str, status: str, operation: str, version: int, note: str = "") -> HistoryEntry:
    return HistoryEntry.model_validate(
        {"at": at, "status": status, "operation": operation, "version": version, "note": note}
    )


def _seed(store: Store, connector_id: str, kind: str, **fields: Any) -> Transfer:
    """A transfer of ``kind`` on ``connector_id`` as a conversation left it (``fields`` override)."""
    source_id = f"{kind[:3].upper()}-{secrets.token_hex(4)}"
    new_id = transfer_id(kind, source_id)
    data: dict[str, Any] = {
        "id": new_id,
        "kind": kind,
        "source_id": source_id,
        "connector_id": connector_id,
        "document": {"source_id": source_id, "number": secrets.token_hex(3)},
        "enqueued_at": T0,
        "updated_at": T2,
        "external_guid": external_guid(new_id),
        **fields,
    }
    transfer = Transfer.model_validate(data)
    assert store.transfers.create(transfer)
    return transfer


@pytest.fixture
def seeded(api: Api, stack: LocalStack) -> dict[str, Any]:
    """A connector of its own with one transfer in each state the page shows differently."""
    store = _stack_store(stack)
    name = f"Changes {secrets.token_hex(3)}"
    connector = api.call("POST", "/api/connectors", {"name": name, "transfers": {"invoices": True}})
    cid = connector["id"]
    in_quickbooks = {"in_quickbooks": True, "qb_txn_id": f"TXN-{secrets.token_hex(3)}"}
    transferred = _seed(
        store, cid, "invoices", status="transferred", operation="update", version=2, version_in_quickbooks=2,
        qb_ref_number=str(1000 + secrets.randbelow(8999)), **in_quickbooks,
        history=[
            _entry(T0, "queued", "add", 1, "enqueued"),
            _entry(T0, "transferred", "add", 1, "added"),
            _entry(T1, "queued", "update", 2, "version 2 from the source: an update is queued"),
            _entry(T2, "transferred", "update", 2, "updated"),
        ],
    )  # fmt: skip
    changed = _seed(
        store, cid, "invoices", status="failed", operation="update", version=3, version_in_quickbooks=2,
        attempts=1, changed_in_quickbooks_at=T3, **in_quickbooks,
        error=TransferError(
            code="changed_in_quickbooks",
            message="The invoice was changed in QuickBooks since the bridge last wrote it.",
            explanation="Sending the update would overwrite a person's edit.",
            fix="Requeue it with force to overwrite QuickBooks; otherwise cancel the update.",
        ),
    )  # fmt: skip
    deleted = _seed(
        store, cid, "invoices", status="transferred", operation="add", version=1, version_in_quickbooks=1,
        deleted_in_quickbooks_at=T3, **in_quickbooks,
    )  # fmt: skip
    voided = _seed(
        store, cid, "invoices", status="voided", operation="void", version=2, version_in_quickbooks=2,
        in_quickbooks=False, qb_ref_number="7001",
    )  # fmt: skip
    timesheet = _seed(
        store, cid, "timesheets", status="transferred", operation="add", version=1, version_in_quickbooks=1,
        **in_quickbooks,
    )  # fmt: skip
    return {
        "store": store,
        "name": name,
        "transferred": transferred,
        "changed": changed,
        "deleted": deleted,
        "voided": voided,
        "timesheet": timesheet,
    }


def _show_transfers(page: Any, connector_name: str) -> None:
    page.get_by_role("button", name="Refresh").click()  # the connector was made through the API
    page.get_by_role("status").filter(has_text="Connectors refreshed").wait_for()
    page.locator("#tf-connector").select_option(label=connector_name)
    page.get_by_role("button", name="Show transfers").click()


def _row(page: Any, transfer: Transfer) -> Any:
    row = page.locator(f'#transfers-grid tr[data-transfer-id="{transfer.id}"]')
    row.wait_for()
    return row


def _answer_dialog(page: Any, prompts: list[str], *, accept: bool) -> None:
    def answer(dialog: Any) -> None:
        prompts.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", answer)


def _wait_for(page: Any, prompts: list[str]) -> None:
    for _ in range(50):
        if prompts:
            return
        page.wait_for_timeout(100)


def test_versions_operations_and_drift_marks(signed_in: Any, seeded: dict[str, Any]) -> None:
    page = signed_in
    _show_transfers(page, seeded["name"])

    transferred = _row(page, seeded["transferred"])
    assert transferred.locator(".transfer-status").text_content() == (
        f"transferred (#{seeded['transferred'].qb_ref_number})"
    )
    assert (
        transferred.locator(".transfer-version").text_content()
        == "update, version 2; QuickBooks has version 2"
    )
    assert transferred.locator(".drift").count() == 0
    assert transferred.get_by_role("button", name="Void in QuickBooks").is_visible()
    assert transferred.get_by_role("button", name="Requeue").count() == 0

    changed = _row(page, seeded["changed"])
    assert changed.locator(".transfer-status").text_content() == "failed"
    assert (
        changed.locator(".transfer-version").text_content() == "update, version 3; QuickBooks has version 2"
    )
    mark = changed.locator(".drift")
    assert mark.count() == 1 and "Changed in QuickBooks" in (mark.text_content() or "")
    assert mark.locator("time").get_attribute("datetime") == T3
    source_id = seeded["changed"].source_id
    for label in (
        f"Requeue {source_id}",
        f"Requeue and overwrite QuickBooks: {source_id}",
        f"Cancel update {source_id}",
    ):
        assert changed.get_by_role("button", name=label, exact=True).is_visible(), label

    deleted = _row(page, seeded["deleted"])
    assert "Deleted in QuickBooks" in (deleted.locator(".drift").text_content() or "")
    assert deleted.get_by_role("button", name="Add to QuickBooks again").is_visible()
    # Nothing is left in QuickBooks to void.
    assert deleted.get_by_role("button", name="Void in QuickBooks").count() == 0

    voided = _row(page, seeded["voided"])
    badge = voided.locator(".transfer-status.badge")
    assert badge.text_content() == "voided (#7001)"
    assert voided.locator(".transfer-version").text_content() == "void, version 2; voided in QuickBooks"
    assert voided.locator("td.actions button").all_text_contents() == ["History"]

    timesheet = _row(page, seeded["timesheet"])
    assert timesheet.get_by_role("button", name="Delete from QuickBooks").is_visible()
    assert timesheet.get_by_role("button", name="Void in QuickBooks").count() == 0

    # The voided filter finds it.
    page.locator("#tf-status").select_option("voided")
    page.get_by_role("button", name="Show transfers").click()
    page.locator("#transfers-grid tbody tr").first.wait_for()
    expect(page.locator("#transfers-grid .transfer-status:not(.badge)")).to_have_count(0)
    assert _row(page, seeded["voided"]).is_visible()


def test_version_history_with_the_keyboard(signed_in: Any, seeded: dict[str, Any]) -> None:
    page = signed_in
    _show_transfers(page, seeded["name"])
    row = _row(page, seeded["transferred"])
    source_id = seeded["transferred"].source_id
    opener = row.get_by_role("button", name=f"History of {source_id}")
    opener.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#transfer-detail")
    panel.get_by_role("heading", name=f"Invoice {source_id}").wait_for()
    assert page.evaluate("document.activeElement.id") == "transfer-detail-title"
    assert "update, version 2; QuickBooks has version 2" in (panel.locator("dl").text_content() or "")
    history = panel.locator("#transfer-history-grid")
    assert [h.strip() for h in history.locator("thead th").all_text_contents()] == [
        "When", "Status", "Operation", "Version", "Conversation", "Note",
    ]  # fmt: skip
    cells = [
        (r.locator("td").nth(1).text_content(), r.locator("td").nth(2).text_content(), r.locator("td").nth(3).text_content())
        for r in history.locator("tbody tr").all()
    ]  # fmt: skip
    assert cells == [
        ("queued", "add", "1"),
        ("transferred", "add", "1"),
        ("queued", "update", "2"),
        ("transferred", "update", "2"),
    ]
    # Escape closes it and gives the focus back to the History button.
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"History of {source_id}"


def test_void_asks_naming_the_document_then_queues_the_void(
    signed_in: Any, api: Api, seeded: dict[str, Any]
) -> None:
    page = signed_in
    transfer: Transfer = seeded["transferred"]
    _show_transfers(page, seeded["name"])
    row = _row(page, transfer)
    void = row.get_by_role("button", name=f"Void in QuickBooks: {transfer.source_id}")

    # Saying no changes nothing.
    prompts: list[str] = []
    _answer_dialog(page, prompts, accept=False)
    void.click()
    _wait_for(page, prompts)
    assert prompts == [
        f"Void invoice {transfer.qb_ref_number} in QuickBooks? QuickBooks keeps it with a zero amount."
    ]
    assert api.call("GET", f"/api/transfers/{transfer.id}")["status"] == "transferred"

    _answer_dialog(page, prompts, accept=True)
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith(f"/api/transfers/{transfer.id}/void")
    ):
        void.click()
    page.get_by_role("status").filter(has_text=f"{transfer.source_id}: queued (void)").wait_for()
    answer = api.call("GET", f"/api/transfers/{transfer.id}")
    assert (answer["status"], answer["operation"], answer["in_quickbooks"]) == ("queued", "void", True)
    row = _row(page, transfer)
    assert row.locator(".transfer-status").text_content() == f"queued (#{transfer.qb_ref_number})"
    assert row.locator(".transfer-version").text_content() == "void, version 2; QuickBooks has version 2"
    # A queued void is not offered again; it can be cancelled.
    assert row.get_by_role("button", name="Void in QuickBooks").count() == 0
    assert row.get_by_role("button", name=f"Cancel void {transfer.source_id}").is_visible()


def test_force_requeue_overwrites_and_plain_requeue_stays(
    signed_in: Any, api: Api, seeded: dict[str, Any]
) -> None:
    page = signed_in
    transfer: Transfer = seeded["changed"]
    _show_transfers(page, seeded["name"])
    row = _row(page, transfer)
    prompts: list[str] = []
    _answer_dialog(page, prompts, accept=True)
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith(f"/api/transfers/{transfer.id}/requeue")
    ) as sent:
        row.get_by_role("button", name=f"Requeue and overwrite QuickBooks: {transfer.source_id}").click()
    assert sent.value.post_data_json == {"force": True}
    assert len(prompts) == 1
    assert prompts[0].startswith(f"Requeue invoice {transfer.document['number']} and overwrite QuickBooks?")
    assert "Version 3 then replaces what they changed there" in prompts[0]
    page.get_by_role("status").filter(has_text=f"{transfer.source_id}: queued (update)").wait_for()
    answer = api.call("GET", f"/api/transfers/{transfer.id}")
    assert (answer["status"], answer["force"], answer["attempts"]) == ("queued", True, 0)


def test_a_document_deleted_in_quickbooks_is_added_again(
    signed_in: Any, api: Api, seeded: dict[str, Any]
) -> None:
    page = signed_in
    transfer: Transfer = seeded["deleted"]
    _show_transfers(page, seeded["name"])
    row = _row(page, transfer)
    prompts: list[str] = []
    _answer_dialog(page, prompts, accept=True)
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith(f"/api/transfers/{transfer.id}/requeue")
    ) as sent:
        row.get_by_role("button", name=f"Add to QuickBooks again: {transfer.source_id}").click()
    assert sent.value.post_data is None
    assert len(prompts) == 1 and prompts[0].startswith(
        f"Add invoice {transfer.document['number']} to QuickBooks again? It was deleted in QuickBooks"
    )
    page.get_by_role("status").filter(has_text=f"{transfer.source_id}: queued").wait_for()
    answer = api.call("GET", f"/api/transfers/{transfer.id}")
    assert (answer["status"], answer["operation"], answer["in_quickbooks"]) == ("queued", "add", False)
    assert answer["deleted_in_quickbooks_at"] is None
    row = _row(page, transfer)
    assert row.locator(".drift").count() == 0
    assert row.locator(".transfer-version").text_content() == "add, version 1; not in QuickBooks"


@pytest.fixture
def refusing_page(browser: Any, stack: LocalStack, admin_token: str) -> Iterator[Any]:
    """Like ``signed_in``, but the refused (409) answer the test provokes may be logged by chromium."""
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    script_errors: list[str] = []
    tab.on("pageerror", lambda error: script_errors.append(str(error)))
    tab.on(
        "console",
        lambda message: (
            script_errors.append(message.text)
            if message.type == "error" and "status of 409" not in message.text
            else None
        ),
    )
    tab.goto("/")
    tab.get_by_label("Admin API token").fill(admin_token)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("heading", name="Connectors").wait_for()
    yield tab
    context.close()
    assert not script_errors, script_errors


def test_delete_kinds_say_delete_and_a_refusal_is_shown(
    refusing_page: Any, api: Api, seeded: dict[str, Any]
) -> None:
    page = refusing_page
    transfer: Transfer = seeded["timesheet"]
    _show_transfers(page, seeded["name"])
    label = "Delete from QuickBooks"  # a timesheet's TxnDel: QuickBooks cannot void one
    delete = _row(page, transfer).get_by_role("button", name=f"{label}: {transfer.source_id}")
    prompts: list[str] = []
    _answer_dialog(page, prompts, accept=False)
    delete.click()
    _wait_for(page, prompts)
    assert prompts == [
        f"Delete timesheet {transfer.document['number']} from QuickBooks? QuickBooks removes it for good; "
        "this cannot be undone."
    ]

    # Meanwhile a conversation took it: the server refuses and the page says why.
    store: Store = seeded["store"]
    stored = store.transfers.get(transfer.id)
    before = (stored.status, stored.updated_at)
    stored.status = "in_flight"
    store.transfers.replace(stored, expected_status=before[0], expected_updated_at=before[1])
    _answer_dialog(page, prompts, accept=True)
    delete.click()
    alert = page.get_by_role("alert")
    alert.filter(has_text="[in_flight]").wait_for()
    assert "void it when the conversation has ended" in (alert.text_content() or "")
    assert api.call("GET", f"/api/transfers/{transfer.id}")["status"] == "in_flight"


def test_readable_on_a_phone(signed_in: Any, seeded: dict[str, Any]) -> None:
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    _show_transfers(page, seeded["name"])
    row = _row(page, seeded["changed"])
    row.get_by_role("button", name=f"History of {seeded['changed'].source_id}").click()
    page.locator("#transfer-detail .drift").filter(has_text="Changed in QuickBooks").wait_for()
    # The page itself never scrolls sideways: wide tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The drift mark is said in words inside the row, whatever its colour.
    assert "Changed in QuickBooks" in (row.locator(".drift").inner_text() or "")
