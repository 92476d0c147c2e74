"""The throwaway PKI, made once per test session (RSA key generation is the slow part)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.signing.pki import PKI

PROFILE = Path(__file__).resolve().parents[1] / "cases" / "PG108" / "pass-unsigned.mobileconfig"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return PKI(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def openssl_verify(openssl: str, pki: PKI) -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """openssl cms -verify against the test root, -purpose any (code signing and installer
    leaves fail openssl's default S/MIME purpose); the extracted content goes to ``out``."""

    def run(signed: Path, out: Path, *, ca: Path | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [openssl, "cms", "-verify", "-inform", "DER", "-CAfile", str(ca or pki.root_pem), "-purpose", "any",
             "-in", str(signed), "-out", str(out)],
            capture_output=True, timeout=60,
        )

    return run
