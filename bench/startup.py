"""Benchmark: start-up of the console script against the venv's own `python -c pass`.

Each command runs several times as a fresh process; the min and median of its CPU time (user +
system) are printed with their ratio to the baseline measured in the same run. Not a test: numbers are reported, never asserted.

    .venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bytecode import compile_tree  # bench/bytecode.py, beside this script

BIN = Path(sys.executable).parent
TENANT = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490"
CLIENT = "2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50"


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def times(cmd: list[str], runs: int) -> list[float]:
    """CPU time (user + system) of each run: on a shared machine wall time measures the queue."""
    out = []
    for _ in range(runs):
        start = _children_cpu()
        subprocess.run(cmd, capture_output=True, check=False)
        out.append(_children_cpu() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(compile_tree())
    script = str(BIN / "profilegen")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [script, "generate", "--tenant", TENANT, "--client-id", CLIENT, "--organization", "Bench",
             "--identifier", "com.example.bench", "--out", tmp, "--component", "login"],
            check=True, capture_output=True,
        )
        (profile,) = Path(tmp).iterdir()
        cases = {
            "python -c pass (baseline)": [sys.executable, "-c", "pass"],
            "profilegen --version": [script, "--version"],
            "profilegen --help": [script, "--help"],
            "profilegen validate ONE_FILE": [script, "validate", str(profile)],
            "profilegen generate ONE_PROFILE": [script, "generate", "--tenant", TENANT, "--client-id", CLIENT,
                                                "--organization", "Bench", "--identifier", "com.example.bench",
                                                "--component", "login", "--out", "-"],
        }
        results = {name: times(cmd, args.runs) for name, cmd in cases.items()}
    base = statistics.median(results["python -c pass (baseline)"])
    print(f"runs per command: {args.runs}; CPU time; ratios are medians against the baseline's median")
    for name, values in results.items():
        med = statistics.median(values)
        print(f"{name:32} min {min(values) * 1e3:6.1f} ms  median {med * 1e3:6.1f} ms  {med / base:5.1f}x")


if __name__ == "__main__":
    main()
