"""Shared pydantic configuration for the edges: unknown fields are rejected, strings are trimmed."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A request body: fields it does not know are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StoredModel(BaseModel):
    """A stored item: attributes a newer version wrote are ignored, so an older version can still read it."""

    model_config = ConfigDict(extra="ignore")
