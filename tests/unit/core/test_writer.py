"""core.writer: all or nothing, never an overwrite without --force, nothing left behind, and the
exact line a user reads for each refusal (issue 23). Real files in tmp_path; failures that a
test cannot provoke on this machine (no hard links, a full disk) are stood in for by replacing
the one system call."""

from __future__ import annotations

import errno
import os
import signal
import stat
from pathlib import Path

import pytest

from profilegen.core import writer
from profilegen.core.errors import InputError, OutputExistsError
from profilegen.core.writer import LOCK_NAME, NAME_MAX, prepare_dir, write_atomic, write_files


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_writes_every_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    targets = write_files(out, [("one.plist", b"1"), ("two.plist", b"22")], force=False)
    assert targets == [out / "one.plist", out / "two.plist"]
    assert listing(out) == ["one.plist", "two.plist"]  # no temporary file, no lock file
    assert (out / "two.plist").read_bytes() == b"22"
    assert stat.S_IMODE((out / "one.plist").stat().st_mode) == 0o644


def test_existing_files_need_force(tmp_path: Path) -> None:
    (tmp_path / "two.plist").write_bytes(b"old")
    with pytest.raises(OutputExistsError) as caught:
        write_files(tmp_path, [("one.plist", b"1"), ("two.plist", b"2")], force=False)
    assert list(caught.value.problems) == [f"--out: {tmp_path / 'two.plist'} already exists; pass --force to overwrite"]
    assert listing(tmp_path) == ["two.plist"] and (tmp_path / "two.plist").read_bytes() == b"old"
    write_files(tmp_path, [("one.plist", b"1"), ("two.plist", b"2")], force=True)
    assert listing(tmp_path) == ["one.plist", "two.plist"] and (tmp_path / "two.plist").read_bytes() == b"2"


def test_several_existing_files_are_named_in_one_line(tmp_path: Path) -> None:
    for name in ("one.plist", "two.plist"):
        (tmp_path / name).write_bytes(b"old")
    with pytest.raises(OutputExistsError) as caught:
        write_files(tmp_path, [("one.plist", b"1"), ("two.plist", b"2")], force=False)
    assert list(caught.value.problems) == [
        f"--out: {tmp_path / 'one.plist'}, {tmp_path / 'two.plist'} already exist; pass --force to overwrite"]


def test_a_dangling_symlink_counts_as_existing(tmp_path: Path) -> None:
    (tmp_path / "x.plist").symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputExistsError) as caught:
        write_files(tmp_path, [("x.plist", b"1")], force=False, option="--output")
    assert list(caught.value.problems) == [f"--output: {tmp_path / 'x.plist'} already exists; pass --force to overwrite"]


def test_name_length_boundary(tmp_path: Path) -> None:
    write_files(tmp_path, [("a" * NAME_MAX, b"1")], force=False)
    assert NAME_MAX == 255
    with pytest.raises(InputError) as caught:
        write_files(tmp_path, [("é" * 128, b"1")], force=False)  # 256 bytes in UTF-8
    assert list(caught.value.problems) == [f"--out: file name {'é' * 40}... is longer than 255 bytes; use a shorter identifier or name"]


def test_a_directory_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "x.plist").mkdir()
    for force in (False, True):
        with pytest.raises(InputError) as caught:
            write_files(tmp_path, [("x.plist", b"1")], force=force)
        assert list(caught.value.problems) == [f"--out: {tmp_path / 'x.plist'} is a directory; remove it or choose another --out"]


def test_prepare_dir_refusals(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError) as caught:
        prepare_dir(tmp_path / "file")
    assert list(caught.value.problems) == [f"--out: {tmp_path / 'file'} exists and is not a directory; give a directory"]
    (tmp_path / "link").symlink_to(tmp_path / "missing")
    with pytest.raises(InputError) as caught:
        prepare_dir(tmp_path / "link", "--dir")
    assert list(caught.value.problems) == [f"--dir: {tmp_path / 'link'} is a symbolic link to {tmp_path / 'missing'}, which does not exist; "
                                     "create that directory or give another --out"]
    with pytest.raises(InputError) as caught:
        prepare_dir(tmp_path / "file" / "sub")
    assert list(caught.value.problems) == [f"--out: cannot create {tmp_path / 'file' / 'sub'}: Not a directory"]
    prepare_dir(tmp_path / "new" / "deeper")
    assert (tmp_path / "new" / "deeper").is_dir()


def test_a_file_that_appears_while_placing_is_kept_and_the_placed_ones_taken_back(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def appear(point: int) -> None:
        if point == 1:
            (tmp_path / "two.plist").write_bytes(b"theirs")

    monkeypatch.setattr(writer, "_test_gate", appear)
    with pytest.raises(OutputExistsError) as caught:
        write_files(tmp_path, [("one.plist", b"1"), ("two.plist", b"2"), ("three.plist", b"3")], force=False)
    assert list(caught.value.problems) == [f"--out: {tmp_path / 'two.plist'} appeared while this run was writing (another program?); "
                                     "it was left as it is and nothing was written; pass --force to overwrite"]
    assert listing(tmp_path) == ["two.plist"] and (tmp_path / "two.plist").read_bytes() == b"theirs"


def test_an_error_while_placing_takes_back_what_was_placed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = writer._rename_noreplace
    calls: list[str] = []

    def failing(src: str, dst: Path) -> None:
        calls.append(dst.name)
        if len(calls) == 2:
            raise PermissionError(errno.EACCES, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(writer, "_rename_noreplace", failing)
    with pytest.raises(InputError) as caught:
        write_files(tmp_path, [("one.plist", b"1"), ("two.plist", b"2")], force=False)
    assert list(caught.value.problems) == [f"--out: cannot write {tmp_path / 'two.plist'}: Permission denied; nothing was written"]
    assert listing(tmp_path) == []


def test_a_full_disk_writes_nothing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = writer._write_temp

    def full(target: Path, data: bytes, temps: list[str] | None = None, *, sync: bool = True) -> str:
        if target.name == "two.plist":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(target, data, temps, sync=sync)

    monkeypatch.setattr(writer, "_write_temp", full)
    with pytest.raises(InputError) as caught:
        write_files(tmp_path, [("one.plist", b"1"), ("two.plist", b"2")], force=True)
    assert list(caught.value.problems) == [f"--out: cannot write in {tmp_path}: No space left on device; nothing was written"]
    assert listing(tmp_path) == []


def test_rename_noreplace_without_native_support(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(writer, "_native_noreplace", lambda src, dst: False)
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.write_bytes(b"new")
    writer._rename_noreplace(str(src), dst)  # link + unlink
    assert listing(tmp_path) == ["dst"] and dst.read_bytes() == b"new"
    src.write_bytes(b"newer")
    with pytest.raises(FileExistsError):
        writer._rename_noreplace(str(src), dst)
    assert dst.read_bytes() == b"new" and src.exists()

    # No hard links on this file system (FAT, some SMB shares): check, then rename.
    def no_links(a: object, b: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(FileExistsError):
        writer._rename_noreplace(str(src), dst)
    other = tmp_path / "other"
    writer._rename_noreplace(str(src), other)
    assert other.read_bytes() == b"newer" and not src.exists()

    def broken(a: object, b: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "link", broken)
    src.write_bytes(b"x")
    with pytest.raises(OSError) as caught:
        writer._rename_noreplace(str(src), tmp_path / "third")
    assert caught.value.errno == errno.EIO and src.exists()


def test_native_noreplace_refuses_an_existing_target(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.write_bytes(b"1")
    dst.write_bytes(b"2")
    with pytest.raises(FileExistsError):
        writer._native_noreplace(str(src), str(dst))
    assert dst.read_bytes() == b"2"
    dst.unlink()
    assert writer._native_noreplace(str(src), str(dst)) is True and dst.read_bytes() == b"1"
    with pytest.raises(FileNotFoundError):
        writer._native_noreplace(str(tmp_path / "missing"), str(tmp_path / "x"))


def test_the_lock(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import fcntl

    (tmp_path / LOCK_NAME).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(InputError) as caught:
        write_files(tmp_path, [("x", b"1")], force=False)
    assert list(caught.value.problems) == [f"--out: {tmp_path / LOCK_NAME} is a symbolic link, not profilegen's lock file; remove it"]
    (tmp_path / LOCK_NAME).unlink()
    # Another run holds the lock: this one waits, then gives up with one line.
    monkeypatch.setattr(writer, "LOCK_WAIT", 0.2)
    fd = os.open(tmp_path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(InputError) as caught:
            write_files(tmp_path, [("x", b"1")], force=False)
        assert list(caught.value.problems) == [f"--out: another profilegen run has been writing in {tmp_path} for 0 s; "
                                         "wait for it to finish or stop it"]
    finally:
        os.close(fd)
    assert not (tmp_path / "x").exists()
    write_files(tmp_path, [("x", b"1")], force=False)
    assert listing(tmp_path) == ["x"]  # the lock file is gone once the run is done


def test_same_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        assert writer._same_file(fd, path)
        path.unlink()
        assert not writer._same_file(fd, path)
        path.write_text("another file")
        assert not writer._same_file(fd, path)
    finally:
        os.close(fd)


def test_write_atomic_replaces(tmp_path: Path) -> None:
    target = tmp_path / "t"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and listing(tmp_path) == ["t"]


def test_a_failed_temporary_write_leaves_nothing(tmp_path: Path) -> None:
    temps: list[str] = []
    with pytest.raises(TypeError):
        writer._write_temp(tmp_path / "x", "not bytes", temps)  # type: ignore[arg-type]
    assert listing(tmp_path) == [] and len(temps) == 1


def test_signals_are_held_while_placing() -> None:
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    with writer._signals_held():
        held = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        assert {signal.SIGINT, signal.SIGTERM} <= held
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_gate_waits_only_while_its_file_exists(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    gate = tmp_path / "gate"
    monkeypatch.setenv(writer.GATE_ENV, str(gate))
    start = time.monotonic()
    writer._test_gate(0)
    assert time.monotonic() - start < 0.5
    (tmp_path / "gate.3").write_text("")
    threading.Timer(0.3, (tmp_path / "gate.3").unlink).start()
    start = time.monotonic()
    writer._test_gate(3)
    assert 0.25 < time.monotonic() - start < 5


def test_no_descriptor_is_left_open(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import fcntl

    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("no /proc/self/fd here")
    before = open_fds()
    write_files(tmp_path, [("a", b"1"), ("b", b"2")], force=False)
    write_files(tmp_path, [("a", b"1")], force=True)
    writer._sync_dir(tmp_path)
    assert open_fds() == before
    monkeypatch.setattr(writer, "LOCK_WAIT", 0.05)
    fd = os.open(tmp_path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(InputError):
            write_files(tmp_path, [("c", b"1")], force=False)
        assert open_fds() == before + 1  # only the test's own lock
    finally:
        os.close(fd)
