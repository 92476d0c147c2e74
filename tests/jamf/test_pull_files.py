"""pull: one file per profile whatever the names, and a pull replaces its previous pull's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.entra.conftest import run_cli

from .conftest import jamf
from .fake import FakeJamf

ARGS = ["--tenant", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-4000-8000-00000000000a",
        "--organization", "Contoso", "--identifier", "com.contoso.jc", "--component", "login"]


@pytest.fixture()
def payload(tmp_path: Path) -> str:
    out = tmp_path / "gen"
    assert run_cli(["generate", *ARGS, "--out", str(out)]).exit_code == 0
    [path] = out.iterdir()
    return path.read_text()


def _index(out: Path) -> list[dict[str, object]]:
    return json.loads((out / "jamf.json").read_text())["profiles"]  # type: ignore[no-any-return]


def test_colliding_slugs_get_distinct_files(fake_jamf: FakeJamf, payload: str, tmp_path: Path) -> None:
    """"x", "X" and "x-3" slug alike once the id suffix is added: the suffix is checked again."""
    for name in ("x", "y", "X", "x-3"):
        fake_jamf.add(name, payload.replace("Jamf Connect Login Window", name))
    out = tmp_path / "pulled"
    result = jamf(fake_jamf, "pull", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    files = {e["name"]: e["file"] for e in _index(out)}
    assert files == {"x": "x.mobileconfig", "y": "y.mobileconfig", "X": "x-3.mobileconfig", "x-3": "x-3-4.mobileconfig"}
    for entry in _index(out):
        assert f"<string>{entry['name']}</string>" in (out / str(entry["file"])).read_text()
    again = jamf(fake_jamf, "pull", "--out", str(out), "--force")
    assert again.exit_code == 0 and {e["name"]: e["file"] for e in _index(out)} == files


def test_a_pull_replaces_its_previous_pull(fake_jamf: FakeJamf, payload: str, tmp_path: Path) -> None:
    for name in ("Login A", "Login B"):
        fake_jamf.add(name, payload)
    out = tmp_path / "pulled"
    assert jamf(fake_jamf, "pull", "--out", str(out)).exit_code == 0
    (out / "notes.txt").write_text("mine")
    (out / "other.mobileconfig").write_text("mine too")
    del fake_jamf.profiles[2]  # deleted in Jamf Pro
    result = jamf(fake_jamf, "pull", "--out", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    assert f"{out / 'login-b.mobileconfig'}: removed (its profile is no longer pulled from Jamf Pro)" in result.stderr.splitlines()
    assert sorted(p.name for p in out.iterdir()) == ["jamf.json", "login-a.mobileconfig", "notes.txt", "other.mobileconfig"]
    assert [e["file"] for e in _index(out)] == ["login-a.mobileconfig"]
    assert (out / "notes.txt").read_text() == "mine" and (out / "other.mobileconfig").read_text() == "mine too"


def test_force_never_clobbers_a_file_the_previous_pull_did_not_write(fake_jamf: FakeJamf, payload: str,
                                                                     tmp_path: Path) -> None:
    fake_jamf.add("Login A", payload)
    out = tmp_path / "pulled"
    assert jamf(fake_jamf, "pull", "--out", str(out)).exit_code == 0
    (out / "login-b.mobileconfig").write_text("an admin's own draft")
    fake_jamf.add("Login B", payload)
    result = jamf(fake_jamf, "pull", "--out", str(out), "--force")
    assert result.exit_code == 2
    assert result.stderr == (f"profilegen: --out: {out / 'login-b.mobileconfig'} was not written by the pull that wrote "
                             f"{out / 'jamf.json'}; --force replaces that pull's files only: move it, or pull into "
                             "another directory\n")
    assert (out / "login-b.mobileconfig").read_text() == "an admin's own draft"


def test_a_hostile_jamf_json_cannot_reach_outside(fake_jamf: FakeJamf, payload: str, tmp_path: Path) -> None:
    fake_jamf.add("Login A", payload)
    out = tmp_path / "pulled"
    assert jamf(fake_jamf, "pull", "--out", str(out)).exit_code == 0
    victim = tmp_path / "victim.mobileconfig"
    victim.write_text("keep")
    entries = [{"file": "../victim.mobileconfig"}, {"file": str(victim)}, {"file": "login-a.mobileconfig"}]
    (out / "jamf.json").write_text(json.dumps({"profiles": entries}))
    del fake_jamf.profiles[1]
    result = jamf(fake_jamf, "pull", "--out", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "keep" and not (out / "login-a.mobileconfig").exists()
