"""Benches measure profilegen with its bytecode compiled, as an installed wheel runs.

Machines that set PYTHONDONTWRITEBYTECODE=1 (this project's build machine does) never write
`__pycache__`, so every process a bench starts would compile each profilegen module again
(about 35 ms of CPU per process) and the figures would measure the compiler. Each bench calls
compile_tree() first and prints what it did.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compile_tree(src: Path | None = None) -> str:
    """Compile ``src``'s (default: this checkout's) profilegen package; a line for the report."""
    package = (src or ROOT).resolve() / "profilegen"
    ok = compileall.compile_dir(package, quiet=2, workers=1)
    setting = "set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "not set"
    state = "compiled" if ok else "NOT fully compiled (read-only tree?): figures include compiling"
    return f"bytecode: {package} {state}; PYTHONDONTWRITEBYTECODE {setting}"
