"""A variants manifest pushed with per-department scope; pull filters and files."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.entra.conftest import run_cli

from .conftest import jamf, pulled_scope
from .fake import FakeJamf

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def variants(tmp_path: Path, source: Path = SAMPLES / "departments.yaml") -> Path:
    out = tmp_path / "departments"
    result = run_cli(["variants", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out / "manifest.json"


def test_manifest_push_scopes_each_department(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    manifest = variants(tmp_path)
    result = jamf(fake_jamf, "push", str(manifest), "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["summary"] == {"created": 6, "updated": 0, "unchanged": 0, "failed": 0}
    placed = {p.name: (p.groups, p.category, p.distribution_method) for p in fake_jamf.profiles.values()}
    assert placed["Jamf Connect Login Window (Engineering)"] == (["Engineering Macs"], "Jamf Connect", "Install Automatically")
    assert placed["Jamf Connect Menu Bar (Sales)"] == (["Sales Macs"], "Jamf Connect", "Make Available in Self Service")
    assert placed["Jamf Connect Menu Bar (Finance Pilot)"][0] == ["Finance Pilot Macs"]
    assert jamf(fake_jamf, "push", str(manifest)).stdout.count("unchanged ") == 6


def test_manifest_file_changed_after_variants(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    manifest = variants(tmp_path)
    victim = next(manifest.parent.glob("*.sales.login.mobileconfig"))
    victim.write_bytes(victim.read_bytes().replace(b"Sales", b"Sa1es"))
    result = jamf(fake_jamf, "push", str(manifest))
    assert result.exit_code == 2 and "changed since variants wrote" in result.stderr and not fake_jamf.requests


def test_duplicate_jamf_names_are_input_errors(tmp_path: Path) -> None:
    data = yaml.safe_load((SAMPLES / "departments.yaml").read_text())
    data["jamf"]["name"] = "Jamf Connect {{ component }}"  # the same for every department
    source = tmp_path / "dup.yaml"
    source.write_text(yaml.safe_dump(data))
    result = run_cli(["variants", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Jamf Pro name 'Jamf Connect Login Window' is also the name of Engineering" in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_jamf_block_names_variant_and_key(tmp_path: Path) -> None:
    data = yaml.safe_load((SAMPLES / "departments.yaml").read_text())
    data["variants"][1]["jamf"]["redeploy"] = "everyone"
    data["variants"][2]["jamf"]["scope_group"] = ["x"]
    source = tmp_path / "bad.yaml"
    source.write_text(yaml.safe_dump(data))
    result = run_cli(["variants", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "variants[1] (Sales): jamf.redeploy:" in result.stderr
    assert "variants[2] (Finance Pilot): jamf.scope_group: Extra inputs are not permitted" in result.stderr


def test_pull_only_jamf_connect_unless_all(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    manifest = variants(tmp_path)
    assert jamf(fake_jamf, "push", str(manifest)).exit_code == 0
    fake_jamf.add("Wi-Fi", '<?xml version="1.0"?><plist version="1.0"><dict><key>PayloadType</key><string>Configuration'
                           "</string><key>PayloadContent</key><array/></dict></plist>")
    out = tmp_path / "pulled"
    result = jamf(fake_jamf, "pull", "--out", str(out))
    assert result.exit_code == 0 and result.stdout == f"pulled 6 profiles into {out}\n"
    index = json.loads((out / "jamf.json").read_text())["profiles"]
    assert index[0]["scope"] == pulled_scope(computer_groups=["Engineering Macs"])
    assert index[0]["category"] == "Jamf Connect" and index[0]["file"] == "jamf-connect-login-window-engineering.mobileconfig"
    assert run_cli(["validate", str(out)]).exit_code == 0
    everything = jamf(fake_jamf, "pull", "--out", str(out), "--all", "--force")
    assert everything.stdout == f"pulled 7 profiles into {out}\n" and (out / "wi-fi.mobileconfig").exists()
    one = jamf(fake_jamf, "pull", "--out", str(tmp_path / "one"), "--name", "jamf connect menu bar (sales)")
    assert one.stdout == f"pulled 1 profile into {tmp_path / 'one'}\n"
    missing = jamf(fake_jamf, "pull", "--out", str(tmp_path / "none"), "--name", "Nope")
    assert missing.exit_code == 2 and "--name Nope: Jamf Pro has no profile of that name" in missing.stderr


def test_pull_same_slug_and_hostile_names(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    body = (Path(__file__).resolve().parents[1] / "golden" / "minimal").rglob("*.login.mobileconfig")
    text = next(iter(body)).read_text()
    fake_jamf.add("Login", text)
    fake_jamf.add("LOGIN", text)
    fake_jamf.add("\x1b[31m../../etc/passwd\x9b", text)
    result = jamf(fake_jamf, "pull", "--out", str(tmp_path / "p"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "31m-etc-passwd.mobileconfig", "jamf.json", "login-2.mobileconfig", "login.mobileconfig"]
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr and "\\x1b[31m../../etc/passwd\\x9b" in result.stderr
    named = jamf(fake_jamf, "push", str(tmp_path / "p" / "login.mobileconfig"), "--name", "\x9bx\ty")
    assert named.exit_code == 2 and "\x9b" not in named.stderr and "contains control characters" in named.stderr


def test_json_output_escapes_c1_in_file_names(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    manifest = variants(tmp_path)
    source = next(manifest.parent.glob("*.sales.login.mobileconfig"))
    odd = tmp_path / "sales\x9b.mobileconfig"
    odd.write_bytes(source.read_bytes())
    result = jamf(fake_jamf, "push", str(odd), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "\x9b" not in result.stdout and json.loads(result.stdout)["profiles"][0]["file"] == str(odd)
