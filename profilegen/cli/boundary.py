"""The one error boundary of the console script: usage errors, stdout trouble, signals, bugs.

Whatever goes wrong ends as one stderr line `profilegen: <where>: <problem>; <fix>` and an exit
code from the table in docs/cli.md: 2 usage or input, 70 a bug in profilegen, 130/143 interrupted.
No typer here: validate's fast path (cli/validate_cmd.py) runs inside this boundary without it;
Click's usage errors are cli/usage.py's.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterable
from types import FrameType
from typing import NoReturn

from profilegen.cli.console import echo_raw
from profilegen.cli.stdout import StdoutGuard, problem_exit, reopen_closed_stdin_stderr
from profilegen.core.credentials import mask_credentials
from profilegen.core.errors import ProfilegenError
from profilegen.core.text import one_line

# -- signals ----------------------------------------------------------------------------------


class Signalled(BaseException):
    """SIGINT or SIGTERM, raised so that every `finally` (temporary files) runs. Not a
    KeyboardInterrupt: Typer would turn that into a silent exit 130 while it parses options."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise Signalled(signum)


def install_signal_handlers() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)


def interrupted(exc: BaseException) -> tuple[str, int]:
    """The one line and exit code (128 + signal number) for an interrupted run."""
    signum = exc.signum if isinstance(exc, Signalled) else signal.SIGINT
    what = "terminated (SIGTERM)" if signum == signal.SIGTERM else "interrupted (SIGINT)"
    return f"{what}; temporary files were removed, files already in place are complete; run it again", 128 + signum


def echo_err(line: str) -> None:
    """One line on stderr, even when stderr itself is broken (then it is lost, not a traceback).
    Problems quote values from outside (file names, keys, server text): control characters are
    escaped so they cannot steer the terminal, line feeds included (a file name holding
    "\nprofilegen: ..." must not forge a second line; every problem is one line by design), and a URL's password or token is masked
    (profilegen/core/credentials.py), since a URL from the command line or a config may carry one."""
    try:
        echo_raw(one_line(f"profilegen: {mask_credentials(line)}"), err=True)
    except (OSError, ValueError):
        pass


def run_guarded(run: Callable[[], int], *, debug: bool) -> int:
    """Run the app; return the exit code. ``run`` raises SystemExit or returns a code."""
    try:
        return run()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except (KeyboardInterrupt, Signalled) as exc:
        line, code = interrupted(exc)
        echo_err(line)
        return code
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            import traceback

            traceback.print_exc()
        echo_err(f"internal error: {type(exc).__name__}; this is a bug in profilegen"
                 + ("" if debug else "; rerun with PROFILEGEN_DEBUG=1 for details"))
        return 70


def echo_problems(lines: Iterable[str]) -> None:
    """Each problem as its own stderr line (echo_err: escaped, credentials masked)."""
    for line in lines:
        echo_err(line)


def finish(guard: StdoutGuard, code: int) -> int:
    """Flush stdout; when it failed, say so once and make sure the exit code is not 0."""
    return problem_exit(guard, code, echo_err)


def run_console(command: Callable[[], int]) -> NoReturn:
    """The console script's process around ``command`` (the Typer app, or validate's fast path):
    one line per problem, never a traceback unless PROFILEGEN_DEBUG=1, which adds the traceback
    to an internal error and keeps its exit code 70."""
    reopen_closed_stdin_stderr()
    guard = StdoutGuard(sys.stdout)
    sys.stdout = guard
    install_signal_handlers()

    def run() -> int:
        try:
            return command()
        except ProfilegenError as exc:
            echo_problems(exc.problems)
            return exc.exit_code

    code = run_guarded(run, debug=bool(os.environ.get("PROFILEGEN_DEBUG")))
    raise SystemExit(finish(guard, code))
