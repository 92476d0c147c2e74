"""Atomic, all-or-nothing file output."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from profilegen.errors import InputError, OutputExistsError


def prepare_dir(out_dir: Path, option: str = "--out") -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{option}: {out_dir} exists and is not a directory; give a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{option}: cannot create {out_dir}: {exc.strerror}") from None


def write_files(out_dir: Path, files: Sequence[tuple[str, bytes]], *, force: bool, option: str = "--out") -> list[Path]:
    """Write every file or none: existing files are refused up front unless ``force``.

    Each file goes to a temporary file in the same directory and is renamed into place, so a
    reader never sees half a profile.
    """
    targets = [out_dir / name for name, _ in files]
    if not force:
        existing = [str(t) for t in targets if t.exists() or t.is_symlink()]
        if existing:
            raise OutputExistsError(
                f"{option}: {', '.join(existing)} already exists; pass --force to overwrite"
            )
    prepare_dir(out_dir, option)
    written: list[Path] = []
    for target, (_, data) in zip(targets, files):
        write_atomic(target, data)
        written.append(target)
    return written


def write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
