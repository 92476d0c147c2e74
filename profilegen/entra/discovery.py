"""Entra discovery URLs: normalise the path, require a documented form, name the tenant.

Microsoft documents the OpenID Connect metadata document at
``https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration`` (v2.0) and
``https://login.microsoftonline.com/{tenant}/.well-known/openid-configuration`` (v1.0):
https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc. Nothing else (another
path, a port, a query) is documented, so nothing else is accepted.

A path is compared after normalisation (percent-decoding, doubled slashes, dot segments as in RFC
3986 §5.2.4), because ``/contoso.onmicrosoft.com/../fabrikam.onmicrosoft.com/v2.0/…`` names
fabrikam, not contoso, once a client resolves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from profilegen.entra import facts

WELL_KNOWN = (".well-known", "openid-configuration")
FORMS = "/<tenant>/v2.0/.well-known/openid-configuration or /<tenant>/.well-known/openid-configuration"


@dataclass(frozen=True)
class DiscoveryPath:
    """What the path of a discovery URL says: its tenant segment and what is wrong with it."""

    tenant: str | None  # the tenant segment after normalisation, when the path has a documented form
    problems: tuple[str, ...]  # why the URL is not a documented Entra discovery URL


def normalise_path(path: str) -> str:
    """``path`` percent-decoded, without empty or '.' segments, '..' resolved (never above the root)."""
    out: list[str] = []
    for segment in unquote(path).replace("\\", "/").split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if out:
                out.pop()
            continue
        out.append(segment)
    return "/" + "/".join(out)


def check_discovery_url(url: str) -> DiscoveryPath:
    """The tenant an Entra discovery URL names, and what is wrong with its form. The caller has
    already checked the scheme and that the host is a Microsoft login host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return DiscoveryPath(None, ("is not a valid URL (check the host and port)",))
    problems: list[str] = []
    if port not in (None, 443):
        problems.append(f"uses port {port}; Entra serves the discovery document on the default https port only: remove ':{port}'")
    if parts.query or parts.fragment or url.strip().endswith(("?", "#")):
        problems.append("has a query or fragment; the documented discovery URL has neither")
    normal = normalise_path(parts.path)
    if parts.path != normal:
        problems.append(
            f"its path is not in normal form (dot segments, percent-encoding, backslashes or doubled slashes); "
            f"a client reads it as {normal!r}: write that path"
        )
    segments = normal.strip("/").split("/")
    documented = segments[1:] in ([s for s in ("v2.0", *WELL_KNOWN)], list(WELL_KNOWN))
    if not documented or not segments[0]:
        problems.append(f"path {normal!r} is not a documented Entra discovery path; use {FORMS}")
        return DiscoveryPath(None, tuple(problems))
    return DiscoveryPath(segments[0], tuple(problems))


def discovery_problems(url: str, tenant: str | None) -> Iterator[str]:
    """Problems of a discovery URL on a Microsoft login host: its form (check_discovery_url), then the
    tenant it names after normalisation. organizations is left to PG416 (a warning)."""
    found = check_discovery_url(url)
    in_url = found.tenant
    tenant = tenant.strip() if tenant else None
    if in_url is not None and in_url.lower() in facts.REFUSED_AUTHORITIES:
        yield f"uses the authority {in_url!r}, which ROPC refuses (AADSTS9001023); put your tenant in the path"
    elif in_url is not None and tenant and facts.same_tenant(in_url, tenant) is False:
        yield f"names tenant {in_url!r} but the tenant is {tenant!r}; use the discovery URL of your tenant"
    elif in_url is not None and in_url.lower() != facts.ORGANIZATIONS and facts.tenant_problem(in_url):
        yield f"names {in_url!r}, which is neither a tenant GUID nor a domain"
    yield from found.problems


def unconfirmed_tenant(url: str, tenant: str | None) -> str | None:
    """The tenant a Microsoft discovery URL names, when it and ``tenant`` are both usable but in
    different forms (a GUID and a domain), so they may or may not be the same tenant: only the
    discovery document's issuer (a network lookup) could tell. None otherwise: same form (equal, or
    a mismatch that discovery_problems reports), a multi-tenant authority (PG416 / PG405), or a
    value that is wrong on its own."""
    tenant = tenant.strip() if tenant else None
    in_url = check_discovery_url(url).tenant
    if not tenant or in_url is None or {in_url.lower(), tenant.lower()} & facts.MULTI_TENANT_AUTHORITIES:
        return None
    if facts.tenant_problem(in_url) or facts.tenant_problem(tenant):
        return None
    return in_url if facts.same_tenant(in_url, tenant) is None else None
