"""The Graph options that ca-check and signins share: where Graph is and how to get a token.

Two ways to a token, both through stdin so that no secret is ever an argument (a process list
shows arguments): ``--token-stdin`` (a bearer token, e.g. from
``az account get-access-token --resource-type ms-graph --query accessToken -o tsv``), or client
credentials: ``--tenant`` and ``--graph-client-id`` with the app's client secret on stdin.

Why ``--graph-client-id`` and not ``--client-id``: in ca-check, ``--client-id`` already names the
Jamf Connect OIDC app whose sign-ins are evaluated; the app that reads Graph is a different
registration (it needs Policy.Read.All / AuditLog.Read.All), and one option must not mean two apps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Optional

import typer

from profilegen.core.errors import InputError
from profilegen.core.text import shown

if TYPE_CHECKING:
    from pydantic import SecretStr

    from profilegen.entra.graph import Graph

TokenStdinOpt = Annotated[bool, typer.Option("--token-stdin", help="Read a Graph bearer token from stdin's first line.")]
TenantOpt = Annotated[Optional[str], typer.Option("--tenant", help="Tenant for client credentials (GUID or verified domain).")]
GraphClientOpt = Annotated[Optional[str], typer.Option("--graph-client-id", help="App that reads Graph (client credentials; secret on stdin).")]
GraphUrlOpt = Annotated[str, typer.Option("--graph-url", help="Graph endpoint (national clouds: https://graph.microsoft.us, ...).")]
LoginUrlOpt = Annotated[str, typer.Option("--login-url", help="Entra login host for client credentials.")]
LoopbackOpt = Annotated[bool, typer.Option("--allow-http-loopback", help="Allow http://127.0.0.1:<port> (tests).")]
CaFileOpt = Annotated[Optional[Path], typer.Option("--ca-file", help="PEM file of CA certificates to trust beside the system's (a TLS-inspecting proxy).", dir_okay=False)]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=0.1, max=300.0, help="Seconds per Graph request.")]
DEFAULT_GRAPH_URL = "https://graph.microsoft.com"  # profilegen.entra.graph.GRAPH_URL (not imported: --help stays fast)
DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"
MAX_SECRET = 64 << 10


def read_stdin_line(stdin: IO[bytes], what: str) -> SecretStr:
    """The first line of stdin as a secret; InputError (never showing it) when empty or not text."""
    from pydantic import SecretStr

    raw = stdin.read(MAX_SECRET + 1)
    if len(raw) > MAX_SECRET:
        raise InputError(f"{what}: stdin holds more than {MAX_SECRET >> 10} KiB; pipe only the token or secret")
    try:
        line = raw.decode("utf-8").removeprefix("\ufeff").split("\n", 1)[0].strip()
    except UnicodeDecodeError:
        raise InputError(f"{what}: stdin is not UTF-8 text; pipe the token or secret as text") from None
    if not line:
        raise InputError(f"{what}: stdin is empty; pipe the {'token' if 'token' in what else 'client secret'} into profilegen")
    if not line.isprintable() or not line.isascii():
        raise InputError(f"{what}: the first line of stdin holds characters no token or secret has; pipe it as plain text")
    return SecretStr(line)


def graph_token(graph: Graph, *, token_stdin: bool, tenant: str | None, graph_client_id: str | None, stdin: IO[bytes]) -> SecretStr:
    """The bearer token: from stdin, or from the client credentials grant (secret on stdin)."""
    from profilegen.entra import facts
    from profilegen.entra.graph import client_credentials_token

    graph.check()
    if token_stdin:
        if tenant or graph_client_id:
            raise InputError("--token-stdin: give either a token or --tenant with --graph-client-id, not both")
        return read_stdin_line(stdin, "--token-stdin")
    if not tenant or not graph_client_id:
        missing = "--tenant" if not tenant else "--graph-client-id"
        raise InputError(f"{missing}: required with --graph unless --token-stdin; give --tenant and --graph-client-id "
                         "(client secret on stdin) or pipe a token to --token-stdin")
    tenant = tenant.strip()
    if (problem := facts.tenant_problem(tenant)) or tenant.lower() == facts.ORGANIZATIONS:
        raise InputError(f"--tenant: {problem or 'client credentials need your own tenant, not organizations'}")
    if not facts.is_client_id(graph_client_id.strip()):
        raise InputError(f"--graph-client-id: {shown(graph_client_id)} is not a client ID GUID; copy the reading app's Application (client) ID")
    secret = read_stdin_line(stdin, "client secret (stdin)")
    return client_credentials_token(graph, tenant, graph_client_id.strip(), secret)


def make_graph(*, graph_url: str, login_url: str, allow_http_loopback: bool, timeout: float, ca_file: Path | None) -> Graph:
    """The Graph endpoint of this run; retries are reported on stderr."""
    from profilegen.cli.app import echo
    from profilegen.core.transport import trust_ca_file
    from profilegen.entra.graph import Graph

    trust_ca_file(ca_file)
    graph = Graph(graph_url, login_url, timeout, allow_http_loopback, log=lambda line: echo(f"profilegen: {line}", err=True))
    graph.check()
    return graph


def graph_signin_records(app_ids: list[str], *, since: str, max_rows: int, token_stdin: bool, tenant: str | None,
                         graph_client_id: str | None, graph_url: str, login_url: str, allow_http_loopback: bool,
                         timeout: float, ca_file: Path | None) -> Iterator[Any]:
    """signins --graph: the Jamf Connect apps' sign-ins since ``since``, page by page (newest first)."""
    import sys
    from datetime import datetime, timezone

    from profilegen.entra import facts
    from profilegen.entra.graph import get_pages, signins_path, window_start

    if not app_ids:
        raise InputError("--client-id: required with --graph (or --config with azure.client_id); Graph is asked for "
                         "these apps' sign-ins only")
    bad = next((a for a in app_ids if not facts.is_client_id(a.strip())), None)
    if bad is not None:
        raise InputError(f"--client-id: {shown(bad)} is not a client ID GUID; copy the Application (client) ID from the app registration")
    start = window_start(since, datetime.now(timezone.utc))
    graph = make_graph(graph_url=graph_url, login_url=login_url, allow_http_loopback=allow_http_loopback,
                       timeout=timeout, ca_file=ca_file)
    token = graph_token(graph, token_stdin=token_stdin, tenant=tenant, graph_client_id=graph_client_id, stdin=sys.stdin.buffer)
    path = signins_path(sorted({a.strip().lower() for a in app_ids}), start)
    return get_pages(graph, path, token, what="Graph auditLogs/signIns", max_items=max_rows)
