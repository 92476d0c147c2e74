"""Typer command line. Parses options, calls one core function per command, reports, and maps
the ProfilegenError family to exit codes. Heavy modules are imported inside the commands so
that ``profilegen --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


class RulesFormat(str, Enum):
    text = "text"
    markdown = "markdown"


@app.command()
def rules(
    fmt: Annotated[RulesFormat, typer.Option("--format", help="text, or markdown (the README table).")] = RulesFormat.text,
) -> None:
    """List every validate rule with its code, severity and reason."""
    from profilegen.report import rules_markdown, rules_text
    from profilegen.rules import load_all

    registry = list(load_all().values())
    typer.echo(rules_markdown(registry) if fmt is RulesFormat.markdown else rules_text(registry), nl=False)


# ---- variants and diff (issue 4) ----


@app.command()
def variants(
    file: Annotated[Path, typer.Argument(help="Generate config plus a variants: list.", dir_okay=False)],
    out: Annotated[Optional[Path], typer.Option("--out", help="Output directory (created if missing).")] = None,
    component: ComponentOpt = ComponentChoice.both,
    payload_style: StyleOpt = StyleChoice.mcx,
    fmt: FormatOpt = FormatChoice.mobileconfig,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="Only this variant, by name or slug (repeatable).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if --out differs from what would be generated.")] = False,
    force: ForceOpt = False,
    keep_going: Annotated[bool, typer.Option("--keep-going", help="Write the good variants even if some fail (exit code stays 2).")] = False,
) -> None:
    """Write one set of profiles per department or site, from one base config."""
    try:
        _variants(file, out, component, payload_style, fmt, only or [], check=check, force=force, keep_going=keep_going)
    except ProfilegenError as exc:
        _fail(exc.problems, exc.exit_code)


def _variants(
    file: Path,
    out: Optional[Path],
    component: ComponentChoice,
    payload_style: StyleChoice,
    fmt: FormatChoice,
    only: list[str],
    *,
    check: bool,
    force: bool,
    keep_going: bool,
) -> None:
    from profilegen.errors import InputError
    from profilegen.generate import COMPONENTS
    from profilegen.manifest import check_dir, plan, write_plan
    from profilegen.variants import load_variant_file, render_variants, select

    if out is None:
        raise InputError("--out: required; give the directory for the profiles and manifest.json")
    if str(out) == "-":
        raise InputError("--out -: variants writes several files and manifest.json; give a directory")
    vf = load_variant_file(file)
    chosen = select(vf, only)
    with _progress(len(chosen)) as tick:
        outcomes = render_variants(
            vf, chosen, components=COMPONENTS[component.value], style=payload_style.value, fmt=fmt.value, on_done=tick
        )
    for warning in (w for o in outcomes for w in o.warnings):
        typer.echo(f"profilegen: warning: {warning}", err=True)
    failed = [o for o in outcomes if not o.ok]
    problems = tuple(p for o in failed for p in o.problems)
    if failed and (check or not keep_going):
        raise InputError(*problems, f"{len(failed)} of {len(outcomes)} variants failed; nothing written")
    if not any(o.ok for o in outcomes):
        raise InputError(*problems, f"all {len(outcomes)} variants failed; nothing written")
    files = plan(vf, outcomes, out_dir=out, partial=bool(only))
    if check:
        drift = check_dir(out, files, complete=not only)
        for line in drift.lines(out):
            typer.echo(line)
        bad = len(drift.missing) + len(drift.extra) + len(drift.changed)
        typer.echo(f"{len(outcomes)} variants, {drift.unchanged} files up to date, {bad} drifted", err=True)
        raise typer.Exit(0 if drift.clean else 1)
    written, unchanged = write_plan(out, files, force=force)
    typer.echo(f"{len(outcomes)} variants, {len(written)} files written, {unchanged} unchanged", err=True)
    if failed:
        _fail((*problems, f"{len(failed)} of {len(outcomes)} variants failed; the others were written"), 2)


@contextmanager
def _progress(total: int) -> Iterator[Optional[Callable[[object], None]]]:
    """A rich progress bar on stderr, only for a person watching a long run."""
    if total <= 20 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("variants", total=total)
        yield lambda _outcome: bar.advance(task)


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="First profile (any shape: mcx, direct, bare, binary, signed), or -.")],
    b: Annotated[str, typer.Argument(help="Second profile, or -.")],
    ignore_payload_ids: Annotated[
        bool, typer.Option("--ignore-payload-ids", help="Leave out PayloadIdentifier and PayloadUUID differences.")
    ] = False,
) -> None:
    """Key-level differences between two profiles; exit 0 same, 1 different."""
    from profilegen.diff import diff_bytes
    from profilegen.errors import InputError
    from profilegen.findings import Finding
    from profilegen.validate import read_input

    try:
        if a == "-" and b == "-":
            raise InputError("diff: only one side can be - (stdin)")
        stdin = sys.stdin.buffer.read() if "-" in (a, b) else None
        sides = [read_input(path, stdin) for path in (a, b)]
        unreadable = [f"{p}: unreadable: {d.code} {d.message}" for p, d in zip((a, b), sides) if isinstance(d, Finding)]
        if unreadable:
            raise InputError(*unreadable)
        names = ["<stdin>" if p == "-" else p for p in (a, b)]
        left, right = (d for d in sides if isinstance(d, bytes))
        changes = diff_bytes(left, right, name_a=names[0], name_b=names[1], ignore_payload_ids=ignore_payload_ids)
    except ProfilegenError as exc:
        _fail(exc.problems, exc.exit_code)
    for change in changes:
        typer.echo(change.line())
    raise typer.Exit(1 if changes else 0)


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
# Thin: parse, call profilegen.azure (imported inside each command to keep --help fast), report.
from profilegen.azure import (
    DEFAULT_ADMIN_ROLE,
    DEFAULT_API_NAME,
    DEFAULT_APP_NAME,
    DEFAULT_STANDARD_ROLE,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


OutputFormatOpt = Annotated[OutputFormat, typer.Option("--format", help="text for people, json for scripts.")]


@app.command("ropg-check")
def ropg_check(
    username: Annotated[Optional[str], typer.Option("--username", help="User to check (UPN).")] = None,
    tenant: Annotated[Optional[str], typer.Option("--tenant", help="Tenant GUID or verified domain.")] = None,
    ropg_client_id: Annotated[Optional[str], typer.Option("--ropg-client-id", help="Client ID for ROPG (the public app).")] = None,
    ropg_discovery_url: Annotated[Optional[str], typer.Option("--ropg-discovery-url", help="Default: the tenant's v2.0 discovery document.")] = None,
    ropg_scopes: Annotated[Optional[str], typer.Option("--ropg-scopes", help="'+' or space separated (default: generate's ROPGScopes).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin's first line.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, max=120.0, help="Seconds per request.")] = 15.0,
    allow_http_loopback: Annotated[bool, typer.Option("--allow-http-loopback", help="Allow http://127.0.0.1:<port> (tests).")] = False,
    fmt: OutputFormatOpt = OutputFormat.text,
    config: ConfigOpt = None,
) -> None:
    """Check a password with ROPG as Jamf Connect does; exit 0 verified, 1 wrong, 3 other, 2 usage.

    The password comes from a hidden prompt, PROFILEGEN_PASSWORD or --password-stdin."""
    import getpass

    from profilegen.azure.inputs import read_password, ropg_request
    from profilegen.azure.report import ropg_exit_code, verdict_json, verdict_text
    from profilegen.azure.ropg import check_password

    request = ropg_request(config=config, username=username, tenant=tenant, client_id=ropg_client_id, discovery_url=ropg_discovery_url,
                           scopes=ropg_scopes, timeout=timeout, allow_http_loopback=allow_http_loopback)
    password = read_password(password_stdin=password_stdin, environ=os.environ, read_stdin=sys.stdin.read,
                             prompt=lambda: getpass.getpass("Password: ", stream=sys.stderr))
    verdict = check_password(request, password)
    typer.echo(verdict_json(verdict) if fmt is OutputFormat.json else verdict_text(verdict))
    raise typer.Exit(ropg_exit_code(verdict))


@app.command("signins")
def signins(
    files: Annotated[list[Path], typer.Argument(help="Exported sign-in logs: Graph/portal JSON or portal CSV.")],
    app_id: Annotated[Optional[list[str]], typer.Option("--app-id", help="Jamf Connect client ID (repeatable).")] = None,
    fmt: OutputFormatOpt = OutputFormat.text,
    config: ConfigOpt = None,
) -> None:
    """Triage exported sign-in logs per user: MFA noise vs. real wrong passwords. Exit 0 read, 2 unreadable."""
    from profilegen.azure.inputs import signin_app_ids
    from profilegen.azure.report import triage_json, triage_text
    from profilegen.azure.signins import JamfFilter, iter_jamf_signins, triage_files

    jamf = JamfFilter.of(signin_app_ids(app_id or [], config))
    result = triage_files(files, jamf)  # one pass for the counts; raises for unreadable files
    if fmt is OutputFormat.text:
        typer.echo(triage_text(result, jamf), nl=False)
        return
    for chunk in triage_json(result, iter_jamf_signins(files, jamf)):  # second pass streams the rows
        sys.stdout.write(chunk)


azure_app = typer.Typer(help="Entra ID app registration helpers.", no_args_is_help=True)
app.add_typer(azure_app, name="azure")


@azure_app.command("blueprint")
def azure_blueprint(
    out: Annotated[Path, typer.Option("--out", help="Directory for the files (created if missing).", file_okay=False)],
    api_name: Annotated[str, typer.Option("--api-name", help="Display name of the private API app.")] = DEFAULT_API_NAME,
    app_name: Annotated[str, typer.Option("--app-name", help="Display name of the public OIDC app.")] = DEFAULT_APP_NAME,
    admin_role: Annotated[str, typer.Option("--admin-role", help="App role value for local admins.")] = DEFAULT_ADMIN_ROLE,
    standard_role: Annotated[str, typer.Option("--standard-role", help="App role value for standard users.")] = DEFAULT_STANDARD_ROLE,
    force: ForceOpt = False,
) -> None:
    """Write the two app registrations (Graph JSON), an az script and a portal checklist."""
    from profilegen.azure.blueprint import BlueprintNames, render_blueprint
    from profilegen.writer import write_files

    names = BlueprintNames(api_name=api_name, app_name=app_name, admin_role=admin_role, standard_role=standard_role)
    for path in write_files(out, render_blueprint(names), force=force):
        path.chmod(0o755 if path.suffix == ".sh" else 0o644)
        typer.echo(f"wrote {path}", err=True)
