"""Typer command line. Parses options, calls one core function per command, reports, and maps
the ProfilegenError family to exit codes. Heavy modules are imported inside the commands so
that ``profilegen --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from profilegen import __version__
from profilegen.errors import ProfilegenError

app = typer.Typer(
    name="profilegen",
    help="Generate and validate Jamf Connect profiles for Microsoft Entra ID.",
    no_args_is_help=True,
    add_completion=False,
    # Locals can hold client secrets or passwords: never show them in a traceback.
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
)


class ComponentChoice(str, Enum):
    login = "login"
    menubar = "menubar"
    both = "both"


class StyleChoice(str, Enum):
    mcx = "mcx"
    direct = "direct"


class FormatChoice(str, Enum):
    mobileconfig = "mobileconfig"
    plist = "plist"


# Options declared once, used by generate and (later) variants.
ComponentOpt = Annotated[ComponentChoice, typer.Option("--component", help="Which profile(s) to write.")]
StyleOpt = Annotated[
    StyleChoice,
    typer.Option("--payload-style", help="mcx: Custom Settings payload as Jamf Pro writes it; direct: domain as PayloadType."),
]
FormatOpt = Annotated[
    FormatChoice,
    typer.Option("--format", help="mobileconfig: whole profile; plist: bare preferences for Jamf Pro's upload."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite existing files.")]
ConfigOpt = Annotated[
    Optional[Path], typer.Option("--config", help="YAML config; command-line options override it.", dir_okay=False)
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"profilegen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Generate and validate Jamf Connect profiles for Microsoft Entra ID."""


@app.command()
def generate(
    tenant: Annotated[Optional[str], typer.Option("--tenant", help="Tenant GUID or verified domain (contoso.onmicrosoft.com).")] = None,
    client_id: Annotated[Optional[str], typer.Option("--client-id", help="Client ID of the OIDC (public endpoint) app.")] = None,
    ropg_client_id: Annotated[Optional[str], typer.Option("--ropg-client-id", help="Client ID for ROPG checks [default: --client-id].")] = None,
    custom_scope: Annotated[Optional[str], typer.Option("--custom-scope", help="api://<app ID URI>/<scope> exposed by the private API app.")] = None,
    discovery_url: Annotated[Optional[str], typer.Option("--discovery-url", help="OIDC discovery document URL.")] = None,
    ropg_discovery_url: Annotated[Optional[str], typer.Option("--ropg-discovery-url", help="Discovery URL for ROPG (AD FS in hybrid setups).")] = None,
    redirect_uri: Annotated[Optional[str], typer.Option("--redirect-uri", help="Redirect URI [default: https://127.0.0.1/jamfconnect].")] = None,
    admin_role: Annotated[Optional[list[str]], typer.Option("--admin-role", help="App role that makes local admins (repeatable).")] = None,
    organization: Annotated[Optional[str], typer.Option("--organization", help="PayloadOrganization.")] = None,
    identifier: Annotated[Optional[str], typer.Option("--identifier", help="Reverse-DNS base for PayloadIdentifier.")] = None,
    component: ComponentOpt = ComponentChoice.both,
    payload_style: StyleOpt = StyleChoice.mcx,
    fmt: FormatOpt = FormatChoice.mobileconfig,
    out: Annotated[Optional[str], typer.Option("--out", help="Output directory (created if missing), or - for stdout.")] = None,
    force: ForceOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Write login window and/or menu bar profiles for Entra ID."""
    from profilegen.config import load_config
    from profilegen.errors import InputError
    from profilegen.generate import COMPONENTS, generate as run_generate
    from profilegen.writer import write_files

    if out is None:
        raise InputError("--out: required; give a directory for the profiles, or - for stdout")
    options = {
        "tenant": tenant,
        "client_id": client_id,
        "ropg_client_id": ropg_client_id,
        "custom_scope": custom_scope,
        "discovery_url": discovery_url,
        "ropg_discovery_url": ropg_discovery_url,
        "redirect_uri": redirect_uri,
        "admin_roles": tuple(admin_role or ()),
        "organization": organization,
        "identifier": identifier,
    }
    cfg = load_config(config, options)
    components = COMPONENTS[component.value]
    if out == "-" and len(components) != 1:
        raise InputError("--out -: stdout takes one document; add --component login or --component menubar")
    docs = run_generate(cfg, components=components, style=payload_style.value, fmt=fmt.value)
    for note in cfg.azure.notes():
        typer.echo(note, err=True)
    if out == "-":
        sys.stdout.buffer.write(docs[0].data)
        sys.stdout.buffer.flush()
        return
    for path in write_files(Path(out), [(d.filename, d.data) for d in docs], force=force):
        typer.echo(f"wrote {path}", err=True)


def _fail(lines: tuple[str, ...], code: int) -> NoReturn:
    for line in lines:
        typer.echo(f"profilegen: {line}", err=True)
    raise SystemExit(code)


def main() -> None:
    """Console entry point: one line per problem, never a traceback unless PROFILEGEN_DEBUG=1."""
    try:
        app(standalone_mode=True)
    except ProfilegenError as exc:
        _fail(exc.problems, exc.exit_code)
    except KeyboardInterrupt:
        _fail(("interrupted",), 130)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("PROFILEGEN_DEBUG"):
            raise
        _fail((f"internal error: {type(exc).__name__}; rerun with PROFILEGEN_DEBUG=1 for details",), 70)


# ---- Entra ID commands (issue 5) ----
# ropg-check, signins and `azure blueprint`. Core code lives in profilegen/azure/ and is imported
# inside each command so that `profilegen --help` stays fast.
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import SecretStr

    from profilegen.azure.signins import Triage


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


OutputFormatOpt = Annotated[OutputFormat, typer.Option("--format", help="text for people, json for scripts.")]
# ropg-check exit codes (issue 5): 0 password verified, 1 wrong password, 3 anything else, 2 usage.
ROPG_EXIT_WRONG_PASSWORD = 1
ROPG_EXIT_OTHER = 3


def _read_password(password_stdin: bool) -> SecretStr:
    """--password-stdin, else PROFILEGEN_PASSWORD, else a hidden prompt. Never an argument."""
    import getpass

    from pydantic import SecretStr

    from profilegen.azure.inputs import read_password_line
    from profilegen.errors import InputError

    if password_stdin:
        value = read_password_line(sys.stdin.read())
        source = "--password-stdin"
    elif os.environ.get("PROFILEGEN_PASSWORD") is not None:
        value = os.environ["PROFILEGEN_PASSWORD"]
        source = "PROFILEGEN_PASSWORD"
    else:
        try:
            value = getpass.getpass("Password: ", stream=sys.stderr)
        except EOFError:
            value = ""
        source = "password prompt"
    if not value:
        raise InputError(f"{source}: empty password; type it at the prompt, set PROFILEGEN_PASSWORD or pipe it to --password-stdin")
    return SecretStr(value)


@app.command("ropg-check")
def ropg_check(
    username: Annotated[Optional[str], typer.Option("--username", help="User to check (UPN, e.g. alex@contoso.com).")] = None,
    tenant: Annotated[Optional[str], typer.Option("--tenant", help="Tenant GUID or verified domain.")] = None,
    ropg_client_id: Annotated[Optional[str], typer.Option("--ropg-client-id", help="Client ID used for ROPG (the public app).")] = None,
    ropg_discovery_url: Annotated[Optional[str], typer.Option("--ropg-discovery-url", help="Discovery URL (default: the tenant's v2.0 document).")] = None,
    ropg_scopes: Annotated[Optional[str], typer.Option("--ropg-scopes", help="Scopes, '+' or space separated (default: what generate writes as ROPGScopes).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, max=120.0, help="Seconds per request.")] = 15.0,
    allow_http_loopback: Annotated[bool, typer.Option("--allow-http-loopback", help="Allow http://127.0.0.1:<port> (test servers only).")] = False,
    fmt: OutputFormatOpt = OutputFormat.text,
    config: ConfigOpt = None,
) -> None:
    """Check one password with ROPG as Jamf Connect does, and explain Entra's answer.

    The password comes from a hidden prompt, PROFILEGEN_PASSWORD or --password-stdin.
    Exit 0: password verified (also when MFA or policy withheld the token); 1: wrong password;
    3: anything else; 2: usage.
    """
    import json

    from profilegen.azure.inputs import check_username, load_azure_settings, ropg_target
    from profilegen.azure.ropg import RopgRequest, check_password, check_url

    user = check_username(username)
    settings = load_azure_settings(config) if config is not None else None
    url, client, scopes = ropg_target(
        settings=settings, tenant=tenant, client_id=ropg_client_id, discovery_url=ropg_discovery_url, scopes=ropg_scopes
    )
    request = RopgRequest(url, client, user, scopes, timeout=timeout, allow_http_loopback=allow_http_loopback)
    check_url(url, what="--ropg-discovery-url", allow_http_loopback=allow_http_loopback)  # before asking for a password
    verdict = check_password(request, _read_password(password_stdin))
    if fmt is OutputFormat.json:
        typer.echo(json.dumps({
            "category": verdict.category,
            "password_verified": verdict.password_verified,
            "error_code": verdict.error_code,
            "message": verdict.message,
        }))
    else:
        code = f" (AADSTS{verdict.error_code})" if verdict.error_code is not None else ""
        state = {True: "password verified", False: "password NOT verified", None: "password not checked"}
        typer.echo(f"{verdict.category}{code}: {state[verdict.password_verified]}")
        typer.echo(verdict.explanation)
        if verdict.detail:
            typer.echo(f"Entra said: {verdict.detail}")
    if verdict.password_verified is True:
        return
    raise typer.Exit(ROPG_EXIT_WRONG_PASSWORD if verdict.password_verified is False else ROPG_EXIT_OTHER)


@app.command("signins")
def signins(
    files: Annotated[list[Path], typer.Argument(help="Exported sign-in logs: Graph/portal JSON or portal CSV.", dir_okay=True)],
    app_id: Annotated[Optional[list[str]], typer.Option("--app-id", help="Jamf Connect app (client) ID (repeatable).")] = None,
    fmt: OutputFormatOpt = OutputFormat.text,
    config: ConfigOpt = None,
) -> None:
    """Triage exported Entra sign-in logs: MFA noise vs. real wrong passwords, per user.

    Rows are limited to Jamf Connect: --app-id (or the client IDs in --config), else any
    application whose name contains "Jamf Connect". Exit 0 when the files were read, 2 when one
    is unreadable.
    """
    from profilegen.azure.inputs import config_app_ids, load_azure_settings
    from profilegen.azure.signins import EXPLANATION, JamfFilter, iter_jamf_signins, triage_files

    ids = list(app_id or ())
    if not ids and config is not None:
        ids = config_app_ids(load_azure_settings(config))
    jamf = JamfFilter.of(ids)
    result = triage_files(files, jamf)  # reads everything once; raises for unreadable files
    if fmt is OutputFormat.json:
        import json

        out = sys.stdout
        out.write('{"summary": ' + json.dumps(result.summary_counts()) + ', "users": ')
        out.write(json.dumps([{"user": u, "counts": c} for u, c in result.user_counts()]))
        out.write(', "rows": [')
        # Second pass: rows are streamed, never collected, so a 500 MB export stays small in memory.
        for n, s in enumerate(iter_jamf_signins(files, jamf)):
            row = {"time": s.time, "user": s.user, "app_id": s.app_id, "error_code": s.error_code, "category": s.category}
            out.write((", " if n else "") + json.dumps(row))
        out.write("]}\n")
        out.flush()
        return
    _print_triage(result, filtered_by=("app IDs " + ", ".join(ids)) if ids else 'application name containing "Jamf Connect"')
    typer.echo("")
    typer.echo(EXPLANATION)


def _print_triage(result: Triage, *, filtered_by: str) -> None:
    from profilegen.azure.classify import CATEGORIES, WRONG_PASSWORD

    total = sum(result.summary.values())
    typer.echo(f"{result.rows_read} sign-ins read, {total} from Jamf Connect ({filtered_by}).")
    shown = [c for c in CATEGORIES if result.summary[c]]
    if not shown:
        return
    width = max([len("user"), *(len(u) for u in result.users)])
    typer.echo("  " + "user".ljust(width) + "".join(f"  {c}" for c in shown))
    for user, counts in result.user_counts():
        mark = "! " if counts[WRONG_PASSWORD] else "  "
        typer.echo(mark + user.ljust(width) + "".join(f"  {str(counts[c]).rjust(len(c))}" for c in shown))
    typer.echo("  " + "total".ljust(width) + "".join(f"  {str(result.summary[c]).rjust(len(c))}" for c in shown))
    wrong = result.wrong_password_users()
    if wrong:
        typer.echo(f"! real wrong passwords (wrong_password, e.g. AADSTS50126) for: {', '.join(wrong)}")


azure_app = typer.Typer(help="Entra ID app registration helpers.", no_args_is_help=True)
app.add_typer(azure_app, name="azure")


@azure_app.command("blueprint")
def azure_blueprint(
    out: Annotated[Optional[Path], typer.Option("--out", help="Directory for the files (created if missing).", file_okay=False)] = None,
    api_name: Annotated[str, typer.Option("--api-name", help="Display name of the private API app.")] = "Jamf Connect - Conditional Access Policy API",
    app_name: Annotated[str, typer.Option("--app-name", help="Display name of the public OIDC app.")] = "Jamf Connect - OIDC Endpoint",
    admin_role: Annotated[str, typer.Option("--admin-role", help="App role value for local administrators.")] = "Admin",
    standard_role: Annotated[str, typer.Option("--standard-role", help="App role value for standard users.")] = "Standard",
    force: ForceOpt = False,
) -> None:
    """Write the two app registrations (Graph JSON), an az script and a portal checklist."""
    from profilegen.azure.blueprint import BlueprintNames, render_blueprint
    from profilegen.errors import InputError
    from profilegen.writer import write_files

    if out is None:
        raise InputError("--out: required; give a directory for the blueprint files")
    names = BlueprintNames(api_name=api_name, app_name=app_name, admin_role=admin_role, standard_role=standard_role)
    for path in write_files(out, render_blueprint(names), force=force):
        if path.suffix == ".sh":
            path.chmod(0o755)
        typer.echo(f"wrote {path}", err=True)
