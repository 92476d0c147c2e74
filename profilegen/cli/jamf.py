"""jamf push and jamf pull (issue 10): thin; the work is in profilegen.jamf (imported lazily)."""

from __future__ import annotations

import json
import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from profilegen.cli.app import ConfigOpt, ForceOpt, ReportFormat, ReportFormatOpt, app, echo, echo_line
from profilegen.core.text import json_safe

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")  # surrogateescape'd bytes of a non-UTF-8 argument

if TYPE_CHECKING:
    from profilegen.jamf.client import Session
    from profilegen.jamf.push import Result

jamf_app = typer.Typer(help="Push profiles to Jamf Pro and pull what is deployed.", no_args_is_help=True)
app.add_typer(jamf_app, name="jamf")


class Redeploy(str, Enum):
    all = "all"
    newly_assigned = "newly-assigned"


class Domain(str, Enum):
    login = "login"
    menubar = "menubar"


UrlOpt = Annotated[Optional[str], typer.Option("--url", help="https://example.jamfcloud.com.  [required unless --config sets jamf.url]")]
ClientIdOpt = Annotated[Optional[str], typer.Option("--jamf-client-id", "--client-id", help="Jamf Pro API client ID (default: $PROFILEGEN_JAMF_CLIENT_ID).")]
SecretStdinOpt = Annotated[bool, typer.Option("--password-stdin", "--secret-stdin", help="Read the client secret or password from stdin's first line.")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=0.1, max=600.0, help="Seconds per request, overall.")]
LoopbackOpt = Annotated[bool, typer.Option("--allow-http-loopback", help="Allow http://127.0.0.1:<port> (tests).")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log each request on stderr (never a secret or token).")]
CaFileOpt = Annotated[Optional[Path], typer.Option("--ca-file", help="PEM file of CA certificates to trust beside the system's (an internal CA).")]
ScaleOpt = Annotated[float, typer.Option("--backoff-scale", hidden=True, min=0.0, envvar="PROFILEGEN_JAMF_BACKOFF_SCALE",
                                         help="Multiply retry waits (tests).")]


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _stdin_line() -> str:
    """The first line of stdin, bounded and without a UTF-8 BOM (core.stdin.secret_line, as sign
    and ropg-check read it): ``yes |`` must not fill memory. UnicodeDecodeError when not UTF-8."""
    from profilegen.core.stdin import secret_line

    return secret_line(sys.stdin.buffer).decode("utf-8")


def _session(base: str, client_id: Optional[str], secret_stdin: bool, timeout: float,
             allow_http_loopback: bool, verbose: bool, scale: float, ca_file: Optional[Path]) -> Session:
    """The credentials (asked for only now, after the inputs were checked) and the session."""
    import getpass

    from profilegen.core.errors import InputError
    from profilegen.core.transport import Retry, trust_ca_file
    from profilegen.jamf.client import Connection, Session
    from profilegen.jamf.inputs import credentials

    trust_ca_file(ca_file)  # checked before the credentials are asked for

    def prompt(text: str) -> str:
        if not stdin_is_terminal():  # getpass would read a pipe and may echo it
            raise InputError("credentials: stdin is not a terminal; pipe the secret with --password-stdin or set it in the environment")
        return getpass.getpass(text, stream=sys.stderr)

    creds = credentials(client_id=client_id, environ=os.environ, secret_stdin=secret_stdin, read_stdin=_stdin_line, prompt=prompt)
    conn = Connection(base, timeout=timeout, allow_http_loopback=allow_http_loopback, retry=Retry(scale=scale))
    return Session(conn, creds, log=(lambda line: echo_line(f"profilegen: {line}", err=True)) if verbose else (lambda _: None))


@jamf_app.command("push")
def push(
    files: Annotated[list[Path], typer.Argument(help=".mobileconfig files, bare plists (with --domain) or a variants manifest.json.")],
    url: UrlOpt = None,
    client_id: ClientIdOpt = None,
    secret_stdin: SecretStdinOpt = False,
    name: Annotated[Optional[str], typer.Option("--name", help="Name in Jamf Pro (one FILE; default: PayloadDisplayName).")] = None,
    domain: Annotated[Optional[Domain], typer.Option("--domain", help="Domain of a bare preference plist.")] = None,
    category: Annotated[Optional[str], typer.Option("--category", help="Category name.")] = None,
    scope_group: Annotated[Optional[list[str]], typer.Option("--scope-group", help="Computer group (static or smart) to scope to; repeatable.")] = None,
    exclude_group: Annotated[Optional[list[str]], typer.Option("--exclude-group", help="Computer group to exclude from the scope; repeatable.")] = None,
    all_computers: Annotated[Optional[bool], typer.Option("--all-computers/--no-all-computers", help="Scope to all computers.")] = None,
    self_service: Annotated[Optional[bool], typer.Option("--self-service/--install-automatically", help="Distribution method.")] = None,
    redeploy: Annotated[Optional[Redeploy], typer.Option("--redeploy", help="Who gets an update (default newly-assigned).")] = None,
    description: Annotated[Optional[str], typer.Option("--description", help="Description in Jamf Pro.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and compare; write nothing.")] = False,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Push files that have error findings.")] = False,
    allow_damage: Annotated[bool, typer.Option("--allow-damage", help="Push values Jamf Pro is known to damage (emoji, tabs, line feeds).")] = False,
    force: Annotated[bool, typer.Option("--force", hidden=True, help="Refused on push: see --allow-damage.")] = False,
    timeout: TimeoutOpt = 30.0,
    ca_file: CaFileOpt = None,
    allow_http_loopback: LoopbackOpt = False,
    fmt: ReportFormatOpt = ReportFormat.text,
    verbose: VerboseOpt = False,
    backoff_scale: ScaleOpt = 1.0,
    config: ConfigOpt = None,
) -> None:
    """Create or update profiles in Jamf Pro; only what changed is written, then read back.

    Exit 0 all pushed or unchanged, 1 a profile refused or stored differently, 2 bad input
    (nothing sent), 3 connection, TLS, authentication or privilege problems."""
    from profilegen.core.errors import InputError, ServiceError
    from profilegen.jamf.inputs import jamf_url, placement_of, read_items
    from profilegen.jamf.places import missing_places
    from profilegen.jamf.prepare import Prepared, prepare
    from profilegen.jamf.push import Pusher

    if force:
        # Everywhere else --force means "overwrite files"; on push it once meant "push what Jamf
        # Pro damages". One word, two meanings is how damage gets pushed by habit (issue 18).
        raise InputError("--force: push writes no files; to push values Jamf Pro is known to damage, pass --allow-damage")
    # Text sent inside Jamf Pro's XML: a control character makes it broken XML (or, in a
    # description, a line that forges another in the web page); a non-UTF-8 byte cannot be sent.
    texts = [("--name", name), ("--description", description), ("--category", category),
             *(("--scope-group", g) for g in scope_group or ()), *(("--exclude-group", g) for g in exclude_group or ())]
    bad = [option for option, text in texts if text is not None and (CONTROL.search(text) or _SURROGATE_RE.search(text))]
    if bad:
        raise InputError(*(f"{option}: contains control characters, tabs, line feeds, bidi controls or bytes that are "
                           "not UTF-8; write it on one line of plain text" for option in dict.fromkeys(bad)))
    empty = [option for option, text in texts if text is not None and not text.strip()]
    if empty:
        raise InputError(*(f"{option}: empty; give a name or leave the option out" for option in dict.fromkeys(empty)))
    options = {"category": category, "description": description, "self_service": self_service,
               "redeploy": redeploy.value if redeploy else None, "all_computers": all_computers,
               "scope_groups": tuple(scope_group) if scope_group else None,
               "exclude_groups": tuple(exclude_group) if exclude_group else None}
    base = jamf_url(url, config, allow_http_loopback=allow_http_loopback)
    prepared: list[Prepared] = []
    problems: list[str] = []
    for item in read_items(files, name=name):
        ready, trouble = prepare(item.file, item.data, name=item.name, domain=domain.value if domain else None,
                                 placement=placement_of(item.jamf, options), check=not no_validate,
                                 allow_damage=allow_damage)
        problems += trouble
        if ready is not None:
            prepared.append(ready)
    seen: dict[str, str] = {}
    for p in prepared:
        both = {g.casefold() for g in p.placement.scope_groups or ()} & {g.casefold() for g in p.placement.exclude_groups or ()}
        if both:
            # Jamf Pro lets an exclusion win: a group both targeted and excluded reaches no Mac.
            problems.append(f"{p.file}: computer group {sorted(both)[0]!r} is both a scope group and an exclude group; "
                            "an exclusion wins in Jamf Pro, so it would reach no Mac: name it once")
        if p.name.casefold() in seen:
            problems.append(f"{p.file}: Jamf Pro name {p.name!r} is also the name of {seen[p.name.casefold()]}; names must be unique")
        seen.setdefault(p.name.casefold(), p.file)
    if problems:
        raise InputError(*problems, "nothing was sent to Jamf Pro")
    for line in (n for p in prepared for n in (*p.warnings, *p.notes)):
        echo_line(f"profilegen: {line}", err=True)
    session = _session(base, client_id, secret_stdin, timeout, allow_http_loopback, verbose, backoff_scale, ca_file)
    results: list[Result] = []
    try:
        missing = missing_places(session, prepared)
        if missing:
            raise InputError(*missing, "nothing was sent to Jamf Pro")
        for result in Pusher(session, dry_run=dry_run).push_all(prepared):
            results.append(result)
            if fmt is ReportFormat.text:
                _echo_result(result, dry_run)
            if result.problem:
                echo_line(f"profilegen: {result.problem}", err=True)
    except ServiceError:
        if fmt is ReportFormat.json:
            _echo_json(results)
        raise
    finally:
        session.close()
    if fmt is ReportFormat.json:
        _echo_json(results)
    raise typer.Exit(1 if any(r.action == "failed" for r in results) else 0)


def _echo_result(r: Result, dry_run: bool) -> None:
    ident = f" (id {r.id})" if r.id is not None else ""
    keys = f": {len(r.changes)} key{'s' if len(r.changes) != 1 else ''}" if r.changes else ""
    words = {"would-create": "would create", "would-update": "would update"}
    echo_line(f"{words.get(r.action, r.action)} {r.name}{ident}{keys if r.action != 'failed' else ''}")
    if dry_run or r.action == "failed":
        for change in r.changes:
            echo_line(f"  {change.line()}")


def _echo_json(results: list[Result]) -> None:
    from profilegen.jamf.push import summary

    text = json.dumps({"profiles": [r.as_json() for r in results], "summary": summary(results)}, indent=2, ensure_ascii=False)
    echo(json_safe(text))


@jamf_app.command("pull")
def pull(
    out: Annotated[Optional[Path], typer.Option("--out", help="Directory for the profiles and jamf.json.  [required]", file_okay=False)] = None,
    url: UrlOpt = None,
    client_id: ClientIdOpt = None,
    secret_stdin: SecretStdinOpt = False,
    name: Annotated[Optional[list[str]], typer.Option("--name", help="Only the profile of this name (repeatable).")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Every macOS profile, not only Jamf Connect ones.")] = False,
    force: ForceOpt = False,
    timeout: TimeoutOpt = 30.0,
    ca_file: CaFileOpt = None,
    allow_http_loopback: LoopbackOpt = False,
    verbose: VerboseOpt = False,
    backoff_scale: ScaleOpt = 1.0,
    config: ConfigOpt = None,
) -> None:
    """Download the deployed Jamf Connect profiles and jamf.json. Exit 0, 2 bad input, 3 connection."""
    from profilegen.core.errors import InputError
    from profilegen.core.writer import write_files
    from profilegen.jamf.inputs import jamf_url
    from profilegen.jamf.pull import previous_files, pulled_files, stale_files, unrelated_files
    from profilegen.jamf.pull import pull as run_pull
    from profilegen.jamf.wire import shown_name

    if out is None:
        raise InputError("--out: required; give the directory for the profiles and jamf.json")
    base = jamf_url(url, config, allow_http_loopback=allow_http_loopback)
    session = _session(base, client_id, secret_stdin, timeout, allow_http_loopback, verbose, backoff_scale, ca_file)
    try:
        pulled = run_pull(session, names=name or (), everything=everything)
    finally:
        session.close()
    previous = previous_files(out) if out.is_dir() else None
    if force:
        foreign = unrelated_files(out, previous, pulled)
        if foreign:
            raise InputError(*(f"--out: {out / f} was not written by the pull that wrote {out / 'jamf.json'}; --force "
                               "replaces that pull's files only: move it, or pull into another directory" for f in foreign))
    files = pulled_files(pulled)
    # A pull replaces its previous pull: files of profiles gone from Jamf Pro are removed, so
    # `validate DIR` judges only what is deployed; only files the previous jamf.json listed.
    # Removed before the new jamf.json is written: a run interrupted in between leaves them
    # listed in the old one, so the next pull still removes them.
    if force:
        for stale in stale_files(out, previous, pulled):
            stale.unlink(missing_ok=True)
            echo_line(f"{stale}: removed (its profile is no longer pulled from Jamf Pro)", err=True)
    write_files(out, files, force=force)
    for p in pulled:
        echo_line(f"{out / p.file}: {shown_name(p.name)} (id {p.id})", err=True)
    echo_line(f"pulled {len(pulled)} profile{'s' if len(pulled) != 1 else ''} into {out}")
