"""PG415-PG417: tenant values that work, or may work, but cannot be confirmed or are not what Jamf
asks for. Sources: ../shared/reference/azure-facts.md §9.4 and
https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth-ropc.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.entra import facts
from profilegen.entra.discovery import check_discovery_url, unconfirmed_tenant
from profilegen.rules.entra import idp, is_entra_login, is_entra_menubar
from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import rule


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


@rule("PG415", "entra-tenant-forms-differ", Severity.INFO, "pair")
def tenant_forms_differ(login: Mapping[str, Any], menubar: Mapping[str, Any]) -> Iterator[Hit]:
    """The login window names the tenant by GUID and the menu bar by domain (or the other way
    round). Both may name the same tenant; only a network lookup of the domain's tenant could
    tell, and validate works offline. Check by hand, or use the GUID in both places."""
    if not (is_entra_login(login) and is_entra_menubar(menubar)):
        return
    lt, mt = _str(login, "OIDCTenant"), _str(idp(menubar), "TenantID")
    if lt and mt and facts.same_tenant(lt, mt) is None:
        yield Hit(
            "IdPSettings.TenantID",
            f"menu bar tenant {mt!r} and login window OIDCTenant {lt!r} use different forms (GUID and domain); "
            "profilegen cannot confirm offline that they are the same tenant: check, or use the GUID in both",
        )


def _url_tenant(url: str | None) -> str | None:
    if url is None or not facts.login_host_cloud(facts.url_host(url)):
        return None
    return check_discovery_url(url).tenant


@rule("PG416", "entra-organizations-authority", Severity.WARNING, "prefs")
def organizations(prefs: Mapping[str, Any]) -> Iterator[Hit]:
    """The tenant (or the tenant in a Microsoft discovery URL) is 'organizations'. ROPC accepts it
    (v2-oauth-ropc: the tenant "can't be set to common or consumers, but may be set to
    organizations"), so it is not an error; but it lets any work or school tenant sign in, and
    Jamf Connect 2.13 asks for organization-specific tenant information. Use the tenant GUID."""
    places: list[tuple[str, str | None]] = []
    if is_entra_login(prefs):
        places += [(k, _str(prefs, k)) for k in ("OIDCTenant", "ROPGTenant")]
        places += [(k, _url_tenant(_str(prefs, k))) for k in ("OIDCDiscoveryURL", "ROPGDiscoveryURL")]
    if is_entra_menubar(prefs):
        places.append(("IdPSettings.TenantID", _str(idp(prefs), "TenantID")))
        places.append(("IdPSettings.DiscoveryURL", _url_tenant(_str(idp(prefs), "DiscoveryURL"))))
    for key, value in places:
        advice = facts.tenant_caution(value) if value else None
        if advice:
            yield Hit(key, advice)


@rule("PG417", "entra-discovery-tenant-form", Severity.INFO, "prefs")
def discovery_tenant_form(prefs: Mapping[str, Any]) -> Iterator[Hit]:
    """A Microsoft discovery URL names the tenant in another form than the tenant key (a domain in
    the URL and a GUID in OIDCTenant or IdPSettings.TenantID, or the other way round). As PG415: the
    two may name the same tenant, which only a network lookup of the discovery document's issuer
    could tell (azure-facts.md §3.3), and validate works offline; generate says the same about
    --discovery-url. When both have the same form and differ, PG405/PG414 report an error
    (issue 9 §1.5). Use the tenant GUID in the URL."""
    places: list[tuple[str, str | None, str, str | None]] = []
    if is_entra_login(prefs):
        tenant_key = "ROPGTenant" if _str(prefs, "ROPGTenant") else "OIDCTenant"
        places.append(("OIDCDiscoveryURL", _str(prefs, "OIDCDiscoveryURL"), "OIDCTenant", _str(prefs, "OIDCTenant")))
        places.append(("ROPGDiscoveryURL", _str(prefs, "ROPGDiscoveryURL"), tenant_key, _str(prefs, tenant_key)))
    if is_entra_menubar(prefs):
        settings = idp(prefs)
        places.append(("IdPSettings.DiscoveryURL", _str(settings, "DiscoveryURL"), "IdPSettings.TenantID", _str(settings, "TenantID")))
    for key, url, tenant_key, tenant in places:
        if url is None or not facts.login_host_cloud(facts.url_host(url)):
            continue
        in_url = unconfirmed_tenant(url, tenant)
        if in_url:
            yield Hit(
                key,
                f"names the tenant {in_url!r} and {tenant_key} is {tenant!r} (GUID and domain); profilegen cannot "
                "confirm offline that they are the same tenant: check, or use the tenant GUID in the URL",
            )
