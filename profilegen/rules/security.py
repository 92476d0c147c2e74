"""PG5xx: security. Secrets are named, never shown."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.catalog.check import is_secret_key
from profilegen.core.credentials import url_credentials
from profilegen.rules.entra import ENTRA_PROVIDERS, idp
from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import rule

PLACEHOLDER_RE = re.compile(r"\[[^\]]*\]|<[^>]*>|\breplace\b|\byour[ _-]|\bexample\b|\bxxx+\b|\bchangeme\b", re.I)
IDENTIFIER_KEYS = re.compile(r"(URL|URI|ID|Tenant|AuthServer)$")
ENTRA_CLIENT_ID_KEYS = {"OIDCClientID", "OIDCROPGID", "ROPGID"}  # covered by PG403/PG413


def walk(value: Any, prefix: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key name, value) for every value in nested dictionaries and arrays."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path, str(key), item
            yield from walk(item, path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            name = prefix.rsplit(".", 1)[-1]
            yield f"{prefix}[{i}]", name, item
            yield from walk(item, f"{prefix}[{i}]")


_walked: list[Any] = [None, ()]


def walked(prefs: Mapping[str, Any]) -> tuple[tuple[str, str, Any], ...]:
    """walk(prefs) as a tuple, computed once for the PG5xx rules that run one after the other on
    the same preferences. Kept by identity until forget(), which validate calls when the
    preferences' rules are done, so a dictionary changed between two runs is walked again."""
    if _walked[0] is not prefs:
        _walked[:] = [prefs, tuple(walk(prefs))]
    result: tuple[tuple[str, str, Any], ...] = _walked[1]
    return result


def forget() -> None:
    _walked[:] = [None, ()]


def provider(prefs: Mapping[str, Any]) -> Any:
    return prefs.get("OIDCProvider") or idp(prefs).get("Provider")


def _secret_paths(prefs: Mapping[str, Any]) -> Iterator[str]:
    """Where a client secret key holds a value: one path per key (an array or dictionary under a
    secret key is that key's value, not a second secret), misspelled keys included
    (catalog.check.is_secret_key)."""
    found: list[str] = []
    for path, name, value in walked(prefs):
        if any(path.startswith((f"{p}.", f"{p}[")) for p in found):
            continue
        if not path.endswith("]") and is_secret_key(name) and value not in (None, "", [], {}):
            found.append(path)
            yield path


@rule("PG501", "secret-with-entra", Severity.ERROR, "prefs")
def secret_with_entra(prefs: Mapping[str, Any]) -> Iterator[Hit]:
    """A client secret in an Entra ID profile. Managed Preferences are world-readable on every Mac,
    so any local user can read the secret. With a public client (Jamf's recommended Entra setup,
    "Allow public client flows") the secret is also wrong: Entra rejects it (AADSTS700025). A
    confidential ROPG client must send one (learn.microsoft.com/entra/identity-platform/v2-oauth-ropc),
    as Jamf's hybrid PHS sample does with ROPGClientSecret, but then the secret is disclosed on
    every Mac; prefer a public client and rotate the secret (azure-facts.md §9.5)."""
    if provider(prefs) not in ENTRA_PROVIDERS:
        return
    for path in _secret_paths(prefs):
        yield Hit(path, "client secret in a world-readable Entra ID profile: any local user can read it. A public client must not send one (AADSTS700025); a confidential ROPG client needs one but discloses it here. Prefer a public client (Allow public client flows), remove the key and rotate the secret")


@rule("PG502", "secret-in-profile", Severity.WARNING, "prefs")
def secret_elsewhere(prefs: Mapping[str, Any]) -> Iterator[Hit]:
    """A client secret in a profile for another IdP. Some IdPs (Google) need one, but Managed
    Preferences are world-readable on the Mac: scope the app registration tightly and rotate the
    secret when a Mac leaves the fleet."""
    if provider(prefs) in ENTRA_PROVIDERS:
        return
    for path in _secret_paths(prefs):
        yield Hit(path, "client secret stored in a world-readable managed preference; prefer a public client, or limit and rotate it")


@rule("PG503", "http-url", Severity.ERROR, "prefs")
def http_urls(prefs: Mapping[str, Any]) -> Iterator[Hit]:
    """An http:// URL. Discovery documents, password pages and help links fetched over plain HTTP
    can be altered in transit; Jamf Connect and Entra expect https://."""
    for path, name, value in walked(prefs):
        if isinstance(value, str) and value.strip().lower().startswith("http://"):
            yield Hit(path, "uses http://; change it to https://")


@rule("PG505", "credentials-in-url", Severity.ERROR, "prefs")
def credentials_in_url(prefs: Mapping[str, Any]) -> Iterator[Hit]:
    """A URL with a credential in it: a user name and password (https://user:secret@host/...), or
    a secret in the query or fragment (client_secret=, RFC 6749 §2.3.1; access_token= or token=,
    RFC 6750 §2.3; password=, api_key=, sig=; see profilegen/core/credentials.py). Managed Preferences
    are readable by every local user; the credential is disclosed. The value is never shown."""
    for path, name, value in walked(prefs):
        kind = url_credentials(value) if isinstance(value, str) else None
        if kind == "user:password@":
            yield Hit(path, "the URL contains credentials (user:password@); remove them and change that password")
        elif kind:
            yield Hit(path, f"the URL carries a credential in its {kind} parameter; remove it and rotate that secret or token")


@rule("PG504", "placeholder-value", Severity.WARNING, "prefs")
def placeholders(prefs: Mapping[str, Any]) -> Iterator[Hit]:
    """Placeholder text left from a sample ("[replace with your tenant]", "<client id>",
    "Client ID from ..."): an identifier or URL with brackets, spaces or filler words."""
    entra_ids = provider(prefs) in ENTRA_PROVIDERS
    for path, name, value in walked(prefs):
        if not isinstance(value, str) or not IDENTIFIER_KEYS.search(name):
            continue
        if (entra_ids and name in ENTRA_CLIENT_ID_KEYS) or is_secret_key(name):
            continue  # PG403/PG413 and PG501/PG502 already speak about these keys
        if PLACEHOLDER_RE.search(value) or " " in value.strip():
            shown = "" if url_credentials(value) else f" ({value[:50]!r})"  # PG505 names a URL's credential
            yield Hit(path, f"looks like placeholder text from a sample{shown}; put the real value in")
