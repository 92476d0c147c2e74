"""The Conditional Access designs Jamf has published, and which one a profile's scopes implement.

Jamf Connect checks passwords silently with ROPG, which cannot answer an MFA prompt. Jamf has
published several ways to keep that check out of MFA policies (../shared/reference/azure-facts.md
§9.2; docs/entra-id.md explains them side by side):

- A, scoped policy: jamf/jamfconnect azure_conditional_access PDFs (2022-23) and Jamf's 2021 blog.
  The login window asks for the private API's scope (OIDCScopes), the ROPG check only for
  openid+email+profile (ROPGScopes); the MFA policy targets the private API app and no MFA
  policy targets "All cloud apps".
- B, excluded API: learn.jamf.com "Creating a Jamf Connect Configuration with Conditional Access"
  and "Excluding the Custom API from Conditional Access Policies". ROPGScopes asks for the
  private API's scope; that API app is excluded from every "All cloud apps" policy.
- C, custom security attributes (jamf/jamfconnect azure_conditional_access README, January 2023):
  an app filter excludes the Jamf Connect app. Nothing in the profile shows it.
- D, no custom scope: MFA policies log every ROPG check as AADSTS50076.

Pure data and functions; the rules, generate and the blueprint share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from profilegen.entra import facts

DesignName = Literal["scoped-policy", "excluded-api"]
DESIGN_NAMES: tuple[DesignName, ...] = ("scoped-policy", "excluded-api")
DEFAULT_DESIGN: DesignName = "scoped-policy"

OIDC_BASIC = "openid+profile+email"  # the login window's scopes besides a custom scope
ROPG_BASIC = "openid+email+profile"  # Jamf's spelling for ROPGScopes in both designs' sources

# Microsoft's "baseline scopes": the OIDC scopes and the baseline directory (Graph) scopes
# (https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-enforcement-resource-exclusions).
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
BASELINE_DIRECTORY_SCOPES = frozenset(
    s.lower()
    for s in (
        "User.Read", "User.Read.All", "User.ReadBasic.All", "People.Read", "People.Read.All",
        "GroupMember.Read.All", "Member.Read.Hidden",
    )
)
GRAPH_PREFIX = "https://graph.microsoft.com/"
# A custom API scope is <Application ID URI>/<scope value>. Jamf's guides use the default App ID
# URI api://<app ID>; Entra also accepts https:// URIs on a verified domain
# (https://learn.microsoft.com/en-us/entra/identity-platform/identifier-uri-restrictions),
# so both forms count. The scope value has no spaces ('+' separates scopes for Jamf Connect).
CUSTOM_SCOPE_RE = re.compile(r"^(?:api|https)://[^\s/+]+(?:/[^\s/+]+)*/[A-Za-z0-9][A-Za-z0-9._:-]*$", re.IGNORECASE)

SOURCE_A = "https://github.com/jamf/jamfconnect/tree/main/azure_conditional_access"
SOURCE_B = (
    "https://learn.jamf.com/r/en-US/jamf-connect-documentation-current/Excluding_the_Custom_API_from_Conditional_Access_Policies"
)
SOURCE_D = "https://www.jamf.com/blog/how-to-azure-conditional-access-and-jamf-connect/"
# Microsoft's change to "All resources" policies with resource exclusions. Microsoft has moved
# the start of the rollout more than once (March, then May, then June 2026 on different pages),
# so profilegen names no date: read the page.
CHANGE_2026 = "https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-enforcement-resource-exclusions"
# Jamf Connect 2.14+ falls back to OIDCScopes for the login window's ROPG check when ROPGScopes is
# unset: jamf/jamfconnect "azure_conditional_access/OLD - Creating_a_Custom_Scope_for_Jamf_Connect_and_Condi.pdf"
# ("As of Jamf Connect 2.14, the login window will use the scopes defined in the OIDCScopes key").
SOURCE_FALLBACK = "https://github.com/jamf/jamfconnect/tree/main/azure_conditional_access"


def scope_kind(scope: str) -> Literal["baseline", "custom", "other"]:
    """baseline (OIDC or baseline Graph scope), custom (an API's scope URI) or other."""
    lower = scope.lower()
    if lower.startswith(GRAPH_PREFIX):
        lower = lower[len(GRAPH_PREFIX):]
        return "baseline" if lower in OIDC_SCOPES | BASELINE_DIRECTORY_SCOPES else "other"
    if lower in OIDC_SCOPES or lower in BASELINE_DIRECTORY_SCOPES:
        return "baseline"
    return "custom" if CUSTOM_SCOPE_RE.match(scope) else "other"


def custom_scopes(value: str | None) -> list[str]:
    return [s for s in facts.split_scopes(value or "") if scope_kind(s) == "custom"]


# What the 2026 change means for each design (../shared/reference/azure-facts.md §10.1, §10.2):
# a sign-in that asks for baseline scopes only is evaluated as directory access, mapped to
# Windows Azure Active Directory (Azure AD Graph); then every All-resources policy with a resource
# exclusion applies to it, and so does every policy that targets that app explicitly. A sign-in
# that asks for a scope beyond the baseline is already under Conditional Access for its resource.
AZURE_AD_GRAPH = "Windows Azure Active Directory (00000002-0000-0000-c000-000000000000)"
# The tenant's baseline-scopes setting (enable / customise / disable enforcement); Microsoft: "The
# upcoming rollout will not override your configured behavior." No Graph property exposes it
# (azure-facts §10.1, [unverified]), so profilegen cannot read it and says where to look.
BASELINE_SETTINGS = "https://aka.ms/BaselineScopesSettingsUX"
EXPLAIN_HINT = "details: profilegen rules PG420"


@dataclass(frozen=True)
class Design:
    """One Conditional Access design: what the profile holds, what Entra needs, what the logs show."""

    letter: str
    name: str
    profile: str
    entra: str
    logs: str
    source: str
    short: str  # what Entra needs, in a few words: PG420's one line

    def summary(self) -> str:
        return f"design {self.letter} ({self.name}): {self.profile}; Entra: {self.entra}; sign-in logs: {self.logs} (source: {self.source})"

    def explanation(self, note: str = "") -> str:
        """The full text behind PG420's one line (`profilegen rules PG420`, `validate --explain`);
        ``note`` is what this profile adds about the design ("…" after the Entra part)."""
        return (
            f"design {self.letter} ({self.name}): {self.profile}. Entra: {self.entra}{note}. "
            f"Sign-in logs: {self.logs}. Source: {self.source}"
        )


A = Design(
    "A",
    "scoped policy",
    "the login window asks for the custom API scope (OIDCScopes), the ROPG password check only for basic scopes (ROPGScopes)",
    "the MFA policy targets the private API app that exposes the scope. Since Microsoft's 2026 change the password "
    "check, which asks for baseline scopes only, counts as a sign-in to "
    f"{AZURE_AD_GRAPH}, so the design is safe only while no MFA policy targets All cloud apps (All resources), "
    f"with or without resource exclusions, and no MFA policy targets Windows Azure Active Directory ({CHANGE_2026})",
    "password checks show single-factor success with Conditional Access not applied; login window sign-ins show MFA",
    SOURCE_A,
    "MFA policy on the private API app only; none on All resources or on Windows Azure Active Directory",
)
B = Design(
    "B",
    "excluded API",
    "the ROPG password check asks for the custom API scope (ROPGScopes)",
    "exclude the private API app from every policy on All cloud apps (All resources); the check is then exempt from "
    "MFA. The custom scope is beyond Microsoft's baseline scopes, so the 2026 change to resource exclusions "
    f"does not touch it ({CHANGE_2026})",
    "password checks show single-factor success for the private API app",
    SOURCE_B,
    "exclude the private API app from every All-resources policy",
)
D = Design(
    "D",
    "no custom scope",
    "no custom API scope in OIDCScopes or ROPGScopes",
    "any MFA policy on All cloud apps (All resources) covers the ROPG password check, which then fails with "
    "AADSTS50076 although the password was right. Excluding the Jamf Connect app instead (by name or by a custom "
    "security attribute filter, Jamf's 2023 design C) now depends on the tenant's baseline-scopes setting "
    f"({BASELINE_SETTINGS}): with enforcement on, which Microsoft's 2026 rollout makes the default, sign-ins that "
    f"ask only for baseline scopes are enforced and the exclusion no longer helps ({CHANGE_2026}); Customize behavior "
    "keeps the old result for a policy that excludes Microsoft's placeholder app; Disable enforcement keeps it "
    "tenant-wide (Microsoft does not recommend it). The rollout does not override a setting you chose, and "
    "profilegen cannot read it. For a log that does not depend on it use design A or B "
    "(profilegen generate --custom-scope --ca-design)",
    "a failed sign-in (50076) for every password check under MFA; Jamf Connect still counts the password as right",
    SOURCE_D,
    "an MFA policy on All resources fails the password check (AADSTS50076)",
)
DESIGNS = (A, B, D)


@dataclass(frozen=True)
class Reading:
    """What the scopes say: a design, or the reason they fit none (``misfit``, ``detail``)."""

    design: Design | None = None
    misfit: Literal["not-custom-form", "two-custom", "no-openid", "fallback", None] = None
    detail: str = ""
    login_mfa: bool | None = None  # B only: does the login window keep MFA (no custom scope in OIDCScopes)?


def read_scopes(oidc: str | None, ropg: str | None) -> Reading:
    """Which design OIDCScopes and ROPGScopes implement (None = key unset)."""
    # Pure, and asked by several rules per login window; a batch of profiles from one tenant
    # repeats the same two strings. Recent answers are remembered (Reading is frozen, so a shared
    # answer cannot be changed), for scope strings of a plausible size only: a hostile file's
    # megabyte of scopes is read, not kept.
    if len(oidc or "") + len(ropg or "") <= MAX_REMEMBERED:
        return _remembered(oidc, ropg)
    return _read_scopes(oidc, ropg)


MAX_REMEMBERED = 2048


@lru_cache(maxsize=256)
def _remembered(oidc: str | None, ropg: str | None) -> Reading:
    return _read_scopes(oidc, ropg)


def _read_scopes(oidc: str | None, ropg: str | None) -> Reading:
    ropg_list = None if ropg is None else facts.split_scopes(ropg)
    if ropg_list is not None:
        odd = [s for s in ropg_list if scope_kind(s) == "other"]
        if odd:
            return Reading(misfit="not-custom-form", detail=odd[0])
        if "openid" not in ropg_list:
            return Reading(misfit="no-openid")
    customs = sorted(set(custom_scopes(oidc)) | set(custom_scopes(ropg)))
    if len(customs) > 1:
        return Reading(misfit="two-custom", detail=" and ".join(customs))
    if custom_scopes(ropg):
        return Reading(B, login_mfa=not custom_scopes(oidc))
    if custom_scopes(oidc):
        return Reading(A) if ropg_list is not None else Reading(misfit="fallback", detail=customs[0])
    return Reading(D)


def design_scopes(design: DesignName, custom_scope: str) -> dict[str, str]:
    """OIDCScopes and ROPGScopes that generate writes for a design."""
    if design == "excluded-api":
        # Jamf (design B): the custom scope goes into ROPGScopes; it stays out of OIDCScopes so
        # that MFA policies keep covering the login window.
        return {"OIDCScopes": OIDC_BASIC, "ROPGScopes": f"{custom_scope}+{ROPG_BASIC}"}
    return {"OIDCScopes": f"{custom_scope}+{OIDC_BASIC}", "ROPGScopes": ROPG_BASIC}
