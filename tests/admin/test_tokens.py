"""Bearer token checks: the scheme's case does not matter, and every refusal costs the same work as a success.

The work is counted (PBKDF2 computations and table calls), never timed: a timed assertion would be flaky. Each
computation is counted with its iteration count, which is ``work_factor`` (lowered for the suite in
tests/conftest.py; tests/security/test_secrets.py checks that it is 210,000 outside the suite).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.admin.tokens import TokenVerifier, bearer_credentials, is_token_id, issue_token
from chalicelib.errors import NotFound
from chalicelib.security import secrets
from chalicelib.security.secrets import hash_secret, verify_secret
from chalicelib.store import Store

NOW = "2026-11-20T09:00:00.000000Z"


class CountingTable:
    """The boto3 table, counting each call made on it by method name."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._table, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The iteration count of every PBKDF2 computation made while the test runs."""
    made: list[int] = []
    real = hashlib.pbkdf2_hmac

    def counting(hash_name: str, password: bytes, salt: bytes, iterations: int, *args: Any) -> bytes:
        made.append(iterations)
        return real(hash_name, password, salt, iterations, *args)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)
    return made


@pytest.fixture
def counting_table(table: Any) -> CountingTable:
    return CountingTable(table)


@pytest.fixture
def counted_store(counting_table: CountingTable) -> Store:
    return Store(counting_table)


def _parts(token: str) -> tuple[str, str]:
    """(id, secret) of a ``qbb_<id>_<secret>`` token."""
    _, token_id, secret = token.split("_", 2)
    return token_id, secret


# Each makes an Authorization value from a valid admin token; every one but the first must be refused.
REFUSED: dict[str, Callable[[str], str]] = {
    "wrong secret": lambda t: f"Bearer qbb_{_parts(t)[0]}_{'x' * len(_parts(t)[1])}",
    "unknown id": lambda t: f"Bearer qbb_{'0' * 16}_{_parts(t)[1]}",
    "id of another shape": lambda t: f"Bearer qbb_{_parts(t)[0].upper()}_{_parts(t)[1]}",
    "id over the key limit": lambda t: f"Bearer qbb_{'a' * 3000}_{_parts(t)[1]}",
    "other prefix": lambda t: f"Bearer xyz_{_parts(t)[0]}_{_parts(t)[1]}",
    "no secret": lambda t: f"Bearer qbb_{_parts(t)[0]}_",
    "no underscores": lambda t: "Bearer nonsense",
    "other scheme": lambda t: f"Basic {t}",
    "no token": lambda t: "Bearer",
    "empty header": lambda t: "",
}


def test_a_valid_token_costs_one_store_read_and_one_hash(
    counted_store: Store, counting_table: CountingTable, hashes: list[int]
) -> None:
    issued = issue_token(counted_store, scope="admin", label="x", now=NOW)
    counting_table.calls.clear()
    hashes.clear()
    assert TokenVerifier(counted_store).scope_of(f"Bearer {issued.plaintext}") == ("admin", issued.token.id)
    assert counting_table.calls == Counter({"get_item": 1})
    assert hashes == [secrets.work_factor]


@pytest.mark.parametrize("authorization", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_token_costs_the_same_as_a_valid_one(
    counted_store: Store,
    counting_table: CountingTable,
    hashes: list[int],
    authorization: Callable[[str], str],
) -> None:
    issued = issue_token(counted_store, scope="admin", label="x", now=NOW)
    counting_table.calls.clear()
    hashes.clear()
    assert TokenVerifier(counted_store).scope_of(authorization(issued.plaintext)) is None
    assert counting_table.calls == Counter({"get_item": 1})
    assert hashes == [secrets.work_factor]


def test_a_revoked_token_costs_the_same_as_a_valid_one(
    counted_store: Store, counting_table: CountingTable, hashes: list[int]
) -> None:
    issued = issue_token(counted_store, scope="source", label="x", now=NOW)
    counted_store.tokens.revoke(issued.token.id)
    counting_table.calls.clear()
    hashes.clear()
    assert TokenVerifier(counted_store).scope_of(f"Bearer {issued.plaintext}") is None
    assert counting_table.calls == Counter({"get_item": 1})
    assert hashes == [secrets.work_factor]


def test_a_verified_token_is_remembered_whatever_the_scheme_case(
    counted_store: Store, counting_table: CountingTable, hashes: list[int]
) -> None:
    issued = issue_token(counted_store, scope="source", label="x", now=NOW)
    verifier = TokenVerifier(counted_store)
    assert verifier.scope_of(f"Bearer {issued.plaintext}") == ("source", issued.token.id)
    counting_table.calls.clear()
    hashes.clear()
    assert verifier.scope_of(f"  bearer {issued.plaintext} ") == ("source", issued.token.id)
    assert counting_table.calls == Counter() and hashes == []


@pytest.mark.parametrize(
    "authorization",
    ["Bearer T", "bearer T", "BEARER T", "bEaReR T", "  bearer   T  ", "\tBearer\tT\t", "Bearer T\r\n"],
)
def test_the_bearer_scheme_is_case_insensitive_and_whitespace_is_ignored(authorization: str) -> None:
    assert bearer_credentials(authorization) == "T"


@pytest.mark.parametrize("authorization", ["", "   ", "Bearer", "Bearer   ", "BearerT", "Basic T", "T"])
def test_anything_but_a_bearer_token_gives_no_credentials(authorization: str) -> None:
    assert bearer_credentials(authorization) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0123456789abcdef", True), ("0123456789ABCDEF", False), ("0123456789abcde", False), ("", False)],
)
def test_token_id_shape(text: str, expected: bool) -> None:
    assert is_token_id(text) is expected


@pytest.mark.parametrize("stored_hash", [None, "", "not a hash", "md5$1$AAAA$AAAA", "pbkdf2_sha512$x$AA$AA"])
def test_verifying_against_no_usable_hash_is_one_full_hash_and_false(
    hashes: list[int], stored_hash: str | None
) -> None:
    assert verify_secret("anything", stored_hash) is False
    assert hashes == [secrets.work_factor]


def test_verifying_against_a_real_hash_is_one_hash(hashes: list[int]) -> None:
    stored = hash_secret("right")
    hashes.clear()
    assert verify_secret("right", stored) is True
    assert verify_secret("wrong", stored) is False
    assert hashes == [secrets.work_factor, secrets.work_factor]


@pytest.mark.parametrize("token_id", ["", "a" * 3000])
def test_revoking_an_id_no_token_can_have_is_not_found_without_touching_the_table(
    counted_store: Store, counting_table: CountingTable, token_id: str
) -> None:
    with pytest.raises(NotFound) as raised:
        counted_store.tokens.revoke(token_id)
    assert raised.value.code == "token_not_found"
    assert counting_table.calls == Counter()
