"""A profile's whole scope: read every category, merge a change, send every category back.

Jamf Pro replaces the *whole* scope when a PUT carries a ``<scope>``: "within a sent `<scope>` the
server replaces the whole subtree (wire-probed 2026-07-08 — any category element present, even
empty, wipes every omitted category across targets/limitations/exclusions)"
(Jamf-Concepts/terraform-provider-jamfplatform,
internal/resources/pro/macos_configuration_profile/crud.go; reference jamf-pro-api.md, "2026
update"). So a change to one category (``--scope-group``) reads the live scope, changes that one
category and sends every category back, and the read-back compares every category.

Category and element names are the Classic API's (jamf/Classic-API-Postman-Collection;
deploymenttheory/go-api-sdk-jamfpro's osxconfigurationprofiles scope structs:
``jss_users>user``, ``limitations>network_segments>network_segment``, ``exclusions>ibeacons>ibeacon``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from profilegen.core.text import one_line
from profilegen.variants.diff import Change

# (path in our view, XML list element, XML item element). Targets first, then limitations and
# exclusions, in the order the Classic API lists them.
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("computers", "computers", "computer"),
    ("computer_groups", "computer_groups", "computer_group"),
    ("buildings", "buildings", "building"),
    ("departments", "departments", "department"),
    ("jss_users", "jss_users", "user"),
    ("jss_user_groups", "jss_user_groups", "user_group"),
    ("limitations.users", "users", "user"),
    ("limitations.user_groups", "user_groups", "user_group"),
    ("limitations.network_segments", "network_segments", "network_segment"),
    ("limitations.ibeacons", "ibeacons", "ibeacon"),
    ("exclusions.computers", "computers", "computer"),
    ("exclusions.computer_groups", "computer_groups", "computer_group"),
    ("exclusions.buildings", "buildings", "building"),
    ("exclusions.departments", "departments", "department"),
    ("exclusions.users", "users", "user"),
    ("exclusions.user_groups", "user_groups", "user_group"),
    ("exclusions.network_segments", "network_segments", "network_segment"),
    ("exclusions.ibeacons", "ibeacons", "ibeacon"),
    ("exclusions.jss_users", "jss_users", "user"),
    ("exclusions.jss_user_groups", "jss_user_groups", "user_group"),
)
PATHS = tuple(path for path, _, _ in CATEGORIES)
MAX_MEMBERS = 100_000  # bounded work on a hostile answer; a real scope has far fewer


@dataclass(frozen=True)
class Member:
    """One scoped object: Jamf Pro's id when known (new groups named by an option have none yet)."""

    id: int | None
    name: str

    def key(self) -> str:
        """What identifies it when two scopes are compared: the name (Jamf Pro's names of groups,
        buildings and departments are unique), else the id."""
        return self.name.casefold() if self.name else f"#{self.id}"


@dataclass(frozen=True)
class Scope:
    all_computers: bool = False
    all_jss_users: bool = False
    lists: Mapping[str, tuple[Member, ...]] = field(default_factory=dict)

    def members(self, path: str) -> tuple[Member, ...]:
        return self.lists.get(path, ())

    def names(self, path: str) -> list[str]:
        return sorted((m.name or f"id {m.id}" for m in self.members(path)), key=str.casefold)

    def as_json(self) -> dict[str, Any]:
        """Every category, for jamf.json: ``{"all_computers": …, "computer_groups": [names], …,
        "limitations": {…}, "exclusions": {…}}``."""
        out: dict[str, Any] = {"all_computers": self.all_computers, "all_jss_users": self.all_jss_users}
        for path in PATHS:
            head, _, tail = path.rpartition(".")
            (out.setdefault(head, {}) if head else out)[tail] = self.names(path)
        return out


def _member(item: Any, where: str) -> Member:
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: an entry is not an object")
    ident, name = item.get("id"), item.get("name")
    if ident is not None and (type(ident) is not int or not 0 <= ident < 1 << 63):
        raise ValueError(f"{where}: an entry's id is not a whole number")
    if name is not None and not isinstance(name, str):
        raise ValueError(f"{where}: an entry's name is not text")
    if ident is None and not name:
        raise ValueError(f"{where}: an entry has neither id nor name")
    if ident is None and not _sendable(name or ""):
        # Sent back by name only, it would be broken XML (or not UTF-8 at all).
        raise ValueError(f"{where}: an entry's name holds characters XML cannot carry")
    return Member(ident, name or "")


def _sendable(text: str) -> bool:
    """XML 1.0 characters only (no C0 controls but tab/LF/CR, no lone surrogates, no U+FFFE/FFFF)."""
    return not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", text)


def parse_scope(raw: Any) -> Scope:
    """The scope of GET …/id/N (JSON, reference §4). A category that is absent is empty (older
    Jamf Pro versions lack some); one that is present in another shape is a ValueError: reading it
    as empty and sending it back would delete it."""
    if raw is None:
        return Scope()
    if not isinstance(raw, Mapping):
        raise ValueError("scope is not an object")
    flags = {}
    for key in ("all_computers", "all_jss_users"):
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise ValueError(f"scope.{key} is not true or false")
        flags[key] = value
    lists: dict[str, tuple[Member, ...]] = {}
    total = 0
    for path in PATHS:
        head, _, tail = path.rpartition(".")
        parent = raw.get(head) if head else raw
        if parent is None or parent == []:  # Jamf Pro writes an empty block as [] or leaves it out
            continue
        if not isinstance(parent, Mapping):
            raise ValueError(f"scope.{head} is not an object")
        items = parent.get(tail)
        if items is None:
            continue
        if not isinstance(items, list):
            raise ValueError(f"scope.{path} is not a list")
        total += len(items)
        if total > MAX_MEMBERS:
            raise ValueError(f"scope holds more than {MAX_MEMBERS} entries")
        lists[path] = tuple(_member(item, f"scope.{path}") for item in items)
    _refuse_unknown(raw)
    return Scope(flags["all_computers"], flags["all_jss_users"], lists)


_KNOWN = {head: {p.rpartition(".")[2] for p in PATHS if p.rpartition(".")[0] == head} for head in ("", "limitations", "exclusions")}
_KNOWN[""] |= {"all_computers", "all_jss_users", "limitations", "exclusions"}


def _refuse_unknown(raw: Mapping[str, Any]) -> None:
    """A category we do not know, holding something, would be emptied by our write."""
    for head, known in _KNOWN.items():
        parent = raw.get(head) if head else raw
        for key, value in parent.items() if isinstance(parent, Mapping) else ():
            if key not in known and isinstance(value, (list, Mapping)) and value:
                where = f"{head}.{key}" if head else str(key)
                raise ValueError(f"scope.{one_line(where)[:80]} is a category profilegen does not know; sending the "
                                 "scope back would empty it: change this profile's scope in Jamf Pro")


def _by_names(names: Sequence[str], current: tuple[Member, ...]) -> tuple[Member, ...]:
    """Members named by an option; one Jamf Pro already lists keeps its id and spelling."""
    known = {m.name.casefold(): m for m in current if m.name}
    unique: dict[str, str] = {}
    for n in names:  # --scope-group A --scope-group a: once, as first written
        unique.setdefault(n.casefold(), n)
    return tuple(known.get(k, Member(None, n)) for k, n in unique.items())


def merge_scope(live: Scope, *, all_computers: bool | None, groups: Sequence[str] | None,
                exclude_groups: Sequence[str] | None) -> Scope:
    """The live scope with the options' changes: None leaves a part as Jamf Pro has it; a list
    replaces that category's list (and only that one)."""
    lists = dict(live.lists)
    if groups is not None:
        lists["computer_groups"] = _by_names(groups, live.members("computer_groups"))
    if exclude_groups is not None:
        lists["exclusions.computer_groups"] = _by_names(exclude_groups, live.members("exclusions.computer_groups"))
    return Scope(live.all_computers if all_computers is None else all_computers, live.all_jss_users, lists)


def _item_xml(element: str, member: Member) -> str:
    # By id when Jamf Pro gave one (as Jamf's own provider sends scope entries), else by name:
    # a name from the server never travels back when its id says the same.
    if member.id is not None:
        return f"<{element}><id>{member.id}</id></{element}>"
    return f"<{element}><name>{escape(member.name)}</name></{element}>"


def scope_xml(scope: Scope) -> str:
    """Every category, empty ones included: what is sent is the whole scope, stated."""
    parts = {"": [f"<all_computers>{str(scope.all_computers).lower()}</all_computers>",
                  f"<all_jss_users>{str(scope.all_jss_users).lower()}</all_jss_users>"],
             "limitations": [], "exclusions": []}
    for path, lst, item in CATEGORIES:
        head = path.rpartition(".")[0]
        inner = "".join(_item_xml(item, m) for m in scope.members(path))
        parts[head].append(f"<{lst}>{inner}</{lst}>")
    return ("<scope>" + "".join(parts[""]) + "<limitations>" + "".join(parts["limitations"]) + "</limitations>"
            + "<exclusions>" + "".join(parts["exclusions"]) + "</exclusions></scope>")


def scope_changes(old: Scope, new: Scope) -> list[Change]:
    """Key-level: one line per flag and per member added to or removed from a category
    (``+ scope.exclusions.computer_groups = "Kiosks"``)."""
    out: list[Change] = []
    for flag in ("all_computers", "all_jss_users"):
        if getattr(old, flag) != getattr(new, flag):
            out.append(Change("~", f"scope.{flag}", getattr(old, flag), getattr(new, flag)))
    for path in PATHS:
        # Counted, not collected in a set: computer names are not unique in Jamf Pro, and one
        # of two "Lab-Mac" entries lost must show.
        before = Counter(m.key() for m in old.members(path))
        after = Counter(m.key() for m in new.members(path))
        shown = {m.key(): m.name or f"id {m.id}" for m in (*old.members(path), *new.members(path))}
        for key in sorted((before - after).elements()):
            out.append(Change("-", f"scope.{path}", old=shown[key]))
        for key in sorted((after - before).elements()):
            out.append(Change("+", f"scope.{path}", new=shown[key]))
    return out
