"""Shared fixtures: independent oracles, samples, golden files, the CLI runner.

Oracles (plistutil from libplist, openssl) are external programs. When CI=true a missing
oracle fails the test; elsewhere it skips with the install hint.

The corpus of real Jamf profiles is not part of the project: PROFILEGEN_CORPUS names its
directory (default ../shared/corpus beside the checkout, when it exists). Without it the corpus
tests skip, and say so in the header; PROFILEGEN_REQUIRE_CORPUS=1 (set by .ci/run) fails them.
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
IN_CI = os.environ.get("CI", "").lower() == "true"


def corpus_root() -> Path:
    """PROFILEGEN_CORPUS, else ../shared/corpus beside the checkout."""
    configured = os.environ.get("PROFILEGEN_CORPUS")
    return Path(configured).expanduser() if configured else ROOT.parent / "shared" / "corpus"


def corpus_problem() -> str | None:
    """Why the corpus cannot be used, or None."""
    root = corpus_root()
    where = "PROFILEGEN_CORPUS" if os.environ.get("PROFILEGEN_CORPUS") else "the default ../shared/corpus"
    if not (root / "jamfconnect").is_dir():
        return f"corpus not found: {root}/jamfconnect ({where}) does not exist; set PROFILEGEN_CORPUS to the corpus directory"
    return None


def pytest_report_header(config: pytest.Config) -> str:
    problem = corpus_problem()
    return f"corpus: {corpus_root()}" if problem is None else f"corpus: SKIPPED, {problem}"


def pytest_configure(config: pytest.Config) -> None:
    """Compile profilegen's modules to bytecode once, before any test runs (issue 21).

    Some machines set PYTHONDONTWRITEBYTECODE=1 (this project's CI machine does): then every
    `profilegen` process a test starts compiles every module it imports again, about 35 ms of
    CPU per process. Compiling once into the checkout's __pycache__ (ignored by git) lets those
    processes read the bytecode; the setting still holds for everything else. Only the main
    process compiles, before the xdist workers start; an unwritable checkout simply stays
    uncompiled."""
    if hasattr(config, "workerinput"):
        return
    import compileall

    compileall.compile_dir(ROOT / "profilegen", quiet=2, workers=1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from the current output")
    parser.addoption("--update-expected", action="store_true",
                     help="rewrite tests/cases/*/expected.json from the current findings (review the diff)")


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
    problem = corpus_problem()
    if problem is not None:
        if os.environ.get("PROFILEGEN_REQUIRE_CORPUS") == "1":
            pytest.fail(problem + "; PROFILEGEN_REQUIRE_CORPUS=1 requires it")
        pytest.skip(problem)
    return corpus_root() / "jamfconnect"
