"""validate on many files: --jobs, chunked workers, the cross-file pair, bounded reads."""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from profilegen.profile.shapes import Settings
from profilegen.rules.security import walked
from profilegen.validate.pipeline import check_settings, read_input, validate_paths
from tests.helpers import CLIENT

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
GOOD = CASES / "PG402" / "pass-design-a.login.plist"
OTHER_TENANT = "0d5a0a8e-1c3b-4b7e-9f2a-6e5d4c3b2a19"


def validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "profilegen", "validate", *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


def foreign(i: int) -> bytes:
    """A profile with no Jamf Connect settings: it takes no part in the login/menu bar pair."""
    payload = {"PayloadType": "com.apple.dock", "PayloadIdentifier": f"x.{i}", "PayloadUUID": f"{i:08X}-0000-4000-8000-000000000000", "PayloadVersion": 1}
    return plistlib.dumps({"PayloadType": "Configuration", "PayloadContent": [payload], "PayloadVersion": 1})


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_workers_print_what_one_process_prints(fmt):
    serial = validate("--jobs", "1", "--format", fmt, "tests/cases")
    assert serial.stdout.count("PG") > 100
    for jobs in ("2", "3", "7"):
        pooled = validate("--jobs", jobs, "--format", fmt, "tests/cases")
        assert (pooled.stdout, pooled.stderr, pooled.returncode) == (serial.stdout, serial.stderr, serial.returncode)


def test_cross_file_pair_across_chunks(tmp_path):
    """The login window file is first, the menu bar file last: different workers check them, the
    parent still compares them and reports on the menu bar file, naming the login window file."""
    login = tmp_path / "a0.login.plist"
    login.write_bytes(GOOD.read_bytes())
    for i in range(40):
        (tmp_path / f"m{i:02d}.mobileconfig").write_bytes(foreign(i))
    menubar = tmp_path / "z9.menubar.plist"
    menubar.write_bytes(plistlib.dumps({"IdPSettings": {"Provider": "Azure", "ROPGID": CLIENT, "TenantID": OTHER_TENANT}}))
    serial = validate("--jobs", "1", str(tmp_path))
    pooled = validate("--jobs", "3", str(tmp_path))
    assert pooled.stdout == serial.stdout
    (line,) = [x for x in pooled.stdout.splitlines() if "PG406" in x]
    assert line.startswith(f"{menubar}:") and line.endswith(f"(login window: {login})")
    # With a second login window file there is no single pair to compare.
    (tmp_path / "m20.login.plist").write_bytes(GOOD.read_bytes())
    assert "PG406" not in validate("--jobs", "3", str(tmp_path)).stdout


def test_documents_are_not_kept(tmp_path):
    """Memory stays flat: a run keeps findings, never the parsed documents."""
    for i in range(5):
        (tmp_path / f"p{i}.login.plist").write_bytes(GOOD.read_bytes())
    results = validate_paths([str(tmp_path)], jobs=1)
    assert len(results) == 5 and all(r.document is None for r in results)


def test_oversized_file_reported_with_its_size_unread(tmp_path):
    big = tmp_path / "big.login.plist"
    with big.open("wb") as fh:
        fh.truncate(3 << 30)  # sparse: 3 GiB that are never read (reading would take seconds)
    result = read_input(str(big), None)
    assert not isinstance(result, bytes)
    assert result.code == "PG105" and result.message.startswith(f"{3 << 30:,} bytes is over the 4 MiB")
    proc = validate(str(big))
    assert proc.returncode == 1 and f"PG105 error: {3 << 30:,} bytes" in proc.stdout


def test_small_file_read_whole_and_pipe_bounded(tmp_path):
    assert read_input(str(GOOD), None) == GOOD.read_bytes()
    fifo = tmp_path / "pipe.login.plist"
    os.mkfifo(fifo)
    body = GOOD.read_bytes() * 1000  # about 1 MiB through a pipe, read in chunks

    def feed() -> None:
        with fifo.open("wb") as fh:
            fh.write(body)

    writer = threading.Thread(target=feed)
    writer.start()
    assert read_input(str(fifo), None) == body
    writer.join()


def test_security_walk_is_redone_for_a_changed_dictionary():
    """The PG5xx rules share one walk of the preferences; a dictionary changed between two runs
    is walked again, never answered from the earlier walk."""
    prefs = {"OIDCProvider": "Azure", "OIDCRedirectURI": "http://127.0.0.1/jamfconnect"}
    settings = Settings("com.jamf.connect.login", "login", prefs, "", "bare")
    assert "PG503" in {f.code for f in check_settings(settings)}
    prefs["OIDCRedirectURI"] = "https://127.0.0.1/jamfconnect"
    assert "PG503" not in {f.code for f in check_settings(settings)}
    assert walked(prefs) == (("OIDCProvider", "OIDCProvider", "Azure"), ("OIDCRedirectURI", "OIDCRedirectURI", prefs["OIDCRedirectURI"]))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_streamed_report_is_the_whole_report(fmt, tmp_path):
    """The CLI writes the report while the run goes on; it is byte for byte the report built from
    all results at once (as_text / as_json), including a cross-file pair held to the end."""
    from profilegen.validate.report import as_json, as_text

    for name in ("x.login.plist", "y.menubar.plist"):
        (tmp_path / name).write_bytes(GOOD.read_bytes() if "login" in name else plistlib.dumps({"IdPSettings": {"Provider": "Azure", "ROPGID": CLIENT, "TenantID": OTHER_TENANT}}))
    for folder in (str(CASES), str(tmp_path)):
        whole = validate_paths([folder], jobs=1)
        streamed = validate("--format", fmt, folder).stdout
        assert streamed == (as_json(whole) if fmt == "json" else as_text(whole))
