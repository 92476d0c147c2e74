"""generate --ca-design / azure.ca_design and azure blueprint --ca-design (issue 9 §3.2, §3.4)."""

from __future__ import annotations

import json
import re

import pytest

from profilegen.cli import app
from profilegen.entra.designs import CHANGE_2026
from tests.helpers import BASE_ARGS, CLIENT, SCOPE, TENANT, prefs_of

DATE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b[^.\n]{0,12}\b20\d\d\b|\b20\d\d-\d\d-\d\d\b")


def generate(runner, tmp_path, *extra: str):
    out = tmp_path / "out"
    result = runner.invoke(app, [*BASE_ARGS, "--out", str(out), *extra])
    return result, out


@pytest.mark.parametrize(("extra", "oidc", "ropg", "letter"), [
    ((), f"{SCOPE}+openid+profile+email", "openid+email+profile", "A"),
    (("--ca-design", "scoped-policy"), f"{SCOPE}+openid+profile+email", "openid+email+profile", "A"),
    (("--ca-design", "excluded-api"), "openid+profile+email", f"{SCOPE}+openid+email+profile", "B"),
])
def test_generate_writes_the_designs_scopes_and_validate_names_it(runner, tmp_path, extra, oidc, ropg, letter):
    result, out = generate(runner, tmp_path, "--custom-scope", SCOPE, *extra)
    assert result.exit_code == 0, result.stderr
    login = prefs_of((out / "com.contoso.jamfconnect.login.mobileconfig").read_bytes())
    assert (login["OIDCScopes"], login["ROPGScopes"]) == (oidc, ropg)
    assert f"PG420 info: design {letter} (" in result.stderr
    check = runner.invoke(app, ["validate", "--strict", "--format", "json", str(out)])
    assert check.exit_code == 0
    body = json.loads(check.stdout)
    assert body["summary"] == {"files": 2, "errors": 0, "warnings": 0, "infos": 1}
    [info] = [f for entry in body["files"] for f in entry["findings"]]
    assert info["code"] == "PG420" and info["message"].startswith(f"design {letter} (")


@pytest.mark.parametrize("design", ["scoped-policy", "excluded-api"])
def test_a_design_without_custom_scope_is_refused_and_nothing_written(runner, tmp_path, design):
    result, out = generate(runner, tmp_path, "--ca-design", design)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"profilegen: --ca-design: '{design}' needs a custom scope")
    assert not out.exists()


def write_config(tmp_path, design: str | None, scope: bool = True):
    lines = ["organization: Contoso", "identifier: com.contoso.jamfconnect", "azure:", f"  tenant: {TENANT}", f"  client_id: {CLIENT}"]
    if scope:
        lines.append(f"  custom_scope: {SCOPE}")
    if design is not None:
        lines.append(f"  ca_design: {design}")
    path = tmp_path / "c.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_config_field_and_option_precedence(runner, tmp_path):
    cfg = write_config(tmp_path, "excluded-api")
    result, out = generate(runner, tmp_path, "--config", str(cfg), "--component", "login", "--force")
    assert result.exit_code == 0, result.stderr
    assert prefs_of((out / "com.contoso.jamfconnect.login.mobileconfig").read_bytes())["ROPGScopes"].startswith(SCOPE)
    # The option wins over the file.
    result, out = generate(runner, tmp_path, "--config", str(cfg), "--component", "login", "--ca-design", "scoped-policy", "--force")
    assert result.exit_code == 0, result.stderr
    assert prefs_of((out / "com.contoso.jamfconnect.login.mobileconfig").read_bytes())["ROPGScopes"] == "openid+email+profile"


@pytest.mark.parametrize(("design", "scope", "message"), [
    ("exclude-api", True, "c.yaml: azure.ca_design: Input should be 'scoped-policy' or 'excluded-api'"),
    ("excluded-api", False, "c.yaml: azure.ca_design: 'excluded-api' needs a custom scope"),
    ('""', True, "c.yaml: azure.ca_design: Input should be"),
])
def test_bad_config_design_names_file_and_field(runner, tmp_path, design, scope, message):
    result, out = generate(runner, tmp_path, "--config", str(write_config(tmp_path, design, scope)))
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def blueprint(runner, tmp_path, *extra: str) -> dict[str, str]:
    out = tmp_path / "bp"
    result = runner.invoke(app, ["azure", "blueprint", "--out", str(out), "--force", *extra])
    assert result.exit_code == 0, result.stderr
    return {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}


def test_blueprint_checklist_per_design(runner, tmp_path):
    a = blueprint(runner, tmp_path)
    assert blueprint(runner, tmp_path, "--ca-design", "scoped-policy") == a  # the default is design A
    b = blueprint(runner, tmp_path, "--ca-design", "excluded-api")
    ca, cb = a["CHECKLIST.md"], b["CHECKLIST.md"]
    assert "design A, scoped policy" in ca and 'not "All cloud apps"' in ca and "Remove MFA policies on" in ca
    assert "Target resources > Exclude" not in ca
    assert "design B, excluded API" in cb and "Target resources > Exclude" in cb
    assert "its target resources are" not in cb
    assert "--ca-design excluded-api" in cb and "ROPGScopes = `api://<API app ID>/jamfconnect+openid+email+profile`" in cb
    for files, design in ((a, "scoped-policy"), (b, "excluded-api")):
        script = files["create-apps.sh"]
        assert "--custom-scope %s --ca-design %s" in script and f'"api://$API_APP_ID/jamfconnect" {design} ' in script
    # The app registrations are the same for both designs.
    assert {k: v for k, v in a.items() if k.endswith(".json")} == {k: v for k, v in b.items() if k.endswith(".json")}


@pytest.mark.parametrize("design", ["scoped-policy", "excluded-api"])
def test_blueprint_names_no_rollout_date_and_cites_the_page(runner, tmp_path, design):
    files = blueprint(runner, tmp_path, "--ca-design", design)
    for name, text in files.items():
        assert not DATE.search(text), (name, DATE.search(text))
    assert CHANGE_2026 in files["CHECKLIST.md"]


def test_docs_examples_run(runner, tmp_path, monkeypatch):
    """Every profilegen command in docs/entra-id.md runs as written (STYLE: docs examples are tested)."""
    import shlex

    from tests.conftest import ROOT

    text = (ROOT / "docs" / "entra-id.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.startswith("profilegen ")]
    assert len(commands) >= 2
    monkeypatch.chdir(tmp_path)
    for command in commands:
        result = runner.invoke(app, shlex.split(command)[1:])
        assert result.exit_code == 0, (command, result.stderr)
    login = prefs_of((tmp_path / "profiles" / "com.contoso.jamfconnect.login.mobileconfig").read_bytes())
    assert login["ROPGScopes"] == f"{SCOPE}+openid+email+profile"
    assert "design B, excluded API" in (tmp_path / "blueprint" / "CHECKLIST.md").read_text(encoding="utf-8")


def test_docs_config_sample_with_ca_design_generates(runner, tmp_path):
    from tests.conftest import ROOT

    page = (ROOT / "docs" / "generate.md").read_text(encoding="utf-8")
    sample = re.search(r"## Config file\n.*?```yaml\n(.*?)```", page, flags=re.S)
    assert sample and "ca_design: scoped-policy" in sample.group(1)
    lines = [ln for ln in sample.group(1).splitlines() if "..." not in ln]  # the optional fields left out
    cfg = tmp_path / "readme.yaml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.stderr
    assert "PG420 info: design A (scoped policy)" in result.stderr
