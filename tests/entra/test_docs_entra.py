"""docs/entra-commands.md: its three examples run as written (ropg-check against the local
imitation of Entra ID, signins on an export written here, blueprint offline)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.entra.conftest import PASSWORD, FakeEntra, run_cli
from tests.entra.test_signins import write_csv

APP = "2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50"  # samples/contoso.yaml's client_id


def examples() -> list[list[str]]:
    page = (ROOT / "docs" / "entra-commands.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", page, flags=re.S)
    assert block, "docs/entra-commands.md has no sh example"
    return [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]


def test_entra_page_examples_run(fake_entra: FakeEntra, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ropg, signins, blueprint = examples()
    assert ropg[0].startswith("PROFILEGEN_PASSWORD=") and ropg[1:3] == ["profilegen", "ropg-check"]
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    # The imitation answers the "mfa" user as Entra does under an MFA policy: password verified.
    args = [a.replace("alex@", "mfa@") for a in ropg[2:]]
    done = run_cli([*args, "--ropg-discovery-url", fake_entra.discovery(), "--allow-http-loopback"],
                   env={"PROFILEGEN_PASSWORD": PASSWORD})
    assert done.exit_code == 0 and "password" in done.stdout.lower(), done.stderr

    assert signins[:2] == ["profilegen", "signins"]
    write_csv(tmp_path / signins[2], [
        ("2026-11-20T08:00:00Z", "alex@contoso.com", APP, "Jamf Connect", 50076, "Strong authentication is required."),
        ("2026-11-20T08:05:00Z", "kim@contoso.com", APP, "Jamf Connect", 50126, "Invalid username or password."),
    ])
    done = run_cli(signins[1:])
    assert done.exit_code == 0 and "kim@contoso.com" in done.stdout, done.stderr

    assert blueprint[:3] == ["profilegen", "azure", "blueprint"]
    done = run_cli(blueprint[1:])
    assert done.exit_code == 0, done.stderr
    assert {p.name for p in (tmp_path / "out" / "blueprint").iterdir()} >= {"api-app.json", "oidc-app.json", "create-apps.sh", "CHECKLIST.md"}
