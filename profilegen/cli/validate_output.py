"""How validate's text report meets a terminal (issue 22): --quiet, colour, the progress line."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """`validating: N files` on stderr, rewritten in place, for a person watching a long run:
    only when stderr is a terminal (never in CI logs or a pipe), TERM is not "dumb", and the run
    has lasted a second (short runs stay as they were). The line is erased before each piece
    of the report, so the report on the same terminal is never mixed with it."""

    AFTER_ENV = "PROFILEGEN_TEST_PROGRESS_AFTER"  # test-only: seconds before the line shows

    def __init__(self) -> None:
        import os
        import time

        try:
            tty = sys.stderr.isatty()
        except (AttributeError, ValueError, OSError):
            tty = False
        self.on = tty and os.environ.get("TERM") != "dumb"
        try:
            after = float(os.environ.get(self.AFTER_ENV, "1"))
        except ValueError:
            after = 1.0
        self.start = time.monotonic() + after
        self.last = 0.0
        self.count = 0
        self.shown = False

    def counted(self, results: Any) -> Any:
        import time

        for result in results:
            self.count += 1
            now = time.monotonic()
            if self.on and now >= self.start and now - self.last >= 0.1:
                self.last = now
                self._write(f"\rvalidating: {self.count} file(s)\x1b[K")
                self.shown = True
            yield result

    def clear(self) -> None:
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def _write(self, text: str) -> None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError):
            self.on = self.shown = False


def colour_terminal() -> bool:
    """Colour for a person at a terminal: stdout is a TTY, NO_COLOR is unset or empty
    (https://no-color.org) and TERM is not "dumb". A pipe or a file never gets colour."""
    import os

    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return False
    return tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def quiet_text(results: Any, tally: Any, *, strict: bool, explain: bool, colour: bool = False) -> Any:
    """`validate --quiet`: the text report's lines for the findings that fail the run (errors,
    and warnings with --strict), without the summary line: a clean run prints nothing. The
    machine formats (json, sarif, junit, github) are whole documents and --quiet leaves them so.
    ``tally`` still counts every finding: the exit code does not depend on --quiet."""
    from dataclasses import replace

    from profilegen.rules.findings import Severity
    from profilegen.validate.report import Tally, iter_text

    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}

    def shown() -> Any:
        for r in results:
            tally.add(r)
            yield replace(r, findings=[f for f in r.findings if f.severity in failing])

    pieces = iter_text(shown(), Tally(), explain=explain, colour=colour)
    previous = None
    for piece in pieces:  # every piece but the last, which is the summary line
        if previous is not None:
            yield previous
        previous = piece
