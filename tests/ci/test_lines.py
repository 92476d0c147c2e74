"""Line numbers: every finding about a key in an XML file names the line of that <key>."""

from __future__ import annotations

import json
import plistlib
import uuid
from pathlib import Path

import pytest

from profilegen.cli import app
from tests.cli.test_validate import sign
from tests.helpers import CLIENT, TENANT

CASES = Path(__file__).resolve().parents[1] / "cases"


def mcx_profile(login: dict, menubar: dict | None = None) -> dict:
    def payload(domain: str, prefs: dict) -> dict:
        return {
            "PayloadType": "com.apple.ManagedClient.preferences",
            "PayloadIdentifier": f"com.example.{domain}.settings",
            "PayloadUUID": str(uuid.uuid4()).upper(),
            "PayloadVersion": 1,
            "PayloadContent": {domain: {"Forced": [{"mcx_preference_settings": prefs}]}},
        }

    content = [payload("com.jamf.connect.login", login)]
    if menubar is not None:
        content.append(payload("com.jamf.connect", menubar))
    return {
        "PayloadType": "Configuration",
        "PayloadIdentifier": "com.example.jamfconnect",
        "PayloadUUID": str(uuid.uuid4()).upper(),
        "PayloadVersion": 1,
        "PayloadScope": "System",
        "PayloadDisplayName": "Jamf Connect",
        "PayloadContent": content,
    }


LOGIN = {"OIDCProvider": "EntraID", "OIDCClientID": CLIENT, "OIDCROPGID": CLIENT, "OIDCTenant": TENANT,
         "OIDCRedirectURI": "https://127.0.0.1/jamfconnect"}


def line_of(text: str, needle: str, *, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def findings(runner, path: Path) -> list[dict]:
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["files"][0]["findings"]


def test_keys_in_two_payloads_get_their_own_lines(runner, tmp_path):
    # The same kind of problem in the login and the menu bar payload of one file, and a nested key.
    login = {**LOGIN, "OIDCClientID": "YOUR-CLIENT-ID", "DenyLocall": True}
    menubar = {"IdPSettings": {"Provider": "EntraID", "TenantID": TENANT, "ROPGID": "placeholder"}}
    path = tmp_path / "both.mobileconfig"
    path.write_bytes(plistlib.dumps(mcx_profile(login, menubar)))
    text = path.read_text()
    got = {(f["code"], f["key"]): f["line"] for f in findings(runner, path)}
    assert got[("PG403", "OIDCClientID")] == line_of(text, "<key>OIDCClientID</key>")
    assert got[("PG301", "DenyLocall")] == line_of(text, "<key>DenyLocall</key>")
    assert got[("PG413", "IdPSettings.ROPGID")] == line_of(text, "<key>ROPGID</key>", after="<key>IdPSettings</key>")


def test_envelope_keys_and_domains_with_dots(runner, tmp_path):
    profile = mcx_profile(LOGIN)
    profile["PayloadContent"][0]["PayloadUUID"] = "not-a-uuid"
    profile["PayloadContent"][0]["PayloadContent"]["com.jamf.connect.login"]["Forced"] = "oops"
    path = tmp_path / "env.mobileconfig"
    path.write_bytes(plistlib.dumps(profile))
    text = path.read_text()
    got = {(f["code"], f["key"]): f["line"] for f in findings(runner, path)}
    assert got[("PG204", "PayloadContent[0].PayloadUUID")] == line_of(text, "<key>PayloadUUID</key>", after="<array>")
    forced = [line for (code, key), line in got.items() if key and key.endswith("com.jamf.connect.login.Forced")]
    assert forced == [line_of(text, "<key>Forced</key>")]


def test_direct_payload_style(runner, tmp_path):
    payload = {"PayloadType": "com.jamf.connect.login", "PayloadIdentifier": "com.example.login",
               "PayloadUUID": str(uuid.uuid4()), "PayloadVersion": 1, **LOGIN, "OIDCTenant": "common"}
    profile = mcx_profile(LOGIN)
    profile["PayloadContent"] = [payload]
    path = tmp_path / "direct.mobileconfig"
    path.write_bytes(plistlib.dumps(profile))
    got = {(f["code"], f["key"]): f["line"] for f in findings(runner, path)}
    assert got[("PG410", "OIDCTenant")] == line_of(path.read_text(), "<key>OIDCTenant</key>")


def test_missing_key_points_at_its_dictionary(runner, tmp_path):
    login = {k: v for k, v in LOGIN.items() if k != "OIDCTenant"}
    path = tmp_path / "no-tenant.mobileconfig"
    path.write_bytes(plistlib.dumps(mcx_profile(login)))
    got = {(f["code"], f["key"]): f["line"] for f in findings(runner, path)}
    assert got[("PG401", "OIDCTenant")] == line_of(path.read_text(), "<dict>", after="<key>mcx_preference_settings</key>")


def test_duplicate_key_and_structure_errors_carry_lines(runner):
    dup = findings(runner, CASES / "PG104" / "fail-duplicate.login.plist")
    text = (CASES / "PG104" / "fail-duplicate.login.plist").read_text()
    (f,) = [f for f in dup if f["code"] == "PG104"]
    key = f["key"]
    assert f["line"] == text.count("\n", 0, text.rindex(f"<key>{key}</key>")) + 1
    assert "line" not in f["message"]


def test_text_output_has_path_line_key(runner, tmp_path):
    path = tmp_path / "p.mobileconfig"
    path.write_bytes(plistlib.dumps(mcx_profile({**LOGIN, "OIDCClientID": "YOUR-CLIENT-ID"})))
    result = runner.invoke(app, ["validate", str(path)])
    n = line_of(path.read_text(), "<key>OIDCClientID</key>")
    assert result.stdout.startswith(f"{path}:{n}: OIDCClientID: PG403 error: ")


def test_binary_has_no_lines(runner, tmp_path):
    path = tmp_path / "p.mobileconfig"
    path.write_bytes(plistlib.dumps(mcx_profile({**LOGIN, "OIDCClientID": "YOUR-CLIENT-ID"}), fmt=plistlib.FMT_BINARY))
    found = findings(runner, path)
    assert [f["line"] for f in found] == [None] * len(found)
    assert ("PG403", "OIDCClientID") in {(f["code"], f["key"]) for f in found}
    assert runner.invoke(app, ["validate", str(path)]).stdout.startswith(f"{path}: OIDCClientID: PG403")


@pytest.mark.parametrize("outform", ["DER", "PEM"])
def test_signed_has_no_lines_but_names_keys(runner, tmp_path, openssl, outform):
    source = tmp_path / "p.mobileconfig"
    source.write_bytes(plistlib.dumps(mcx_profile({**LOGIN, "OIDCClientID": "YOUR-CLIENT-ID"})))
    signed = sign(openssl, tmp_path, source, subject="/CN=Line Test", outform=outform)
    found = findings(runner, signed)
    assert {f["line"] for f in found} == {None}
    assert ("PG403", "OIDCClientID") in {(f["code"], f["key"]) for f in found}


def test_every_line_in_the_case_files_points_at_its_key(runner):
    """Over every case file: a line, when given, is the <key> line of the key, or for a missing
    key that of its parent key or of the <dict> where it belongs."""
    result = runner.invoke(app, ["validate", "--format", "json", str(CASES)])
    checked = 0
    for entry in json.loads(result.stdout)["files"]:
        data = Path(entry["path"]).read_bytes()
        lines = data.decode("utf-8", "replace").splitlines()
        for f in entry["findings"]:
            if f["line"] is None or not f["key"]:
                continue
            assert data.lstrip().startswith(b"<"), entry["path"]  # lines only for XML
            text = lines[f["line"] - 1]
            # The key's own name, or a parent's when the key is missing; a domain has dots of its
            # own, so every run of dotted parts is a candidate.
            parts = f["key"].split(".")
            names = {".".join(parts[i:j]).split("[")[0] for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
            assert any(f"<key>{n}</key>" in text for n in names) or "<dict" in text or "<key>" not in text, (entry["path"], f, text)
            checked += 1
    assert checked > 50
