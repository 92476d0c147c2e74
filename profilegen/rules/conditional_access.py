"""PG402, PG408 (retired), PG420-PG422: which Conditional Access design the scopes implement.

Jamf has published more than one design for keeping the silent ROPG password check out of MFA
policies (profilegen.entra.designs; docs/entra-id.md). A profile that implements any of them is
right and gets one info naming it; only scope combinations that fit no design are reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.entra import designs
from profilegen.rules.entra import is_entra_login
from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import retire, rule


def _reading(login: Mapping[str, Any]) -> designs.Reading | None:
    """The design reading of an Entra login window, or None when the scope keys are not text
    (the catalog reports the type) or the provider is not Entra."""
    if not is_entra_login(login):
        return None
    values = [login.get(key) for key in ("OIDCScopes", "ROPGScopes")]
    if any(v is not None and not isinstance(v, str) for v in values):
        return None
    return designs.read_scopes(values[0], values[1])


def _b_login_note(reading: designs.Reading, *, short: bool) -> str:
    if reading.login_mfa:
        return "" if short else ". OIDCScopes has no custom scope, so MFA policies keep covering the login window"
    if short:
        return "; API in OIDCScopes too: the login window skips MFA"
    return (
        ". OIDCScopes asks for the same API, so the login window is exempt from MFA too; "
        "leave the custom scope out of OIDCScopes to keep MFA at the login window"
    )


def design_explanations() -> tuple[str, ...]:
    """What `profilegen rules PG420` adds below the rule's documentation: each design in full."""
    return tuple(d.explanation() for d in designs.DESIGNS)


@rule("PG420", "ca-design", Severity.INFO, "login", details=design_explanations)
def ca_design(login: Mapping[str, Any]) -> Iterator[Hit]:
    """Names the Conditional Access design the scopes implement and what it needs on the Entra side:
    A, scoped policy (custom API scope in OIDCScopes, basic ROPGScopes; jamf/jamfconnect
    azure_conditional_access), B, excluded API (custom API scope in ROPGScopes; learn.jamf.com
    "Excluding the Custom API from Conditional Access Policies"), or D, no custom scope. None of them
    is an error; what the profile cannot show (the policies in Entra, the tenant's baseline-scopes
    setting) is what this info asks you to check. The finding is one line; `profilegen rules PG420`
    adds each design in full, with Microsoft's 2026 change to All-resources policies with resource
    exclusions, and `validate --explain` prints the one a profile implements."""
    reading = _reading(login)
    if reading is None or reading.design is None:
        return
    design = reading.design
    key = "ROPGScopes" if design is designs.B else "OIDCScopes"
    short = long = ""
    if design is designs.B:
        short, long = _b_login_note(reading, short=True), _b_login_note(reading, short=False)
    line = f"design {design.letter} ({design.name}): {design.short}{short}; {designs.EXPLAIN_HINT}"
    yield Hit(key, line, detail=design.explanation(long))


@rule("PG421", "ropg-scope-not-api", Severity.WARNING, "login")
def ropg_scope_not_api(login: Mapping[str, Any]) -> Iterator[Hit]:
    """ROPGScopes holds a scope that is neither a basic one (openid, profile, email, offline_access,
    User.Read and Microsoft's other baseline scopes) nor a custom API scope <App ID URI>/<scope>
    (api://… as in Jamf's guides, or an https:// App ID URI,
    https://learn.microsoft.com/en-us/entra/identity-platform/identifier-uri-restrictions). Entra reads
    a scope without a resource as a Microsoft Graph permission
    (https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc), so the password check
    does not ask for your private API and no design's exclusion or targeting applies to it."""
    reading = _reading(login)
    if reading is not None and reading.misfit == "not-custom-form":
        yield Hit(
            "ROPGScopes",
            f"{reading.detail!r} is not a custom API scope; Entra treats it as a Microsoft Graph permission. "
            "Use api://<API app ID>/jamfconnect (design B) or only openid+email+profile (design A)",
        )


@rule("PG422", "two-custom-scopes", Severity.WARNING, "login")
def two_custom_scopes(login: Mapping[str, Any]) -> Iterator[Hit]:
    """OIDCScopes and ROPGScopes name more than one custom API scope. Every design has one private
    API app with one scope (jamfconnect) that a policy targets (design A) or excludes (design B); a
    second API is covered by neither, and a sign-in can ask for only one resource at a time
    (AADSTS700022 "contains more than one resource",
    https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes)."""
    reading = _reading(login)
    if reading is not None and reading.misfit == "two-custom":
        yield Hit(
            "OIDCScopes",
            f"the scopes name {reading.detail}; use one private API scope in both keys "
            "(the one your Conditional Access policy targets or excludes)",
        )


@rule("PG402", "ropg-under-custom-scope", Severity.WARNING, "login")
def ropg_under_custom_scope(login: Mapping[str, Any]) -> Iterator[Hit]:
    """OIDCScopes asks for a custom API scope and ROPGScopes is unset. From Jamf Connect 2.14 the
    login window's ROPG password check then falls back to OIDCScopes (jamf/jamfconnect
    azure_conditional_access, "OLD - Creating a Custom Scope…" PDF: "As of Jamf Connect 2.14, the
    login window will use the scopes defined in the OIDCScopes key"), so the check asks for the API
    that the MFA policy targets and fails with AADSTS50076. Set ROPGScopes for your design. (Until
    issue 9 this rule also flagged a custom scope in ROPGScopes; that is Jamf's design B, reported by
    PG420.)"""
    reading = _reading(login)
    if reading is not None and reading.misfit == "fallback":
        yield Hit(
            "ROPGScopes",
            "unset while OIDCScopes asks for a custom API scope; Jamf Connect 2.14+ then sends the custom scope with "
            "the password check, which meets the MFA policy (AADSTS50076). Set ROPGScopes to openid+email+profile "
            "(design A), or to the custom scope plus openid+email+profile (design B)",
        )


retire(
    "PG408",
    "no-custom-scope",
    Severity.INFO,
    "login",
    """Retired in issue 9. It reported a profile without a custom API scope and suggested, among other
    things, excluding the Jamf Connect app from the MFA policy. That contradicts design A ("do not use an
    exception") and no longer works for sign-ins that ask only for openid/profile/email since Microsoft's
    change to policies with resource exclusions
    (https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-enforcement-resource-exclusions).
    PG420 now names the design, including D (no custom scope).""",
)
