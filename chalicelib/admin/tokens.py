"""API tokens: ``qbb_<id>_<secret>``; the id finds the stored hash, the secret is checked against it."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from chalicelib.domain.api_token import ApiToken, TokenScope
from chalicelib.security.secrets import generate_token_secret, hash_secret, verify_secret
from chalicelib.store import Store

PREFIX = "qbb"
# A verified token is trusted for this long within one process, so every API call does not pay for a slow
# hash. A revoked token therefore stops working within this time (API Gateway's authorizer cache: the same).
VERIFIED_CACHE_SECONDS = 60
# Every issued id is ``secrets.token_hex(8)``: 16 lowercase hex digits.
_TOKEN_ID = re.compile(r"[0-9a-f]{16}")
# Read in place of a malformed token's id, so that refusing it costs the same store read as any other token.
# It is not hex, so no issued token ever has it.
_NEVER_AN_ID = "-" * 16


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once


def issue_token(store: Store, *, scope: TokenScope, label: str, now: str) -> IssuedToken:
    token_id = secrets.token_hex(8)  # the shape ``is_token_id`` expects
    secret = generate_token_secret()
    token = ApiToken(id=token_id, scope=scope, label=label, secret_hash=hash_secret(secret), created_at=now)
    store.tokens.create(token)
    return IssuedToken(token, f"{PREFIX}_{token_id}_{secret}")


def is_token_id(text: str) -> bool:
    """True when ``text`` has the shape of an issued token id (anything else cannot be in the store)."""
    return _TOKEN_ID.fullmatch(text) is not None


def bearer_credentials(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value; None for another scheme or no token.

    The scheme is case-insensitive (RFC 7235) and whitespace around either part is ignored.
    """
    parts = authorization.split(maxsplit=1)
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1].strip()


class TokenVerifier:
    """Checks bearer tokens against the store, remembering recent successes for a short while."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._verified: dict[str, tuple[float, TokenScope, str]] = {}

    def scope_of(self, authorization: str) -> tuple[TokenScope, str] | None:
        """(scope, token id) for a valid, unrevoked bearer token; None otherwise.

        Apart from a recent success remembered, every call does the same work, one store read and one slow
        hash, whether the token is malformed, unknown, revoked, wrong or right: how long a refusal takes tells
        nothing about which token ids exist.
        """
        token_text = bearer_credentials(authorization)
        fingerprint = hashlib.sha256((token_text or "").encode("utf-8")).hexdigest()
        cached = self._verified.get(fingerprint)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1], cached[2]
        prefix, _, rest = (token_text or "").partition("_")
        token_id, _, secret = rest.partition("_")
        well_formed = prefix == PREFIX and is_token_id(token_id) and bool(secret)
        token = self._store.tokens.find(token_id if well_formed else _NEVER_AN_ID)
        secret_ok = verify_secret(secret, token.secret_hash if token is not None else None)
        if not well_formed or token is None or token.revoked or not secret_ok:
            return None
        self._verified[fingerprint] = (time.monotonic() + VERIFIED_CACHE_SECONDS, token.scope, token.id)
        return token.scope, token.id
