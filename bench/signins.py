"""Benchmark: `profilegen signins` on a large Graph JSON export, against `json.load` of the same file.

Writes an export of --rows sign-ins (default 1,000,000, about 600 MB) to a temporary folder, then
runs, each as a fresh process and --runs times: `json.load` (the baseline), `profilegen signins`
with text output and with `--format json`. Prints the min and median wall time, the ratio of the
medians to the baseline's, and each process's peak RSS. With --ijson it also times ijson's C
backend walking the same records (issue 12 asks whether it beats profilegen's own streaming
reader, profilegen/entra/jsonstream.py). Not a test: numbers are reported, never asserted.

    .venv/bin/python bench/signins.py [--rows N] [--runs N] [--ijson]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import compile_tree  # bench/bytecode.py, beside this script

BIN = Path(sys.executable).parent
APP = "2b8a9c1e-6f3d-4e2a-9b7c-1d5e8f0a3c46"
CODES = (0, 50076, 50126, 50076, 50158, 53003, 50076, 0)
# Run a command and print the peak RSS of that child in KiB (Linux ru_maxrss is in KiB).
PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
JSON_LOAD = "import json, sys\nwith open(sys.argv[1], 'rb') as fh:\n    json.load(fh)\n"
IJSON_WALK = (
    "import ijson, sys\n"
    "with open(sys.argv[1], 'rb') as fh:\n"
    "    for record in ijson.items(fh, 'value.item', use_float=True):\n"
    "        record['status']['errorCode']\n"
)


def write_export(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns", "value": [\n')
        for n in range(rows):
            record = {
                "id": f"66ea54eb-6301-4ee5-be62-{n:012x}",
                "createdDateTime": "2026-11-20T08:01:02.6195833Z",
                "userPrincipalName": f"user{n % 5000}@contoso.com",
                "appId": APP,
                "appDisplayName": "Jamf Connect",
                "ipAddress": "203.0.113.7",
                "clientAppUsed": "Mobile Apps and Desktop clients",
                "authenticationRequirement": "singleFactorAuthentication",
                "status": {"errorCode": CODES[n % len(CODES)], "failureReason": "Strong authentication is required."},
                "location": {"city": "Redmond", "state": "Washington", "countryOrRegion": "US"},
            }
            fh.write(json.dumps(record) + (",\n" if n + 1 < rows else "\n"))
        fh.write("]}\n")


def measure(cmd: list[str], runs: int) -> tuple[list[float], int]:
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        peak = max(peak, int(done.stdout.strip()))
    return times, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ijson", action="store_true", help="also time ijson (pip install ijson)")
    args = parser.parse_args()
    print(compile_tree())
    script = str(BIN / "profilegen")
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "InteractiveSignIns.json"
        write_export(export, args.rows)
        cases = {
            "json.load (baseline)": [sys.executable, "-c", JSON_LOAD, str(export)],
            "profilegen signins": [script, "signins", "--app-id", APP, str(export)],
            "profilegen signins --format json": [script, "signins", "--app-id", APP, "--format", "json", str(export)],
        }
        if args.ijson:
            cases["ijson items walk"] = [sys.executable, "-c", IJSON_WALK, str(export)]
        size = export.stat().st_size
        results = {name: measure(cmd, args.runs) for name, cmd in cases.items()}
    base_time = statistics.median(results["json.load (baseline)"][0])
    base_min = min(results["json.load (baseline)"][0])
    base_peak = results["json.load (baseline)"][1]
    print(f"rows: {args.rows:,}  file: {size / 2**20:.0f} MiB  runs: {args.runs}")
    for name, (times, peak) in results.items():
        med = statistics.median(times)
        print(
            f"{name:34} min {min(times):6.2f} s  median {med:6.2f} s  {min(times) / base_min:5.2f}x min  {med / base_time:5.2f}x median  "
            f"peak RSS {peak / 1024:7.1f} MiB  {peak / base_peak:5.3f}x memory"
        )


if __name__ == "__main__":
    main()
