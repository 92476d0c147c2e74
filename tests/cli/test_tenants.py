"""Tenants and ROPG clients across the login window and the menu bar (QA1 items 3, 4, 5, 7, 10):
validate through the CLI, one profile and two files, and generate's notes. Profiles are written
by the tests."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

import pytest

from profilegen.cli import app
from tests.helpers import BASE_ARGS, CLIENT, TENANT

WELL_KNOWN = "/v2.0/.well-known/openid-configuration"
FABRIKAM_URL = "https://login.microsoftonline.com/fabrikam.onmicrosoft.com" + WELL_KNOWN
CONSUMERS_GUID = "9188040d-6c67-4c5b-b112-36a304b66dad"  # Microsoft: usable "in place of consumers"
OTHER_CLIENT = "11111111-2222-3333-4444-555555555555"


def login(**extra: Any) -> dict[str, Any]:
    base = {"OIDCProvider": "EntraID", "OIDCClientID": CLIENT, "OIDCROPGID": CLIENT, "OIDCTenant": TENANT,
            "OIDCRedirectURI": "https://127.0.0.1/jamfconnect", **extra}
    return {k: v for k, v in base.items() if v is not None}


def menubar(**idp: Any) -> dict[str, Any]:
    settings = {"Provider": "EntraID", "ROPGID": CLIENT, "TenantID": TENANT, **idp}
    return {"IdPSettings": {k: v for k, v in settings.items() if v is not None}}


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


def validate(runner, *paths: Path, domain: str | None = None) -> list[dict[str, Any]]:
    args = ["validate", "--format", "json", *(["--domain", domain] if domain else []), *map(str, paths)]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    return [f for file in json.loads(result.stdout)["files"] for f in file["findings"]]


def write(tmp_path: Path, name: str, data: dict[str, Any] | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else plistlib.dumps(data))
    return path


def codes(found: list[dict[str, Any]]) -> set[str]:
    return {f["code"] for f in found}


# Item 3. Jamf 2.13: the tenant goes into "the OIDC Tenant login window preference or the Tenant menu
# bar app preference. The information entered applies to all Jamf Connect products"; the alert comes
# when both are blank (docs.jamf.com/jamf-connect/2.13.0/documentation/Integrating_with_Microsoft_Azure_AD.html).
@pytest.mark.parametrize(("login_tenant", "menubar_tenant", "expected"), [
    (None, TENANT, set()),
    (TENANT, None, set()),
    (None, None, {"PG401", "PG411"}),
])
def test_a_tenant_in_either_domain_settles_the_other(runner, tmp_path, login_tenant, menubar_tenant, expected):
    lp, mp = login(OIDCTenant=login_tenant), menubar(TenantID=menubar_tenant)
    one = codes(validate(runner, write(tmp_path, "pair.mobileconfig", pair_profile(lp, mp))))
    two = codes(validate(runner, write(tmp_path, "a.login.plist", lp), write(tmp_path, "b.menubar.plist", mp)))
    assert one & {"PG401", "PG411"} == expected
    assert two & {"PG401", "PG411"} == expected


def test_a_lone_login_window_without_tenant_still_gets_pg401(runner, tmp_path):
    found = validate(runner, write(tmp_path, "a.login.plist", login(OIDCTenant=None)))
    assert "PG401" in codes(found)
    assert any("IdPSettings.TenantID" in f["message"] for f in found if f["code"] == "PG401")


# Item 4: the same ambiguity generate notes, reported by validate as an info.
@pytest.mark.parametrize(("name", "prefs", "key"), [
    ("a.login.plist", login(OIDCDiscoveryURL=FABRIKAM_URL), "OIDCDiscoveryURL"),
    ("a.menubar.plist", menubar(DiscoveryURL=FABRIKAM_URL), "IdPSettings.DiscoveryURL"),
    ("a.login.plist", login(OIDCTenant="fabrikam.onmicrosoft.com",
                            OIDCDiscoveryURL=f"https://login.microsoftonline.com/{TENANT}{WELL_KNOWN}"), "OIDCDiscoveryURL"),
])
def test_discovery_url_naming_the_tenant_in_another_form_is_an_info(runner, tmp_path, name, prefs, key):
    found = [f for f in validate(runner, write(tmp_path, name, prefs)) if f["code"] == "PG417"]
    assert [(f["key"], f["severity"]) for f in found] == [(key, "info")]
    assert "GUID" in found[0]["message"]


@pytest.mark.parametrize("url_tenant", [TENANT, TENANT.upper(), "organizations"])
def test_discovery_url_in_the_same_form_is_not_pg417(runner, tmp_path, url_tenant):
    found = validate(runner, write(tmp_path, "a.login.plist", login(OIDCDiscoveryURL=f"https://login.microsoftonline.com/{url_tenant}{WELL_KNOWN}")))
    assert "PG417" not in codes(found)


def test_generate_says_the_discovery_tenant_form_once(runner, tmp_path):
    result = runner.invoke(app, [*BASE_ARGS, "--discovery-url", FABRIKAM_URL, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("cannot confirm offline") == 1, result.stderr


def test_generate_says_the_organizations_advice_once(runner, tmp_path):
    args = [a if a != TENANT else "organizations" for a in BASE_ARGS]
    result = runner.invoke(app, [*args, "--component", "login", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("any work or school tenant") == 1, result.stderr


# Item 5: the consumer tenant GUID is 'consumers' under another name.
def test_the_consumers_tenant_guid_is_refused_like_consumers(runner, tmp_path):
    assert "PG410" in codes(validate(runner, write(tmp_path, "a.login.plist", login(OIDCTenant=CONSUMERS_GUID))))
    assert "PG412" in codes(validate(runner, write(tmp_path, "a.menubar.plist", menubar(TenantID=CONSUMERS_GUID))))
    url = f"https://login.microsoftonline.com/{CONSUMERS_GUID}{WELL_KNOWN}"
    assert "PG405" in codes(validate(runner, write(tmp_path, "b.login.plist", login(OIDCTenant=None, OIDCDiscoveryURL=url))))
    result = runner.invoke(app, [a if a != TENANT else CONSUMERS_GUID for a in BASE_ARGS] + ["--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "consumer" in result.stderr, result.output


# Item 7: spaces around a good GUID: the fix is to remove them.
@pytest.mark.parametrize("value", [f" {TENANT} ", f"{TENANT}\n", f"\t{TENANT}"])
def test_spaces_around_a_tenant_name_the_real_fix(runner, tmp_path, value):
    found = [f for f in validate(runner, write(tmp_path, "a.login.plist", login(OIDCTenant=value))) if f["code"] == "PG410"]
    assert found and all("remove them" in f["message"] and "neither" not in f["message"] for f in found), found
    found = [f for f in validate(runner, write(tmp_path, "a.menubar.plist", menubar(TenantID=value))) if f["code"] == "PG412"]
    assert found and all("remove them" in f["message"] for f in found), found


def test_garbage_tenant_is_still_neither_guid_nor_dns_name(runner, tmp_path):
    found = validate(runner, write(tmp_path, "a.login.plist", login(OIDCTenant=" not a tenant ")))
    assert any("neither a tenant GUID" in f["message"] for f in found if f["code"] == "PG410")


# Item 10: a second ROPG app is a warning (PG418), never PG406's error; tenants still are.
def test_different_ropg_clients_are_a_warning_not_an_error(runner, tmp_path):
    found = validate(runner, write(tmp_path, "pair.mobileconfig", pair_profile(login(), menubar(ROPGID=OTHER_CLIENT))))
    assert [(f["code"], f["severity"]) for f in found if f["key"] == "IdPSettings.ROPGID"] == [("PG418", "warning")]
    found = validate(runner, write(tmp_path, "pair2.mobileconfig", pair_profile(login(), menubar(ROPGID=CLIENT.upper()))))
    assert "PG418" not in codes(found)
    other_tenant = "0d5a0a8e-1c3b-4b7e-9f2a-6e5d4c3b2a19"
    found = validate(runner, write(tmp_path, "pair3.mobileconfig", pair_profile(login(), menubar(TenantID=other_tenant))))
    assert ("PG406", "error") in {(f["code"], f["severity"]) for f in found}
