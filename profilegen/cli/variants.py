"""variants and diff (issue 4)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from profilegen.cli.app import (
    ComponentChoice,
    ComponentOpt,
    ForceOpt,
    FormatChoice,
    FormatOpt,
    StyleChoice,
    StyleOpt,
    _fail,
    app,
)


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
    _variants(file, out, component, payload_style, fmt, only or [], check=check, force=force, keep_going=keep_going)


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
        typer.echo(f"{len(outcomes)} variants, {drift.unchanged} files up to date, {drift.drifted} drifted", err=True)
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
        typer.echo(change.line())
    raise typer.Exit(1 if changes else 0)
