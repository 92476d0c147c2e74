"""CHECKLIST.md of `azure blueprint`: the portal steps, for the chosen Conditional Access design.

Design A (scoped-policy): jamf/jamfconnect azure_conditional_access PDFs. Design B (excluded-api):
learn.jamf.com "Excluding the Custom API from Conditional Access Policies" and "Creating a Jamf
Connect Configuration with Conditional Access". The rules `azure ca-check` applies (entra/ca.py)
are named here too: Azure AD Graph as the trigger, no phishing-resistant strength at the login
window, report-only first. Microsoft's change to "All resources" policies with
resource exclusions is cited by its page, never by a date: Microsoft's pages have named several.
Issue 20 adds what that change means for design A, the tenant's baseline-scopes setting and the
extra redirect URIs (../shared/reference/azure-facts.md §10, jamf-connect-keys.md 2026 update U.2).
"""

from __future__ import annotations

from typing import Protocol

from profilegen.entra.ca import AZURE_AD_GRAPH
from profilegen.entra.cagrants import NO_SECURITY_KEYS
from profilegen.entra.designs import BASELINE_SETTINGS, CHANGE_2026, SOURCE_A, SOURCE_B, DesignName
from profilegen.entra.facts import DEFAULT_REDIRECT_URI, FIDO2_REDIRECT_SOURCE, FIDO2_REDIRECT_URI, UNLOCK_REDIRECT_SOURCE, UNLOCK_REDIRECT_URI


class Names(Protocol):
    """The display names and role values of blueprint.BlueprintNames."""

    @property
    def api_name(self) -> str: ...
    @property
    def app_name(self) -> str: ...
    @property
    def admin_role(self) -> str: ...
    @property
    def standard_role(self) -> str: ...
    @property
    def redirect_uris(self) -> list[str]: ...

SCOPE = "jamfconnect"
_LETTER = {"scoped-policy": "A", "excluded-api": "B"}
PLACEHOLDER = "<API_APP_ID>"


def _policy_step(api: str, design: DesignName) -> str:
    if design == "excluded-api":
        return f"""2. [ ] **Conditional Access (design B, excluded API).** In every policy that targets
   **All cloud apps** (All resources), add **{api}** under Target resources > Exclude. The password
   check asks for `api://<API app ID>/{SCOPE}` (ROPGScopes), so it is exempt from MFA; the login
   window asks for `openid profile email` only (OIDCScopes) and stays under your MFA policies. If the
   save fails, check that {api} has no redirect URI and does not allow public client flows.
   Microsoft now enforces "All resources" policies that have exclusions on sign-ins that ask only
   for `openid`, `profile` or `email` ({CHANGE_2026}): that is what
   keeps MFA at the login window here, and it does not touch the password check, which asks for
   your API. Source: {SOURCE_B}"""
    return f"""2. [ ] **Conditional Access (design A, scoped policy).** Create (or edit) the MFA policy so that
   its target resources are **{api}**, not "All cloud apps". The login window asks for
   `api://<API app ID>/{SCOPE}` (OIDCScopes), so it gets MFA; the password check asks only for
   `openid email profile` (ROPGScopes) and no policy covers it. Remove MFA policies on
   **All cloud apps** (All resources) for these users, and do not exclude the Jamf Connect apps
   instead: an "All resources" policy covers the password check, and Microsoft now enforces such
   policies on sign-ins that ask only for `openid`, `profile` or `email` even when the policy
   excludes apps ({CHANGE_2026}). Such a sign-in now counts as one to Windows Azure Active
   Directory (`{AZURE_AD_GRAPH}`): no MFA policy may target that app either. Excluding the apps keeps the old behaviour only if
   your tenant's baseline-scopes setting ({BASELINE_SETTINGS}) is Customize or Disable, which
   profilegen cannot see. Source: {SOURCE_A}"""


def _verify_step(app: str, design: DesignName) -> str:
    if design == "excluded-api":
        return f"""5. [ ] **Verify.** `profilegen ropg-check --config <your config> --username <user>` (it sends the
   design's ROPGScopes) should say `success`. In the sign-in log the check shows "Single-factor
   authentication" for {app} with the API as resource; the login window shows "Multi-factor
   authentication"."""
    return f"""5. [ ] **Verify.** `profilegen ropg-check --tenant <tenant> --ropg-client-id <OIDC app ID> --username <user>`
   should say `success`; in the sign-in log the check of {app} shows "Single-factor authentication" and
   Conditional Access "Not applied", while the login window shows "Multi-factor authentication"."""


def _redirect_notes(names: Names) -> str:
    notes = {
        FIDO2_REDIRECT_URI: f"for passkey/FIDO2 before privilege elevation (VerifyUserPromotionFIDO2; {FIDO2_REDIRECT_SOURCE})",
        UNLOCK_REDIRECT_URI: f"for Jamf Unlock ({UNLOCK_REDIRECT_SOURCE})",
    }
    lines = [f"\n  `{uri}` {notes[uri]}" for uri in names.redirect_uris if uri in notes]
    return ("; also" + ";".join(lines)) if lines else ""


def checklist(names: Names, design: DesignName) -> str:
    """The portal steps no script can do for you, in order."""
    api, app = names.api_name, names.app_name
    scopes = (
        f"OIDCScopes = `openid+profile+email` and ROPGScopes = `api://<API app ID>/{SCOPE}+openid+email+profile`"
        if design == "excluded-api"
        else f"OIDCScopes = `api://<API app ID>/{SCOPE}+openid+profile+email` and ROPGScopes = `openid+email+profile`"
    )
    return f"""# Jamf Connect app registrations: checklist ({design})

Written by `profilegen azure blueprint --ca-design {design}`. Files here:

- `api-app.json`: Graph `application` body for **{api}** (private API, scope `{SCOPE}`).
- `api-app.post-create.json`: after creation, set the App ID URI to `api://<API app ID>`
  (the ID is generated by Entra, so it cannot be in the first request).
- `oidc-app.json`: body for **{app}** (public client, app roles `{names.admin_role}` and
  `{names.standard_role}`). Replace `{PLACEHOLDER}` with the API app's ID. Redirect URIs:
  `{DEFAULT_REDIRECT_URI}` for the login window{_redirect_notes(names)}.
- `create-apps.sh`: runs the `az` commands in order and prints the `profilegen generate` command.

## Steps that cannot be scripted here

1. [ ] **Admin consent.** Entra admin center > App registrations > {api} > API permissions >
   Grant admin consent (Microsoft Graph User.Read). Then the same for {app}
   (User.Read and {api} / `{SCOPE}`). Without it the login fails with AADSTS65001.
{_policy_step(api, design)}
   Avoid device-compliance or location conditions for the login window: a Mac at the login window
   cannot satisfy them. Nor may the login window's sign-in require a phishing-resistant
   authentication strength: the login window supports no security keys ({NO_SECURITY_KEYS}).
   A policy that names **Windows Azure Active Directory** (`{AZURE_AD_GRAPH}`) covers every
   sign-in that asks only for `openid`, `profile` or `email` ({CHANGE_2026}).
   Create or change each policy as **Report-only** first, read its result in the sign-in log's
   Report-only tab, then turn it on. Check the policies against this design before and after:
   `profilegen azure ca-check --graph --token-stdin --ca-design {_LETTER[design]} --client-id <OIDC app ID>
   --api-app-id <API app ID>` (a bearer token with Policy.Read.All on stdin, or `--policies` with an export;
   docs/ca-check.md in profilegen).
3. [ ] **User assignment.** Enterprise applications > {app} > Users and groups: assign the
   users or groups, with the role `{names.admin_role}` for local administrators and
   `{names.standard_role}` for everyone else. If the tab is hidden while "Allow public client flows"
   is Yes, turn it off, assign, and turn it back on.
4. [ ] **Profile.** `profilegen generate --tenant <tenant> --client-id <OIDC app ID>
   --custom-scope api://<API app ID>/{SCOPE} --ca-design {design} --admin-role {names.admin_role}
   --organization <your organization> --identifier <reverse DNS, e.g. com.contoso.jamfconnect> --out profiles`
   (create-apps.sh prints it filled in) writes {scopes}.
{_verify_step(app, design)}

Why the designs differ, and what the sign-in logs show for each: docs/entra-id.md in profilegen.
"""
