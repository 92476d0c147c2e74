"""What travels to and from the Classic API: the XML body we send, the JSON we read.

Body shape: reference §2 (jamf/Classic-API-Postman-Collection; JamfUploader's
``Profile-single-group.xml``). Read shape: reference §4.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from profilegen.jamf.scope import Scope, parse_scope, scope_xml

# Reference §2: the two values of general/distribution_method and general/redeploy_on_update.
SELF_SERVICE = "Make Available in Self Service"
AUTOMATIC = "Install Automatically"
REDEPLOY = {"all": "All", "newly-assigned": "Newly Assigned"}
NO_CATEGORY = ("", "No category assigned")  # [inf] how the Classic API names "none"
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    exclude_groups: tuple[str, ...] | None = None

    @property
    def touches_scope(self) -> bool:
        return self.all_computers is not None or self.scope_groups is not None or self.exclude_groups is not None


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
    scope: Scope

    @property
    def all_computers(self) -> bool:
        return self.scope.all_computers

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.scope.members("computer_groups"))


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


def profile_body(*, name: str, payloads: str, placement: Placement, create: bool, scope: Scope | None) -> bytes:
    """The XML for POST …/id/0 (create) or PUT …/id/N (update). An update sends only what an
    option set; a create also sends the defaults: computer level, not removable, installed
    automatically, scoped to nobody unless told (a new profile never reaches every Mac by surprise).
    ``scope`` is the whole scope (profilegen.jamf.scope: Jamf Pro replaces every category of a
    sent <scope>), or None to send no <scope> and leave Jamf Pro's as it is."""
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
    body = "<os_x_configuration_profile><general>" + "".join(general) + "</general>"
    if scope is not None:
        body += scope_xml(scope)
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body + "</os_x_configuration_profile>").encode("utf-8")


def created_id(body: bytes) -> int | None:
    """The id in ``<os_x_configuration_profile><id>N</id></os_x_configuration_profile>`` (reference §2);
    None when there is none or it is no sensible id (thousands of digits, 0)."""
    match = re.search(rb"<id>\s*(\d{1,30})\s*</id>", body[:65536])
    return whole_id(int(match.group(1))) if match else None


def profile_list(data: Any) -> list[tuple[int, str]]:
    """(id, name) of every profile in the JSON list (reference §2); ValueError when an entry is not
    an id and a name: skipping it could create a second profile of a name Jamf Pro already has."""
    items = data.get("os_x_configuration_profiles") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise ValueError("no os_x_configuration_profiles list")
    out = []
    for item in items:
        pid = whole_id(item.get("id")) if isinstance(item, Mapping) else None
        name = item.get("name") if isinstance(item, Mapping) else None
        if pid is None or not isinstance(name, str) or _SURROGATE.search(name):
            raise ValueError("an entry of the profile list is not a whole-number id and a name")
        out.append((pid, name))
    return out


def _text(general: Mapping[str, Any], key: str, default: str = "") -> str:
    value = general.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"general.{key} is not text")
    if _SURROGATE.search(value):
        raise ValueError(f"general.{key} holds a lone surrogate (not Unicode text)")
    return value


_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown_name(text: str) -> str:
    """A name from Jamf Pro, safe in one line of output: control characters (a line feed that
    would forge a line on stderr) and bidi controls (which reorder what the reader sees) escaped."""
    from profilegen.core.text import one_line

    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", one_line(text))


def whole_id(value: Any) -> int | None:
    """A Jamf Pro id: a whole number in 1..2**63-1 (true, 1.0, Infinity, "7" and lists are not)."""
    return value if type(value) is int and 0 < value < 1 << 63 else None


def stored_profile(data: Any) -> Stored:
    """The JSON of GET …/id/N (reference §4); ValueError naming the part that has another shape."""
    root = data.get("os_x_configuration_profile") if isinstance(data, Mapping) else None
    if not isinstance(root, Mapping):
        raise ValueError("no os_x_configuration_profile")
    general = root.get("general")
    if not isinstance(general, Mapping) or not isinstance(general.get("payloads"), str):
        raise ValueError("no general/payloads")
    ident = general.get("id")
    if ident is not None and whole_id(ident) is None:
        raise ValueError("general.id is not a whole number")
    category = general.get("category")
    cat_name = category.get("name") if isinstance(category, Mapping) else None
    if cat_name is not None and (not isinstance(cat_name, str) or _SURROGATE.search(cat_name)):
        raise ValueError("general.category.name is not text")
    return Stored(
        id=ident or 0,
        name=_text(general, "name"),
        uuid=_text(general, "uuid"),
        payloads=_text(general, "payloads"),
        category=None if cat_name in (None, *NO_CATEGORY) else cat_name,
        description=_text(general, "description"),
        distribution_method=_text(general, "distribution_method") or AUTOMATIC,
        scope=parse_scope(root.get("scope")),
    )
