"""signins --format csv (issue 22, point 7): one row per day and user, RFC 4180, formula guard."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from .conftest import run_cli

APP = "Jamf Connect"


def signin(time: str, user: str, code: int, app: str = APP) -> dict[str, object]:
    return {"createdDateTime": time, "userPrincipalName": user, "appDisplayName": app, "status": {"errorCode": code}}


def export(tmp_path: Path, records: list[dict[str, object]]) -> Path:
    path = tmp_path / "signins.json"
    path.write_text(json.dumps({"value": records}), encoding="utf-8")
    return path


RECORDS = [
    signin("2026-11-19T08:00:00Z", "alex@contoso.com", 50076),
    signin("2026-11-19T09:00:00Z", "alex@contoso.com", 50076),
    signin("2026-11-19T10:00:00Z", "=HYPERLINK(\"http://evil\")", 50126),
    signin("2026-11-20T08:00:00Z", "alex@contoso.com", 0),
    signin("2026-11-20T08:30:00Z", "bo, \"the\" admin", 53003),
    signin("2026-11-20T08:31:00Z", "someone@contoso.com", 0, app="Outlook"),  # not Jamf Connect
    signin("not a date", "-1+1", 50126),
]

EXPECTED = (
    "\ufeffdate,user,success,aadsts50076,aadsts50126,other,total,period\r\n"
    "2026-11-19,\"'=HYPERLINK(\"\"http://evil\"\")\",0,0,1,0,1,before\r\n"
    "2026-11-19,alex@contoso.com,0,2,0,0,2,before\r\n"
    "2026-11-20,alex@contoso.com,1,0,0,0,1,after\r\n"
    "2026-11-20,\"bo, \"\"the\"\" admin\",0,0,0,1,1,after\r\n"
    "unknown,'-1+1,0,0,1,0,1,unknown\r\n"
)


def test_csv_rows_quoting_and_formula_guard(tmp_path: Path) -> None:
    result = run_cli(["signins", str(export(tmp_path, RECORDS)), "--format", "csv", "--change-date", "2026-11-20"])
    assert result.exit_code == 0, result.stderr
    # CliRunner's stdout turns CRLF into LF; the bytes with CRLF are checked through --output below.
    assert result.stdout == EXPECTED.replace("\r\n", "\n")
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")" and rows[4][1] == 'bo, "the" admin'


def test_csv_without_change_date_has_no_period(tmp_path: Path) -> None:
    result = run_cli(["signins", str(export(tmp_path, RECORDS[:2])), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "\ufeffdate,user,success,aadsts50076,aadsts50126,other,total\n2026-11-19,alex@contoso.com,0,2,0,0,2\n"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_guarded(tmp_path: Path, start: str) -> None:
    result = run_cli(["signins", str(export(tmp_path, [signin("2026-11-19T08:00:00Z", start + "cmd", 0)])), "--format", "csv"])
    row = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))[1]
    assert row[1] == "'" + start + "cmd"


def test_output_file_atomic_and_no_overwrite(tmp_path: Path) -> None:
    log = export(tmp_path, RECORDS)
    out = tmp_path / "report.csv"
    first = run_cli(["signins", str(log), "--format", "csv", "--output", str(out), "--change-date", "2026-11-20"])
    assert first.exit_code == 0 and first.stdout == ""
    assert f"wrote {out}" in first.stderr
    assert out.read_bytes() == EXPECTED.encode("utf-8")
    again = run_cli(["signins", str(log), "--format", "csv", "--output", str(out)])
    assert again.exit_code == 2
    assert f"profilegen: --output: {out} already exists; pass --force to overwrite" in again.stderr
    assert out.read_bytes() == EXPECTED.encode("utf-8")
    forced = run_cli(["signins", str(log), "--format", "csv", "--output", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbfdate,user,success,aadsts50076,aadsts50126,other,total\r\n")


@pytest.mark.parametrize("value", ["2026-02-30", "20261120", "yesterday", "2026-11-20T08:00:00Z", "2026-1-2", "\u202e2026-11-20"])
def test_bad_change_date_is_usage_error(tmp_path: Path, value: str) -> None:
    result = run_cli(["signins", str(export(tmp_path, RECORDS)), "--format", "csv", "--change-date", value])
    assert result.exit_code == 2
    assert "profilegen: --change-date:" in result.stderr and "give YYYY-MM-DD, e.g. 2026-11-20" in result.stderr
    assert "Traceback" not in result.stderr and "\u202e" not in result.stderr


@pytest.mark.parametrize("option", [["--output", "x.csv"], ["--change-date", "2026-11-20"]])
def test_csv_options_refused_with_text(tmp_path: Path, option: list[str]) -> None:
    result = run_cli(["signins", str(export(tmp_path, RECORDS)), *option])
    assert result.exit_code == 2
    assert f"profilegen: {option[0]}: only with --format csv or --format html; add one of them or drop {option[0]}" in result.stderr


def test_lone_surrogate_user_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"value": [{"createdDateTime": "2026-11-19T08:00:00Z", "userPrincipalName": "a\\ud800b", '
                    '"appDisplayName": "Jamf Connect", "status": {"errorCode": 0}}]}', encoding="utf-8")
    result = run_cli(["signins", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "2026-11-19,a\\ud800b,1,0,0,0,1\n" in result.stdout


def docs_examples(fmt: str) -> list[list[str]]:
    import re
    import shlex

    from tests.conftest import ROOT

    page = (ROOT / "docs" / "entra-commands.md").read_text(encoding="utf-8")
    section = page.split("### For the security team", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block, "docs/entra-commands.md: the csv/html section has no sh example"
    lines = [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]
    return [line for line in lines if line[line.index("--format") + 1] == fmt]


def test_docs_csv_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.entra.test_signins import write_csv

    (args,) = docs_examples("csv")
    assert args[:2] == ["profilegen", "signins"]
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / args[2], [
        ("2026-11-19T08:00:00Z", "alex@contoso.com", "app", "Jamf Connect", 50076, "Strong authentication is required."),
        ("2026-11-20T08:05:00Z", "kim@contoso.com", "app", "Jamf Connect", 50126, "Invalid username or password."),
    ])
    done = run_cli(args[1:])
    assert done.exit_code == 0, done.stderr
    assert (tmp_path / "signins.csv").read_bytes() == (
        b"\xef\xbb\xbfdate,user,success,aadsts50076,aadsts50126,other,total,period\r\n"
        b"2026-11-19,alex@contoso.com,0,1,0,0,1,before\r\n2026-11-20,kim@contoso.com,0,0,1,0,1,after\r\n")
