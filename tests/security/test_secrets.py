"""Outside the test suite, hashing is as slow as it should be: 210,000 PBKDF2-HMAC-SHA512 iterations for new
hashes and for checks against no usable hash. The suite itself hashes at a lower ``work_factor``
(tests/conftest.py), so this is checked in a fresh interpreter, and nothing in the app may change the factor.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.security import secrets
from tools.chalice_local import TEST_WORK_FACTOR_VAR
from tools.local_stack import local_base_env

REPO_ROOT = Path(__file__).resolve().parents[2]

# Counts the iterations of every PBKDF2 computation, then hashes and checks as the app does.
_PROBE = """
import hashlib, json
made = []
real = hashlib.pbkdf2_hmac
def counting(name, password, salt, iterations, *rest):
    made.append(iterations)
    return real(name, password, salt, iterations, *rest)
hashlib.pbkdf2_hmac = counting
from chalicelib.security.secrets import PBKDF2_ITERATIONS, hash_secret, verify_secret, work_factor
stored = hash_secret("right")
checks = [verify_secret("right", stored), verify_secret("wrong", stored), verify_secret("x", None)]
print(json.dumps({"constant": PBKDF2_ITERATIONS, "factor": work_factor, "stored": stored, "checks": checks,
                  "made": made}))
"""


def hash_count(stored: str) -> int:
    return int(stored.split("$")[1])


def test_a_fresh_process_hashes_at_210000_iterations() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    seen = json.loads(done.stdout)
    assert seen["constant"] == seen["factor"] == 210_000
    assert seen["stored"].startswith("pbkdf2_sha512$210000$")
    assert seen["checks"] == [True, False, False]
    assert seen["made"] == [210_000] * 4


def test_the_suite_hashes_cheaper_and_stored_hashes_keep_their_count() -> None:
    assert secrets.work_factor < secrets.PBKDF2_ITERATIONS
    assert hash_count(secrets.hash_secret("x")) == secrets.work_factor
    # A hash written at another count is checked at the count it carries.
    stored = secrets.hash_secret("right", iterations=secrets.work_factor + 1)
    assert hash_count(stored) == secrets.work_factor + 1
    assert secrets.verify_secret("right", stored) and not secrets.verify_secret("wrong", stored)


def test_only_the_suite_and_its_stack_launcher_change_the_work_factor() -> None:
    assigning = re.compile(r"\bwork_factor\s*=(?!=)")
    sources = [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "chalicelib").rglob("*.py"))]
    assigned = [str(path.relative_to(REPO_ROOT)) for path in sources if assigning.search(path.read_text())]
    assert assigned == ["chalicelib/security/secrets.py"]  # its definition
    definition = (REPO_ROOT / "chalicelib" / "security" / "secrets.py").read_text()
    assert len(assigning.findall(definition)) == 1 and "work_factor = PBKDF2_ITERATIONS" in definition


def test_a_local_stack_never_inherits_the_test_work_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TEST_WORK_FACTOR_VAR, "1")
    assert TEST_WORK_FACTOR_VAR not in local_base_env()
    assert local_base_env({TEST_WORK_FACTOR_VAR: "1000"})[TEST_WORK_FACTOR_VAR] == "1000"
