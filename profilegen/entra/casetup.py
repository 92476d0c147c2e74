"""The three Jamf Connect sign-ins ca-check evaluates, from a profile's keys or from options.

Keys (../shared/reference/jamf-connect-keys.md): the login window's OIDCClientID, OIDCROPGID,
OIDCScopes and ROPGScopes; the menu bar's IdPSettings.ROPGID. Jamf Connect 2.14+ uses OIDCScopes
for the login window's ROPG check when ROPGScopes is unset (designs.SOURCE_FALLBACK).

The menu bar's ROPG scopes: Jamf's current Conditional Access page sets "ROPG Scopes" on the
Connect tab to the design's value, but no source names its plist key (jamf-connect-keys.md,
"Menu bar ROPG scope key (still open)"). Decision: the menu bar check sends the same scopes as the
login window's check, unless the menu bar profile has IdPSettings.ROPGScopes (the likely key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from profilegen.core.errors import InputError
from profilegen.core.text import shown
from profilegen.entra import designs, facts
from profilegen.entra.ca import Baseline, Setup, SignIn

DESIGN_LETTERS = {"A": designs.A, "B": designs.B, "D": designs.D}
_API_GUID = re.compile(r"^api://([0-9a-fA-F-]{36})/", re.I)


def api_app_from_scope(scope: str) -> str | None:
    """The API app's ID in ``api://<GUID>/<scope>``, or None for any other App ID URI."""
    match = _API_GUID.match(scope)
    return match.group(1).lower() if match and facts.is_client_id(match.group(1)) else None


def _text(prefs: Mapping[str, Any] | None, key: str, where: str) -> str | None:
    value = prefs.get(key) if prefs else None
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: {key} must be a string, found {type(value).__name__}; fix the profile")
    return value.strip() or None


def _client(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not facts.is_client_id(value):
        raise InputError(f"{what}: {shown(value)} is not a client ID GUID; copy the Application (client) ID from the app registration")
    return value.lower()


def build_setup(
    *,
    login: Mapping[str, Any] | None,
    menubar: Mapping[str, Any] | None,
    where: str,
    design_letter: str | None,
    client_id: str | None,
    ropg_client_id: str | None,
    api_app_id: str | None,
    baseline: Baseline,
) -> Setup:
    """The sign-ins from the profile's keys, options overriding them. InputError names what is missing."""
    provider = _text(login, "OIDCProvider", where)
    # Entra's values: Azure, and EntraID in newer Jamf Connect (profilegen generate --provider-value).
    if provider is not None and provider.lower() not in ("azure", "entraid"):
        raise InputError(f"{where}: OIDCProvider is {shown(provider)}; ca-check judges Entra ID Conditional Access, "
                         "give an Entra ID (Azure) profile")
    api = _client(api_app_id, "--api-app-id")
    oidc_client = _client(client_id, "--client-id") or _client(_text(login, "OIDCClientID", where), f"{where}: OIDCClientID")
    ropg_client = (_client(ropg_client_id, "--ropg-client-id") or _client(_text(login, "OIDCROPGID", where), f"{where}: OIDCROPGID")
                   or oidc_client)
    idp = menubar.get("IdPSettings") if menubar else None
    if idp is not None and not isinstance(idp, Mapping):
        raise InputError(f"{where}: IdPSettings must be a dictionary; fix the menu bar profile")
    menubar_client = _client(_text(idp, "ROPGID", where), f"{where}: IdPSettings.ROPGID") if idp else None
    if design_letter is not None:
        design = DESIGN_LETTERS[design_letter]
        if design is not designs.D and api is None:
            raise InputError(f"--api-app-id: required with --ca-design {design_letter}; give the private API app's Application (client) ID")
        custom = f"api://{api}/jamfconnect"
        if design is designs.A:
            oidc, ropg = designs.design_scopes("scoped-policy", custom).values()
        elif design is designs.B:
            oidc, ropg = designs.design_scopes("excluded-api", custom).values()
        else:
            oidc, ropg = designs.OIDC_BASIC, designs.ROPG_BASIC
    elif login is not None:
        oidc_raw, ropg_raw = _text(login, "OIDCScopes", where), _text(login, "ROPGScopes", where)
        reading = designs.read_scopes(oidc_raw, ropg_raw)
        design = reading.design
        oidc = oidc_raw or designs.OIDC_BASIC
        ropg = ropg_raw or oidc  # 2.14+: OIDCScopes when ROPGScopes is unset
    else:
        raise InputError("--ca-design: required without a login window --profile; give A, B or D (or pass --profile)")
    if oidc_client is None:
        raise InputError("--client-id: required; give the Jamf Connect app's client ID or a login window --profile with OIDCClientID")
    menubar_scopes = _text(idp, "ROPGScopes", where) if idp else None
    scopes = {"login": oidc, "ropg": ropg, "menubar_ropg": menubar_scopes or ropg}
    customs = sorted({s for v in scopes.values() for s in designs.custom_scopes(v)})
    if api is None and customs:
        found = {api_app_from_scope(s) for s in customs}
        if None in found or len(found) != 1:
            raise InputError(f"--api-app-id: required; the custom scope {shown(customs[0])} does not name the API app by its "
                             "Application ID (api://<GUID>/...); give the API app's client ID")
        api = found.pop()
    labels = {"login": "login window sign-in (OIDC)", "ropg": "login window password check (ROPG)",
              "menubar_ropg": "menu bar password check (ROPG)"}
    clients = {"login": oidc_client, "ropg": ropg_client, "menubar_ropg": menubar_client or ropg_client}
    signins = tuple(
        SignIn(key, labels[key], clients[key], tuple(facts.split_scopes(scopes[key])), api)  # type: ignore[arg-type]
        for key in ("login", "ropg", "menubar_ropg")
    )
    return Setup(design, signins, baseline)
