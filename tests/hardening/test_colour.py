"""validate's severities in colour on a terminal, never in a pipe or with NO_COLOR (issue 22).
A real pseudo-terminal: the process sees a TTY on stdout exactly as in Terminal.app."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from .proc import SCRIPT, env

BROKEN = b"<plist><dict><key>x</key></plist>"
RED = "\x1b[1;31merror\x1b[0m"


def on_a_tty(args: list[str], extra: dict[str, str]) -> str:
    master, slave = pty.openpty()
    try:
        done = subprocess.run([SCRIPT, *args], stdout=slave, stderr=subprocess.PIPE, env=env({"TERM": "xterm", **extra}),
                              timeout=60, check=False)
        os.close(slave)
        slave = -1
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed and everything was read
                break
            if not chunk:
                break
            out += chunk
    finally:
        if slave != -1:
            os.close(slave)
        os.close(master)
    assert done.returncode == 1, done.stderr
    return out.decode("utf-8").replace("\r\n", "\n")


def test_severity_in_colour_on_a_tty_only(tmp_path: Path) -> None:
    bad = tmp_path / "x\x1b[31mevil.plist"  # a hostile name: its escape stays escaped
    bad.write_bytes(BROKEN)
    coloured = on_a_tty(["validate", str(bad)], {})
    assert f" PG101 {RED}: not well-formed XML" in coloured, repr(coloured)
    assert "x\\x1b[31mevil.plist" in coloured and "\x1b[31mevil" not in coloured
    assert coloured.count("\x1b[") == 2  # our two sequences, nothing else
    assert "\x1b" not in on_a_tty(["validate", str(bad)], {"NO_COLOR": "1"})
    assert "\x1b" not in on_a_tty(["validate", str(bad)], {"TERM": "dumb"})
    piped = subprocess.run([SCRIPT, "validate", str(bad)], capture_output=True, text=True, env=env({"TERM": "xterm"}), timeout=60, check=False)
    assert piped.returncode == 1 and " PG101 error: " in piped.stdout and "\x1b[" not in piped.stdout
    quiet = on_a_tty(["validate", "--quiet", str(bad)], {})
    assert quiet.count("\n") == 1 and RED in quiet


def test_progress_line_on_a_terminal_stderr_only(tmp_path: Path) -> None:
    """A long run (made long for the test by PROFILEGEN_TEST_PROGRESS_AFTER=0) shows
    `validating: N file(s)` on a terminal's stderr, erased before the report; never in a pipe."""
    for n in range(30):
        (tmp_path / f"b{n}.plist").write_bytes(BROKEN)
    master, slave = pty.openpty()
    try:
        done = subprocess.run([SCRIPT, "validate", "--format", "sarif", str(tmp_path)], stdout=subprocess.PIPE, stderr=slave,
                              env=env({"TERM": "xterm", "PROFILEGEN_TEST_PROGRESS_AFTER": "0"}), timeout=60, check=False)
        os.close(slave)
        slave = -1
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
    finally:
        if slave != -1:
            os.close(slave)
        os.close(master)
    assert done.returncode == 1
    text = err.decode("utf-8")
    assert text.startswith("\rvalidating: 1 file(s)\x1b[K") and text.endswith("\r\x1b[K"), repr(text)
    assert b"validating" not in done.stdout and done.stdout.startswith(b"{")
    piped = subprocess.run([SCRIPT, "validate", str(tmp_path)], capture_output=True, text=True,
                           env=env({"TERM": "xterm", "PROFILEGEN_TEST_PROGRESS_AFTER": "0"}), timeout=60, check=False)
    assert piped.returncode == 1 and "validating" not in piped.stderr and piped.stderr == ""
