"""Resolve the Entra commands' inputs: a --config file's azure: block under command-line options.

We read the file with ``read_yaml`` and validate only its ``azure:`` block with
``AzureSettings`` instead of calling ``load_config``: ropg-check and signins need no
organization or identifier, and an admin's config that has just the azure: block (or a
generate config still missing those) should work here too. The azure: block itself gets the
same validation as generate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pydantic import SecretStr, ValidationError

from profilegen.core.errors import InputError
from profilegen.entra import facts
from profilegen.entra.designs import design_scopes
from profilegen.entra.ropg import RopgRequest
from profilegen.entra.transport import check_url, redact
from profilegen.generate.config import read_yaml
from profilegen.generate.models import AzureSettings

DEFAULT_SCOPES = "openid profile email"


def load_azure_settings(path: Path) -> AzureSettings:
    """The validated azure: block of a generate config, errors naming file and field."""
    data = read_yaml(path)
    block = data.get("azure")
    if not isinstance(block, dict):
        raise InputError(f"{path}: azure: missing or not a mapping; add an azure: block with tenant and client_id")
    try:
        return AzureSettings.model_validate(block)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"])
            msg = str(err.get("ctx", {}).get("error", "")) or err["msg"]
            # redact: a URL with user:password@ must not be echoed back
            lines.append(redact(f"{path}: azure{'.' + loc if loc else ''}: {msg}"))
        raise InputError(*lines) from None


def _guid_option(value: str, option: str) -> str:
    value = value.strip()
    if not facts.is_client_id(value):
        raise InputError(f"{option}: {value!r} is not a client ID GUID; copy the Application (client) ID from the app registration")
    return value


def ropg_target(
    *,
    settings: AzureSettings | None,
    tenant: str | None,
    client_id: str | None,
    discovery_url: str | None,
    scopes: str | None,
) -> tuple[str, str, tuple[str, ...]]:
    """(discovery URL, client ID, scopes) from options over the config, as Jamf Connect picks them."""
    tenant = tenant.strip() if tenant else (settings.tenant if settings else None)
    if tenant is not None and (problem := facts.tenant_problem(tenant)):
        raise InputError(f"--tenant: {problem}")
    client = _guid_option(client_id, "--ropg-client-id") if client_id else (settings.ropg_id if settings else None)
    if client is None:
        raise InputError("--ropg-client-id: required; pass the ROPG (public app) client ID or use --config")
    url = discovery_url or (settings.ropg_discovery_url if settings else None)
    if url is None:
        if tenant is None:
            raise InputError("--tenant: required without --ropg-discovery-url; pass the tenant GUID or use --config")
        url = facts.default_discovery_url(tenant)
    if scopes is None:
        # What generate writes as ROPGScopes for the config's design when there is a custom scope
        # (designs.design_scopes), and no scope keys otherwise (Jamf Connect then asks for
        # openid profile email).
        if settings is not None and settings.custom_scope:
            scopes = design_scopes(settings.design, settings.custom_scope)["ROPGScopes"]
        else:
            scopes = DEFAULT_SCOPES
    split = tuple(facts.split_scopes(scopes))
    if not split:
        raise InputError("--ropg-scopes: empty; give scopes such as openid+email+profile")
    return url, client, split


def ropg_request(
    *,
    config: Path | None,
    username: str | None,
    tenant: str | None,
    client_id: str | None,
    discovery_url: str | None,
    scopes: str | None,
    timeout: float,
    allow_http_loopback: bool,
) -> RopgRequest:
    """Everything ropg-check needs except the password, checked before anyone is asked for it."""
    if not username or not username.strip():
        raise InputError("--username: required; give the user's UPN, e.g. alex@contoso.com")
    settings = load_azure_settings(config) if config is not None else None
    url, client, split = ropg_target(
        settings=settings, tenant=tenant, client_id=client_id, discovery_url=discovery_url, scopes=scopes
    )
    what = "--ropg-discovery-url" if discovery_url else f"{config}: azure.ropg_discovery_url"
    check_url(url, what=what, allow_http_loopback=allow_http_loopback)
    return RopgRequest(url, client, username.strip(), split, timeout=timeout, allow_http_loopback=allow_http_loopback)


def read_password(
    *, password_stdin: bool, environ: Mapping[str, str], read_stdin: Callable[[], str], prompt: Callable[[], str]
) -> SecretStr:
    """--password-stdin (first line), else PROFILEGEN_PASSWORD, else the hidden prompt the CLI
    passes in. Never a command-line argument, and never part of an error message."""
    if password_stdin:
        source = "--password-stdin"
        try:
            value = read_stdin()  # the first line, BOM and line end removed (core.stdin.secret_line)
        except UnicodeDecodeError:
            raise InputError(f"{source}: the password is not UTF-8 text; pipe it in UTF-8") from None
    elif environ.get("PROFILEGEN_PASSWORD") is not None:
        value, source = environ["PROFILEGEN_PASSWORD"], "PROFILEGEN_PASSWORD"
    else:
        try:
            value = prompt()
        except EOFError:
            value = ""
        source = "password prompt"
    try:
        value.encode("utf-8")  # undecodable bytes arrive as lone surrogates (surrogateescape)
    except UnicodeEncodeError:
        raise InputError(f"{source}: the password is not UTF-8 text; give it in UTF-8") from None
    if not value:
        raise InputError(f"{source}: empty password; type it at the prompt, set PROFILEGEN_PASSWORD or pipe it to --password-stdin")
    return SecretStr(value)


def signin_app_ids(app_ids: Sequence[str], config: Path | None) -> list[str]:
    """--client-id values, else the Jamf Connect client IDs in --config (OIDC and ROPG client)."""
    if app_ids or config is None:
        return list(app_ids)
    settings = load_azure_settings(config)
    return list(dict.fromkeys([settings.client_id, settings.ropg_id]))

