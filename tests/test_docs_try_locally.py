"""docs/try-locally.md (issue 22, point 8): `python -m tests.lookalike` started as a real process
the way the page says, its printed URLs and credentials read back, and the page's commands run as
pasted against it; then Ctrl-C (SIGINT) and SIGTERM stop it with exit 0 and no traceback."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.doc_examples import run_page, sh_blocks
from tests.jamf.fake import CLIENT_SECRET as JAMF_CLIENT_SECRET
from tests.lookalike import main

PAGE = ROOT / "docs" / "try-locally.md"


def start_command() -> str:
    """The page's start command: its one not-run block."""
    (block,) = [b for b in sh_blocks(PAGE) if not b.run]
    (line,) = [line for line in block.code.splitlines() if line.startswith("python -m tests.lookalike")]
    return line


def start(tmp_path: Path, extra: str = "", **more: str) -> tuple[subprocess.Popen[str], str]:
    """Start the look-alike as the page says (python = this interpreter, TMPDIR = tmp_path) and
    return it with everything it printed up to "# Ctrl-C stops."."""
    command = start_command().replace("python ", f"{shlex.quote(sys.executable)} ", 1) + extra
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEGEN_")}
    proc = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env={**env, "TMPDIR": str(tmp_path), **more},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert proc.stdout is not None
    out = ""
    watchdog = threading.Timer(20, proc.kill)  # a look-alike that never gets ready fails the test, not hangs it
    watchdog.start()
    try:
        while not out.endswith("# Ctrl-C stops.\n"):
            line = proc.stdout.readline()
            if not line:
                proc.kill()
                pytest.fail(f"the look-alike printed no ready line: {out!r} {proc.stderr.read() if proc.stderr else ''}")
            out += line
    finally:
        watchdog.cancel()
    return proc, out


def stop(proc: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return proc.returncode, err


def test_page_runs_against_the_lookalike(tmp_path: Path) -> None:
    proc, out = start(tmp_path)
    try:
        exports = dict(re.findall(r"^export (\w+)=(.*)$", out, re.M))
        urls = {k: v for k, v in exports.items() if k.endswith("_URL")}
        assert set(urls) == {"LOOKALIKE_JAMF_URL", "LOOKALIKE_DISCOVERY_URL", "LOOKALIKE_GRAPH_URL"}
        for name in ("LOOKALIKE_GRAPH_SECRET", "PROFILEGEN_JAMF_CLIENT_SECRET", "LOOKALIKE_PASSWORD"):
            assert name in exports, name
        assert all(re.fullmatch(r"http://127\.0\.0\.1:\d+(/\S*)?", u) for u in urls.values()), urls
        env_file = tmp_path / "profilegen-lookalike.env"
        # the file holds exactly the printed export lines
        assert env_file.read_text(encoding="utf-8") == "".join(f"{line}\n" for line in out.splitlines() if line.startswith("export "))
        work = tmp_path / "home"
        work.mkdir()
        done = run_page(sh_blocks(PAGE), work, env={"TMPDIR": str(tmp_path)})
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        code, err = stop(proc, signal.SIGINT)
    assert (code, err) == (0, "lookalike: stopped\n")
    assert not env_file.exists()
    got = done.stdout
    assert ("would create Jamf Connect Login Window\nwould create Jamf Connect Menu Bar\n"
            "created Jamf Connect Login Window (id 1)\ncreated Jamf Connect Menu Bar (id 2)\n"
            "unchanged Jamf Connect Login Window (id 1)\nunchanged Jamf Connect Menu Bar (id 2)\n"
            "pulled 2 profiles into deployed\n") in got
    assert (work / "try-profilegen" / "deployed" / "jamf-connect-login-window.mobileconfig").is_file()
    assert "No Such Group" in done.stderr
    lines = got.splitlines()
    verdicts = [line for line in lines if "password verified" in line or "password NOT verified" in line]
    assert verdicts == ["success: password verified", "wrong_password (AADSTS50126): password NOT verified",
                        "password_ok_mfa_required (AADSTS50076): password verified"]
    assert "\nfits design B: no\n" in got
    assert "5 sign-ins read, 4 from Jamf Connect" in got
    assert "! real wrong passwords (wrong_password, e.g. AADSTS50126) for: kim@contoso.com\n" in got
    # the throwaway password went in on stdin and never came back out
    for name in ("LOOKALIKE_PASSWORD", "LOOKALIKE_GRAPH_SECRET", "PROFILEGEN_JAMF_CLIENT_SECRET"):
        assert shlex.split(exports[name])[0] not in got + done.stderr, name


def test_sigterm_stops_cleanly_and_ports_are_given(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if port > 65000:
        port -= 1000
    # an ASCII-only locale: the export lines are still UTF-8, byte for byte what the fake accepts
    proc, out = start(tmp_path, f" --port {port}", LC_ALL="C", PYTHONIOENCODING="ascii")
    assert f"export PROFILEGEN_JAMF_CLIENT_SECRET={shlex.quote(JAMF_CLIENT_SECRET)}\n" in out
    assert f"export LOOKALIKE_JAMF_URL=http://127.0.0.1:{port}\n" in out
    assert f"export LOOKALIKE_GRAPH_URL=http://127.0.0.1:{port + 2}\n" in out
    code, err = stop(proc, signal.SIGTERM)
    assert (code, err) == (0, "lookalike: stopped\n")


def test_refusals_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            main(["--port", str(port)])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"lookalike: --port: cannot listen on 127.0.0.1:{port} for Jamf Pro (") and err.count("\n") == 1
    for argv, text in ((["--port", "http"], "argument --port: invalid int value: 'http'"),
                       (["--port", "80"], "argument --port: 80 is outside 1024..65533")):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        err = capsys.readouterr().err
        assert stopped.value.code == 2 and err.startswith(f"lookalike: {text}") and err.count("\n") == 1, err
    existing = tmp_path / "taken.env"
    existing.write_text("mine\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["--env-file", str(existing)])
    assert stopped.value.code == 2
    assert capsys.readouterr().err == f"lookalike: --env-file: {existing} exists; remove it or add --force\n"
    assert existing.read_text(encoding="utf-8") == "mine\n"


def test_an_odd_env_file_path_is_escaped_and_nothing_is_left(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = signal.getsignal(signal.SIGINT)
    odd = tmp_path / ("missing" + "\udcff" + "\u202e") / "l.env"
    with pytest.raises(SystemExit) as stopped:
        main(["--env-file", str(odd)])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1
    assert err.startswith(f"lookalike: --env-file: cannot write {ascii(str(odd))} (No such file or directory)"), err
    assert "\u202e" not in err and list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGINT) == before  # the look-alike gave the handler back


def test_two_runs_sharing_an_env_file_second_is_refused(tmp_path: Path) -> None:
    first, out = start(tmp_path)
    try:
        second = subprocess.run([sys.executable, "-m", "tests.lookalike", "--env-file", str(tmp_path / "profilegen-lookalike.env")],
                                cwd=ROOT, capture_output=True, text=True, timeout=30)
        assert second.returncode == 2 and second.stdout == ""
        assert second.stderr == f"lookalike: --env-file: {tmp_path / 'profilegen-lookalike.env'} exists; remove it or add --force\n"
        assert (tmp_path / "profilegen-lookalike.env").read_text(encoding="utf-8") in out  # the first run's file, untouched
    finally:
        assert stop(first, signal.SIGINT) == (0, "lookalike: stopped\n")
