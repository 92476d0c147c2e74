"""--help reads as a newcomer expects (issue 8 §6.1): flags as flags, values and arguments by
name, required options marked (generate's unless a config gives them)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from profilegen.cli import app

from .test_usage_errors import COMMANDS

TYPE_LABEL = re.compile(r"<(str|bool|int|float|path|file|dir|list\[[^\]]*\]|float range)>")


@pytest.mark.parametrize("path", [" ".join(p) for p in COMMANDS] + [""])
def test_help_shows_flags_as_flags_and_arguments_by_name(path: str) -> None:
    result = CliRunner().invoke(app, [*path.split(), "--help"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert not TYPE_LABEL.search(text), TYPE_LABEL.search(text)
    assert "{" not in text.splitlines()[0], text.splitlines()[0]
    for flag in re.findall(r"^\s+(--[a-z-]+)\s", text, re.M):
        assert f"{flag} <" not in text
    cmd = COMMANDS.get(tuple(path.split()))
    for param in getattr(cmd, "params", []):
        if param.param_type_name == "argument":
            name = param.name.upper()
            # an optional argument (rules [CODES...]) is shown in brackets, as click writes it
            usage = rf"{name}(\.\.\.)?" if param.required else rf"\[{name}(\.\.\.)?\]"
            assert re.search(rf"^Usage: .* {usage}( |$)", text, re.M), text.splitlines()[0]
            assert re.search(rf"^  {name}(\.\.\.)?\s", text, re.M), text


def test_generate_marks_what_is_required() -> None:
    text = CliRunner().invoke(app, ["generate", "--help"]).stdout
    flat = " ".join(text.split())
    for option in ("--tenant", "--client-id", "--organization", "--identifier"):
        entry = flat.split(f" {option} TEXT ", 1)[1].split("] ", 1)[0] + "]"
        assert "[required unless --config sets it]" in entry, (option, entry)
    assert "[required]" in flat.split(" --out DIR ", 1)[1].split(" --", 1)[0]
    assert "--force Overwrite" in flat


@pytest.mark.parametrize(("path", "marked"), [("variants", "--out"), ("ropg-check", "--username"), ("azure blueprint", "--out")])
def test_other_required_options_are_marked(path: str, marked: str) -> None:
    flat = " ".join(CliRunner().invoke(app, [*path.split(), "--help"]).stdout.split())
    assert "[required]" in flat.split(f" {marked} ", 1)[1].split(" --", 1)[0]
