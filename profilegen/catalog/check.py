"""Check preference data against the catalog. Shared by generate (config extras) and validate.

Yields ``KeyIssue`` values; callers decide whether an issue is an error or a finding.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from typing import Any

from profilegen.catalog import (
    DOMAINS,
    SECRET_KEY_NAMES,
    Catalog,
    Component,
    KeySpec,
    load_catalog,
    other,
)


class IssueKind(str, Enum):
    UNKNOWN = "unknown"
    OTHER_DOMAIN = "other-domain"
    LEGACY = "legacy"
    TYPE = "type"
    ALLOWED = "allowed"
    UNCONFIRMED_TYPE = "unconfirmed-type"
    REQUIRED = "required"
    RELATION = "relation"


@dataclass(frozen=True)
class KeyIssue:
    """One problem with one key of a domain's settings: its kind, key path and message."""

    kind: IssueKind
    path: str
    message: str


PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "real": (float, int),
    "array": (list, tuple),
    "dict": (dict,),
    "date": (dt.datetime,),
    "data": (bytes, bytearray),
}


def plist_type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    for name, types in PY_TYPES.items():
        if name != "real" and isinstance(value, types):
            return name
    if isinstance(value, float):
        return "real"
    return type(value).__name__


def type_matches(expected: str, value: Any) -> bool:
    if expected == "any":
        return True
    if isinstance(value, bool):
        return expected == "boolean"
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return isinstance(value, PY_TYPES.get(expected, ()))


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def suggest(name: str, candidates: list[str]) -> str | None:
    """Did-you-mean: a case-insensitive match first, then the closest name by edit distance."""
    lowered = {c.lower(): c for c in candidates}
    if name.lower() in lowered:
        return lowered[name.lower()]
    best = min(candidates, key=lambda c: (levenshtein(name.lower(), c.lower()), c), default=None)
    if best is not None and levenshtein(name.lower(), best.lower()) <= max(2, len(name) // 5):
        return best
    import difflib  # here, not at the top: only an unknown key with no close name gets this far (issue 21)

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.85)
    return close[0] if close else None


@cache
def _catalog_names() -> frozenset[str]:
    return frozenset(spec.name for component in DOMAINS for spec in load_catalog(component).walk())


# Pure, and asked for every key of every file by the PG5xx rules (issue 21); bounded, so that a
# run over files full of distinct unknown keys keeps its memory flat.
@lru_cache(maxsize=2048)
def is_secret_key(name: str) -> bool:
    """Whether a key named ``name`` holds a client secret: a secret key's name in any case, or an
    unknown key whose did-you-mean suggestion is one (OIDCClientSecert). The value of a misspelled
    key is just as world-readable, and just as much a secret."""
    if name in SECRET_KEY_NAMES:
        return True
    if name in _catalog_names():
        return False
    return suggest(name, sorted(SECRET_KEY_NAMES)) is not None


def describe(value: Any, *, secret: bool) -> str:
    """A short, safe rendering of a value for messages. Secrets are never shown."""
    if secret:
        return "<hidden>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_preferences(catalog: Catalog, data: Mapping[str, Any]) -> Iterator[KeyIssue]:
    """Every issue in ``data`` (one preference domain), nested dictionaries included."""
    yield from _check_level(catalog, catalog.keys, data, prefix="", top=True)


def _check_level(
    catalog: Catalog, level: Mapping[str, KeySpec], data: Mapping[str, Any], *, prefix: str, top: bool
) -> Iterator[KeyIssue]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        spec = level.get(key) if isinstance(key, str) else None
        if spec is None:
            yield _unknown(catalog, level, str(key), path, top=top)
            continue
        if spec.legacy:
            repl = spec.replacement or "none known"
            if top and _current_key(other(catalog.component), key) is not None:
                # e.g. OIDCClientID in the menu bar: a 1.x Verify name, and a 2.x login window key.
                yield KeyIssue(
                    IssueKind.OTHER_DOMAIN,
                    path,
                    f"belongs to {DOMAINS[other(catalog.component)]}; in {catalog.domain} it is the "
                    f"1.x name, the 2.x key is {repl}",
                )
                continue
            # One finding per key: 2.x ignores the key, so a wrong 1.x type is part of this message.
            wrong = "" if type_matches(spec.type, value) else (
                f"; its value is also the wrong type for 1.x (expected {spec.type}, got "
                f"{plist_type_name(value)} {describe(value, secret=spec.secret)})"
            )
            yield KeyIssue(IssueKind.LEGACY, path, f"legacy Jamf Connect 1.x key; 2.x replacement: {repl}{wrong}")
            continue
        yield from _check_value(catalog, spec, value, path)


def _check_value(catalog: Catalog, spec: KeySpec, value: Any, path: str) -> Iterator[KeyIssue]:
    secret = spec.secret or spec.name in SECRET_KEY_NAMES
    if not type_matches(spec.type, value) and spec.confidence == "type-unconfirmed":
        # The catalog records a type no Jamf page confirms: say so, never call it an error.
        yield KeyIssue(
            IssueKind.UNCONFIRMED_TYPE,
            path,
            f"got {plist_type_name(value)} {describe(value, secret=secret)}; the catalog records {spec.type}, but that "
            f"type is unconfirmed (no Jamf page shows it): check the value against {spec.source}",
        )
        return
    if not type_matches(spec.type, value):
        yield KeyIssue(
            IssueKind.TYPE,
            path,
            f"expected {spec.type}, got {plist_type_name(value)} {describe(value, secret=secret)}",
        )
        return
    if spec.allowed is not None and value not in spec.allowed:
        hint = suggest(str(value), [str(a) for a in spec.allowed])
        extra = f"; did you mean {hint!r}?" if hint else ""
        yield KeyIssue(
            IssueKind.ALLOWED,
            path,
            f"{describe(value, secret=secret)} is not one of {', '.join(map(str, spec.allowed))}{extra}",
        )
    if spec.type == "dict" and spec.keys:
        yield from _check_level(catalog, spec.keys, value, prefix=f"{path}.", top=False)
    if spec.type == "array":
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            if spec.item_type and not type_matches(spec.item_type, item):
                yield KeyIssue(
                    IssueKind.TYPE,
                    item_path,
                    f"array items must be {spec.item_type}, got {plist_type_name(item)} "
                    f"{describe(item, secret=secret)}",
                )
            elif isinstance(item, dict) and spec.item_keys:
                yield from _check_level(catalog, spec.item_keys, item, prefix=f"{item_path}.", top=False)
            elif spec.allowed is not None and item not in spec.allowed:
                yield KeyIssue(
                    IssueKind.ALLOWED,
                    item_path,
                    f"{describe(item, secret=secret)} is not a known value ({', '.join(map(str, spec.allowed))})",
                )


@cache
def _current_key(component: Component, key: str) -> KeySpec | None:
    """The 2.x (non-legacy) top-level key ``key`` of ``component``, if there is one."""
    spec = load_catalog(component).keys.get(key)
    return spec if spec is not None and not spec.legacy else None


@cache
def _nested_path(component: Component, key: str) -> str | None:
    """Where a 2.x key named ``key`` lives inside a dictionary of ``component`` (e.g. IdPSettings.ROPGID)."""
    found = [s.path for s in load_catalog(component).walk() if s.name == key and "." in s.path and not s.legacy]
    return found[0] if found else None


@cache
def _counterpart(component: Component, key: str) -> str | None:
    """Where ``component`` keeps the setting that the other domain calls ``key``: the menu bar's
    IdPSettings.ROPGID for the login window's OIDCClientID, or the login window's OIDCTenant for
    the menu bar's TenantID (KeySpec.login_counterparts)."""
    if component == "menubar":
        found = [s.path for s in load_catalog("menubar").walk() if key in s.login_counterparts]
        return found[0] if found else None
    spec = next((s for s in load_catalog("menubar").walk() if s.name == key and s.login_counterparts), None)
    return spec.login_counterparts[0] if spec else None


def _unknown(catalog: Catalog, level: Mapping[str, KeySpec], key: str, path: str, *, top: bool) -> KeyIssue:
    theirs = other(catalog.component)
    if not top and _current_key(theirs, key) is not None:
        # A key of the other domain inside one of this domain's dictionaries, e.g. the login
        # window's OIDCClientID inside the menu bar's IdPSettings: name this domain's key.
        here = _counterpart(catalog.component, key)
        fix = f"here the setting is {here}" if here else f"{catalog.domain} has no such setting; remove it"
        return KeyIssue(IssueKind.OTHER_DOMAIN, path, f"is a {DOMAINS[theirs]} key, which Jamf Connect does not read here; {fix}")
    if top:
        if _current_key(theirs, key) is not None:
            return KeyIssue(
                IssueKind.OTHER_DOMAIN,
                path,
                f"belongs to {DOMAINS[theirs]}, not {catalog.domain}; move it to the {theirs} profile",
            )
        # A 2.x key nested in a dictionary of the other domain, placed at the top level here.
        nested = _nested_path(theirs, key)
        if nested:
            here = _counterpart(catalog.component, key)
            tail = f"; here the setting is {here}" if here else ""
            return KeyIssue(IssueKind.OTHER_DOMAIN, path, f"belongs to {DOMAINS[theirs]} as {nested}, not to {catalog.domain}{tail}")
        # A key of this domain that lives inside a dictionary, e.g. ROPGID instead of IdPSettings.ROPGID.
        inside = _nested_path(catalog.component, key)
        if inside:
            return KeyIssue(IssueKind.UNKNOWN, path, f"not a top-level key; it belongs inside a dictionary as {inside}")
    hint = suggest(key, [k for k, s in level.items() if not s.legacy] or list(level))
    tail = f"; did you mean {hint}?" if hint else "; check the spelling against the Jamf Connect documentation"
    return KeyIssue(IssueKind.UNKNOWN, path, f"unknown key{tail}")
