"""schema: the JSON Schemas of the config and variants files, for editor completion (issue 13)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from profilegen.cli.app import app


class SchemaKind(str, Enum):
    config = "config"
    variants = "variants"


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="config: a generate --config file; variants: a variants FILE.")],
) -> None:
    """Print the JSON Schema (draft 2020-12) of a config or variants file, for editors."""
    import json

    from profilegen.variants.schema import SCHEMAS

    typer.echo(json.dumps(SCHEMAS[kind.value](), indent=2, ensure_ascii=False))
