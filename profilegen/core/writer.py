"""Atomic, all-or-nothing file output, safe against a second run writing at the same time.

The write phase of every command that writes files (generate, variants, azure blueprint):
1. refuse problems up front (names, directories in the way, existing files without --force);
2. take an advisory lock on ``DIR/.profilegen.lock`` (``fcntl.flock``), so two runs into one
   directory write one after the other: with --force the last run's files all win, never a mix;
3. write every file to a temporary ``.profilegen.*.tmp`` in the same directory and fsync it;
4. move them into place: with --force by ``rename`` (replacing), without it by a rename that
   refuses to replace (``renameat2(RENAME_NOREPLACE)`` / ``renamex_np(RENAME_EXCL)``, else
   ``link`` + ``unlink``), so a file that appeared meanwhile, even from a program that ignores
   the lock, is never overwritten: the files this run already placed are taken back, exit 2.
Temporary files are removed on every way out, KeyboardInterrupt and SIGTERM included (the CLI
turns SIGTERM into an exception), and SIGINT/SIGTERM are held back during step 4, which takes
microseconds, so an interrupted run never leaves half of a set in place.

The lock file exists only while a run writes; see ``_locked`` for why removing it is safe.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from profilegen.core.errors import InputError, OutputExistsError

LOCK_NAME = ".profilegen.lock"
LOCK_WAIT = 30.0  # seconds: a run holds the lock for milliseconds, unless it is stuck
NAME_MAX = 255  # bytes in one file name on the file systems Macs and CI runners use
# Test-only: with PROFILEGEN_TEST_WRITE_GATE=PATH, a run waits (60 s at most) while PATH.0 exists
# once its temporary files are written, and while PATH.<n> exists after placing n files, so that
# tests can start a second run or send a signal at a known point of the write phase.
GATE_ENV = "PROFILEGEN_TEST_WRITE_GATE"


def prepare_dir(out_dir: Path, option: str = "--out") -> None:
    if out_dir.is_symlink() and not out_dir.exists():
        raise InputError(f"{option}: {out_dir} is a symbolic link to {os.readlink(out_dir)}, which does not exist; "
                         "create that directory or give another --out")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{option}: {out_dir} exists and is not a directory; give a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{option}: cannot create {out_dir}: {exc.strerror}") from None


def write_files(out_dir: Path, files: Sequence[tuple[str, bytes]], *, force: bool, option: str = "--out") -> list[Path]:
    """Write every file or none: problems are refused up front, existing files unless ``force``."""
    targets = [out_dir / name for name, _ in files]
    for target in targets:
        if len(os.fsencode(target.name)) > NAME_MAX:  # the bytes on disk (surrogateescape)
            raise InputError(f"{option}: file name {target.name[:40]}... is longer than {NAME_MAX} bytes; use a shorter identifier or name")
        if target.is_dir():
            raise InputError(f"{option}: {target} is a directory; remove it or choose another --out")
    if not force:
        _refuse_existing(targets, option)
    prepare_dir(out_dir, option)
    with _locked(out_dir, option):
        if not force:
            _refuse_existing(targets, option)  # a run that held the lock before us may have written them
        temps: list[str] = []
        try:
            try:
                for target, (_, data) in zip(targets, files):
                    _write_temp(target, data, temps, sync=False)
                # Durability, batched: every file is synced once all are written (the first sync
                # usually flushes them all; syncing each as it was written made every file wait
                # for the disk), and the directory once the names are in place.
                for tmp in temps:
                    _sync_path(tmp)
            except OSError as exc:
                raise InputError(f"{option}: cannot write in {out_dir}: {exc.strerror}; nothing was written") from None
            _test_gate(0)
            with _signals_held():
                _place(temps, targets, force=force, option=option)
            _sync_dir(out_dir)
        finally:
            for tmp in temps:
                _unlink(tmp)
    return targets


def write_atomic(target: Path, data: bytes) -> None:
    os.replace(_write_temp(target, data), target)
    _sync_dir(target.parent)


def _refuse_existing(targets: Sequence[Path], option: str) -> None:
    existing = [str(t) for t in targets if t.exists() or t.is_symlink()]
    if existing:
        verb = "exists" if len(existing) == 1 else "exist"
        raise OutputExistsError(f"{option}: {', '.join(existing)} already {verb}; pass --force to overwrite")


def _place(temps: Sequence[str], targets: Sequence[Path], *, force: bool, option: str) -> None:
    if force:
        for n, (tmp, target) in enumerate(zip(temps, targets)):
            if n:
                _test_gate(n)
            os.replace(tmp, target)
        return
    placed: list[Path] = []
    try:
        for tmp, target in zip(temps, targets):
            if placed:
                _test_gate(len(placed))
            _rename_noreplace(tmp, target)
            placed.append(target)
    except FileExistsError:
        for path in placed:
            _unlink(str(path))
        raise OutputExistsError(
            f"{option}: {targets[len(placed)]} appeared while this run was writing (another program?); "
            "it was left as it is and nothing was written; pass --force to overwrite"
        ) from None
    except OSError as exc:
        for path in placed:
            _unlink(str(path))
        raise InputError(f"{option}: cannot write {targets[len(placed)]}: {exc.strerror}; nothing was written") from None


def _rename_noreplace(src: str, dst: Path) -> None:
    """Move ``src`` to ``dst`` unless ``dst`` exists (FileExistsError), atomically."""
    if _native_noreplace(src, str(dst)):
        return
    try:
        os.link(src, dst)
    except FileExistsError:
        raise
    except OSError as exc:
        # No hard links here (FAT/exFAT, some SMB shares): check and rename, under our lock.
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, "File exists", str(dst)) from None
        os.rename(src, dst)
        return
    os.unlink(src)


def _native_noreplace(src: str, dst: str) -> bool:
    """renameat2(RENAME_NOREPLACE) on Linux, renamex_np(RENAME_EXCL) on macOS. False when the
    call or the file system does not offer it; raises FileExistsError when dst exists."""
    libc = _libc()
    if libc is None:
        return False
    import ctypes

    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_noreplace = -100, 1  # <fcntl.h>, <linux/fs.h>
        result = libc.renameat2(at_fdcwd, os.fsencode(src), at_fdcwd, os.fsencode(dst), rename_noreplace)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        rename_excl = 0x4  # <stdio.h>: RENAME_EXCL
        result = libc.renamex_np(os.fsencode(src), os.fsencode(dst), rename_excl)
    else:
        return False
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err == errno.EEXIST:
        raise FileExistsError(errno.EEXIST, "File exists", dst)
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # old kernel or a file system without the flag: fall back to link
    raise OSError(err, os.strerror(err), dst)


_LIBC: list[object] = []


def _libc() -> object | None:
    if not _LIBC:
        try:
            import ctypes
            import ctypes.util

            _LIBC.append(ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True))
        except (OSError, AttributeError):
            _LIBC.append(None)
    return _LIBC[0]


@contextmanager
def _locked(out_dir: Path, option: str) -> Iterator[None]:
    """Hold ``DIR/.profilegen.lock`` exclusively; the file is removed again before release.

    Removing it is safe because a run that got the lock checks that the name still refers to
    the file it locked, and starts over if a finishing run removed it meanwhile."""
    import fcntl

    path = out_dir / LOCK_NAME
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InputError(f"{option}: {path} is a symbolic link, not profilegen's lock file; remove it") from None
            raise InputError(f"{option}: cannot create the lock file {path}: {exc.strerror}; check the directory's permissions") from None
        try:
            if _try_lock(fcntl, fd) and _same_file(fd, path):
                break
            if time.monotonic() > deadline:
                raise InputError(f"{option}: another profilegen run has been writing in {out_dir} for "
                                 f"{LOCK_WAIT:.0f} s; wait for it to finish or stop it") from None
            # The file stays open while this run waits, so that `ls -l /proc/PID/fd` (and the
            # concurrency tests) can see which run waits for which lock.
            time.sleep(0.01)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        _unlink(str(path))
        os.close(fd)  # releases the lock


def _try_lock(fcntl: Any, fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while files are moved into place; they arrive right after."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _test_gate(point: int) -> None:
    base = os.environ.get(GATE_ENV)
    if not base:
        return
    deadline = time.monotonic() + 60
    while os.path.exists(f"{base}.{point}") and time.monotonic() < deadline:
        time.sleep(0.01)


def _write_temp(target: Path, data: bytes, temps: list[str] | None = None, *, sync: bool = True) -> str:
    with _signals_held():  # the name is in ``temps`` before any signal can interrupt us
        fd, tmp = tempfile.mkstemp(prefix=".profilegen.", suffix=".tmp", dir=target.parent)
        if temps is not None:
            temps.append(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _sync_path(path: str) -> None:
    """fsync a written file by name (a read-only descriptor is enough for fsync), so a batch of
    thousands of files never holds thousands of descriptors open."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_dir(directory: Path) -> None:
    """Make renames in ``directory`` durable. Platforms that cannot open or sync a directory
    keep the file-level durability only."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
