"""Click's usage errors as one line: `<option>: <problem>; <fix>`, instead of a usage block and a box.

Kept out of boundary.py, which stays typer-free for validate's fast path (issue 21): only a run
through the Typer app meets a Click exception.
"""

from __future__ import annotations

import re
from typing import Any

from typer import _click as click  # typer vendors click; its exceptions are only reachable here

# C0 and C1 controls and DEL: a user's token echoed back must not break the line or drive the terminal.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ECHO_LIMIT = 80


def shown(token: object) -> str:
    """A value the user typed, safe to echo in a one-line message: controls escaped, cut to 80."""
    text = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", str(token))
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."


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
