"""The installed console script: exit codes and no traceback, with the password kept out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import CLIENT_ID, PASSWORD, FakeEntra

SCRIPT = shutil.which("profilegen", path=str(Path(sys.executable).parent)) or "profilegen"


def run(args: list[str], *, stdin: str = "", extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PROFILEGEN_PASSWORD", "PROFILEGEN_DEBUG")}
    env.update(extra_env or {})
    return subprocess.run([SCRIPT, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60, check=False)


def test_console_script_ropg_and_signins(fake_entra: FakeEntra, tmp_path: Path) -> None:
    base = ["ropg-check", "--ropg-discovery-url", fake_entra.discovery(), "--ropg-client-id", CLIENT_ID,
            "--allow-http-loopback", "--password-stdin"]
    for user, code in (("mfa", 0), ("echo", 1), ("public", 3), ("slow", 3), ("badgateway", 3)):
        # Only the slow scenario needs a short deadline; the others get room on a loaded machine.
        timeout = "0.5" if user == "slow" else "10"
        proc = run([*base, "--timeout", timeout, "--username", f"{user}@contoso.com"], stdin=PASSWORD + "\n")
        assert proc.returncode == code, (user, proc.stderr)
        assert "Traceback" not in proc.stderr and PASSWORD not in proc.stdout + proc.stderr

    usage = run(["ropg-check", "--username", "a@b.com", "--ropg-client-id", CLIENT_ID,
                 "--ropg-discovery-url", "http://example.com/x/.well-known/openid-configuration", "--allow-http-loopback"],
                stdin=PASSWORD)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    assert usage.stderr.startswith("profilegen: --ropg-discovery-url:") and len(usage.stderr.splitlines()) == 1

    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"status": {"errorCode": 0}},\n{"status": \n')
    proc = run(["signins", str(broken)])
    assert proc.returncode == 2 and f"{broken}:" in proc.stderr and "Traceback" not in proc.stderr


def test_help_lists_the_new_commands() -> None:
    proc = run(["--help"])
    assert proc.returncode == 0
    for name in ("ropg-check", "signins", "azure", "generate"):
        assert name in proc.stdout
    assert run(["azure", "--help"]).stdout.count("blueprint") >= 1
