"""Proof for a performance change: validate prints the same bytes before and after.

Runs `profilegen validate` from two source trees (this checkout and --before, e.g. `git archive
main`) with this venv's dependencies, on tests/cases and the corpus of real profiles, in every
report format, each file on its own and each folder whole (`--jobs 1`, and the default pool),
with and without --explain, and with no option at all (validate's fast path, no typer), and
compares stdout, stderr and exit code byte for byte. Prints one line per run and a verdict;
exits 1 when anything differs. Not a test: the suite cannot hold an
old tree, so this is run by hand around a change (docs/performance.md).

    git archive main --prefix=base/ | tar -x -C /tmp
    .venv/bin/python bench/same_output.py --before /tmp/base [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bytecode import compile_tree  # bench/bytecode.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("text", "json", "sarif", "junit", "github")


def run(src: Path, args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-m", "profilegen", "validate", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=600, check=False)
    return done.returncode, done.stdout, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True, help="the source tree to compare with")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    print(compile_tree())
    print(compile_tree(args.before))
    before, after = args.before.resolve(), ROOT
    folders = [ROOT / "tests" / "cases"] + ([args.corpus.resolve()] if args.corpus.is_dir() else [])
    if len(folders) == 1:
        print(f"corpus not found at {args.corpus}: only tests/cases compared")
    # Runs from a neutral directory, so that neither tree shadows the other on sys.path.
    cwd = Path("/")
    runs: list[list[str]] = []
    for folder in folders:
        files = sorted(str(p) for p in folder.rglob("*") if p.is_file())
        for fmt in FORMATS:
            runs.append(["--format", fmt, "--jobs", "1", str(folder)])
            runs.append(["--format", fmt, str(folder)])
        runs.append(["--explain", "--jobs", "1", str(folder)])
        runs.append(["--format", "json", "--explain", str(folder)])
        runs.extend(["--format", "text", name] for name in files)  # the json of each file: in the folder runs
        # No option: validate's fast path (cli/validate_cmd.py), which runs without typer.
        runs.extend([name] for name in files)
        runs.extend([[str(folder)], ["--", str(folder)]])
    differ = 0
    for n, argv in enumerate(runs, 1):
        old, new = run(before, argv, cwd), run(after, argv, cwd)
        if old != new:
            differ += 1
            print(f"DIFFERS: validate {' '.join(argv)} (exit {old[0]} -> {new[0]})")
        elif n <= len(FORMATS) * 2 + 2:
            print(f"same: validate {' '.join(argv)} ({len(new[1]):,} bytes, exit {new[0]})")
    print(f"{len(runs)} runs, {len(runs) - differ} byte-identical, {differ} different")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
