"""Which Jamf Connect release a key or value needs, per component (issue 20).

Up to 2.45.1 Jamf Connect was one release: the login window and the menu bar app shared a
version. From 3.0 the menu bar app is Self Service+ and the two carry separate numbers (login
window 3.0-3.5, menu bar 3.11 and later; 2.45.1 was the last combined build): community
CHANGELOG https://github.com/SudoSunshine/jamf-connect-3X-ea, summarised in
../shared/reference/jamf-connect-keys.md, 2026 update U.1. So every fact here names its
component, and a target is given per component (``login=3.5,menubar=3.11``; a single 2.x
version means both).

Jamf publishes no release notes that the reference could read, so most first releases are
unknown. Only what a source states is here:

- ``KEYS``: keys a source ties to a release; ``firm`` is False when the source gives a lower bound
  ("Jamf's guide assumes 2.17") rather than the release that introduced the key.
- ``UNKNOWN``: keys and values whose first release is unknown but later than a release whose
  reference does not list them; validate then says so as an info, without guessing a version.
- Keys removed between 2.18 and 3.x: none documented (U.2, [unverified]); the legacy 1.x keys
  are the catalog's own ``legacy`` entries (PG3xx), so nothing here is marked retired.

Data and pure functions; the rules (PG310, PG311) and the CLI read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Component = Literal["login", "menubar"]
Version = tuple[int, ...]

LAST_COMBINED: Version = (2, 45, 1)
SELF_SERVICE_PLUS: Version = (3, 0)  # the first menu bar release that is Self Service+
CHANGELOG_3X = "https://github.com/SudoSunshine/jamf-connect-3X-ea"


@dataclass(frozen=True)
class Since:
    """A key or value's first release on one component, and where that is said."""

    component: Component
    version: Version
    firm: bool
    source: str
    note: str


@dataclass(frozen=True)
class Unknown:
    """The first release is unknown; ``absent_in`` is the last reference that lacks it."""

    component: Component
    absent_in: Version
    source: str
    note: str


_GUIDE = "https://github.com/jamf/jamfconnect/blob/main/azure_conditional_access/README.md"
_SSP = "https://learn.jamf.com/r/en-US/jamf-connect-documentation-current/Configuring_Privilege_Elevation"
KEYS: dict[tuple[Component, str], Since] = {
    # The catalog's ROPGScopes entry: "2.17 (minimum assumed by Jamf's GitHub Conditional Access
    # guide; no release note found)".
    ("login", "ROPGScopes"): Since("login", (2, 17), False, _GUIDE, "Jamf's Conditional Access guide assumes 2.17 or later"),
    # Known only from Self Service+ (3.x) pages and a 2026 blog post; "not confirmed for 2.x" (catalog).
    ("menubar", "TemporaryUserPermissions.UserPromotionBiometrics"): Since(
        "menubar", SELF_SERVICE_PLUS, False, _SSP, "documented only for Self Service+ (menu bar 3.0 and later)"),
    ("menubar", "TemporaryUserPermissions.URLCommandLineElevation"): Since(
        "menubar", SELF_SERVICE_PLUS, False, _SSP, "documented only for Self Service+ (menu bar 3.0 and later)"),
}

_LOGIN_215 = "https://docs.jamf.com/jamf-connect/2.15.0/documentation/Login_Window_Preferences.html"
_MENUBAR_217 = "2.17.0 (Japanese) Menu_Bar_App_Preferences, docs.jamf.com"
# (component, key path, value or None for the key itself)
UNKNOWN: dict[tuple[Component, str, str | None], Unknown] = {
    ("login", "OIDCProvider", "EntraID"): Unknown(
        "login", (2, 15), _LOGIN_215, "Jamf's 2.15.0 login window reference lists only Azure; no release note names the first with EntraID"),
    ("menubar", "IdPSettings.Provider", "EntraID"): Unknown(
        "menubar", (2, 17), _MENUBAR_217, "Jamf's 2.17.0 menu bar reference lists only Azure; no release note names the first with EntraID"),
    ("menubar", "TemporaryUserPermissions.VerifyUserPromotionFIDO2", None): Unknown(
        "menubar", (2, 17), "https://learn.jamf.com/r/en-US/jamf-connect-documentation-current/Temporary_User_Permission_Settings",
        "the catalog dates it 'late 2.x / Self Service+'; no release note names the first"),
    ("menubar", "OfflineMFAReminder", None): Unknown(
        "menubar", (2, 17), "https://learn.jamf.com/r/en-US/jamf-connect-documentation-current/Offline_Multifactor_Authentication",
        "the catalog dates it 'late 2.x / Self Service+' (offline MFA needs macOS 13+); no release note names the first"),
}

_VERSION_RE = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,4}){0,3}$")


def _shown(text: str) -> str:
    # an error line quotes at most 40 characters of what was typed
    return repr(text if len(text) <= 40 else text[:40] + "...")


def parse_version(text: str) -> Version:
    if not _VERSION_RE.match(text):
        raise ValueError(f"{_shown(text)} is not a version such as 2.45.1 or 3.11")
    return tuple(int(part) for part in text.split("."))


def show(version: Version) -> str:
    return ".".join(map(str, version))


@dataclass(frozen=True)
class Targets:
    """The Jamf Connect versions deployed, per component (None: not given)."""

    login: Version | None = None
    menubar: Version | None = None

    def of(self, component: Component) -> Version | None:
        return self.login if component == "login" else self.menubar


def parse_targets(text: str) -> Targets:
    """``login=3.5,menubar=3.11``, one of them, or one 2.x version for both (2.x was one release).

    A single 3.x version is refused: from 3.0 the two components are versioned apart, so the
    user has to say which one is meant."""
    text = text.strip()
    if "=" not in text:
        version = parse_version(text)
        if version[0] >= 3:
            raise ValueError(
                f"{_shown(text)}: from 3.0 the login window and the menu bar (Self Service+) have their own versions; "
                "give login=X,menubar=Y (e.g. login=3.5,menubar=3.11)")
        return Targets(version, version)
    seen: dict[str, Version] = {}
    for part in text.split(","):
        name, _, value = part.strip().partition("=")
        name = name.strip()
        if name not in ("login", "menubar"):
            raise ValueError(f"{_shown(name)} is not a component; use login=X,menubar=Y")
        if name in seen:
            raise ValueError(f"{name} given twice")
        seen[name] = parse_version(value.strip())
    return Targets(seen.get("login"), seen.get("menubar"))


def value_at(prefs: object, path: str) -> object:
    """The value at dotted ``path`` in nested dictionaries, or None."""
    for part in path.split("."):
        if not isinstance(prefs, dict):
            return None
        prefs = prefs.get(part)
    return prefs


def too_new(prefs: dict[str, object], component: Component, targets: Targets) -> list[tuple[str, Since, Version]]:
    """(key path, fact, target) for each key set in ``prefs`` that needs a later ``component``."""
    target = targets.of(component)
    if target is None:
        return []
    return [(path, since, target) for (comp, path), since in KEYS.items()
            if comp == component and value_at(prefs, path) is not None and target < since.version]


def unknown_first(prefs: dict[str, object], component: Component, targets: Targets) -> list[tuple[str, str | None, Unknown, Version]]:
    """(key path, value, fact, target) for keys/values whose first release is unknown, when the
    target is older than 3.0 (the current pages, which list them, are Self Service+ era)."""
    target = targets.of(component)
    if target is None or target >= SELF_SERVICE_PLUS:
        return []
    out = []
    for (comp, path, value), fact in UNKNOWN.items():
        found = value_at(prefs, path)
        if comp == component and found is not None and (value is None or found == value):
            out.append((path, value, fact, target))
    return out
