"""Issue 19 class 1: a committed file name never becomes an option of the pre-commit hook.

A broken profile committed as ``--output=planted.plist`` was read as ``--output``: the hook said
"Passed", never validated it, and wrote ``planted.plist``. The command line pre-commit builds
(ENTRY + ARGS + FILES, pre-commit.com/#hooks-entry) is run here in-process, from the entry in
.pre-commit-hooks.yaml; tests/ci/test_precommit.py runs pre-commit itself."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from profilegen.cli import app
from profilegen.cli.app import hook_arguments
from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases"
BROKEN = CASES / "PG403" / "fail-placeholder.login.plist"
WARNS = CASES / "PG402" / "fail-no-ropg-scopes.login.plist"


def hook_command(args: list[str], files: list[str]) -> list[str]:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    entry = shlex.split(hooks["profilegen-validate"]["entry"])
    assert entry[0] == "profilegen"
    return hook_arguments([*entry[1:], *args, *files])  # what main() hands to the app


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "--output=planted.plist").write_bytes(BROKEN.read_bytes())
    (tmp_path / "--strict.login.plist").write_bytes(WARNS.read_bytes())
    return tmp_path


def test_a_file_named_like_an_option_is_validated_and_nothing_is_written(repo: Path) -> None:
    result = CliRunner().invoke(app, hook_command([], ["--output=planted.plist"]))
    assert result.exit_code == 1, result.output
    assert "--output=planted.plist:5: OIDCClientID: PG403 error" in result.stdout
    assert sorted(p.name for p in repo.iterdir()) == ["--output=planted.plist", "--strict.login.plist"]


def test_hook_options_end_with_their_own_double_dash(repo: Path) -> None:
    # --strict from args applies (a warning fails); the file --strict.login.plist is a file.
    strict = CliRunner().invoke(app, hook_command(["--strict", "--"], ["--strict.login.plist"]))
    assert strict.exit_code == 1 and "--strict.login.plist" in strict.stdout and "PG402 warning" in strict.stdout
    plain = CliRunner().invoke(app, hook_command([], ["--strict.login.plist"]))
    assert plain.exit_code == 0, plain.output


def test_options_without_the_second_double_dash_fail_closed(repo: Path) -> None:
    result = CliRunner().invoke(app, hook_command(["--strict"], ["--strict.login.plist"]))
    assert result.exit_code == 2
    assert result.stderr == ("profilegen: --strict: no such file or directory; after '--' options are file names "
                             "(in a pre-commit hook, end args with '--': args: [--strict, --])\n")


def test_hook_arguments_leaves_other_command_lines_alone() -> None:
    for args in (["validate", "a.plist"], ["validate", "--", "-x.plist"], ["diff", "--", "a", "--", "b"], ["validate"]):
        assert hook_arguments(args) == args
    assert hook_arguments(["validate", "--", "--strict", "--", "--x.plist"]) == ["validate", "--strict", "--", "--x.plist"]


@pytest.mark.parametrize("command", [["diff", "--"], ["verify", "--"], ["sign", "--p12", "none.p12", "--out", "o", "--"]])
def test_other_commands_take_double_dash_before_files(repo: Path, command: list[str]) -> None:
    """diff/verify/sign read a file named like an option after '--' as a file, never as an option."""
    args = [*command, "--output=planted.plist"] + (["--output=planted.plist"] if command[0] == "diff" else [])
    result = CliRunner().invoke(app, args)
    assert "no such option" not in result.output and "Traceback" not in result.output
    assert not (repo / "planted.plist").exists() and not (repo / "o").exists()
    assert result.exit_code in (0, 1, 2), result.output
