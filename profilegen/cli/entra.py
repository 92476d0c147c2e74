"""Entra ID commands (issue 5): ropg-check, signins, azure blueprint."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from profilegen.cli.app import (
    CaDesign,
    ConfigOpt,
    ForceOpt,
    ReportFormat,
    ReportFormatOpt,
    app,
    echo,
    echo_line,
)

from profilegen.cli.graph_inputs import (
    DEFAULT_GRAPH_URL,
    DEFAULT_LOGIN_URL,
    CaFileOpt,
    GraphClientOpt,
    GraphUrlOpt,
    LoginUrlOpt,
    LoopbackOpt,
    TenantOpt,
    TimeoutOpt,
    TokenStdinOpt,
)

# Thin: parse, call profilegen.entra (imported inside each command to keep --help fast), report.
from profilegen.entra import (
    DEFAULT_ADMIN_ROLE,
    DEFAULT_API_NAME,
    DEFAULT_APP_NAME,
    DEFAULT_STANDARD_ROLE,
)


class SigninFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    html = "html"


if TYPE_CHECKING:
    from profilegen.entra.daily import Daily


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@app.command("ropg-check")
def ropg_check(
    username: Annotated[Optional[str], typer.Option("--username", help="User to check (UPN).  [required]")] = None,
    tenant: Annotated[Optional[str], typer.Option("--tenant", help="Tenant GUID or verified domain.  [required unless --config sets it]")] = None,
    ropg_client_id: Annotated[Optional[str], typer.Option("--ropg-client-id", "--client-id", help="Client ID for ROPG (the public app).  [required unless --config sets it]")] = None,
    ropg_discovery_url: Annotated[Optional[str], typer.Option("--ropg-discovery-url", help="Default: the tenant's v2.0 discovery document.")] = None,
    ropg_scopes: Annotated[Optional[str], typer.Option("--ropg-scopes", help="'+' or space separated (default: generate's ROPGScopes).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin's first line.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, max=120.0, help="Seconds per request.")] = 15.0,
    ca_file: Annotated[Optional[Path], typer.Option("--ca-file", help="PEM file of CA certificates to trust beside the system's (a TLS-inspecting proxy, AD FS).")] = None,
    allow_http_loopback: Annotated[bool, typer.Option("--allow-http-loopback", help="Allow http://127.0.0.1:<port> (tests).")] = False,
    fmt: ReportFormatOpt = ReportFormat.text,
    config: ConfigOpt = None,
) -> None:
    """Check a password with ROPG as Jamf Connect does; exit 0 verified, 1 wrong, 3 other, 2 usage.

    The password comes from a hidden prompt, PROFILEGEN_PASSWORD or --password-stdin."""
    import getpass

    from profilegen.cli.entra_inputs import read_password, ropg_request
    from profilegen.core.errors import InputError
    from profilegen.entra.report import ropg_exit_code, verdict_json, verdict_text
    from profilegen.core.transport import trust_ca_file
    from profilegen.entra.ropg import check_password

    trust_ca_file(ca_file)  # before the password is asked for: a bad file is a usage error
    request = ropg_request(config=config, username=username, tenant=tenant, client_id=ropg_client_id, discovery_url=ropg_discovery_url,
                           scopes=ropg_scopes, timeout=timeout, allow_http_loopback=allow_http_loopback)
    def prompt() -> str:
        # getpass falls back to reading a piped stdin with a warning that the password may be
        # echoed; refuse that and point to the explicit option instead.
        if not stdin_is_terminal():
            raise InputError("password: stdin is not a terminal; pipe the password with --password-stdin or set PROFILEGEN_PASSWORD")
        return getpass.getpass("Password: ", stream=sys.stderr)

    def first_line() -> str:
        from profilegen.core.stdin import secret_line

        return secret_line(sys.stdin.buffer).decode("utf-8")

    password = read_password(password_stdin=password_stdin, environ=os.environ, read_stdin=first_line, prompt=prompt)
    verdict = check_password(request, password)
    echo(verdict_json(verdict) if fmt is ReportFormat.json else verdict_text(verdict))
    raise typer.Exit(ropg_exit_code(verdict))


@app.command("signins")
def signins(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Exported sign-in logs: Graph/portal JSON or portal CSV, or - for stdin.")] = None,
    app_id: Annotated[Optional[list[str]], typer.Option("--client-id", "--app-id", help="Jamf Connect's Entra client ID (repeatable; default: the client IDs in --config).")] = None,
    fmt: Annotated[SigninFormat, typer.Option("--format", help="text for people, json for scripts, csv (per day and user) for Excel, html (a chart) for the security team.")] = SigninFormat.text,
    config: ConfigOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", help="With --format csv or html: write to this file (atomically) instead of stdout.", dir_okay=False)] = None,
    force: ForceOpt = False,
    change_date: Annotated[Optional[str], typer.Option("--change-date", help="With --format csv or html: YYYY-MM-DD of a change (e.g. a new Conditional Access design); counts before and after it.")] = None,
    graph: Annotated[bool, typer.Option("--graph", help="Read the sign-in log live from Graph (AuditLog.Read.All) instead of files.")] = False,
    since: Annotated[str, typer.Option("--since", help="With --graph: 24h, 7d, 2026-11-20 or 2026-11-20T08:00:00Z (at most 30 days).")] = "24h",
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, max=1_000_000, help="With --graph: stop with an error beyond this many sign-ins.")] = 100_000,
    token_stdin: TokenStdinOpt = False,
    tenant: TenantOpt = None,
    graph_client_id: GraphClientOpt = None,
    graph_url: GraphUrlOpt = DEFAULT_GRAPH_URL,
    login_url: LoginUrlOpt = DEFAULT_LOGIN_URL,
    allow_http_loopback: LoopbackOpt = False,
    timeout: TimeoutOpt = 30.0,
    ca_file: CaFileOpt = None,
) -> None:
    """Triage sign-in logs (exports, or Graph with --graph) per user: MFA noise vs. real wrong passwords. Exit 0 read, 2 unreadable, 3 Graph."""
    from profilegen.cli.entra_inputs import signin_app_ids
    from profilegen.core.errors import InputError
    from profilegen.entra.report import triage_json, triage_notes, triage_text
    from profilegen.entra.rowspool import RowSpool
    from profilegen.entra.signins import JamfFilter, triage_files, triage_records

    app_ids = signin_app_ids(app_id or [], config)
    jamf = JamfFilter.of(app_ids)
    if graph and files:
        raise InputError("--graph: give either export files or --graph, not both")
    if not graph and not files:
        raise InputError("FILE: missing; give one or more exported sign-in logs (or - for stdin), or use --graph")
    if not graph and (token_stdin or tenant or graph_client_id or ca_file):
        given = next(o for o, v in (("--token-stdin", token_stdin), ("--tenant", tenant), ("--graph-client-id", graph_client_id),
                                 ("--ca-file", ca_file)) if v)
        raise InputError(f"{given}: only with --graph; add --graph or drop {given}")
    daily = None
    change: Optional[str] = None
    if fmt in (SigninFormat.csv, SigninFormat.html):
        from profilegen.entra.daily import Daily, parse_change_date

        change = parse_change_date(change_date)
        daily = Daily()
    elif output is not None or change_date is not None:
        given = "--output" if output is not None else "--change-date"
        raise InputError(f"{given}: only with --format csv or --format html; add one of them or drop {given}")
    with RowSpool() as spool:
        keep = spool.add if fmt is SigninFormat.json else daily.add if daily is not None else None
        if graph:
            from profilegen.cli.graph_inputs import graph_signin_records

            records = graph_signin_records(app_ids, since=since, max_rows=max_rows, token_stdin=token_stdin, tenant=tenant,
                                           graph_client_id=graph_client_id, graph_url=graph_url, login_url=login_url,
                                           allow_http_loopback=allow_http_loopback, timeout=timeout, ca_file=ca_file)
            result = triage_records(records, jamf, keep)
        else:
            # One pass over each file (so /dev/stdin works); the JSON rows wait in a temporary
            # file, not in memory. Raises for unreadable files.
            result = triage_files(files or [], jamf, keep, stdin=sys.stdin.buffer)
        for line in triage_notes(result, jamf):
            echo_line(f"profilegen: {line}", err=True)
        if fmt is SigninFormat.text:
            echo(triage_text(result, jamf), nl=False)
            return
        if daily is not None:
            write_daily(daily, change, fmt, output, force=force)
            return
        for chunk in triage_json(result, spool.rows()):
            sys.stdout.write(chunk)


def write_daily(daily: Daily, change: str | None, fmt: SigninFormat, output: Optional[Path], *, force: bool) -> None:
    from profilegen.entra.daily import daily_csv, daily_html

    text = daily_csv(daily, change) if fmt is SigninFormat.csv else daily_html(daily, change)
    # A BOM for the CSV: Excel reads a UTF-8 CSV without one as the local code page and garbles
    # non-ASCII names. A name with a lone surrogate (an undecodable byte) is written escaped.
    data = text.encode("utf-8-sig" if fmt is SigninFormat.csv else "utf-8", errors="backslashreplace")
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from profilegen.core.writer import write_files

    target = write_files(output.parent, [(output.name, data)], force=force, option="--output")[0]
    echo_line(f"wrote {target}", err=True)


azure_app = typer.Typer(help="Entra ID app registration helpers.", no_args_is_help=True)
app.add_typer(azure_app, name="azure")


@azure_app.command("blueprint")
def azure_blueprint(
    out: Annotated[Path, typer.Option("--out", help="Directory for the files (created if missing).", file_okay=False)],
    api_name: Annotated[str, typer.Option("--api-name", help="Display name of the private API app.")] = DEFAULT_API_NAME,
    app_name: Annotated[str, typer.Option("--app-name", help="Display name of the public OIDC app.")] = DEFAULT_APP_NAME,
    admin_role: Annotated[str, typer.Option("--admin-role", help="App role value for local admins.")] = DEFAULT_ADMIN_ROLE,
    standard_role: Annotated[str, typer.Option("--standard-role", help="App role value for standard users.")] = DEFAULT_STANDARD_ROLE,
    ca_design: Annotated[CaDesign, typer.Option("--ca-design", help="Conditional Access design the checklist sets up: scoped-policy or excluded-api.")] = CaDesign.scoped_policy,
    fido2_promotion: Annotated[
        bool, typer.Option("--fido2-promotion", help="Also register jamfconnect://loggedin (VerifyUserPromotionFIDO2: passkey before elevation).")
    ] = False,
    unlock: Annotated[bool, typer.Option("--unlock", help="Also register jamfunlock://callback/auth (Jamf Unlock).")] = False,
    force: ForceOpt = False,
) -> None:
    """Write the two app registrations (Graph JSON), an az script and a portal checklist."""
    from profilegen.core.writer import write_files
    from profilegen.entra.blueprint import BlueprintNames, render_blueprint

    names = BlueprintNames(
        api_name=api_name, app_name=app_name, admin_role=admin_role, standard_role=standard_role,
        fido2_promotion=fido2_promotion, unlock=unlock,
    )
    for path in write_files(out, render_blueprint(names, ca_design.value), force=force):
        path.chmod(0o755 if path.suffix == ".sh" else 0o644)
        echo_line(f"wrote {path}", err=True)
