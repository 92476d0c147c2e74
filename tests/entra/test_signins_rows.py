"""signins --format json: every counted row comes out once, in order, exactly as read, whatever
characters its values hold (the rows wait in the spool already serialised)."""

from __future__ import annotations

import json
import random

from profilegen.entra.classify import category_for_code

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
