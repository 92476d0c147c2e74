"""Command line for profilegen. ``profilegen.cli:main`` is the console script.

The commands live in one module per area and register themselves on the shared Typer app, in
the order `profilegen --help` lists them.
"""
# isort: skip_file

from profilegen.cli.app import app, main
from profilegen.cli import profiles, variants, entra  # noqa: F401  (registers the commands)

__all__ = ["app", "main"]
