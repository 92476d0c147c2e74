"""generate → push → push again → change → push → pull → validate → diff, against the fake."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

import yaml

from tests.entra.conftest import run_cli
from tests.helpers import CLIENT, TENANT

from .conftest import jamf, pulled_scope
from .fake import FakeJamf

# &, <, ", ]]> and non-ASCII letters in values: each breaks a naive upload somewhere.
MESSAGE = 'Bienvenue chez Müller & Söhne <IT>: "sign in" ]]> ØÆ'


def _config(tmp_path: Path, **login: object) -> Path:
    data = {"organization": "Müller & Söhne", "identifier": "com.mueller.jamfconnect",
            "azure": {"tenant": TENANT, "client_id": CLIENT},
            "login": {"LoginWindowMessage": MESSAGE, "HelpURL": "https://help.example.com/?a=1&b=<2>", **login}}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _generate(tmp_path: Path, out: Path, **login: object) -> Path:
    result = run_cli(["generate", "--config", str(_config(tmp_path, **login)), "--component", "login", "--out", str(out), "--force"])
    assert result.exit_code == 0, result.stderr
    return out / "com.mueller.jamfconnect.login.mobileconfig"


def test_round_trip(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    profile = _generate(tmp_path, tmp_path / "out")
    first = jamf(fake_jamf, "push", str(profile))
    assert first.exit_code == 0, first.stderr
    assert first.stdout == "created Jamf Connect Login Window (id 1)\n"
    stored = fake_jamf.profiles[1]
    assert plistlib.loads(stored.payloads.encode())["PayloadContent"][0]["PayloadContent"]["com.jamf.connect.login"]["Forced"][0][
        "mcx_preference_settings"]["LoginWindowMessage"] == MESSAGE

    # Unchanged: no write at all (a write would redeploy to every Mac).
    puts_before = len(fake_jamf.writes("PUT")) + len(fake_jamf.writes("POST"))
    second = jamf(fake_jamf, "push", str(profile), "--format", "json")
    assert second.exit_code == 0, second.stderr
    assert json.loads(second.stdout) == {
        "profiles": [{"file": str(profile), "name": "Jamf Connect Login Window", "id": 1, "action": "unchanged", "changes": []}],
        "summary": {"created": 0, "updated": 0, "unchanged": 1, "failed": 0}}
    assert len(fake_jamf.writes("PUT")) + len(fake_jamf.writes("POST")) == puts_before

    # One key changed: a PUT that keeps Jamf Pro's UUID.
    jamf_uuid = stored.uuid
    changed = _generate(tmp_path, tmp_path / "out", DenyLocal=True)
    dry = jamf(fake_jamf, "push", str(changed), "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.startswith("would update Jamf Connect Login Window (id 1): 1 key\n")
    assert "+ login.DenyLocal = true" in dry.stdout and not fake_jamf.writes("PUT")
    third = jamf(fake_jamf, "push", str(changed))
    assert third.exit_code == 0, third.stderr
    assert third.stdout == "updated Jamf Connect Login Window (id 1): 1 key\n"
    [put] = [b for (m, _), b in zip(fake_jamf.requests, fake_jamf.bodies) if m == "PUT"]
    assert jamf_uuid.encode() in put
    sent = plistlib.loads(put.split(b"<![CDATA[")[1].split(b"]]></payloads>")[0].replace(b"&amp;", b"&"))
    assert sent["PayloadUUID"] == sent["PayloadIdentifier"] == jamf_uuid
    assert fake_jamf.profiles[1].uuid == jamf_uuid

    # Pull what is deployed; validate it; compare with what generate wrote.
    pulled = tmp_path / "pulled"
    result = jamf(fake_jamf, "pull", "--out", str(pulled))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"pulled 1 profile into {pulled}\n"
    index = json.loads((pulled / "jamf.json").read_text())
    assert index == {"profiles": [{"id": 1, "name": "Jamf Connect Login Window", "file": "jamf-connect-login-window.mobileconfig",
                                   "category": None, "scope": pulled_scope()}]}
    checked = run_cli(["validate", str(pulled), "--format", "json"])
    assert checked.exit_code == 0, checked.stdout
    assert json.loads(checked.stdout)["summary"]["errors"] == 0
    diff = run_cli(["diff", "--ignore-payload-ids", str(changed), str(pulled / "jamf-connect-login-window.mobileconfig")])
    assert diff.exit_code == 0 and diff.stdout == "", diff.stdout
    again = jamf(fake_jamf, "pull", "--out", str(pulled))
    assert again.exit_code == 2 and "--force" in again.stderr
