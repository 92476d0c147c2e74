"""Benchmark: `profilegen signins` on a large sign-in export, against a plain read of the same file.

Writes an export of --rows sign-ins (default 1,000,000) to a temporary folder, then runs, each as
a fresh process and --runs times, paired (every case once per round): the baseline, `profilegen
signins` with text output and with `--format json`. Prints the min and median CPU time (user +
system: on a shared machine wall time measures the queue for a core) and wall time, the ratio of
the medians to the baseline's, and each process's peak RSS. Not a test: numbers are reported,
never asserted.

--export json (default): a Graph signIn export (about 600 MB), baseline `json.load`. With --ijson
it also times ijson's C backend walking the same records (issue 12 asks whether it beats
profilegen's own streaming reader, profilegen/entra/jsonstream.py).

--export csv: the portal's CSV download (UTF-8 with a BOM, comma-separated, the 56 columns of
InteractiveSignIns with their odd spellings: azure-facts.md section 4.3; about 1 GB), baseline a
`csv.reader` loop over the file (issue 21).

    .venv/bin/python bench/signins.py [--export json|csv] [--rows N] [--runs N] [--ijson]
"""

from __future__ import annotations

import argparse
import csv
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
# Run a command and print that child's peak RSS in KiB (Linux ru_maxrss is in KiB) and its CPU time.
PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(used.ru_maxrss, used.ru_utime + used.ru_stime)\n"
)
JSON_LOAD = "import json, sys\nwith open(sys.argv[1], 'rb') as fh:\n    json.load(fh)\n"
# The CSV baseline: every row parsed, nothing done with it (the portal's file starts with a BOM).
CSV_READ = (
    "import csv, sys\n"
    "with open(sys.argv[1], encoding='utf-8-sig', newline='') as fh:\n"
    "    for row in csv.reader(fh):\n"
    "        pass\n"
)
# InteractiveSignIns' CSV header as the portal writes it (azure-facts.md 4.3): "Application ID "
# and "Resource ID " with a trailing space, "Autonomous system  number" with two, and "Incoming
# token type" twice.
CSV_HEADER = [
    "Date (UTC)", "Request ID", "User agent", "Correlation ID", "User ID", "User", "Username", "User type",
    "Cross tenant access type", "Incoming token type", "Authentication Protocol", "Unique token identifier",
    "Original transfer method", "Client credential type", "Token Protection - Sign In Session",
    "Token Protection - Sign In Session StatusCode", "Application", "Application ID ", "App owner tenant ID",
    "Resource", "Resource ID ", "Resource tenant ID", "Resource owner tenant ID", "Home tenant ID",
    "Home tenant name", "IP address", "Location", "Status", "Sign-in error code", "Failure reason", "Client app",
    "Device ID", "Browser", "Operating System", "Compliant", "Managed", "Join Type",
    "Multifactor authentication result", "Multifactor authentication auth method",
    "Multifactor authentication auth detail", "Authentication requirement", "Sign-in identifier", "Session ID",
    "IP address (seen by resource)", "Through Global Secure Access", "Global Secure Access IP address",
    "Autonomous system  number", "Flagged for review", "Token issuer type", "Incoming token type",
    "Token issuer name", "Latency", "Conditional Access", "Managed Identity type", "Associated Resource Id",
    "Federated Token Id", "Federated Token Issuer",
]
TENANT = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490"
REASONS = {0: "", 50076: "Due to a configuration change made by your administrator, or because you moved to a new "
           "location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
           50126: "Error validating credentials due to invalid username or password.",
           50158: "External security challenge not satisfied. User will be redirected to another page or "
           "authentication provider to satisfy additional authentication challenges.",
           53003: "Access has been blocked by Conditional Access policies. The access policy does not allow token "
           "issuance."}
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


def write_csv_export(path: Path, rows: int) -> None:
    """The portal's CSV download: UTF-8 with a BOM, comma-separated, CR LF line ends (csv.writer's)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_HEADER)
        for n in range(rows):
            code = CODES[n % len(CODES)]
            user = f"user{n % 5000}"
            row = dict.fromkeys(CSV_HEADER, "")
            row.update({
                "Date (UTC)": f"2026-11-{1 + n % 28:02d} 08:01:02", "Request ID": f"66ea54eb-6301-4ee5-be62-{n:012x}",
                "User agent": "Jamf%20Connect/2.45.1 CFNetwork/1568.200.51 Darwin/24.1.0",
                "Correlation ID": f"0c5d3e2a-6f3d-4e2a-9b7c-{n:012x}", "User ID": f"5d2e1c3b-0000-4000-8000-{n % 5000:012x}",
                "User": f"User {n % 5000}", "Username": f"{user}@contoso.com", "User type": "Member",
                "Cross tenant access type": "None", "Authentication Protocol": "ROPC", "Application": "Jamf Connect",
                "Application ID ": APP, "App owner tenant ID": TENANT, "Resource": "Microsoft Graph",
                "Resource ID ": "00000003-0000-0000-c000-000000000000", "Resource tenant ID": TENANT,
                "Home tenant ID": TENANT, "IP address": "203.0.113.7", "Location": "Redmond, Washington, US",
                "Status": "Success" if code == 0 else "Failure", "Sign-in error code": str(code) if code else "",
                "Failure reason": REASONS[code], "Client app": "Mobile Apps and Desktop clients",
                "Operating System": "MacOs", "Compliant": "No", "Managed": "No", "Join Type": "",
                "Authentication requirement": "Single-factor authentication", "Autonomous system  number": "8075",
                "Flagged for review": "No", "Token issuer type": "AzureAD", "Latency": "94",
                "Conditional Access": "Not Applied",
            })
            out.writerow(row.values())


def measure(cmd: list[str]) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, peak RSS in KiB) of one fresh run of ``cmd``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    peak, cpu = done.stdout.split()
    return float(cpu), wall, int(peak)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", choices=("json", "csv"), default="json", help="Graph JSON or the portal's CSV")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ijson", action="store_true", help="also time ijson (pip install ijson; --export json)")
    parser.add_argument("--src", type=Path, help="run profilegen from this source tree (a before/after pair)")
    args = parser.parse_args()
    print(compile_tree(args.src))
    if args.src is None:
        script = [str(BIN / "profilegen")]
    else:  # the other tree's package first on the path, this venv's dependencies
        script = [sys.executable, "-c", (f"import sys; sys.path.insert(0, {str(args.src.resolve())!r}); "
                                         "sys.argv[0] = 'profilegen'; from profilegen.cli import main; main()")]
    with tempfile.TemporaryDirectory() as tmp:
        if args.export == "csv":
            export = Path(tmp) / "InteractiveSignIns.csv"
            write_csv_export(export, args.rows)
            baseline = "csv.reader (baseline)"
            cases = {baseline: [sys.executable, "-c", CSV_READ, str(export)]}
        else:
            export = Path(tmp) / "InteractiveSignIns.json"
            write_export(export, args.rows)
            baseline = "json.load (baseline)"
            cases = {baseline: [sys.executable, "-c", JSON_LOAD, str(export)]}
        cases["profilegen signins"] = [*script, "signins", "--app-id", APP, str(export)]
        cases["profilegen signins --format json"] = [*script, "signins", "--app-id", APP, "--format", "json", str(export)]
        if args.ijson and args.export == "json":
            cases["ijson items walk"] = [sys.executable, "-c", IJSON_WALK, str(export)]
        size = export.stat().st_size
        results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in cases}
        for _ in range(args.runs):  # paired: each case once per round, so load changes hit all alike
            for name, cmd in cases.items():
                results[name].append(measure(cmd))
    base_cpu = statistics.median(r[0] for r in results[baseline])
    base_peak = max(r[2] for r in results[baseline])
    print(f"export: {args.export}  rows: {args.rows:,}  file: {size / 2**20:.0f} MiB  runs: {args.runs}")
    for name, runs in results.items():
        cpu = [r[0] for r in runs]
        wall = [r[1] for r in runs]
        peak = max(r[2] for r in runs)
        print(
            f"{name:34} CPU min {min(cpu):6.2f} s  median {statistics.median(cpu):6.2f} s  "
            f"{statistics.median(cpu) / base_cpu:5.2f}x median  wall median {statistics.median(wall):6.2f} s  "
            f"peak RSS {peak / 1024:7.1f} MiB  {peak / base_peak:5.3f}x memory"
        )


if __name__ == "__main__":
    main()
