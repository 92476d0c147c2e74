"""Facts about Microsoft Entra ID that generate, validate and the Entra commands share.

Sources (see ../shared/reference/azure-facts.md for the fuller notes):
- tenant forms and the ROPC authority rules: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth-ropc
- discovery URL forms: https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
- national cloud login hosts: https://learn.microsoft.com/en-us/entra/identity-platform/authentication-national-cloud
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from profilegen.core.credentials import mask_credentials
from profilegen.core.text import shown

# Jamf Connect's default OIDCRedirectURI, which the OIDC app registration must list (the key
# catalog's OIDCRedirectURI entry); models and the blueprint both use it.
DEFAULT_REDIRECT_URI = "https://127.0.0.1/jamfconnect"
# Redirect URIs the same OIDC app must also list when a feature is used (issue 20;
# ../shared/reference/jamf-connect-keys.md, 2026 update U.2):
# - TemporaryUserPermissions.VerifyUserPromotionFIDO2 (passkey/FIDO2 check in a browser before
#   privilege elevation): learn.jamf.com Temporary_User_Permission_Settings;
# - Jamf Unlock (Unlock.EnableUnlock): docs.jamf.com 2.12.0 Integrating_with_Microsoft_Azure_AD.
FIDO2_REDIRECT_URI = "jamfconnect://loggedin"
FIDO2_REDIRECT_SOURCE = (
    "https://learn.jamf.com/r/en-US/jamf-connect-documentation-current/Temporary_User_Permission_Settings"
)
UNLOCK_REDIRECT_URI = "jamfunlock://callback/auth"
UNLOCK_REDIRECT_SOURCE = "https://docs.jamf.com/jamf-connect/2.12.0/documentation/Integrating_with_Microsoft_Azure_AD.html"

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# A verified or initial domain such as contoso.onmicrosoft.com: DNS labels, at least one dot.
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")
EMPTY_GUID = "00000000-0000-0000-0000-000000000000"

# Entra login hosts per cloud, with the aliases Microsoft's instance discovery returns.
MICROSOFT_LOGIN_HOSTS: dict[str, str] = {
    "login.microsoftonline.com": "global",
    "login.windows.net": "global",
    "login.microsoft.com": "global",
    "sts.windows.net": "global",
    "login.microsoftonline.us": "US Government",
    "login.usgovcloudapi.net": "US Government",
    "login.partner.microsoftonline.cn": "China (21Vianet)",
    "login.chinacloudapi.cn": "China (21Vianet)",
}
# Microsoft Cloud Deutschland closed on 29 October 2021; its host no longer issues tokens.
CLOSED_LOGIN_HOSTS = {"login.microsoftonline.de": "Microsoft Cloud Deutschland (closed October 2021)"}

# Multi-tenant authorities. ROPC refuses common and consumers ("can't be set to common or
# consumers, but may be set to organizations": v2-oauth-ropc; AADSTS9001023 names /common and
# /consumers only). organizations works, but Jamf 2.13 asks for organization-specific tenant
# information, so it earns a warning, not an error (azure-facts.md §9.4).
# Microsoft: "You can also use the consumer tenant GUID, 9188040d-6c67-4c5b-b112-36a304b66dad, in
# place of consumers" (v2-protocols-oidc, tenant table), so ROPC refuses it as it refuses consumers
# (v2-oauth-ropc: no personal accounts).
CONSUMERS_TENANT_GUID = "9188040d-6c67-4c5b-b112-36a304b66dad"
MULTI_TENANT_AUTHORITIES = {"common", "consumers", "organizations", CONSUMERS_TENANT_GUID}
REFUSED_AUTHORITIES = {"common", "consumers", CONSUMERS_TENANT_GUID}
ORGANIZATIONS = "organizations"
ORGANIZATIONS_ADVICE = (
    "'organizations' lets users of any work or school tenant sign in; ROPC accepts it, but Jamf Connect "
    "2.13+ asks for your own tenant: use the Directory (tenant) ID GUID"
)

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def mask_url_credentials(text: str) -> str:
    """``text`` with the user:password@ part and credential query values of a URL replaced, for any output."""
    return mask_credentials(text)


def is_guid(value: str) -> bool:
    return bool(GUID_RE.match(value))


def is_client_id(value: str) -> bool:
    """An Application (client) ID: a GUID, and not the all-zero one that samples ship."""
    return is_guid(value) and value != EMPTY_GUID


def is_domain(value: str) -> bool:
    return bool(DOMAIN_RE.match(value))


def tenant_problem(value: str) -> str | None:
    """Why ``value`` is not usable as an Entra tenant, or None. ``organizations`` is usable (see
    ``tenant_caution``). Space around a value is named as such: the fix is to remove it, not to
    look up another tenant."""
    if value != value.strip() and value.strip() and tenant_problem(value.strip()) is None:
        return "has spaces or line breaks around the tenant ID; remove them"
    if value.lower() == CONSUMERS_TENANT_GUID:
        return (
            "is the consumer tenant GUID, which stands for 'consumers' (personal Microsoft accounts); ROPC refuses "
            "it (AADSTS9001023): use your Directory (tenant) ID GUID or a verified domain such as contoso.onmicrosoft.com"
        )
    if value.lower() in REFUSED_AUTHORITIES:
        return (
            f"{shown(value)} is a multi-tenant authority that ROPC refuses (AADSTS9001023), so password checks "
            "fail; use the Directory (tenant) ID GUID or a verified domain such as contoso.onmicrosoft.com"
        )
    if value.lower() == ORGANIZATIONS:
        return None
    if is_guid(value):
        if value == EMPTY_GUID:
            return "the all-zero GUID is not a tenant (Entra answers AADSTS90002); use your Directory (tenant) ID"
        return None
    if is_domain(value):
        return None
    return (
        f"{shown(value)} is neither a tenant GUID nor a DNS name; use the Directory (tenant) ID from "
        "Entra admin center > Overview, or a verified domain such as contoso.onmicrosoft.com"
    )


def tenant_caution(value: str) -> str | None:
    """Advice for a tenant value that works but is not what Jamf asks for, or None."""
    return ORGANIZATIONS_ADVICE if value.strip().lower() == ORGANIZATIONS else None


def login_host_cloud(host: str) -> str | None:
    """The cloud a Microsoft login host belongs to, or None for any other host."""
    return MICROSOFT_LOGIN_HOSTS.get(host.lower())


def url_host(url: str) -> str:
    """The lower-cased host name of ``url``, or "" when it has none or cannot be parsed
    (an invalid port included)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for an invalid port
        return (parts.hostname or "").lower()
    except ValueError:  # e.g. an unbalanced "[" in the host part
        return ""


def tenant_in_url(url: str) -> str | None:
    """The tenant segment of a Microsoft login URL (first path segment), if any."""
    try:
        parts = [p for p in urlsplit(url).path.split("/") if p]
    except ValueError:
        return None
    return parts[0] if parts else None


def same_tenant(a: str, b: str) -> bool | None:
    """True/False when both values have the same form (GUID or domain); None when undecidable.

    A domain and a GUID can name the same tenant; only a network lookup could tell.
    """
    if is_guid(a) == is_guid(b):
        return a.lower() == b.lower()
    return None


def default_discovery_url(tenant: str, host: str = "login.microsoftonline.com") -> str:
    """The v2.0 discovery document Jamf Connect uses for a tenant when no URL is configured."""
    return f"https://{host}/{tenant}/v2.0{DISCOVERY_SUFFIX}"


def split_scopes(value: str) -> list[str]:
    """Jamf profiles join scopes with '+'; OAuth wants spaces; commas are a common slip. Accept all three."""
    return [s for s in re.split(r"[+\s,]+", value) if s]
