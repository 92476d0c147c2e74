"""Config files as scripts and people write them: JSON escapes, merge keys, binary data, and
bad values of every kind, each answered with one line that names the file and the key."""

from __future__ import annotations

import json
import plistlib
import shutil
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.cli import app
from tests.helpers import CLIENT, TENANT, prefs_of

BASE: dict[str, Any] = {
    "organization": "Contoso",
    "identifier": "com.contoso.jamfconnect",
    "azure": {"tenant": TENANT, "client_id": CLIENT},
}
FORBIDDEN = ("Traceback", "internal error", "instance of", "[key]", "set_int_max_str_digits", "Input should be")


def run(runner, tmp_path: Path, text: str, name: str = "config.yaml"):
    shutil.rmtree(tmp_path / "out", ignore_errors=True)  # hypothesis reuses tmp_path
    cfg = tmp_path / name
    cfg.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "out"), "--force"])


def login(tmp_path: Path) -> dict[str, Any]:
    return prefs_of((tmp_path / "out" / "com.contoso.jamfconnect.login.mobileconfig").read_bytes())


def assert_input_error(result, *needles: str) -> list[str]:
    """Exit 2, every line one 'profilegen: ...' line, none of the internal wordings."""
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("profilegen: ") for line in lines), lines
    for word in FORBIDDEN:
        assert word not in result.stderr, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
    return lines


# --- §1.1: JSON-written configs ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["Welcome 😀", "Ünïcödé ✓ 𝄞 and 中文", "\U0010fffd end"])
def test_json_surrogate_pairs_read_as_the_character_they_encode(runner, tmp_path: Path, text: str) -> None:
    data = {**BASE, "organization": f"Org {text}", "login": {"LoginWindowMessage": text}}
    written = json.dumps(data)  # ensure_ascii=True: astral characters as \\udXXX\\udXXX pairs
    assert "\\ud" in written or text.isascii() or all(ord(c) < 0x10000 for c in text)
    result = run(runner, tmp_path, written, "config.json")
    assert result.exit_code == 0, result.stderr
    assert login(tmp_path)["LoginWindowMessage"] == text
    profile = plistlib.loads((tmp_path / "out" / "com.contoso.jamfconnect.login.mobileconfig").read_bytes())
    assert profile["PayloadOrganization"] == f"Org {text}"


@given(st.text(min_size=1, max_size=20).filter(lambda t: not any(c in t for c in "\x00\x0b\x0c\ufffe\uffff")))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_json_dumps_writes_comes_back_as_json_loads_reads_it(runner, tmp_path: Path, text: str) -> None:
    from profilegen.generate.yamlfile import parse_yaml

    written = json.dumps({"vars": {"x": text, text: 1}})
    assert parse_yaml(written, source="x.json") == json.loads(written) | {}


@pytest.mark.parametrize(
    ("where", "escape"),
    [("login.LoginWindowMessage", "\\ud83d"), ("login.LoginWindowMessage", "\\ude00 after"), ("organization", "x\\udbff")],
)
def test_lone_surrogate_is_an_input_error_naming_the_key(runner, tmp_path: Path, where: str, escape: str) -> None:
    data: dict[str, Any] = {**BASE, "login": {"LoginWindowMessage": "placeholder"}}
    if where == "organization":
        data["organization"] = "placeholder"
    text = json.dumps(data).replace('"placeholder"', f'"{escape}"')
    result = run(runner, tmp_path, text, "config.json")
    lines = assert_input_error(result, f"config.json: {where}: a lone UTF-16 surrogate")
    assert len(lines) == 1
    assert not (tmp_path / "out").exists()


def test_lone_surrogate_in_a_variants_file_names_the_key(runner, tmp_path: Path) -> None:
    data = {**BASE, "variants": [{"name": "Sales", "vars": {"site": "placeholder"}}]}
    path = tmp_path / "departments.json"
    path.write_text(json.dumps(data).replace('"placeholder"', '"\\udc00"'), encoding="utf-8")
    result = runner.invoke(app, ["variants", str(path), "--out", str(tmp_path / "out")])
    assert_input_error(result, "departments.json: variants[0].vars.site: a lone UTF-16 surrogate")


# --- §6.4: merge keys and data ----------------------------------------------------------------

MERGE = f"""organization: Contoso
identifier: com.contoso.jamfconnect
x-login: &login
  DenyLocal: true
  Migrate: true
azure:
  tenant: {TENANT}
  client_id: {CLIENT}
login:
  <<: *login
  Migrate: false
"""


def test_merge_keys_and_x_anchors_work_in_a_config(runner, tmp_path: Path) -> None:
    result = run(runner, tmp_path, MERGE)
    assert result.exit_code == 0, result.stderr
    prefs = login(tmp_path)
    assert prefs["DenyLocal"] is True and prefs["Migrate"] is False  # the mapping's own key wins


def test_merge_keys_work_in_a_variants_file(runner, tmp_path: Path) -> None:
    text = MERGE + """variants:
  - name: Sales
    login: &pilot
      LoginWindowMessage: Pilot
      DenyLocal: false
  - name: HR
    login:
      <<: [*pilot]
      LoginWindowMessage: HR pilot
"""
    path = tmp_path / "departments.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["variants", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    hr = prefs_of((tmp_path / "out" / "com.contoso.jamfconnect.hr.login.mobileconfig").read_bytes())
    assert hr["LoginWindowMessage"] == "HR pilot" and hr["DenyLocal"] is False and hr["Migrate"] is False


def test_duplicate_keys_are_still_refused_next_to_a_merge(runner, tmp_path: Path) -> None:
    result = run(runner, tmp_path, MERGE + "  Migrate: true\n")
    assert_input_error(result, "config.yaml:12:3: key 'Migrate' appears twice")


def test_alias_cap_applies_to_merges(runner, tmp_path: Path) -> None:
    merges = "".join(f"  - name: V{i}\n    login: {{<<: *login}}\n" for i in range(101))
    path = tmp_path / "departments.yaml"
    path.write_text(MERGE + "variants:\n" + merges, encoding="utf-8")
    result = runner.invoke(app, ["variants", str(path), "--out", str(tmp_path / "out")])
    assert_input_error(result, "more than 100 YAML aliases")


LICENSE = plistlib.dumps({"Name": "Contoso", "LicenseKey": "x", "NumberOfClients": 10})


@pytest.mark.parametrize("component", ["login", "menubar"])
@pytest.mark.parametrize("form", ["binary", "plain", "folded"])
def test_data_key_accepts_binary_and_base64_text(runner, tmp_path: Path, component: str, form: str) -> None:
    import base64

    encoded = base64.b64encode(LICENSE).decode()
    value = {
        "binary": "!!binary |\n    " + "\n    ".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)),
        "plain": encoded,
        "folded": "|\n    " + "\n    ".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)),
    }[form]
    result = run(runner, tmp_path, MERGE.split("login:\n  <<")[0] + f"{component}:\n  LicenseFile: {value}\n")
    assert result.exit_code == 0, result.stderr
    doc = tmp_path / "out" / f"com.contoso.jamfconnect.{component}.mobileconfig"
    assert prefs_of(doc.read_bytes())["LicenseFile"] == LICENSE


def test_data_key_with_text_that_is_not_base64_says_how_to_write_one(runner, tmp_path: Path) -> None:
    result = run(runner, tmp_path, MERGE.split("login:\n  <<")[0] + "login:\n  LicenseFile: my licence\n")
    lines = assert_input_error(result, "config.yaml: login.LicenseFile: expected data", "!!binary", "base64")
    assert len(lines) == 1


# --- §6.3: messages name their file and key, for every kind of bad value -----------------------

INVISIBLE = [c for c in map(chr, range(0x80, 0x3100)) if not c.isprintable()] + ["\u200b", "\ufeff", "\u2060", "\u00a0"]


@given(field=st.sampled_from(["tenant", "client_id", "ropg_client_id"]), char=st.sampled_from(INVISIBLE), at=st.integers(0, 36))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_invisible_character_in_a_guid_is_named(runner, tmp_path: Path, field: str, char: str, at: int) -> None:
    guid = TENANT if field == "tenant" else CLIENT
    bad = guid[:at] + char + guid[at:]
    data = {**BASE, "azure": {**BASE["azure"], field: bad}}
    result = run(runner, tmp_path, json.dumps(data), "config.json")
    lines = assert_input_error(result, f"config.json: azure.{field}: ", f"invisible U+{ord(char):04X}", f"at character {at + 1}")
    assert len(lines) == 1


def test_invisible_character_in_an_option_is_named(runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--tenant", TENANT + "\u200b", "--client-id", CLIENT, "--organization", "C",
                                 "--identifier", "com.c.j", "--out", str(tmp_path / "o")])
    assert_input_error(result, "--tenant: ", "invisible U+200B (ZERO WIDTH SPACE) at character 37")


# YAML snippets of every type and shape that is wrong somewhere: written into each place.
BAD_YAML = [
    "9" * 5000, "0x" + "f" * 5000, "-" + "1" * 30, "18446744073709551616", ".nan", "-.inf", "!!set {a, b}", "2024-01-01",
    "2024-01-01 10:00:00", "!!binary aGVsbG8=", "{1: a}", "{on: a}", "{null: a}", "&a [*a]", "&b {k: *b}", "[" * 150,
    '"\\ud83d"', '"\\uffff"', '"\\x00"', '"a\\u200bb"', "!!omap [a: 1]", "!!pairs [a: .nan]", "[]", "{}", "~", "''",
    "x" * 5000, "[" + ", ".join(["y" * 50] * 50) + "]", "{k" + "e" * 5000 + "y: 1}", "!!python/object:os.system x",
    '"\\N"', "true", "-1", "3.5", "[a, [b, [c]]]", "{SignIn: {AutoAuthenticate: maybe}}",
]
PLACES = [
    "organization", "identifier", "azure.tenant", "azure.client_id", "azure.custom_scope", "azure.discovery_url",
    "azure.redirect_uri", "azure.admin_roles", "azure", "login", "login.LoginWindowMessage", "login.DenyLocal",
    "login.LicenseFile", "login.OIDCAdmin", "login.NoSuchKey", "menubar", "menubar.SignIn", "menubar.OfflineMFAReminder",
]


def with_value(place: str, snippet: str) -> str:
    """The base config with ``snippet`` as the YAML value at ``place``."""
    top, _, key = place.partition(".")
    lines = [f"organization: {'Contoso' if top != 'organization' else snippet}",
             f"identifier: {'com.contoso.jamfconnect' if top != 'identifier' else snippet}"]
    azure = {"tenant": TENANT, "client_id": CLIENT}
    if top == "azure" and not key:
        lines.append(f"azure: {snippet}")
    else:
        if top == "azure":
            azure[key] = snippet
        lines += ["azure:", *(f"  {k}: {v}" for k, v in azure.items())]
    if top in ("login", "menubar"):
        lines.append(f"{top}: {snippet}" if not key else f"{top}:\n  {key}: {snippet}")
    return "\n".join(lines) + "\n"


@given(place=st.sampled_from(PLACES), snippet=st.sampled_from(BAD_YAML) | st.text(string.printable, max_size=30).map(json.dumps))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bad_value_anywhere_is_one_line_naming_file_and_key(runner, tmp_path: Path, place: str, snippet: str) -> None:
    result = run(runner, tmp_path, with_value(place, snippet))
    if result.exit_code == 0:
        return  # some snippets are fine in some places (a number of days, a plain message)
    lines = assert_input_error(result)
    if place not in ("azure", "login", "menubar"):  # a whole section can hold several problems
        assert len(lines) == 1, lines
    for line in lines:
        assert "config.yaml" in line, line
        assert len(line) < 420, line  # echoed values are cut to 80 characters
    top = place.split(".")[0]
    assert top in lines[0] or "config.yaml:" in lines[0], lines  # names the key, or the line
    assert not (tmp_path / "out").exists()
