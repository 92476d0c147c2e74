"""generate --config: the YAML file, its checks against the catalog, and precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from profilegen.cli import app
from tests.helpers import CLIENT, SCOPE, TENANT, prefs_of

BASE = f"""organization: Contoso
identifier: com.contoso.jamfconnect
azure:
  tenant: {TENANT}
  client_id: {CLIENT}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def gen(runner, tmp_path: Path, text: str, *extra: str):
    cfg = write(tmp_path, text)
    return runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "out"), *extra])


def out(tmp_path: Path, component: str) -> dict:
    return prefs_of((tmp_path / "out" / f"com.contoso.jamfconnect.{component}.mobileconfig").read_bytes())


def test_extras_land_in_both_domains_and_dicts_merge(runner, tmp_path):
    text = BASE + """login:
  Migrate: true
  DenyLocal: false
  LoginWindowMessage: "Welcome & <hello>"
  OIDCNewPassword: false
menubar:
  SignIn: {AutoAuthenticate: true}
  IdPSettings: {ChangePasswordURL: "https://mysignins.microsoft.com/security-info/password/change"}
"""
    result = gen(runner, tmp_path, text)
    assert result.exit_code == 0, result.stderr
    login = out(tmp_path, "login")
    assert login["Migrate"] is True and login["DenyLocal"] is False and login["OIDCNewPassword"] is False
    assert login["LoginWindowMessage"] == "Welcome & <hello>"
    menubar = out(tmp_path, "menubar")
    assert menubar["SignIn"] == {"AutoAuthenticate": True}
    assert menubar["IdPSettings"]["ROPGID"] == CLIENT
    assert menubar["IdPSettings"]["ChangePasswordURL"].startswith("https://mysignins")


def test_command_line_overrides_file(runner, tmp_path):
    other = "11111111-2222-4333-8444-555555555555"
    text = BASE + f"  custom_scope: {SCOPE}\n  admin_roles: [FileRole]\n"
    result = gen(runner, tmp_path, text, "--client-id", other, "--organization", "CLI Org", "--admin-role", "CliRole")
    assert result.exit_code == 0, result.stderr
    login = out(tmp_path, "login")
    assert login["OIDCClientID"] == other and login["OIDCROPGID"] == other
    assert login["OIDCAdmin"] == ["CliRole"]
    assert login["OIDCScopes"].startswith(SCOPE)


def test_file_values_used_when_no_option(runner, tmp_path):
    result = gen(runner, tmp_path, BASE + "  admin_roles: [FileRole]\n")
    assert result.exit_code == 0
    assert out(tmp_path, "login")["OIDCAdmin"] == ["FileRole"]


def test_error_names_file_field_for_file_values(runner, tmp_path):
    result = gen(runner, tmp_path, BASE.replace(TENANT, "bad tenant"))
    assert result.exit_code == 2
    assert "config.yaml: azure.tenant: 'bad tenant' is neither" in result.stderr


def test_error_names_option_for_option_values(runner, tmp_path):
    result = gen(runner, tmp_path, BASE, "--tenant", "bad tenant")
    assert "profilegen: --tenant: 'bad tenant'" in result.stderr


CASES = [
    ("login:\n  OIDCClientId: x\n", "login.OIDCClientId: unknown key; did you mean OIDCClientID?"),
    ("login:\n  denylocal: true\n", "login.denylocal: unknown key; did you mean DenyLocal?"),
    ("login:\n  ROPGID: x\n", "login.ROPGID: belongs to com.jamf.connect"),
    ("menubar:\n  OIDCTenant: x\n", "menubar.OIDCTenant: belongs to com.jamf.connect.login"),
    ("login:\n  CreateSyncPasswords: true\n", "CreateJamfConnectPassword"),
    ("login:\n  Migrate: 'yes'\n", "login.Migrate: expected boolean, got string"),
    ("login:\n  MigrateUsersHide: [1]\n", "login.MigrateUsersHide[0]: array items must be string"),
    ("menubar:\n  SignIn: {AutoAuthenticat: true}\n", "menubar.SignIn.AutoAuthenticat: unknown key; did you mean AutoAuthenticate?"),
    ("menubar:\n  UserHelp: {HelpType: Web}\n", "menubar.UserHelp.HelpType: 'Web' is not one of URL, App, Bomgar"),
    ("menubar:\n  PasswordPolicies: {ExpirationCountdownStartDay: 'x'}\n", "expected integer"),
    ("login:\n  OIDCClientID: x\n", "login.OIDCClientID: also set by azure.client_id; set it only there"),
    ("menubar:\n  IdPSettings: {TenantID: x}\n", "menubar.IdPSettings.TenantID: also set by azure.tenant"),
    (f"  custom_scope: {SCOPE}\nlogin:\n  ROPGScopes: openid\n", "login.ROPGScopes: also set by azure.custom_scope"),
    ("  admin_roles: [Admin]\nlogin:\n  OIDCAdmin: [x]\n", "login.OIDCAdmin: also set by azure.admin_roles"),
    ("login:\n  OIDCDiscoveryURL: https://idp.example.net/.well-known/openid-configuration\n", "PG405 error"),
    ("login:\n  Migrate: null\n", "login.Migrate: null is not a plist value"),
    ("login:\n  LoginWindowMessage: \"bell\\a\"\n", "control characters"),
    ("azure2: {}\n", "config.yaml: azure2: unknown field"),
]


@pytest.mark.parametrize("extra, message", CASES, ids=[c[1][:40] for c in CASES])
def test_extras_errors(runner, tmp_path, extra, message):
    result = gen(runner, tmp_path, BASE + extra)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_scope_and_admin_keys_free_when_azure_does_not_set_them(runner, tmp_path):
    text = BASE + "login:\n  OIDCScopes: openid+profile+email+offline_access\n  OIDCAdmin: [Admin]\n  OIDCAdminAttribute: groups\n"
    result = gen(runner, tmp_path, text)
    assert result.exit_code == 0, result.stderr
    login = out(tmp_path, "login")
    assert login["OIDCScopes"] == "openid+profile+email+offline_access" and login["OIDCAdminAttribute"] == "groups"
    assert "ROPGScopes" not in login
    assert "note: com.contoso.jamfconnect.login.mobileconfig: OIDCScopes: PG420 info: design D (no custom scope)" in result.stderr


def test_unknown_azure_field_did_you_mean(runner, tmp_path):
    result = gen(runner, tmp_path, BASE + "  tenat: x\n")
    assert result.exit_code == 2
    assert "azure.tenat: unknown field; did you mean tenant?" in result.stderr


def test_secret_refused_and_never_echoed(runner, tmp_path):
    secret = "s3cr3t-value-Zq9"
    result = gen(runner, tmp_path, BASE + f"login:\n  OIDCClientSecret: {secret}\nmenubar:\n  IdPSettings: {{ClientSecret: {secret}}}\n")
    assert result.exit_code == 2
    assert "login.OIDCClientSecret: client secrets do not belong" in result.stderr
    assert "menubar.IdPSettings.ClientSecret" in result.stderr
    assert "AADSTS700025" in result.stderr
    assert secret not in result.stderr + result.stdout


def test_secret_with_wrong_type_not_echoed(runner, tmp_path):
    result = gen(runner, tmp_path, BASE + "login:\n  ROPGClientSecret: [hunter2]\n")
    assert result.exit_code == 2 and "hunter2" not in result.stderr


def test_all_problems_reported_at_once(runner, tmp_path):
    result = gen(runner, tmp_path, BASE.replace(CLIENT, "nope") + "login:\n  Migrat: true\n  DenyLocal: 1\n")
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) >= 3


@pytest.mark.parametrize(
    "text, message",
    [
        ("organization: [unclosed\n", "config.yaml:2:1: invalid YAML"),
        ("a: 1\na: 2\n", "key 'a' appears twice"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("organization: !!python/object:os.system x\n", "invalid YAML"),
        ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
         "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
         "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
         "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\nj: &j [*i, *i, *i, *i, *i, *i, *i, *i, *i]\n"
         "k: &k [*j, *j, *j, *j, *j, *j, *j, *j, *j]\nl: &l [*k, *k, *k, *k, *k, *k, *k, *k, *k]\n"
         "m: [*l, *l, *l, *l, *l, *l, *l, *l, *l]\n",
         "YAML aliases"),
    ],
)
def test_yaml_problems(runner, tmp_path, text, message):
    result = gen(runner, tmp_path, text)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_missing_config_file(runner, tmp_path):
    result = runner.invoke(app, ["generate", "--config", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_non_utf8_config(runner, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"organization: \xff\xfe\n")
    result = runner.invoke(app, ["generate", "--config", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "UTF-8" in result.stderr


def test_azure_not_a_mapping(runner, tmp_path):
    result = gen(runner, tmp_path, "organization: C\nidentifier: com.c.jc\nazure: 5\n")
    assert result.exit_code == 2 and "azure" in result.stderr


def test_tenant_domain_vs_guid_in_discovery_is_a_note(runner, tmp_path):
    text = BASE.replace(TENANT, "contoso.onmicrosoft.com") + (
        f"  discovery_url: https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration\n"
    )
    result = gen(runner, tmp_path, text)
    assert result.exit_code == 0, result.stderr
    assert "note:" in result.stderr and "cannot confirm" in result.stderr
