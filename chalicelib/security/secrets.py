"""Generated secrets (QBWC passwords, API tokens, tickets) and their slow salted hashes.

Hash format: ``pbkdf2_sha512$<iterations>$<salt b64>$<hash b64>``. The iteration count travels with the hash,
so it can be raised later without invalidating stored hashes. 210,000 iterations of PBKDF2-HMAC-SHA512 is the
OWASP recommendation for that function.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

PBKDF2_ITERATIONS = 210_000
_SCHEME = "pbkdf2_sha512"
# Unambiguous alphabet for passwords a person types once into QBWC (no 0/O, 1/l/I).
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"  # noqa: S105 - an alphabet


def generate_password(length: int = 24) -> str:
    """A random password of ``length`` characters (24 chars of this alphabet is about 140 bits)."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def generate_ticket() -> str:
    """A session ticket: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def generate_token_secret() -> str:
    """The secret half of an API token: 256 random bits."""
    return secrets.token_urlsafe(32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_secret(secret: str, *, iterations: int = PBKDF2_ITERATIONS) -> str:
    """A salted PBKDF2 hash of ``secret`` for storage."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode("utf-8"), salt, iterations)
    return f"{_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


@functools.cache
def _dummy_hash() -> str:
    # Verifying against this when a user does not exist costs the same time as a real check. Made on first
    # use, not at import, to keep cold starts fast.
    return hash_secret("timing-equaliser")


def verify_secret(secret: str, stored_hash: str | None) -> bool:
    """True when ``secret`` matches ``stored_hash``; constant-time, and as slow for a missing hash."""
    candidate = stored_hash or _dummy_hash()
    try:
        scheme, iterations_text, salt_b64, digest_b64 = candidate.split("$")
        iterations = int(iterations_text)
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
    except ValueError:
        return False
    if scheme != _SCHEME:
        return False
    actual = hashlib.pbkdf2_hmac("sha512", secret.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(actual, expected) and stored_hash is not None
