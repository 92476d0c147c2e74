"""signins reads the exports admins really have (issue 8 §1.3, §4): any encoding and delimiter
Excel or the portal produce, stdin, bad rows, files that are not sign-in logs, hostile JSON."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import run_cli
from .test_signins import CSV_HEADER, EXPECTED_SUMMARY, ROWS, graph_record

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16-le-bom": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-16-le": lambda text: text.encode("utf-16-le"),  # Excel/PowerShell output without a BOM
}


def csv_text(rows: list[tuple[str, str, str, str, int, str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(CSV_HEADER)
    for time, user, app_id, app_name, code, reason in rows:
        writer.writerow([time, "req", user.split("@")[0], user, app_name, app_id, "Microsoft Graph", "x",
                         "Success" if code == 0 else "Failure", "" if code == 0 else code, reason, "", "", "", "", "", ""])
    return out.getvalue()


def run_json(path: Path, *args: str) -> dict[str, object]:
    result = run_cli(["signins", str(path), "--format", "json", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("kind", ["csv-comma", "csv-semicolon", "csv-tab", "json"])
def test_every_encoding_and_delimiter_reads_the_same(tmp_path: Path, encoding: str, kind: str) -> None:
    if kind == "json":
        text = json.dumps({"value": [graph_record(r) for r in ROWS]}, indent=1)
    else:
        text = csv_text(ROWS, {"csv-comma": ",", "csv-semicolon": ";", "csv-tab": "\t"}[kind])
    path = tmp_path / f"export.{kind[:4]}"
    path.write_bytes(ENCODINGS[encoding](text))
    out = run_json(path)
    assert out["summary"] == EXPECTED_SUMMARY


# NUL is left out: a NUL byte in a UTF-8 file is read as binary data (exportfile.detect_encoding).
names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=12).filter(lambda s: s.strip() == s and s)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(users=st.lists(names, min_size=1, max_size=4, unique=True), encoding=st.sampled_from(sorted(ENCODINGS)),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_user_name_survives_any_encoding(tmp_path: Path, users: list[str], encoding: str, delimiter: str) -> None:
    rows = [("2026-11-20T08:00:00Z", u, "", "Jamf Connect", 50126, "x") for u in users]
    path = tmp_path / "names.csv"
    path.write_bytes(ENCODINGS[encoding](csv_text(rows, delimiter)))
    out = run_json(path)
    assert sorted(u["user"] for u in out["users"]) == sorted(users)  # type: ignore[attr-defined,index]
    text = run_cli(["signins", str(path)])
    assert text.exit_code == 0
    # The table: one line per user, between the header and the total line, whatever the names hold.
    lines = text.stdout.split("\n")
    total = next(i for i, line in enumerate(lines) if line.startswith("  total"))
    assert total == 2 + len(users)
    assert "\x1b" not in text.stdout and "\x9b" not in text.stdout


@pytest.mark.parametrize(("head", "found"), [
    (codecs.BOM_UTF32_LE + "[]".encode("utf-32-le"), "UTF-32 LE"),
    (codecs.BOM_UTF32_BE + "[]".encode("utf-32-be"), "UTF-32 BE"),
    (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
    (b"\x1f\x8b\x08\x00", "gzip"),
    (b"Username,\x00\x01\x02x\x00\x00\x00", "binary data"),
])
def test_refused_file_names_what_was_found_and_what_is_accepted(tmp_path: Path, head: bytes, found: str) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(head)
    result = run_cli(["signins", str(path)])
    assert result.exit_code == 2
    assert found in result.stderr and "accepted:" in result.stderr and f"{path}:1:" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le-bom"])
def test_json_with_bad_bytes_never_says_download_as_csv(tmp_path: Path, encoding: str) -> None:
    text = json.dumps([graph_record(r) for r in ROWS], indent=1)
    data = ENCODINGS[encoding](text)
    cut = data.index(b"Redmond" if encoding == "utf-8" else "Redmond".encode("utf-16-le"))
    bad = b"\xff\xfe\xfd" if encoding == "utf-8" else b"\x00\xdc"  # an invalid byte / a lone low surrogate
    path = tmp_path / "export.json"
    path.write_bytes(data[:cut] + bad + data[cut:])
    result = run_cli(["signins", str(path)])
    assert result.exit_code == 2, result
    assert "again as CSV" not in result.stderr and "Excel" not in result.stderr and "UTF-" in result.stderr and "accepted:" in result.stderr
    assert f"{path}:" in result.stderr


@pytest.mark.parametrize("kind", ["json", "csv"])
@pytest.mark.parametrize("code", ["abc", "9" * 4400, "5e3", "-", "１２３"])
def test_one_bad_row_is_skipped_and_named(tmp_path: Path, kind: str, code: str) -> None:
    rows = [graph_record(r) for r in ROWS]
    if kind == "json":
        rows[2]["status"]["errorCode"] = code
        path = tmp_path / "s.json"
        path.write_text("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]")
        line = 4
    else:
        path = tmp_path / "s.csv"
        path.write_text(csv_text(ROWS, ",").replace(",50126,Invalid username or password.", f",{code},Invalid.", 1))
        line = 4
    out = run_cli(["signins", str(path), "--format", "json"])
    assert out.exit_code == 0, out.stderr
    assert f"{path}:{line}: " in out.stderr and "row skipped" in out.stderr
    assert len(out.stderr.splitlines()) == 1 and len(out.stderr) < 300
    assert json.loads(out.stdout)["summary"]["wrong_password"] == 1


def test_huge_number_error_code_in_json(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('[{"userPrincipalName": "a@b.c", "appDisplayName": "Jamf Connect", "status": {"errorCode": '
                    + "7" * 4400 + "}}]")
    result = run_cli(["signins", str(path)])
    assert result.exit_code == 0 and f"{path}:1: " in result.stderr and "4400 characters" in result.stderr


def test_many_bad_rows_are_counted_not_listed(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(csv_text([("t", "u@contoso.com", "", "Jamf Connect", 0, "")], ",")
                    + "".join(f"t,r,u,u{i}@c.com,Jamf Connect,,g,x,Failure,abc{i},r,,,,,,\n" for i in range(50)))
    result = run_cli(["signins", str(path)])
    assert result.exit_code == 0
    assert result.stderr.count("row skipped") == 20 and "30 more rows could not be read" in result.stderr


@pytest.mark.parametrize("content", ['{"valu":[]}', '{"value":{"a":1}}', '[1, 2]', '[{"a": 1}]', '"text"', '{"value": 3}'])
def test_json_that_is_not_a_signin_log(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    result = run_cli(["signins", str(path)])
    assert result.exit_code == 2, result
    assert "not a sign-in log export" in result.stderr and f"{path}:1:" in result.stderr
    assert "sign-ins read" not in result.stdout


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_dash_reads_stdin(kind: str) -> None:
    text = csv_text(ROWS, ";") if kind == "csv" else json.dumps([graph_record(r) for r in ROWS])
    result = run_cli(["signins", "-", "--format", "json"], input=codecs.BOM_UTF16_LE + text.encode("utf-16-le"))  # type: ignore[arg-type]
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"] == EXPECTED_SUMMARY
    twice = run_cli(["signins", "-", "-"], input="")
    assert twice.exit_code == 2 and "once" in twice.stderr


def test_no_matching_row_says_how_many_were_read(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(csv_text([r for r in ROWS if r[3] != "Jamf Connect"] * 3, ","))
    result = run_cli(["signins", str(path)])
    assert result.exit_code == 0
    assert "none of the 3 sign-ins read matched" in result.stderr and "--client-id" in result.stderr


def test_text_output_singular_and_no_jargon(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps([{"userPrincipalName": "a@b.c", "appDisplayName": "Jamf Connect", "status": {}}]))
    result = run_cli(["signins", str(path)])
    assert result.stdout.startswith("1 sign-in read, 0 from Jamf Connect")
    assert "1 Jamf Connect sign-in has no error code" in result.stderr and "was skipped" in result.stderr
    assert "seed" not in result.stdout


def test_emoji_and_newline_names_keep_the_columns(tmp_path: Path) -> None:
    users = ["ann@contoso.com", "😀😀@contoso.com", "evil\n! forged@contoso.com", "\x1b]0;pwned\x07x@contoso.com"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps([{"userPrincipalName": u, "appDisplayName": "Jamf Connect", "status": {"errorCode": 50126}}
                                for u in users]))
    result = run_cli(["signins", str(path)])
    lines = result.stdout.split("\n")
    table = lines[1 : 2 + len(users) + 1]
    assert table[-1].startswith("  total") and not any("forged" in line and line.startswith("! forged") for line in lines)
    from profilegen.core.text import display_width

    ends = {display_width(line) for line in table}
    assert len(ends) == 1, table  # every row ends in the same terminal column
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\\x1b]0;pwned\\x07" in result.stdout


def test_lone_surrogate_user_name(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('[{"userPrincipalName": "a\\ud800b", "appDisplayName": "Jamf Connect", "status": {"errorCode": 50126}}]')
    text = run_cli(["signins", str(path)])
    assert text.exit_code == 0 and "a\\ud800b" in text.stdout
    text.stdout.encode("utf-8")
    out = run_json(path)
    assert out["users"][0]["user"] == "a\ud800b"  # type: ignore[index]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(1_000, 120_000), opener=st.sampled_from(["[", '{"a":', '{"value":[', '[{"status":{"errorCode":']),
       where=st.sampled_from(["top", "record", "field"]))
def test_deep_nesting_is_an_input_error_with_line(tmp_path: Path, depth: int, opener: str, where: str) -> None:
    closer = {"[": "]", '{"a":': "}", '{"value":[': "]}", '[{"status":{"errorCode":': "}}]"}[opener]
    deep = opener * depth + "1" + closer * depth
    record = json.dumps(graph_record(ROWS[0]))
    text = {"top": deep,
            "record": "[\n" + record + ",\n" + deep + "\n]",
            "field": "[\n" + record + ",\n" + record[:-1] + ', "extra": ' + deep + "}\n]"}[where]
    path = tmp_path / "deep.json"
    path.write_text(text)
    result = run_cli(["signins", str(path)])
    assert result.exit_code in (0, 2), result
    if result.exit_code == 2:
        assert result.stderr.startswith(f"profilegen: {path}:") and len(result.stderr.splitlines()) == 1
