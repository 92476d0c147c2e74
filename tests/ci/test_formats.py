"""validate --format sarif|junit|github and --output: checked by independent readers.

SARIF: the OASIS SARIF 2.1.0 JSON schema (tests/data/sarif-schema-2.1.0.json, Errata 01, from
github.com/oasis-tcs/sarif-spec at e058381, sarif-2.1/schema/; OASIS IPR policy, the published
standard's schema) checked with the jsonschema package. JUnit: junitparser. GitHub workflow
commands: unescaped as GitHub's toolkit defines it (actions/toolkit packages/core/src/command.ts).
"""

from __future__ import annotations

import json
import os
import plistlib
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from junitparser import Failure, JUnitXml

from profilegen.cli import app
from profilegen.rules import load_all
from profilegen.validate.report.github import escape_data, escape_property
from tests.ci.test_lines import LOGIN, mcx_profile

CASES = Path(__file__).resolve().parents[1] / "cases"
SARIF_SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
GOOD = CASES / "PG402" / "pass-design-a.login.plist"
BAD = CASES / "PG403" / "fail-placeholder.login.plist"
WARN = CASES / "PG402" / "fail-no-ropg-scopes.login.plist"
MALFORMED = CASES / "PG101" / "fail-unclosed.login.plist"
FORMATS = ["text", "json", "sarif", "junit", "github"]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """A working directory holding copies of the case files (SARIF URIs are relative to it)."""
    for src in (GOOD, BAD, WARN, MALFORMED):
        (tmp_path / "profiles").mkdir(exist_ok=True)
        (tmp_path / "profiles" / src.name).write_bytes(src.read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sarif_of(runner, *args: str) -> dict:
    result = runner.invoke(app, ["validate", "--format", "sarif", *args])
    assert result.exit_code in (0, 1), result.output
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    return log


def test_sarif_is_valid_and_complete(runner, in_tmp):
    log = sarif_of(runner, "profiles")
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "profilegen" and driver["version"] and driver["informationUri"].startswith("https://")
    registry = load_all()
    assert [r["id"] for r in driver["rules"]] == list(registry)  # every rule, new ones too
    for r in driver["rules"]:
        rule = registry[r["id"]]
        assert r["fullDescription"]["text"] == rule.doc and r["shortDescription"]["text"]
        assert r["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[rule.severity.value]
        assert r["helpUri"].endswith("#rules")
    results = log["runs"][0]["results"]
    by_rule = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r for r in results}
    (bad,) = [r for r in results if r["message"]["text"].startswith("OIDCClientID: ")]
    assert bad["level"] == "error" and bad["ruleId"] == "PG403"
    assert bad["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert by_rule[("PG402", f"profiles/{WARN.name}")]["level"] == "warning"
    malformed = by_rule[("PG101", f"profiles/{MALFORMED.name}")]
    assert "region" not in malformed["locations"][0]["physicalLocation"]  # file-level problem
    assert all(driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_sarif_uris_are_relative_encoded_and_stdin_has_none(runner, in_tmp):
    odd = in_tmp / "dir with space" / "ä#1.login.plist"
    odd.parent.mkdir()
    odd.write_bytes(BAD.read_bytes())
    log = sarif_of(runner, str(odd.resolve()))  # absolute on the command line, relative in SARIF
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"dir%20with%20space/%C3%A4%231.login.plist"}
    result = runner.invoke(app, ["validate", "--format", "sarif", "--domain", "login", "-"], input=BAD.read_bytes())
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert results and all("locations" not in r for r in results) and result.exit_code == 1


def test_sarif_levels_follow_the_rules_and_info_is_note(runner, in_tmp):
    log = sarif_of(runner, "profiles")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    assert all(r["level"] == rules[r["ruleIndex"]]["defaultConfiguration"]["level"] for r in results)
    infos = {code for code, rule in load_all().items() if rule.severity.value == "info"}
    assert {r["level"] for r in results if r["ruleId"] in infos} == {"note"}


def test_junit(runner, in_tmp, tmp_path):
    out = tmp_path / "report" / "junit.xml"
    result = runner.invoke(app, ["validate", "--format", "junit", "--output", str(out), "profiles"])
    assert result.exit_code == 1
    assert result.stdout.rstrip().endswith("info(s)")  # stdout keeps the text report
    xml = JUnitXml.fromfile(str(out))
    (suite,) = list(xml)
    cases = {Path(c.name).name: c for c in suite}
    assert set(cases) == {GOOD.name, BAD.name, WARN.name, MALFORMED.name}
    assert suite.tests == 4 and suite.failures == 2
    assert cases[GOOD.name].is_passed and cases[WARN.name].is_passed
    (failure,) = cases[BAD.name].result
    assert isinstance(failure, Failure) and "line 5: OIDCClientID: PG403 error" in failure.text
    assert "PG402 warning" in cases[WARN.name].system_out
    strict = runner.invoke(app, ["validate", "--format", "junit", "--strict", "profiles"])
    suite = list(JUnitXml.fromstring(strict.stdout.encode()))[0]
    assert suite.failures == 3 and strict.exit_code == 1


def test_junit_survives_control_characters_in_keys(runner, tmp_path):
    path = tmp_path / "odd.login.plist"
    path.write_bytes(plistlib.dumps({**LOGIN, "Evil\x01\x1b[31m\uffffKey": True}, fmt=plistlib.FMT_BINARY))
    result = runner.invoke(app, ["validate", "--format", "junit", str(path)])
    suite = list(JUnitXml.fromstring(result.stdout.encode()))[0]
    assert "Evil\\x01\\x1b[31m\\xffffKey" in list(suite)[0].system_out
    text = runner.invoke(app, ["validate", str(path)]).stdout
    assert "\x1b" not in text and "\x01" not in text and "Evil\\x01\\x1b[31m" in text


def unescape_data(text: str) -> str:
    # The runner's reverse mapping (actions/runner ActionCommand.cs; toolkit command.ts).
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


@given(st.text(alphabet=st.sampled_from("%\r\n:,ab:%2C%0A ")))
def test_github_escaping_round_trips(text):
    assert unescape_property(escape_property(text)) == text
    assert unescape_data(escape_data(text)) == text
    assert not re.search(r"[\r\n]", escape_data(text)) and not re.search(r"[\r\n:,]", escape_property(text))


def test_github_commands(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    odd = tmp_path / "a,b:c%d.mobileconfig"
    odd.write_bytes(plistlib.dumps(mcx_profile({**LOGIN, "OIDCClientID": "YOUR-CLIENT-ID", "Odd%Key\r\nx": 1})))
    (tmp_path / "warn.login.plist").write_bytes(WARN.read_bytes())
    (tmp_path / "malformed.login.plist").write_bytes(MALFORMED.read_bytes())
    # XML turns CR LF into LF; a binary plist keeps a CR in a key name.
    (tmp_path / "cr.login.plist").write_bytes(plistlib.dumps({**LOGIN, "A\rB\x1b": 1}, fmt=plistlib.FMT_BINARY))
    result = runner.invoke(app, ["validate", "--format", "github", "."])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    pattern = re.compile(r"^::(error|warning|notice) file=([^,:]*)(?:,line=(\d+))?,title=(PG\d{3})::(.*)$")
    parsed = [pattern.match(line) for line in lines]
    assert all(parsed), lines
    seen = {(m.group(1), unescape_property(m.group(2)), m.group(4)): m for m in parsed if m}
    placeholder = seen[("error", "a,b:c%d.mobileconfig", "PG403")]
    assert placeholder.group(3) and unescape_data(placeholder.group(5)).startswith("OIDCClientID: ")
    unknown = seen[("warning", "a,b:c%d.mobileconfig", "PG301")]
    assert unescape_data(unknown.group(5)).startswith("Odd%Key\nx: unknown key")
    cr = seen[("warning", "cr.login.plist", "PG301")]
    assert unescape_data(cr.group(5)).startswith("A\rB\\x1b: unknown key") and cr.group(3) is None
    assert ("warning", "warn.login.plist", "PG402") in seen
    assert seen[("error", "malformed.login.plist", "PG101")].group(3) is None  # no line, no line=
    assert not result.stdout.count("\r")


@pytest.mark.parametrize("files, strict, code", [
    ([GOOD], False, 0), ([BAD], False, 1), ([WARN], False, 0), ([WARN], True, 1), ([MALFORMED], False, 1),
])
def test_exit_codes_are_the_same_for_every_format(runner, tmp_path, files, strict, code):
    for fmt in FORMATS:
        args = ["validate", "--format", fmt, *(["--strict"] if strict else []), *map(str, files)]
        assert runner.invoke(app, args).exit_code == code, fmt
        out = tmp_path / f"report.{fmt}"
        assert runner.invoke(app, [*args, "--output", str(out)]).exit_code == code, fmt
    missing = runner.invoke(app, ["validate", "--format", "sarif", str(tmp_path / "nope.plist")])
    assert missing.exit_code == 2


def test_output_is_atomic_and_refuses_to_overwrite(runner, tmp_path):
    out = tmp_path / "results.sarif"
    first = runner.invoke(app, ["validate", "--format", "sarif", "--output", str(out), str(BAD)])
    assert first.exit_code == 1 and json.loads(out.read_text())["version"] == "2.1.0"
    assert first.stdout.startswith(f"{BAD}:5: OIDCClientID: PG403")
    before = out.read_bytes()
    again = runner.invoke(app, ["validate", "--format", "sarif", "--output", str(out), str(GOOD)])
    assert again.exit_code == 2 and out.read_bytes() == before
    assert again.stderr.count("\n") == 1 and "--output" in again.stderr and "--force" in again.stderr
    forced = runner.invoke(app, ["validate", "--format", "sarif", "--output", str(out), "--force", str(GOOD)])
    assert forced.exit_code == 0
    assert {r["level"] for r in json.loads(out.read_text())["runs"][0]["results"]} <= {"note"}
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".profilegen.")]  # no temp files left
    as_dir = runner.invoke(app, ["validate", "--output", str(tmp_path), str(GOOD)])
    assert as_dir.exit_code == 2 and "Traceback" not in as_dir.output


def test_the_sarif_oracle_can_fail(runner, in_tmp):
    log = sarif_of(runner, "profiles")
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    log["runs"][0]["results"][0]["level"] = "error"
    (some,) = [r for r in log["runs"][0]["results"] if r["message"]["text"].startswith("OIDCClientID")]
    some["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


def test_output_dash_is_stdout(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "--format", "sarif", "--output", "-", str(GOOD)])
    assert result.exit_code == 0 and json.loads(result.stdout)["version"] == "2.1.0"
    assert not (tmp_path / "-").exists()
