"""PG424, PG425: Apple Platform SSO with Microsoft's Enterprise SSO plug-in beside Jamf Connect.

Issue 20. Facts (../shared/reference/jamf-connect-keys.md, 2026 update U.2/U.3):
- With Platform SSO for Entra ID, "the PSSO profile must carry a custom allowlist that includes
  com.jamf.management and com.jamf.selfserviceplus ... to avoid password sync failures" of Self
  Service+ (learn.jamf.com Password_Syncing_with_Jamf_Connect). Jamf does not name the key; the
  reference infers the plug-in's allowlist in ExtensionData, where Microsoft documents
  AppPrefixAllowList (bundle IDs or prefixes) beside AppAllowList. profilegen accepts either.
- Microsoft's plug-in is ExtensionIdentifier com.microsoft.CompanyPortalMac.ssoextension, team
  UBF8T346G9 (learn.microsoft.com use-enterprise-sso-plug-in-macos-with-intune), in a
  com.apple.extensiblesso payload (developer.apple.com ExtensibleSingleSignOn); its PlatformSSO
  dictionary makes it Platform SSO.
- No Jamf page says whether the Jamf Connect login window and Platform SSO may run on one Mac
  [unverified]; the login window is an authorization plug-in
  (/Library/Security/SecurityAgentPlugins/JamfConnectLogin.bundle, U.1), so it is the window users
  see at login. PG425 says that and no more.

Both read one profile file; a Platform SSO profile and a Jamf Connect profile in two files are not
compared (a limitation, docs/jamf-connect-3.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.catalog import DOMAINS, MCX_TYPE
from profilegen.rules.envelope import payloads
from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import rule

SSO_TYPE = "com.apple.extensiblesso"
MICROSOFT_EXTENSION = "com.microsoft.CompanyPortalMac.ssoextension"
# Bundle IDs Self Service+ password sync needs in the allowlist (Jamf, Password_Syncing_with_Jamf_Connect).
JAMF_BUNDLE_IDS = ("com.jamf.management", "com.jamf.selfserviceplus")
SYNC_SOURCE = "https://learn.jamf.com/r/en-US/jamf-connect-documentation-current/Password_Syncing_with_Jamf_Connect"
ALLOW_KEYS = ("AppAllowList", "AppPrefixAllowList")


def _platform_sso(profile: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(key path prefix, payload) for each Microsoft Platform SSO payload of the profile."""
    return [(path, p) for path, p in payloads(profile)[1:]
            if p.get("PayloadType") == SSO_TYPE and p.get("ExtensionIdentifier") == MICROSOFT_EXTENSION
            and isinstance(p.get("PlatformSSO"), Mapping)]


def _entries(value: Any) -> list[str]:
    # Microsoft writes the lists as one comma-separated string; an array of strings is read too.
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    return [i.strip() for i in items if isinstance(i, str) and i.strip()]


def allowlist_missing(payload: Mapping[str, Any]) -> list[str]:
    """The Jamf bundle IDs that neither AppAllowList nor a prefix in AppPrefixAllowList covers."""
    data = payload.get("ExtensionData")
    data = data if isinstance(data, Mapping) else {}
    exact = set(_entries(data.get("AppAllowList")))
    prefixes = _entries(data.get("AppPrefixAllowList"))
    return [b for b in JAMF_BUNDLE_IDS if b not in exact and not any(b.startswith(p) for p in prefixes)]


@rule("PG424", "psso-allowlist-jamf", Severity.WARNING, "envelope")
def psso_allowlist(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """A Platform SSO payload for Microsoft's Enterprise SSO plug-in whose allowlist
    (ExtensionData AppAllowList, or a prefix in AppPrefixAllowList) lacks com.jamf.management or
    com.jamf.selfserviceplus. Jamf: with Platform SSO for Entra ID the profile must allowlist both,
    or Self Service+ password sync fails (learn.jamf.com Password_Syncing_with_Jamf_Connect)."""
    for path, payload in _platform_sso(profile):
        missing = allowlist_missing(payload)
        if missing:
            yield Hit(
                f"{path}ExtensionData.AppAllowList",
                f"Platform SSO without {' and '.join(missing)} in the allowlist: Self Service+ password sync fails; "
                f"add them to AppAllowList (comma-separated) (source: {SYNC_SOURCE})",
            )


def _has_login_window(profile: Mapping[str, Any]) -> bool:
    login = DOMAINS["login"]
    for _, p in payloads(profile)[1:]:
        content = p.get("PayloadContent")
        if p.get("PayloadType") == login or (p.get("PayloadType") == MCX_TYPE and isinstance(content, Mapping) and login in content):
            return True
    return False


@rule("PG425", "psso-and-jamf-login-window", Severity.INFO, "envelope")
def psso_with_login_window(profile: Mapping[str, Any]) -> Iterator[Hit]:
    """One profile deploys both the Jamf Connect login window (com.jamf.connect.login) and
    Platform SSO (Microsoft's plug-in). The Jamf Connect login window is an authorization plug-in
    that replaces the macOS login window, so it is the one users sign in to at login; Platform SSO
    signs in to Entra ID after that. Jamf documents no setup with both on one Mac (jamf-connect-keys.md
    2026 update U.3: unverified), and the community advice is to give a user one or the other."""
    if _has_login_window(profile):
        for path, _ in _platform_sso(profile)[:1]:
            yield Hit(
                f"{path}PlatformSSO",
                "Platform SSO beside the Jamf Connect login window: the Jamf Connect login window (an authorization "
                "plug-in) is in charge at login; Jamf documents no setup with both on one Mac, so test it or keep one",
            )
