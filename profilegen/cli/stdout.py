"""stdout that cannot be written: closed (`>&-`), full (`> /dev/full`), a pipe whose reader quit.

No typer here: `profilegen --version` uses it before typer is loaded.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from typing import Any, TextIO


class StdoutGuard:
    """Stands in for sys.stdout. A write that fails (closed, full, broken pipe) is remembered and
    the rest of the output dropped, so the command still finishes and reports its own exit code;
    the boundary then prints one line about stdout instead of a traceback or a silent exit 1."""

    def __init__(self, stream: TextIO | None) -> None:
        self.problem: str | None = None
        if stream is None:
            # File descriptor 1 was closed (`>&-`). Put /dev/null there so that no file we open
            # later gets number 1, and remember that nothing could be written.
            fd = os.open(os.devnull, os.O_WRONLY)
            if fd != 1:
                os.dup2(fd, 1)
                os.close(fd)
            stream = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as long as the process
            self.closed_at_start = True
        else:
            self.closed_at_start = False
            stream = _counted(stream, self)
        self.delivered = 0  # bytes the reader of stdout has taken (0: unknown or none)
        self._stream = stream
        self.buffer = _BinaryGuard(self, stream.buffer)

    @property
    def reader_quit(self) -> bool:
        """A pipe whose reader took some output and then quit (`| head -1`): the reader chose
        to stop, which is no error of ours (issue 22). A pipe closed before a byte was taken is."""
        return self.problem is not None and self._epipe and self.delivered > 0

    _epipe = False

    def note(self, exc: OSError | None) -> None:
        if self.problem is None:
            self.problem = stdout_problem(exc)
            self._epipe = exc is not None and exc.errno == errno.EPIPE

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")  # click probes for binary streams this way
        if text and self.closed_at_start:
            self.note(None)
        if self.problem is None:
            try:
                return self._stream.write(text)
            except OSError as exc:
                self.note(exc)
        return len(text)

    def flush(self) -> None:
        if self.problem is None:
            try:
                self._stream.flush()
            except OSError as exc:
                self.note(exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _BinaryGuard:
    def __init__(self, owner: StdoutGuard, raw: Any) -> None:
        self._owner = owner
        self._raw = raw

    def write(self, data: bytes) -> int:
        if data and self._owner.closed_at_start:
            self._owner.note(None)
        if self._owner.problem is None:
            try:
                self._owner._stream.flush()  # text written before stays in order
                return int(self._raw.write(data))
            except OSError as exc:
                self._owner.note(exc)
        return len(data)

    def flush(self) -> None:
        self._owner.flush()
        if self._owner.problem is None:
            try:
                self._raw.flush()
            except OSError as exc:
                self._owner.note(exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


def _counted(stream: TextIO, guard: StdoutGuard) -> TextIO:
    """``stream`` rebuilt over a raw writer that counts the bytes the OS accepted, so that a
    broken pipe can tell `| head` (some bytes taken) from a reader that never read. A stream
    that is not a plain file descriptor (tests, embedding) is returned as it is."""
    import io

    try:
        binary = stream.buffer
        unbuffered = isinstance(binary, io.FileIO)  # python -u, PYTHONUNBUFFERED
        raw = binary if unbuffered else binary.raw  # type: ignore[attr-defined]
        if not isinstance(raw, io.FileIO):
            return stream
        stream.flush()
    except (AttributeError, OSError, ValueError):
        return stream

    class Counting(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:
            n = raw.write(data)
            guard.delivered += n or 0
            return n  # type: ignore[no-any-return]

        def fileno(self) -> int:
            return raw.fileno()

        def isatty(self) -> bool:
            return raw.isatty()

    # Unbuffered as the original was (python -u hands TextIOWrapper the raw file the same way).
    buffered = Counting() if unbuffered else io.BufferedWriter(Counting())
    return io.TextIOWrapper(buffered,  # type: ignore[type-var] encoding=stream.encoding, errors=stream.errors,
                            line_buffering=stream.line_buffering, write_through=unbuffered)


def stdout_problem(exc: OSError | None) -> str:
    if exc is None or exc.errno == errno.EBADF:
        return "stdout: closed, so the output was lost; run without closing stdout (>&-), or redirect it to a file"
    if exc.errno == errno.EPIPE:
        return "stdout: the reading end of the pipe closed early (broken pipe), so the output is incomplete; let the reader take all of it"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"stdout: {exc.strerror.lower() if exc.strerror else 'device full'}, so the output is incomplete; free space or redirect it elsewhere"
    return f"stdout: cannot write ({exc.strerror or exc}), so the output is incomplete; redirect it elsewhere"


def silence_stdout() -> None:
    """After a failed write, point fd 1 at /dev/null so the interpreter's last flush cannot fail."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.close(fd)
    except OSError:
        pass


def problem_exit(guard: StdoutGuard, code: int, say: Callable[[str], Any]) -> int:
    """Flush; when stdout failed, ``say`` one line and make sure the exit code is not 0."""
    guard.flush()
    if guard.problem is None:
        return code
    silence_stdout()
    if guard.reader_quit:
        return code  # `| head`: no message, the command's own exit code (docs/cli.md)
    try:
        say(guard.problem)
    except (OSError, ValueError):
        pass
    return code or 2


def reopen_closed_stdin_stderr() -> None:
    """fd 0 or 2 closed at start (`<&-`, `2>&-`): put /dev/null there. Otherwise the next file we
    open would get that number (our lock or temporary file receiving diagnostics), and reading
    `-` would crash on a missing sys.stdin instead of reading nothing."""
    import sys

    for fd, name, mode in ((0, "stdin", os.O_RDONLY), (2, "stderr", os.O_WRONLY)):
        if getattr(sys, name) is not None:
            continue
        null = os.open(os.devnull, mode)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        setattr(sys, name, open(fd, "r" if fd == 0 else "w", encoding="utf-8", closefd=False))  # noqa: SIM115
