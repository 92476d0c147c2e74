"""Command line for profilegen. ``profilegen.cli:main`` is the console script.

The commands live in one module per area and register themselves on the shared Typer app, in
the order `profilegen --help` lists them. Nothing here imports typer at module level: scripts
call `profilegen --version` to check an install, and typer's import is most of the start-up time
(issue 12), so that one question is answered before typer is loaded.

May import: everything; nothing imports the CLI.
"""

from __future__ import annotations

import sys
from typing import Any

from profilegen import __version__

__all__ = ["app", "main"]


def _load_app() -> Any:
    # isort: off
    from profilegen.cli.app import app
    from profilegen.cli import profiles, variants, signing, entra, entra_ca, jamf, schema  # noqa: F401  (registers the commands)
    from profilegen.cli.help import plain_help
    # isort: on

    plain_help(app)
    # Importing the submodule profilegen.cli.app binds the package attribute `app` to that
    # module; bind it to the Typer application instead, as `from profilegen.cli import app` expects.
    globals()["app"] = app
    return app


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from profilegen.cli.stdout import StdoutGuard, problem_exit

        guard = StdoutGuard(sys.stdout)
        guard.write(f"profilegen {__version__}\n")
        raise SystemExit(problem_exit(guard, 0, lambda line: sys.stderr.write(f"profilegen: {line}\n")))
    _load_app()
    from profilegen.cli.app import main as run

    run()


def __getattr__(name: str) -> Any:
    # `from profilegen.cli import app` (tests, embedding) loads the Typer app on first use.
    if name == "app":
        return _load_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
