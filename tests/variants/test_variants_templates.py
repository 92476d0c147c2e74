"""Jinja2 in string values: context, errors that name variant and key, and the sandbox."""

from __future__ import annotations

import plistlib
from pathlib import Path
from typing import Any

import pytest

from profilegen.core.errors import InputError
from profilegen.variants.templating import render_value, template_context


def login_prefs(path: Path) -> dict[str, Any]:
    data = plistlib.loads(path.read_bytes())
    return data["PayloadContent"][0]["PayloadContent"]["com.jamf.connect.login"]["Forced"][0]["mcx_preference_settings"]  # type: ignore[no-any-return]


def test_context_holds_name_slug_vars_and_organization(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["login"]["LoginWindowMessage"] = "{{ organization }}/{{ variant.name }}/{{ variant.slug }}/{{ variant.vars.site.city }}"
    data["login"]["MigrateUsersHide"] = ["{{ variant.slug }}-admin", "it"]  # strings inside lists too
    data["variants"] = [{"name": "Finance Pilot", "vars": {"site": {"city": "Lyon"}}}]
    out = tmp_path / "out"
    result = run("variants", write_config(data), "--out", out)
    assert result.exit_code == 0, result.output
    prefs = login_prefs(out / "com.contoso.jamfconnect.finance-pilot.login.mobileconfig")
    assert prefs["LoginWindowMessage"] == "Contoso/Finance Pilot/finance-pilot/Lyon"
    assert prefs["MigrateUsersHide"] == ["finance-pilot-admin", "it"]


def test_undefined_variable_names_file_variant_and_key_and_writes_nothing(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["variants"][2]["login"] = {"LoginWindowMessage": "Hello {{ variant.nme }}"}
    path = write_config(data)
    out = tmp_path / "out"
    result = run("variants", path, "--out", out)
    assert result.exit_code == 2
    assert f"{path}: variants[2] (HR): login.LoginWindowMessage: 'variant.nme' is undefined" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_undefined_var_inside_nested_menubar_key(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["menubar"]["SignIn"]["WindowTitle"] = "{{ variant.vars.title }}"
    data["variants"] = [{"name": "Sales", "vars": {"title": "Sales"}}, {"name": "HR"}]
    result = run("variants", write_config(data), "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "variants[1] (HR): menubar.SignIn.WindowTitle: 'variant.vars.title' is undefined" in result.stderr
    assert "variants[0]" not in result.stderr


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ organization.__class__.__mro__ }}", "unsafe"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "templates may not use calls"),
        ("{{ variant.__class__ }}", "'variant.__class__' is undefined"),
        ("{{ variant._data }}", "'variant._data' is undefined"),
        ("{{ variant.vars.items() }}", "templates may not use calls"),
        ("{{ variant.vars.log.append(variant.name) }}", "templates may not use calls"),
        ("{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}", "templates may not use loops"),
        ("{{ variant.name | center(500000000) }}", "the filter 'center' is not allowed"),
        ("{{ '%500000000s' % 'x' }}", "'%' formatting"),
        ("{{ lipsum }}", "'lipsum' is undefined"),
        ("{{ cycler.__init__.__globals__ }}", "unsafe"),
        ("{{ 'x' * 100000000 }}", "templates may not use '*'"),
        ("{{ 1 / 0 }}", "templates may not use '/'"),
        ("{{ unclosed", "template syntax error"),
    ],
)
def test_sandbox_blocks_internals(template: str, expected: str) -> None:
    context = template_context(name="Sales", slug="sales", variables={"n": 1}, organization="Contoso")
    with pytest.raises(InputError) as exc:
        render_value({"LoginWindowMessage": template}, context, path="login")
    (line,) = exc.value.problems
    assert line.startswith("login.LoginWindowMessage: ")
    assert expected in line


def test_sandbox_error_through_the_cli(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["variants"][0]["login"] = {"LoginWindowMessage": "{{ organization.__class__.__mro__[1].__subclasses__() }}"}
    result = run("variants", write_config(data), "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "variants[0] (Engineering): login.LoginWindowMessage: templates may not use calls" in result.stderr
    assert "subclasses" not in result.stdout and not (tmp_path / "out").exists()


def test_only_strings_are_rendered_and_keys_never() -> None:
    context = template_context(name="Sales", slug="sales", variables={}, organization="Contoso")
    value = {"{{ k }}": "{{ variant.slug }}", "n": 3, "b": True, "l": [1, "{{ variant.name }}"]}
    assert render_value(value, context, path="login") == {"{{ k }}": "sales", "n": 3, "b": True, "l": [1, "Sales"]}
