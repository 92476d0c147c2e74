"""The Typer application: error mapping, shared option types, the console entry point.

Only the modules of this package import typer; core modules return values or raise.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from typer import _click as click
from typer.core import TyperGroup

from profilegen import __version__
from profilegen.cli.argv import HOOK_PREFIX, hook_arguments
from profilegen.cli.boundary import Signalled, echo_problems, interrupted, run_console
from profilegen.cli.console import echo, echo_line
from profilegen.cli.usage import usage_line
from profilegen.core.errors import ProfilegenError


class _Group(TyperGroup):
    """The error boundary, for the console script and for CliRunner alike: the ProfilegenError
    family, Click's usage errors and interruptions each become one stderr line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ProfilegenError as exc:
            _echo_problems(exc.problems)
            raise typer.Exit(exc.exit_code) from None
        except (KeyboardInterrupt, Signalled) as exc:
            line, code = interrupted(exc)
            _echo_problems((line,))
            raise typer.Exit(code) from None

    def main(  # type: ignore[override]
        self,
        args: Optional[Sequence[str]] = None,
        prog_name: Optional[str] = None,
        complete_var: Optional[str] = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.exceptions.NoArgsIsHelpError as exc:
            # `profilegen` or `profilegen azure` alone: the person asks what there is.
            typer.echo(exc.ctx.get_help())
            code = 0
        except click.ClickException as exc:
            _echo_problems((usage_line(exc),))
            code = 2
        except typer.Abort:
            line, code = interrupted(KeyboardInterrupt())
            _echo_problems((line,))
        if not standalone_mode:
            return code
        sys.exit(code)


app = typer.Typer(
    name="profilegen",
    cls=_Group,
    help="Generate and validate Jamf Connect profiles for Microsoft Entra ID.",
    no_args_is_help=True,
    add_completion=False,
    # -h as well as --help, on every command (sub-commands inherit it from this context).
    context_settings={"help_option_names": ["-h", "--help"]},
    # Plain help: flags shown as flags, values and arguments by name (see cli/help.py).
    rich_markup_mode=None,
    # Locals can hold client secrets or passwords: never show them in a traceback.
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
)


class ComponentChoice(str, Enum):
    login = "login"
    menubar = "menubar"
    both = "both"


class CaDesign(str, Enum):
    """Conditional Access designs generate and the blueprint write (profilegen.entra.designs)."""

    scoped_policy = "scoped-policy"
    excluded_api = "excluded-api"


class ProviderValue(str, Enum):
    """OIDCProvider / IdPSettings.Provider for Entra ID: Jamf lists "EntraID (formerly Azure)"."""

    Azure = "Azure"
    EntraID = "EntraID"


class StyleChoice(str, Enum):
    mcx = "mcx"
    direct = "direct"


class FormatChoice(str, Enum):
    mobileconfig = "mobileconfig"
    plist = "plist"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


# Options declared once and shared by the commands of every area.
ReportFormatOpt = Annotated[ReportFormat, typer.Option("--format", help="text for people, json for scripts.")]
ComponentOpt = Annotated[ComponentChoice, typer.Option("--component", help="Which profile(s) to write.")]
StyleOpt = Annotated[
    StyleChoice,
    typer.Option("--payload-style", help="mcx: Custom Settings payload as Jamf Pro writes it; direct: domain as PayloadType."),
]
FileTypeOpt = Annotated[
    FormatChoice,
    typer.Option("--file-type", "--format", help="mobileconfig: whole profile; plist: bare preferences for Jamf Pro's upload."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite existing files.")]
ConfigOpt = Annotated[
    Optional[Path], typer.Option("--config", help="YAML config; command-line options override it.", dir_okay=False)
]


def _version(value: bool) -> None:
    if value:
        echo(f"profilegen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Generate and validate Jamf Connect profiles for Microsoft Entra ID."""


def given_options(ctx: typer.Context) -> list[str]:
    """The options typed on the command line (not left at their defaults) of ``ctx``'s command."""
    return [
        param.opts[0]
        for param in ctx.command.params
        if param.name and param.opts and getattr(ctx.get_parameter_source(param.name), "name", "") == "COMMANDLINE"
    ]


# A URL given on the command line or in a config may carry a password or token; no error line
# shows it (profilegen/core/credentials.py). A path or value from outside may carry escape
# sequences; echo_err escapes them. One function for the app and validate's fast path.
_echo_problems = echo_problems


def _fail(lines: tuple[str, ...], code: int) -> NoReturn:
    _echo_problems(lines)
    raise SystemExit(code)


def main() -> None:
    """Console entry point for every command line that validate's fast path does not take
    (cli/__init__.py): the same boundary (cli/boundary.py) around the Typer app."""
    run_console(lambda: app(args=hook_arguments(sys.argv[1:]), standalone_mode=True) or 0)


__all__ = ["HOOK_PREFIX", "app", "echo", "echo_line", "given_options", "hook_arguments", "main"]
