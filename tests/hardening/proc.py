"""Running the installed console script as a real process, the way a shell or a script does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.helpers import API, CLIENT, TENANT

SCRIPT = shutil.which("profilegen", path=str(Path(sys.executable).parent)) or "profilegen"
# generate with a custom scope: no PG408 note, so stderr holds only what a test looks for
GENERATE = ["generate", "--tenant", TENANT, "--client-id", CLIENT, "--custom-scope", f"api://{API}/jamfconnect",
            "--identifier", "com.contoso.jamfconnect"]
GATE = "PROFILEGEN_TEST_WRITE_GATE"


class Gate:
    """Holds a run at a point of its write phase (see profilegen/core/writer.py) until opened."""

    def __init__(self, base: Path, *points: int) -> None:
        self.base = base
        for point in points:
            Path(f"{base}.{point}").touch()

    @property
    def env(self) -> dict[str, str]:
        return {GATE: str(self.base)}

    def open(self, point: int) -> None:
        Path(f"{self.base}.{point}").unlink(missing_ok=True)


def env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEGEN_")}
    out.update(extra or {})
    return out


def start(args: list[str], *, extra_env: Mapping[str, str] | None = None, **kw: Any) -> subprocess.Popen[str]:
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([SCRIPT, *args], text=True, env=env(extra_env), **kw)


def run(args: list[str], *, extra_env: Mapping[str, str] | None = None, timeout: float = 60, **kw: Any) -> subprocess.CompletedProcess[str]:
    kw.setdefault("capture_output", True)
    return subprocess.run([SCRIPT, *args], text=True, env=env(extra_env), timeout=timeout, check=False, **kw)


def stray_files(directory: Path) -> list[str]:
    """What a run must never leave behind: temporary files and the lock."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".profilegen.")) if directory.is_dir() else []


def problems(stderr: str) -> list[str]:
    """Our own diagnostic lines; `note:` lines (generate's infos) are not problems."""
    return [line for line in stderr.splitlines() if line.startswith("profilegen: ")]
