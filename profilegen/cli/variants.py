"""variants and diff (issue 4)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from profilegen.cli.app import (
    ComponentChoice,
    ComponentOpt,
    ForceOpt,
    FormatChoice,
    FileTypeOpt,
    StyleChoice,
    StyleOpt,
    _echo_problems,
    app,
    echo_line,
    given_options,
)
from profilegen.cli.identity import (
    AllowExpiredOpt,
    CertOpt,
    ChainOpt,
    IdentityOptions,
    KeyOpt,
    P12Opt,
    PasswordStdinOpt,
)
from profilegen.core.text import plural


@app.command()
def variants(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Generate config plus a variants: list; - reads stdin.", dir_okay=False)],
    out: Annotated[Optional[Path], typer.Option("--out", help="Output directory (created if missing).  [required]")] = None,
    component: ComponentOpt = ComponentChoice.both,
    payload_style: StyleOpt = StyleChoice.mcx,
    fmt: FileTypeOpt = FormatChoice.mobileconfig,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="Only this variant, by name or slug (repeatable).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if --out differs from what would be generated.")] = False,
    force: ForceOpt = False,
    keep_going: Annotated[bool, typer.Option("--keep-going", help="Write the good variants even if some fail (exit code stays 2).")] = False,
    cert: CertOpt = None,
    key: KeyOpt = None,
    chain: ChainOpt = None,
    p12: P12Opt = None,
    password_stdin: PasswordStdinOpt = False,
    allow_expired: AllowExpiredOpt = False,
) -> None:
    """Write one set of profiles per department or site, from one base config (signed with --p12 or --cert/--key)."""
    identity = IdentityOptions(cert, key, chain, p12, password_stdin, allow_expired)
    _variants(
        file, out, component, payload_style, fmt, only or [],
        check=check, force=force, keep_going=keep_going, identity=identity, given=given_options(ctx),
    )


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
    identity: IdentityOptions = IdentityOptions(),
    given: Sequence[str] = (),
) -> None:
    from profilegen.core.errors import InputError
    from profilegen.generate.pipeline import COMPONENTS, unused_options
    from profilegen.variants.manifest import check_dir, jamf_name_problems, plan, write_plan
    from profilegen.variants.pipeline import load_variant_file, render_variants, select

    if out is None:
        raise InputError("--out: required; give the directory for the profiles and manifest.json")
    if str(out) == "-":
        raise InputError("--out -: variants writes several files and manifest.json; give a directory")
    if str(file) == "-" and identity.password_stdin:
        raise InputError("FILE -: --password-stdin reads stdin too; give the variants file as a path")
    for note in unused_options(given, components=COMPONENTS[component.value], fmt=fmt.value):
        echo_line(note, err=True)
    vf = load_variant_file(file, stdin=sys.stdin.buffer if str(file) == "-" else None)
    chosen = select(vf, only)
    with _progress(len(chosen)) as tick:
        outcomes = render_variants(
            vf, chosen, components=COMPONENTS[component.value], style=payload_style.value, fmt=fmt.value, on_done=tick
        )
    failed = [o for o in outcomes if not o.ok]
    problems = tuple(p for o in failed for p in o.problems)
    if failed and (check or not keep_going):
        raise InputError(*problems, f"{len(failed)} of {len(outcomes)} variants failed; nothing written")
    if not any(o.ok for o in outcomes):
        raise InputError(*problems, f"all {len(outcomes)} variants failed; nothing written")
    clashes = jamf_name_problems(outcomes)
    if clashes:
        raise InputError(*clashes, "nothing written")
    for note in (n for o in outcomes if o.ok for n in o.notes):  # as generate: notes on what is written
        echo_line(f"note: {note}", err=True)
    outcomes, notes = _sign_outcomes(outcomes, out, identity, fmt, check=check)
    files = plan(vf, outcomes, out_dir=out, partial=bool(only))
    if check:
        drift = _with_notes(check_dir(out, files, complete=not only), notes)
        for line in drift.lines(out):
            echo_line(line)
        echo_line(f"{plural(len(outcomes), 'variant')}, {plural(drift.unchanged, 'file')} up to date, {drift.drifted} drifted", err=True)
        raise typer.Exit(0 if drift.clean else 1)
    written, unchanged = write_plan(out, files, force=force)
    if failed:  # the failures first: the summary is always the last line
        _echo_problems((*problems, f"{len(failed)} of {len(outcomes)} variants failed; the others were written"))
    echo_line(f"{plural(len(outcomes), 'variant')}, {plural(len(written), 'file')} written, {unchanged} unchanged", err=True)
    if failed:
        raise typer.Exit(2)


def _sign_outcomes(outcomes: list[Any], out: Path, options: IdentityOptions, fmt: FormatChoice, *, check: bool) -> tuple[list[Any], dict[str, tuple[str, ...]]]:
    """Signed documents (issue 11): files on disk that are up-to-date signed copies are kept, the
    others signed anew (or, with --check, left unsigned and explained by notes)."""
    if fmt is FormatChoice.plist and not options.given:
        return outcomes, {}
    from dataclasses import replace

    from profilegen.cli.identity import signer_and_signing
    from profilegen.signing.drift import settle_files

    signer, sign = signer_and_signing(options, plist=fmt is FormatChoice.plist, check=check)
    if sign is None and not check:
        return outcomes, {}
    docs = [(d.filename, d.data) for o in outcomes if o.ok for d in o.documents]
    settled = settle_files(out, docs, signer=signer, sign=sign)
    new = [replace(o, documents=tuple(replace(d, data=settled[d.filename].data) for d in o.documents)) if o.ok else o for o in outcomes]
    return new, {name: s.notes for name, s in settled.items() if s.notes}


def _with_notes(drift: Any, notes: dict[str, tuple[str, ...]]) -> Any:
    """The drift, with each file whose signature state is wrong counted as changed."""
    if not notes:
        return drift
    from profilegen.variants.manifest import Drift

    changed = dict(drift.changed)
    for name, lines in notes.items():
        rest = [line for line in changed.get(name, []) if not line.startswith("same settings, different bytes")]
        changed[name] = [*lines, *rest]
    moved = sum(1 for name in notes if name not in drift.changed and name not in drift.missing)
    return Drift(drift.missing, drift.extra, {k: v for k, v in changed.items() if k not in drift.missing}, drift.unchanged - moved)


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
    from profilegen.core.errors import InputError
    from profilegen.rules.findings import Finding
    from profilegen.validate.pipeline import read_input
    from profilegen.variants.diff import diff_bytes

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
    for change in changes:
        echo_line(change.line())
    raise typer.Exit(1 if changes else 0)

