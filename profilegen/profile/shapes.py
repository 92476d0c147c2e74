"""Where the Jamf Connect settings sit in a property list: the three shapes.

- MCX: ``com.apple.ManagedClient.preferences`` → PayloadContent → domain → Forced/Set-Once →
  [{mcx_preference_settings: …}] (Jamf Pro's Custom Settings);
- direct: inner PayloadType = the domain, keys beside the Payload* keys (Jamf Connect
  Configuration's export);
- bare: a preference plist with no envelope; its domain is inferred.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from profilegen.catalog import (
    COMPONENT_OF_DOMAIN,
    DOMAINS,
    MCX_FREQUENCIES,
    MCX_TYPE,
    Component,
    load_catalog,
)
from profilegen.rules import finding
from profilegen.rules.findings import Finding

ACTIONS_DOMAIN = "com.jamf.connect.actions"


@dataclass(frozen=True)
class Settings:
    """The preference keys for one domain found in a document."""

    domain: str
    component: Component | None  # None: a domain profilegen does not check
    data: Mapping[str, Any]
    where: str  # envelope path of the payload, "" for a bare plist
    style: str  # "mcx", "direct" or "bare"


def find_settings(
    value: Mapping[str, Any], name: str, *, is_profile: bool, domain: Component | None
) -> tuple[list[Settings], list[Finding]]:
    if not is_profile:
        return _bare(value, name, domain)
    out: list[Settings] = []
    notes: list[Finding] = []
    payloads = value.get("PayloadContent")
    for i, payload in enumerate(payloads if isinstance(payloads, list) else []):
        if not isinstance(payload, Mapping):
            continue
        where = f"PayloadContent[{i}]"
        ptype = payload.get("PayloadType")
        if ptype == MCX_TYPE:
            found = list(_mcx(payload, where))
            out.extend(s for s in found if s.component is not None)
            notes.extend(
                finding("PG109", s.where, f"settings for {s.domain} are not Jamf Connect login or menu bar keys; passed over")
                for s in found
                if s.component is None
            )
        elif isinstance(ptype, str) and ptype in COMPONENT_OF_DOMAIN:
            data = {k: v for k, v in payload.items() if not str(k).startswith("Payload")}
            out.append(Settings(ptype, COMPONENT_OF_DOMAIN[ptype], data, where, "direct"))
        else:
            notes.append(finding("PG109", f"{where}.PayloadType", f"payload {ptype!r} is not a Jamf Connect payload; envelope checked, keys passed over"))
    return out, notes


def _mcx(payload: Mapping[str, Any], where: str) -> list[Settings]:
    content = payload.get("PayloadContent")
    out = []
    for domain, body in (content.items() if isinstance(content, Mapping) else []):
        if not isinstance(body, Mapping):
            continue
        for freq in MCX_FREQUENCIES:
            entries = body.get(freq)
            for j, entry in enumerate(entries if isinstance(entries, list) else []):
                prefs = entry.get("mcx_preference_settings") if isinstance(entry, Mapping) else None
                if isinstance(prefs, Mapping):
                    path = f"{where}.PayloadContent.{domain}.{freq}[{j}].mcx_preference_settings"
                    out.append(Settings(str(domain), COMPONENT_OF_DOMAIN.get(str(domain)), prefs, path, "mcx"))
    return out


def infer_component(value: Mapping[str, Any], name: str) -> tuple[Component | None, str]:
    """Guess the domain of a bare plist: file name first, then which catalog knows its keys."""
    stem = PurePath(name).name.lower()
    if ACTIONS_DOMAIN in stem or set(value) == {"Actions"}:
        return None, "its name or keys say com.jamf.connect.actions"
    if DOMAINS["login"] in stem:
        return "login", "from its file name"
    if f"{DOMAINS['menubar']}.plist" in stem or f"{DOMAINS['menubar']}.mobileconfig" in stem:
        return "menubar", "from its file name"
    if re.search(r"(?<![a-z])login(?![a-z])", stem):
        return "login", "from its file name"
    if re.search(r"(?<![a-z])(menubar|menu_bar|verify|sync)(?![a-z])", stem):
        return "menubar", "from its file name (Verify and Sync were the 1.x menu bar apps)"
    scores: dict[Component, int] = {}
    for component in DOMAINS:
        keys = load_catalog(component).keys
        # A 2.x key of a domain counts double; a 1.x key still hints at the domain.
        scores[component] = sum(2 if (k in keys and not keys[k].legacy) else 1 if k in keys else 0 for k in value)
    best = max(scores, key=lambda c: (scores[c], c == "login"))
    if scores[best] == 0:
        return "login", "by default (no known key decided it)"
    return best, "from its keys"


def _bare(value: Mapping[str, Any], name: str, domain: Component | None) -> tuple[list[Settings], list[Finding]]:
    if domain is not None:
        return [Settings(DOMAINS[domain], domain, value, "", "bare")], []
    component, why = infer_component(value, name)
    if component is None:
        return [], [finding("PG109", None, f"a bare preference plist for another domain ({why}); passed over")]
    settings = [Settings(DOMAINS[component], component, value, "", "bare")]
    if why.startswith("from its file name"):
        return settings, []  # the name says it; nothing was guessed
    return settings, [finding("PG110", None, f"bare preference plist read as {DOMAINS[component]} ({why}); pass --domain to state it")]
