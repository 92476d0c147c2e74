"""Running the installed console script as a real process, the way a shell or a script does."""

from __future__ import annotations

import os
import shutil
import platform
import subprocess
import sys
import time
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


# read(2)'s number in /proc/PID/syscall, by machine (asm/unistd.h): a process blocked on stdin shows "NR 0x0 ...".
READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}


def wait_blocked_on_stdin(proc: subprocess.Popen[str], timeout: float = 30) -> None:
    """Until ``proc`` sits in read(0, ...): started, its signal handlers in place, waiting for
    stdin. Where /proc/PID/syscall cannot tell (another kernel or machine), a fixed pause."""
    number = READ_SYSCALL.get(platform.machine())
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, proc.communicate()
        try:
            fields = Path(f"/proc/{proc.pid}/syscall").read_text().split()
        except OSError:
            fields = None
        if number is None or fields is None:
            time.sleep(1.5)
            return
        if fields[:2] == [number, "0x0"]:
            return
        assert time.monotonic() < deadline, "the run never started reading stdin"
        time.sleep(0.01)
