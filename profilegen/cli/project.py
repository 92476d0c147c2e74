"""The project config (issue 22): `[tool.profilegen]` in pyproject.toml, or `.profilegen.toml`.

Found from the current directory upward. In each directory `.profilegen.toml` comes first, then
a pyproject.toml that has a `[tool.profilegen]` table (a pyproject.toml without one is passed
over, as ruff and black do). The search stops at the first directory holding `.git` (the
repository root) or at the file system's root, so a checkout never picks up a config from the
directory it sits in. `PROFILEGEN_NO_PROJECT_CONFIG=1` (or `validate --isolated`) skips it.

Read by validate, and so by the pre-commit hook, which runs validate in the repository. The
command line wins over the file, key by key: `--select` given replaces `select` from the file.
Bad config is bad input: exit 2 naming the file and the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profilegen.core.errors import InputError
from profilegen.core.text import printable

MAX_BYTES = 1_000_000  # a project config is a few lines; this bounds what a hostile one costs
KEYS = ("select", "ignore", "quiet", "strict", "target-version", "format")
FORMATS = ("text", "json", "sarif", "junit", "github")
SKIP_ENV = "PROFILEGEN_NO_PROJECT_CONFIG"


@dataclass(frozen=True)
class ProjectConfig:
    """The project config's checked values, and the file they came from (None: no file)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def where(self, key: str) -> str:
        """How a problem names a key of this file: `PATH key` or `PATH [tool.profilegen] key`."""
        return f"{_where(self.path)} {key}" if self.path else key


def _where(path: Path) -> str:
    return _name(path) + (" [tool.profilegen]" if path.name == "pyproject.toml" else "")


def find(start: Path | None = None) -> Path | None:
    """The config file that applies in ``start`` (default: the current directory), or None."""
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:
        return None
    for directory in (here, *here.parents):
        dotfile = directory / ".profilegen.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
        if (directory / ".git").exists():
            return None
    return None


def _has_table(pyproject: Path) -> bool:
    # Cheap test before parsing: most pyproject.toml files have no [tool.profilegen]. A file
    # that mentions it but does not parse is reported by load(), naming the file.
    try:
        with pyproject.open("rb") as fh:
            head = fh.read(MAX_BYTES + 1)
    except OSError:
        return False
    return b"profilegen" in head and _table(pyproject, head) is not None


def load(start: Path | None = None) -> ProjectConfig:
    if os.environ.get(SKIP_ENV, "") not in ("", "0"):
        return ProjectConfig()
    path = find(start)
    if path is None:
        return ProjectConfig()
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{_name(path)}: cannot read it: {exc.strerror}") from None
    table = _table(path, data)
    if table is None:
        return ProjectConfig()
    where = _where(path)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            raise InputError(f"{where}: unknown key {printable(str(key))!r}; the keys are {', '.join(KEYS)}")
        values[key] = _checked(where, key, value)
    return ProjectConfig(path, values)


def _table(path: Path, data: bytes) -> dict[str, Any] | None:
    import tomllib

    if len(data) > MAX_BYTES:
        raise InputError(f"{_name(path)}: larger than {MAX_BYTES // 1_000_000} MB; a project config is a few lines")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{_name(path)}: not UTF-8 (byte {exc.start}); TOML files are UTF-8") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{_name(path)}: not valid TOML: {printable(str(exc))}") from None
    except RecursionError:
        raise InputError(f"{_name(path)}: nested too deeply to be a project config") from None
    if path.name == "pyproject.toml":
        tool = doc.get("tool")
        doc = tool.get("profilegen") if isinstance(tool, dict) else None
        if doc is None:
            return None
        if not isinstance(doc, dict):
            raise InputError(f"{_name(path)}: tool.profilegen must be a table ([tool.profilegen])")
    return doc


def _checked(where: str, key: str, value: Any) -> Any:
    if key in ("select", "ignore"):
        if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f'{where}: {key} must be a list of rule codes, such as {key} = ["PG4", "PG501"]')
        return value
    if key in ("quiet", "strict"):
        if not isinstance(value, bool):
            raise InputError(f"{where}: {key} must be true or false")
        return value
    if key == "format":
        if value not in FORMATS:
            shown = printable(str(value))
            raise InputError(f"{where}: format {shown!r} is not one of {', '.join(FORMATS)}")
        return value
    if not isinstance(value, str):  # target-version
        raise InputError(f'{where}: target-version must be a string, such as target-version = "login=3.0,menubar=3.0"')
    return value


def _name(path: Path) -> str:
    return printable(str(path))
