"""SIGINT and SIGTERM in the middle of the write phase (issue 8 §3.2), with real signals."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from .proc import GENERATE, Gate, problems, start, stray_files


def _generate(tmp_path: Path, out: Path) -> list[str]:
    return [*GENERATE, "--organization", "Contoso", "--out", str(out)]


def _variants(tmp_path: Path, out: Path) -> list[str]:
    from tests.variants.conftest import make_base

    cfg = tmp_path / "departments.yaml"
    cfg.write_text(yaml.safe_dump(make_base()), encoding="utf-8")
    return ["variants", str(cfg), "--out", str(out)]


def _blueprint(tmp_path: Path, out: Path) -> list[str]:
    return ["azure", "blueprint", "--out", str(out)]


COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {"generate": _generate, "variants": _variants, "azure blueprint": _blueprint}
SIGNALS = {"SIGINT": (signal.SIGINT, 130, "interrupted (SIGINT)"), "SIGTERM": (signal.SIGTERM, 143, "terminated (SIGTERM)")}


def _wait_for_temps(out: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not any(n.endswith(".tmp") for n in stray_files(out)):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize("name", SIGNALS)
@pytest.mark.parametrize("command", COMMANDS)
def test_signal_before_files_are_placed(tmp_path: Path, command: str, name: str) -> None:
    """Every temporary file (the one with mode 0600 included) is gone; nothing is in place."""
    sig, code, words = SIGNALS[name]
    out = tmp_path / "out"
    gate = Gate(tmp_path / "gate", 0)
    proc = start(COMMANDS[command](tmp_path, out), extra_env=gate.env)
    _wait_for_temps(out, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert len(problems(err)) == 1 and problems(err)[0].startswith(f"profilegen: {words}"), err
    assert "Traceback" not in err
    assert list(out.iterdir()) == [], "no temporary file, no lock file, no half of a set"


@pytest.mark.parametrize("name", SIGNALS)
def test_signal_while_placing_finishes_the_set(tmp_path: Path, name: str) -> None:
    """Between the first and the second file moving into place the signal waits: the set is
    complete (never one profile of two), no temporary file is left, and the exit code still
    says the run was interrupted."""
    sig, code, words = SIGNALS[name]
    out = tmp_path / "out"
    gate = Gate(tmp_path / "gate", 1)
    proc = start(_generate(tmp_path, out), extra_env=gate.env)
    deadline = time.monotonic() + 30
    while not (out / "com.contoso.jamfconnect.login.mobileconfig").exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.01)
    proc.send_signal(sig)
    time.sleep(0.2)
    gate.open(1)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1].startswith(f"profilegen: {words}")
    assert sorted(p.name for p in out.iterdir()) == ["com.contoso.jamfconnect.login.mobileconfig",
                                                      "com.contoso.jamfconnect.menubar.mobileconfig"]
