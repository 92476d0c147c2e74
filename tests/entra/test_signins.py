"""signins: Graph JSON (page, pages, bare array) and portal CSV, filtering, JSON shape, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from profilegen.core.errors import InputError
from profilegen.entra.signins import JamfFilter, iter_signins, triage_files

from .conftest import CLIENT_ID, run_cli

OTHER_APP = "0f4e1c2d-3b5a-4c6d-8e7f-9a0b1c2d3e4f"
# (time, user, app id, app name, error code, failure reason)
ROWS: list[tuple[str, str, str, str, int, str]] = [
    ("2026-11-20T08:01:02Z", "alex@contoso.com", CLIENT_ID, "Jamf Connect", 50076, "Strong authentication is required."),
    ("2026-11-20T08:01:09Z", "alex@contoso.com", CLIENT_ID, "Jamf Connect", 0, ""),
    ("2026-11-20T09:15:00Z", "blair@contoso.com", CLIENT_ID, "Jamf Connect", 50126, "Invalid username or password."),
    ("2026-11-20T09:15:30Z", "blair@contoso.com", CLIENT_ID, "Jamf Connect", 50126, "Invalid username or password."),
    ("2026-11-20T09:16:00Z", "blair@contoso.com", CLIENT_ID, "Jamf Connect", 53003, "Access has been blocked by CA."),
    ("2026-11-20T10:00:00Z", "casey@contoso.com", CLIENT_ID, "Jamf Connect", 7000218, "Public client flows off."),
    ("2026-11-20T10:05:00Z", "casey@contoso.com", CLIENT_ID, "Jamf Connect", 99999, "Something new."),
    ("2026-11-20T11:00:00Z", "alex@contoso.com", OTHER_APP, "Office 365 Exchange Online", 50126, "Invalid."),
]
EXPECTED_SUMMARY = {
    "success": 1, "password_ok_mfa_required": 1, "password_ok_blocked_by_policy": 1, "password_ok_action_required": 0,
    "wrong_password": 2, "account_problem": 0, "configuration_problem": 1, "transient": 0, "unknown": 1,
}


def graph_record(row: tuple[str, str, str, str, int, str]) -> dict[str, Any]:
    time, user, app_id, app_name, code, reason = row
    return {
        "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
        "createdDateTime": time,
        "userDisplayName": user.split("@")[0].title(),
        "userPrincipalName": user,
        "appId": app_id,
        "appDisplayName": app_name,
        "clientAppUsed": "Mobile Apps and Desktop clients",
        "authenticationProtocol": "ropc",
        "authenticationRequirement": "multiFactorAuthentication" if code == 50076 else "singleFactorAuthentication",
        "conditionalAccessStatus": "failure" if code in (50076, 53003) else "notApplied",
        "status": {"errorCode": code, "failureReason": reason or "Other.", "additionalDetails": None},
        "location": {"city": "Redmond", "state": "Washington", "countryOrRegion": "US"},
    }


# The portal's header spelling, with its odd spacing (azure-facts 4.3): a trailing space in
# "Application ID " and "Resource ID ", a double space in "Autonomous system  number".
CSV_HEADER = ["Date (UTC)", "Request ID", "User", "Username", "Application", "Application ID ", "Resource",
              "Resource ID ", "Status", "Sign-in error code", "Failure reason", "Authentication requirement",
              "Authentication Protocol", "Autonomous system  number", "Incoming token type", "Conditional Access",
              "Incoming token type"]


def write_csv(path: Path, rows: list[tuple[str, str, str, str, int, str]], header: list[str] = CSV_HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for time, user, app_id, app_name, code, reason in rows:
            status = "Success" if code == 0 else "Failure"
            out.writerow([time.replace("T", " ").rstrip("Z"), "req", user.split("@")[0], user, app_name, app_id,
                          "Microsoft Graph", "00000003-0000-0000-c000-000000000000", status, "" if code == 0 else code,
                          reason, "Single-factor authentication", "ROPC", "8075", "None", "Not Applied", "None"])
    return path


def write_json(path: Path, shape: str) -> Path:
    records = [graph_record(r) for r in ROWS]
    if shape == "array":
        text = json.dumps(records, indent=2)
    elif shape == "page":
        text = json.dumps({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns",
                           "value": records, "@odata.count": 8})
    elif shape == "pages":  # two saved pages one after the other
        text = "\n".join(json.dumps({"value": records[i : i + 4], "@odata.nextLink": "https://graph.microsoft.com/next"})
                         for i in (0, 4))
    elif shape == "array-of-pages":
        text = json.dumps([{"value": records[:3]}, {"value": records[3:]}])
    else:
        raise AssertionError(shape)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("shape", ["array", "page", "pages", "array-of-pages", "csv"])
def test_json_shape_output(tmp_path: Path, shape: str) -> None:
    path = write_csv(tmp_path / "s.csv", ROWS) if shape == "csv" else write_json(tmp_path / "s.json", shape)
    result = run_cli(["signins", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["summary", "users", "rows"]
    assert out["summary"] == EXPECTED_SUMMARY
    assert [u["user"] for u in out["users"]] == ["alex@contoso.com", "blair@contoso.com", "casey@contoso.com"]
    assert out["users"][1]["counts"]["wrong_password"] == 2
    assert len(out["rows"]) == 7
    assert set(out["rows"][0]) == {"time", "user", "app_id", "error_code", "category"}
    assert out["rows"][0]["app_id"] == CLIENT_ID and out["rows"][0]["category"] == "password_ok_mfa_required"
    assert [r["error_code"] for r in out["rows"]] == [r[4] for r in ROWS[:7]]


def test_text_report_highlights_wrong_passwords(tmp_path: Path) -> None:
    result = run_cli(["signins", str(write_json(tmp_path / "s.json", "array"))])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == '8 sign-ins read, 7 from Jamf Connect (application name containing "Jamf Connect").'
    assert any(line.startswith("! blair@contoso.com") for line in lines)
    assert any(line.startswith("  alex@contoso.com") for line in lines)
    assert "! real wrong passwords (wrong_password, e.g. AADSTS50126) for: blair@contoso.com" in lines
    # The explanation follows the designs (issue 9 §3.3): single-factor success depends on the
    # design, not on the scope alone, and no single rollout date is named for Microsoft's change.
    text = " ".join(result.stdout.split())
    for phrase in ("depends on the Conditional Access design, not on the scope alone", "design A", "design B",
                   "ROPGScopes = openid+email+profile", "concept-enforcement-resource-exclusions"):
        assert phrase in text
    assert "March 2026" not in text and "June 15" not in text
    assert "How to read this" in result.stdout and "seed" not in result.stdout


def test_app_id_filter_and_config(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", ROWS)
    out = json.loads(run_cli(["signins", str(path), "--format", "json", "--client-id", OTHER_APP.upper()]).stdout)
    assert [r["user"] for r in out["rows"]] == ["alex@contoso.com"]
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"azure:\n  tenant: contoso.onmicrosoft.com\n  client_id: {OTHER_APP}\n")
    out2 = json.loads(run_cli(["signins", str(path), "--format", "json", "--config", str(cfg)]).stdout)
    assert out2 == out


def test_several_files_add_up(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", ROWS[:4])
    b = write_json(tmp_path / "b.json", "array")
    out = json.loads(run_cli(["signins", str(a), str(b), "--format", "json"]).stdout)
    assert out["summary"]["wrong_password"] == 4 and len(out["rows"]) == 11


def test_csv_success_with_blank_code_and_spacing(tmp_path: Path) -> None:
    header = [h.upper() + "  " for h in CSV_HEADER]  # case and spacing differ between downloads
    path = write_csv(tmp_path / "s.csv", ROWS[1:2], header)
    [signin] = list(iter_signins(path))
    assert signin.error_code == 0 and signin.category == "success" and signin.app_id == CLIENT_ID


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("broken.json", '[\n{"status": {"errorCode": 0}},\n{"status": {"errorCode": 0}\n', ":3:"),
        ("broken2.json", '[\n{"status": {"errorCode": 0}} {"status": 1}]', ":2:"),
        ("scalar.json", '[1, 2]', ":1:"),
        ("nocols.csv", "Name,Value\nx,y\n", ":1:"),
        ("empty.csv", "", ":1:"),
        ("latin1.csv", None, ":2:"),
    ],
)
def test_unreadable_files_exit_2_with_line(tmp_path: Path, name: str, content: str | None, where: str) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes(b"Username,Application,Sign-in error code\nj\xf6rg@contoso.com,Jamf Connect,0\n")
    else:
        path.write_text(content, encoding="utf-8")
    result = run_cli(["signins", str(path)])
    assert result.exit_code == 2
    assert f"{path}{where}" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_broken_file_is_named(tmp_path: Path) -> None:
    good = write_json(tmp_path / "good.json", "array")
    bad1 = tmp_path / "bad1.json"
    bad1.write_text("[{]")
    missing = tmp_path / "missing.csv"
    result = run_cli(["signins", str(bad1), str(good), str(missing)])
    assert result.exit_code == 2
    assert str(bad1) in result.stderr and str(missing) in result.stderr and str(good) not in result.stderr


def test_jamf_filter_defaults_to_name() -> None:
    from profilegen.entra.signins import SignIn

    jamf = JamfFilter.of([])
    assert jamf.matches(SignIn("", "u", None, "JAMF Connect - OIDC Endpoint", 0))
    assert not jamf.matches(SignIn("", "u", CLIENT_ID, "Jamf Pro", 0))


def test_triage_core_counts(tmp_path: Path) -> None:
    result = triage_files([write_json(tmp_path / "s.json", "page")], JamfFilter.of([CLIENT_ID]))
    assert result.summary_counts() == EXPECTED_SUMMARY and result.rows_read == 8
    assert result.wrong_password_users() == ["blair@contoso.com"]
    with pytest.raises(InputError):
        triage_files([tmp_path / "nope.json"], JamfFilter.of([]))


def test_config_without_azure_block_is_usage_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("organization: Contoso\n")
    result = run_cli(["signins", str(write_json(tmp_path / "s.json", "array")), "--config", str(cfg)])
    assert result.exit_code == 2 and result.stderr.startswith(f"profilegen: {cfg}: azure:")
