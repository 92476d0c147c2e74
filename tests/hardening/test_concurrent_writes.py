"""Two runs writing into one directory (issue 8 §3.1), with real processes.

Without --force the later run must never replace what the earlier one wrote; with --force on both,
the login and menu bar profiles in the directory must come from one run. A test-only pause
(PROFILEGEN_TEST_WRITE_GATE) holds a run inside its write phase so the overlap is certain."""

from __future__ import annotations

import os
import plistlib
import re
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .proc import GENERATE, Gate, problems, run, start, stray_files

LOGIN = "com.contoso.jamfconnect.login.mobileconfig"
MENUBAR = "com.contoso.jamfconnect.menubar.mobileconfig"


def generate(org: str, out: Path, *more: str) -> list[str]:
    return [*GENERATE, "--organization", org, "--out", str(out), *more]


def org_of(path: Path) -> str:
    return str(plistlib.loads(path.read_bytes())["PayloadOrganization"])


def wait_for(done: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the first run never reached the gate"
        time.sleep(0.01)


def settle(proc: subprocess.Popen[str], timeout: float = 20) -> None:
    """Until ``proc`` has finished, or has opened the lock file and so waits for the lock (a
    waiting run keeps the file open between its tries, profilegen/core/writer.py)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and not opened_lock(proc.pid):
        assert time.monotonic() < deadline, "the second run neither finished nor waited for the lock"
        time.sleep(0.01)


def opened_lock(pid: int) -> bool:
    try:
        return any(os.readlink(fd).endswith("/.profilegen.lock") for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def wait_for_temps(directory: Path, proc: subprocess.Popen[str]) -> None:
    wait_for(lambda: any(n.endswith(".tmp") for n in stray_files(directory)), proc)


def test_second_run_without_force_never_replaces_the_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gate = Gate(tmp_path / "gate", 0)
    first = start(generate("First", out), extra_env=gate.env)
    wait_for_temps(out, first)  # past its own existence check, files not yet in place
    second = start(generate("Second", out))
    settle(second)  # it finishes (no lock: it wrote) or it waits for the first run's lock
    gate.open(0)
    second_err = second.communicate(timeout=60)[1]
    first_err = first.communicate(timeout=60)[1]
    codes = sorted([first.returncode, second.returncode])
    assert codes == [0, 2], (first_err, second_err)
    loser = second_err if second.returncode else first_err
    assert len(problems(loser)) == 1 and "already exist; pass --force" in loser
    assert {org_of(out / LOGIN), org_of(out / MENUBAR)} == {"First"}
    assert stray_files(out) == []


def test_file_made_by_another_program_meanwhile_is_left_alone(tmp_path: Path) -> None:
    """A writer that ignores the lock: the final step itself refuses to replace its file."""
    out = tmp_path / "out"
    gate = Gate(tmp_path / "gate", 1)
    proc = start(generate("Mine", out), extra_env=gate.env)
    wait_for(lambda: (out / LOGIN).exists(), proc)
    (out / MENUBAR).write_bytes(b"theirs")
    gate.open(1)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert len(problems(err)) == 1 and "appeared while this run was writing" in err and "nothing was written" in err
    assert (out / MENUBAR).read_bytes() == b"theirs"
    assert not (out / LOGIN).exists(), "the half of the set this run had placed is taken back"
    assert stray_files(out) == []


def test_forced_runs_never_mix_their_profiles(tmp_path: Path) -> None:
    """The second run writes both files while the first pauses between its two: without a lock
    the login profile would be the second run's and the menu bar profile the first's."""
    out = tmp_path / "out"
    gate = Gate(tmp_path / "gate", 1)
    first = start(generate("First", out, "--force"), extra_env=gate.env)
    wait_for(lambda: (out / LOGIN).exists(), first)  # one file placed, the other not yet
    second = start(generate("Second", out, "--force"))
    settle(second)
    gate.open(1)
    first.communicate(timeout=60)
    second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0)
    assert org_of(out / LOGIN) == org_of(out / MENUBAR)
    assert stray_files(out) == []


def _race(out: Path, runs: int, *more: str) -> list[tuple[int, str]]:
    def one(n: int) -> tuple[int, str]:
        done = run(generate(f"Run {n}", out, *more))
        return done.returncode, done.stderr

    with ThreadPoolExecutor(runs) as pool:
        return list(pool.map(one, range(runs)))


@pytest.mark.parametrize("force", [False, True], ids=["no-force", "force"])
def test_many_simultaneous_runs(tmp_path: Path, force: bool) -> None:
    """No pause: plain races, many rounds of three runs started together."""
    for round_ in range(3):
        out = tmp_path / f"round{round_}"
        results = _race(out, 3, *(["--force"] if force else []))
        codes = [code for code, _ in results]
        if force:
            assert codes == [0, 0, 0], results
        else:
            assert sorted(codes) == [0, 2, 2], results
            winner = next(n for n, (code, _) in enumerate(results) if code == 0)
            assert org_of(out / LOGIN) == f"Run {winner}"
            for code, err in results:
                # the loser finds one or both files: "X already exists ..." or "X, Y already exist ..."
                assert code == 0 or (len(problems(err)) == 1 and re.search(r" already exists?[ ;]", err)), err
        assert org_of(out / LOGIN) == org_of(out / MENUBAR), results
        assert stray_files(out) == []


Setup = Callable[[Path], list[str]]


def _variants_args(tmp_path: Path) -> Callable[[str, Path], list[str]]:
    import yaml

    from tests.variants.conftest import make_base

    def args(org: str, out: Path) -> list[str]:
        cfg = tmp_path / f"{org}.yaml"
        cfg.write_text(yaml.safe_dump(make_base(organization=org)), encoding="utf-8")
        return ["variants", str(cfg), "--out", str(out)]

    return args


@pytest.mark.parametrize("command", ["variants", "azure blueprint"])
def test_other_writers_refuse_a_second_run_too(tmp_path: Path, command: str) -> None:
    if command == "variants":
        make = _variants_args(tmp_path)
    else:
        def make(org: str, out: Path) -> list[str]:
            return ["azure", "blueprint", "--api-name", f"{org} API", "--out", str(out)]
    out = tmp_path / "out"
    gate = Gate(tmp_path / "gate", 0)
    first = start(make("First", out), extra_env=gate.env)
    wait_for_temps(out, first)
    second = start(make("Second", out))
    settle(second)
    gate.open(0)
    second_err = second.communicate(timeout=60)[1]
    first_err = first.communicate(timeout=60)[1]
    assert sorted([first.returncode, second.returncode]) == [0, 2], (first_err, second_err)
    assert re.search(r" already exists?;", second_err), second_err
    text = "".join(p.read_text(errors="replace") for p in sorted(out.iterdir()))
    assert "First" in text and "Second" not in text
    assert stray_files(out) == []
