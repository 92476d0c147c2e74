"""Issue 19 class 10: jamf: is checked after rendering, and the schema agrees with variants.

``jamf.name`` was checked as a template, so a variable that rendered to a line feed passed and
``jamf push`` refused it later; its errors named no file or variant. And the variants schema
refused templated ``jamf:`` booleans that variants accepts (editors showed an error)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from profilegen.variants.schema import variants_schema
from tests.variants.conftest import make_base


def test_a_rendered_line_feed_in_jamf_name_is_refused_naming_file_variant_and_profile(run, write_config) -> None:  # type: ignore[no-untyped-def]
    data = make_base(jamf={"name": "Jamf Connect {{ component }} {{ variant.vars.suffix }}"})
    for variant in data["variants"]:
        variant["vars"] = {"suffix": variant["name"]}
    data["variants"][1]["vars"] = {"suffix": "Sales\nprofilegen: forged"}
    path = write_config(data)
    result = run("variants", path, "--out", path.parent / "out")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        f"profilegen: {path}: variants[1] (Sales): com.contoso.jamfconnect.sales.login.mobileconfig: jamf.name: "
        "'Jamf Connect Login Window Sales\\nprofilegen: forged' contains control characters, tabs or line feeds; "
        "write it on one line")
    assert "\nprofilegen: forged" not in result.stderr
    assert not (path.parent / "out").exists()


@pytest.mark.parametrize("bad", ["\r", "\t", "\x1b[31m", "\x85"])
def test_other_rendered_controls_are_refused_too(run, write_config, bad: str) -> None:  # type: ignore[no-untyped-def]
    data = make_base(jamf={"name": "{{ variant.name }}{{ variant.vars.x }}"})
    for variant in data["variants"]:
        variant["vars"] = {"x": ""}
    data["variants"][0]["vars"] = {"x": f"a{bad}b"}
    result = run("variants", write_config(data), "--check", "--out", "nowhere")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("profilegen: ") and "variants[0] (Engineering): " in result.stderr
    assert "jamf.name: " in result.stderr and "variants[1]" not in result.stderr


def test_a_template_error_in_jamf_name_names_the_variant(run, write_config) -> None:  # type: ignore[no-untyped-def]
    path = write_config(make_base(jamf={"name": "{{ variant.vars.missing }}"}))
    result = run("variants", path, "--check", "--out", "nowhere")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"profilegen: {path}: variants[0] (Engineering): ")


TEMPLATED_JAMF = {
    "name": "{{ variant.name }} {{ component }}",
    "self_service": "{{ variant.vars.offered }}",
    "all_computers": "{{ variant.vars.everyone }}",
    "redeploy": "{{ variant.vars.redeploy }}",
}


def test_templated_jamf_booleans_pass_variants_and_its_schema(run, write_config) -> None:  # type: ignore[no-untyped-def]
    data = make_base(jamf=TEMPLATED_JAMF)
    for variant in data["variants"]:
        variant["vars"] = {"offered": variant["name"] == "Sales", "everyone": False, "redeploy": "all"}
    path = write_config(data)
    result = run("variants", path, "--out", path.parent / "out")
    assert result.exit_code == 0, result.output
    manifest = json.loads((path.parent / "out" / "manifest.json").read_text())
    jamf = {v["name"]: v["jamf"] for v in manifest["variants"]}
    assert jamf["Sales"]["self_service"] is True and jamf["HR"]["self_service"] is False
    assert jamf["HR"]["all_computers"] is False and jamf["HR"]["redeploy"] == "all"
    validator = jsonschema.Draft202012Validator(variants_schema())
    assert [e.message for e in validator.iter_errors(data)] == []
    data["variants"][0]["jamf"] = {"self_service": "{{ variant.vars.offered }}"}
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize("value", ["yes please", 3])
def test_the_schema_still_refuses_what_variants_refuses(value: object) -> None:
    data = make_base(jamf={"self_service": value})
    assert list(jsonschema.Draft202012Validator(variants_schema()).iter_errors(data))


def test_config_schema_keeps_plain_booleans() -> None:
    from profilegen.variants.schema import config_schema

    data = {k: v for k, v in make_base(jamf={"self_service": "{{ x }}"}).items() if k != "variants"}
    assert list(jsonschema.Draft202012Validator(config_schema()).iter_errors(data))


