"""Shared pydantic configuration for the edges: unknown fields are rejected, strings are trimmed.

Every model builds its validator on first use, not when its class is defined (``defer_build``): a request
pays only for the models it uses (cold start), and no model is built twice.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A request body: fields it does not know are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class StoredModel(BaseModel):
    """A stored item: attributes a newer version wrote are ignored, so an older version can still read it."""

    model_config = ConfigDict(extra="ignore", defer_build=True)
