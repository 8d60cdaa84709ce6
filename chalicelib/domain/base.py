"""Shared pydantic configuration for the edges: unknown fields are rejected, strings are trimmed."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A request or stored model that refuses fields it does not know."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
