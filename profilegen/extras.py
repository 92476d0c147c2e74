"""Checks for the free-form ``login:`` and ``menubar:`` mappings of a generate config.

They must be keys the catalog knows, of the right type, must not repeat what the ``azure:``
block sets, and must not carry client secrets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.catalog import SECRET_KEY_NAMES, Component, load_catalog
from profilegen.catalog.check import check_preferences
from profilegen.models import CONTROL_RE

# Jamf keys that generate derives from the azure: block, and the field that sets each.
RESERVED: dict[Component, dict[str, str]] = {
    "login": {
        "OIDCProvider": "azure: (always Azure)",
        "OIDCClientID": "azure.client_id",
        "OIDCROPGID": "azure.ropg_client_id",
        "OIDCTenant": "azure.tenant",
        "OIDCRedirectURI": "azure.redirect_uri",
        "OIDCDiscoveryURL": "azure.discovery_url",
        "ROPGDiscoveryURL": "azure.ropg_discovery_url",
        "OIDCScopes": "azure.custom_scope",
        "ROPGScopes": "azure.custom_scope",
        "OIDCAdmin": "azure.admin_roles",
        "OIDCAdminAttribute": "azure.admin_roles",
    },
    "menubar": {
        "IdPSettings.Provider": "azure: (always Azure)",
        "IdPSettings.ROPGID": "azure.ropg_client_id",
        "IdPSettings.TenantID": "azure.tenant",
        "IdPSettings.DiscoveryURL": "azure.ropg_discovery_url",
    },
}

SECRET_REASON = (
    "client secrets do not belong in a profile: Managed Preferences are world-readable on the Mac, "
    "and Entra rejects a secret sent by a public client (AADSTS700025); remove the key"
)


def extras_problems(login: Mapping[str, Any], menubar: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for component, data in (("login", login), ("menubar", menubar)):
        problems.extend(_problems(component, data))  # type: ignore[arg-type]
    return problems


def _problems(component: Component, data: Mapping[str, Any]) -> Iterator[str]:
    reserved = RESERVED[component]
    paths = dict(_leaf_paths(data))
    for path, value in paths.items():
        name = path.rsplit(".", 1)[-1].split("[")[0]
        if path in reserved or path.split("[")[0] in reserved:
            yield f"{component}.{path}: also set by {reserved[path.split('[')[0]]}; set it only there"
        elif name in SECRET_KEY_NAMES:
            yield f"{component}.{path}: {SECRET_REASON}"
        elif value is None:
            yield f"{component}.{path}: null is not a plist value; remove the key or give a value"
        elif isinstance(value, str) and CONTROL_RE.search(value):
            yield f"{component}.{path}: control characters cannot be stored in a plist string; remove them"
    for issue in check_preferences(load_catalog(component), data):
        if issue.path in reserved or any(issue.path.startswith(p) for p in paths if paths[p] is None):
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
