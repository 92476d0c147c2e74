"""azure ca-check --graph against the loopback Graph look-alike (tests/entra/graph_fake.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.entra.conftest import run_cli
from tests.entra.graph_fake import GRAPH_APP, SECRET, TENANT, TOKEN, FakeGraph, fake_graph, graph_args  # noqa: F401
from tests.helpers import API, CLIENT

CORPUS = Path(__file__).parent / "ca_corpus"
NAMES = ["01-all-resources-mfa", "02-all-resources-mfa-exclude-api", "05-api-app-mfa", "11-disabled-all-mfa",
         "12-report-only-all-mfa"]
DESIGN = ["--ca-design", "B", "--client-id", CLIENT, "--api-app-id", API]


def load(fake: FakeGraph) -> None:
    fake.policies = [json.loads((CORPUS / f"{n}.json").read_text(encoding="utf-8")) for n in NAMES]


def ca_check(fake: FakeGraph, *extra: str, input: str = TOKEN + "\n") -> tuple[int, str, str]:
    done = run_cli(["azure", "ca-check", "--graph", "--token-stdin", *graph_args(fake), *DESIGN, *extra], input=input)
    assert TOKEN not in done.stdout + done.stderr
    return done.exit_code, done.stdout, done.stderr


def test_paged_policies_give_the_same_answer_as_the_file(fake_graph: FakeGraph, tmp_path: Path) -> None:
    load(fake_graph)
    code, out, err = ca_check(fake_graph, "--format", "json")
    gets = [r for r in fake_graph.requests if r["method"] == "GET"]
    assert len(gets) == 3 and [r["query"].get("$skiptoken") for r in gets] == [None, ["2"], ["4"]]
    assert all(r["authorization"] == f"Bearer {TOKEN}" for r in gets)
    assert gets[0]["path"] == "/v1.0/identity/conditionalAccess/policies"
    (tmp_path / "p.json").write_text(json.dumps({"value": fake_graph.policies}), encoding="utf-8")
    offline = run_cli(["azure", "ca-check", "--policies", str(tmp_path / "p.json"), *DESIGN, "--format", "json"])
    assert code == offline.exit_code == 1  # 01 puts MFA on the API app's password check
    assert json.loads(out) == json.loads(offline.stdout)


def test_client_credentials_with_the_secret_on_stdin(fake_graph: FakeGraph) -> None:
    load(fake_graph)
    done = run_cli(["azure", "ca-check", "--graph", "--tenant", TENANT, "--graph-client-id", GRAPH_APP, *graph_args(fake_graph),
                    *DESIGN], input=SECRET + "\n")
    assert done.exit_code == 1 and "fits design B: no" in done.stdout, done.stderr
    (post,) = [r for r in fake_graph.requests if r["method"] == "POST"]
    assert post["path"] == f"/{TENANT}/oauth2/v2.0/token"
    assert post["form"]["scope"] == [f"{fake_graph.base}/.default"] and post["form"]["grant_type"] == ["client_credentials"]


def test_a_wrong_secret_is_exit_3_and_never_shown(fake_graph: FakeGraph) -> None:
    done = run_cli(["azure", "ca-check", "--graph", "--tenant", TENANT, "--graph-client-id", GRAPH_APP, *graph_args(fake_graph),
                    *DESIGN], input="wrong-secret-value-123\n")
    assert done.exit_code == 3
    assert "token endpoint: HTTP 401 (invalid_client AADSTS7000215: Invalid client secret provided." in done.stderr
    assert "wrong-secret-value-123" not in done.stdout + done.stderr and "********" in done.stderr


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("forbidden", "HTTP 403 (Authorization_RequestDenied Insufficient privileges to complete the operation.): the token lacks Policy.Read.All"),
        ("throttle-forever", "HTTP 429 (TooManyRequests Too many requests): Graph is throttling this tenant; try again later"),
        ("echo-token", "HTTP 500 (InternalServerError bad token ******** \\x1b]0;x\\x07)"),
        ("not-json", "the answer is not JSON; is --graph-url Microsoft Graph?"),
        ("no-value", 'page 1 has no "value" list'),
        ("deep", "the answer is not JSON"),
        ("evil-next", "@odata.nextLink points away from http://127.0.0.1:"),
    ],
)
def test_hostile_or_refusing_graph_is_exit_3_with_one_line(fake_graph: FakeGraph, mode: str, message: str) -> None:
    load(fake_graph)
    fake_graph.mode = mode
    code, out, err = ca_check(fake_graph)
    assert code == 3 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert "\x1b" not in err
    if mode == "evil-next":
        assert len([r for r in fake_graph.requests if r["method"] == "GET"]) == 1  # the token went nowhere else


def test_throttling_is_retried_as_retry_after_asks(fake_graph: FakeGraph) -> None:
    load(fake_graph)
    fake_graph.mode = "throttle-once"
    code, out, err = ca_check(fake_graph)
    assert code == 1 and "fits design B: no" in out
    assert "profilegen: HTTP 429; retry 1 of 3 in 0 s (as Retry-After asks)" in err


def test_a_refused_token(fake_graph: FakeGraph) -> None:
    code, out, err = ca_check(fake_graph, input="not-the-token\n")
    assert code == 3 and "HTTP 401 (InvalidAuthenticationToken Access token validation failure.): Graph refused the token" in err
    assert "not-the-token" not in err


def test_a_broken_policy_from_graph_is_the_servers_fault(fake_graph: FakeGraph) -> None:
    fake_graph.policies = [{"displayName": "X", "state": "enabled", "conditions": {"applications": {"includeApplications": "All"}}}]
    code, _, err = ca_check(fake_graph)
    assert code == 3 and "Graph policy 1: policy 'X': conditions.applications.includeApplications must be a list of strings" in err


def test_unreachable_graph_is_exit_3(tmp_path: Path) -> None:
    done = run_cli(["azure", "ca-check", "--graph", "--token-stdin", "--graph-url", "http://127.0.0.1:9", "--allow-http-loopback",
                    *DESIGN], input=TOKEN)
    assert done.exit_code == 3 and "Cannot reach 127.0.0.1" in done.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--graph", "--policies", "x.json", "--token-stdin"], TOKEN, "--graph: give either --policies or --graph, not both"),
        (["--graph"], "", "--tenant: required with --graph unless --token-stdin"),
        (["--graph", "--tenant", TENANT], SECRET, "--graph-client-id: required with --graph"),
        (["--graph", "--token-stdin"], "", "--token-stdin: stdin is empty; pipe the token into profilegen"),
        (["--graph", "--token-stdin"], "tok\x1ben", "--token-stdin: the first line of stdin holds characters no token or secret has"),
        (["--graph", "--token-stdin", "--graph-url", "http://graph.example.com"], TOKEN, "--graph-url: http://graph.example.com uses http://"),
        (["--graph", "--tenant", "common", "--graph-client-id", GRAPH_APP], SECRET, "--tenant: 'common' is a multi-tenant authority"),
        (["--policies", str(CORPUS), "--token-stdin"], TOKEN, "--token-stdin: only with --graph; add --graph or drop --token-stdin"),
    ],
)
def test_graph_usage_errors_are_exit_2(args: list[str], stdin: str, message: str) -> None:
    done = run_cli(["azure", "ca-check", *args, *DESIGN], input=stdin)
    assert done.exit_code == 2, done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert TOKEN not in done.stderr and SECRET not in done.stderr
