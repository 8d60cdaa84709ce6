"""Generated secrets (QBWC passwords, API tokens, tickets) and their slow salted hashes.

Hash format: ``pbkdf2_sha512$<iterations>$<salt b64>$<hash b64>``. The iteration count travels with the hash,
so it can be raised later without invalidating stored hashes. 210,000 iterations of PBKDF2-HMAC-SHA512 is the
OWASP recommendation for that function.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PBKDF2_ITERATIONS = 210_000
# The count new hashes and checks against no usable hash use: PBKDF2_ITERATIONS. Only the test suite lowers it
# (tests/conftest.py, and the local stacks it starts), so its thousands of hashes cost little; nothing in the
# app changes it. A stored hash is checked with the count it carries either way.
work_factor = PBKDF2_ITERATIONS
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


def hash_secret(secret: str, *, iterations: int | None = None) -> str:
    """A salted PBKDF2 hash of ``secret`` for storage (``work_factor`` iterations unless told)."""
    iterations = work_factor if iterations is None else iterations
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode("utf-8"), salt, iterations)
    return f"{_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


# Checked against when there is no usable stored hash (no such user or token): the same PBKDF2 work as a real
# check (``work_factor`` iterations), with nothing to match. A fixed salt and an all-zero digest need no hashing
# of their own, so the first miss of a process costs no more than later ones.
_NO_SALT, _NO_DIGEST = bytes(16), bytes(64)


def _parse(stored_hash: str) -> tuple[int, bytes, bytes] | None:
    """(iterations, salt, digest) of a stored hash; None for one this module did not write."""
    try:
        scheme, iterations_text, salt_b64, digest_b64 = stored_hash.split("$")
        iterations = int(iterations_text)
        salt = base64.b64decode(salt_b64)
        digest = base64.b64decode(digest_b64)
    except ValueError:
        return None
    if scheme != _SCHEME or iterations < 1:
        return None
    return iterations, salt, digest


def verify_secret(secret: str, stored_hash: str | None) -> bool:
    """True when ``secret`` matches ``stored_hash``; constant-time, as slow for a missing or unusable hash."""
    parsed = _parse(stored_hash) if stored_hash else None
    iterations, salt, expected = parsed or (work_factor, _NO_SALT, _NO_DIGEST)
    actual = hashlib.pbkdf2_hmac("sha512", secret.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(actual, expected) and parsed is not None
