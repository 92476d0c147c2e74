"""generate reruns (issue 22, point 5): identical files are left alone without --force, a changed
file is still refused, and `generate --check` writes nothing and reports drift."""

from __future__ import annotations

from pathlib import Path

from profilegen.cli import app
from tests.helpers import BASE_ARGS

LOGIN = "com.contoso.jamfconnect.login.mobileconfig"
MENUBAR = "com.contoso.jamfconnect.menubar.mobileconfig"


def gen(runner, out: Path, *extra: str, env=None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*BASE_ARGS, *extra, "--out", str(out)], env=env)


def said(result) -> list[str]:  # type: ignore[no-untyped-def]
    """stderr without generate's design notes (PG420 info), which come first on every run."""
    lines = result.stderr.splitlines()
    assert all(line.startswith("note: ") for line in lines[:-2]), lines  # notes first
    return [line for line in lines if not line.startswith("note: ")]


def state(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each file's inode, mtime in nanoseconds and bytes: a rewrite changes the inode (rename)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(out.iterdir())}


def test_unchanged_rerun_leaves_files_alone_and_says_so(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert gen(runner, out).exit_code == 0
    before = state(out)
    again = gen(runner, out)
    assert again.exit_code == 0, again.stderr
    assert said(again) == [
        f"unchanged: {out / LOGIN} (identical; left as it is)",
        f"unchanged: {out / MENUBAR} (identical; left as it is)",
    ]
    assert state(out) == before
    assert sorted(p.name for p in out.iterdir()) == [LOGIN, MENUBAR]  # no lock or temp file left


def test_changed_output_refused_without_force_nothing_written(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert gen(runner, out).exit_code == 0
    before = state(out)
    result = gen(runner, out, "--admin-role", "Admin")  # changes the login profile only
    assert result.exit_code == 2
    assert said(result) == [f"profilegen: --out: {out / LOGIN} already exists and differs from what this run writes; "
                            "pass --force to overwrite (--check lists the changed keys)"]
    assert state(out) == before


def test_force_writes_only_what_changed(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert gen(runner, out).exit_code == 0
    before = state(out)
    result = gen(runner, out, "--admin-role", "Admin", "--force")
    assert result.exit_code == 0
    assert said(result) == [f"wrote {out / LOGIN}", f"unchanged: {out / MENUBAR} (identical; left as it is)"]
    after = state(out)
    assert after[MENUBAR] == before[MENUBAR] and after[LOGIN][2] != before[LOGIN][2]


def test_one_file_missing_is_written_the_other_kept(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert gen(runner, out).exit_code == 0
    (out / LOGIN).unlink()
    before = state(out)
    result = gen(runner, out)
    assert result.exit_code == 0
    assert said(result) == [f"wrote {out / LOGIN}", f"unchanged: {out / MENUBAR} (identical; left as it is)"]
    assert state(out)[MENUBAR] == before[MENUBAR]


def test_check_clean_exit_0_writes_nothing(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert gen(runner, out).exit_code == 0
    before = state(out)
    result = gen(runner, out, "--check")
    assert (result.exit_code, result.stdout, said(result)) == (0, "", ["2 files up to date, 0 drifted"])
    assert state(out) == before


def test_check_drift_exit_1_names_each_file(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert gen(runner, out).exit_code == 0
    (out / MENUBAR).unlink()
    before = state(out)
    result = gen(runner, out, "--check", "--admin-role", "Admin")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"changed: {out / LOGIN}"
    assert any(line.startswith("  ") and "OIDCAdmin" in line for line in lines[1:-1]), lines
    assert lines[-1] == f"missing: {out / MENUBAR}"
    assert said(result) == ["0 files up to date, 2 drifted"]
    assert state(out) == before


def test_check_missing_directory_is_drift_and_not_created(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "nothing-yet"
    result = gen(runner, out, "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"missing: {out / LOGIN}", f"missing: {out / MENUBAR}"]
    assert not out.exists()


def test_check_other_files_in_out_are_not_drift(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert gen(runner, out).exit_code == 0
    (out / "README.txt").write_text("kept by the admin\n")
    assert gen(runner, out, "--check").exit_code == 0


def test_check_bad_input_exit_2(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = gen(runner, out, "--check", "--force")
    assert (result.exit_code, result.stderr) == (2, "profilegen: --check writes nothing, so --force has no effect; drop one of them\n")
    stdout = runner.invoke(app, [*BASE_ARGS, "--component", "login", "--check", "--out", "-"])
    assert (stdout.exit_code, stdout.stderr) == (2, "profilegen: --check: compares the files in --out; give the directory, not -\n")
    (tmp_path / "file").write_text("x")
    not_dir = gen(runner, tmp_path / "file", "--check")
    assert not_dir.exit_code == 2 and "is not a directory" in not_dir.stderr
    bad = gen(runner, out, "--check", "--tenant", "not a tenant")
    assert bad.exit_code == 2 and "--tenant" in bad.stderr
    assert not out.exists()



def test_two_changed_files_named_in_one_line(runner, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert gen(runner, out).exit_code == 0
    result = gen(runner, out, "--organization", "Other")  # PayloadOrganization of both profiles
    assert result.exit_code == 2
    assert said(result) == [f"profilegen: --out: {out / LOGIN}, {out / MENUBAR} already exist and differ from what this run writes; "
                            "pass --force to overwrite (--check lists the changed keys)"]
