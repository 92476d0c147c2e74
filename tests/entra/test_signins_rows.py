"""signins --format json: every counted row comes out once, in order, exactly as read, whatever
characters its values hold (the rows wait in the spool already serialised)."""

from __future__ import annotations

import csv
import io
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.entra.classify import category_for_code
from profilegen.entra.exportfile import decoded_lines, open_export
from profilegen.entra.report import triage_json
from profilegen.entra.rowspool import RowSpool, row_json
from profilegen.entra.signins import SignIn, Triage, _from_csv_row, iter_signins

from .conftest import CLIENT_ID, run_cli

NAMES = ["alex@contoso.com", "line\nbreak@contoso.com", "sep\u2028arator@contoso.com", 'quo"te\\@contoso.com', "\x1b[31mred@contoso.com", "émile@contoso.com"]
CODES = [0, 50076, 50126, 53003, 50158, 90055, 4242424]


def test_rows_round_trip_in_order(tmp_path):
    rng = random.Random(12)
    records = [
        {"createdDateTime": f"2026-11-20T08:{n % 60:02d}:{n % 59:02d}Z", "userPrincipalName": rng.choice(NAMES),
         "appId": CLIENT_ID, "appDisplayName": "Jamf Connect", "status": {"errorCode": rng.choice(CODES)}}
        for n in range(500)
    ]
    export = tmp_path / "signins.json"
    export.write_text(json.dumps({"value": records}), encoding="utf-8")
    result = run_cli(["signins", "--format", "json", str(export)])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert rows == [
        {"time": r["createdDateTime"], "user": r["userPrincipalName"], "app_id": CLIENT_ID,
         "error_code": r["status"]["errorCode"], "category": category_for_code(r["status"]["errorCode"])}
        for r in records
    ]


# --- The CSV hot path (issue 21) against the general one, and row_json against json.dumps ---

CELL = st.one_of(
    st.sampled_from(["", " ", "\t", "0", "50076", " 50126 ", "-5", "-0", "abc", "50076.0", "１２３", "²", "9" * 9,
                     "9" * 10, "000050126", "Success", " success ", "SUCCESS", "Failure", "Jamf Connect",
                     CLIENT_ID, f" {CLIENT_ID.upper()} ", "2026-11-20 08:00:00"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8),
)
FIELDS = ("time", "user", "app_id", "app_name", "error_code", "status")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    columns=st.permutations(range(8)).map(lambda p: p[:6]),
    absent=st.sets(st.sampled_from(["time", "app_name", "status"])),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=12),
)
def test_csv_rows_read_as_the_general_path_reads_them(tmp_path, columns, absent, rows):
    """Every row, however short, long, blank or odd, gives the SignIn that _from_csv_row gives
    for it (the general path, which short rows still take), with the same line in skip notes."""
    index = {name: col for name, col in zip(FIELDS, columns) if name not in absent}
    header = ["Other"] * 8
    spelling = {"time": "Date (UTC)", "user": "Username", "app_id": "Application ID ", "app_name": "Application",
                "error_code": "Sign-in error code", "status": "Status"}
    for name, col in index.items():
        header[col] = spelling[name]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(header)
    csv.writer(buffer).writerows(rows)
    export = tmp_path / "rows.csv"
    export.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    with export.open("rb") as raw:  # the lines as the reader sees them (a lone CR in a cell is no line end)
        reader = csv.reader(decoded_lines(open_export(raw), None))
        next(reader)
        expected = [_from_csv_row(row, index, f"{export}:{reader.line_num}") for row in reader
                    if row and any(cell.strip() for cell in row)]
    assert list(iter_signins(export)) == expected


@settings(max_examples=300, deadline=None)
@given(
    time=st.text(), user=st.text(), app_id=st.one_of(st.none(), st.text()),
    code=st.one_of(st.none(), st.integers(-(10**9), 10**9), st.sampled_from([0, 50076, 50126, 53003, 90055])),
)
def test_row_json_is_json_dumps(time, user, app_id, code):
    """Lone surrogates, control characters, U+2028, non-BMP: the row is what json.dumps writes."""
    signin = SignIn(time, user, app_id, "Jamf Connect", code)
    row = {"time": time, "user": user, "app_id": app_id, "error_code": code, "category": signin.category}
    assert row_json(signin) == json.dumps(row)


def test_spool_and_report_in_batches_keep_every_row_in_order(tmp_path):
    """More rows than a batch (spool and report): the document is the one a row-by-row join gives."""
    signins = [SignIn(f"2026-11-20T08:00:{n % 60:02d}Z", NAMES[n % len(NAMES)], CLIENT_ID, "Jamf Connect",
                      CODES[n % len(CODES)]) for n in range(2 * RowSpool.BATCH + 7)]
    result = Triage()
    with RowSpool() as spool:
        for signin in signins:
            result.add(signin)
            spool.add(signin)
        document = "".join(triage_json(result, spool.rows()))
    rows = [row_json(s) for s in signins]
    users = [{"user": u, "counts": c} for u, c in result.user_counts()]
    head = '{"summary": ' + json.dumps(result.summary_counts()) + ', "users": ' + json.dumps(users) + ', "rows": ['
    assert document == head + ", ".join(rows) + "]}\n"
    assert [SignIn(r["time"], r["user"], r["app_id"], "Jamf Connect", r["error_code"]) for r in json.loads(document)["rows"]] == signins
    with RowSpool() as spool:
        assert "".join(triage_json(Triage(), spool.rows())).endswith('"rows": []}\n')
