"""Pydantic models of what we generate: the Entra inputs and the whole generate config.

Field names are snake_case as in the YAML config; ``jamf_key`` in each field's metadata names
the Jamf Connect key it feeds. Models are frozen and forbid unknown fields.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from profilegen.core.text import CONTROL_RE, invisible, shown
from profilegen.entra import facts
from profilegen.entra.designs import DEFAULT_DESIGN, DesignName, scope_kind
from profilegen.entra.discovery import discovery_problems
from profilegen.entra.facts import DEFAULT_REDIRECT_URI

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")

Style = Literal["mcx", "direct"]
OutputFormat = Literal["mobileconfig", "plist"]


def _https(value: str, what: str) -> str:
    """``what`` names the URL in messages, e.g. "discovery URL"."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        userinfo = parts.netloc.rpartition("@")[0]
        parts.port  # noqa: B018 - raises ValueError for a port outside 0-65535 or not a number
    except ValueError:
        raise ValueError(f"not a valid URL (check the host and port); give the full {what}") from None
    if any(c.isspace() for c in value):
        raise ValueError(f"{shown(value)} contains white space; give the full {what} without spaces")
    if userinfo:
        # Never echo the value: it holds a user name and perhaps a password.
        raise ValueError("the URL contains credentials (user:password@); profiles are world-readable on the Mac, remove them")
    if value.lower().startswith("http://"):
        raise ValueError(f"{shown(value)} uses http://; {what} must use https://")
    if not value.lower().startswith("https://") or len(value) <= len("https://"):
        raise ValueError(f"{shown(value)} is not an https:// URL; give the full {what}")
    return value


def _refuse_invisible(value: Any) -> None:
    """IDs, scopes and URLs copied from a web page can carry a zero-width space or a no-break
    space that no one can see, and Entra then refuses the value; name it instead of only
    echoing the value. Surrounding ASCII white space is fine (it is stripped or refused later)."""
    if isinstance(value, str):
        inner = value.lstrip(" \t\r\n")
        where = invisible(inner.rstrip(" \t\r\n"), start=len(value) - len(inner))
        if where:
            raise ValueError(f"{shown(value)} contains {where}; retype the value or delete that character")


class AzureSettings(BaseModel):
    """The Entra ID facts an admin copies from the two app registrations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tenant: str = Field(json_schema_extra={"jamf_key": "OIDCTenant, IdPSettings.TenantID"})
    client_id: str = Field(json_schema_extra={"jamf_key": "OIDCClientID"})
    ropg_client_id: str | None = Field(None, json_schema_extra={"jamf_key": "OIDCROPGID, IdPSettings.ROPGID"})
    custom_scope: str | None = Field(None, json_schema_extra={"jamf_key": "OIDCScopes, ROPGScopes"})
    # Which Conditional Access design the scopes implement (profilegen.entra.designs); None means
    # not chosen: the default design with a custom scope, no scopes without one.
    ca_design: DesignName | None = Field(None, json_schema_extra={"jamf_key": "OIDCScopes, ROPGScopes"})
    discovery_url: str | None = Field(None, json_schema_extra={"jamf_key": "OIDCDiscoveryURL"})
    ropg_discovery_url: str | None = Field(
        None, json_schema_extra={"jamf_key": "ROPGDiscoveryURL, IdPSettings.DiscoveryURL"}
    )
    redirect_uri: str = Field(DEFAULT_REDIRECT_URI, json_schema_extra={"jamf_key": "OIDCRedirectURI"})
    admin_roles: tuple[str, ...] = Field((), json_schema_extra={"jamf_key": "OIDCAdmin"})
    # OIDCProvider / IdPSettings.Provider. Jamf's current pages list "EntraID (formerly Azure)" and
    # still show Azure in their examples; the 2.15.0 login reference lists only Azure, and no
    # release note says which version first accepts EntraID (jamf-connect-keys.md, 2026 update
    # U.2: [unverified]). So Azure stays the default: every version reads it.
    provider: Literal["Azure", "EntraID"] = Field("Azure", json_schema_extra={"jamf_key": "OIDCProvider, IdPSettings.Provider"})

    @field_validator("*", mode="before")
    @classmethod
    def _visible(cls, value: Any) -> Any:
        for item in value if isinstance(value, (list, tuple)) else (value,):
            _refuse_invisible(item)
        return value

    @field_validator("tenant")
    @classmethod
    def _tenant(cls, value: str) -> str:
        value = value.strip()
        problem = facts.tenant_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("client_id", "ropg_client_id")
    @classmethod
    def _client_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not facts.is_client_id(value):
            raise ValueError(
                f"{shown(value)} is not a client ID GUID; copy the Application (client) ID from the "
                "app registration's Overview page"
            )
        return value

    @field_validator("custom_scope")
    @classmethod
    def _scope(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # <Application ID URI>/<scope value>: api://... as in Jamf's guides, or an https:// App ID
        # URI on a verified domain (designs.CUSTOM_SCOPE_RE); never a Microsoft Graph scope.
        if scope_kind(value) != "custom":
            raise ValueError(
                f"{shown(value)} is not a custom API scope; use <Application ID URI>/<scope>, "
                "e.g. api://<API app client ID>/jamfconnect, with no spaces or '+'"
            )
        return value

    @field_validator("redirect_uri")
    @classmethod
    def _redirect(cls, value: str) -> str:
        return _https(value, "redirect URI (it must equal the app registration's public client redirect URI)")

    @field_validator("discovery_url", "ropg_discovery_url")
    @classmethod
    def _discovery(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _https(value, "discovery URL")
        if not value.rstrip("/").endswith(facts.DISCOVERY_SUFFIX):
            raise ValueError(
                f"{shown(value)} is not an OpenID discovery document URL; it must end in {facts.DISCOVERY_SUFFIX}"
            )
        return value

    @field_validator("admin_roles")
    @classmethod
    def _roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for role in value:
            if not role.strip():
                raise ValueError("admin roles must be non-empty app role values such as Admin")
            # App role values are emitted in the roles claim and may not contain spaces
            # (Graph appRole.value: https://learn.microsoft.com/en-us/graph/api/resources/approle).
            if any(c.isspace() for c in role):
                raise ValueError(f"{shown(role)} contains white space; Entra app role values cannot (use e.g. MacAdmin)")
        if len(set(value)) != len(value):
            raise ValueError(f"{shown(list(value))} lists a role twice; give each role once")
        return value

    def _discovery_urls(self) -> list[tuple[str, str, str]]:
        """(field, URL, host) for each discovery URL that is set."""
        given = (("discovery_url", self.discovery_url), ("ropg_discovery_url", self.ropg_discovery_url))
        return [(field, url, facts.url_host(url)) for field, url in given if url is not None]

    @model_validator(mode="after")
    def _discovery_hosts(self) -> AzureSettings:
        for field, url, host in self._discovery_urls():
            if host in facts.CLOSED_LOGIN_HOSTS:
                raise ValueError(f"{field}: {host} is {facts.CLOSED_LOGIN_HOSTS[host]}; use login.microsoftonline.com")
            if facts.login_host_cloud(host) is None:
                if field == "discovery_url":
                    raise ValueError(
                        f"discovery_url: {host} is not a Microsoft Entra login host; for Entra use "
                        f"https://login.microsoftonline.com/<tenant>/v2.0{facts.DISCOVERY_SUFFIX} "
                        "(or the sovereign cloud's host)"
                    )
                continue  # AD FS in a hybrid setup: accepted, with a note (see notes()).
            # The same checks as validate (PG405): documented form, default port, normal path,
            # and the tenant it names once normalised (entra.discovery).
            problems = list(discovery_problems(url, self.tenant))
            if problems:
                raise ValueError(f"{field}: the URL " + "; ".join(problems))
        return self

    @model_validator(mode="after")
    def _design_needs_scope(self) -> AzureSettings:
        if self.ca_design is not None and self.custom_scope is None:
            raise ValueError(
                f"ca_design: {self.ca_design!r} needs a custom scope as well (--custom-scope or azure.custom_scope: "
                "api://<API app ID>/jamfconnect); without one, leave the design out (the profile is then design D)"
            )
        return self

    @property
    def design(self) -> DesignName:
        return self.ca_design or DEFAULT_DESIGN

    @property
    def ropg_id(self) -> str:
        return self.ropg_client_id or self.client_id

    def notes(self) -> list[str]:
        """Things worth saying on stderr that are not errors."""
        # The organizations advice (PG416) and a discovery URL naming the tenant in another form
        # (PG417) come from validate's rules over the rendered profiles (generate.review), once.
        out = []
        for field, _url, host in self._discovery_urls():
            name = field.replace("_", " ").replace("url", "URL")
            if facts.login_host_cloud(host) is None:
                out.append(
                    f"note: the {name} is on {host}, not a Microsoft login host; accepted as an AD FS "
                    "(hybrid) ROPG endpoint. Set ROPGProvider: Custom and ROPGRedirectURI under login: if "
                    "Jamf Connect should send password checks there"
                )
        return out


_LINE_OR_C1 = re.compile(r"[\t\n\r\x80-\x9f]")


class JamfConnectVersions(BaseModel):
    """The ``jamf_connect:`` block: the Jamf Connect versions the profiles are for (issue 20).

    From 3.0 the login window and the menu bar (Self Service+) are versioned apart
    (profilegen.catalog.versions), so each has its own field; generate then notes keys those
    versions may not read (PG310, PG311), as ``validate --target-version login=X,menubar=Y`` does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    login: str | None = None
    menubar: str | None = None

    @field_validator("login", "menubar", mode="before")
    @classmethod
    def _version(cls, value: Any) -> Any:
        from profilegen.catalog.versions import parse_version

        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # YAML reads 3.5 as a number; 3.10 would read as 3.1, so quote it
        if isinstance(value, str):
            parse_version(value.strip())  # ValueError names the value
            return value.strip()
        return value

    def targets(self) -> Any:
        from profilegen.catalog.versions import Targets, parse_version

        return Targets(parse_version(self.login) if self.login else None, parse_version(self.menubar) if self.menubar else None)


class JamfSettings(BaseModel):
    """The ``jamf:`` block: where and how ``profilegen jamf push`` places the profiles (issue 10).

    ``url`` is the Jamf Pro server; the rest are general and scope settings. ``name`` is a
    template rendered per profile, with ``{{ component }}`` (``Login Window`` or ``Menu Bar``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = None
    name: str | None = None
    category: str | None = None
    scope_groups: tuple[str, ...] | None = None
    exclude_groups: tuple[str, ...] | None = None  # Scope → Exclusions → computer groups
    all_computers: bool | None = None
    self_service: bool | None = None
    redeploy: Literal["all", "newly-assigned"] | None = None
    description: str | None = None

    @field_validator("name", "category", "description")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        # CR and the C1 controls too (U+0085 is a line break to many readers).
        if value is not None and (CONTROL_RE.search(value) or _LINE_OR_C1.search(value)):
            raise ValueError("contains control characters, tabs or line feeds; write it on one line")
        if value is not None and not value.strip():
            raise ValueError("empty; give a name or leave the key out")
        return value.strip() if value is not None else None

    @field_validator("scope_groups", "exclude_groups")
    @classmethod
    def _groups(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and any(not g.strip() or CONTROL_RE.search(g) for g in value):
            raise ValueError("every group is a non-empty computer group name")
        return tuple(g.strip() for g in value) if value is not None else None


class ProfileConfig(BaseModel):
    """A whole generate config: the YAML file merged with the command-line options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organization: str
    identifier: str
    azure: AzureSettings
    login: dict[str, Any] = Field(default_factory=dict)
    menubar: dict[str, Any] = Field(default_factory=dict)
    jamf: JamfSettings | None = None  # read by jamf push/pull; generate ignores it
    jamf_connect: JamfConnectVersions | None = None  # the versions deployed: generate's PG310/PG311 notes

    @field_validator("login", "menubar", mode="before")
    @classmethod
    def _data_keys(cls, value: Any, info: Any) -> Any:
        from profilegen.generate.extras import decode_data_keys

        return decode_data_keys(info.field_name, value) if isinstance(value, dict) else value

    @field_validator("organization")
    @classmethod
    def _organization(cls, value: str) -> str:
        from profilegen.generate.extras import plist_problem

        problem = plist_problem(value)  # control characters, U+FFFE/U+FFFF: no plist string holds them
        if problem:
            raise ValueError(problem)
        if not value.strip():
            raise ValueError("give the organization name shown in System Settings > Profiles")
        return value.strip()

    @field_validator("identifier", mode="before")
    @classmethod
    def _identifier_visible(cls, value: Any) -> Any:
        _refuse_invisible(value)
        return value

    @field_validator("identifier")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not IDENTIFIER_RE.match(value):
            raise ValueError(
                f"{shown(value)} is not a reverse-DNS identifier; use letters, digits and '-' in dot-separated "
                "parts, e.g. com.contoso.jamfconnect"
            )
        return value

    @model_validator(mode="after")
    def _extras(self) -> ProfileConfig:
        from profilegen.generate.extras import extras_problems

        given = {name for name in AzureSettings.model_fields if getattr(self.azure, name) not in (None, ())}
        problems = extras_problems(self.login, self.menubar, azure_fields=given)
        if problems:
            raise ValueError("\n".join(problems))
        return self
