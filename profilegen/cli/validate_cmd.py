"""`profilegen validate`: its options, declared once, and its body, in a module without typer,
so that the common command lines run without loading it (issue 21; typer and its Click are most
of a one-file run's start-up).

The fast path: `profilegen validate PATH...` and the pre-commit hook's `profilegen validate --
PATH...` name no option, so Click would only collect the paths and give every other parameter
its default. For those lines (cli/argv.py, plain_validate_paths) profilegen.cli.main calls
`run_plain(paths)`, which calls `validate(paths)` inside the same boundary as the Typer app
(boundary.run_console): the defaults Typer would pass are this function's Python defaults, the
same declaration. Any other line (an option, -h/--help, no path, shell completion) goes through
the Typer app, which reads this signature (cli/profiles.py registers it), so every option, usage
error and help text keeps its one declaration.

The annotations are strings (``from __future__ import annotations``) and are never evaluated on
the fast path. Typer evaluates them when it builds the command (``inspect.signature(...,
eval_str=True)`` and ``get_type_hints``, in this module's globals), so the registration in
cli/profiles.py first puts ``typer`` and the shared ``ForceOpt`` into this module's namespace;
the enums, Annotated, Optional and Path are defined or imported here.
"""

from __future__ import annotations

import errno
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

from profilegen.cli.console import echo, echo_raw

if TYPE_CHECKING:  # at run time cli/profiles.py binds these names here, before Typer reads the signature
    import typer

    from profilegen.cli.app import ForceOpt

__all__ = ["Annotated", "DomainChoice", "Optional", "Path", "ValidateFormat", "run_plain", "validate"]


class DomainChoice(str, Enum):
    login = "login"
    menubar = "menubar"


class ValidateFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"


def validate(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (searched for *.mobileconfig, *.plist) or - for stdin.")],
    domain: Annotated[Optional[DomainChoice], typer.Option("--domain", help="Domain of bare preference plists.")] = None,
    fmt: Annotated[
        Optional[ValidateFormat],
        typer.Option("--format", help="text for people (default), json for scripts, sarif for code scanning, junit for CI test reports, github for Actions annotations."),
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", help="Write the report to this file (atomically); stdout then gets the text report.", dir_okay=False)] = None,
    force: ForceOpt = False,
    strict: Annotated[Optional[bool], typer.Option("--strict/--no-strict", help="Exit 1 on warnings too (--no-strict: not, whatever the project config says).")] = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", metavar="CODE", help="Report only this rule code or prefix (PG4: every Entra ID rule; repeatable).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", metavar="CODE", help="Do not report this rule code or prefix (repeatable; applied after --select).")] = None,
    quiet: Annotated[Optional[bool], typer.Option("--quiet/--no-quiet", "-q", help="Text report: only the findings that fail the run (errors; warnings too with --strict), no summary line.")] = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore the project config (.profilegen.toml, [tool.profilegen] in pyproject.toml).")] = False,
    ca_file: Annotated[
        Optional[Path], typer.Option("--ca-file", help="PEM bundle of CA certificates; signers must chain to one.")
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option("--jobs", min=1, help="Worker processes for many files (default: one per CPU; small batches use one)."),
    ] = None,
    target_version: Annotated[
        Optional[str],
        typer.Option("--target-version", help="Jamf Connect deployed: login=X,menubar=Y (3.x versions them apart) or one 2.x version; flags keys it may not read (PG310, PG311)."),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Under each finding, why: the rule's reason and source (PG420: the design in full).")
    ] = False,
) -> int:
    """Check existing profiles: structure, every Jamf Connect key, Entra ID and security rules.

    Reads the project config (.profilegen.toml or [tool.profilegen] in pyproject.toml, from the
    current directory up to the repository root); options given here win. See docs/project-config.md."""
    from profilegen.cli import project
    from profilegen.core.errors import InputError
    from profilegen.rules import load_all
    from profilegen.validate.pipeline import iter_results
    from profilegen.validate.report import Tally, as_text, iter_json, iter_text, render, summary
    from profilegen.validate.selection import Selection, applied, parse_codes

    cfg = project.ProjectConfig() if isolated else project.load()
    fmt = fmt if fmt is not None else ValidateFormat(cfg.get("format", "text"))
    strict = strict if strict is not None else cfg.get("strict", False)
    quiet = quiet if quiet is not None else cfg.get("quiet", False)
    version_option = "--target-version" if target_version is not None else cfg.where("target-version")
    target_version = target_version if target_version is not None else cfg.get("target-version")
    known = sorted(load_all())
    selection = Selection(
        parse_codes(select, "--select", known) if select else parse_codes(cfg.get("select", ()), cfg.where("select"), known),
        parse_codes(ignore, "--ignore", known) if ignore else parse_codes(cfg.get("ignore", ()), cfg.where("ignore"), known),
    )
    to_stdout = output is None or str(output) == "-"
    if explain and to_stdout and fmt not in (ValidateFormat.text, ValidateFormat.json):
        # SARIF carries each rule's documentation itself; JUnit and GitHub annotations have no room.
        raise InputError(f"--explain: the {fmt.value} report has no place for explanations; use --format text or json, or --output")
    targets = None
    if target_version is not None:
        from profilegen.catalog.versions import parse_targets

        try:
            targets = parse_targets(target_version)
        except ValueError as exc:
            raise InputError(f"{version_option}: {exc}") from None
    trust = None
    if ca_file is not None:
        from profilegen.signing.trust import load_trust

        trust = load_trust(ca_file)
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    from profilegen.cli.validate_output import Progress, colour_terminal, quiet_text

    progress = Progress()
    results = progress.counted(applied(iter_results(paths, domain=domain.value if domain else None, stdin=stdin, trust=trust, jobs=jobs, targets=targets), selection))
    if fmt in (ValidateFormat.text, ValidateFormat.json) and to_stdout:
        # Written as the run goes: a run over 50,000 files never holds its whole report.
        tally = Tally()
        if fmt is ValidateFormat.text:
            colour = colour_terminal()
            pieces = (quiet_text(results, tally, strict=strict, explain=explain, colour=colour) if quiet
                      else iter_text(results, tally, explain=explain, colour=colour))
            for piece in pieces:
                progress.clear()
                if colour:  # escaped piece by piece already; echo() would escape our colours too
                    echo_raw(piece, nl=False)
                else:
                    echo(piece, nl=False)
        else:
            for piece in iter_json(results, tally, explain=explain):
                progress.clear()
                echo(piece, nl=False)
        counts = tally.summary
    else:  # the CI formats and --output need every result before the first byte
        held = list(results)
        progress.clear()
        report = render(held, fmt.value, strict=strict, explain=explain)
        if to_stdout:  # - is stdout, as for the inputs
            echo(report, nl=False)
        else:
            from profilegen.core.writer import (
                write_files,  # here: tempfile, shutil and their imports only for --output
            )

            write_files(output.parent, [(output.name, report.encode("utf-8"))], force=force, option="--output")  # type: ignore[union-attr]
            if quiet:
                for piece in quiet_text(held, Tally(), strict=strict, explain=explain):
                    echo(piece, nl=False)
            else:
                echo(as_text(held, explain=explain), nl=False)
        counts = summary(held)
    progress.clear()
    # The exit code as the return value: Typer returns the callback's value and the app's
    # _Group.main makes an int the exit code; the fast path (run_plain) returns it itself.
    return 1 if counts["errors"] or (strict and counts["warnings"]) else 0


def run_plain(paths: list[str]) -> int:
    """`validate PATH...` with no option, as the Typer app would run it: the body with its
    defaults. ProfilegenError, interruptions and bugs are the console boundary's (run_console),
    as they are for the app (its _Group.invoke prints the same lines with the same codes).

    What typer's own main (typer/core.py, _main) adds around a command, kept here: a broken pipe
    that reaches it ends the run with exit code 1 and no message. (Writes to stdout never raise:
    StdoutGuard keeps their errors; stderr's are caught where it is written.) An EOFError, its
    other case, cannot come from validate, which reads stdin only with read()."""
    try:
        return validate(paths)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        return 1
