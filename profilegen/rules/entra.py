"""PG4xx: Entra ID and Conditional Access, for profiles whose provider is Azure or EntraID.

Facts: ../shared/reference/azure-facts.md §0-3, Jamf's Conditional Access guide
(https://learn.jamf.com/r/en-US/jamf-connect-documentation-current/Creating_a_Jamf_Connect_Configuration_with_Conditional_Access)
and Jamf's 2.13 note that asks for the tenant
(https://docs.jamf.com/jamf-connect/2.13.0/documentation/Integrating_with_Microsoft_Azure_AD.html).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.entra import facts
from profilegen.entra.discovery import discovery_problems
from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import rule

ENTRA_PROVIDERS = ("Azure", "EntraID")


def is_entra_login(login: Mapping[str, Any]) -> bool:
    return login.get("OIDCProvider") in ENTRA_PROVIDERS


def idp(menubar: Mapping[str, Any]) -> Mapping[str, Any]:
    value = menubar.get("IdPSettings")
    return value if isinstance(value, Mapping) else {}


def is_entra_menubar(menubar: Mapping[str, Any]) -> bool:
    return idp(menubar).get("Provider") in ENTRA_PROVIDERS


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


TENANT_ADVICE = (
    "missing; Jamf asks for the Directory (tenant) ID of your Entra tenant from Jamf Connect 2.13 "
    "(Integrating_with_Microsoft_Azure_AD, 2.13.0): set OIDCTenant in the login window or "
    "IdPSettings.TenantID in the menu bar"
)


def _menubar_has_tenant(menubar: Mapping[str, Any]) -> bool:
    return is_entra_menubar(menubar) and bool((_str(idp(menubar), "TenantID") or "").strip())


def _login_has_tenant(login: Mapping[str, Any]) -> bool:
    return is_entra_login(login) and bool((_str(login, "OIDCTenant") or "").strip())


# Jamf 2.13: the tenant is entered "using the OIDC Tenant login window preference or the Tenant menu
# bar app preference. The information entered applies to all Jamf Connect products", and the alert
# comes "if both of these fields are left blank". So a tenant in the other domain of the same
# profile or run settles PG401/PG411 (Rule.waived_by_peer, applied by validate.py).
@rule("PG401", "entra-no-tenant", Severity.WARNING, "login", waived_by_peer=_menubar_has_tenant)
def login_no_tenant(login: Mapping[str, Any]) -> Iterator[Hit]:
    """No tenant for Entra ID. Jamf's 2.13 note (docs.jamf.com/jamf-connect/2.13.0/documentation/
    Integrating_with_Microsoft_Azure_AD.html) asks for organization-specific tenant information
    (OIDCTenant in the login window or IdPSettings.TenantID in the menu bar; "the information entered
    applies to all Jamf Connect products") as Microsoft retires the common endpoints, says existing
    applications remain functional, and has Jamf Connect Configuration alert when both tenant fields
    are blank. So a menu bar with a tenant in the same profile or run settles it. A strong
    recommendation, hence a warning, not a failure."""
    if is_entra_login(login) and not _str(login, "OIDCTenant"):
        yield Hit("OIDCTenant", TENANT_ADVICE)


@rule("PG411", "entra-no-tenant-menubar", Severity.WARNING, "menubar", waived_by_peer=_login_has_tenant)
def menubar_no_tenant(menubar: Mapping[str, Any]) -> Iterator[Hit]:
    """The menu bar's IdPSettings has no TenantID for Entra ID, and no login window in the same
    profile or run has OIDCTenant: Jamf's 2.13 recommendation, as PG401
    (docs.jamf.com/jamf-connect/2.13.0/documentation/Integrating_with_Microsoft_Azure_AD.html)."""
    if is_entra_menubar(menubar) and not _str(idp(menubar), "TenantID"):
        yield Hit("IdPSettings.TenantID", TENANT_ADVICE)


@rule("PG410", "entra-bad-tenant", Severity.ERROR, "login")
def login_bad_tenant(login: Mapping[str, Any]) -> Iterator[Hit]:
    """The tenant is neither a GUID nor a domain, or is an authority ROPC refuses: common or
    consumers ("can't be set to common or consumers": learn.microsoft.com/entra/identity-platform/
    v2-oauth-ropc; AADSTS9001023). organizations is PG416, a warning."""
    if not is_entra_login(login):
        return
    for key in ("OIDCTenant", "ROPGTenant"):
        value = _str(login, key)
        problem = facts.tenant_problem(value) if value else None
        if problem:
            yield Hit(key, problem)


@rule("PG412", "entra-bad-tenant-menubar", Severity.ERROR, "menubar")
def menubar_bad_tenant(menubar: Mapping[str, Any]) -> Iterator[Hit]:
    """IdPSettings.TenantID is neither a GUID nor a domain, or common/consumers (see PG410)."""
    value = _str(idp(menubar), "TenantID") if is_entra_menubar(menubar) else None
    problem = facts.tenant_problem(value) if value else None
    if problem:
        yield Hit("IdPSettings.TenantID", problem)


def _not_guid(key: str, value: str | None) -> Iterator[Hit]:
    if value is not None and not facts.is_guid(value.strip()):
        yield Hit(key, "is not a GUID (a placeholder left in?); copy the Application (client) ID from the app registration")


@rule("PG403", "entra-client-id-not-guid", Severity.ERROR, "login")
def login_client_ids(login: Mapping[str, Any]) -> Iterator[Hit]:
    """An Entra client ID that is not a GUID. Entra application IDs are always GUIDs; anything else
    is a placeholder from a sample (Jamf's own Azure sample ships one) and sign-in fails with
    AADSTS700016."""
    if is_entra_login(login):
        for key in ("OIDCClientID", "OIDCROPGID"):
            yield from _not_guid(key, _str(login, key))


@rule("PG413", "entra-client-id-not-guid-menubar", Severity.ERROR, "menubar")
def menubar_client_id(menubar: Mapping[str, Any]) -> Iterator[Hit]:
    """IdPSettings.ROPGID is not a GUID (see PG403)."""
    if is_entra_menubar(menubar):
        yield from _not_guid("IdPSettings.ROPGID", _str(idp(menubar), "ROPGID"))


@rule("PG404", "entra-ropg-id", Severity.WARNING, "login")
def ropg_id(login: Mapping[str, Any]) -> Iterator[Hit]:
    """OIDCROPGID is missing or differs from OIDCClientID. In Jamf's Entra setup both are the
    public-client app's ID ("Allow public client flows" on). Without OIDCROPGID the login window
    cannot verify passwords (ROPG); a different ID needs its own public-client registration."""
    if not is_entra_login(login) or not _str(login, "OIDCClientID"):
        return
    if "OIDCROPGID" not in login:
        yield Hit("OIDCROPGID", "missing; set it to the same value as OIDCClientID so password checks work")
    elif _str(login, "OIDCROPGID") != _str(login, "OIDCClientID"):
        yield Hit("OIDCROPGID", "differs from OIDCClientID; use the same public client unless you run a separate ROPG app on purpose")


def _is_adfs(url: str | None) -> bool:
    """AD FS publishes its discovery document under /adfs/ (Jamf: Configuring_Jamf_Connect_with_AD_FS)."""
    return bool(url and "/adfs/" in url.lower())


def _discovery(key: str, url: str | None, tenant: str | None, *, adfs_ok: bool) -> Iterator[Hit]:
    if url is None or url.strip().lower().startswith("http://"):
        return  # http:// is PG503
    host = facts.url_host(url)
    if url.strip().lower().startswith("https://") and facts.login_host_cloud(host):
        problems = list(discovery_problems(url, tenant))
        if problems:
            yield Hit(key, "; ".join(problems))
        return
    if adfs_ok and url.lower().startswith("https://"):
        return
    yield Hit(key, "not an https:// URL on a Microsoft login host; for Entra use https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration")


@rule("PG405", "entra-discovery-url", Severity.ERROR, "login")
def login_discovery(login: Mapping[str, Any]) -> Iterator[Hit]:
    """A discovery URL that is wrong for Entra: not https on a Microsoft login host (sovereign clouds
    included), not one of the two documented forms /{tenant}/v2.0/.well-known/openid-configuration and
    /{tenant}/.well-known/openid-configuration on the default port
    (learn.microsoft.com/entra/identity-platform/v2-protocols-oidc), a path that is not in normal form,
    naming another tenant than OIDCTenant once normalised, or common/consumers (AADSTS9001023).
    ROPGDiscoveryURL may point to AD FS (an /adfs/ URL, or any host with ROPGProvider Custom) in
    hybrid setups."""
    if not is_entra_login(login):
        return
    tenant = _str(login, "OIDCTenant")
    yield from _discovery("OIDCDiscoveryURL", _str(login, "OIDCDiscoveryURL"), tenant, adfs_ok=False)
    ropg_url = _str(login, "ROPGDiscoveryURL")
    adfs = login.get("ROPGProvider") == "Custom" or _is_adfs(ropg_url)
    yield from _discovery("ROPGDiscoveryURL", ropg_url, _str(login, "ROPGTenant") or tenant, adfs_ok=adfs)


@rule("PG414", "entra-discovery-url-menubar", Severity.ERROR, "menubar")
def menubar_discovery(menubar: Mapping[str, Any]) -> Iterator[Hit]:
    """IdPSettings.DiscoveryURL is wrong for Entra (see PG405); an AD FS URL (…/adfs/…) is accepted."""
    if is_entra_menubar(menubar):
        url = _str(idp(menubar), "DiscoveryURL")
        yield from _discovery("IdPSettings.DiscoveryURL", url, _str(idp(menubar), "TenantID"), adfs_ok=_is_adfs(url))


@rule("PG406", "entra-login-menubar-disagree", Severity.ERROR, "pair")
def pair(login: Mapping[str, Any], menubar: Mapping[str, Any]) -> Iterator[Hit]:
    """The login window and the menu bar name different tenants. Both check the same user's
    password against the same tenant; a mismatch means one of them fails. Tenants are compared only when
    both are GUIDs or both are domains: a GUID and a domain may name the same tenant, which only a
    network lookup can tell (PG415, an info). Different ROPG clients are PG418, a warning."""
    if not (is_entra_login(login) and is_entra_menubar(menubar)):
        return
    lt, mt = _str(login, "OIDCTenant"), _str(idp(menubar), "TenantID")
    if lt and mt and facts.same_tenant(lt.strip(), mt.strip()) is False:
        yield Hit("IdPSettings.TenantID", f"menu bar tenant {mt!r} differs from the login window's OIDCTenant {lt!r}")


@rule("PG418", "entra-ropg-clients-differ", Severity.WARNING, "pair")
def ropg_clients_differ(login: Mapping[str, Any], menubar: Mapping[str, Any]) -> Iterator[Hit]:
    """The menu bar's IdPSettings.ROPGID names another app than the login window's OIDCROPGID (or
    OIDCClientID). Not an error: Jamf's menu bar page describes ROPGID as "the client ID of your
    Self Service+ app in your IdP" (learn.jamf.com Menu_Bar_Authentication_Settings), and the
    Conditional Access guide only has the ROPG client ID pre-filled from the Identity Provider tab
    (Creating_a_Jamf_Connect_Configuration_with_Conditional_Access): a default, not a requirement.
    Any app registration in the tenant with "Allow public client flows" on passes ROPG. A warning,
    as PG404, because the usual setup uses one app and a second one must be set up the same way."""
    if not (is_entra_login(login) and is_entra_menubar(menubar)):
        return
    lr, mr = _str(login, "OIDCROPGID") or _str(login, "OIDCClientID"), _str(idp(menubar), "ROPGID")
    if lr and mr and lr.strip().lower() != mr.strip().lower():
        yield Hit(
            "IdPSettings.ROPGID",
            "differs from the login window's OIDCROPGID; fine if that app is also a public client "
            "(Allow public client flows) in the same tenant, otherwise use the same client in both",
        )


@rule("PG409", "malformed-scopes", Severity.WARNING, "login")
def malformed_scopes(login: Mapping[str, Any]) -> Iterator[Hit]:
    """A scope string without openid: without it no ID token comes back and sign-in fails.
    Separators ('+', not spaces or commas) are PG308, for every provider."""
    if not is_entra_login(login):
        return
    for key in ("OIDCScopes", "ROPGScopes"):
        value = _str(login, key)
        if value is None:
            continue
        if "openid" not in facts.split_scopes(value):
            yield Hit(key, "has no openid scope; add +openid so an ID token is issued")
