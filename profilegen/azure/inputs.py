"""Resolve the Entra commands' inputs: a --config file's azure: block under command-line options.

We read the file with ``read_yaml`` and validate only its ``azure:`` block with
``AzureSettings`` instead of calling ``load_config``: ropg-check and signins need no
organization or identifier, and an admin's config that has just the azure: block (or a
generate config still missing those) should work here too. The azure: block itself gets the
same validation as generate.
"""

from __future__ import annotations

from pathlib import Path

from profilegen import entra
from profilegen.errors import InputError
from profilegen.models import ROPG_SCOPES, AzureSettings

DEFAULT_SCOPES = "openid profile email"


def load_azure_settings(path: Path) -> AzureSettings:
    """The validated azure: block of a generate config, errors naming file and field."""
    from pydantic import ValidationError

    from profilegen.config import read_yaml

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
            lines.append(f"{path}: azure{'.' + loc if loc else ''}: {msg}")
        raise InputError(*lines) from None


def _guid_option(value: str, option: str) -> str:
    value = value.strip()
    if not entra.is_guid(value) or value == entra.EMPTY_GUID:
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
    if tenant is not None and (problem := entra.tenant_problem(tenant)):
        raise InputError(f"--tenant: {problem}")
    client = _guid_option(client_id, "--ropg-client-id") if client_id else (settings.ropg_id if settings else None)
    if client is None:
        raise InputError("--ropg-client-id: required; pass the ROPG (public app) client ID or use --config")
    url = discovery_url or (settings.ropg_discovery_url if settings else None)
    if url is None:
        if tenant is None:
            raise InputError("--tenant: required without --ropg-discovery-url; pass the tenant GUID or use --config")
        url = entra.default_discovery_url(tenant)
    if scopes is None:
        # generate writes ROPGScopes = openid+email+profile when there is a custom scope, and
        # no scope keys otherwise (Jamf Connect then asks for openid profile email).
        scopes = ROPG_SCOPES if settings is not None and settings.custom_scope else DEFAULT_SCOPES
    split = tuple(entra.split_scopes(scopes))
    if not split:
        raise InputError("--ropg-scopes: empty; give scopes such as openid+email+profile")
    return url, client, split


def config_app_ids(settings: AzureSettings) -> list[str]:
    """The Jamf Connect app IDs a config names (OIDC client and ROPG client)."""
    return list(dict.fromkeys([settings.client_id, settings.ropg_id]))


def read_password_line(text: str) -> str:
    """--password-stdin: the first line, without its line ending (ROPC rejects edge spaces anyway)."""
    return text.split("\n", 1)[0].removesuffix("\r")


def check_username(username: str | None) -> str:
    if not username or not username.strip():
        raise InputError("--username: required; give the user's UPN, e.g. alex@contoso.com")
    return username.strip()

