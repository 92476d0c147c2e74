"""The exit-code table of docs/cli.md, claim by claim (issue 8, done-means), and PROFILEGEN_DEBUG (§1.6).

Each row's codes are read from the page and each must have a scenario here that produces it:
a claim added to the table without one fails the test."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from profilegen.cli import app
from tests.entra.conftest import CLIENT_ID, PASSWORD, FakeEntra, fake_entra  # noqa: F401 (fixture)
from tests.helpers import API, CLIENT, TENANT
from tests.signing.conftest import pki  # noqa: F401 (fixture)
from tests.signing.pki import PKI
from tests.variants.conftest import make_base

from .proc import env

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
CA = Path(__file__).resolve().parents[1] / "entra" / "ca_corpus"
GEN = ["generate", "--tenant", TENANT, "--client-id", CLIENT, "--custom-scope", f"api://{API}/jamfconnect",
       "--organization", "C", "--identifier", "com.c"]


def table() -> dict[str, set[int]]:
    text = PAGE.read_text(encoding="utf-8").split("## Exit codes", 1)[1]
    rows: dict[str, set[int]] = {}
    for line in text.splitlines():
        m = re.match(r"\| `([a-z -]+)` \|(.*)\|(.*)\|(.*)\|(.*)\|$", line)
        if m:
            codes = {int(c) for c, cell in zip((0, 1, 2), m.group(2, 3, 4)) if cell.strip() != "—"}
            codes |= {int(c) for c in re.findall(r"\b(\d+)\b", m.group(5))}
            rows[m.group(1)] = codes
    return rows


Scenario = Callable[[Path, list[str]], tuple[list[str], str]]


def _setup(d: Path) -> dict[str, Path]:
    good = d / "good"
    assert CliRunner().invoke(app, [*GEN, "--out", str(good)]).exit_code == 0
    login, menubar = sorted(good.iterdir())
    (d / "bad.plist").write_bytes(b"not a plist")
    (d / "v.yaml").write_text(yaml.safe_dump(make_base()), encoding="utf-8")
    (d / "broken-v.yaml").write_text("variants: [", encoding="utf-8")
    (d / "s.json").write_text(json.dumps([{"createdDateTime": "2026-11-20T08:01:02Z", "userPrincipalName": "a@b.c",
                                            "appId": CLIENT_ID, "status": {"errorCode": 50126}}]), encoding="utf-8")
    (d / "broken.json").write_text('[{"status": ', encoding="utf-8")
    return {"login": login, "menubar": menubar, "bad": d / "bad.plist", "v": d / "v.yaml", "bv": d / "broken-v.yaml",
            "s": d / "s.json", "bs": d / "broken.json"}


# (command, code) -> arguments (given the files and the ropg-check base); stdin is the password
def scenarios(f: dict[str, Path], d: Path, ropg: list[str], signer: list[str]) -> dict[tuple[str, int], list[str]]:
    return {
        ("generate", 0): [*GEN, "--out", str(d / "g0")],
        ("generate", 2): [*GEN, "--identifier", "not reverse dns!", "--out", str(d / "g2")],
        ("generate", 1): [*GEN, "--check", "--out", str(d / "g1")],  # nothing there yet: drift
        ("validate", 0): ["validate", str(f["login"])],
        ("validate", 1): ["validate", str(f["bad"])],
        ("validate", 2): ["validate", str(d / "missing.plist")],
        ("rules", 0): ["rules"],
        ("rules", 2): ["rules", "--format", "html"],
        ("variants", 0): ["variants", str(f["v"]), "--out", str(d / "v0")],
        ("variants", 1): ["variants", str(f["v"]), "--check", "--out", str(d / "v1")],
        ("variants", 2): ["variants", str(f["bv"]), "--out", str(d / "v2")],
        ("diff", 0): ["diff", str(f["login"]), str(f["login"])],
        ("diff", 1): ["diff", str(f["login"]), str(f["menubar"])],
        ("diff", 2): ["diff", str(f["login"]), str(d / "missing")],
        ("sign", 0): ["sign", str(f["login"]), *signer, "--out", str(d / "signed")],
        ("sign", 2): ["sign", str(f["login"]), *signer, "--out", str(d / "signed")],  # exists, no --force
        ("verify", 0): ["verify", str(d / "signed" / f["login"].name)],
        ("verify", 1): ["verify", str(f["login"])],  # unsigned
        ("verify", 2): ["verify", str(d / "missing")],
        ("ropg-check", 0): [*ropg, "--username", "mfa@contoso.com"],
        ("ropg-check", 1): [*ropg, "--username", "wrong@contoso.com"],
        ("ropg-check", 2): [*ropg, "--username", "wrong@contoso.com", "--timeout", "nan"],
        ("ropg-check", 3): [*ropg, "--username", "public@contoso.com"],
        ("signins", 0): ["signins", str(f["s"])],
        ("signins", 2): ["signins", str(f["bs"])],
        ("signins", 3): ["signins", "--graph", "--token-stdin", "--client-id", CLIENT, "--graph-url", "http://127.0.0.1:9",
                         "--allow-http-loopback", "--timeout", "2"],
        ("azure blueprint", 0): ["azure", "blueprint", "--out", str(d / "b0")],
        ("azure blueprint", 2): ["azure", "blueprint", "--out", str(d / "b0")],  # written just before
        ("schema", 0): ["schema", "config"],
        ("schema", 2): ["schema", "nonsense"],
        ("azure ca-check", 0): ["azure", "ca-check", "--policies", str(CA / "05-api-app-mfa.json"), "--ca-design", "A", "--api-app-id", API, "--client-id", CLIENT],
        ("azure ca-check", 1): ["azure", "ca-check", "--policies", str(CA / "01-all-resources-mfa.json"), "--profile", str(f["login"])],
        ("azure ca-check", 2): ["azure", "ca-check", "--profile", str(f["login"])],  # no policies
        ("azure ca-check", 3): ["azure", "ca-check", "--graph", "--graph-client-id", CLIENT, "--tenant", TENANT, "--profile", str(f["login"]),
                                "--graph-url", "http://127.0.0.1:9", "--login-url", "http://127.0.0.1:9", "--allow-http-loopback", "--timeout", "2"],
        ("completion", 0): ["completion", "bash"],
        ("completion", 2): ["completion", "tcsh"],
        ("jamf push", 2): ["jamf", "push", str(f["bad"]), "--url", "http://127.0.0.1:9", "--allow-http-loopback"],
        ("jamf push", 3): ["jamf", "push", str(f["login"]), "--url", "http://127.0.0.1:9", "--allow-http-loopback", "--timeout", "2"],
        ("jamf pull", 2): ["jamf", "pull", "--out", str(d / "jp"), "--url", "ftp://jamf.example.com"],
        ("jamf pull", 3): ["jamf", "pull", "--out", str(d / "jp"), "--url", "http://127.0.0.1:9", "--allow-http-loopback", "--timeout", "2"],
    }


# A function each command calls: replaced by one that raises, to stand for a bug (exit 70).
BREAK = {"generate": "profilegen.generate.pipeline:generate", "validate": "profilegen.validate.pipeline:iter_results",
         "rules": "profilegen.rules:load_all", "variants": "profilegen.variants.pipeline:load_variant_file",
         "diff": "profilegen.variants.diff:diff_bytes", "ropg-check": "profilegen.entra.ropg:check_password",
         "signins": "profilegen.entra.signins:triage_files", "azure blueprint": "profilegen.entra.blueprint:render_blueprint",
         "sign": "profilegen.signing.sign:sign_bytes", "verify": "profilegen.signing.verify:verify_bytes",
         "schema": "profilegen.variants.schema:SCHEMAS", "jamf push": "profilegen.jamf.inputs:jamf_url",
         "jamf pull": "profilegen.jamf.inputs:jamf_url", "completion": "typer._completion_shared:get_completion_script",
         "azure ca-check": "profilegen.entra.ca:check"}
# Claims that need a whole Jamf Pro imitation are proven by its own suite; named here so that a
# claim without any test still fails.
# Each names the test function, which must run that subcommand and assert that exit code on its
# result (issue 23: a file that merely contains the text proves nothing).
ELSEWHERE = {("jamf push", 0): "tests/jamf/test_push_e2e.py::test_round_trip",
             ("jamf push", 1): "tests/jamf/test_connection.py::test_500_is_not_retried_and_others_still_pushed",
             ("jamf pull", 0): "tests/jamf/test_push_e2e.py::test_round_trip"}


def proves(where: str, command: str, code: int) -> bool:
    """Whether test function ``where`` (path::name) assigns ``x = jamf(fake, SUB, ...)`` and
    asserts ``x.exit_code == code`` for the same ``x``."""
    import ast

    path, name = where.split("::")
    tree = ast.parse((Path(__file__).resolve().parents[2] / path).read_text(encoding="utf-8"))
    funcs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name]
    if not funcs:
        return False
    results = set()
    for node in ast.walk(funcs[0]):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.value.args) > 1
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "jamf"
                and isinstance(node.value.args[1], ast.Constant) and node.value.args[1].value == command.split()[1]):
            results.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in ast.walk(funcs[0]):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "exit_code":
            if (isinstance(node.left.value, ast.Name) and node.left.value.id in results and isinstance(node.ops[0], ast.Eq)
                    and isinstance(node.comparators[0], ast.Constant) and node.comparators[0].value == code):
                return True
    return False
JAMF_ENV = {"PROFILEGEN_JAMF_CLIENT_ID": "client", "PROFILEGEN_JAMF_CLIENT_SECRET": "not-a-real-secret",
            "PROFILEGEN_JAMF_BACKOFF_SCALE": "0.001"}
DRIVER = """
import importlib, sys
module, name = sys.argv[1].split(":")
def planted(*args, **kwargs):
    raise RuntimeError("planted bug")
setattr(importlib.import_module(module), name, planted)
sys.argv = ["profilegen", *sys.argv[2:]]
from profilegen.cli import main
main()
"""


@pytest.fixture
def ropg(fake_entra: FakeEntra) -> list[str]:  # noqa: F811
    return ["ropg-check", "--ropg-discovery-url", fake_entra.discovery(), "--ropg-client-id", CLIENT_ID,
            "--allow-http-loopback", "--timeout", "5", "--password-stdin"]


def signer_args(pki: PKI) -> list[str]:  # noqa: F811
    leaf = pki["codesign"]
    return ["--cert", str(leaf.cert_pem), "--key", str(leaf.key_pem), *(["--chain", str(leaf.chain_pem)] if leaf.chain_pem else [])]


def test_every_claim_in_the_table_happens(tmp_path: Path, ropg: list[str], pki: PKI) -> None:  # noqa: F811
    claims = table()
    assert set(claims) == set(BREAK), "every command has a row"
    cases = scenarios(_setup(tmp_path), tmp_path, ropg, signer_args(pki))
    for command, codes in claims.items():
        assert {c for c in codes if c != 70} == {c for cmd, c in [*cases, *ELSEWHERE] if cmd == command}, command
    for (command, code), where in ELSEWHERE.items():
        assert proves(where, command, code), (command, code, where)
    for (command, code), args in cases.items():
        result = CliRunner().invoke(app, args, input=PASSWORD + "\n", env=JAMF_ENV)
        assert result.exit_code == code, (command, code, result.stderr)
        if code == 2:
            assert result.stderr.startswith("profilegen: ") and "Traceback" not in result.stderr, (command, result.stderr)


def _planted(command: str, args: list[str], debug: bool) -> subprocess.CompletedProcess[str]:
    extra = {"PROFILEGEN_PASSWORD": PASSWORD, **JAMF_ENV, **({"PROFILEGEN_DEBUG": "1"} if debug else {})}
    return subprocess.run([sys.executable, "-c", DRIVER, BREAK[command], *args], capture_output=True, text=True,
                          env=env(extra), timeout=60, check=False)


def test_a_claim_elsewhere_must_be_asserted_there() -> None:
    assert proves("tests/jamf/test_push_e2e.py::test_round_trip", "jamf push", 0)
    assert not proves("tests/jamf/test_push_e2e.py::test_round_trip", "jamf push", 3)  # not asserted there
    assert not proves("tests/jamf/test_push_e2e.py::no_such_test", "jamf push", 0)
    # test_push_rules.py has "exit_code == 1" and "push" in it, but this test asserts 2 and 0.
    assert not proves("tests/jamf/test_push_rules.py::test_validation_errors_stop_the_push", "jamf push", 1)
    assert proves("tests/jamf/test_push_rules.py::test_validation_errors_stop_the_push", "jamf push", 2)


@pytest.mark.parametrize("command", list(BREAK))
def test_a_bug_is_exit_70_for_every_command(command: str, tmp_path: Path, pki: PKI) -> None:  # noqa: F811
    cases = scenarios(_setup(tmp_path), tmp_path, ["ropg-check", "--tenant", TENANT, "--ropg-client-id", CLIENT_ID], signer_args(pki))
    args = cases[(command, 3)] if command.startswith("jamf") else cases[(command, 0)]
    if command == "verify":  # a signed file, so that the verifier is called
        assert CliRunner().invoke(app, cases[("sign", 0)]).exit_code == 0
        args = cases[("verify", 0)]
    args = [a for a in args if a != "--password-stdin"]
    done = _planted(command, args, debug=False)
    assert done.returncode == 70, done.stderr
    assert re.fullmatch(r"profilegen: internal error: \w+; this is a bug in profilegen; "
                        r"rerun with PROFILEGEN_DEBUG=1 for details\n", done.stderr), done.stderr
    assert 70 in table()[command]


@pytest.mark.parametrize("command", ["ropg-check", "generate"])
def test_debug_prints_the_traceback_and_keeps_70(command: str, tmp_path: Path) -> None:
    """Before: PROFILEGEN_DEBUG=1 re-raised, so Python exited 1, which for ropg-check means
    wrong_password."""
    cases = scenarios(_setup(tmp_path), tmp_path, ["ropg-check", "--tenant", TENANT, "--ropg-client-id", CLIENT_ID], [])
    args = [a for a in cases[(command, 0)] if a != "--password-stdin"]
    done = _planted(command, args, debug=True)
    assert done.returncode == 70, done.stderr
    assert "Traceback (most recent call last)" in done.stderr and "RuntimeError: planted bug" in done.stderr
    assert done.stderr.splitlines()[-1] == "profilegen: internal error: RuntimeError; this is a bug in profilegen"
    assert PASSWORD not in done.stderr


WAITING = {  # commands that block reading stdin: a signal arrives while they wait
    "validate -": ["validate", "-"],
    "ropg-check --password-stdin": ["ropg-check", "--username", "a@contoso.com", "--tenant", TENANT,
                                    "--ropg-client-id", CLIENT_ID, "--password-stdin"],
}


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("case", list(WAITING))
def test_signals_while_waiting(case: str, name: str) -> None:
    sig, code = {"SIGINT": (signal.SIGINT, 130), "SIGTERM": (signal.SIGTERM, 143)}[name]
    from .proc import start, wait_blocked_on_stdin

    proc = start(WAITING[case], stdin=subprocess.PIPE)
    wait_blocked_on_stdin(proc)  # started and blocked on stdin, so the signal reaches the handler
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    words = "interrupted (SIGINT)" if sig == signal.SIGINT else "terminated (SIGTERM)"
    assert err.startswith(f"profilegen: {words}; ") and len(err.splitlines()) == 1, err
    assert "Traceback" not in err and "Aborted" not in err

