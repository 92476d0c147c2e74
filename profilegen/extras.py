"""Checks for the free-form ``login:`` and ``menubar:`` mappings of a generate config.

They must be keys the catalog knows, of the right type, must not repeat what the ``azure:``
block sets, and must not carry client secrets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.catalog import Component, load_catalog
from profilegen.catalog.check import IssueKind, check_preferences, is_secret_key
from profilegen.text import CONTROL_RE

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
    return "azure: (the provider is always Azure)" if field == "provider" else f"azure.{field}"


def _problems(component: Component, data: Mapping[str, Any], reserved: Mapping[str, str]) -> Iterator[str]:
    paths = dict(_leaf_paths(data))
    reported: set[str] = set()
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
        elif isinstance(value, str) and CONTROL_RE.search(value):
            yield f"{component}.{path}: control characters cannot be stored in a plist string; remove them"
    for issue in check_preferences(load_catalog(component), data):
        if issue.kind is IssueKind.UNCONFIRMED_TYPE:
            continue  # the catalog cannot say the value is wrong; validate reports it as a warning
        if issue.path.split("[")[0] in reserved or any(issue.path.startswith(p) for p in paths if paths[p] is None):
            continue
        yield f"{component}.{issue.path}: {issue.message}"


def _leaf_paths(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Dotted paths of every leaf value; dictionaries are walked, arrays are indexed."""
    if isinstance(value, Mapping):
        items = [(f"{prefix}.{k}" if prefix else str(k), v) for k, v in value.items()]
    else:
        items = [(f"{prefix}[{i}]", v) for i, v in enumerate(value)]
    for path, item in items:
        if isinstance(item, (Mapping, list)) and item:
            yield from _leaf_paths(item, path)
        else:
            yield path, item
