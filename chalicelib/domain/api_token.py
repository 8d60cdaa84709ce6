"""API bearer tokens (admin and source scopes), stored only as hashes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.domain.base import StoredModel, StrictModel

TokenScope = Literal["admin", "source"]


class ApiTokenCreate(StrictModel):
    """Body of ``POST /api/tokens``."""

    scope: TokenScope
    label: str = Field(default="", max_length=100)


class ApiToken(StoredModel):
    id: str
    scope: TokenScope
    label: str = ""
    secret_hash: str
    created_at: str
    revoked: bool = False

    def public(self) -> dict[str, object]:
        return self.model_dump(exclude={"secret_hash"})
