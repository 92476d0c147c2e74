"""Where rules register: the Rule record and the RULES table. The rule modules import this
module, never the package's __init__, so the package can import them without a circle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from profilegen.findings import Finding, Hit, Severity

Check = Callable[..., Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: str  # "file", "envelope", "catalog", "login", "menubar", "pair", "prefs" (either domain)
    doc: str
    check: Check | None = None
    # A retired rule never reports; it stays registered so that its code is never reused and its
    # documentation says what it did and why it went (`profilegen rules`, README table).
    retired: bool = False

    @property
    def status(self) -> str:
        return "retired" if self.retired else self.severity.value

    def finding(self, key: str | None, message: str, *, line: int | None = None) -> Finding:
        return Finding(self.code, self.severity, key, message, line)


RULES: dict[str, Rule] = {}


def register(
    code: str, name: str, severity: Severity, scope: str, doc: str, check: Check | None = None, *, retired: bool = False
) -> Rule:
    if code in RULES:
        raise RuntimeError(f"rule code {code} registered twice")
    rule_ = Rule(code, name, severity, scope, " ".join(doc.split()), check, retired)
    RULES[code] = rule_
    return rule_


def rule(code: str, name: str, severity: Severity, scope: str) -> Callable[[Check], Check]:
    """Decorator: register a pure check function whose docstring is the rule's documentation."""

    def wrap(func: Check) -> Check:
        register(code, name, severity, scope, func.__doc__ or "", func)
        return func

    return wrap


def retire(code: str, name: str, severity: Severity, scope: str, doc: str) -> Rule:
    """Keep a code that no longer reports: ``doc`` says what it did and why it was retired."""
    return register(code, name, severity, scope, doc, retired=True)
