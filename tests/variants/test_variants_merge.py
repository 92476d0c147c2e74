"""Merge semantics: mappings merge, lists replace, null deletes, at any depth."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from profilegen.core.errors import InputError
from profilegen.variants.pipeline import load_variant_file, merge, slugify, variant_config


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
    assert "DenyLocal" not in sales.login and sales.login["LocalFallback"] is True
    # Migrate needs DenyLocal (Jamf: Account Migration Settings), so the sample drops both
    assert "Migrate" not in sales.login and eng.login["Migrate"] is True
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


# ---- property: the merge rules hold for arbitrary nested data ----

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

KEYS = st.sampled_from(["a", "b", "c", "d"])
LEAF = st.one_of(st.integers(), st.text(max_size=5), st.booleans(), st.lists(st.integers(), max_size=3))
TREE = st.recursive(LEAF, lambda inner: st.dictionaries(KEYS, inner, max_size=4), max_leaves=12)
BASES = st.dictionaries(KEYS, TREE, max_size=4)


@st.composite
def base_and_override(draw: st.DrawFn) -> tuple[dict, dict]:  # type: ignore[type-arg]
    base = draw(BASES)

    def over(node: dict) -> dict:  # type: ignore[type-arg]
        out = {}
        for key in draw(st.lists(KEYS, unique=True, max_size=4)):
            here = node.get(key)
            choice = draw(st.sampled_from(["delete", "replace", "descend"]))
            if choice == "delete" and key in node:
                out[key] = None
            elif choice == "descend" and isinstance(here, dict):
                out[key] = over(here)
            else:
                out[key] = draw(TREE)
        return out

    return base, over(base)


@settings(max_examples=150, deadline=None)
@given(base_and_override())
def test_merge_properties(pair: tuple[dict, dict]) -> None:  # type: ignore[type-arg]
    base, override = pair

    def check(b: dict, o: dict, m: dict) -> None:  # type: ignore[type-arg]
        for key in set(b) | set(o):
            if key in o and o[key] is None:
                assert key not in m  # null deletes
            elif key in o and isinstance(o[key], dict) and isinstance(b.get(key), dict):
                check(b[key], o[key], m[key])  # mappings merge, at depth
            elif key in o:
                assert m[key] == o[key]  # anything else, lists too, replaces
            else:
                assert m[key] == b[key]  # untouched keys stay

    merged = merge(base, override)
    check(base, override, merged)


def test_missing_field_names_the_variant_key_not_a_cli_option(tmp_path: Path) -> None:
    import yaml
    from typer.testing import CliRunner

    from profilegen.cli import app

    path = tmp_path / "v.yaml"
    path.write_text(yaml.safe_dump({
        "organization": "C", "identifier": "com.c.jc",
        "azure": {"tenant": "contoso.onmicrosoft.com", "client_id": "2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50"},
        "variants": [{"name": "X", "azure": {"tenant": None}}],
    }))
    result = CliRunner().invoke(app, ["variants", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "variants[0] (X): azure.tenant: required" in result.stderr
    assert "--tenant" not in result.stderr
    assert not (tmp_path / "out").exists()
