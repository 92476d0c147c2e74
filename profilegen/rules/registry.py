"""Where rules register: the Rule record and the RULES table. The rule modules import this
module, never the package's __init__, so the package can import them without a circle."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from profilegen.core.credentials import mask_credentials
from profilegen.rules.findings import Finding, Hit, Severity

Check = Callable[..., Iterator[Hit]]
# Given the other preference domain's settings from the same profile or run: True when they
# settle what the rule reports (e.g. a tenant the menu bar supplies for the whole product).
PeerWaiver = Callable[[Mapping[str, Any]], bool]
# More documentation than a docstring holds, computed when asked (`profilegen rules CODE`).
Details = Callable[[], tuple[str, ...]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: stable code, name, severity, scope, documentation and check."""

    code: str
    name: str
    severity: Severity
    scope: str  # "file", "envelope", "catalog", "login", "menubar", "pair", "prefs" (either domain)
    doc: str
    check: Check | None = None
    # A retired rule never reports; it stays registered so that its code is never reused and its
    # documentation says what it did and why it went (`profilegen rules`, the table in docs/validate.md).
    retired: bool = False
    # A login or menu bar rule whose finding does not apply when the other domain's settings in
    # the same profile or run satisfy this (validate.py applies it once the pair is known).
    waived_by_peer: PeerWaiver | None = None
    details: Details | None = None

    @property
    def status(self) -> str:
        return "retired" if self.retired else self.severity.value

    def finding(self, key: str | None, message: str, *, line: int | None = None, detail: str = "") -> Finding:
        # Whatever a rule quotes, a URL's password or token never reaches the report.
        return Finding(self.code, self.severity, key, mask_credentials(message), line, mask_credentials(detail) if detail else "")


RULES: dict[str, Rule] = {}


def register(
    code: str, name: str, severity: Severity, scope: str, doc: str, check: Check | None = None, *,
    retired: bool = False, waived_by_peer: PeerWaiver | None = None, details: Details | None = None,
) -> Rule:
    if code in RULES:
        raise RuntimeError(f"rule code {code} registered twice")
    rule_ = Rule(code, name, severity, scope, " ".join(doc.split()), check, retired, waived_by_peer, details)
    RULES[code] = rule_
    return rule_


def rule(
    code: str, name: str, severity: Severity, scope: str, *, waived_by_peer: PeerWaiver | None = None,
    details: Details | None = None,
) -> Callable[[Check], Check]:
    """Decorator: register a pure check function whose docstring is the rule's documentation."""

    def wrap(func: Check) -> Check:
        register(code, name, severity, scope, func.__doc__ or "", func, waived_by_peer=waived_by_peer, details=details)
        return func

    return wrap


def retire(code: str, name: str, severity: Severity, scope: str, doc: str) -> Rule:
    """Keep a code that no longer reports: ``doc`` says what it did and why it was retired."""
    return register(code, name, severity, scope, doc, retired=True)
