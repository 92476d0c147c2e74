"""PG310, PG311: keys and values the Jamf Connect versions you deploy may not know (issue 20).

Only with ``validate --target-version login=X,menubar=Y``: a profile alone does not say which
release reads it. The facts, per component, with their sources: profilegen.catalog.versions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import rule

if TYPE_CHECKING:
    from profilegen.catalog import versions

# profilegen.catalog.versions (its tables, three dataclasses, a regex) is imported by the rules
# below when they run, which is only with --target-version: every other run registers these two
# rules without loading it (issue 21, validate's start-up).

_NAMES = {"login": "login window", "menubar": "menu bar (Self Service+ from 3.0)"}
_SHORT = {"login": "login window", "menubar": "menu bar"}


@rule("PG310", "key-too-new", Severity.WARNING, "versions")
def key_too_new(prefs: dict[str, Any], component: versions.Component, targets: versions.Targets) -> Iterator[Hit]:
    """A key that the deployed version of its component (--target-version) predates, by what a
    source says: ROPGScopes needs login window 2.17 by Jamf's Conditional Access guide;
    TemporaryUserPermissions.UserPromotionBiometrics and URLCommandLineElevation are documented only
    for Self Service+ (menu bar 3.0 and later). From 3.0 the login window and the menu bar carry
    separate versions (https://github.com/SudoSunshine/jamf-connect-3X-ea), so each key is checked
    against its own component. An older release ignores a key it does not know."""
    from profilegen.catalog import versions

    for path, since, target in versions.too_new(prefs, component, targets):
        yield Hit(
            path,
            f"{_NAMES[component]} {versions.show(target)} may not read it: {since.note} "
            f"(source: {since.source}); drop the key or deploy a newer {_SHORT[component]}",
        )


@rule("PG311", "first-release-unknown", Severity.INFO, "versions")
def first_release_unknown(prefs: dict[str, Any], component: versions.Component, targets: versions.Targets) -> Iterator[Hit]:
    """A key or value whose first release is unknown, with a --target-version before 3.0: the
    current pages (Self Service+ era) list it, an older reference does not, and no release note
    says which version added it. The EntraID provider value is one ("EntraID (formerly Azure)" in
    the current Login_Window_Authentication_Settings; Jamf's 2.15.0 reference lists only Azure):
    keep Azure, which every version reads, unless you know the deployed one takes EntraID."""
    from profilegen.catalog import versions

    for path, value, fact, target in versions.unknown_first(prefs, component, targets):
        what = f"{value!r}" if value is not None else "this key"
        yield Hit(
            path,
            f"{what}: first release unknown ({fact.note}; source: {fact.source}); check that {_NAMES[component]} "
            f"{versions.show(target)} reads it" + ("; Azure works with every version" if value == "EntraID" else ""),
        )
