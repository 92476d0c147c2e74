"""Conditional Access policies as Graph returns them, read from files, stdin or Graph pages.

Accepted shapes (``ca-check --policies``): the list response of
``GET /v1.0/identity/conditionalAccess/policies`` (``{"value": [...], "@odata.nextLink": ...}``),
several such pages saved one after another, a bare JSON array of policies (or of pages), one
policy object, and a directory of one-policy ``*.json`` files (what backup scripts such as
Microsoft365DSC exports or ``Get-MgIdentityConditionalAccessPolicy | ConvertTo-Json`` loops write).
The policy shape: https://learn.microsoft.com/en-us/graph/api/resources/conditionalaccesspolicy
(azure-facts.md §10.4).

Work is bounded: input size, JSON nesting depth, number of policies and the length of every
list inside a policy. A file that breaks a bound, is not JSON or is not a policy list is an
InputError naming the file (and the policy); nothing here raises anything else.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from profilegen.core.errors import InputError, read_problem
from profilegen.core.text import one_line, shown

MAX_BYTES = 16 << 20  # a tenant has at most a few hundred policies of a few KB each
MAX_POLICIES = 5000
MAX_DEPTH = 40  # a policy is about 6 levels deep
MAX_LIST = 10_000  # includeUsers and the like; Entra caps them far lower
MAX_FILES = 5000
MAX_TOTAL = 4 * MAX_BYTES  # a directory's files together
MAX_DIGITS = 30
STATES = ("enabled", "disabled", "enabledForReportingButNotEnforced")
WANTED = "Conditional Access policies as JSON (Graph's list response, an array, one policy, or a directory of *.json)"
# Keys of a conditionalAccessPolicy; an object with none of them is not a policy.
POLICY_KEYS = frozenset({"conditions", "grantControls", "state", "displayName", "sessionControls"})


@dataclass(frozen=True)
class Policy:
    """One policy as read: its raw JSON object and where it came from (for messages)."""

    id: str
    name: str
    state: str
    data: Mapping[str, Any]
    where: str  # "file" or "file: policy 3"


def _int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise ValueError("number too long")
    return int(text)


_DECODER = json.JSONDecoder(parse_int=_int)


def _depth(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests deeper than ``limit`` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def decode_values(text: str, where: str) -> Iterator[Any]:
    """Every JSON value in ``text``: one document, or several written one after another
    (pages concatenated, JSON lines). InputError names ``where`` and the line."""
    pos = 0
    end = len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
        if pos >= end:
            return
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except RecursionError:
            raise InputError(f"{where}: JSON nested too deeply; {WANTED}") from None
        except ValueError as exc:
            line = text.count("\n", 0, getattr(exc, "pos", pos)) + 1
            msg = getattr(exc, "msg", None) or "a number longer than any policy holds"
            raise InputError(f"{where}:{line}: not JSON ({msg}); {WANTED}") from None
        if _depth(value):
            raise InputError(f"{where}: JSON nested deeper than {MAX_DEPTH} levels; not a policy list; {WANTED}")
        yield value


def _objects(value: Any, where: str) -> Iterator[tuple[Any, str]]:
    """The policy objects in one decoded value (a page, an array of policies or pages, one policy)."""
    if isinstance(value, dict) and isinstance(value.get("value"), list):
        items = value["value"]
        for i, item in enumerate(items):
            yield item, f"{where}: value[{i}]"
        return
    if isinstance(value, dict) and "value" in value:
        raise InputError(f"{where}: \"value\" is not a list; {WANTED}")
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict) and isinstance(item.get("value"), list):
                yield from _objects(item, f"{where}[{i}]")
            else:
                yield item, f"{where}[{i}]"
        return
    yield value, where


def to_policy(item: Any, where: str) -> Policy:
    """A Policy from one JSON value, or InputError naming ``where``."""
    if not isinstance(item, dict):
        raise InputError(f"{where}: a policy must be a JSON object, found {type(item).__name__}; {WANTED}")
    if not POLICY_KEYS & item.keys():
        keys = ", ".join(shown(str(k), limit=30) for k in list(item)[:4]) or "none"
        raise InputError(f"{where}: not a Conditional Access policy (keys: {keys}); {WANTED}")
    pid, name, state = item.get("id", ""), item.get("displayName", ""), item.get("state")
    for key, value in (("id", pid), ("displayName", name)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key} must be a string, found {type(value).__name__}; fix or remove the policy")
    if not isinstance(state, str):
        raise InputError(f"{where}: state must be one of {', '.join(STATES)}; fix or remove the policy")
    label = f"{where}: policy {shown(name or '', limit=60)}{' (id ' + one_line(pid[:60]) + ')' if pid else ''}"
    check_shape(item, label)
    return Policy(pid or "", name or "", state, item, label)


# Where the evaluator reads lists of strings, and where it reads objects.
_STRING_LISTS = {
    ("conditions", "applications"): ("includeApplications", "excludeApplications", "includeUserActions",
                                     "includeAuthenticationContextClassReferences"),
    ("conditions", "users"): ("includeUsers", "excludeUsers", "includeGroups", "excludeGroups", "includeRoles", "excludeRoles"),
    ("conditions", "platforms"): ("includePlatforms", "excludePlatforms"),
    ("conditions", "locations"): ("includeLocations", "excludeLocations"),
    ("conditions",): ("clientAppTypes", "signInRiskLevels", "userRiskLevels", "servicePrincipalRiskLevels"),
    ("grantControls",): ("builtInControls", "customAuthenticationFactors", "termsOfUse"),
}
_OBJECTS = (("conditions",), ("conditions", "applications"), ("conditions", "users"), ("conditions", "platforms"),
            ("conditions", "locations"), ("grantControls",), ("conditions", "applications", "applicationFilter"),
            ("grantControls", "authenticationStrength"), ("conditions", "authenticationFlows"))


def section(data: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    """The object at ``path`` ({} when missing or null; check_shape has refused other types)."""
    node: Any = data
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def strings(data: Mapping[str, Any], path: tuple[str, ...], key: str) -> list[str]:
    value = section(data, path).get(key)
    return list(value) if isinstance(value, list) else []


def check_shape(item: Mapping[str, Any], label: str) -> None:
    """Refuse a policy whose fields have the wrong JSON type where the evaluator reads them."""
    for path in _OBJECTS:
        node: Any = item
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if node is not None and not isinstance(node, dict):
            raise InputError(f"{label}: {'.'.join(path)} must be an object or null; fix the policy JSON")
    for path, keys in _STRING_LISTS.items():
        sect = section(item, path)
        for key in keys:
            value = sect.get(key)
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{label}: {'.'.join((*path, key))} must be a list of strings; fix the policy JSON")
            if len(value) > MAX_LIST:
                raise InputError(f"{label}: {'.'.join((*path, key))} has over {MAX_LIST:,} entries; not a real policy")
    for path, key in ((("grantControls",), "operator"), (("conditions", "applications", "applicationFilter"), "mode"),
                      (("conditions", "authenticationFlows"), "transferMethods")):
        value = section(item, path).get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{label}: {'.'.join((*path, key))} must be a string; fix the policy JSON")


def policies_from_text(text: str, where: str) -> list[Policy]:
    out: list[Policy] = []
    if not text.strip():
        # A tenant without policies exports {"value": []}; an empty file is a failed export.
        raise InputError(f"{where}: empty; give {WANTED}")
    for value in decode_values(text, where):
        for item, place in _objects(value, where):
            out.append(to_policy(item, place))
            if len(out) > MAX_POLICIES:
                raise InputError(f"{where}: more than {MAX_POLICIES:,} policies; Entra allows far fewer, not a policy export")
    return out


def _decode(data: bytes, where: str) -> str:
    if len(data) > MAX_BYTES:
        raise InputError(f"{where}: over {MAX_BYTES >> 20} MiB; not a policy export ({WANTED})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the export as UTF-8") from None


def read_stream(stream: IO[bytes], where: str = "<stdin>") -> list[Policy]:
    data = stream.read(MAX_BYTES + 1)
    return policies_from_text(_decode(data, where), where)


def read_policies(path: Path, stdin: IO[bytes] | None = None) -> list[Policy]:
    """The policies in ``path`` (``-`` for ``stdin``; a directory: its ``*.json`` files, sorted)."""
    if str(path) == "-":
        return read_stream(stdin if stdin is not None else io.BytesIO())
    where = one_line(str(path))
    try:
        if path.is_dir():
            # Regular files only: a folder (or a symlink to one, even to this folder) named *.json is not read.
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith(".") and p.is_file())
            if not files:
                raise InputError(f"--policies: {where} holds no *.json files; give {WANTED}")
            if len(files) > MAX_FILES:
                raise InputError(f"--policies: {where} holds more than {MAX_FILES:,} JSON files; not a policy backup")
            out: list[Policy] = []
            total = 0
            for file in files:
                total += file.stat().st_size
                if total > MAX_TOTAL:
                    raise InputError(f"--policies: {where}: its *.json files hold over {MAX_TOTAL >> 20} MiB; not a policy backup")
                out.extend(read_policies(file))
                if len(out) > MAX_POLICIES:
                    raise InputError(f"--policies: {where}: more than {MAX_POLICIES:,} policies; not a policy export")
            return out
        with path.open("rb") as raw:
            data = raw.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(read_problem(exc, where=f"--policies: {where}", wanted=WANTED)) from None
    return policies_from_text(_decode(data, where), where)


def unique(policies: list[Policy]) -> tuple[list[Policy], list[str]]:
    """The policies with each id once (the first), and a note per id that came more than once:
    overlapping pages or a backup folder holding two exports would otherwise count a policy twice."""
    seen: dict[str, int] = {}
    out: list[Policy] = []
    for policy in policies:
        if policy.id and policy.id in seen:
            seen[policy.id] += 1
            continue
        seen[policy.id] = 1
        out.append(policy)
    notes = [f"policy id {one_line(pid[:60])} appears {n} times; evaluated once (the first)" for pid, n in seen.items() if n > 1 and pid]
    return out, notes
