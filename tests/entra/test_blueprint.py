"""azure blueprint: deterministic files, required Graph fields, names/roles options, the az script."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import uuid
from pathlib import Path

import pytest

from profilegen.entra.blueprint import GRAPH_APP_ID, GRAPH_USER_READ

from .conftest import run_cli

FILES = ["api-app.json", "api-app.post-create.json", "oidc-app.json", "create-apps.sh", "CHECKLIST.md"]


def blueprint(out: Path, *extra: str) -> dict[str, bytes]:
    result = run_cli(["azure", "blueprint", "--out", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    return {name: (out / name).read_bytes() for name in FILES}


def test_deterministic(tmp_path: Path) -> None:
    assert blueprint(tmp_path / "a") == blueprint(tmp_path / "b")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(FILES)


def test_api_app_body(tmp_path: Path) -> None:
    body = json.loads(blueprint(tmp_path)["api-app.json"])
    assert body["displayName"] == "Jamf Connect - Conditional Access Policy API"
    assert body["signInAudience"] == "AzureADMyOrg"
    assert body["requiredResourceAccess"] == [
        {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": GRAPH_USER_READ, "type": "Scope"}]}
    ]
    [scope] = body["api"]["oauth2PermissionScopes"]
    assert scope["value"] == "jamfconnect" and scope["isEnabled"] is True and scope["type"] in ("User", "Admin")
    assert scope["adminConsentDisplayName"] and scope["adminConsentDescription"]
    uuid.UUID(scope["id"])
    assert "identifierUris" not in body  # needs the generated appId: a post-create step
    post = json.loads((tmp_path / "api-app.post-create.json").read_text())
    assert post == {"identifierUris": ["api://<API_APP_ID>"]}


def test_oidc_app_body(tmp_path: Path) -> None:
    files = blueprint(tmp_path)
    api = json.loads(files["api-app.json"])
    body = json.loads(files["oidc-app.json"])
    assert body["isFallbackPublicClient"] is True
    assert body["publicClient"] == {"redirectUris": ["https://127.0.0.1/jamfconnect"]}
    assert body["signInAudience"] == "AzureADMyOrg"
    graph, custom = body["requiredResourceAccess"]
    assert graph == {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": GRAPH_USER_READ, "type": "Scope"}]}
    assert custom["resourceAppId"] == "<API_APP_ID>"
    assert custom["resourceAccess"] == [{"id": api["api"]["oauth2PermissionScopes"][0]["id"], "type": "Scope"}]
    roles = {r["value"]: r for r in body["appRoles"]}
    assert set(roles) == {"Admin", "Standard"}
    for role in roles.values():
        assert role["allowedMemberTypes"] == ["User"] and role["isEnabled"] is True and "origin" not in role
        uuid.UUID(role["id"])


@pytest.mark.parametrize(("options", "extra"), [
    ((), []),
    (("--fido2-promotion",), ["jamfconnect://loggedin"]),
    (("--unlock",), ["jamfunlock://callback/auth"]),
    (("--unlock", "--fido2-promotion"), ["jamfconnect://loggedin", "jamfunlock://callback/auth"]),
])
def test_feature_redirect_uris(tmp_path: Path, options: tuple[str, ...], extra: list[str]) -> None:
    """Issue 20 point 3 (PG423's other half): passkey elevation and Jamf Unlock need their own
    redirect URIs on the OIDC app (learn.jamf.com Temporary_User_Permission_Settings; docs.jamf.com
    2.12.0 Integrating_with_Microsoft_Azure_AD), and the checklist says why each is there."""
    files = blueprint(tmp_path, *options)
    body = json.loads(files["oidc-app.json"])
    assert body["publicClient"] == {"redirectUris": ["https://127.0.0.1/jamfconnect", *extra]}
    checklist = files["CHECKLIST.md"].decode()
    assert ("`jamfconnect://loggedin` for passkey/FIDO2 before privilege elevation" in checklist) is ("--fido2-promotion" in options)
    assert ("`jamfunlock://callback/auth` for Jamf Unlock" in checklist) is ("--unlock" in options)
    assert ("Temporary_User_Permission_Settings" in checklist) is ("--fido2-promotion" in options)


def test_checklist_design_a_names_azure_ad_graph_and_the_baseline_setting(tmp_path: Path) -> None:
    """Issue 20 point 5: design A's check counts as a sign-in to Windows Azure Active Directory
    since Microsoft's 2026 change; excluding apps depends on the tenant's baseline-scopes setting."""
    for design in ("scoped-policy", "excluded-api"):
        text = blueprint(tmp_path / design, "--ca-design", design)["CHECKLIST.md"].decode()
        assert "login window supports no security keys" in " ".join(text.split())  # point 6
    flat = " ".join(blueprint(tmp_path / "a2")["CHECKLIST.md"].decode().split())
    assert "Windows Azure Active Directory (`00000002-0000-0000-c000-000000000000`): no MFA policy may target that app" in flat
    assert "https://aka.ms/BaselineScopesSettingsUX" in flat


def test_names_and_roles_options(tmp_path: Path) -> None:
    default = blueprint(tmp_path / "d")
    files = blueprint(tmp_path / "c", "--api-name", "Contoso JC API", "--app-name", "Contoso JC",
                      "--admin-role", "MacAdmin", "--standard-role", "MacUser")
    api, oidc = json.loads(files["api-app.json"]), json.loads(files["oidc-app.json"])
    assert api["displayName"] == "Contoso JC API" and oidc["displayName"] == "Contoso JC"
    assert [r["value"] for r in oidc["appRoles"]] == ["MacAdmin", "MacUser"]
    default_ids = {r["id"] for r in json.loads(default["oidc-app.json"])["appRoles"]}
    assert default_ids.isdisjoint(r["id"] for r in oidc["appRoles"])  # ids follow the names
    assert "API_NAME='Contoso JC API'" in files["create-apps.sh"].decode()
    assert "MacAdmin" in files["CHECKLIST.md"].decode()


def test_script_mentions_az_commands_in_order(tmp_path: Path) -> None:
    script = blueprint(tmp_path)["create-apps.sh"].decode()
    order = ["az ad app create --display-name \"$API_NAME\"", "az rest --method PATCH", "--identifier-uris \"api://$API_APP_ID\"",
             "az ad sp create --id \"$API_APP_ID\"", "--is-fallback-public-client true", "--public-client-redirect-uris",
             "az ad sp create --id \"$APP_ID\"", "--custom-scope api://$API_APP_ID/jamfconnect", "--client-id $APP_ID"]
    positions = [script.index(needle) for needle in order]
    assert positions == sorted(positions)
    assert os.access(tmp_path / "create-apps.sh", os.X_OK)


FAKE_AZ = r"""#!/usr/bin/env bash
echo "$*" >> "$AZ_LOG"
case "$*" in
  "account show"*) echo 11111111-2222-3333-4444-555555555555 ;;
  "ad app list"*) echo "" ;;
  "ad app create --display-name Jamf Connect - Conditional"*) echo aaaaaaaa-0000-0000-0000-000000000001 ;;
  "ad app create"*) echo bbbbbbbb-0000-0000-0000-000000000002 ;;
  "ad app show"*) echo "obj-$4" ;;
  "ad sp show"*) exit 3 ;;
  "rest --method GET"*) echo '{"value": [{"displayName": "Contoso & Sons '"'"'Ltd'"'"'", "verifiedDomains": [{"name": "contoso.onmicrosoft.com", "isDefault": false}, {"name": "contoso.com", "isDefault": true}]}]}' ;;
  "rest"*) b="${@: -1}"; cp "${b#@}" "$AZ_LOG.body.$(wc -l < "$AZ_LOG")" ;;
esac
"""


def test_script_runs_against_a_fake_az(tmp_path: Path) -> None:
    out = tmp_path / "bp"
    blueprint(out)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "az").write_text(FAKE_AZ)
    (bin_dir / "az").chmod(0o755)
    log = tmp_path / "az.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "AZ_LOG": str(log)}
    proc = subprocess.run(["bash", str(out / "create-apps.sh")], env=env, capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "--custom-scope api://aaaaaaaa-0000-0000-0000-000000000001/jamfconnect" in proc.stdout
    assert "--client-id bbbbbbbb-0000-0000-0000-000000000002" in proc.stdout
    calls = log.read_text().splitlines()
    assert calls.index(next(c for c in calls if c.startswith("ad app create --display-name Jamf Connect - Conditional"))) < \
        calls.index(next(c for c in calls if c.startswith("ad app create --display-name Jamf Connect - OIDC")))
    bodies = sorted(tmp_path.glob("az.log.body.*"))
    patched = [json.loads(b.read_text()) for b in bodies]
    oidc = next(b for b in patched if "appRoles" in b)
    assert oidc["requiredResourceAccess"][1]["resourceAppId"] == "aaaaaaaa-0000-0000-0000-000000000001"
    # The last line is a generate command that works as printed (shell-quoted organization).
    command = shlex.split(proc.stdout.strip().splitlines()[-1])
    assert command[:2] == ["profilegen", "generate"] and command[-2:] == ["--out", "profiles"]
    assert command[command.index("--organization") + 1] == "Contoso & Sons 'Ltd'"
    assert command[command.index("--identifier") + 1] == "com.contoso.jamfconnect"
    generated = run_cli([*command[1:-1], str(tmp_path / "profiles")])
    assert generated.exit_code == 0, generated.stderr


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        (["--admin-role", "Mac Admin"], "--admin-role"),
        (["--standard-role", "Admin"], "--standard-role"),
        (["--admin-role", "jamfconnect"], "--admin-role"),
        (["--app-name", "Jamf Connect - Conditional Access Policy API"], "--app-name"),
        (["--api-name", " "], "--api-name"),
        (["--app-name", "Jamf\nConnect"], "--app-name"),
    ],
)
def test_bad_names_exit_2(tmp_path: Path, extra: list[str], option: str) -> None:
    result = run_cli(["azure", "blueprint", "--out", str(tmp_path / "x"), *extra])
    assert result.exit_code == 2 and result.stderr.startswith(f"profilegen: {option}")
    assert not (tmp_path / "x").exists()


def test_existing_files_need_force(tmp_path: Path) -> None:
    blueprint(tmp_path)
    assert run_cli(["azure", "blueprint", "--out", str(tmp_path)]).exit_code == 2
    assert run_cli(["azure", "blueprint", "--out", str(tmp_path), "--force"]).exit_code == 0


def test_out_is_required() -> None:
    result = run_cli(["azure", "blueprint"])
    assert result.exit_code == 2 and "--out" in result.stderr
