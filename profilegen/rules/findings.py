"""Findings: what validate reports. Plain values; one broken file never hides another."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One reported problem: rule code, severity, key path, message, line and explanation."""

    code: str
    severity: Severity
    key: str | None
    message: str
    # Line of the key's <key> element in an XML file on disk; None for binary or signed files,
    # and for problems that are about no place in the file.
    line: int | None = None
    # The longer explanation behind a one-line message (issue 20: PG420), or "". Reports show
    # it only when asked (validate --explain).
    detail: str = ""

    def as_json(self) -> dict[str, str | int | None]:
        # JSON output only ever gains keys: "line" came after the first four (and "detail",
        # with validate --explain only, after "line").
        return {"code": self.code, "severity": self.severity.value, "key": self.key, "message": self.message, "line": self.line}


@dataclass(frozen=True)
class Hit:
    """What a rule function yields: where (key path or None) and what to do about it."""

    key: str | None
    message: str
    detail: str = ""  # the longer explanation, shown with validate --explain
