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
    code: str
    severity: Severity
    key: str | None
    message: str

    def as_json(self) -> dict[str, str | None]:
        return {"code": self.code, "severity": self.severity.value, "key": self.key, "message": self.message}


@dataclass(frozen=True)
class Hit:
    """What a rule function yields: where (key path or None) and what to do about it."""

    key: str | None
    message: str
