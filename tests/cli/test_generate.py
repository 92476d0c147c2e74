"""generate through the CLI: every option, every input error, and the files it writes."""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from profilegen.cli import app
from tests.helpers import BASE_ARGS, CLIENT, SCOPE, TENANT, prefs_of

LOGIN_KEYS = {"OIDCProvider", "OIDCClientID", "OIDCROPGID", "OIDCTenant", "OIDCRedirectURI"}


def run(runner, tmp_path: Path, *extra: str, out: str | None = None):
    args = [*BASE_ARGS, *extra, "--out", out if out is not None else str(tmp_path / "out")]
    return runner.invoke(app, args)


def files(tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "out"
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())} if out.exists() else {}


def test_done_when_command_writes_exact_keys_and_is_byte_stable(runner, tmp_path):
    result = run(runner, tmp_path, "--custom-scope", SCOPE, "--admin-role", "Admin")
    assert result.exit_code == 0, result.stderr
    first = files(tmp_path)
    assert sorted(first) == ["com.contoso.jamfconnect.login.mobileconfig", "com.contoso.jamfconnect.menubar.mobileconfig"]
    login = prefs_of(first["com.contoso.jamfconnect.login.mobileconfig"])
    assert login == {
        "OIDCProvider": "Azure",
        "OIDCClientID": CLIENT,
        "OIDCROPGID": CLIENT,
        "OIDCTenant": TENANT,
        "OIDCRedirectURI": "https://127.0.0.1/jamfconnect",
        "OIDCScopes": f"{SCOPE}+openid+profile+email",
        "ROPGScopes": "openid+email+profile",
        "OIDCAdmin": ["Admin"],
        "OIDCAdminAttribute": "roles",
    }
    menubar = prefs_of(first["com.contoso.jamfconnect.menubar.mobileconfig"])
    assert menubar == {"IdPSettings": {"Provider": "Azure", "ROPGID": CLIENT, "TenantID": TENANT}}
    again = run(runner, tmp_path, "--custom-scope", SCOPE, "--admin-role", "Admin", "--force")
    assert again.exit_code == 0
    assert files(tmp_path) == first


def test_envelope_mcx_default(runner, tmp_path):
    assert run(runner, tmp_path).exit_code == 0
    doc = plistlib.loads(files(tmp_path)["com.contoso.jamfconnect.login.mobileconfig"])
    assert doc["PayloadType"] == "Configuration"
    assert doc["PayloadVersion"] == 1
    assert doc["PayloadScope"] == "System"
    assert doc["PayloadOrganization"] == "Contoso"
    assert doc["PayloadIdentifier"] == "com.contoso.jamfconnect.login"
    assert doc["PayloadDisplayName"] and doc["PayloadDescription"]
    inner = doc["PayloadContent"][0]
    assert inner["PayloadType"] == "com.apple.ManagedClient.preferences"
    assert inner["PayloadIdentifier"] != doc["PayloadIdentifier"]
    assert inner["PayloadUUID"] != doc["PayloadUUID"]
    assert set(inner["PayloadContent"]) == {"com.jamf.connect.login"}
    assert set(prefs_of(files(tmp_path)["com.contoso.jamfconnect.login.mobileconfig"])) == LOGIN_KEYS


def test_direct_style(runner, tmp_path):
    assert run(runner, tmp_path, "--payload-style", "direct").exit_code == 0
    inner = plistlib.loads(files(tmp_path)["com.contoso.jamfconnect.menubar.mobileconfig"])["PayloadContent"][0]
    assert inner["PayloadType"] == "com.jamf.connect"
    assert inner["IdPSettings"]["ROPGID"] == CLIENT


def test_plist_format_writes_bare_preferences(runner, tmp_path):
    assert run(runner, tmp_path, "--format", "plist").exit_code == 0
    out = files(tmp_path)
    assert sorted(out) == ["com.contoso.jamfconnect.login.plist", "com.contoso.jamfconnect.menubar.plist"]
    assert set(plistlib.loads(out["com.contoso.jamfconnect.login.plist"])) == LOGIN_KEYS


@pytest.mark.parametrize("component, names", [("login", ["login"]), ("menubar", ["menubar"]), ("both", ["login", "menubar"])])
def test_component(runner, tmp_path, component, names):
    assert run(runner, tmp_path, "--component", component).exit_code == 0
    assert [n.split(".")[-2] for n in files(tmp_path)] == names


def test_ropg_client_and_discovery_urls(runner, tmp_path):
    ropg = "11111111-2222-4333-8444-555555555555"
    disc = f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
    adfs = "https://adfs.contoso.com/adfs/.well-known/openid-configuration"
    result = run(runner, tmp_path, "--ropg-client-id", ropg, "--discovery-url", disc, "--ropg-discovery-url", adfs)
    assert result.exit_code == 0, result.stderr
    assert "adfs.contoso.com" in result.stderr and "AD FS" in result.stderr  # the note
    login = prefs_of(files(tmp_path)["com.contoso.jamfconnect.login.mobileconfig"])
    assert login["OIDCROPGID"] == ropg and login["OIDCClientID"] == CLIENT
    assert login["OIDCDiscoveryURL"] == disc and login["ROPGDiscoveryURL"] == adfs
    idp = prefs_of(files(tmp_path)["com.contoso.jamfconnect.menubar.mobileconfig"])["IdPSettings"]
    assert idp == {"Provider": "Azure", "ROPGID": ropg, "TenantID": TENANT, "DiscoveryURL": adfs}


def test_sovereign_cloud_discovery_url_accepted(runner, tmp_path):
    disc = f"https://login.microsoftonline.us/{TENANT}/v2.0/.well-known/openid-configuration"
    assert run(runner, tmp_path, "--discovery-url", disc).exit_code == 0


def test_redirect_uri_and_several_roles(runner, tmp_path):
    result = run(runner, tmp_path, "--redirect-uri", "https://127.0.0.1/custom", "--admin-role", "Admin", "--admin-role", "MacAdmin")
    assert result.exit_code == 0
    login = prefs_of(files(tmp_path)["com.contoso.jamfconnect.login.mobileconfig"])
    assert login["OIDCRedirectURI"] == "https://127.0.0.1/custom"
    assert login["OIDCAdmin"] == ["Admin", "MacAdmin"]


def test_stdout_single_document(runner, tmp_path):
    result = run(runner, tmp_path, "--component", "menubar", out="-")
    assert result.exit_code == 0
    assert plistlib.loads(result.stdout_bytes)["PayloadIdentifier"] == "com.contoso.jamfconnect.menubar"
    assert not (tmp_path / "out").exists() and not Path("-").exists()


def test_stdout_refuses_two_documents(runner, tmp_path):
    result = run(runner, tmp_path, out="-")
    assert result.exit_code == 2
    assert "--out -" in result.stderr and "--component" in result.stderr


def test_refuses_overwrite_without_force(runner, tmp_path):
    assert run(runner, tmp_path).exit_code == 0
    before = files(tmp_path)
    result = run(runner, tmp_path, "--admin-role", "Admin")
    assert result.exit_code == 2
    assert "--force" in result.stderr and "already exists" in result.stderr
    assert files(tmp_path) == before
    assert run(runner, tmp_path, "--admin-role", "Admin", "--force").exit_code == 0
    assert files(tmp_path) != before


def test_out_is_a_file(runner, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = run(runner, tmp_path, out=str(target))
    assert result.exit_code == 2 and "not a directory" in result.stderr


def test_out_created_with_parents(runner, tmp_path):
    assert run(runner, tmp_path, out=str(tmp_path / "a" / "b")).exit_code == 0
    assert len(list((tmp_path / "a" / "b").iterdir())) == 2


def test_no_temp_files_left(runner, tmp_path):
    assert run(runner, tmp_path).exit_code == 0
    assert all(not p.name.startswith(".") for p in (tmp_path / "out").iterdir())


BAD = [
    (["--tenant", "not a tenant"], "--tenant", "neither a tenant GUID nor a DNS name"),
    (["--tenant", "common"], "--tenant", "multi-tenant"),
    (["--tenant", "00000000-0000-0000-0000-000000000000"], "--tenant", "all-zero"),
    (["--client-id", "2520sdfs-placeholder"], "--client-id", "not a client ID GUID"),
    (["--ropg-client-id", "abc"], "--ropg-client-id", "not a client ID GUID"),
    (["--custom-scope", "jamfconnect"], "--custom-scope", "api://"),
    (["--custom-scope", "api://x/jamf connect"], "--custom-scope", "api://"),
    (["--custom-scope", "api://abc"], "--custom-scope", "api://"),
    (["--discovery-url", "http://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"], "--discovery-url", "http://"),
    (["--discovery-url", "https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0/.well-known/openid-configuration"], "--discovery-url", "names tenant"),
    (["--discovery-url", "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"], "--discovery-url", "common"),
    (["--discovery-url", "https://idp.example.net/.well-known/openid-configuration"], "--discovery-url", "not a Microsoft Entra login host"),
    (["--discovery-url", "https://login.microsoftonline.de/x/.well-known/openid-configuration"], "--discovery-url", "closed"),
    (["--discovery-url", "https://login.microsoftonline.com/x/v2.0/oauth2/token"], "--discovery-url", "discovery document"),
    (["--ropg-discovery-url", "http://adfs.contoso.com/adfs/.well-known/openid-configuration"], "--ropg-discovery-url", "http://"),
    (["--redirect-uri", "http://127.0.0.1/jamfconnect"], "--redirect-uri", "http://"),
    (["--discovery-url", f"https://login.microsoftonline.com:99999/{TENANT}/v2.0/.well-known/openid-configuration"], "--discovery-url", "port"),
    (["--discovery-url", "https://[zz/.well-known/openid-configuration"], "--discovery-url", "not a valid URL"),
    (["--redirect-uri", "https://127.0.0.1/jamf connect"], "--redirect-uri", "white space"),
    (["--admin-role", " "], "--admin-role", "non-empty"),
    (["--admin-role", "Mac Admin"], "--admin-role", "white space"),
    (["--admin-role", "Admin", "--admin-role", "Admin"], "--admin-role", "twice"),
    (["--identifier", "not reverse dns"], "--identifier", "reverse-DNS"),
    (["--organization", "  "], "--organization", "organization"),
    (["--organization", ""], "--organization", "System Settings"),
]


@pytest.mark.parametrize("args, option, text", BAD, ids=[f"{b[1]}:{b[2]}" for b in BAD])
def test_input_errors_exit_2_one_line_no_file(runner, tmp_path, args, option, text):
    result = run(runner, tmp_path, *args)
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"profilegen: {option}: ")
    assert text in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", ["--discovery-url", "--ropg-discovery-url", "--redirect-uri"])
def test_credentials_in_urls_refused_and_not_echoed(runner, tmp_path, option):
    url = f"https://svc:Secr3t-Pw@login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
    result = run(runner, tmp_path, option, url)
    assert result.exit_code == 2
    assert f"profilegen: {option}: the URL contains credentials" in result.stderr
    assert "Secr3t" not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()


def test_missing_out(runner):
    result = runner.invoke(app, BASE_ARGS)
    assert result.exit_code == 2 and "--out" in result.stderr


def test_missing_required_without_config(runner, tmp_path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    for option in ("--tenant", "--client-id", "--organization", "--identifier"):
        assert f"profilegen: {option}: required" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option, value", [("--component", "all"), ("--payload-style", "profile"), ("--format", "json")])
def test_bad_choices_are_usage_errors(runner, tmp_path, option, value):
    result = run(runner, tmp_path, option, value)
    assert result.exit_code == 2 and option in result.stderr


def test_console_script_never_shows_a_traceback(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run(
        [sys.executable, "-m", "profilegen", "generate", "--tenant", "bad tenant", "--client-id", "x", "--out", str(tmp_path / "o")],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.startswith("profilegen: ")


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("profilegen ")


def test_directory_in_place_of_an_output_file(runner, tmp_path):
    (tmp_path / "out" / "com.contoso.jamfconnect.menubar.mobileconfig").mkdir(parents=True)
    result = run(runner, tmp_path, "--force")
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert not (tmp_path / "out" / "com.contoso.jamfconnect.login.mobileconfig").exists()


def test_file_name_too_long(runner, tmp_path):
    ident = ".".join(["abcdefghij"] * 30)
    result = runner.invoke(app, [*BASE_ARGS[:-2], "--identifier", ident, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "longer than 255 bytes" in result.stderr
    assert not (tmp_path / "out").exists()
