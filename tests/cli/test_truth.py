"""Issue 9 §1-§2: validate and generate say only what is true, in both directions. Every profile
here is written by the test; hostile discovery URLs are generated from the documented forms."""

from __future__ import annotations

import json
import plistlib
from itertools import product
from pathlib import Path

import pytest

from profilegen.cli import app
from profilegen.entra.discovery import check_discovery_url, normalise_path
from tests.helpers import BASE_ARGS, CLIENT, TENANT

HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us")
FORMS = ("/{t}/v2.0/.well-known/openid-configuration", "/{t}/.well-known/openid-configuration")
OTHER = "0d5a0a8e-1c3b-4b7e-9f2a-6e5d4c3b2a19"
# Each mutation turns a documented URL into one that must be refused (or reported).
HOSTILE = {
    "dot-segments-to-other-tenant": lambda h, p: f"https://{h}/{TENANT}/..{p.replace(TENANT, OTHER)}",
    "encoded-dot-segments": lambda h, p: f"https://{h}/{TENANT}/%2e%2e{p.replace(TENANT, OTHER)}",
    "encoded-slash": lambda h, p: f"https://{h}/{TENANT}%2F..%2F{OTHER}{p[len(TENANT) + 1:]}",
    "single-dot": lambda h, p: f"https://{h}/.{p}",
    "doubled-slash": lambda h, p: f"https://{h}/{p}",
    "backslash": lambda h, p: f"https://{h}/{TENANT}\\..{p.replace(TENANT, OTHER)}",
    "port-8443": lambda h, p: f"https://{h}:8443{p}",
    "oauth2-path": lambda h, p: f"https://{h}{p.replace('/.well-known', '/oauth2/.well-known')}",
    "query": lambda h, p: f"https://{h}{p}?x=1",
    "fragment": lambda h, p: f"https://{h}{p}#top",
    "trailing-slash": lambda h, p: f"https://{h}{p}/",
    "upper-path": lambda h, p: f"https://{h}{p.upper().replace(TENANT.upper(), TENANT)}",
}
GOOD_URLS = [f"https://{h}{f.format(t=TENANT)}" for h, f in product(HOSTS, FORMS)] + [
    f"https://login.microsoftonline.com:443/{TENANT}/v2.0/.well-known/openid-configuration"
]
BAD_URLS = {f"{name}/{h}/{i}": make(h, f.format(t=TENANT)) for (name, make), h, (i, f) in product(HOSTILE.items(), HOSTS, enumerate(FORMS))}


def login_plist(tmp_path: Path, **keys: object) -> Path:
    data = {"OIDCProvider": "EntraID", "OIDCClientID": CLIENT, "OIDCROPGID": CLIENT, "OIDCTenant": TENANT,
            "OIDCRedirectURI": "https://127.0.0.1/jamfconnect"}
    data.update(keys)
    path = tmp_path / "t.login.plist"
    path.write_bytes(plistlib.dumps({k: v for k, v in data.items() if v is not None}))
    return path


def findings(runner, *args: str) -> list[dict]:
    result = runner.invoke(app, ["validate", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return [f for file in json.loads(result.stdout)["files"] for f in file["findings"]]


@pytest.mark.parametrize("url", list(BAD_URLS.values()), ids=list(BAD_URLS))
def test_hostile_discovery_urls_refused_by_generate_and_reported_by_validate(runner, tmp_path, url):
    result = runner.invoke(app, [*BASE_ARGS, "--discovery-url", url, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("profilegen: --discovery-url: ") and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    got = [f for f in findings(runner, str(login_plist(tmp_path, OIDCDiscoveryURL=url))) if f["key"] == "OIDCDiscoveryURL"]
    assert [(f["code"], f["severity"]) for f in got] == [("PG405", "error")], got


@pytest.mark.parametrize("url", GOOD_URLS)
def test_documented_discovery_urls_accepted_by_both(runner, tmp_path, url):
    result = runner.invoke(app, [*BASE_ARGS, "--discovery-url", url, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert not [f for f in findings(runner, str(login_plist(tmp_path, OIDCDiscoveryURL=url))) if f["key"] == "OIDCDiscoveryURL"]


def test_dot_segments_name_the_tenant_a_client_would_reach():
    url = "https://login.microsoftonline.com/contoso.onmicrosoft.com/../fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration"
    assert check_discovery_url(url).tenant == "fabrikam.onmicrosoft.com"
    assert normalise_path("/a/%2e%2e/b//c/./d/../e") == "/b/c/e"
    assert normalise_path("/../../x") == "/x"


def test_issue_example_names_fabrikam(runner, tmp_path):
    url = "https://login.microsoftonline.com/contoso.onmicrosoft.com/../fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration"
    (f,) = [f for f in findings(runner, str(login_plist(tmp_path, OIDCTenant="contoso.onmicrosoft.com", OIDCDiscoveryURL=url)))
            if f["key"] == "OIDCDiscoveryURL"]
    assert "fabrikam.onmicrosoft.com" in f["message"] and "normal form" in f["message"]


def test_organizations_is_a_warning_and_a_note(runner, tmp_path):
    got = findings(runner, str(login_plist(tmp_path, OIDCTenant="organizations")))
    assert [(f["code"], f["severity"]) for f in got if f["key"] == "OIDCTenant"] == [("PG416", "warning")]
    assert "9001023" not in json.dumps(got)
    args = [a if a != TENANT else "organizations" for a in BASE_ARGS]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "organizations" in result.stderr and "GUID" in result.stderr and "9001023" not in result.stderr


@pytest.mark.parametrize("tenant", ["common", "consumers", "Common"])
def test_common_and_consumers_stay_errors(runner, tmp_path, tenant):
    got = findings(runner, str(login_plist(tmp_path, OIDCTenant=tenant)))
    assert ("PG410", "error") in [(f["code"], f["severity"]) for f in got]
    args = [a if a != TENANT else tenant for a in BASE_ARGS]
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "out")]).exit_code == 2


def test_no_tenant_is_jamfs_recommendation_not_a_failure(runner, tmp_path):
    (f,) = [f for f in findings(runner, str(login_plist(tmp_path, OIDCTenant=None))) if f["code"] == "PG401"]
    assert f["severity"] == "warning" and "2.13" in f["message"] and "fail" not in f["message"]


def test_entra_secret_reason_is_true_for_both_client_kinds(runner, tmp_path):
    (f,) = [f for f in findings(runner, str(login_plist(tmp_path, ROPGClientSecret="s3cr3t-value"))) if f["code"] == "PG501"]
    assert "confidential" in f["message"] and "world-readable" in f["message"] and "s3cr3t" not in f["message"]


@pytest.mark.parametrize(
    "domain, data, key",
    [("login", {"OIDCClientID": CLIENT}, "OIDCProvider"), ("menubar", {"SignIn": {"AutoAuthenticate": True}}, "IdPSettings"),
     ("menubar", {"IdPSettings": {"ROPGID": CLIENT}}, "IdPSettings.Provider"),
     ("login", {"OIDCProvider": "Custom", "OIDCClientID": "jc", "OIDCDiscoveryURL": "https://idp.example.net/.well-known/openid-configuration"}, "OIDCRedirectURI")],
)
def test_bare_plist_with_domain_checks_required_keys(runner, tmp_path, domain, data, key):
    path = tmp_path / "settings.plist"  # a name that says nothing about the domain
    path.write_bytes(plistlib.dumps(data))
    got = findings(runner, "--domain", domain, str(path))
    assert ("PG306", "error", key) in [(f["code"], f["severity"], f["key"]) for f in got], got


def test_legacy_key_with_wrong_type_is_one_finding(runner, tmp_path):
    path = tmp_path / "verify.plist"
    path.write_bytes(plistlib.dumps({"IdPSettings": {"Provider": "Okta", "OktaAuthServer": "x.okta.com"}, "TimerNetworkCheck": "15"}))
    got = [f for f in findings(runner, "--domain", "menubar", str(path)) if f["key"] == "TimerNetworkCheck"]
    assert [f["code"] for f in got] == ["PG303"] and "wrong type" in got[0]["message"]


@pytest.mark.parametrize("provider", ["Okta-OIDC", "Okta OIDC"])
def test_menubar_accepts_both_okta_oidc_spellings(runner, tmp_path, provider):
    path = tmp_path / "com.jamf.connect.plist"
    path.write_bytes(plistlib.dumps({"IdPSettings": {"Provider": provider, "ROPGID": "0oa1b2c3"}}))
    assert not [f for f in findings(runner, str(path)) if f["severity"] == "error"]


def test_unconfirmed_types_never_error(runner, tmp_path):
    got = findings(runner, str(login_plist(tmp_path, LoginWindowSize=[1024, 768])))
    (f,) = [f for f in got if f["key"] == "LoginWindowSize"]
    assert (f["code"], f["severity"]) == ("PG309", "warning") and "unconfirmed" in f["message"]
    menubar = tmp_path / "com.jamf.connect.plist"
    menubar.write_bytes(plistlib.dumps({"IdPSettings": {"Provider": "Okta", "OktaAuthServer": "x.okta.com"}, "OfflineMFAReminder": {"Days": 3}}))
    assert not [f for f in findings(runner, str(menubar)) if f["key"] == "OfflineMFAReminder" and f["severity"] == "error"]
