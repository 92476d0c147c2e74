"""Issue 19 class 6: machine formats are escaped for their format, not for a terminal.

The terminal escaping writes ``\\x9b`` (not a JSON escape) inside a JSON string, so SARIF on
stdout with U+009B or DEL in a key was no JSON at all. Each format now escapes in its own
syntax (JSON ``\\u009b``, XML ``&#x9b;``, GitHub's ``\\x9b`` text), so the value read back by a
real parser is the original one and no raw control or bidi character reaches the terminal."""

from __future__ import annotations

import json
import plistlib
import urllib.parse
from pathlib import Path

import pytest
from junitparser import JUnitXml

from profilegen.cli import app
from tests.ci.test_lines import LOGIN

KEY = "Odd\x9b\x7f\u202e\u2066Key"
RAW = ("\x9b", "\x7f", "\u202e", "\u2066")


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    path = tmp_path / "odd\x9b.login.plist"
    path.write_bytes(plistlib.dumps({**LOGIN, KEY: 1}, fmt=plistlib.FMT_BINARY))
    return path


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("fmt", ["sarif", "json"])
def test_json_formats_on_stdout_are_json_with_the_same_value(runner, odd: Path, fmt: str) -> None:
    result = runner.invoke(app, ["validate", "--format", fmt, str(odd)])
    assert result.exit_code == 0, result.output
    assert not any(char in result.stdout for char in RAW)
    document = json.loads(result.stdout)  # the old SARIF failed here: "\x9b" is no JSON escape
    strings = _strings(document)
    assert any(KEY in s for s in strings), strings
    assert any(odd.name in urllib.parse.unquote(s) for s in strings)  # SARIF's uri is percent-encoded


def test_sarif_written_with_output_is_the_same_document(runner, odd: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.sarif"
    assert runner.invoke(app, ["validate", "--format", "sarif", "--output", str(report), str(odd)]).exit_code == 0
    stdout = runner.invoke(app, ["validate", "--format", "sarif", str(odd)]).stdout
    assert report.read_text(encoding="utf-8") == stdout


def test_junit_keeps_the_value_as_xml_character_references(runner, odd: Path) -> None:
    result = runner.invoke(app, ["validate", "--format", "junit", str(odd)])
    assert not any(char in result.stdout for char in RAW)
    assert "&#x9b;" in result.stdout and "&#x202e;" in result.stdout
    (suite,) = list(JUnitXml.fromstring(result.stdout.encode()))
    (case,) = list(suite)
    assert KEY in case.system_out  # a real XML parser reads the original characters back
    assert case.name == str(odd)


def test_github_annotations_show_the_characters_escaped(runner, odd: Path) -> None:
    result = runner.invoke(app, ["validate", "--format", "github", str(odd)])
    assert not any(char in result.stdout for char in RAW)
    assert "Odd\\x9b\\x7f\\u202e\\u2066Key: unknown key" in result.stdout
