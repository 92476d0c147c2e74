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


NAME_MAX = 255  # bytes in one file name on the file systems Macs and CI runners use


def write_files(out_dir: Path, files: Sequence[tuple[str, bytes]], *, force: bool, option: str = "--out") -> list[Path]:
    """Write every file or none: problems are refused up front, existing files unless ``force``.

    Two phases: every file is first written to a temporary file in the same directory; only when
    all of them exist are they renamed into place. A reader never sees half a profile, and a
    failure while writing leaves the directory as it was.
    """
    targets = [out_dir / name for name, _ in files]
    for target in targets:
        if len(target.name.encode("utf-8")) > NAME_MAX:
            raise InputError(f"{option}: file name {target.name[:40]}... is longer than {NAME_MAX} bytes; use a shorter identifier or name")
        if target.is_dir():
            raise InputError(f"{option}: {target} is a directory; remove it or choose another --out")
    if not force:
        existing = [str(t) for t in targets if t.exists() or t.is_symlink()]
        if existing:
            raise OutputExistsError(
                f"{option}: {', '.join(existing)} already exists; pass --force to overwrite"
            )
    prepare_dir(out_dir, option)
    temps: list[str] = []
    try:
        for target, (_, data) in zip(targets, files):
            temps.append(_write_temp(target, data))
    except OSError as exc:
        for tmp in temps:
            _unlink(tmp)
        raise InputError(f"{option}: cannot write in {out_dir}: {exc.strerror}; nothing was written") from None
    for tmp, target in zip(temps, targets):
        os.replace(tmp, target)
    return targets


def write_atomic(target: Path, data: bytes) -> None:
    os.replace(_write_temp(target, data), target)


def _write_temp(target: Path, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(prefix=".profilegen.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
