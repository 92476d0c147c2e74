"""Benchmark: validate 1,000 generated profiles in one process.

Prints the cost per profile and its ratio to plain plistlib.loads of the same bytes, measured in
the same run, then where the time goes, and the start-up time of `profilegen --version` against
`python -c pass`. Not a test: numbers are reported, never asserted.

    .venv/bin/python bench/validate.py [--count N]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import plistlib
import pstats
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from profilegen.generate import generate  # noqa: E402
from profilegen.models import ProfileConfig  # noqa: E402
from profilegen.validate import validate_bytes  # noqa: E402


def documents(count: int) -> list[tuple[str, bytes]]:
    out = []
    for i in range(count // 2):
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
    return out


def timed(func, docs) -> float:
    start = time.perf_counter()
    for name, data in docs:
        func(data, name)
    return time.perf_counter() - start


def startup(cmd: list[str], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    docs = documents(args.count)
    validate_bytes(*docs[0][::-1])  # compile the XSD and load the rules once, as a long run would
    assert all(not validate_bytes(data, name) for name, data in docs[:4]), "generated profiles must be clean"

    base = timed(lambda data, name: plistlib.loads(data), docs)
    ours = timed(lambda data, name: validate_bytes(data, name), docs)
    n = len(docs)
    print(f"profiles:            {n}")
    print(f"plistlib.loads:      {base / n * 1e6:8.1f} µs per profile")
    print(f"profilegen validate: {ours / n * 1e6:8.1f} µs per profile")
    print(f"ratio:               {ours / base:8.1f}x  (aim: 10x or better)")

    profiler = cProfile.Profile()
    profiler.enable()
    timed(lambda data, name: validate_bytes(data, name), docs[:200])
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(12)
    print("\nwhere the time goes (200 profiles, cumulative):")
    print("\n".join(line for line in stream.getvalue().splitlines() if line.strip())[:3000])

    exe = [sys.executable, "-m", "profilegen", "--version"]
    py = startup([sys.executable, "-c", "pass"])
    pg = startup(exe)
    print(f"\nstart-up: python -c pass {py * 1000:.0f} ms, profilegen --version {pg * 1000:.0f} ms, ratio {pg / py:.1f}x")


if __name__ == "__main__":
    main()
