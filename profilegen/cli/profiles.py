"""validate and rules (generate is in cli/generate_cmd.py)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from profilegen.cli.app import (
    ForceOpt,
    app,
    echo,
)
from profilegen.cli import validate_cmd


# validate lives in cli/validate_cmd.py, without typer, so that its common command lines can run
# without loading typer (issue 21). Its annotations are strings that Typer evaluates in that
# module's globals when it builds the command: give it the two names it imports only for mypy.
validate_cmd.__dict__.update(typer=typer, ForceOpt=ForceOpt)
app.command()(validate_cmd.validate)


class RulesFormat(str, Enum):
    text = "text"
    markdown = "markdown"


@app.command()
def rules(
    codes: Annotated[
        Optional[list[str]], typer.Argument(help="Rule codes to show in full (PG420: every design); default: all, briefly.")
    ] = None,
    fmt: Annotated[RulesFormat, typer.Option("--format", help="text, or markdown (the table in docs/validate.md).")] = RulesFormat.text,
) -> None:
    """List every validate rule with its code, severity and reason."""
    from profilegen.core.errors import InputError
    from profilegen.rules import load_all
    from profilegen.validate.report import rules_markdown, rules_text

    known = load_all()
    wanted = [c.strip().upper() for c in codes or ()]
    unknown = [c for c in wanted if c not in known]
    if unknown:
        # repr: a code typed with bidi or other invisible characters shows them escaped
        shown = unknown[0] if len(unknown[0]) <= 20 else unknown[0][:20] + "..."
        raise InputError(f"rules: {shown!r}: no such rule code; `profilegen rules` lists them all (e.g. PG420)")
    registry = [known[c] for c in dict.fromkeys(wanted)] if wanted else list(known.values())
    text = rules_markdown(registry) if fmt is RulesFormat.markdown else rules_text(registry, details=bool(wanted))
    echo(text, nl=False)
