"""The Jamf Connect key catalog: data files per preference domain, loaded into frozen specs.

``login.json`` holds com.jamf.connect.login, ``menubar.json`` holds com.jamf.connect. Each key
records its plist type, allowed values where a source gives a closed list, whether it is a
legacy 1.x key (and its replacement), and the URL of the source that documents it.

Only ``required`` (with its own ``source``) and ``relations`` are enforced; ``required_when`` is
the reference catalog's free text and stays descriptive, because not every phrase in it could be
traced to a Jamf page (see docs/validate-corpus.md).

May import: core.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

Component = Literal["login", "menubar"]

DOMAINS: dict[Component, str] = {"login": "com.jamf.connect.login", "menubar": "com.jamf.connect"}
COMPONENT_OF_DOMAIN: dict[str, Component] = {v: k for k, v in DOMAINS.items()}
# Apple's Custom Settings payload (ManagedClient preferences) and the management frequencies
# a domain's settings sit under inside it.
MCX_TYPE = "com.apple.ManagedClient.preferences"
MCX_FREQUENCIES = ("Forced", "Set-Once", "Often")


@dataclass(frozen=True)
class Requirement:
    """A key Jamf lists as required: always, for some providers, or when other keys have a value."""

    source: str
    providers: tuple[str, ...] | None = None  # None: every provider
    when: Mapping[str, Any] = field(default_factory=dict)  # other top-level keys and the value that triggers it


@dataclass(frozen=True)
class Relation:
    """When this key has ``if_value`` (or is set, if None), ``requires`` must hold; ``unset`` gives
    the documented value of a required key that is absent; ``requires_key`` must be set."""

    source: str
    why: str
    if_value: Any = None
    requires: Mapping[str, Any] = field(default_factory=dict)
    unset: Mapping[str, Any] = field(default_factory=dict)
    requires_key: str | None = None


@dataclass(frozen=True)
class KeySpec:
    """One key of the catalog: its plist type, allowed values, source, history and nested keys."""

    name: str
    path: str
    type: str
    summary: str
    source: str
    confidence: str = "doc"
    item_type: str | None = None
    allowed: tuple[Any, ...] | None = None
    since: str | None = None
    legacy: bool = False
    replacement: str | None = None
    secret: bool = False
    required: Requirement | None = None
    relations: tuple[Relation, ...] = ()
    keys: Mapping[str, KeySpec] = field(default_factory=dict)
    item_keys: Mapping[str, KeySpec] = field(default_factory=dict)
    # The login window keys that hold the same setting (menu bar IdPSettings only; the catalog
    # entry's "login_counterparts_source" names the Jamf pages that pair them).
    login_counterparts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """The keys of one preference domain (login window or menu bar), by name."""

    component: Component
    domain: str
    keys: Mapping[str, KeySpec]

    def lookup(self, path: str) -> KeySpec | None:
        """Find a spec by dotted path; ``Name[]`` steps into the dictionaries of array Name."""
        level: Mapping[str, KeySpec] = self.keys
        spec: KeySpec | None = None
        for part in path.split("."):
            spec = level.get(part.removesuffix("[]"))
            if spec is None:
                return None
            level = spec.item_keys if part.endswith("[]") else spec.keys
        return spec

    def walk(self) -> list[KeySpec]:
        out: list[KeySpec] = []

        def visit(level: Mapping[str, KeySpec]) -> None:
            for spec in level.values():
                out.append(spec)
                visit(spec.keys)
                visit(spec.item_keys)

        visit(self.keys)
        return out


# Keys whose values are credentials. Their values are never echoed in any message.
SECRET_KEY_NAMES = frozenset(
    {"OIDCClientSecret", "ROPGClientSecret", "ClientSecret", "AuthUIOIDCClientSecret"}
)


def _build(name: str, path: str, raw: Mapping[str, Any]) -> KeySpec:
    children = {k: _build(k, f"{path}.{k}", v) for k, v in raw.get("keys", {}).items()}
    items = {k: _build(k, f"{path}[].{k}", v) for k, v in raw.get("item_keys", {}).items()}
    allowed = raw.get("allowed")
    req = raw.get("required")
    required = None
    if req is not None:
        providers = req.get("providers")
        required = Requirement(req["source"], tuple(providers) if providers else None, dict(req.get("if", {})))
    relations = tuple(
        Relation(
            source=r["source"],
            why=r["why"],
            if_value=r.get("if_value"),
            requires=dict(r.get("requires", {})),
            unset=dict(r.get("unset", {})),
            requires_key=r.get("requires_key"),
        )
        for r in raw.get("relations", ())
    )
    return KeySpec(
        name=name,
        path=path,
        type=raw["type"],
        summary=raw.get("summary", ""),
        source=raw.get("source", ""),
        confidence=raw.get("confidence", "doc"),
        item_type=raw.get("item_type"),
        allowed=tuple(allowed) if allowed else None,
        since=raw.get("since"),
        legacy=bool(raw.get("legacy")),
        replacement=raw.get("replacement"),
        secret=name in SECRET_KEY_NAMES,
        required=required,
        relations=relations,
        keys=children,
        item_keys=items,
        login_counterparts=tuple(raw.get("login_counterparts", ())),
    )


def _data_text(name: str) -> str:
    """A data file of this package. Read beside this module: importlib.resources costs a one-file
    validate several milliseconds of imports (zipfile, tempfile, its readers; issue 21) to find a
    file that, in every install but a zipped one, is right here. A zipped install (zipimport,
    where __file__ is inside the archive) falls back to importlib.resources, which can read it."""
    try:
        return (Path(__file__).parent / name).read_text(encoding="utf-8")
    except OSError:
        from importlib import resources

        return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@cache
def load_catalog(component: Component) -> Catalog:
    text = _data_text(f"{component}.json")
    raw = json.loads(text)
    keys = {k: _build(k, k, v) for k, v in raw["keys"].items()}
    return Catalog(component=component, domain=raw["domain"], keys=keys)


def other(component: Component) -> Component:
    return "menubar" if component == "login" else "login"
