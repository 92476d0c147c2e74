"""The JSON report's rows, waiting in a temporary file while a sign-in export is read.

``signins --format json`` reads a huge export once and prints the summary before the rows, so the
rows wait on disk, never in memory. Each line of the spool is the report's row already serialised.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import IO

from profilegen.entra.signins import SignIn


class RowSpool:
    """Counted sign-ins kept in a temporary file for the JSON report, so a huge export is read
    once and never held in memory. Each line is the report's row already serialised (row_json):
    the report copies the lines out instead of parsing and serialising every row again."""

    BATCH = 1000  # rows written to the file at once: one write call per row was a tenth of the run

    def __init__(self) -> None:
        self.file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.pending: list[str] = []

    def __enter__(self) -> RowSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def add(self, signin: SignIn) -> None:
        self.pending.append(row_json(signin))
        if len(self.pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.file.write("\n".join(self.pending) + "\n")
            self.pending.clear()

    def rows(self) -> Iterator[str]:
        """The rows as JSON texts, in the order they were added."""
        self._flush()
        self.file.seek(0)
        for line in self.file:
            yield line[:-1]  # json.dumps escapes every newline inside a value: one row per line


# json.dumps's own string encoder (C, ASCII output with \uXXXX escapes, as ensure_ascii=True
# writes them): row_json spells out what json.dumps(row) would write for the row's dict without
# building the dict and going through the encoder's Python layers for every row (issue 21).
# tests/entra/test_signins_rows.py holds it to json.dumps on hostile strings.
_json_str = getattr(json.encoder, "c_encode_basestring_ascii", None) or json.encoder.encode_basestring_ascii


def row_json(s: SignIn) -> str:
    """One row of the JSON report (its shape is the issue's; it may gain keys, never lose them):
    exactly json.dumps({"time": ..., "user": ..., "app_id": ..., "error_code": ..., "category": ...})."""
    app_id = "null" if s.app_id is None else _json_str(s.app_id)
    code = "null" if s.error_code is None else int.__repr__(s.error_code)
    return (f'{{"time": {_json_str(s.time)}, "user": {_json_str(s.user)}, "app_id": {app_id}, '
            f'"error_code": {code}, "category": {_json_str(s.category)}}}')
