"""API tokens: ``qbb_<id>_<secret>``; the id finds the stored hash, the secret is checked against it."""

from __future__ import annotations

import hashlib
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


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once


def issue_token(store: Store, *, scope: TokenScope, label: str, now: str) -> IssuedToken:
    token_id = secrets.token_hex(8)
    secret = generate_token_secret()
    token = ApiToken(id=token_id, scope=scope, label=label, secret_hash=hash_secret(secret), created_at=now)
    store.tokens.create(token)
    return IssuedToken(token, f"{PREFIX}_{token_id}_{secret}")


class TokenVerifier:
    """Checks bearer tokens against the store, remembering recent successes for a short while."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._verified: dict[str, tuple[float, TokenScope, str]] = {}

    def scope_of(self, bearer: str) -> tuple[TokenScope, str] | None:
        """(scope, token id) for a valid, unrevoked token; None otherwise."""
        token_text = bearer.removeprefix("Bearer ").strip()
        fingerprint = hashlib.sha256(token_text.encode("utf-8")).hexdigest()
        cached = self._verified.get(fingerprint)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1], cached[2]
        parts = token_text.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        token = self._store.tokens.find(parts[1])
        if token is None or token.revoked or not verify_secret(parts[2], token.secret_hash):
            return None
        self._verified[fingerprint] = (time.monotonic() + VERIFIED_CACHE_SECONDS, token.scope, token.id)
        return token.scope, token.id
