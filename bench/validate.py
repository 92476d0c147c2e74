"""Benchmark: `profilegen validate` as a whole process on 1,000 / 10,000 / 50,000 profiles.

Each size gets a folder of generated Jamf Connect profiles (both payload styles, login and menu
bar). Every command runs as a fresh process, --runs times, paired (baseline, profilegen, peer in
turn), so a machine shared with other work slows all of them alike. Printed per command: the min
and median CPU time (user + system of the process and its workers, from wait4: on a busy machine
the fair figure) and their ratios to the baseline measured in the same run, a bare
`plistlib.loads` walk over the same files in a fresh `python`; the median wall time; peak RSS
(GNU time's %M; with a worker pool, the largest single process). The last block times
`profilegen validate ONE_FILE` against `python -c pass` (at least 20 runs). With --peer, the
same for mobileconfig-validator and the ratio profilegen / MCV. Not a test: nothing is asserted.

    .venv/bin/python bench/validate.py [--counts 1000,10000,50000] [--runs 5] [--jobs N]
        [--src DIR ...]  # other source trees (e.g. `git archive main`): before and after in one
                         # paired run, and the ratio of each to the first
        [--peer mcv --peer-cmd /path/to/mcv-venv/bin/mobileconfig-validator]
        [--format text|json]  # the report both tools write (default: text, each one's default)
        [--no-one-file]  # skip the one-file block
        [--profile]  # also print where the time goes in-process (cProfile, 200 profiles)

bench/README.md says how to install mobileconfig-validator (MCV) in its own venv.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Literal, NamedTuple

from bytecode import compile_tree  # bench/bytecode.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
GNU_TIME = "/usr/bin/time"
sys.path.insert(0, str(ROOT))

WALK = (
    "import os, plistlib, sys\n"
    "for base, _, files in os.walk(sys.argv[1]):\n"
    "    for name in sorted(files):\n"
    "        with open(os.path.join(base, name), 'rb') as fh:\n"
    "            plistlib.loads(fh.read())\n"
)
PEER_COMPILE = (
    "import compileall, os, mobileconfig_validator as m\n"
    "folder = os.path.dirname(m.__file__)\n"
    "print(folder, 'compiled' if compileall.compile_dir(folder, quiet=2) else 'NOT fully compiled')\n"
)


def documents(count: int) -> list[tuple[str, bytes]]:
    """``count`` distinct generated profiles (half the configs MCX, half direct style)."""
    from profilegen.generate.models import ProfileConfig
    from profilegen.generate.pipeline import generate

    out: list[tuple[str, bytes]] = []
    for i in range((count + 1) // 2):
        config = ProfileConfig.model_validate(
            {
                "organization": f"Department {i}",
                "identifier": f"com.example.dept{i}",
                "azure": {
                    "tenant": "8eaef023-2b34-4da1-9baa-8bc8c9d6a490",
                    "client_id": "2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50",
                    "custom_scope": "api://6d1e9a7c-3f2b-4e8d-a1c5-9b7f0e2d4c31/jamfconnect",
                    "admin_roles": [f"Admin{i}"],
                },
                "login": {"LoginWindowMessage": f"Welcome, department {i}", "Migrate": True},
                "menubar": {"SignIn": {"AutoAuthenticate": True}},
            }
        )
        style: Literal["mcx", "direct"] = "mcx" if i % 2 else "direct"
        out += [(d.filename, d.data) for d in generate(config, style=style)]
    return out[:count]


def make_folder(root: Path, count: int, docs: list[tuple[str, bytes]]) -> Path:
    """``count`` files, cycling through ``docs``, 1,000 per sub-folder."""
    folder = root / f"n{count}"
    for n in range(count):
        sub = folder / f"{n // 1000:03d}"
        if n % 1000 == 0:
            sub.mkdir(parents=True)
        (sub / f"p{n:05d}.mobileconfig").write_bytes(docs[n % len(docs)][1])
    return folder


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its children (workers)
    rss: int | None  # peak RSS in KiB, None when not measured
    code: int  # exit status


def run_once(cmd: list[str], env: dict[str, str], cwd: Path, rss: bool = True) -> Run:
    """One fresh process, its stdout and stderr discarded.

    CPU time comes from wait4(): the kernel's rusage of the child and every child it reaped, in
    microseconds (GNU time prints it in hundredths, too coarse for a 12 ms `python -c pass`).
    Peak RSS comes from GNU time (/usr/bin/time -f %M), a small C program: Linux carries the
    resident size of the process that calls exec into the new program's ru_maxrss, so taken from
    a child of this (large) bench process every figure would start at the bench's own size. With
    ``rss`` the command runs under GNU time and its CPU includes GNU time's own, about 1 ms:
    nothing beside the seconds of a folder run, but 8% of `python -c pass`, so the one-file
    block times its commands without it (``rss=False``)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        argv = [GNU_TIME, "-f", "%M", "-o", out.name, *cmd] if rss else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        peak = int(out.read().split()[-1]) if rss else None
    return Run(elapsed, usage.ru_utime + usage.ru_stime, peak, proc.returncode)


Case = tuple[list[str], Path, dict[str, str]]  # argv, working folder, environment


def paired(cases: dict[str, Case], runs: int, rss: bool = True) -> dict[str, list[Run]]:
    """Every command once per round, in turn: a busy machine slows all of them alike."""
    out: dict[str, list[Run]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (cmd, cwd, env) in cases.items():
            out[name].append(run_once(cmd, env, cwd, rss))
    return out


def report(title: str, results: dict[str, list[Run]], base: str, peaks: dict[str, int] | None = None) -> None:
    """The table: CPU min and median with their ratios to ``base`` (the figures to quote), wall
    median (the queue for a core on a shared machine), peak RSS (largest single process of any
    run; ``peaks`` when the runs were timed without GNU time), exit statuses; then profilegen
    against the peer when there is one."""
    bcpu = [r.cpu for r in results[base]]
    bmin, bmed = min(bcpu), statistics.median(bcpu)
    print(f"\n{title} ({len(bcpu)} paired runs)")
    width = max(map(len, results))
    print(f"  {'command':{width}} {'CPU min':>9} {'CPU med':>9} {'min/base':>9} {'med/base':>9} {'wall med':>9} {'peak RSS':>10}  exit")
    for name, rows in results.items():
        cpu = [r.cpu for r in rows]
        peak = peaks.get(name) if peaks else max((r.rss or 0) for r in rows)
        rss = f"{peak / 1024:7.1f}MiB" if peak else "       --"
        codes = sorted({r.code for r in rows})
        print(
            f"  {name:{width}} {min(cpu) * 1e3:7.1f}ms {statistics.median(cpu) * 1e3:7.1f}ms "
            f"{min(cpu) / bmin:8.2f}x {statistics.median(cpu) / bmed:8.2f}x "
            f"{statistics.median(r.wall for r in rows):8.3f}s {rss}  {codes}"
        )
        if any(c not in (0, 1) for c in codes):
            print(f"  ^ {name} exited {codes}: not a finished validation; see its output by hand")
    ours = [n for n in results if n.startswith("profilegen")]
    peer = next((n for n in results if n.startswith("mcv")), None)
    against = [(name, peer) for name in ours if peer] + [(name, ours[0]) for name in ours[1:]]
    for name, other in against:
        mine, theirs = [r.cpu for r in results[name]], [r.cpu for r in results[other]]
        print(f"  {short(name)} / {short(other)}, CPU: median {statistics.median(mine) / statistics.median(theirs):.2f}x, "
              f"min {min(mine) / min(theirs):.2f}x")


def short(name: str) -> str:
    """'profilegen validate DIR [tree]' -> 'profilegen [tree]'; the peer's row -> 'MCV'."""
    if name.startswith("mcv"):
        return "MCV"
    return "profilegen" + (name[name.index(" ["):] if " [" in name else "")


def peer_python(cmd: str) -> list[str] | None:
    """The interpreter named on the peer script's #! line (pip's console scripts), or None."""
    path = shutil.which(cmd)
    first = Path(path).read_bytes().split(b"\n", 1)[0] if path else b""
    return shlex.split(first[2:].decode()) if first.startswith(b"#!") and b"sh" not in first else None


def peer_setup(cmd: str, env: dict[str, str], folder: Path, docs: list[tuple[str, bytes]]) -> None:
    """Compile the peer's bytecode as ours is (pip compiles at install, but a venv made with
    --no-compile or under PYTHONDONTWRITEBYTECODE may lack it), then run it once on each kind of
    generated profile: a missing ProfileManifests cache makes it exit 2 at once, which timed
    would look like a fast validator. Prints what it reports on our profiles."""
    python = peer_python(cmd)
    if python:
        done = subprocess.run([*python, "-c", PEER_COMPILE], env=env, capture_output=True, text=True, check=False)
        print(f"peer bytecode: {done.stdout.strip() or done.stderr.strip()[-200:]}")
    else:
        print(f"peer bytecode: {cmd} is not a plain #! script; not checked (figures may include compiling)")
    samples = []  # docs[:4]: login and menu bar, direct style then MCX
    for n, (name, data) in enumerate(docs[:4]):
        samples.append(folder / f"{n}-{name}")
        samples[-1].write_bytes(data)
    done = subprocess.run([cmd, "--offline", "--format", "json", *map(str, samples)], env=env, cwd=folder,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SystemExit(f"bench: {cmd} --offline exited {done.returncode}: {tail}\n"
                         "  its ProfileManifests cache: VALIDATOR_CACHE_DIR or ~/.cache/mobileconfig-validator "
                         "(bench/README.md)")
    found = Counter(f"{i['code']} {i['message']}" for r in json.loads(done.stdout)["results"] for i in r["issues"])
    said = "; ".join(f"{what} x{n}" for what, n in sorted(found.items())) or "no issues"
    print(f"peer on {len(samples)} generated profiles (login and menu bar, direct and MCX style): {said}")
    for path in samples:
        path.unlink()


def profile_inprocess(docs: list[tuple[str, bytes]]) -> None:
    import cProfile
    import io
    import pstats

    from profilegen.validate.pipeline import validate_bytes

    validate_bytes(docs[0][1], docs[0][0])
    profiler = cProfile.Profile()
    profiler.enable()
    for name, data in docs[:200]:
        validate_bytes(data, name)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(15)
    print("\nwhere the time goes in-process (200 profiles, cumulative):")
    print("\n".join(line for line in stream.getvalue().splitlines() if line.strip())[:3500])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,10000,50000", help="comma-separated folder sizes")
    parser.add_argument("--runs", type=int, default=5, help="paired runs per folder size (one file: at least 20)")
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs N to profilegen (default: its own default)")
    parser.add_argument("--src", type=Path, action="append", default=[],
                        help="run profilegen from this source tree instead (repeat: each, paired)")
    parser.add_argument("--peer", choices=["mcv"], default=None, help="also time mobileconfig-validator")
    parser.add_argument("--peer-cmd", default="mobileconfig-validator", help="the peer's executable (in its own venv)")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="the report both tools write (MCV builds its JSON whole: more memory)")
    parser.add_argument("--no-one-file", action="store_true", help="skip the `validate ONE_FILE` block")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    # One profilegen per --src (none: this venv's install), each with its PYTHONPATH; the peer
    # gets the environment as it is (VALIDATOR_CACHE_DIR names its cache), without any --src.
    peer_env = dict(os.environ)
    trees: dict[str, dict[str, str]] = {}
    for src in args.src or [None]:
        print(compile_tree(src))
        env = dict(os.environ, PYTHONPATH=str(src.resolve())) if src else dict(os.environ)
        trees[f" [{src.resolve().name}]" if len(args.src) > 1 else ""] = env
        from_ = subprocess.run([sys.executable, "-c", "import profilegen; print(profilegen.__file__)"], check=False,
                               env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True).stdout.strip()
        print(f"profilegen from: {from_}")
    fmt = [] if args.format == "text" else ["--format", args.format]  # text: each tool's default
    one_file = [sys.executable, "-m", "profilegen", "validate", *fmt]
    # --jobs only for the folders: `validate FILE` with no option takes the typer-free path
    # (cli/argv.py), and a single file never starts a worker, so the option would only measure typer.
    ours = [*one_file, "--jobs", str(args.jobs)] if args.jobs is not None else one_file
    if not Path(GNU_TIME).exists():
        raise SystemExit("bench: /usr/bin/time (GNU time) is needed for peak RSS; apt-get install time")
    if args.peer and not shutil.which(args.peer_cmd):
        raise SystemExit(f"bench: {args.peer_cmd}: not found; see bench/README.md to install mobileconfig-validator")
    counts = [int(c) for c in args.counts.split(",") if c]
    docs = documents(min(max(counts, default=4), 1000))
    print(f"cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}; CPU time from wait4 (user + system)")
    print(f"profilegen --jobs {args.jobs if args.jobs is not None else '(default)'}; report: --format {args.format}")
    with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
        # Every command runs in the temporary folder: `python -m profilegen` puts the working
        # directory first on sys.path, so run from a checkout it would shadow --src.
        here = Path(tmp)
        if args.peer:
            peer_setup(args.peer_cmd, peer_env, here, docs)
        for count in counts:
            folder = make_folder(here, count, docs)
            cases: dict[str, Case] = {"plistlib walk (baseline)": ([sys.executable, "-c", WALK, str(folder)], here, peer_env)}
            cases.update({f"profilegen validate DIR{tag}": ([*ours, str(folder)], here, env) for tag, env in trees.items()})
            if args.peer:
                # MCV takes files, not folders. One recursive pattern, which it expands itself (as
                # in its README: `apps/**/*.mobileconfig`), lets each tool find its own files, as
                # profilegen and the walk do, and keeps the argument list short: 50,000 absolute
                # names would pass Linux's 2 MiB ARG_MAX.
                cases["mcv --offline DIR/**/*.mobileconfig"] = (
                    [args.peer_cmd, "--offline", *fmt, str(folder / "**" / "*.mobileconfig")], here, peer_env)
            report(f"{count} profiles", paired(cases, args.runs), "plistlib walk (baseline)")
            shutil.rmtree(folder)
        if not args.no_one_file:
            one = here / "one.mobileconfig"
            one.write_bytes(docs[0][1])  # a login profile: findings with line numbers
            cases = {"python -c pass (baseline)": ([sys.executable, "-c", "pass"], here, peer_env)}
            cases.update({f"profilegen validate ONE_FILE{tag}": ([*one_file, str(one)], here, env) for tag, env in trees.items()})
            if args.peer:
                cases["mcv --offline ONE_FILE"] = ([args.peer_cmd, "--offline", *fmt, str(one)], here, peer_env)
            timed = paired(cases, max(args.runs, 20), rss=False)
            peaks = {name: run_once(cmd, cmd_env, cwd).rss or 0 for name, (cmd, cwd, cmd_env) in cases.items()}
            report("one file (CPU without GNU time; peak RSS from one more run under it)", timed,
                   "python -c pass (baseline)", peaks)
    if args.profile:
        profile_inprocess(docs)


if __name__ == "__main__":
    main()
