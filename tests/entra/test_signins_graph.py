"""signins --graph: the sign-in log read live (GET /v1.0/auditLogs/signIns) against the Graph
look-alike, with the same triage as an export of the same records."""

from __future__ import annotations

import json
import urllib.parse
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from profilegen.core.errors import InputError
from profilegen.entra.graph import signins_path, window_start
from tests.entra.conftest import run_cli
from tests.entra.graph_fake import TOKEN, FakeGraph, fake_graph, graph_args  # noqa: F401
from tests.helpers import CLIENT

OTHER = "11111111-2222-4333-8444-555555555555"


def signin(user: str, code: int, app: str = CLIENT, when: str = "2026-12-01T08:00:00Z") -> dict[str, Any]:
    # Fields of a Graph signIn (https://learn.microsoft.com/en-us/graph/api/resources/signin).
    return {"id": f"req-{user}-{code}", "createdDateTime": when, "userPrincipalName": user, "appId": app,
            "appDisplayName": "Jamf Connect", "clientAppUsed": "Mobile Apps and Desktop clients",
            "status": {"errorCode": code, "failureReason": "Other.", "additionalDetails": None}}


RECORDS = [signin("alex@contoso.com", 50076), signin("alex@contoso.com", 50076), signin("kim@contoso.com", 50126),
           signin("sam@contoso.com", 0), signin("lee@contoso.com", 50126, app=OTHER)]


def run(fake: FakeGraph, *extra: str, input: str = TOKEN + "\n") -> Any:
    done = run_cli(["signins", "--graph", "--token-stdin", "--client-id", CLIENT, *graph_args(fake), *extra], input=input)
    assert TOKEN not in done.stdout + done.stderr
    return done


def test_graph_sign_ins_are_paged_filtered_and_triaged_like_an_export(fake_graph: FakeGraph, tmp_path: Path) -> None:
    fake_graph.signins = RECORDS
    done = run(fake_graph, "--since", "7d")
    assert done.exit_code == 0, done.stderr
    gets = [r for r in fake_graph.requests if r["method"] == "GET"]
    assert [g["path"] for g in gets] == ["/v1.0/auditLogs/signIns"] * 3
    (filt,) = gets[0]["query"]["$filter"]
    start = datetime.strptime(filt.split(" ge ")[1].split(" and ")[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - start) - timedelta(days=7)) < timedelta(minutes=5)
    assert filt.endswith(f" and (appId eq '{CLIENT}')") and gets[0]["query"]["$top"] == ["1000"]
    assert all(g["query"]["$filter"] == [filt] for g in gets)  # the nextLink keeps the filter
    export = tmp_path / "s.json"
    export.write_text(json.dumps({"value": RECORDS}), encoding="utf-8")
    offline = run_cli(["signins", str(export), "--client-id", CLIENT])
    assert done.stdout == offline.stdout and "kim@contoso.com" in done.stdout
    js = run(fake_graph, "--format", "json")
    doc = json.loads(js.stdout)
    assert doc["summary"]["password_ok_mfa_required"] == 2 and doc["summary"]["wrong_password"] == 1
    assert [r["user"] for r in doc["rows"]] == ["alex@contoso.com", "alex@contoso.com", "kim@contoso.com", "sam@contoso.com"]


def test_a_record_that_is_not_a_sign_in_is_skipped_and_named(fake_graph: FakeGraph) -> None:
    fake_graph.signins = [RECORDS[0], "\x1b]0;x\x07", RECORDS[2]]
    done = run(fake_graph)
    assert done.exit_code == 0
    assert "profilegen: warning: Graph:2: a sign-in must be a JSON object, found a string; row skipped" in done.stderr


def test_max_rows_bounds_the_read(fake_graph: FakeGraph) -> None:
    fake_graph.signins = RECORDS
    done = run(fake_graph, "--max-rows", "3")
    assert done.exit_code == 3 and "Graph auditLogs/signIns: more than 3 items; narrow the query" in done.stderr


def test_a_token_without_audit_log_permission(fake_graph: FakeGraph) -> None:
    fake_graph.mode = "forbidden"
    done = run(fake_graph)
    assert done.exit_code == 3 and "the token lacks AuditLog.Read.All" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["signins", "--graph", "--token-stdin"], "--client-id: required with --graph"),
        (["signins", "--graph", "--token-stdin", "--client-id", "jamf"], "--client-id: 'jamf' is not a client ID GUID"),
        (["signins", "--graph", "--token-stdin", "--client-id", CLIENT, "--since", "yesterday"], "--since: 'yesterday' is not a time"),
        (["signins", "--graph", "--token-stdin", "--client-id", CLIENT, "--since", "90d"], "is more than 30 days ago"),
        (["signins", "--graph", "--token-stdin", "--client-id", CLIENT, "x.csv"], "--graph: give either export files or --graph"),
        (["signins"], "FILE: missing; give one or more exported sign-in logs (or - for stdin), or use --graph"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    done = run_cli(args, input=TOKEN)
    assert done.exit_code == 2 and message in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_time_window_and_query() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
    assert window_start("24h", now) == datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert window_start("2026-11-20", now) == datetime(2026, 11, 20, tzinfo=timezone.utc)
    assert window_start("2026-11-20T08:00:00+02:00", now) == datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
    with pytest.raises(InputError, match="in the future"):
        window_start("2027-01-01", now)
    path = signins_path([CLIENT, OTHER], datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["$filter"] == [f"createdDateTime ge 2026-11-20T06:00:00Z and (appId eq '{CLIENT}' or appId eq '{OTHER}')"]


def test_the_entra_commands_page_example(fake_graph: FakeGraph, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import re
    import shlex
    import shutil

    from tests.conftest import ROOT

    page = (ROOT / "docs" / "entra-commands.md").read_text(encoding="utf-8")
    line = re.findall(r"```sh\n(.*?)```", page, flags=re.S)[1].strip()
    source, command = line.split(" | ")
    assert source.startswith("az account get-access-token")
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    fake_graph.signins = RECORDS
    done = run_cli([*shlex.split(command)[1:], *graph_args(fake_graph)], input=TOKEN + "\n")
    assert done.exit_code == 0, done.stderr
    assert "kim@contoso.com" in done.stdout and "lee@contoso.com" not in done.stdout
    (get,) = [r for r in fake_graph.requests if r["method"] == "GET"][:1]
    assert f"appId eq '{CLIENT}'" in get["query"]["$filter"][0]
