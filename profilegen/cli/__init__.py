"""Command line for profilegen. ``profilegen.cli:main`` is the console script.

The commands live in one module per area and register themselves on the shared Typer app, in
the order `profilegen --help` lists them. Nothing here imports typer at module level: scripts
call `profilegen --version` to check an install, and typer's import is most of the start-up time
(issue 12), so that one question is answered before typer is loaded.

A run of one command imports only the module(s) that define it (COMMANDS, issue 21): `profilegen
validate FILE` never loads the signing, Entra ID or Jamf Pro command modules, nor builds their
Click commands. `profilegen`, `--help`, an unknown or misspelt command name and shell completion
load every module, so the listing and Click's "No such command" stay complete.

`profilegen validate PATH...` and the pre-commit hook's `validate -- PATH...` with no option load
no typer at all (cli/validate_cmd.py says how and why; cli/argv.py which lines qualify).

May import: everything; nothing imports the CLI.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from profilegen import __version__

__all__ = ["app", "main"]

# The modules of profilegen.cli that register commands, in the order `profilegen --help` lists them.
MODULES = ("generate_cmd", "profiles", "variants", "signing", "entra", "entra_ca", "jamf", "schema", "completion")
# Each top-level command or group -> the modules that register it (and its subcommands), in the
# order of the listing. tests/cli/test_lazy_commands.py holds this table to what the app registers.
COMMANDS: dict[str, tuple[str, ...]] = {
    "generate": ("generate_cmd",), "validate": ("profiles",), "rules": ("profiles",),
    "variants": ("variants",), "diff": ("variants",),
    "sign": ("signing",), "verify": ("signing",),
    "ropg-check": ("entra",), "signins": ("entra",), "schema": ("schema",), "completion": ("completion",),
    "azure": ("entra", "entra_ca"), "jamf": ("jamf",),  # groups: listed after the commands
}


def modules_for(args: list[str]) -> tuple[str, ...]:
    """The command modules a run with these arguments needs: the named command's own, else all."""
    from profilegen.cli.argv import completing

    if args and args[0] in COMMANDS and not completing(os.environ):
        return COMMANDS[args[0]]
    return MODULES


def _load_app(modules: tuple[str, ...] = MODULES) -> Any:
    from profilegen.cli.app import app
    from profilegen.cli.help import plain_help

    for name in modules:
        importlib.import_module(f"profilegen.cli.{name}")  # registers its commands on app
    whole = modules == MODULES
    if whole:
        _in_order(app)  # a process that ran one command first (tests do) registered it first
    if os.environ.get("_PROFILEGEN_COMPLETE"):  # the shell asks for completions (cli/completion.py)
        from typer._completion_classes import completion_init

        completion_init()
    plain_help(app)
    # Importing the submodule profilegen.cli.app binds the package attribute `app` to that
    # module. Once the app is whole, bind it to the Typer application, as `from profilegen.cli
    # import app` expects; until then unbind it, so that such an import loads the rest.
    if whole:
        globals()["app"] = app
    else:
        globals().pop("app", None)
    return app


def _in_order(app: Any) -> None:
    order = list(COMMANDS)

    def rank(info: Any) -> int:
        name = info.name or getattr(info.callback, "__name__", "").lower().replace("_", "-")
        return order.index(name) if name in order else len(order)

    app.registered_commands.sort(key=rank)
    app.registered_groups.sort(key=rank)


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from profilegen.cli.stdout import StdoutGuard, problem_exit

        guard = StdoutGuard(sys.stdout)
        guard.write(f"profilegen {__version__}\n")
        raise SystemExit(problem_exit(guard, 0, lambda line: sys.stderr.write(f"profilegen: {line}\n")))
    from profilegen.cli.argv import hook_arguments, plain_validate_paths

    paths = plain_validate_paths(hook_arguments(sys.argv[1:]), os.environ)
    if paths is not None:  # validate's fast path: no option to parse, so no typer (issue 21)
        from profilegen.cli.boundary import run_console
        from profilegen.cli.validate_cmd import run_plain

        run_console(lambda: run_plain(paths))
    _load_app(modules_for(sys.argv[1:]))
    from profilegen.cli.app import main as run

    run()


def __getattr__(name: str) -> Any:
    # `from profilegen.cli import app` (tests, embedding) loads the whole Typer app on first use.
    if name == "app":
        return _load_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
