"""validate's reports, byte for byte (issue 23): text, JSON, their streaming forms, the CI
formats through render, and what each function does when called with its defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from profilegen.rules import load_all
from profilegen.rules.findings import Finding, Severity
from profilegen.validate.pipeline import FileResult
from profilegen.validate.report import (
    Tally,
    as_json,
    as_text,
    explanation,
    iter_json,
    iter_text,
    render,
    rules_markdown,
    rules_text,
    summary,
)
from profilegen.validate.report.github import as_github
from profilegen.validate.report.junit import as_junit
from profilegen.validate.report.sarif import artifact_uri, as_sarif, relative_path

ERR = Finding("PG503", Severity.ERROR, "OIDCRedirectURI", "uses http://; change it to https://", line=11)
WARN = Finding("PG401", Severity.WARNING, "OIDCTenant", "missing", line=None)
INFO = Finding("PG420", Severity.INFO, None, "design A", line=3, detail="the whole design")
RESULTS = [FileResult("a.plist", [ERR, WARN]), FileResult("b.plist", []), FileResult("c.plist", [INFO])]

TEXT = (
    "a.plist:11: OIDCRedirectURI: PG503 error: uses http://; change it to https://\n"
    "a.plist: OIDCTenant: PG401 warning: missing\n"
    "c.plist:3: PG420 info: design A\n"
    "3 file(s): 1 error(s), 1 warning(s), 1 info(s)\n"
)


def test_summary_and_tally_count_each_severity() -> None:
    expected = {"files": 3, "errors": 1, "warnings": 1, "infos": 1}
    assert summary(RESULTS) == expected
    tally = Tally()
    assert tally.summary == {"files": 0, "errors": 0, "warnings": 0, "infos": 0}
    assert [tally.add(r) for r in RESULTS] == RESULTS
    assert tally.summary == expected
    more = [FileResult("d", [ERR, ERR, WARN, INFO, INFO, INFO])]
    assert summary(more) == {"files": 1, "errors": 2, "warnings": 1, "infos": 3}


def test_text_report_exact() -> None:
    assert as_text(RESULTS) == TEXT
    assert "".join(iter_text(RESULTS, Tally())) == TEXT
    assert as_text([]) == "0 file(s): 0 error(s), 0 warning(s), 0 info(s)\n"
    assert render(RESULTS, "text") == TEXT


def test_text_report_explained() -> None:
    rule_doc = load_all()["PG503"].doc
    assert rule_doc
    explained = as_text(RESULTS, explain=True)
    assert explained.splitlines()[:2] == [
        "a.plist:11: OIDCRedirectURI: PG503 error: uses http://; change it to https://", f"    {rule_doc}"]
    assert "c.plist:3: PG420 info: design A\n    the whole design\n" in explained
    assert "".join(iter_text(RESULTS, Tally(), explain=True)) == explained
    assert render(RESULTS, "text", explain=True) == explained
    assert explanation(INFO) == "the whole design"
    assert explanation(ERR) == rule_doc
    assert explanation(Finding("PG999", Severity.INFO, None, "x")) == ""


def test_text_colour_wraps_only_the_severity() -> None:
    out = "".join(iter_text(RESULTS, Tally(), colour=True))
    assert out.splitlines()[:3] == [
        "a.plist:11: OIDCRedirectURI: PG503 \x1b[1;31merror\x1b[0m: uses http://; change it to https://",
        "a.plist: OIDCTenant: PG401 \x1b[33mwarning\x1b[0m: missing",
        "c.plist:3: PG420 \x1b[36minfo\x1b[0m: design A",
    ]
    hostile = [FileResult("x\x1b[2J.plist", [Finding("PG401", Severity.WARNING, "K\x1b]0;t\x07", "m\x9b1m")])]
    line = "".join(iter_text(hostile, Tally(), colour=True)).splitlines()[0]
    assert line.count("\x1b") == 2 and "\x07" not in line and "\x9b" not in line


JSON_BODY = {
    "files": [
        {"path": "a.plist", "findings": [
            {"code": "PG503", "severity": "error", "key": "OIDCRedirectURI", "message": "uses http://; change it to https://", "line": 11},
            {"code": "PG401", "severity": "warning", "key": "OIDCTenant", "message": "missing", "line": None}]},
        {"path": "b.plist", "findings": []},
        {"path": "c.plist", "findings": [{"code": "PG420", "severity": "info", "key": None, "message": "design A", "line": 3}]},
    ],
    "summary": {"files": 3, "errors": 1, "warnings": 1, "infos": 1},
}


def test_json_report_exact() -> None:
    out = as_json(RESULTS)
    assert json.loads(out) == JSON_BODY
    assert out == json.dumps(JSON_BODY, indent=2) + "\n"
    assert "".join(iter_json(RESULTS, Tally())) == out
    assert render(RESULTS, "json") == out
    empty = as_json([])
    assert empty == json.dumps({"files": [], "summary": {"files": 0, "errors": 0, "warnings": 0, "infos": 0}}, indent=2) + "\n"
    assert "".join(iter_json([], Tally())) == empty


def test_json_report_explained_gains_detail_only() -> None:
    out = as_json(RESULTS, explain=True)
    files = json.loads(out)["files"]
    assert files[0]["findings"][0] == {**JSON_BODY["files"][0]["findings"][0], "detail": load_all()["PG503"].doc}
    assert files[2]["findings"][0]["detail"] == "the whole design"
    assert "".join(iter_json(RESULTS, Tally(), explain=True)) == out
    assert render(RESULTS, "json", explain=True) == out


def test_json_escapes_what_a_terminal_acts_on() -> None:
    out = as_json([FileResult("a\x9b.plist", [Finding("PG401", Severity.WARNING, "k\u2028", "m\x7f")])])
    assert "\\u009b" in out and "\\u2028" in out and "\\u007f" in out
    assert "\x9b" not in out and "\u2028" not in out and "\x7f" not in out
    assert json.loads(out)["files"][0]["path"] == "a\x9b.plist"
    assert "".join(iter_json([FileResult("a\x9b.plist", [Finding("PG401", Severity.WARNING, "k\u2028", "m\x7f")])], Tally())) == out


def test_render_picks_the_format(in_tmp: Path) -> None:
    assert render(RESULTS, "sarif") == as_sarif(RESULTS)
    assert json.loads(render(RESULTS, "sarif"))["version"] == "2.1.0"
    assert render(RESULTS, "github") == as_github(RESULTS)
    assert render(RESULTS, "github").splitlines()[0] == (
        "::error file=a.plist,line=11,title=PG503::OIDCRedirectURI: uses http://; change it to https://")
    assert render(RESULTS, "junit") == as_junit(RESULTS)
    strict = render(RESULTS, "junit", strict=True)
    assert strict == as_junit(RESULTS, strict=True) != render(RESULTS, "junit")
    assert 'failures="1"' in render(RESULTS, "junit") and 'failures="1"' in strict
    warned = [FileResult("w.plist", [WARN])]
    assert 'failures="0"' in render(warned, "junit") and 'failures="1"' in render(warned, "junit", strict=True)
    assert 'failures="0"' in as_junit(warned)


def test_rules_text_and_markdown() -> None:
    rules = load_all()
    chosen = [rules["PG503"], rules["PG420"]]
    text = rules_text(chosen)
    assert text.startswith(f"PG503  {rules['PG503'].status:<7}  {rules['PG503'].name}\n    {rules['PG503'].doc}\n")
    assert text.count("\n") == 4  # two lines a rule without details
    detailed = rules_text(chosen, details=True)
    assert rules["PG420"].details is not None and len(detailed) > len(text)
    assert detailed.startswith(text.split("PG420")[0])
    for part in rules["PG420"].details():
        assert f"\n    {part}\n" in detailed
    table = rules_markdown([rules["PG503"]])
    assert table == ("| Code | Severity | Name | Why |\n|---|---|---|---|\n"
                     f"| PG503 | {rules['PG503'].status} | {rules['PG503'].name} | {rules['PG503'].doc.replace('|', '/')} |\n")


def test_relative_path_defaults_to_the_working_directory(in_tmp: Path, tmp_path: Path) -> None:
    (Path.cwd() / "sub").mkdir()
    assert relative_path("sub/x.plist") == "sub/x.plist"
    assert relative_path(str(Path.cwd() / "sub" / "x.plist")) == "sub/x.plist"
    assert relative_path(str(Path.cwd() / "sub" / "x.plist"), cwd=Path.cwd() / "sub") == "x.plist"
    assert artifact_uri("sub/a b.plist") == "sub/a%20b.plist"
    assert artifact_uri("sub/x.plist", cwd=Path.cwd() / "sub") == "x.plist"
    assert artifact_uri("<stdin>") is None


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_json_keeps_printable_unicode_as_it_is() -> None:
    # UTF-8 out, not \u escapes: "é" and "日本" stay readable, in as_json and its stream alike.
    results = [FileResult("Contoso é 日本.plist", [Finding("PG401", Severity.WARNING, "Schlüssel", "fehlt")])]
    out = as_json(results)
    assert '"path": "Contoso é 日本.plist"' in out and '"key": "Schlüssel"' in out
    assert "".join(iter_json(results, Tally())) == out


def test_github_report_exact(in_tmp: Path) -> None:
    assert as_github(RESULTS) == (
        "::error file=a.plist,line=11,title=PG503::OIDCRedirectURI: uses http://; change it to https://\n"
        "::warning file=a.plist,title=PG401::OIDCTenant: missing\n"
        "::notice file=c.plist,line=3,title=PG420::design A\n"
    )
    assert as_github([FileResult("<stdin>", [ERR])]) == "::error title=PG503::OIDCRedirectURI: uses http://; change it to https://\n"
    odd = [FileResult("a,b:c%.plist", [Finding("PG401", Severity.WARNING, None, "50%\r\nx\x1b\u202e")])]
    assert as_github(odd) == "::warning file=a%2Cb%3Ac%25.plist,title=PG401::50%25%0D%0Ax\\x1b\\u202e\n"
    assert as_github([]) == ""


def test_junit_report_exact() -> None:
    out = as_junit(RESULTS)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="profilegen validate" tests="3" failures="1" errors="0" skipped="0">\n')
    assert ('<testcase classname="profilegen.validate.pipeline" name="a.plist" file="a.plist">\n'
            '      <failure message="1 finding(s): PG503" type="PG503">line 11: OIDCRedirectURI: PG503 error: uses http://; change it to https://</failure>\n'
            '      <system-out>OIDCTenant: PG401 warning: missing</system-out>\n'
            '    </testcase>') in out
    assert '<testcase classname="profilegen.validate.pipeline" name="b.plist" file="b.plist" />' in out
    assert '<system-out>line 3: PG420 info: design A</system-out>' in out
    strict = as_junit(RESULTS, strict=True)
    assert ('<failure message="2 finding(s): PG503, PG401" type="PG503">line 11: OIDCRedirectURI: PG503 error: uses http://; '
            'change it to https://\nOIDCTenant: PG401 warning: missing</failure>') in strict
    twice = as_junit([FileResult("d.plist", [ERR, ERR])])
    assert '<failure message="2 finding(s): PG503" type="PG503">' in twice
    hostile = as_junit([FileResult("x\x01\t.plist", [Finding("PG401", Severity.WARNING, None, "m\x7f\u202e\r")])])
    assert 'name="x\\x01&#09;.plist"' in hostile and "m&#x7f;&#x202e;&#xd;</system-out>" in hostile


def test_sarif_report_exact(in_tmp: Path) -> None:
    log = json.loads(as_sarif(RESULTS + [FileResult("<stdin>", [WARN])]))
    rules = list(load_all().values())
    (run,) = log["runs"]
    assert run["tool"]["driver"]["rules"][0]["id"] == rules[0].code
    assert len(run["tool"]["driver"]["rules"]) == len(rules)
    index = [r.code for r in rules]
    assert run["results"] == [
        {"ruleId": "PG503", "ruleIndex": index.index("PG503"), "level": "error",
         "message": {"text": "OIDCRedirectURI: uses http://; change it to https://"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.plist"}, "region": {"startLine": 11}}}]},
        {"ruleId": "PG401", "ruleIndex": index.index("PG401"), "level": "warning", "message": {"text": "OIDCTenant: missing"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.plist"}}}]},
        {"ruleId": "PG420", "ruleIndex": index.index("PG420"), "level": "note", "message": {"text": "design A"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "c.plist"}, "region": {"startLine": 3}}}]},
        {"ruleId": "PG401", "ruleIndex": index.index("PG401"), "level": "warning", "message": {"text": "OIDCTenant: missing"}},
    ]
    pg503 = run["tool"]["driver"]["rules"][index.index("PG503")]
    doc = load_all()["PG503"].doc
    assert pg503 == {
        "id": "PG503", "name": load_all()["PG503"].name,
        "shortDescription": {"text": doc.partition(". ")[0] + "." if ". " in doc else doc},
        "fullDescription": {"text": doc},
        "defaultConfiguration": {"level": "error"},
        "helpUri": "https://github.com/profilegen/profilegen/blob/main/docs/validate.md#rules",
        "help": {"text": f"PG503 {load_all()['PG503'].name}: {doc}"},
    }
    out = as_sarif([FileResult("é.plist", [])])
    assert out.endswith("}\n") and '\n  "version": "2.1.0",\n' in out and "%C3%A9.plist" not in out


def test_relative_path_falls_back_to_the_absolute_path(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # os.path.relpath raises ValueError across Windows drives (C: and D:): the absolute path is used.
    import os

    def across_drives(path: str, start: str | None = None) -> str:
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(os.path, "relpath", across_drives)
    assert relative_path("x.plist") == (Path.cwd() / "x.plist").as_posix()
    assert artifact_uri("x.plist") == (Path.cwd() / "x.plist").as_uri()
