"""The one way the CLI writes text: byte for byte what typer's echo (its vendored click's) does,
without importing typer, so that `profilegen validate FILE` can run without it (issue 21).

click's echo (typer/_click/utils.py) writes a str to the stream that
``_force_correct_text_writer`` picks, strips ANSI sequences when that stream is not a terminal,
and flushes after every write. For a text stream with an encoding that is not ASCII (every
stdout and stderr of ours: StdoutGuard, a terminal, a pipe, a file, CliRunner's capture) that
stream is sys.stdout or sys.stderr itself, and ``echo_raw`` does the same here. Any other stream
(PYTHONIOENCODING=ascii, a stream with no encoding or no errors attribute, a binary one) is
rewrapped by click in a UTF-8 text stream it caches per stream; such a run pays for typer's
import and hands the text to typer's echo itself, so that case is click's by construction.

"""

from __future__ import annotations

import codecs
import re
import sys
from typing import Any
from weakref import WeakKeyDictionary

from profilegen.core.text import one_line, terminal_safe

# click's _compat._ansi_re: what echo strips from text bound for something that is not a terminal.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def echo_raw(text: str, *, err: bool = False, nl: bool = True) -> None:
    """``typer.echo(text, err=err, nl=nl)`` for a str, as click does it (see the module docstring)."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # click finds no stream to write to and writes nothing
        return
    if not _written_as_is(stream):
        import typer

        typer.echo(text, err=err, nl=nl)
        return
    out = text + "\n" if nl else text
    if not out:
        stream.flush()
        return
    if not _isatty(stream) and not type(stream).__module__.startswith("ipykernel."):
        out = _ANSI.sub("", out)
    stream.write(out)
    stream.flush()


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """The one way commands print text: every control character from outside (a profile, a
    config value, a log export, a server's answer) is escaped, so it cannot steer the terminal."""
    echo_raw(terminal_safe(text), err=err, nl=nl)


def echo_line(text: str, *, err: bool = False) -> None:
    """One line that quotes something from outside (a path, a name, a server's words): every
    control character is escaped, line feeds too, so a file name holding "\nprofilegen: ..."
    cannot forge a second line of ours (issue 19)."""
    echo_raw(one_line(text), err=err)


# Per stream, as click caches its choice of stream per sys.stdout / sys.stderr object.
_AS_IS: WeakKeyDictionary[Any, bool] = WeakKeyDictionary()


def _written_as_is(stream: Any) -> bool:
    try:
        return _AS_IS[stream]
    except (KeyError, TypeError):
        pass
    verdict = _compatible(stream)
    try:
        _AS_IS[stream] = verdict
    except TypeError:
        pass
    return verdict


def _compatible(stream: Any) -> bool:
    """Whether click's ``_force_correct_text_writer(stream, None, None)`` returns ``stream``
    itself: a text stream with an ``encoding`` that is not ASCII and an ``errors``, which is not
    binary. Binary is click's probe, ``write(b"")`` and on failure ``write("")``, made here only
    for a stream that passes the rest, so that a stream typer's echo gets sees its probes alone."""
    encoding = getattr(stream, "encoding", None)
    if encoding is None or getattr(stream, "errors", None) is None:
        return False
    try:
        if codecs.lookup(encoding).name == "ascii":
            return False
    except LookupError:
        pass
    try:
        stream.write(b"")
    except Exception:  # noqa: BLE001 - click's probe catches everything too
        try:
            stream.write("")
        except Exception:  # noqa: BLE001, S110
            pass
        return True
    return False  # binary: click wraps it


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:  # noqa: BLE001 - click's isatty
        return False
