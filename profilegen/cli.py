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
from typer.core import TyperGroup

from profilegen import __version__
from profilegen.errors import ProfilegenError

class _Group(TyperGroup):
    """Turns the ProfilegenError family into one stderr line per problem and its exit code,
    for the console script and for CliRunner alike."""

    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except ProfilegenError as exc:
            for line in exc.problems:
                typer.echo(f"profilegen: {line}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    name="profilegen",
    cls=_Group,
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


class DomainChoice(str, Enum):
    login = "login"
    menubar = "menubar"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (searched for *.mobileconfig, *.plist) or - for stdin.")],
    domain: Annotated[Optional[DomainChoice], typer.Option("--domain", help="Domain of bare preference plists.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="text or json.")] = ReportFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
) -> None:
    """Check existing profiles: structure, every Jamf Connect key, Entra ID and security rules."""
    from profilegen.report import as_json, as_text, summary
    from profilegen.validate import validate_paths

    stdin = sys.stdin.buffer.read() if "-" in paths else None
    results = validate_paths(paths, domain=domain.value if domain else None, stdin=stdin)
    typer.echo(as_json(results) if fmt is ReportFormat.json else as_text(results), nl=False)
    counts = summary(results)
    if counts["errors"] or (strict and counts["warnings"]):
        raise typer.Exit(1)


@app.command()
def rules(
    fmt: Annotated[str, typer.Option("--format", help="text or markdown (the README table).")] = "text",
) -> None:
    """List every validate rule with its code, severity and reason."""
    from profilegen.errors import InputError
    from profilegen.report import rules_markdown, rules_text
    from profilegen.rules import load_all

    if fmt not in ("text", "markdown"):
        raise InputError(f"--format: {fmt!r} is not text or markdown")
    registry = list(load_all().values())
    typer.echo(rules_markdown(registry) if fmt == "markdown" else rules_text(registry), nl=False)


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
