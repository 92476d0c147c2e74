"""What travels to and from the Classic API: the XML body we send, the JSON we read.

Body shape: reference §2 (jamf/Classic-API-Postman-Collection; JamfUploader's
``Profile-single-group.xml``). Read shape: reference §4.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

# Reference §2: the two values of general/distribution_method and general/redeploy_on_update.
SELF_SERVICE = "Make Available in Self Service"
AUTOMATIC = "Install Automatically"
REDEPLOY = {"all": "All", "newly-assigned": "Newly Assigned"}
NO_CATEGORY = ("", "No category assigned")  # [inf] how the Classic API names "none"


@dataclass(frozen=True)
class Placement:
    """General and scope settings from options or a manifest's jamf: block. None: leave what
    Jamf Pro has (on create: the defaults below), so an update never resets them by surprise."""

    category: str | None = None
    description: str | None = None
    self_service: bool | None = None
    redeploy: str = "newly-assigned"
    all_computers: bool | None = None
    scope_groups: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Stored:
    """One profile as Jamf Pro has it."""

    id: int
    name: str
    uuid: str
    payloads: str
    category: str | None
    description: str
    distribution_method: str
    all_computers: bool
    groups: tuple[str, ...]


def wire_payloads(mobileconfig: str) -> str:
    """The profile as the text of ``<payloads>``.

    Jamf Pro entity-decodes that text once more than XML says (PI-827, unfixed) and answers 409
    "Unable to update the database" when the result holds a bare & or <. The one form that
    survives byte-exact (for Custom Settings payloads): CDATA, with every & written as &amp; once,
    so the profile's own &amp; travels as &amp;amp; (reference §3; Jamf-Concepts/jamf-cli PRs
    #310/#311). A ]]> inside the text would end the CDATA section: it is split across two.
    """
    text = mobileconfig.replace("&", "&amp;").replace("]]>", "]]]]><![CDATA[>")
    return f"<![CDATA[{text}]]>"


def profile_body(*, name: str, payloads: str, placement: Placement, create: bool) -> bytes:
    """The XML for POST …/id/0 (create) or PUT …/id/N (update). An update sends only what an
    option set; a create also sends the defaults: computer level, not removable, installed
    automatically, scoped to nobody unless told (a new profile never reaches every Mac by surprise)."""
    general = [f"<name>{escape(name)}</name>"]
    if placement.description is not None or create:
        general.append(f"<description>{escape(placement.description or '')}</description>")
    if placement.category is not None:
        general.append(f"<category><name>{escape(placement.category)}</name></category>")
    if placement.self_service is not None or create:
        general.append(f"<distribution_method>{SELF_SERVICE if placement.self_service else AUTOMATIC}</distribution_method>")
    if create:
        # Jamf Connect reads /Library/Managed Preferences: a computer-level profile.
        general += ["<user_removable>false</user_removable>", "<level>computer</level>"]
    general.append(f"<redeploy_on_update>{REDEPLOY[placement.redeploy]}</redeploy_on_update>")
    general.append(f"<payloads>{wire_payloads(payloads)}</payloads>")
    scope = []
    if placement.all_computers is not None or create:
        scope.append(f"<all_computers>{'true' if placement.all_computers else 'false'}</all_computers>")
    if placement.scope_groups is not None:
        groups = "".join(f"<computer_group><name>{escape(g)}</name></computer_group>" for g in placement.scope_groups)
        scope.append(f"<computer_groups>{groups}</computer_groups>")
    body = "<os_x_configuration_profile><general>" + "".join(general) + "</general>"
    if scope:
        body += "<scope>" + "".join(scope) + "</scope>"
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body + "</os_x_configuration_profile>").encode("utf-8")


def created_id(body: bytes) -> int | None:
    """The id in ``<os_x_configuration_profile><id>N</id></os_x_configuration_profile>`` (reference §2)."""
    import re

    match = re.search(rb"<id>\s*(\d+)\s*</id>", body)
    return int(match.group(1)) if match else None


def profile_list(data: Any) -> list[tuple[int, str]]:
    """(id, name) of every profile in the JSON list (reference §2)."""
    items = data.get("os_x_configuration_profiles") if isinstance(data, Mapping) else None
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("id"), int) and isinstance(item.get("name"), str):
            out.append((item["id"], item["name"]))
    return out


def stored_profile(data: Any) -> Stored:
    """The JSON of GET …/id/N (reference §4); ValueError when it has another shape."""
    root = data.get("os_x_configuration_profile") if isinstance(data, Mapping) else None
    if not isinstance(root, Mapping):
        raise ValueError("no os_x_configuration_profile")
    general = root.get("general")
    if not isinstance(general, Mapping) or not isinstance(general.get("payloads"), str):
        raise ValueError("no general/payloads")
    raw_scope = root.get("scope")
    scope: Mapping[str, Any] = raw_scope if isinstance(raw_scope, Mapping) else {}
    category = general.get("category")
    cat_name = category.get("name") if isinstance(category, Mapping) else None
    groups = scope.get("computer_groups")
    names = tuple(g["name"] for g in groups if isinstance(g, Mapping) and isinstance(g.get("name"), str)) if isinstance(groups, list) else ()
    return Stored(
        id=int(general.get("id") or 0),
        name=str(general.get("name") or ""),
        uuid=str(general.get("uuid") or ""),
        payloads=general["payloads"],
        category=None if cat_name in (None, *NO_CATEGORY) else str(cat_name),
        description=str(general.get("description") or ""),
        distribution_method=str(general.get("distribution_method") or AUTOMATIC),
        all_computers=scope.get("all_computers") is True,
        groups=names,
    )
