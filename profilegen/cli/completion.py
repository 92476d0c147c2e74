"""profilegen completion bash|zsh|fish: the script that makes the shell complete profilegen's
commands, options and choices.

The scripts and the completion protocol are Typer's (typer._completion_shared, the same in every
typer the project allows, 0.26-0.28): the script calls profilegen back with
_PROFILEGEN_COMPLETE=complete_<shell> set, and cli/__init__.py registers Typer's shell classes
only then, so a normal run never imports them.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from profilegen.cli.app import app

COMPLETE_VAR = "_PROFILEGEN_COMPLETE"


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command("completion")
def completion(shell: Annotated[Shell, typer.Argument(help="bash, zsh or fish.")]) -> None:
    """Print the shell completion script for bash, zsh or fish.

    bash: add  eval "$(profilegen completion bash)"  to ~/.bashrc (bash 4.4 or newer).
    zsh:  add  eval "$(profilegen completion zsh)"  to ~/.zshrc.
    fish: profilegen completion fish > ~/.config/fish/completions/profilegen.fish"""
    from typer._completion_shared import get_completion_script

    script = get_completion_script(prog_name="profilegen", complete_var=COMPLETE_VAR, shell=shell.value)
    sys.stdout.write(script if script.endswith("\n") else script + "\n")
    sys.stdout.flush()
