"""Required keys and relations between keys, as the catalog records them with their sources.

Pure functions over one preference domain's data; they yield ``KeyIssue`` values like
``check.check_preferences`` does. Only what the catalog's ``required`` and ``relations`` fields
say is checked: each carries the URL of the Jamf page it comes from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from profilegen.catalog import Catalog, KeySpec, Requirement
from profilegen.catalog.check import IssueKind, KeyIssue, describe

# Claim names Jamf's user-role pages use for OIDCAdminAttribute (roles for Entra ID, groups by
# default: learn.jamf.com OpenID_Connect_User_Role_Settings), and common spellings of the same.
CLAIM_NAMES = frozenset({"roles", "role", "groups", "group", "wids", "memberof", "realm_access.roles"})


def provider_of(catalog: Catalog, data: Mapping[str, Any]) -> Any:
    if catalog.component == "login":
        return data.get("OIDCProvider")
    settings = data.get("IdPSettings")
    return settings.get("Provider") if isinstance(settings, Mapping) else None


def _show(value: Any) -> str:
    """A value as a plist shows it (true/false, not Python's True/False)."""
    return str(value).lower() if isinstance(value, bool) else describe(value, secret=False)


def _is_missing(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    return key not in data or (isinstance(value, str) and not value.strip())


def _applies(req: Requirement, provider: Any, top: Mapping[str, Any]) -> bool:
    if req.providers is not None and provider not in req.providers:
        return False
    return all(top.get(k) == v and type(top.get(k)) is type(v) for k, v in req.when.items())


def _condition(req: Requirement, catalog: Catalog) -> str:
    if req.providers is not None:
        key = "OIDCProvider" if catalog.component == "login" else "IdPSettings.Provider"
        return f" when {key} is {' or '.join(dict.fromkeys(req.providers))}"
    if req.when:
        return " when " + " and ".join(f"{k} is {v!r}" for k, v in req.when.items())
    return ""


def required_issues(catalog: Catalog, data: Mapping[str, Any]) -> Iterator[KeyIssue]:
    """Required keys that are absent or empty. A nested key is required only when its dictionary
    is present (the dictionary itself carries its own requirement)."""
    provider = provider_of(catalog, data)
    yield from _required_level(catalog, catalog.keys, data, "", provider, data)


# (what, id(level)) -> (level, the keys of that level worth visiting for ``what``), in the
# catalog's order: most keys are neither required, nor hold nested keys, nor carry relations,
# and every file would otherwise walk all of them (issue 21). The level is kept in the entry so
# that its id cannot be reused while the entry exists, and is checked by identity.
_PICKED: dict[tuple[str, int], tuple[Mapping[str, KeySpec], tuple[tuple[str, KeySpec], ...]]] = {}


def _picked(what: str, level: Mapping[str, KeySpec], keep: Callable[[KeySpec], bool]) -> tuple[tuple[str, KeySpec], ...]:
    entry = _PICKED.get((what, id(level)))
    if entry is None or entry[0] is not level:
        entry = _PICKED[(what, id(level))] = (level, tuple((n, s) for n, s in level.items() if keep(s)))
    return entry[1]


def _worth_a_look(level: Mapping[str, KeySpec]) -> tuple[tuple[str, KeySpec], ...]:
    """The keys _required_level visits: required ones (not legacy) and those holding nested keys."""
    return _picked("required", level, lambda s: (s.required is not None and not s.legacy) or bool(s.keys))


def _related(level: Mapping[str, KeySpec]) -> tuple[tuple[str, KeySpec], ...]:
    """The keys relation_issues visits: those with relations, not legacy."""
    return _picked("related", level, lambda s: bool(s.relations) and not s.legacy)


def _required_level(
    catalog: Catalog, level: Mapping[str, KeySpec], data: Mapping[str, Any], prefix: str, provider: Any, top: Mapping[str, Any]
) -> Iterator[KeyIssue]:
    for name, spec in _worth_a_look(level):
        path = f"{prefix}{name}"
        req = spec.required
        if req is not None and not spec.legacy and _is_missing(data, name) and _applies(req, provider, top):
            state = "empty" if name in data else "missing"
            yield KeyIssue(
                IssueKind.REQUIRED,
                path,
                f"{state}; Jamf lists it as required{_condition(req, catalog)} ({spec.summary.rstrip('.')}); source: {req.source}",
            )
        value = data.get(name)
        if spec.keys and isinstance(value, Mapping):
            yield from _required_level(catalog, spec.keys, value, f"{path}.", provider, top)


def relation_issues(catalog: Catalog, data: Mapping[str, Any]) -> Iterator[KeyIssue]:
    """Top-level relations the catalog records (e.g. Migrate needs DenyLocal), and OIDCAdmin /
    OIDCAdminAttribute that look swapped."""
    for name, spec in _related(catalog.keys):
        if name not in data:
            continue
        for rel in spec.relations:
            if rel.if_value is not None and not (data[name] == rel.if_value and type(data[name]) is type(rel.if_value)):
                continue
            for key, want in rel.requires.items():
                have = data.get(key, rel.unset.get(key))
                if not (have == want and type(have) is type(want)):
                    shown = "unset" if key not in data else _show(have)
                    yield KeyIssue(
                        IssueKind.RELATION,
                        name,
                        f"is {_show(data[name])} but {key} is {shown}; {rel.why}: set {key} to "
                        f"{_show(want)} or remove {name} (source: {rel.source})",
                    )
            if rel.requires_key and _is_missing(data, rel.requires_key):
                yield KeyIssue(IssueKind.RELATION, name, f"is set but {rel.requires_key} is not; {rel.why} (source: {rel.source})")
    if catalog.component == "login":
        yield from _admin_swapped(data)


def _admin_swapped(data: Mapping[str, Any]) -> Iterator[KeyIssue]:
    """OIDCAdmin holds role or group values and OIDCAdminAttribute the claim they are found in
    (learn.jamf.com OpenID_Connect_User_Role_Settings). Jamf's own Keycloak sample has them the
    other way round: OIDCAdmin ["roles"], OIDCAdminAttribute "Admin"."""
    admin, attribute = data.get("OIDCAdmin"), data.get("OIDCAdminAttribute")
    if not (isinstance(admin, list) and admin and isinstance(attribute, str) and attribute.strip()):
        return
    admin_are_claims = all(isinstance(a, str) and a.strip().lower() in CLAIM_NAMES for a in admin)
    if admin_are_claims and attribute.strip().lower() not in CLAIM_NAMES:
        yield KeyIssue(
            IssueKind.RELATION,
            "OIDCAdminAttribute",
            f"is {attribute!r}, which looks like a role value, while OIDCAdmin {admin!r} looks like a claim name; "
            f"the two are probably swapped: OIDCAdminAttribute names the claim (e.g. 'roles'), OIDCAdmin lists the "
            f"values that make an admin (e.g. ['{attribute.strip()}'])",
        )
