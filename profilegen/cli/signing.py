"""sign and verify (issue 11)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from profilegen.cli.app import ForceOpt, ReportFormat, ReportFormatOpt, app, echo, echo_line
from profilegen.cli.identity import (
    AllowExpiredOpt,
    CertOpt,
    ChainOpt,
    IdentityOptions,
    KeyOpt,
    P12Opt,
    PasswordStdinOpt,
    load_identity,
)


@app.command()
def sign(
    paths: Annotated[list[str], typer.Argument(help="Profiles (or directories of them) to sign, or - for stdin.")],
    out: Annotated[Optional[str], typer.Option("--out", help="Output directory (created if missing), or - for stdout.  [required]")] = None,
    cert: CertOpt = None,
    key: KeyOpt = None,
    chain: ChainOpt = None,
    p12: P12Opt = None,
    password_stdin: PasswordStdinOpt = False,
    allow_expired: AllowExpiredOpt = False,
    resign: Annotated[bool, typer.Option("--resign", help="Sign the content of already signed profiles again.")] = False,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Sign even when validate finds errors.")] = False,
    force: ForceOpt = False,
) -> None:
    """Sign profiles (CMS, SHA-256, content unchanged) for Apple Configurator, downloads or another MDM."""
    from profilegen.core.errors import InputError
    from profilegen.core.writer import write_files
    from profilegen.signing.sign import sign_bytes
    from profilegen.validate.pipeline import expand
    from profilegen.validate.signable import content_to_sign

    if out is None:
        raise InputError("--out: required; give a directory for the signed profiles, or - for stdout")
    files = expand(paths)
    if out == "-" and len(files) != 1:
        raise InputError("--out -: stdout takes one signed profile; give one file or an output directory")
    if "-" in files and out != "-":
        raise InputError("-: stdin has no file name; use --out - to write the signed profile to stdout")
    options = IdentityOptions(cert, key, chain, p12, password_stdin, allow_expired)
    if not options.given:
        raise InputError("--p12 or --cert/--key: required; give the identity to sign with")
    stdin = sys.stdin.buffer.read() if "-" in files else None
    problems: list[str] = []
    contents: dict[str, tuple[str, bytes]] = {}  # every input is read and checked before a password is asked
    for path in files:
        name = "<stdin>" if path == "-" else path
        try:
            data = stdin if stdin is not None and path == "-" else _read(path)
            content, notes = content_to_sign(data or b"", name, resign=resign, validate=not no_validate)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for note in notes:
            echo_line(f"profilegen: note: {note}", err=True)
        target = f"{Path(path).stem}.mobileconfig"
        if target in contents:
            problems.append(f"{name}: would be written as {target}, like {contents[target][0]}; sign them into different directories")
            continue
        contents[target] = (name, content)
    if problems:
        raise InputError(*problems, *(["nothing was signed"] if len(files) > 1 else []))
    identity = load_identity(options, stdin_taken="-" in files)
    assert identity is not None  # options.given
    outputs = {target: (name, sign_bytes(content, identity)) for target, (name, content) in contents.items()}
    if out == "-":
        ((_, data),) = outputs.values()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    for written in write_files(Path(out), [(t, d) for t, (_, d) in outputs.items()], force=force):
        echo_line(f"signed {written} ({identity.subject})", err=True)


def _read(path: str) -> bytes:
    from profilegen.core.errors import InputError, read_problem
    from profilegen.profile.read import MAX_BYTES

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(read_problem(exc, where=path, wanted="a readable profile")) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: over {MAX_BYTES >> 20} MiB; this is no configuration profile")
    return data


def parse_at(value: str) -> dt.datetime | str:
    """--at: now, signing-time, or an ISO-8601 date or time (UTC unless it names a zone)."""
    from profilegen.core.errors import InputError

    if value in ("now", "signing-time"):
        return value
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--at: {value!r} is not now, signing-time or an ISO-8601 time such as 2026-03-01T12:00Z") from None
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.timezone.utc)
    try:
        # In UTC from here on: the chain check converts anyway, and 9999-12-31T23:59-23:59 is
        # a valid ISO time that no datetime can hold once converted (OverflowError there).
        return when.astimezone(dt.timezone.utc)
    except OverflowError:
        raise InputError(f"--at: {value!r} falls outside the years 1 to 9999 in UTC; give a time within them") from None


@app.command()
def verify(
    paths: Annotated[list[str], typer.Argument(help="Signed profiles, directories of them, or - for stdin.")],
    ca_file: Annotated[Optional[Path], typer.Option("--ca-file", help="PEM bundle of CA certificates to trust.")] = None,
    at: Annotated[str, typer.Option("--at", help="Check validity at: now, signing-time, or an ISO-8601 time.")] = "now",
    fmt: ReportFormatOpt = ReportFormat.text,
) -> None:
    """Check signed profiles: digest, signature, signer certificate and, with --ca-file, its chain."""
    from profilegen.core.errors import InputError
    from profilegen.signing.cms import looks_signed
    from profilegen.signing.report import as_json, as_text
    from profilegen.signing.trust import load_trust
    from profilegen.signing.verify import Verdict, summarize, verify_bytes
    from profilegen.validate.pipeline import expand

    when = parse_at(at)
    trust = load_trust(ca_file) if ca_file else None
    files = expand(paths)
    stdin = sys.stdin.buffer.read() if "-" in files else None
    inputs: list[tuple[str, bytes]] = []
    problems: list[str] = []
    for path in files:
        try:
            inputs.append(("<stdin>", stdin or b"") if path == "-" else (path, _read(path)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(*problems)
    results = [(p, verify_bytes(d, trust=trust, at=when) if looks_signed(d) else Verdict(False)) for p, d in inputs]
    report = as_json(results) if fmt is ReportFormat.json else as_text(results, trust_source=str(ca_file) if ca_file else None)
    echo(report, nl=False)
    raise typer.Exit(0 if summarize([v for _, v in results]) else 1)
