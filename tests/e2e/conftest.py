"""One local stack (dynalite + ``chalice local``, real sockets) shared by the end-to-end tests of a worker.

Tests stay independent by each creating their own connector and users.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tools.chalice_local import TEST_WORK_FACTOR_VAR
from tools.local_stack import LocalStack

# Small pages and messages, so the sample companies need several iterator round trips and invoices travel in
# several messages (more answers that can be lost).
E2E_PAGE_SIZE = 50
E2E_MESSAGE_REQUESTS = 25


@pytest.fixture(scope="session")
def stack(cheap_password_hashing: None) -> Iterator[LocalStack]:
    from chalicelib.security import secrets

    env = {
        "LIST_PAGE_SIZE": str(E2E_PAGE_SIZE),
        "MAX_MESSAGE_REQUESTS": str(E2E_MESSAGE_REQUESTS),
        # The app hashes as cheaply as the tests' own process (tests/conftest.py).
        TEST_WORK_FACTOR_VAR: str(secrets.work_factor),
    }
    with LocalStack(extra_env=env) as running:
        yield running


@pytest.fixture(scope="session")
def stack_store(stack: LocalStack) -> Any:
    """The store over the stack's own dynalite table (what ``make token`` writes to)."""
    from chalicelib.settings import Settings
    from chalicelib.store import Store
    from chalicelib.store.dynamodb import open_table

    return Store(open_table(Settings.from_env(stack.env)))


@pytest.fixture(scope="session")
def api(stack: LocalStack, stack_store: Any) -> requests.Session:
    """An HTTP session with an admin token, talking to the stack."""
    from chalicelib.admin.tokens import issue_token

    token = issue_token(stack_store, scope="admin", label="e2e", now="2026-11-20T09:00:00.000000Z").plaintext
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


@pytest.fixture(autouse=True)
def company_file_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """One company file belongs to one connector: on the shared stack, each test's sample company is a file
    of its own (as each real connector's is)."""
    import secrets

    from simulators.quickbooks import company

    path = rf"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Sample {secrets.token_hex(4)}.qbw"
    monkeypatch.setattr(company, "SAMPLE_COMPANY_FILE", path)
