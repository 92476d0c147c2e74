"""Editor schemas: current, valid draft 2020-12, every sample passes, and they fail a config
exactly where generate fails it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from profilegen.cli import app
from tests.conftest import ROOT, SAMPLES
from tests.helpers import CLIENT, SCOPE

SCHEMAS = ROOT / "schemas"
BASE = {"organization": "Contoso", "identifier": "com.contoso.jamfconnect",
        "azure": {"tenant": "contoso.onmicrosoft.com", "client_id": CLIENT}}


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["config", "variants"])
def test_committed_schema_is_current(runner, name):
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == schema(name), "run: python tools/update_schemas.py"
    assert (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8") == result.stdout, "run: python tools/update_schemas.py"


@pytest.mark.parametrize("name", ["config", "variants"])
def test_schema_is_valid_draft_2020_12(name):
    body = schema(name)
    assert body["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(body)


def test_schema_lists_every_catalog_key_with_its_facts():
    props = schema("config")["properties"]
    login, menubar = props["login"], props["menubar"]
    assert login["additionalProperties"] is False
    assert login["properties"]["ROPGProvider"]["enum"] == ["Custom", "Azure_v2"]
    assert login["properties"]["DenyLocal"]["type"] == "boolean" and login["properties"]["DenyLocal"]["description"]
    legacy = login["properties"]["CreateSyncPasswords"]
    assert legacy["deprecated"] is True and "CreateJamfConnectPassword" in legacy["description"]
    assert menubar["properties"]["IdPSettings"]["additionalProperties"] is False
    assert "Source: https://" in menubar["properties"]["UserHelp"]["description"]


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_sample_names_and_passes_its_schema(sample):
    first = sample.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{sample.name} must start with a yaml-language-server $schema line"
    target = (sample.parent / match.group(1)).resolve()
    assert target.parent == SCHEMAS.resolve()
    body = json.loads(target.read_text(encoding="utf-8"))
    errors = list(Draft202012Validator(body).iter_errors(yaml.safe_load(sample.read_text(encoding="utf-8"))))
    assert errors == []


def schema_places(body: dict[str, Any], data: dict[str, Any]) -> set[str]:
    """Dotted key paths the schema refuses (the place generate names in its messages)."""
    places = set()
    for err in Draft202012Validator(body).iter_errors(data):
        path = ".".join(str(p) for p in err.absolute_path)
        if err.validator == "additionalProperties":
            known = err.schema.get("properties", {})
            places |= {f"{path}.{k}" if path else k for k in err.instance if k not in known}
        elif err.validator == "not" and "required" in err.validator_value:
            places |= {f"{path}.{k}" for k in err.validator_value["required"]}
        else:
            places.add(path)
    return places


def generate_places(runner, tmp_path: Path, data: dict[str, Any]) -> set[str]:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["generate", "--config", str(config), "--out", str(tmp_path / "out")])
    if result.exit_code == 0:
        return set()
    assert result.exit_code == 2, result.output
    prefix = f"profilegen: {config}: "
    return {line.removeprefix(prefix).split(": ")[0] for line in result.stderr.splitlines()}


BAD_CONFIGS = {
    "wrong type": {"login": {"DenyLocal": "yes", "DenyLocalExcluded": "itadmin"}, "menubar": {"SignIn": {"AutoAuthenticate": 1}}},
    "unknown keys": {"login": {"DenyLocall": True}, "menubar": {"IdPSettings": {"TenantId": "x"}}},
    "bad enum": {"login": {"ROPGProvider": "Azure_v3"}, "menubar": {"UserHelp": {"HelpType": "Phone"}}},
    "legacy key": {"login": {"CreateSyncPasswords": True}},
    "set by azure": {"login": {"OIDCTenant": "x"}, "menubar": {"IdPSettings": {"ROPGID": CLIENT}}},
    "set by a given azure field": {"azure": {**BASE["azure"], "custom_scope": SCOPE}, "login": {"OIDCScopes": "openid"}},
    "client secret": {"login": {"OIDCClientSecret": "s3cret"}},
    "unknown azure field": {"azure": {**BASE["azure"], "tenantt": "x"}},
    "unknown top-level field": {"menubr": {}},
    "control character": {"login": {"LoginWindowMessage": "Hi\x07"}},
    "null value": {"login": {"DenyLocal": None}},
}
GOOD_CONFIGS = {
    "nothing extra": {},
    "extras": {"login": {"DenyLocal": True, "DenyLocalExcluded": ["itadmin"], "ROPGProvider": "Azure_v2"},
               "menubar": {"SignIn": {"AutoAuthenticate": True}, "UserHelp": {"HelpType": "URL"}}},
    "OIDCScopes without custom_scope": {"login": {"OIDCScopes": "openid+profile"}},
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS) + sorted(GOOD_CONFIGS))
def test_schema_fails_exactly_where_generate_fails(runner, tmp_path, case):
    data = {**BASE, **(BAD_CONFIGS.get(case) or GOOD_CONFIGS[case])}
    expected = generate_places(runner, tmp_path, data)
    assert (case in BAD_CONFIGS) == bool(expected), expected
    assert schema_places(schema("config"), data) == expected


def test_variants_schema_knows_null_templates_and_variant_fields():
    base = {**BASE, "login": {"DenyLocal": True, "HelpURL": "https://help.contoso.com/{{ variant.slug }}"}}
    good = {**base, "variants": [{"name": "Sales", "slug": "sales", "vars": {"x": 1},
                                  "login": {"DenyLocal": None, "ROPGProvider": "{{ variant.vars.p }}"},
                                  "menubar": {"SignIn": {"AutoAuthenticate": None}}, "azure": {"custom_scope": None}}]}
    assert schema_places(schema("variants"), good) == set()
    bad = {**base, "variants": [{"name": "Sales", "slug": "Sales Team", "colour": "red",
                                 "login": {"ROPGProvider": "Azure_v3", "DenyLocall": True}}]}
    assert schema_places(schema("variants"), bad) == {
        "variants.0.slug", "variants.0.colour", "variants.0.login.ROPGProvider", "variants.0.login.DenyLocall"}
    assert schema_places(schema("variants"), base) == {""}  # variants: is required


def test_top_level_x_keys_hold_anchors_in_schema_and_generate(tmp_path):
    """generate reads `x-common: &c {...}` anchors and ignores the key; the schema must not flag it."""
    import jsonschema

    from profilegen.variants.schema import config_schema

    text = (
        "x-common: &c\n  tenant: 8eaef023-2b34-4da1-9baa-8bc8c9d6a490\n"
        "organization: Contoso\nidentifier: com.contoso.jamfconnect\n"
        "azure:\n  <<: *c\n  client_id: 2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50\n"
    )
    config = tmp_path / "anchors.yaml"
    config.write_text(text, encoding="utf-8")
    jsonschema.Draft202012Validator(config_schema()).validate(yaml.safe_load(text))
    done = CliRunner().invoke(app, ["generate", "--config", str(config), "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
