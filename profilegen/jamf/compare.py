"""Key-level comparison of a profile with Jamf Pro's copy, blind to what Jamf Pro rewrites.

Jamf Pro replaces the top-level PayloadUUID and PayloadIdentifier with its own UUID and
PayloadDisplayName with general/name (reference §3). Whether it also masks the inner payloads'
identity is disputed (deploymenttheory's provider: kept; jamf/terraform-provider-jamfplatform
PR #154: masked), so those three keys are ignored at every payload level: a change to them
alone never triggers a write that would redeploy the profile to every Mac.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from profilegen.catalog import COMPONENT_OF_DOMAIN, MCX_TYPE
from profilegen.jamf.scope import Scope, scope_changes
from profilegen.jamf.wire import AUTOMATIC, SELF_SERVICE, Placement, Stored
from profilegen.variants.diff import Change, diff_views

IDENTITY_KEYS = frozenset({"PayloadUUID", "PayloadIdentifier", "PayloadDisplayName"})
CHANGE_WORDS = {"+": "added", "-": "removed", "~": "changed"}


def settings_view(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Envelope keys, each payload's own keys (``PayloadContent[0].PayloadEnabled``) and each
    Custom Settings domain under its component name (``login.OIDCAdmin``), identity left out."""
    out: dict[str, Any] = {k: v for k, v in profile.items() if k not in IDENTITY_KEYS and k != "PayloadContent"}
    payloads = profile.get("PayloadContent")
    for i, payload in enumerate(payloads if isinstance(payloads, list) else []):
        if not isinstance(payload, Mapping):
            out[f"PayloadContent[{i}]"] = payload
            continue
        meta = {k: v for k, v in payload.items() if k not in IDENTITY_KEYS}
        content = meta.get("PayloadContent")
        if payload.get("PayloadType") == MCX_TYPE and isinstance(content, Mapping):
            del meta["PayloadContent"]
            for domain, body in content.items():
                label = COMPONENT_OF_DOMAIN.get(str(domain), str(domain))
                while label in out:
                    label += "#"
                out[label] = _settings_of(body)
        out[f"PayloadContent[{i}]"] = meta
    return out


def _settings_of(body: Any) -> Any:
    """The preference keys when the domain holds the usual single Forced entry, else the body."""
    if isinstance(body, Mapping) and list(body) == ["Forced"] and isinstance(body["Forced"], list) and len(body["Forced"]) == 1:
        entry = body["Forced"][0]
        if isinstance(entry, Mapping) and list(entry) == ["mcx_preference_settings"]:
            return entry["mcx_preference_settings"]
    return body


def profile_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[Change]:
    """What changes from ``old`` to ``new`` (None: Jamf Pro holds something unreadable)."""
    return diff_views(settings_view(old or {}), settings_view(new or {}))


def placement_changes(stored: Stored, placement: Placement, scope: Scope) -> list[Change]:
    """General settings an option sets that differ from Jamf Pro's, and every scope category that
    differs from ``scope`` (the live scope merged with the options, profilegen.jamf.scope). The
    redeploy choice is not compared: it says how an update is delivered, not what is deployed."""
    out: list[Change] = []

    def differ(path: str, old: Any, new: Any) -> None:
        if new is not None and old != new:
            out.append(Change("~", path, old, new))

    differ("general.category", stored.category, placement.category)
    differ("general.description", stored.description, placement.description)
    if placement.self_service is not None:
        differ("general.distribution_method", stored.distribution_method, SELF_SERVICE if placement.self_service else AUTOMATIC)
    return out + scope_changes(stored.scope, scope)


def adopt_identity(profile: Mapping[str, Any], stored: Mapping[str, Any] | None, uuid: str) -> dict[str, Any]:
    """Our profile with Jamf Pro's top-level PayloadUUID and PayloadIdentifier, as JamfUploader
    does before a PUT (reference §3), so the update replaces the installed profile on every Mac."""
    out = copy.deepcopy(dict(profile))
    for key in ("PayloadUUID", "PayloadIdentifier"):
        value = stored.get(key) if stored is not None else None
        if isinstance(value, str) and value:
            out[key] = value
        elif uuid:
            out[key] = uuid
    return out
