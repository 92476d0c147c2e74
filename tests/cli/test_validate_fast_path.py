"""validate's fast path (cli/validate_cmd.py: no option, no typer) against the Typer app: the same
stdout, stderr and exit code, on every case file, on hostile inputs and in hostile processes.

The Typer side is what profilegen.cli.main does for any line the fast path does not take (load
the command's module, then cli.app.main), here called for the same argv, so both sides differ
only in the route. Each side is a real process: closed stdout, a broken pipe, SIGINT, a terminal
and PYTHONIOENCODING are properties of the process, not of a CliRunner.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from profilegen.cli.argv import hook_arguments, plain_validate_paths
from tests.hardening.proc import SCRIPT, env, wait_blocked_on_stdin

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
CORPUS = ROOT.parent / "shared" / "corpus"
GOOD = CASES / "PG402" / "pass-design-a.login.plist"

# The Typer route of profilegen.cli.main, for any argv.
TYPER = ("import sys; sys.argv[0] = 'profilegen'; import profilegen.cli as cli; "
         "cli._load_app(cli.modules_for(sys.argv[1:])); from profilegen.cli.app import main; main()")


def command(route: str, args: list[Any]) -> list[Any]:
    """`profilegen validate ARGS` by the console script (whose main takes the fast path) or by the Typer route."""
    return [SCRIPT, "validate", *args] if route == "fast" else [sys.executable, "-c", TYPER, "validate", *args]


def both(args: list[Any], *, extra_env: dict[str, str] | None = None, **kw: Any) -> tuple[Any, Any]:
    """(fast, typer): each a CompletedProcess of the same command line by its route."""
    argv = ["validate", *map(os.fsdecode, args)]
    assert plain_validate_paths(hook_arguments(argv), {}) is not None, f"{argv}: not a fast-path line"
    kw.setdefault("capture_output", True)
    runs = [subprocess.run(command(route, args), env=env(extra_env), timeout=120, check=False, **kw)
            for route in ("fast", "typer")]
    return runs[0], runs[1]


def same(args: list[Any], **kw: Any) -> subprocess.CompletedProcess[bytes]:
    fast, typer = both(args, **kw)
    assert (fast.returncode, fast.stdout, fast.stderr) == (typer.returncode, typer.stdout, typer.stderr), args
    return fast


# Runs many command lines in one interpreter per route, each in a fork with its own stdin,
# stdout and stderr files and working directory: every case file costs a fork, not a process.
DRIVER = r"""
import json, os, sys
route, spec = sys.argv[1], sys.argv[2]
cases = json.loads(open(spec).read())
if route == "typer":
    import profilegen.cli as cli
    cli._load_app(cli.modules_for(["validate"]))
    from profilegen.cli.app import main
else:
    from profilegen.cli import main
codes = []
for n, (argv, cwd) in enumerate(cases):
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, name in ((1, "out"), (2, "err")):
            f = os.open(f"{spec}.{route}.{n}.{name}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(f, fd)
        sys.argv = ["profilegen", "validate", *argv]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
print(json.dumps(codes))
"""


def forked(tmp_path: Path, cases: list[tuple[list[str], Path]]) -> None:
    spec = tmp_path / "cases.json"
    spec.write_text(json.dumps([[argv, str(cwd)] for argv, cwd in cases]))
    codes = {}
    for route in ("fast", "typer"):
        done = subprocess.run([sys.executable, "-c", DRIVER, route, str(spec)], capture_output=True, text=True,
                              env=env(), timeout=600, check=False)
        assert done.returncode == 0, done.stderr
        codes[route] = json.loads(done.stdout)
    for n, (argv, _) in enumerate(cases):
        assert plain_validate_paths(hook_arguments(["validate", *argv]), {}) is not None, argv
        fast, typer = ([Path(f"{spec}.{route}.{n}.{name}").read_bytes() for name in ("out", "err")] for route in ("fast", "typer"))
        assert (codes["fast"][n], *fast) == (codes["typer"][n], *typer), argv


def test_every_case_file_and_folder(tmp_path: Path) -> None:
    files = sorted(p for p in CASES.rglob("*") if p.is_file())
    folders = [CASES, *([CORPUS] if CORPUS.is_dir() else [])]
    corpus = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []
    cases = [([str(p)], tmp_path) for p in files + corpus]
    cases += [(["--", str(p)], tmp_path) for p in files[:20]]
    cases += [([str(f)], tmp_path) for f in folders] + [(["--", *map(str, folders)], tmp_path)]
    forked(tmp_path, cases)


def test_project_config_is_read_the_same(tmp_path: Path) -> None:
    # .profilegen.toml in the working directory: format, strict, quiet and select come from it.
    for n, config in enumerate(('format = "json"\nstrict = true\n', 'quiet = true\nselect = ["PG4"]\n',
                                'target-version = "login=2.40,menubar=2.40"\n', 'select = ["PG999"]\n')):
        project = tmp_path / f"project{n}"
        project.mkdir()
        (project / ".profilegen.toml").write_text(config)
        same([str(CASES / "PG402"), str(GOOD)], cwd=project)


def test_paths_that_are_not_files(tmp_path: Path) -> None:
    same([str(tmp_path / "missing.mobileconfig")])
    same([str(CASES / "PG402")])  # a directory
    same([str(tmp_path)])  # an empty one
    same(["/dev/null", str(GOOD)])  # a device, empty


def test_non_utf8_file_names_and_names_that_look_like_options(tmp_path: Path) -> None:
    odd = os.fsencode(tmp_path) + b"/caf\xe9\x1b[31m.mobileconfig"
    shutil.copyfile(GOOD, odd)
    dashed = tmp_path / "--output=planted.plist"
    shutil.copyfile(GOOD, dashed)
    same([odd])
    same(["--", odd, str(dashed)])
    assert not (tmp_path / "planted.plist").exists()


def test_stdin_as_dash() -> None:
    same(["-"], input=GOOD.read_bytes())
    same(["--", "-", str(GOOD)], input=b"<plist><dict><key>x</key></dict>")
    same(["-"], input=b"")


def test_output_encodings_and_colour() -> None:
    # Non-ASCII in the report (a file name), under an ASCII stdout: click's echo rewraps it.
    named = [str(CASES / "PG402"), str(GOOD)]
    for extra in ({"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1:strict"}, {"LANG": "C", "LC_ALL": "C"},
                  {"PYTHONIOENCODING": "utf-16"}, {"FORCE_COLOR": "1"}, {"NO_COLOR": "1"}):
        same(named, extra_env=extra)


def test_a_terminal_gets_the_same_colours(tmp_path: Path) -> None:
    # Control characters reach the report through a file name (XML 1.0 admits none in a profile).
    control = tmp_path / "ctl\x1b]0;title\x07\x9b31m.login.plist"
    shutil.copyfile(GOOD, control)
    for extra in ({"TERM": "xterm"}, {"TERM": "xterm", "NO_COLOR": "1"}, {"TERM": "dumb"}):
        seen = []
        for route in ("fast", "typer"):
            leader, follower = pty.openpty()
            proc = subprocess.Popen(command(route, [str(control), str(GOOD), str(CASES / "PG101")]), stdout=follower,
                                    stderr=subprocess.PIPE, env=env(extra))
            os.close(follower)
            out = b""
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the other side closed
                    break
                if not chunk:
                    break
                out += chunk
            os.close(leader)
            seen.append((proc.wait(timeout=60), out, proc.stderr.read() if proc.stderr else b""))
        assert seen[0] == seen[1], extra
        assert extra.get("NO_COLOR") or extra["TERM"] == "dumb" or b"\x1b[" in seen[0][1]


def test_closed_stdout_and_a_reader_that_quits(tmp_path: Path) -> None:
    same([str(GOOD)], stdout=None, preexec_fn=lambda: os.close(1), stderr=subprocess.PIPE, capture_output=False)
    same([str(GOOD)], stdout=open(os.devnull, "rb"), stderr=subprocess.PIPE, capture_output=False)  # noqa: SIM115 - not writable
    seen = []
    for route in ("fast", "typer"):
        proc = subprocess.Popen(command(route, [str(CASES)]), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.read(1)  # `| head -c1`
        proc.stdout.close()
        seen.append((proc.wait(timeout=120), first, proc.stderr.read()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_reading_stdin(signum: int) -> None:
    seen = []
    for route in ("fast", "typer"):
        proc = subprocess.Popen(command(route, ["-"]), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env())
        wait_blocked_on_stdin(proc)  # type: ignore[arg-type]
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        seen.append((proc.returncode, out, err))
    assert seen[0] == seen[1]
    assert seen[0][0] == 128 + signum


def test_a_bug_is_reported_the_same(tmp_path: Path) -> None:
    # PROFILEGEN_DEBUG and exit 70: a profilegen module that raises, planted on the path first.
    plant = tmp_path / "plant"
    (plant / "sitecustomize.py").parent.mkdir()
    (plant / "sitecustomize.py").write_text(
        "import profilegen.validate.report as r\n"
        "def boom(*a, **k):\n    raise RuntimeError('planted')\n"
        "r.iter_text = boom\n")
    for debug in ("", "1"):
        fast, typer = both([str(GOOD)], extra_env={"PYTHONPATH": str(plant), "PROFILEGEN_DEBUG": debug})
        assert fast.returncode == typer.returncode == 70
        assert fast.stdout == typer.stdout
        # the traceback's frames differ by route; the last lines, our one-line report, do not
        assert fast.stderr.splitlines()[-2:] == typer.stderr.splitlines()[-2:], (fast.stderr, typer.stderr)
