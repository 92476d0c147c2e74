"""stdout closed (`>&-`), full (`> /dev/full`) or a pipe nobody reads (issue 8 §1.5).

Every command that prints to stdout, as a real process: one stderr line naming stdout, no
"internal error", exit 2, or the command's own non-zero code (1 findings, 3 ropg-check) when it
had one: the exit code must still tell a script what happened."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.entra.conftest import CLIENT_ID, PASSWORD, FakeEntra, fake_entra  # noqa: F401 (fixture)
from tests.signing.conftest import pki  # noqa: F401 (fixture)
from tests.signing.pki import PKI
from tests.variants.conftest import make_base

from .proc import GENERATE, SCRIPT, env, run

SIGNIN = {"createdDateTime": "2026-11-20T08:01:02Z", "userPrincipalName": "a@contoso.com", "appId": CLIENT_ID,
          "appDisplayName": "Jamf Connect", "status": {"errorCode": 50076}}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, pki: PKI) -> dict[str, Any]:  # noqa: F811
    d = tmp_path_factory.mktemp("stdout")
    done = run([*GENERATE, "--organization", "Contoso", "--out", str(d / "profiles")])
    assert done.returncode == 0, done.stderr
    login, menubar = sorted((d / "profiles").iterdir())
    (d / "broken.plist").write_bytes(b"<plist><dict><key>x</key></plist>")
    cfg = d / "departments.yaml"
    cfg.write_text(yaml.safe_dump(make_base()), encoding="utf-8")
    (d / "signins.json").write_text(json.dumps([SIGNIN] * 3), encoding="utf-8")
    leaf = pki["codesign"]
    signer = ["--cert", str(leaf.cert_pem), "--key", str(leaf.key_pem), *(["--chain", str(leaf.chain_pem)] if leaf.chain_pem else [])]
    return {"signer": signer, "login": login, "menubar": menubar, "broken": d / "broken.plist", "variants": cfg,
            "empty": d / "nothing-here", "signins": d / "signins.json"}


# name -> (arguments, exit code when stdout works)
def commands(f: dict[str, Any], ropg: list[str]) -> dict[str, tuple[list[str], int]]:
    return {
        "generate --out -": ([*GENERATE, "--organization", "C", "--component", "login", "--out", "-"], 0),
        "validate": (["validate", str(f["login"])], 0),
        "validate with findings": (["validate", "--format", "json", str(f["broken"])], 1),
        "rules": (["rules"], 0),
        "diff same": (["diff", str(f["login"]), str(f["login"])], 0),
        "diff different": (["diff", str(f["login"]), str(f["menubar"])], 1),
        "variants --check": (["variants", str(f["variants"]), "--check", "--out", str(f["empty"])], 1),
        "signins": (["signins", str(f["signins"])], 0),
        "ropg-check verified": ([*ropg, "--username", "mfa@contoso.com"], 0),
        "ropg-check wrong": ([*ropg, "--username", "wrong@contoso.com", "--format", "json"], 1),
        "sign --out -": (["sign", str(f["login"]), *f["signer"], "--out", "-"], 0),  # type: ignore[list-item]
        "verify": (["verify", str(f["login"])], 1),
        "--help": (["generate", "--help"], 0),
        "--version": (["--version"], 0),
    }


def run_with_stdout(kind: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    common = {"stderr": subprocess.PIPE, "text": True, "env": env(), "timeout": 60, "check": False, "input": PASSWORD + "\n"}
    if kind == "closed":
        return subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", SCRIPT, *args], **common)  # type: ignore[call-overload]
    if kind == "full":
        with open("/dev/full", "wb") as full:
            return subprocess.run([SCRIPT, *args], stdout=full, **common)  # type: ignore[call-overload]
    read, write = os.pipe()
    os.close(read)  # nobody will ever read: the first write fails with EPIPE
    try:
        return subprocess.run([SCRIPT, *args], stdout=write, **common)  # type: ignore[call-overload]
    finally:
        os.close(write)


CASES = ["generate --out -", "validate", "validate with findings", "rules", "diff same", "diff different",
         "variants --check", "signins", "ropg-check verified", "ropg-check wrong", "sign --out -", "verify", "--help", "--version"]
WORDS = {"closed": "stdout: closed", "full": "stdout: no space left on device", "pipe": "stdout: the reading end of the pipe closed early"}


@pytest.fixture
def ropg(fake_entra: FakeEntra) -> Iterator[list[str]]:  # noqa: F811
    yield ["ropg-check", "--ropg-discovery-url", fake_entra.discovery(), "--ropg-client-id", CLIENT_ID,
           "--allow-http-loopback", "--timeout", "5", "--password-stdin"]


@pytest.mark.parametrize("kind", ["closed", "full", "pipe"])
@pytest.mark.parametrize("case", CASES)
def test_unwritable_stdout_is_one_line(case: str, kind: str, files: dict[str, Any], ropg: list[str]) -> None:
    if kind == "full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    args, code = commands(files, ropg)[case]
    done = run_with_stdout(kind, args)
    if case == "diff same":  # prints nothing, so nothing can fail
        assert (done.returncode, done.stderr) == (0, "")
        return
    lines = done.stderr.splitlines()
    assert [line for line in lines if f"profilegen: {WORDS[kind]}" in line] == [lines[-1]], done.stderr  # (notes may name a path with "stdout" in it)
    assert lines[-1].startswith(f"profilegen: {WORDS[kind]}"), done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.returncode == (code or 2), done.stderr


def test_head_c1_on_a_long_output(tmp_path: Path) -> None:
    """The shell way: `profilegen ... | head -c1` with more output than a pipe holds. The reader
    took a byte and quit on purpose: no message, the command's own exit code (issue 22)."""
    big = tmp_path / "big.json"
    big.write_text(json.dumps([dict(SIGNIN, userPrincipalName=f"user{n}@contoso.com") for n in range(4000)]), encoding="utf-8")
    script = f'"{SCRIPT}" signins --format json "{big}" | head -c1 >/dev/null; echo "exit=${{PIPESTATUS[0]}}" >&2'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env(), timeout=60, check=False)
    lines = done.stderr.splitlines()
    assert lines[-1] == "exit=0", done.stderr
    assert "stdout" not in done.stderr and "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "Exception ignored" not in done.stderr


def test_validate_findings_piped_to_head_keeps_exit_1(tmp_path: Path) -> None:
    """`validate | head -1` on many findings: quiet, exit 1 (findings), not 2 (issue 22)."""
    for n in range(300):
        (tmp_path / f"broken{n}.plist").write_bytes(b"<plist><dict><key>x</key></plist>")
    script = f'"{SCRIPT}" validate "{tmp_path}" | head -1; echo "exit=${{PIPESTATUS[0]}}" >&2'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env(), timeout=60, check=False)
    assert done.stderr == "exit=1\n", done.stderr
    assert done.stdout.count("\n") == 1 and " PG101 error: " in done.stdout
    never = subprocess.run(["bash", "-c", f'"{SCRIPT}" validate "{tmp_path}" | true; echo "exit=${{PIPESTATUS[0]}}" >&2'],
                           capture_output=True, text=True, env=env(), timeout=60, check=False)
    assert never.stderr.splitlines()[-1] == "exit=1"  # `| true` took nothing: the one line stays
    assert never.stderr.splitlines()[0].startswith("profilegen: stdout: the reading end of the pipe closed early"), never.stderr


def test_commands_that_write_files_do_not_need_stdout(tmp_path: Path) -> None:
    """`>&-` only matters to a command that prints: generate --out DIR still works."""
    out = tmp_path / "out"
    done = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", SCRIPT, *GENERATE, "--organization", "C", "--out", str(out)],
                          capture_output=True, text=True, env=env(), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert len(list(out.iterdir())) == 2


def test_closed_stdin_and_stderr(tmp_path: Path) -> None:
    """`<&-` reads nothing (a finding, not an internal error); `2>&-` still writes the files,
    and no file of ours ends up as file descriptor 2."""
    def shell(redirect: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["sh", "-c", f'exec "$@" {redirect}', "sh", SCRIPT, *args], capture_output=True, text=True,
                              env=env(), timeout=60, check=False)

    done = shell("<&-", "validate", "-")
    assert done.returncode == 1 and "PG101" in done.stdout and "internal error" not in done.stderr, done.stderr
    out = tmp_path / "out"
    done = shell("2>&-", *GENERATE, "--organization", "C", "--out", str(out))
    assert done.returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["com.contoso.jamfconnect.login.mobileconfig", "com.contoso.jamfconnect.menubar.mobileconfig"]
    assert b"PG420" not in (out / "com.contoso.jamfconnect.login.mobileconfig").read_bytes()


def test_a_planted_lock_symlink_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".profilegen.lock").symlink_to(tmp_path / "elsewhere")
    done = run([*GENERATE, "--organization", "C", "--out", str(out)])
    assert done.returncode == 2 and "is a symbolic link, not profilegen's lock file; remove it" in done.stderr
    assert not (tmp_path / "elsewhere").exists()
