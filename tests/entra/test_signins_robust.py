"""signins: read each file once (pipes), numeric-string and missing error codes (QA review of issue 5)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import run_cli

CSV = ("Date (UTC),Username,Application,Application ID,Status,Sign-in error code,Failure reason\n"
       "2026-11-01T08:00:00Z,alex@contoso.com,Jamf Connect,,Failure,50126,Invalid username or password\n"
       "2026-11-01T08:01:00Z,alex@contoso.com,Jamf Connect,,Failure,,\n"
       "2026-11-01T08:02:00Z,sam@contoso.com,Jamf Connect,,Success,,\n")


def _graph(code: object, *, status: bool = True) -> dict[str, object]:
    record: dict[str, object] = {"createdDateTime": "2026-11-01T08:00:00Z", "userPrincipalName": "alex@contoso.com",
                                 "appId": None, "appDisplayName": "Jamf Connect"}
    if status:
        record["status"] = {"errorCode": code}
    return record


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("kind", ["csv", "json"])
def test_pipe_is_read_once(fmt: str, kind: str) -> None:
    """A /dev/fd path to a pipe, as bash process substitution and /dev/stdin give."""
    content = CSV if kind == "csv" else json.dumps({"value": [_graph(50126), _graph(0)]})
    read_fd, write_fd = os.pipe()
    try:
        with os.fdopen(write_fd, "wb") as fh:
            fh.write(content.encode())  # small: fits the pipe buffer
        result = run_cli(["signins", f"/dev/fd/{read_fd}", "--format", fmt])
    finally:
        os.close(read_fd)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        out = json.loads(result.stdout)
        assert out["summary"]["wrong_password"] == 1 and len(out["rows"]) == 2
    else:
        assert "alex@contoso.com" in result.stdout


def test_numeric_string_error_code_accepted(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps([_graph("50126"), _graph(" 0 ")]))
    result = run_cli(["signins", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [r["error_code"] for r in rows] == [50126, 0]


@pytest.mark.parametrize("record", [_graph(None), _graph(0, status=False), {**_graph(0), "status": None}])
def test_missing_error_code_is_skipped_not_fatal(tmp_path: Path, record: dict[str, object]) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"value": [_graph(50126), record]}))
    result = run_cli(["signins", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["summary", "users", "rows"]
    assert [r["error_code"] for r in out["rows"]] == [50126]
    assert "1 Jamf Connect sign-in has no error code" in result.stderr


def test_csv_failure_without_code_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(CSV)
    result = run_cli(["signins", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert [r["error_code"] for r in out["rows"]] == [50126, 0]
    assert all(isinstance(r["error_code"], int) for r in out["rows"])
    assert "1 Jamf Connect sign-in has no error code" in result.stderr


def test_array_of_big_pages_streams(tmp_path: Path) -> None:
    """A page above the 16 MB single-value cap is streamed, not reported as invalid JSON."""
    record = json.dumps({**_graph(50126), "padding": "x" * 400})
    page = '{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns", "value": [' \
        + ", ".join([record] * 40_000) + "]}"
    assert len(page) > 16 << 20
    path = tmp_path / "pages.json"
    path.write_text("[" + page + ",\n" + page + "]")
    from profilegen.entra.signins import JamfFilter, triage_files

    result = triage_files([path], JamfFilter.of([]))
    assert result.summary["wrong_password"] == 80_000
