"""What `--help` shows, for every command (issue 22): walked over the real click tree, so a new
command or option is held to it without a test of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer

from profilegen.cli import app


def walk(group: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        if getattr(cmd, "commands", None):
            yield from walk(cmd, (*path, name))
        else:
            yield (*path, name), cmd


COMMANDS = list(walk(typer.main.get_command(app)))


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_negative_flags_are_shown(runner, path, cmd) -> None:
    out = runner.invoke(app, [*path, "--help"]).stdout
    for param in cmd.params:
        if getattr(param, "secondary_opts", None) and not param.hidden:
            assert f"{param.opts[0]} / {param.secondary_opts[0]}" in out, (path, param.name)
