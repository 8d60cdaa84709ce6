"""QBWC users: the user name + password a QuickBooks Web Connector signs in with (one .qwc file each)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.domain.base import StoredModel, StrictModel

UserScope = Literal["all", "sales", "purchases", "payroll"]
MAX_FAILED_ATTEMPTS = 5


class QbwcUserCreate(StrictModel):
    """Body of ``POST /api/connectors/{id}/users``."""

    # QBWC shows and sends it as typed; keep it to characters that survive XML and file names everywhere.
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    scope: UserScope = "all"


class QbwcUserPatch(StrictModel):
    """Body of ``PATCH /api/connectors/{id}/users/{username}``: disable (``false``) or enable the user."""

    # Strict: only JSON true / false, never a string or number that happens to read as one.
    active: bool = Field(
        strict=True, description="False: the user's `.qwc` stops working at once (QBWC is told `nvu`)."
    )


class QbwcUser(StoredModel):
    """A stored QBWC user (the password hash never leaves the store layer through the API)."""

    username: str
    connector_id: str
    scope: UserScope = "all"
    # A disabled user cannot sign in; users stored before this field existed read as active.
    active: bool = True
    password_hash: str
    failed_attempts: int = 0
    locked: bool = False
    locked_at: str | None = None
    last_login_at: str | None = None
    created_at: str

    def public(self) -> dict[str, object]:
        """What the API shows: never the password or its hash."""
        return self.model_dump(exclude={"password_hash"})
