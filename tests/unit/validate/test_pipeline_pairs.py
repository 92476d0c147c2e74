"""validate.pipeline across files (issue 23): the login window / menu bar pair of a run, waivers,
reading inputs at the size limit, and the exact refusals of expand."""

from __future__ import annotations

import os
import plistlib
import threading
from pathlib import Path
from typing import Any

import pytest

from profilegen.core.errors import InputError
from profilegen.profile.read import MAX_BYTES
from profilegen.rules.findings import Finding, Severity
from profilegen.validate.pipeline import FileResult, Pair, _read_chunks, expand, read_input, validate_paths
from tests.cases.make_cases import LOGIN, MENUBAR

T2 = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"


def write(path: Path, value: object) -> str:
    path.write_bytes(plistlib.dumps(value))
    return str(path)


def found(results: list[FileResult]) -> list[list[tuple[str, str | None]]]:
    return [[(f.code, f.key) for f in r.findings if f.code.startswith("PG4")] for r in results]


def test_a_pair_across_two_files_is_compared_on_the_menu_bar_file(tmp_path: Path) -> None:
    login = write(tmp_path / "a.login.plist", LOGIN)
    bar = {"IdPSettings": {**MENUBAR["IdPSettings"], "TenantID": T2}}
    menubar = write(tmp_path / "b.menubar.plist", bar)
    results = validate_paths([login, menubar])
    pg406 = [f for f in results[1].findings if f.code == "PG406"]
    assert [f.message for f in pg406] == [
        f"menu bar tenant '{T2}' differs from the login window's OIDCTenant '8eaef023-2b34-4da1-9baa-8bc8c9d6a490' "
        f"(login window: {login})"]
    assert pg406[0].line == 11 and not any(f.code == "PG406" for f in results[0].findings)
    # The same two files the other way round: the finding stays with the menu bar file.
    results = validate_paths([menubar, login])
    assert [f.code for f in results[0].findings if f.code == "PG406"] == ["PG406"]


def test_waivers_across_files(tmp_path: Path) -> None:
    login = write(tmp_path / "a.login.plist", {k: v for k, v in LOGIN.items() if k != "OIDCTenant"})
    menubar = write(tmp_path / "b.menubar.plist", MENUBAR)
    alone = validate_paths([login])
    assert [f.code for f in alone[0].findings if f.code == "PG401"] == ["PG401"]
    together = validate_paths([login, menubar])
    assert [f.code for f in together[0].findings if f.code == "PG401"] == []
    # A second login window: no single pair, nothing waived, nothing compared.
    other = write(tmp_path / "c.login.plist", LOGIN)
    three = validate_paths([login, menubar, other])
    assert [f.code for f in three[0].findings if f.code == "PG401"] == ["PG401"]
    bar2 = write(tmp_path / "d.menubar.plist", {"IdPSettings": {**MENUBAR["IdPSettings"], "TenantID": T2}})
    assert not any(f.code == "PG406" for r in validate_paths([other, bar2, menubar]) for f in r.findings)


def test_no_pair_within_a_run_of_one_kind(tmp_path: Path) -> None:
    a = write(tmp_path / "a.menubar.plist", MENUBAR)
    b = write(tmp_path / "b.menubar.plist", {"IdPSettings": {**MENUBAR["IdPSettings"], "TenantID": T2}})
    assert not any(f.code.startswith(("PG406", "PG415", "PG418")) for r in validate_paths([a, b]) for f in r.findings)


def test_pair_counts() -> None:
    from profilegen.profile.shapes import Settings

    login = Settings("com.jamf.connect.login", "login", {}, "", "bare")
    bar = Settings("com.jamf.connect", "menubar", {}, "", "bare")
    other = Settings("x", None, {}, "", "bare")
    pair = Pair()
    pair.add(0, "none", [other])
    assert pair == Pair()
    pair.add(1, "one", [login])
    pair.add(2, "two", [bar, login])
    assert (pair.owners, pair.logins, pair.menubars, pair.login, pair.menubar) == (2, 2, 1, (1, "one"), (2, "two"))
    merged = Pair()
    merged.merge(pair, offset=10)
    merged.merge(Pair(owners=1, logins=1, menubars=0, login=(0, "z")), offset=20)
    assert (merged.owners, merged.logins, merged.menubars, merged.login, merged.menubar) == (3, 3, 1, (11, "one"), (12, "two"))


def test_errors_counts_only_errors() -> None:
    findings = [Finding("PG1", Severity.ERROR, None, "a"), Finding("PG2", Severity.WARNING, None, "b"),
                Finding("PG3", Severity.INFO, None, "c"), Finding("PG4", Severity.ERROR, None, "d")]
    assert FileResult("x", findings).errors == 2
    assert FileResult("x", []).errors == 0


def test_read_input_limits(tmp_path: Path) -> None:
    exact = tmp_path / "exact"
    exact.write_bytes(b"x" * MAX_BYTES)
    assert read_input(str(exact), None) == b"x" * MAX_BYTES
    over = tmp_path / "over"
    over.write_bytes(b"x" * (MAX_BYTES + 1))
    result = read_input(str(over), None)
    assert isinstance(result, Finding) and result.message == "4,194,305 bytes is over the 4 MiB (4,194,304 bytes) limit; not read"
    assert read_input("-", b"abc") == b"abc" and read_input("-", None) == b""
    missing = read_input(str(tmp_path / "missing"), None)
    assert isinstance(missing, Finding) and (missing.code, missing.message) == ("PG106", "cannot read the file: No such file or directory")


@pytest.mark.parametrize(("size", "over"), [(MAX_BYTES, False), (MAX_BYTES + 1, True)])
def test_a_pipe_is_read_up_to_the_limit(tmp_path: Path, size: int, over: bool) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as fh:
            try:
                fh.write(b"y" * size)
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed)
    writer.start()
    result = read_input(str(fifo), None)
    writer.join(30)
    if over:
        assert isinstance(result, Finding) and result.message == "the input is over the 4 MiB (4,194,304 bytes) limit; not read"
    else:
        assert result == b"y" * size


def test_read_chunks_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"z" * 200_000)
    with open(path, "rb") as fh:
        assert _read_chunks(fh, 70_000) == b"z" * 70_000
        assert _read_chunks(fh, 0) == b""
        assert len(_read_chunks(fh, 1 << 20)) == 130_000


def test_expand(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("b.plist", "sub/A.MOBILECONFIG", "c.txt"):
        (tmp_path / "d" / name).write_text("x")
    assert expand([str(tmp_path / "d"), "-"]) == [str(tmp_path / "d" / "b.plist"), str(tmp_path / "d" / "sub" / "A.MOBILECONFIG"), "-"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as caught:
        expand([str(tmp_path / "empty")])
    assert list(caught.value.problems) == [f"{tmp_path / 'empty'}: no *.mobileconfig or *.plist files in this directory; give a folder of profiles"]
    with pytest.raises(InputError) as caught:
        expand(["--strict"])
    assert list(caught.value.problems) == ["--strict: no such file or directory; after '--' options are file names "
                                           "(in a pre-commit hook, end args with '--': args: [--strict, --])"]
    with pytest.raises(InputError) as caught:
        expand([str(tmp_path / "nope")])
    assert list(caught.value.problems) == [f"{tmp_path / 'nope'}: no such file or directory; check the path"]


def _rglob_listing(root: Path) -> list[str]:
    # What expand() listed before issue 21 (Path.rglob), as the oracle for the os.walk listing.
    return sorted(str(p) for p in root.rglob("*") if p.suffix.lower() in (".mobileconfig", ".plist") and p.is_file())


@pytest.mark.parametrize("spelling", ["{d}", "{d}/", "{d}//", "{d}/./", "./d", "d", "."])
def test_expand_lists_what_rglob_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str) -> None:
    d = tmp_path / "d"
    (d / ".hidden" / "deep").mkdir(parents=True)
    (d / "sub").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.plist").write_text("x")
    for name in ("b.plist", "sub/A.MOBILECONFIG", ".hidden/deep/c.mobileconfig", ".dot.plist", "x.plist.",
                 "y..plist", "note.txt", "plist", ".plist"):
        (d / name).write_text("x")
    (d / "folder.plist").mkdir()                     # a folder with a profile's suffix: not a file
    (d / "link.plist").symlink_to(d / "b.plist")     # a symlink to a file: listed
    (d / "dangling.plist").symlink_to(d / "gone")    # to nothing: not a file
    (d / "linked").symlink_to(outside)               # a symlink to a folder: not entered
    monkeypatch.chdir(tmp_path if spelling != "." else d)
    given = spelling.format(d=d)
    listed = expand([given])
    assert listed == _rglob_listing(Path(given))
    assert any(name.endswith(".hidden/deep/c.mobileconfig") for name in listed)
    assert not any("far.plist" in name or "folder.plist" in name or "dangling" in name for name in listed)


def test_expand_names_a_folder_it_cannot_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root reads every folder, so the refusal is planted: os.walk lists through os.scandir.
    (tmp_path / "d" / "locked").mkdir(parents=True)
    (tmp_path / "d" / "a.plist").write_text("x")
    real = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError) as caught:
        expand([str(tmp_path / "d")])
    assert list(caught.value.problems) == [
        f"{tmp_path / 'd' / 'locked'}: cannot list this folder (Permission denied); fix its permissions or leave it out"]
