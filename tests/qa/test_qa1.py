"""QA1 regression tests: each currently FAILS and names its item in /work/wt/QA1.md . Do not mark them xfail: they are the defect list."""

from __future__ import annotations

import plistlib
import subprocess
import sys
from typing import Any

from typer.testing import CliRunner

from profilegen.cli import app
from profilegen.validate import validate_bytes
from tests.helpers import CLIENT, SCOPE, TENANT

WELL_KNOWN = "/v2.0/.well-known/openid-configuration"


def login(**extra: Any) -> dict[str, Any]:
    base = {"OIDCProvider": "EntraID", "OIDCClientID": CLIENT, "OIDCROPGID": CLIENT, "OIDCTenant": TENANT,
            "OIDCRedirectURI": "https://127.0.0.1/jamfconnect"}
    base.update(extra)
    return {k: v for k, v in base.items() if v is not None}


def menubar(**idp: Any) -> dict[str, Any]:
    settings = {"Provider": "EntraID", "ROPGID": CLIENT, "TenantID": TENANT}
    settings.update(idp)
    return {"IdPSettings": {k: v for k, v in settings.items() if v is not None}}


def codes(prefs: dict[str, Any], domain: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in validate_bytes(plistlib.dumps(prefs), "prefs.plist", domain=domain):  # type: ignore[arg-type]
        out.setdefault(f.code, []).append(f.message)
    return out


def pair_profile(login_prefs: dict[str, Any], menubar_prefs: dict[str, Any]) -> bytes:
    def mcx(domain: str, prefs: dict[str, Any], n: int) -> dict[str, Any]:
        return {"PayloadType": "com.apple.ManagedClient.preferences", "PayloadVersion": 1,
                "PayloadIdentifier": f"com.contoso.jc.p{n}", "PayloadUUID": f"6F9E1C2A-0000-4000-8000-00000000000{n}",
                "PayloadContent": {domain: {"Forced": [{"mcx_preference_settings": prefs}]}}}
    return plistlib.dumps({
        "PayloadType": "Configuration", "PayloadVersion": 1, "PayloadIdentifier": "com.contoso.jc",
        "PayloadUUID": "6F9E1C2A-0000-4000-8000-000000000000", "PayloadScope": "System",
        "PayloadContent": [mcx("com.jamf.connect.login", login_prefs, 1), mcx("com.jamf.connect", menubar_prefs, 2)],
    })


# QA1 item 1
def test_item1_design_b_is_not_told_it_has_no_custom_scope() -> None:
    """Jamf's current design B puts the custom scope in ROPGScopes only (azure-facts.md §9.2)."""
    found = codes(login(ROPGScopes=f"{SCOPE}+openid+email+profile"), "login")
    for message in found.get("PG408", []):
        assert "no custom API scope" not in message
        assert "exclude the Jamf Connect app" not in message


# QA1 item 1
def test_item1_pg408_never_advises_excluding_the_jamf_connect_app() -> None:
    found = codes(login(), "login")
    assert not any("exclude the Jamf Connect app from the MFA policy" in m for m in found.get("PG408", []))


# QA1 item 2
def test_item2_two_different_custom_scopes_are_reported() -> None:
    other = "api://11111111-2222-3333-4444-555555555555/jamfconnect"
    found = codes(login(OIDCScopes=f"{SCOPE}+openid+profile+email", ROPGScopes=f"{other}+openid+email+profile"), "login")
    assert any("ROPGScopes" in m or "scope" in m for c, ms in found.items() if c.startswith("PG4") for m in ms), found


# QA1 item 3
def test_item3_no_tenant_warning_when_the_menu_bar_in_the_same_profile_has_one() -> None:
    data = pair_profile(login(OIDCTenant=None), menubar())
    assert "PG401" not in {f.code for f in validate_bytes(data, "pair.mobileconfig")}


# QA1 item 4
def test_item4_discovery_url_domain_vs_guid_tenant_is_mentioned() -> None:
    url = "https://login.microsoftonline.com/fabrikam.onmicrosoft.com" + WELL_KNOWN
    login_codes = codes(login(OIDCDiscoveryURL=url), "login")
    menubar_codes = codes(menubar(DiscoveryURL=url), "menubar")
    assert any(c.startswith("PG4") and c != "PG408" for c in login_codes), login_codes
    assert any(c.startswith("PG4") for c in menubar_codes), menubar_codes


# QA1 item 5
def test_item5_consumers_tenant_guid_is_refused_like_consumers() -> None:
    consumers_guid = "9188040d-6c67-4c5b-b112-36a304b66dad"
    assert "PG410" in codes(login(OIDCTenant=consumers_guid), "login")
    assert "PG412" in codes(menubar(TenantID=consumers_guid), "menubar")


# QA1 item 6
def test_item6_no_raw_escape_sequences_reach_the_terminal(tmp_path: Any) -> None:
    path = tmp_path / "esc.plist"
    path.write_bytes(plistlib.dumps(login(**{"OIDCTenant": "\x1b[31mcommon", "\x1b]0;pwned\x07Key": "v"}), fmt=plistlib.FMT_BINARY))
    result = subprocess.run([sys.executable, "-m", "profilegen", "validate", "--domain", "login", str(path)],
                            capture_output=True)
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout


# QA1 item 7
def test_item7_whitespace_around_a_guid_tenant_gets_the_right_fix() -> None:
    messages = codes(login(OIDCTenant=f" {TENANT} "), "login").get("PG410", [])
    assert messages and all("neither a tenant GUID" not in m for m in messages), messages


# QA1 item 8
def test_item8_readme_tenant_row_matches_generate_for_organizations() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    result = CliRunner().invoke(app, ["generate", "--tenant", "organizations", "--client-id", CLIENT,
                                      "--organization", "C", "--identifier", "com.c.jc", "--component", "login", "--out", "-"])
    assert result.exit_code == 0
    assert "(not `common`/`organizations`)" not in readme


# QA1 item 9
def test_item9_generate_offers_ca_design() -> None:
    result = CliRunner().invoke(app, ["generate", "--help"])
    assert "--ca-design" in result.output


# QA1 item 10
def test_item10_different_ropg_clients_are_not_an_error() -> None:
    data = pair_profile(login(), menubar(ROPGID="11111111-2222-3333-4444-555555555555"))
    errors = [f for f in validate_bytes(data, "pair.mobileconfig") if f.code == "PG406" and f.key == "IdPSettings.ROPGID"]
    assert all(f.severity.value != "error" for f in errors)


# QA1 item 11
def test_item11_login_key_inside_idpsettings_names_the_menu_bar_key() -> None:
    found = codes(menubar(OIDCClientID=CLIENT), "menubar")
    messages = [m for ms in found.values() for m in ms]
    assert any("ROPGID" in m for m in messages), found


CUSTOM = {"OIDCProvider": "Custom", "OIDCClientID": "jc", "OIDCRedirectURI": "https://127.0.0.1/jamfconnect",
          "OIDCDiscoveryURL": "https://idp.contoso.com/.well-known/openid-configuration"}


# QA1 item 13
def test_item13_a_client_secret_in_a_url_is_never_echoed() -> None:
    prefs = dict(CUSTOM, OIDCDiscoveryURL="https://i.co/x?client_secret=S3cr3tV4lue x")
    messages = [m for ms in codes(prefs, "login").values() for m in ms]
    assert not any("S3cr3tV4lue" in m for m in messages), messages


# QA1 item 14
def test_item14_a_secret_under_a_misspelled_key_is_still_a_secret() -> None:
    found = codes(dict(CUSTOM, OIDCClientSecert="S3cr3tV4lue"), "login")
    assert "PG502" in found, found


# QA1 item 14
def test_item14_one_secret_one_finding() -> None:
    found = codes(dict(CUSTOM, OIDCClientSecret=["S3cr3tV4lue"]), "login")
    assert len(found.get("PG502", [])) == 1, found
