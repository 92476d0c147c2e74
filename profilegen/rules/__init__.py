"""The rule registry. A rule is a stable code, a short name, a severity, and a docstring that
explains why, with the Jamf or Microsoft fact behind it. Codes are never renumbered or reused.

PG1xx file and XML · PG2xx envelope · PG3xx key catalog · PG4xx Entra ID / Conditional Access ·
PG5xx security. Reader and catalog rules are checked by profile.read / validate.pipeline; the others are
pure functions registered here by their modules.

May import: core, catalog, entra.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from profilegen.rules.findings import Finding
from profilegen.rules.registry import RULES, Rule

__all__ = ["RULES", "Rule", "finding", "load_all", "run", "waive"]


@cache
def load_all() -> dict[str, Rule]:
    """Import every rule module once (they register on import) and return the registry."""
    from profilegen.rules import (  # noqa: F401
        catalog,
        conditional_access,
        entra,
        entra_tenant,
        envelope,
        files,
        keys,
        platform_sso,
        redirects,
        security,
        versions,
    )

    return dict(sorted(RULES.items()))


def finding(code: str, key: str | None, message: str, *, line: int | None = None) -> Finding:
    return load_all()[code].finding(key, message, line=line)


@cache
def by_scope() -> dict[str, tuple[Rule, ...]]:
    """The rules that check something, grouped by scope, each group in code order."""
    groups: dict[str, list[Rule]] = {}
    for r in load_all().values():
        if r.check is not None:
            groups.setdefault(r.scope, []).append(r)
    return {scope: tuple(rules) for scope, rules in groups.items()}


def run(scope: str, *args: Any) -> Iterator[Finding]:
    for r in by_scope().get(scope, ()):
        assert r.check is not None
        for hit in r.check(*args):
            yield r.finding(hit.key, hit.message, detail=hit.detail)


def waive(findings: Iterable[Finding], peer: Mapping[str, Any]) -> list[Finding]:
    """``findings`` of one login window or menu bar without those the other domain's settings
    ``peer`` (same profile or same run) settle (Rule.waived_by_peer)."""
    rules = load_all()
    return [f for f in findings if (w := rules[f.code].waived_by_peer) is None or not w(peer)]
