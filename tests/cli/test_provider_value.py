"""--provider-value / azure.provider (issue 20 point 2): Jamf's current pages list "EntraID
(formerly Azure)" for OIDCProvider and IdPSettings.Provider; Azure stays the default, validate
accepts both and reports neither."""

from __future__ import annotations

import plistlib
import re
from pathlib import Path

import pytest
import yaml

from profilegen.cli import app
from tests.helpers import CLIENT, TENANT

BASE = ["generate", "--tenant", TENANT, "--client-id", CLIENT, "--organization", "Contoso", "--identifier", "com.contoso.jc"]


def providers(out: Path) -> tuple[str, str]:
    login = plistlib.loads((out / "com.contoso.jc.login.mobileconfig").read_bytes())
    menubar = plistlib.loads((out / "com.contoso.jc.menubar.mobileconfig").read_bytes())

    def prefs(doc: dict, domain: str) -> dict:
        return doc["PayloadContent"][0]["PayloadContent"][domain]["Forced"][0]["mcx_preference_settings"]

    return prefs(login, "com.jamf.connect.login")["OIDCProvider"], prefs(menubar, "com.jamf.connect")["IdPSettings"]["Provider"]


@pytest.mark.parametrize(("options", "want"), [((), "Azure"), (("--provider-value", "EntraID"), "EntraID"),
                                               (("--provider-value", "Azure"), "Azure")])
def test_generate_writes_the_provider_and_validate_accepts_it(runner, tmp_path, options, want):
    out = tmp_path / "out"
    result = runner.invoke(app, [*BASE, *options, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert providers(out) == (want, want)
    report = runner.invoke(app, ["validate", str(out)])
    assert report.exit_code == 0, report.stdout
    codes = [re.search(r" (PG\d{3}) (?:error|warning|info): ", line).group(1) for line in report.stdout.splitlines()[:-1]]  # type: ignore[union-attr]
    assert codes == ["PG420"], report.stdout  # the design info only: EntraID is no finding
    assert report.stdout.splitlines()[-1] == "2 file(s): 0 error(s), 0 warning(s), 1 info(s)"


def test_config_provider_and_option_precedence(runner, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"organization": "Contoso", "identifier": "com.contoso.jc",
                                      "azure": {"tenant": TENANT, "client_id": CLIENT, "provider": "EntraID"}}))
    out = tmp_path / "a"
    assert runner.invoke(app, ["generate", "--config", str(config), "--out", str(out)]).exit_code == 0
    assert providers(out) == ("EntraID", "EntraID")
    out = tmp_path / "b"  # the option wins over the file, as for every azure field
    assert runner.invoke(app, ["generate", "--config", str(config), "--provider-value", "Azure", "--out", str(out)]).exit_code == 0
    assert providers(out) == ("Azure", "Azure")


@pytest.mark.parametrize(("args", "config", "line"), [
    (["--provider-value", "entraid"], None, "profilegen: --provider-value: 'entraid' is not one of 'Azure', 'EntraID'"),
    (["--provider-value", "Okta"], None, "profilegen: --provider-value: 'Okta' is not one of 'Azure', 'EntraID'"),
    ([], {"provider": "Okta"}, "c.yaml: azure.provider: Input should be 'Azure' or 'EntraID'"),
    ([], {"provider": "Entra\u202eID"}, "c.yaml: azure.provider"),
])
def test_bad_provider_is_one_line_exit_2(runner, tmp_path, args, config, line):
    argv = [*BASE, *args, "--out", str(tmp_path / "out")]
    if config is not None:
        path = tmp_path / "c.yaml"
        path.write_text(yaml.safe_dump({"organization": "Contoso", "identifier": "com.contoso.jc",
                                        "azure": {"tenant": TENANT, "client_id": CLIENT, **config}}))
        argv = ["generate", "--config", str(path), "--out", str(tmp_path / "out")]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and line in result.stderr, result.stderr
    assert "\u202e" not in result.stderr and not (tmp_path / "out").exists()


def test_provider_in_login_extras_points_at_azure_provider(runner, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"organization": "Contoso", "identifier": "com.contoso.jc",
                                    "azure": {"tenant": TENANT, "client_id": CLIENT}, "login": {"OIDCProvider": "EntraID"}}))
    result = runner.invoke(app, ["generate", "--config", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "login.OIDCProvider: also set by azure.provider (--provider-value: Azure or EntraID); set it only there" in result.stderr


def test_config_jamf_connect_block_sets_the_target_versions(runner, tmp_path):
    """Issue 20 point 1: the config's jamf_connect: block is generate's --target-version."""
    path = tmp_path / "c.yaml"
    base = {"organization": "Contoso", "identifier": "com.contoso.jc",
            "azure": {"tenant": TENANT, "client_id": CLIENT, "provider": "EntraID",
                      "custom_scope": "api://6d1e9a7c-3f2b-4e8d-a1c5-9b7f0e2d4c31/jamfconnect"}}
    path.write_text(yaml.safe_dump({**base, "jamf_connect": {"login": "2.16", "menubar": "3.11"}}))
    result = runner.invoke(app, ["generate", "--config", str(path), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if " PG31" in line]
    assert [n.split(": ")[2:4] for n in notes] == [["ROPGScopes", "PG310 warning"], ["OIDCProvider", "PG311 info"]], notes
    assert "login window 2.16 may not read it: Jamf's Conditional Access guide assumes 2.17 or later" in notes[0]
    path.write_text(yaml.safe_dump(base))  # no block: no version claims
    assert " PG31" not in runner.invoke(app, ["generate", "--config", str(path), "--out", str(tmp_path / "b")]).stderr


@pytest.mark.parametrize(("block", "line"), [
    ({"login": "three"}, "c.yaml: jamf_connect.login: 'three' is not a version such as 2.45.1 or 3.11"),
    ({"login": "3.5\u202e"}, "c.yaml: jamf_connect.login: "),
    ({"menubar": True}, "c.yaml: jamf_connect.menubar: "),
])
def test_config_jamf_connect_block_bad_version(runner, tmp_path, block, line):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"organization": "Contoso", "identifier": "com.contoso.jc",
                                    "azure": {"tenant": TENANT, "client_id": CLIENT}, "jamf_connect": block}))
    result = runner.invoke(app, ["generate", "--config", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and line in result.stderr, result.stderr
    assert "\u202e" not in result.stderr and "Traceback" not in result.output
