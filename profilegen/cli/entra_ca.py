"""`profilegen azure ca-check` (issue 17): does the tenant's Conditional Access fit the profile's design?

Thin: read the policies (a file, stdin, a directory, or Graph), the Jamf Connect side (profiles or
options), call profilegen.entra.ca, print. Exit 0 fits, 1 a policy contradicts the design
(report-only ones too with --strict), 2 bad input, 3 Graph cannot be reached or refuses.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from profilegen.cli.app import ReportFormat, ReportFormatOpt, echo
from profilegen.cli.entra import azure_app
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
    graph_token,
    make_graph,
)

if TYPE_CHECKING:
    from profilegen.entra.graph import Graph


class Design(str, Enum):
    """The names generate and blueprint use, and the letters PG420 and the report use (docs/cli.md)."""

    scoped_policy = "scoped-policy"
    excluded_api = "excluded-api"
    no_custom_scope = "no-custom-scope"
    A = "A"
    B = "B"
    D = "D"


DESIGN_LETTER = {"scoped-policy": "A", "excluded-api": "B", "no-custom-scope": "D", "A": "A", "B": "B", "D": "D"}


class BaselineChoice(str, Enum):
    enforced = "enforced"
    legacy = "legacy"


def read_profiles(paths: list[Path]) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
    """(login prefs, menu bar prefs, where) from the --profile files, any shape validate reads."""
    from profilegen.core.errors import InputError, read_problem
    from profilegen.core.text import one_line
    from profilegen.profile.read import MAX_BYTES, read_document

    found: dict[str, tuple[dict[str, Any], str]] = {}
    for path in paths:
        where = one_line(str(path))
        try:
            with path.open("rb") as raw:
                data = raw.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(read_problem(exc, where=f"--profile: {where}", wanted="a Jamf Connect profile or plist")) from None
        if len(data) > MAX_BYTES:
            raise InputError(f"--profile: {where}: over {MAX_BYTES >> 20} MiB; give a Jamf Connect profile or plist")
        doc, findings = read_document(data, path.name)
        if doc is None:
            why = findings[0].message if findings else "not a property list"
            raise InputError(f"--profile: {where}: {one_line(why)}; give a Jamf Connect profile or plist")
        for settings in doc.settings:
            if settings.component in ("login", "menubar"):
                if settings.component in found:
                    raise InputError(f"--profile: {where}: a second {settings.domain} payload (the first is in "
                                     f"{found[settings.component][1]}); give one login window and one menu bar profile")
                found[settings.component] = (dict(settings.data), where)
        if not any(s.component in ("login", "menubar") for s in doc.settings):
            raise InputError(f"--profile: {where}: no Jamf Connect login window or menu bar settings found")
    login = found.get("login")
    menubar = found.get("menubar")
    where = (login or menubar or ({}, "--profile"))[1]
    return (login[0] if login else None), (menubar[0] if menubar else None), where


def graph_policies(graph: Graph, *, token_stdin: bool, tenant: str | None, graph_client_id: str | None) -> list[Any]:
    """The tenant's policies from GET /v1.0/identity/conditionalAccess/policies, every page."""
    from profilegen.core.errors import ProfilegenError, ServiceError
    from profilegen.entra.capolicies import MAX_POLICIES, to_policy
    from profilegen.entra.graph import POLICIES, get_pages

    token = graph_token(graph, token_stdin=token_stdin, tenant=tenant, graph_client_id=graph_client_id, stdin=sys.stdin.buffer)
    out = []
    for i, item in enumerate(get_pages(graph, POLICIES, token, what="Graph conditionalAccess/policies", max_items=MAX_POLICIES)):
        try:
            out.append(to_policy(item, f"Graph policy {i + 1}"))
        except ProfilegenError as exc:  # a policy Graph sent that profilegen cannot read: the server's answer, exit 3
            raise ServiceError(*exc.problems) from None
    return out


@azure_app.command("ca-check")
def ca_check(
    policies: Annotated[Optional[Path], typer.Option("--policies", help="Policies as Graph returns them (file, directory of *.json, or - for stdin).")] = None,
    profile: Annotated[Optional[list[Path]], typer.Option("--profile", help="Login window and/or menu bar profile (repeatable); design and client IDs are read from it.", dir_okay=False)] = None,
    ca_design: Annotated[Optional[Design], typer.Option("--ca-design", help="Without --profile: scoped-policy (A), excluded-api (B) or no-custom-scope (D), by name or letter.")] = None,
    client_id: Annotated[Optional[str], typer.Option("--client-id", help="Jamf Connect OIDC app's client ID (overrides the profile's OIDCClientID).")] = None,
    ropg_client_id: Annotated[Optional[str], typer.Option("--ropg-client-id", help="ROPG client ID (default: OIDCROPGID, else --client-id).")] = None,
    api_app_id: Annotated[Optional[str], typer.Option("--api-app-id", help="Private API app's client ID (default: from api://<ID>/... in the scopes).")] = None,
    baseline_scopes: Annotated[BaselineChoice, typer.Option("--baseline-scopes", help="Microsoft's 2026 baseline-scope enforcement: enforced (default) or legacy (tenant disabled it).")] = BaselineChoice.enforced,
    graph: Annotated[bool, typer.Option("--graph", help="Read the policies live from Graph (Policy.Read.All) instead of --policies.")] = False,
    token_stdin: TokenStdinOpt = False,
    tenant: TenantOpt = None,
    graph_client_id: GraphClientOpt = None,
    graph_url: GraphUrlOpt = DEFAULT_GRAPH_URL,
    login_url: LoginUrlOpt = DEFAULT_LOGIN_URL,
    allow_http_loopback: LoopbackOpt = False,
    timeout: TimeoutOpt = 30.0,
    ca_file: CaFileOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 also when only report-only policies would contradict the design.")] = False,
    fmt: ReportFormatOpt = ReportFormat.text,
) -> None:
    """Check Conditional Access policies against the profile's design; exit 0 fits, 1 contradicts, 2 bad input, 3 Graph."""
    from profilegen.core.errors import InputError
    from profilegen.core.text import json_safe
    from profilegen.entra import ca
    from profilegen.entra.capolicies import read_policies, unique
    from profilegen.entra.careport import problem_lines, render_json, render_text
    from profilegen.entra.casetup import build_setup

    login, menubar, where = read_profiles(profile or [])
    setup = build_setup(login=login, menubar=menubar, where=where, design_letter=DESIGN_LETTER[ca_design.value] if ca_design else None,
                        client_id=client_id, ropg_client_id=ropg_client_id, api_app_id=api_app_id,
                        baseline=baseline_scopes.value)
    if graph:
        if policies is not None:
            raise InputError("--graph: give either --policies or --graph, not both")
        endpoint = make_graph(graph_url=graph_url, login_url=login_url, allow_http_loopback=allow_http_loopback,
                              timeout=timeout, ca_file=ca_file)
        found = graph_policies(endpoint, token_stdin=token_stdin, tenant=tenant, graph_client_id=graph_client_id)
    elif policies is None:
        raise InputError("--policies: required; give the policies' JSON (file, directory or -), or use --graph")
    else:
        if token_stdin or tenant or graph_client_id or ca_file:
            given = next(o for o, v in (("--token-stdin", token_stdin), ("--tenant", tenant), ("--graph-client-id", graph_client_id),
                                     ("--ca-file", ca_file)) if v)
            raise InputError(f"{given}: only with --graph; add --graph or drop {given}")
        found = read_policies(policies, stdin=sys.stdin.buffer)
    found, notes = unique(found)
    for note in notes[:20]:
        echo(f"profilegen: note: {note}", err=True)
    outcome = ca.check(found, setup)
    if fmt is ReportFormat.json:
        sys.stdout.write(json_safe(render_json(outcome)))
    else:
        echo(render_text(outcome), nl=False)
    code = outcome.exit_code(strict=strict)
    if outcome.fits and outcome.report_only_problems:
        echo(f"profilegen: warning: report-only policies would contradict the design once enabled"
             f"{'' if strict else ' (exit 1 with --strict)'}", err=True)
    if not outcome.fits and fmt is ReportFormat.json:
        for line in problem_lines(outcome)[:5]:
            echo(f"profilegen: {line}", err=True)
    raise typer.Exit(code)
