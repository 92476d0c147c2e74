"""One vocabulary (issue 22 §3), held to the real click tree: docs/cli.md's tables equal the
commands' options and old names, every old name still works and is hidden, every command's
help marks what it needs and ends with its exit codes, `-h` works, completion scripts run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from profilegen.cli import app
from profilegen.cli.vocabulary import EXIT_CODES, OLD_NAMES, REQUIRED
from tests.cli.test_help import COMMANDS
from tests.conftest import ROOT
from tests.entra.conftest import CLIENT_ID as ENTRA_APP
from tests.entra.conftest import PASSWORD, FakeEntra, fake_entra, run_cli  # noqa: F401 (fixture)
from tests.hardening.test_exit_codes import table as exit_table
from tests.helpers import BASE_ARGS
from tests.jamf.conftest import ENV as JAMF_ENV
from tests.jamf.conftest import fake_jamf  # noqa: F401 (fixture)
from tests.jamf.fake import CLIENT_ID as JAMF_CLIENT, CLIENT_SECRET, FakeJamf

PAGE = ROOT / "docs" / "cli.md"
NAMES = [(" ".join(path), cmd) for path, cmd in COMMANDS]


def _section(marker: str) -> list[list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    body = text.split(f"<!-- {marker}:start -->\n", 1)[1].split(f"<!-- {marker}:end -->", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")] for line in body.splitlines()[2:]]


def _shown(param: object, command: str) -> str:
    hidden = {o.old for o in OLD_NAMES if command in o.commands}
    name = next(o for o in param.opts if o.startswith("--") and o not in hidden)  # type: ignore[attr-defined]
    secondary = getattr(param, "secondary_opts", None)
    return f"{name} / {secondary[0]}" if secondary else name


def test_vocabulary_table_is_the_real_options() -> None:
    real: dict[str, set[str]] = {}
    for command, cmd in NAMES:
        for param in cmd.params:
            if param.param_type_name == "option" and not param.hidden:
                real.setdefault(_shown(param, command), set()).add(command)
    documented = {row[0].strip("`"): {c.strip() for c in row[2].split(",")} for row in _section("vocabulary")}
    assert documented == real, "a command's options changed: update the table in docs/cli.md (and apply its naming rule)"
    assert all(row[1] for row in _section("vocabulary")), "every option says what it means"


def test_old_names_table_is_the_declared_one() -> None:
    rows = [(r[0].strip("`"), r[1].strip("`"), tuple(c.strip() for c in r[2].split(",")), "" if r[3] == "kept" else r[3],
             r[4].replace("`", "")) for r in _section("old-names")]
    assert rows == [(o.old, o.new, o.commands, o.until, o.why) for o in OLD_NAMES]


@pytest.mark.parametrize("old", OLD_NAMES, ids=[f"{o.old}->{o.new}" for o in OLD_NAMES])
def test_old_name_is_an_alias_and_hidden(runner, old) -> None:
    by_name = dict(NAMES)
    for command in old.commands:
        (param,) = [p for p in by_name[command].params if old.old in p.opts]
        assert param.opts[0] == old.new, command
        help_text = runner.invoke(app, [*command.split(), "--help"]).stdout
        options = help_text.split("\nOptions:\n", 1)[1].split("\nExit codes:", 1)[0]
        assert not re.search(rf"^\s+{re.escape(old.old)}\b", options, re.M), (command, options)
        assert re.search(rf"^\s+{re.escape(old.new)}\b", options, re.M), command
        if old.until:
            assert f"{old.old} (now {old.new})" in " ".join(help_text.split()) and f"until {old.until}" in help_text


# Each old name used for real, beside its new name: the same outcome, byte for byte.
def test_file_type_old_name_works(runner, tmp_path: Path) -> None:
    outs = []
    for flag in ("--file-type", "--format"):
        out = tmp_path / flag.strip("-")
        result = runner.invoke(app, [*BASE_ARGS, flag, "plist", "--out", str(out)])
        assert result.exit_code == 0, result.stderr
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1] and all(name.endswith(".plist") for name in outs[0])


def test_variants_file_type_old_name_works(runner, tmp_path: Path) -> None:
    outs = []
    for flag in ("--file-type", "--format"):
        out = tmp_path / flag.strip("-")
        result = runner.invoke(app, ["variants", str(ROOT / "samples" / "departments.yaml"), flag, "plist", "--out", str(out)])
        assert result.exit_code == 0, result.stderr
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1] and any(name.endswith(".plist") for name in outs[0])


def test_jamf_old_names_work(fake_jamf: FakeJamf, runner, tmp_path: Path) -> None:  # noqa: F811
    assert runner.invoke(app, [*BASE_ARGS, "--out", str(tmp_path / "p")]).exit_code == 0
    files = sorted(str(p) for p in (tmp_path / "p").iterdir())
    env = {**JAMF_ENV, "PROFILEGEN_JAMF_CLIENT_ID": None, "PROFILEGEN_JAMF_CLIENT_SECRET": None}
    results = []
    for names in (("--jamf-client-id", "--password-stdin"), ("--client-id", "--secret-stdin")):
        args = ["jamf", "push", *files, "--url", fake_jamf.base, "--allow-http-loopback", "--dry-run",
                names[0], JAMF_CLIENT, names[1]]
        results.append(run_cli(args, env=env, input=CLIENT_SECRET + "\n"))
    assert [r.exit_code for r in results] == [0, 0], [r.stderr for r in results]
    assert results[0].stdout == results[1].stdout and "would create" in results[0].stdout


def test_signins_old_name_works(tmp_path: Path) -> None:
    log = tmp_path / "s.json"
    log.write_text(json.dumps([{"createdDateTime": "2026-11-20T08:01:02Z", "userPrincipalName": "a@b.c",
                                "appId": ENTRA_APP, "status": {"errorCode": 50126}}]), encoding="utf-8")
    new, old = (run_cli(["signins", str(log), "--format", "json", flag, ENTRA_APP]) for flag in ("--client-id", "--app-id"))
    assert new.exit_code == 0 and old.exit_code == 0, (new.stderr, old.stderr)
    assert new.stdout == old.stdout and "50126" in new.stdout


def test_ropg_check_accepts_client_id(fake_entra: FakeEntra) -> None:  # noqa: F811
    base = ["ropg-check", "--ropg-discovery-url", fake_entra.discovery(), "--allow-http-loopback", "--timeout", "5",
            "--password-stdin", "--username", "mfa@contoso.com"]
    new, old = (run_cli([*base, flag, ENTRA_APP], input=PASSWORD + "\n") for flag in ("--ropg-client-id", "--client-id"))
    assert new.exit_code == old.exit_code == 0, (new.stderr, old.stderr)
    assert new.stdout == old.stdout


@pytest.mark.parametrize(("command", "cmd"), NAMES, ids=[n for n, _ in NAMES])
def test_help_ends_with_the_exit_codes_of_docs_cli(runner, command, cmd) -> None:
    short = runner.invoke(app, [*command.split(), "-h"])
    long = runner.invoke(app, [*command.split(), "--help"])
    assert short.exit_code == long.exit_code == 0 and short.stdout == long.stdout
    codes = [int(c) for c in re.findall(r"^  (\d+) ", long.stdout.split("\nExit codes:\n", 1)[1], re.M)]
    assert codes == [c for c, _ in EXIT_CODES[command]]
    assert set(codes) == exit_table()[command], "docs/cli.md and --help name the same codes"


@pytest.mark.parametrize("group", [[], ["jamf"], ["azure"]])
def test_h_works_on_groups(runner, group) -> None:
    result = runner.invoke(app, [*group, "-h"])
    assert result.exit_code == 0 and result.stdout == runner.invoke(app, [*group, "--help"]).stdout


def _without(args: list[str], option: str) -> list[str]:
    at = args.index(option)
    return [*args[:at], *args[at + 2:]]


# Each required option left out, everything else given: exit 2, naming the option.
PROBES: dict[tuple[str, str], list[str]] = {
    ("generate", "--tenant"): [*_without(BASE_ARGS, "--tenant"), "--out", "OUT"],
    ("generate", "--client-id"): [*_without(BASE_ARGS, "--client-id"), "--out", "OUT"],
    ("generate", "--organization"): [*_without(BASE_ARGS, "--organization"), "--out", "OUT"],
    ("generate", "--identifier"): [*_without(BASE_ARGS, "--identifier"), "--out", "OUT"],
    ("generate", "--out"): BASE_ARGS,
    ("variants", "--out"): ["variants", str(ROOT / "samples" / "departments.yaml")],
    ("sign", "--out"): ["sign", str(ROOT / "samples" / "minimal.yaml"), "--p12", "x.p12"],
    ("sign", "--p12"): ["sign", "PROFILE", "--out", "OUT"],
    ("ropg-check", "--username"): ["ropg-check", "--tenant", "contoso.onmicrosoft.com", "--ropg-client-id", ENTRA_APP],
    ("ropg-check", "--tenant"): ["ropg-check", "--username", "a@contoso.com", "--ropg-client-id", ENTRA_APP],
    ("ropg-check", "--ropg-client-id"): ["ropg-check", "--username", "a@contoso.com", "--tenant", "contoso.onmicrosoft.com"],
    ("jamf push", "--url"): ["jamf", "push", "PROFILE"],
    ("jamf pull", "--url"): ["jamf", "pull", "--out", "OUT"],
    ("jamf pull", "--out"): ["jamf", "pull", "--url", "https://example.jamfcloud.com"],
    ("azure blueprint", "--out"): ["azure", "blueprint"],
}


def test_every_required_mark_has_a_probe() -> None:
    assert set(PROBES) == {(c, o) for c, opts in REQUIRED.items() for o in opts}


@pytest.mark.parametrize(("command", "option"), list(PROBES), ids=[f"{c} {o}" for c, o in PROBES])
def test_required_options_are_marked_and_required(runner, tmp_path: Path, command: str, option: str) -> None:
    help_text = runner.invoke(app, [*command.split(), "--help"]).stdout
    options = help_text.split("\nOptions:\n", 1)[1].split("\nExit codes:", 1)[0]
    entry = re.search(rf"^  {re.escape(option)}\b(.*?)(?=^  -)", options, re.M | re.S)
    assert entry and "[required" in " ".join(entry.group(1).split()), (command, option, options)
    profile = tmp_path / "p.mobileconfig"
    assert runner.invoke(app, [*BASE_ARGS, "--component", "login", "--out", "-"]).exit_code == 0
    profile.write_bytes(runner.invoke(app, [*BASE_ARGS, "--component", "login", "--out", "-"]).stdout_bytes)
    args = [str(profile) if a == "PROFILE" else str(tmp_path / "out") if a == "OUT" else a for a in PROBES[(command, option)]]
    result = run_cli(args, env={"PROFILEGEN_PASSWORD": None, "PROFILEGEN_JAMF_CLIENT_ID": None}, input="")
    assert result.exit_code == 2, (args, result.stderr)
    named = option if command != "sign" or option != "--p12" else "--p12 or --cert/--key"
    assert re.search(rf"{re.escape(named)}\b.*required|required.*{re.escape(named)}\b", result.stderr), result.stderr


def _complete(words: str) -> list[str]:
    script = Path(sys.executable).parent / "profilegen"
    env = {**os.environ, "_PROFILEGEN_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_scripts(runner) -> None:
    bash = runner.invoke(app, ["completion", "bash"])
    assert bash.exit_code == 0
    parsed = subprocess.run(["bash", "-n"], input=bash.stdout, capture_output=True, text=True, timeout=30)
    assert parsed.returncode == 0, parsed.stderr
    assert "complete -o default -F _profilegen_completion profilegen\n" in bash.stdout
    assert "compdef _profilegen_completion profilegen" in runner.invoke(app, ["completion", "zsh"]).stdout
    assert runner.invoke(app, ["completion", "fish"]).stdout.startswith("complete --command profilegen ")
    bad = runner.invoke(app, ["completion", "tcsh"])
    assert bad.exit_code == 2 and bad.stderr.startswith("profilegen: SHELL: 'tcsh' is not one of")


def test_completion_answers_with_current_names_only() -> None:
    # The shell's side of the script, as bash would call it.
    assert "generate" in _complete("profilegen gen")
    offered = _complete("profilegen jamf push --")
    assert "--jamf-client-id" in offered and "--password-stdin" in offered
    assert "--client-id" not in offered and "--secret-stdin" not in offered
    assert _complete("profilegen generate --file-type ") == ["mobileconfig", "plist"]


def test_docs_cli_example_runs(tmp_path: Path) -> None:
    from tests.doc_examples import run_page, sh_blocks

    done = run_page(sh_blocks(PAGE), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "_profilegen_completion" in (tmp_path / "profilegen-completion.bash").read_text(encoding="utf-8")


def test_click_tree_is_walked() -> None:
    # The walk finds every command `profilegen --help` lists (a group added later is walked too).
    top = typer.main.get_command(app)
    assert {n.split()[0] for n, _ in NAMES} == set(top.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("args", "line"), [
    (["jamf", "push", "x.mobileconfig", "--secret-stdn"],
     "profilegen: --secret-stdn: no such option for profilegen jamf push; did you mean --password-stdin?"),
    (["generate", "--formt", "plist"],
     "profilegen: --formt: no such option for profilegen generate; did you mean --file-type, --force, --out?"),
    (["validate", "--formt", "json", "x"],
     "profilegen: --formt: no such option for profilegen validate; did you mean --force, --format?"),
])
def test_typo_suggestions_name_the_current_names(runner, args, line) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and result.stderr == line + "\n"
