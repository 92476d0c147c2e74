"""PG105 names the real size (issue 8 §3.4); the corpus is a setting (issue 8 §5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilegen.cli import app
from profilegen.profile.read import MAX_BYTES

from .proc import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("extra", [1, 2, 1000, 123_457, MAX_BYTES])
def test_pg105_reports_the_real_size(tmp_path: Path, extra: int) -> None:
    path = tmp_path / "big.mobileconfig"
    with path.open("wb") as fh:
        fh.truncate(MAX_BYTES + extra)  # sparse: no need to write megabytes
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"PG105 error: {MAX_BYTES + extra:,} bytes is over the 4 MiB" in result.stdout, result.stdout


def test_pg105_on_stdin_counts_what_was_read() -> None:
    result = CliRunner().invoke(app, ["validate", "-"], input=b" " * (MAX_BYTES + 77))
    assert f"{MAX_BYTES + 77:,} bytes is over" in result.stdout


def _pytest(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-rfEs", "tests/cli/test_corpus.py"],
                          cwd=ROOT, capture_output=True, text=True, env=env({"CI": "true", **extra_env}), timeout=300, check=False)


def test_corpus_location_is_a_setting(tmp_path: Path) -> None:
    """Absent corpus: skipped with the reason in the summary, even with CI=true; with
    PROFILEGEN_REQUIRE_CORPUS=1 (as .ci/run sets) the same run fails."""
    absent = str(tmp_path / "nowhere")
    done = _pytest({"PROFILEGEN_CORPUS": absent})
    assert done.returncode == 0, done.stdout
    assert "SKIPPED [1]" in done.stdout and f"corpus not found: {absent}/jamfconnect (PROFILEGEN_CORPUS)" in done.stdout
    done = _pytest({"PROFILEGEN_CORPUS": absent, "PROFILEGEN_REQUIRE_CORPUS": "1"})
    assert done.returncode != 0 and "PROFILEGEN_REQUIRE_CORPUS=1 requires it" in done.stdout
    real = ROOT.parent / "shared" / "corpus"
    if (real / "jamfconnect").is_dir():
        done = _pytest({"PROFILEGEN_CORPUS": str(real), "PROFILEGEN_REQUIRE_CORPUS": "1"})
        assert done.returncode == 0 and "SKIPPED" not in done.stdout, done.stdout


def test_ci_run_requires_the_corpus() -> None:
    assert "export PROFILEGEN_REQUIRE_CORPUS=1" in (ROOT / ".ci" / "run").read_text()
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
