"""PG2xx: the configuration profile envelope (Apple's TopLevel and common payload keys).

Facts: Apple device-management schema mdm/profiles/TopLevel.yaml and CommonPayloadKeys.yaml
(https://github.com/apple/device-management); Jamf Connect reads /Library/Managed Preferences,
so its profiles are device (System) profiles (landscape.md §3a).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.catalog import MCX_FREQUENCIES, MCX_TYPE
from profilegen.entra.facts import is_guid
from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import rule

REQUIRED = {"PayloadIdentifier": str, "PayloadType": str, "PayloadUUID": str, "PayloadVersion": int}
TYPES: dict[str, type | tuple[type, ...]] = {
    **REQUIRED,
    "PayloadDisplayName": str,
    "PayloadDescription": str,
    "PayloadOrganization": str,
    "PayloadScope": str,
    "PayloadEnabled": bool,
    "PayloadRemovalDisallowed": bool,
}
SCOPES = ("System", "User")


def _type_name(value: Any) -> str:
    from profilegen.catalog.check import plist_type_name

    name = plist_type_name(value)
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


NAMES: dict[Any, str] = {str: "a string", int: "an integer", bool: "a boolean"}
TAGS: dict[Any, str] = {str: "string>…</string", int: "integer>1</integer", bool: "true/> or <false/"}


def _tag(expected: Any) -> str:
    return TAGS.get(expected, "…")


def payloads(profile: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(path, dict) for the profile itself and each inner payload dictionary."""
    out: list[tuple[str, Mapping[str, Any]]] = [("", profile)]
    content = profile.get("PayloadContent")
    if isinstance(content, list):
        out += [(f"PayloadContent[{i}].", p) for i, p in enumerate(content) if isinstance(p, Mapping)]
    return out


@rule("PG201", "missing-payload-key", Severity.ERROR, "envelope")
def missing_keys(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """A required Payload key is missing: PayloadIdentifier, PayloadType, PayloadUUID and
    PayloadVersion on the profile and on every payload, PayloadContent (an array) on the profile.
    macOS refuses to install the profile."""
    content = profile.get("PayloadContent")
    if not isinstance(content, list):
        yield Hit("PayloadContent", "missing or not an array; a profile lists its payloads in PayloadContent")
    elif not content:
        yield Hit("PayloadContent", "is empty: the profile installs nothing; add the Jamf Connect payload")
    for path, payload in payloads(profile):
        for key in REQUIRED:
            if key not in payload:
                yield Hit(f"{path}{key}", "required key missing; add it")


@rule("PG202", "payload-key-type", Severity.ERROR, "envelope")
def key_types(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """A Payload key has the wrong type (e.g. PayloadVersion as a string, PayloadEnabled as a string),
    or an entry of PayloadContent is not a payload dictionary."""
    content = profile.get("PayloadContent")
    for i, entry in enumerate(content if isinstance(content, list) else []):
        if not isinstance(entry, Mapping):
            yield Hit(f"PayloadContent[{i}]", f"is {_type_name(entry)}, not a payload dictionary; remove it")
    for path, payload in payloads(profile):
        for key, expected in TYPES.items():
            value = payload.get(key)
            if key in payload and (not isinstance(value, expected) or (expected is int and isinstance(value, bool))):
                name = NAMES.get(expected, "another type")
                yield Hit(f"{path}{key}", f"must be {name}, not {_type_name(value)}; write it as <{_tag(expected)}>")


@rule("PG203", "payload-version", Severity.ERROR, "envelope")
def version(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """PayloadVersion must be the integer 1 on the profile and every payload."""
    for path, payload in payloads(profile):
        value = payload.get("PayloadVersion")
        if isinstance(value, int) and not isinstance(value, bool) and value != 1:
            yield Hit(f"{path}PayloadVersion", f"is {value}; set it to 1")


@rule("PG204", "payload-uuid-syntax", Severity.ERROR, "envelope")
def uuid_syntax(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """PayloadUUID must be a UUID (8-4-4-4-12 hexadecimal digits)."""
    for path, payload in payloads(profile):
        value = payload.get("PayloadUUID")
        if isinstance(value, str) and not is_guid(value):
            yield Hit(f"{path}PayloadUUID", f"{value!r} is not a UUID; use uuidgen or let profilegen generate one")


@rule("PG205", "duplicate-payload-uuid", Severity.ERROR, "envelope")
def unique_uuids(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """Two payloads share a PayloadUUID. macOS uses the UUID to tell payloads apart during a profile
    replacement; duplicates make updates unpredictable."""
    seen: dict[str, str] = {}
    for path, payload in payloads(profile):
        value = payload.get("PayloadUUID")
        if isinstance(value, str):
            if value.upper() in seen:
                first = f"{seen[value.upper()]}PayloadUUID" if seen[value.upper()] else "the profile's PayloadUUID"
                yield Hit(f"{path}PayloadUUID", f"same UUID as {first}; give each payload its own")
            seen.setdefault(value.upper(), path)


@rule("PG206", "inner-identifier-equals-profile", Severity.ERROR, "envelope")
def inner_equals_outer(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """An inner payload has the same PayloadIdentifier as the profile itself. Identifiers must be
    unique inside a profile; Jamf's own RapidIdentity sample gets this wrong. Use the profile's
    identifier plus a suffix for the payload."""
    outer = profile.get("PayloadIdentifier")
    for path, payload in payloads(profile)[1:]:
        if isinstance(outer, str) and payload.get("PayloadIdentifier") == outer:
            yield Hit(f"{path}PayloadIdentifier", f"equals the profile's PayloadIdentifier; use e.g. {outer}.settings")


@rule("PG207", "duplicate-inner-identifier", Severity.ERROR, "envelope")
def unique_identifiers(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """Two inner payloads share a PayloadIdentifier; each must be unique within the profile."""
    seen: set[str] = set()
    for path, payload in payloads(profile)[1:]:
        value = payload.get("PayloadIdentifier")
        if isinstance(value, str):
            if value in seen:
                yield Hit(f"{path}PayloadIdentifier", f"{value!r} is used by another payload; make it unique")
            seen.add(value)


@rule("PG208", "payload-scope", Severity.ERROR, "envelope")
def scope(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """PayloadScope on macOS is System or User."""
    value = profile.get("PayloadScope")
    if isinstance(value, str) and value not in SCOPES:
        yield Hit("PayloadScope", f"{value!r} is not System or User; Jamf Connect needs System")


@rule("PG209", "user-scope-jamf-connect", Severity.WARNING, "envelope")
def user_scope(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """A Jamf Connect profile installed at User scope. The login window runs before any user
    signs in and reads /Library/Managed Preferences: deploy it as a computer-level (System) profile."""
    if profile.get("PayloadScope") == "User":
        yield Hit("PayloadScope", "Jamf Connect settings must be a System (computer-level) profile; set PayloadScope to System")


@rule("PG210", "not-a-configuration", Severity.ERROR, "envelope")
def top_type(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """The profile's own PayloadType must be Configuration."""
    value = profile.get("PayloadType")
    if isinstance(value, str) and value != "Configuration":
        yield Hit("PayloadType", f"{value!r} at the top level; a profile's PayloadType is Configuration")


@rule("PG211", "mcx-structure", Severity.ERROR, "envelope")
def mcx_structure(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """A Custom Settings (com.apple.ManagedClient.preferences) payload whose PayloadContent is not
    domain → Forced|Set-Once → [{mcx_preference_settings: {...}}]. macOS then applies nothing."""
    for path, payload in payloads(profile)[1:]:
        if payload.get("PayloadType") != MCX_TYPE:
            continue
        content = payload.get("PayloadContent")
        if not isinstance(content, Mapping) or not content:
            yield Hit(f"{path}PayloadContent", "must be a dictionary of preference domains")
            continue
        for domain, body in content.items():
            where = f"{path}PayloadContent.{domain}"
            freqs = [f for f in MCX_FREQUENCIES if isinstance(body, Mapping) and f in body]
            if not freqs:
                yield Hit(where, "needs a Forced (or Set-Once) array of {mcx_preference_settings: ...}")
                continue
            for freq in freqs:
                entries = body[freq]
                ok = isinstance(entries, list) and entries and all(
                    isinstance(e, Mapping) and isinstance(e.get("mcx_preference_settings"), Mapping) for e in entries
                )
                if not ok:
                    yield Hit(f"{where}.{freq}", "must be an array of dictionaries holding mcx_preference_settings")
