"""Merge semantics: mappings merge, lists replace, null deletes, at any depth."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from profilegen.errors import InputError
from profilegen.variants import load_variant_file, merge, slugify, variant_config


def test_mappings_merge_lists_replace_null_deletes_at_depth() -> None:
    base = {
        "a": 1,
        "keep": "x",
        "outer": {"inner": {"x": 1, "y": 2, "list": [1, 2, 3]}, "gone": {"deep": True}, "z": 0},
        "roles": ["A", "B"],
    }
    override = {
        "a": 2,
        "outer": {"inner": {"y": None, "list": [9], "new": "n"}, "gone": None},
        "roles": ["C"],
    }
    assert merge(base, override) == {
        "a": 2,
        "keep": "x",
        "outer": {"inner": {"x": 1, "list": [9], "new": "n"}, "z": 0},
        "roles": ["C"],
    }
    # The base is not modified: variants never leak into each other.
    assert base["outer"]["inner"] == {"x": 1, "y": 2, "list": [1, 2, 3]}  # type: ignore[index]


def test_a_mapping_replaces_a_scalar_and_back() -> None:
    assert merge({"k": 1}, {"k": {"a": 1}}) == {"k": {"a": 1}}
    assert merge({"k": {"a": 1}}, {"k": "flat"}) == {"k": "flat"}


def test_null_for_a_key_the_base_lacks_is_an_error_naming_the_path() -> None:
    with pytest.raises(InputError) as exc:
        merge({"outer": {"x": 1}}, {"outer": {"y": None}}, path="login")
    assert exc.value.problems == (
        "login.outer.y: null removes nothing, the base does not set it; fix the key name or drop the line",
    )


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Sales", "sales"), ("Finance Pilot", "finance-pilot"), ("Ventes & Marketing!", "ventes-marketing"), ("Ärzte", "arzte")],
)
def test_slug_is_derived_from_the_name(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_sample_variants_merge_over_the_base(sample: Path) -> None:
    vf = load_variant_file(sample)
    configs = {v.name: variant_config(vf, v) for v in vf.variants}
    assert len(configs) >= 3
    eng, sales, pilot = configs["Engineering"], configs["Sales"], configs["Finance Pilot"]
    # lists replace
    assert eng.azure.admin_roles == ("MacAdmin", "EngineeringAdmin")
    assert pilot.azure.admin_roles == ("FinanceMacAdmin",)
    assert sales.azure.admin_roles == ("MacAdmin",)
    # null deletes; other base keys stay
    assert "DenyLocal" not in sales.login and sales.login["Migrate"] is True
    assert eng.login["DenyLocal"] is True
    # mappings merge at depth
    assert sales.menubar["SignIn"] == {"AutoAuthenticate": True, "RequireSignIn": True}
    assert eng.menubar["SignIn"] == {"AutoAuthenticate": True}
    # only the pilot uses the custom scope
    assert pilot.azure.custom_scope and not sales.azure.custom_scope and not eng.azure.custom_scope


def test_merged_result_reaches_the_profiles(run, sample: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = run("variants", sample, "--out", out)
    assert result.exit_code == 0, result.output
    sales = plistlib.loads((out / "com.contoso.jamfconnect.sales.login.mobileconfig").read_bytes())
    prefs = sales["PayloadContent"][0]["PayloadContent"]["com.jamf.connect.login"]["Forced"][0]["mcx_preference_settings"]
    assert "DenyLocal" not in prefs
    assert prefs["LoginWindowMessage"].startswith("Sales: ")
    pilot = plistlib.loads((out / "com.contoso.jamfconnect.finance-pilot.login.mobileconfig").read_bytes())
    prefs = pilot["PayloadContent"][0]["PayloadContent"]["com.jamf.connect.login"]["Forced"][0]["mcx_preference_settings"]
    assert prefs["OIDCScopes"] == "api://00000000-0000-4000-8000-00000000000c/jamfconnect+openid+profile+email"
    assert prefs["ROPGScopes"] == "openid+email+profile"
    assert prefs["LoginWindowMessage"] == "Welcome to Contoso Finance Pilot. Sign in with your work account."


def test_a_merge_that_breaks_validation_names_the_variant_and_field(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["variants"][1]["azure"] = {"tenant": None}
    data["variants"][2]["login"] = {"DenyLocal": "yes"}
    result = run("variants", write_config(data), "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "variants[1] (Sales)" in result.output and "azure.tenant" in result.output
    assert "variants[2] (HR)" in result.output and "DenyLocal" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
