"""Shared fixtures: independent oracles, samples, golden files, the CLI runner.

Oracles (plistutil from libplist, openssl) are external programs. When CI=true a missing
oracle fails the test; elsewhere it skips with the install hint.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
CORPUS = ROOT.parent / "shared" / "corpus" / "jamfconnect"
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def need(tool: str, hint: str) -> str:
    """Path of an oracle program; fail under CI, skip elsewhere, when it is missing."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} not found ({hint})"
        if IN_CI:
            pytest.fail(message + "; CI=true requires every oracle")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def plistutil() -> Callable[[bytes, str], bytes]:
    exe = need("plistutil", "apt-get install libplist-utils")

    def convert(data: bytes, fmt: str) -> bytes:
        done = subprocess.run([exe, "-i", "-", "-o", "-", "-f", fmt], input=data, capture_output=True, timeout=30)
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        return done.stdout

    return convert


@pytest.fixture(scope="session")
def openssl() -> str:
    return need("openssl", "apt-get install openssl")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        message = f"corpus not found at {CORPUS}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return CORPUS
