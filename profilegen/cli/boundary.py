"""The one error boundary of the console script: usage errors, stdout trouble, signals, bugs.

Whatever goes wrong ends as one stderr line `profilegen: <where>: <problem>; <fix>` and an exit
code from the table in docs/cli.md: 2 usage or input, 70 a bug in profilegen, 130/143 interrupted.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

import typer
from typer import _click as click  # typer vendors click; its exceptions are only reachable here

from profilegen.cli.stdout import StdoutGuard, problem_exit
from profilegen.core.credentials import mask_credentials
from profilegen.core.text import one_line

# C0 and C1 controls and DEL: a user's token echoed back must not break the line or drive the terminal.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ECHO_LIMIT = 80


def shown(token: object) -> str:
    """A value the user typed, safe to echo in a one-line message: controls escaped, cut to 80."""
    text = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", str(token))
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."


# -- usage errors -----------------------------------------------------------------------------

_PREFIXES = (
    re.compile(r"^Invalid value for '[^']*': "),
    re.compile(r"^Invalid value: "),
    re.compile(r"^Option '[^']*' "),
    re.compile(r"^[Vv]alue error, "),
)


def usage_line(exc: Any) -> str:
    """Click's usage error as `<option>: <problem>; <fix>`, instead of a usage block and a box."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "profilegen"
    fix = f"see '{shown(command)} --help'"
    param = getattr(exc, "param", None)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if isinstance(exc, click.exceptions.NoSuchOption):
        from profilegen.cli.vocabulary import command_name, old_names

        # Suggest the current names: an old one (still accepted, cli/vocabulary.py) as its new name.
        renamed = {o.old: o.new for o in old_names(command_name(ctx))} if ctx is not None else {}
        near = ", ".join(sorted({renamed.get(p, p) for p in exc.possibilities or ()}))
        hint = f"did you mean {near}?" if near else fix
        return f"{shown(exc.option_name)}: no such option for {command}; {hint}"
    if isinstance(exc, click.exceptions.MissingParameter) and param is not None:
        return f"{_param_name(param)}: required, missing; {fix}"
    if param is not None:
        return f"{_param_name(param)}: {_problem(message)}; {fix}"
    if isinstance(exc, click.exceptions.BadOptionUsage):
        return f"{shown(exc.option_name)}: {_problem(message)}; {fix}"
    if isinstance(exc, click.exceptions.FileError):
        return f"{shown(exc.ui_filename)}: {_problem(exc.message or 'cannot open')}; {fix}"
    unknown = re.match(r"No such command '(.*)'\.(.*)$", message, re.S)
    if unknown:
        hint = unknown.group(2).strip().lower().rstrip("?") or ""
        return f"{shown(unknown.group(1))}: no such command; {hint + '?' if hint else fix}"
    return f"{command}: {_problem(message)}; {fix}"


def _param_name(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "argument":
        return str(param.metavar or param.name.upper())
    opts = [o for o in param.opts if o.startswith("--")] or list(param.opts)
    return str(opts[0])


def _problem(message: str) -> str:
    for prefix in _PREFIXES:
        message = prefix.sub("", message)
    message = " ".join(message.split()).rstrip(".")
    message = message[:1].lower() + message[1:]
    return shown(message) if len(message) > 200 else _CONTROLS.sub("?", message)


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
        typer.echo(one_line(f"profilegen: {mask_credentials(line)}"), err=True)
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


def finish(guard: StdoutGuard, code: int) -> int:
    """Flush stdout; when it failed, say so once and make sure the exit code is not 0."""
    return problem_exit(guard, code, echo_err)
