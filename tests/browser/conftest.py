"""Browser tests of the admin page: headless Debian chromium (driven by Playwright) against a local stack.

The browser is the system's ``/usr/bin/chromium`` (``.ci/run`` installs it); Playwright's own browser
downloads are never used. A missing chromium fails these tests with a message instead of skipping them, so
a machine without it cannot pass CI silently.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tools.chalice_local import TEST_WORK_FACTOR_VAR
from tools.local_stack import LocalStack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# Playwright waits this long (ms) for an element or an answer before a test fails.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def stack(cheap_password_hashing: None) -> Iterator[LocalStack]:
    from chalicelib.security import secrets

    # The app hashes as cheaply as the tests' own process (tests/conftest.py).
    with LocalStack(extra_env={TEST_WORK_FACTOR_VAR: str(secrets.work_factor)}) as running:
        yield running


@pytest.fixture(scope="session")
def admin_token(stack: LocalStack) -> str:
    """An admin token in the stack's own table (as ``make token`` issues one)."""
    from chalicelib.admin.tokens import issue_token
    from chalicelib.settings import Settings
    from chalicelib.store import Store
    from chalicelib.store.dynamodb import open_table

    store = Store(open_table(Settings.from_env(stack.env)))
    return issue_token(
        store, scope="admin", label="browser tests", now="2026-11-20T09:00:00.000000Z"
    ).plaintext


class Api:
    """The REST API with the admin token, for setting up and checking what the page did."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None, *, expect: int | None = None) -> Any:
        answer = self.session.request(method, self.base_url + path, json=body, timeout=30)
        assert answer.status_code < 300 if expect is None else answer.status_code == expect, answer.text
        return (
            answer.json()
            if answer.headers.get("Content-Type", "").startswith("application/json")
            else answer.text
        )

    def connector_with_user(self, name: str, **settings: Any) -> tuple[dict[str, Any], str, str]:
        """A new connector, a QBWC user on it, that user's password and ``.qwc`` text."""
        connector = self.call("POST", "/api/connectors", {"name": name, **settings})
        username = f"pc-{secrets.token_hex(3)}"
        created = self.call("POST", f"/api/connectors/{connector['id']}/users", {"username": username})
        password: str = created["password"]
        qwc: str = self.call("GET", f"/api/connectors/{connector['id']}/users/{username}/qwc")
        return connector, password, qwc


@pytest.fixture(scope="session")
def api(stack: LocalStack, admin_token: str) -> Api:
    return Api(stack.base_url, admin_token)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium; "
            ".ci/run installs it)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, stack: LocalStack) -> Iterator[Any]:
    """A fresh browser context (no token yet) on the admin page, failing the test on any script error."""
    context = browser.new_context(
        base_url=stack.base_url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    script_errors: list[str] = []
    tab.on("pageerror", lambda error: script_errors.append(str(error)))
    # CSP violations and failed loads show up as console errors.
    tab.on("console", lambda message: script_errors.append(message.text) if message.type == "error" else None)
    tab.goto("/")
    yield tab
    context.close()
    assert not script_errors, script_errors


@pytest.fixture
def signed_in(page: Any, admin_token: str) -> Any:
    """The page after signing in with the admin token."""
    page.get_by_label("Admin API token").fill(admin_token)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Connectors").wait_for()
    return page


@pytest.fixture(autouse=True)
def company_file_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """One company file belongs to one connector: on the shared stack, each test's sample company is a file
    of its own (as each real connector's is)."""
    import secrets

    from simulators.quickbooks import company

    path = rf"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Sample {secrets.token_hex(4)}.qbw"
    monkeypatch.setattr(company, "SAMPLE_COMPANY_FILE", path)
