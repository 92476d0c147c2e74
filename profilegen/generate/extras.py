"""Checks for the free-form ``login:`` and ``menubar:`` mappings of a generate config.

They must be keys the catalog knows, of the right type, must not repeat what the ``azure:``
block sets, and must not carry client secrets.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.catalog import Component, load_catalog
from profilegen.catalog.check import IssueKind, check_preferences, is_secret_key
from profilegen.core.text import CONTROL_RE

# Jamf keys that generate derives from the azure: block, and the azure field that sets each.
# Fields marked ALWAYS set their key in every profile; the others only when the field is given,
# so e.g. login: {OIDCAdmin: [...]} is fine without azure.admin_roles.
ALWAYS = {"tenant", "client_id", "ropg_client_id", "redirect_uri", "provider"}
RESERVED: dict[Component, dict[str, str]] = {
    "login": {
        "OIDCProvider": "provider",
        "OIDCClientID": "client_id",
        "OIDCROPGID": "ropg_client_id",
        "OIDCTenant": "tenant",
        "OIDCRedirectURI": "redirect_uri",
        "OIDCDiscoveryURL": "discovery_url",
        "ROPGDiscoveryURL": "ropg_discovery_url",
        "OIDCScopes": "custom_scope",
        "ROPGScopes": "custom_scope",
        "OIDCAdmin": "admin_roles",
        "OIDCAdminAttribute": "admin_roles",
    },
    "menubar": {
        "IdPSettings.Provider": "provider",
        "IdPSettings.ROPGID": "ropg_client_id",
        "IdPSettings.TenantID": "tenant",
        "IdPSettings.DiscoveryURL": "ropg_discovery_url",
    },
}

SECRET_REASON = (
    "client secrets do not belong in a profile: Managed Preferences are world-readable on the Mac "
    "(and a public client must not send one: AADSTS700025); use a public client and remove the key"
)


def extras_problems(login: Mapping[str, Any], menubar: Mapping[str, Any], *, azure_fields: set[str]) -> list[str]:
    """Problems with the extra keys; ``azure_fields`` are the azure: fields that are given."""
    problems: list[str] = []
    given = azure_fields | ALWAYS
    sections: tuple[tuple[Component, Mapping[str, Any]], ...] = (("login", login), ("menubar", menubar))
    for component, data in sections:
        reserved = {k: f for k, f in RESERVED[component].items() if f in given}
        problems.extend(_problems(component, data, reserved))
    return problems


def _source(field: str) -> str:
    return "azure.provider (--provider-value: Azure or EntraID)" if field == "provider" else f"azure.{field}"


def _problems(component: Component, data: Mapping[str, Any], reserved: Mapping[str, str]) -> Iterator[str]:
    paths = dict(_leaf_paths(data))
    reported: set[str] = set()
    unwritable: dict[str, str] = {}
    for path, value in paths.items():
        name = path.rsplit(".", 1)[-1].split("[")[0]
        key = path.split("[")[0]
        if key in reserved:
            if key not in reported:
                reported.add(key)
                yield f"{component}.{key}: also set by {_source(reserved[key])}; set it only there"
        elif is_secret_key(name):
            yield f"{component}.{path}: {SECRET_REASON}"
        elif value is None:
            yield f"{component}.{path}: null is not a plist value; remove the key or give a value"
        elif (problem := plist_problem(value)) is not None:
            unwritable[path] = problem
    issues = [
        i for i in check_preferences(load_catalog(component), data)
        # UNCONFIRMED_TYPE: the catalog cannot say the value is wrong; validate warns about it.
        if i.kind is not IssueKind.UNCONFIRMED_TYPE
        and i.path.split("[")[0] not in reserved and not any(_within(i.path, p) for p in paths if paths[p] is None)
    ]
    # One line per value: an unknown key or a wrong type (a list where text belongs) explains
    # the values inside it, and a value no plist can hold (.nan) needs no second line.
    typed = [i.path for i in issues if i.kind is not IssueKind.ALLOWED]
    kept = {p: m for p, m in unwritable.items() if not any(_within(p, t) for t in typed)}
    for path, problem in kept.items():
        yield f"{component}.{path}: {problem}"
    for issue in issues:
        if not any(_within(issue.path, p) for p in kept):
            hint = f"; {DATA_HINT}" if issue.message.startswith("expected data,") else ""
            yield f"{component}.{issue.path}: {issue.message}{hint}"


def _within(path: str, outer: str) -> bool:
    """``path`` is ``outer`` or a key or item inside it."""
    return path == outer or path.startswith((f"{outer}.", f"{outer}["))


DATA_HINT = "give base64 text (the output of `base64 -i FILE`) or YAML `!!binary |` followed by the base64 lines"


def decode_data_keys(component: Component, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with base64 text decoded to bytes for the keys the catalog types as data
    (LicenseFile), so a config can hold them as plain text as well as YAML ``!!binary``.
    Text that is not base64 is left alone: the type check then names the key and the fix."""
    import base64
    import binascii

    out = dict(data)
    for spec in load_catalog(component).walk():
        if spec.type != "data" or "[]" in spec.path:
            continue
        *parents, name = spec.path.split(".")
        level: dict[str, Any] | None = out
        for part in parents:  # copied on the way down: the caller's dictionaries stay as they were
            child = level.get(part) if level is not None else None
            if level is None or not isinstance(child, Mapping):
                level = None
                break
            copy = dict(child)
            level[part] = copy
            level = copy
        if isinstance(level, dict) and isinstance(level.get(name), str):
            try:
                level[name] = base64.b64decode("".join(level[name].split()), validate=True)
            except (binascii.Error, ValueError):
                pass
    return out


def plist_problem(value: Any) -> str | None:
    """Why a YAML leaf value cannot be written to a plist, or None (containers are walked)."""
    if isinstance(value, str):
        if CONTROL_RE.search(value) or "\ufffe" in value or "\uffff" in value:
            return "control characters (and U+FFFE, U+FFFF) cannot be stored in a plist string; remove them"
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a plist real; give a finite number"
    if isinstance(value, (bool, int, float, bytes, bytearray, dt.datetime, Mapping, list, tuple)):
        return None
    if isinstance(value, dt.date):
        return f"{value} is a date without a time of day; plist dates have both: write {value}T00:00:00Z"
    if isinstance(value, (set, frozenset)):
        return "a YAML set (!!set, or {a, b} without values) has no plist equivalent; give a list: [a, b]"
    return f"a YAML {type(value).__name__} has no plist equivalent"


def _leaf_paths(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Dotted paths of every leaf value; dictionaries are walked, arrays are indexed."""
    if isinstance(value, Mapping):
        items = [(f"{prefix}.{k}" if prefix else str(k), v) for k, v in value.items()]
    else:
        items = [(f"{prefix}[{i}]", v) for i, v in enumerate(value)]
    for path, item in items:
        if isinstance(item, (Mapping, list, tuple)) and item:
            yield from _leaf_paths(item, path)
        else:
            yield path, item
