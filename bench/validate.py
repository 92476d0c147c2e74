"""Benchmark: `profilegen validate` as a whole process on 1,000 / 10,000 / 50,000 profiles.

Each size gets a folder of generated Jamf Connect profiles (both payload styles, login and menu
bar). Every command runs as a fresh process, --runs times, paired (baseline, profilegen, peer in
turn), so a machine shared with other work slows all of them alike. Printed per command: min and
median wall time, the least CPU time (user + system, all processes: the fairer figure on a busy
machine), peak RSS of the process (GNU time's %M; with a worker pool, the largest of the
parent and its workers), and the ratios of the mins and of the medians to the baseline measured in the
same run: a bare `plistlib.loads` walk over the same files in a fresh `python`. The last block
times `profilegen validate ONE_FILE` against `python -c pass`. Not a test: nothing is asserted.

    .venv/bin/python bench/validate.py [--counts 1000,10000,50000] [--runs 5] [--jobs N]
        [--src DIR]  # another checkout's source tree (e.g. `git archive main`) for a before figure
        [--peer mcv --peer-cmd /path/to/mcv-venv/bin/mobileconfig-validator]
        [--profile]  # also print where the time goes in-process (cProfile, 200 profiles)

bench/README.md says how to install mobileconfig-validator (MCV) in its own venv.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
        style = "mcx" if i % 2 else "direct"
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


def run_once(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, int, int, float]:
    """(seconds, peak RSS in KiB, exit status, CPU seconds user+system) of one fresh process.

    The peak comes from GNU time (/usr/bin/time -f %M), a small C program: Linux carries the
    resident size of the process that calls exec into the new program's ru_maxrss, so measured
    directly from this (large) bench process every figure would start at the bench's own size."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        done = subprocess.run([GNU_TIME, "-f", "%M %U %S", "-o", rss.name, *cmd], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env, cwd=cwd, check=False)
        elapsed = time.perf_counter() - start
        peak, user, system = rss.read().strip().splitlines()[-1].split()
    return elapsed, int(peak), done.returncode, float(user) + float(system)


def paired(cases: dict[str, tuple[list[str], Path | None]], env: dict[str, str], runs: int) -> dict[str, list[tuple[float, int, int, float]]]:
    out: dict[str, list[tuple[float, int, int, float]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (cmd, cwd) in cases.items():
            out[name].append(run_once(cmd, env, cwd))
    return out


def report(title: str, results: dict[str, list[tuple[float, int, int, float]]], base: str) -> None:
    bmin = min(t for t, _, _, _ in results[base])
    bmed = statistics.median(t for t, _, _, _ in results[base])
    bcpu = min(c for _, _, _, c in results[base])
    print(f"\n{title}")
    print(f"  {'command':34} {'min':>8} {'median':>8} {'min/base':>9} {'med/base':>9} {'CPU min':>8} {'CPU/base':>9} {'peak RSS':>9}  exit")
    for name, rows in results.items():
        times = [t for t, _, _, _ in rows]
        cpu = min(c for _, _, _, c in rows)
        rss = max(r for _, r, _, _ in rows) / 1024
        codes = sorted({c for _, _, c, _ in rows})
        print(
            f"  {name:34} {min(times):7.3f}s {statistics.median(times):7.3f}s "
            f"{min(times) / bmin:8.2f}x {statistics.median(times) / bmed:8.2f}x "
            f"{cpu:7.2f}s {cpu / max(bcpu, 0.01):8.2f}x {rss:7.1f}MiB  {codes}"
        )


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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs N to profilegen (default: its own default)")
    parser.add_argument("--src", type=Path, default=None, help="run profilegen from this source tree instead")
    parser.add_argument("--peer", choices=["mcv"], default=None, help="also time mobileconfig-validator")
    parser.add_argument("--peer-cmd", default="mobileconfig-validator", help="the peer's executable (in its own venv)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(compile_tree(args.src))

    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    ours = [sys.executable, "-m", "profilegen", "validate"]
    if args.jobs is not None:
        ours += ["--jobs", str(args.jobs)]
    if not Path(GNU_TIME).exists():
        raise SystemExit("bench: /usr/bin/time (GNU time) is needed for peak RSS; apt-get install time")
    if args.peer and not shutil.which(args.peer_cmd):
        raise SystemExit(f"bench: {args.peer_cmd}: not found; see bench/README.md to install mobileconfig-validator")
    counts = [int(c) for c in args.counts.split(",") if c]
    docs = documents(min(max(counts), 1000))
    print(f"cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}; runs per command: {args.runs} (paired)")
    from_ = subprocess.run([sys.executable, "-c", "import profilegen; print(profilegen.__file__)"], env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True).stdout.strip()
    print(f"profilegen from: {from_}; --jobs {args.jobs if args.jobs is not None else '(default)'}")
    with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
        # Every command runs in the temporary folder: `python -m profilegen` puts the working
        # directory first on sys.path, so run from a checkout it would shadow --src.
        here = Path(tmp)
        for count in counts:
            folder = make_folder(Path(tmp), count, docs)
            cases: dict[str, tuple[list[str], Path | None]] = {
                "plistlib walk (baseline)": ([sys.executable, "-c", WALK, str(folder)], here),
                "profilegen validate DIR": ([*ours, str(folder)], here),
            }
            if args.peer:
                files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.mobileconfig"))
                cases["mcv --offline FILES"] = ([args.peer_cmd, "--offline", "--format", "json", *files], folder)
            report(f"{count} profiles", paired(cases, env, args.runs), "plistlib walk (baseline)")
            shutil.rmtree(folder)
        one = Path(tmp) / "one.mobileconfig"
        one.write_bytes(docs[0][1])
        cases = {
            "python -c pass (baseline)": ([sys.executable, "-c", "pass"], here),
            "profilegen validate ONE_FILE": ([*ours, str(one)], here),
        }
        if args.peer:
            cases["mcv --offline ONE_FILE"] = ([args.peer_cmd, "--offline", str(one)], here)
        report("one file", paired(cases, env, max(args.runs, 10)), "python -c pass (baseline)")
    if args.profile:
        profile_inprocess(docs)


if __name__ == "__main__":
    main()
