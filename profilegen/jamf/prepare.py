"""Turn a file into what push uploads, or the reasons it cannot be uploaded. Nothing is sent.

Order (issue 10): validate with the project's rules, refuse signed profiles, wrap a bare
preference plist, convert direct payloads to Custom Settings (MCX), name it, lint for what
Jamf Pro damages. Problems are returned as lines so that every file is checked in one run.
"""

from __future__ import annotations

import copy
import plistlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from profilegen.catalog import COMPONENT_OF_DOMAIN, DOMAINS, MCX_TYPE, Component
from profilegen.jamf.lint import lint
from profilegen.jamf.wire import Placement
from profilegen.rules.findings import Finding, Severity


@dataclass(frozen=True)
class Prepared:
    file: str
    name: str
    profile: dict[str, Any]  # the Custom Settings form that is uploaded; PayloadDisplayName = name
    placement: Placement
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def text(self) -> str:
        return plistlib.dumps(self.profile, sort_keys=False).decode("utf-8")


def _line(file: str, f: Finding) -> str:
    return f"{file}: {f.code}{' ' + f.key if f.key else ''}: {f.message}"


def prepare(
    file: str, data: bytes, *, name: str | None, domain: Component | None, placement: Placement, check: bool, allow_damage: bool
) -> tuple[Prepared | None, list[str]]:
    """(what to upload, None) or (None, problem lines)."""
    from profilegen.validate.pipeline import check_bytes

    result = check_bytes(data, file, domain=domain)
    doc = result.document
    errors = [_line(file, f) for f in result.findings if f.severity is Severity.ERROR]
    if doc is None:
        return None, errors or [f"{file}: not a readable profile"]
    if doc.signer is not None:
        # Reference §3: the API strips or does not support signatures (JamfUploader: "JAMF
        # CURRENTLY STRIPS SIGNING VIA API"); Jamf Pro signs what it delivers itself.
        return None, [f"{file}: signed by {doc.signer}; Jamf Pro strips the signature and signs what it delivers "
                      "itself: push the unsigned profile"]
    if errors and check:
        return None, [*errors, f"{file}: not pushed because of {len(errors)} error finding(s); fix them or pass --no-validate"]
    warnings = tuple(_line(file, f) for f in result.findings if f.severity is Severity.WARNING)
    notes: list[str] = []
    if doc.is_profile:
        profile = copy.deepcopy(dict(doc.data))
    else:
        component = next((s.component for s in doc.settings if s.component), None)
        if component is None:
            return None, [f"{file}: a bare preference plist of no Jamf Connect domain; pass --domain login or menubar"]
        if name is None:
            # A bare plist carries no PayloadDisplayName; naming the Jamf Pro profile after the
            # file path would be silent and differ by working directory (issue 18).
            return None, [f"{file}: a bare preference plist has no name for Jamf Pro; pass --name, or give the "
                          "variants file a jamf: name"]
        profile = _wrap(doc.data, component, name)
        notes.append(f"{file}: bare {DOMAINS[component]} preferences wrapped in a Custom Settings profile")
    notes += _to_mcx(profile, file)
    final = name or profile.get("PayloadDisplayName")
    if not isinstance(final, str) or not final.strip():
        return None, [f"{file}: no PayloadDisplayName to name it in Jamf Pro; pass --name"]
    if re.search(r"[\x00-\x1f\x7f-\x9f]", final):
        return None, [f"{file}: the name {final!r} contains control characters, tabs or line feeds; give a plain name"]
    profile["PayloadDisplayName"] = final = final.strip()
    problems = [] if allow_damage else [f"{file}: {p}; or pass --allow-damage" for p in lint(profile)]
    if problems:
        return None, problems
    return Prepared(file, final, profile, placement, tuple(notes), warnings), []


def _wrap(prefs: Mapping[str, Any], component: Component, name: str) -> dict[str, Any]:
    """A profile around bare preferences. Its identifier (and so the inner PayloadIdentifier and
    PayloadUUID, which generate derives from it) comes from the Jamf Pro name: each department's
    profile has its own, the same on every run, since the name is unique in Jamf Pro (letter
    case aside, so the case-folded name is what is hashed)."""
    import hashlib

    from profilegen.generate.build import Identity, profile

    tag = hashlib.sha256(name.casefold().encode("utf-8", "surrogatepass")).hexdigest()[:16]
    ident = Identity(f"{DOMAINS[component]}.profilegen.{tag}", name, f"{DOMAINS[component]} settings, uploaded by profilegen.", "")
    out = profile(dict(prefs), ident, component, "mcx")
    del out["PayloadOrganization"]  # none is known; an empty one would show in System Settings
    return out


def _to_mcx(profile: dict[str, Any], file: str) -> list[str]:
    """Direct payloads (PayloadType = the domain) become Custom Settings payloads in place:
    only that form survives Jamf Pro's extra entity decoding byte-exact (reference §3)."""
    notes: list[str] = []
    payloads = profile.get("PayloadContent")
    if not isinstance(payloads, list):
        return notes
    for i, payload in enumerate(payloads):
        domain = payload.get("PayloadType") if isinstance(payload, Mapping) else None
        if not isinstance(domain, str) or domain not in COMPONENT_OF_DOMAIN:
            continue
        prefs = {k: v for k, v in payload.items() if not str(k).startswith("Payload")}
        inner = {k: v for k, v in payload.items() if str(k).startswith("Payload")}
        inner["PayloadType"] = MCX_TYPE
        # Jamf Pro's Custom Settings shape: domain -> Forced -> [{mcx_preference_settings}].
        inner["PayloadContent"] = {domain: {"Forced": [{"mcx_preference_settings": prefs}]}}
        payloads[i] = inner
        notes.append(f"{file}: direct {domain} payload converted to Custom Settings (MCX), the form Jamf Pro stores exactly")
    return notes
