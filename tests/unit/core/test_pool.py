"""The worker pool's start method (issue 19, class 14): spawn on macOS, where Python documents
fork as unsafe, fork elsewhere, and the same output either way. macOS's path is taken on Linux
by forcing spawn (PROFILEGEN_POOL_START), so the comparison runs on every CI machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from profilegen.core import pool
from tests.signing.conftest import pki  # noqa: F401 (fixture)
from tests.signing.pki import PKI
from tests.signing.test_verify import openssl_sign

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("platform", "method"), [("darwin", "spawn"), ("linux", "fork")])
def test_start_method_by_platform(monkeypatch, platform, method):  # type: ignore[no-untyped-def]
    monkeypatch.delenv(pool.START_ENV, raising=False)
    assert pool.start_method(platform) == method


def test_start_method_forced(monkeypatch):  # type: ignore[no-untyped-def]
    for method in pool.START_METHODS:
        monkeypatch.setenv(pool.START_ENV, method)
        assert pool.start_method("linux") == pool.start_method("darwin") == method
    monkeypatch.setenv(pool.START_ENV, "threads")  # not a start method: the platform's own
    assert pool.start_method("darwin") == "spawn"


def _validate(method: str, *args: str) -> tuple[str, str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEGEN_")}
    env[pool.START_ENV] = method
    done = subprocess.run([sys.executable, "-m", "profilegen", "validate", *args], capture_output=True, text=True,
                          check=False, cwd=ROOT, env=env, timeout=300)
    return done.stdout, done.stderr, done.returncode


def test_spawned_workers_print_what_forked_ones_print(pki: PKI, openssl: str, tmp_path: Path) -> None:  # noqa: F811
    """Every rule case, and signed profiles checked against a --ca-file: the trust store goes to
    spawned workers pickled, to forked ones not at all."""
    signed = tmp_path / "signed"
    signed.mkdir()
    for i, md in enumerate(["sha1", "sha256", "sha256"]):
        (signed / f"s{i}.mobileconfig").write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=bool(i), md=md, attrs=True))
    cases = sorted(str(d.relative_to(ROOT)) for d in (ROOT / "tests" / "cases").glob("PG[14]*"))  # a third of them, every shape
    args = ["--jobs", "2", "--format", "json", "--ca-file", str(pki.root_pem), *cases, str(signed)]
    fork = _validate("fork", *args)
    assert fork[0].count('"code": "PG') > 100 and fork[0].count(f"signature intact, trusted by {pki.root_pem}") == 3
    assert "internal error" not in fork[1]
    assert _validate("spawn", *args) == fork
