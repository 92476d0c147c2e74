"""A large JSON export is read in constant memory; chunk boundaries never change the result."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.core.errors import InputError
from profilegen.entra import jsonstream
from profilegen.entra.signins import JamfFilter, iter_signins, triage_files

RECORD = {
    "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
    "createdDateTime": "2026-11-20T08:01:02.6195833Z",
    "userPrincipalName": "user{n}@contoso.com",
    "appId": "2b8a9c1e-6f3d-4e2a-9b7c-1d5e8f0a3c46",
    "appDisplayName": "Jamf Connect",
    "ipAddress": "203.0.113.7",
    "clientAppUsed": "Mobile Apps and Desktop clients",
    "userAgent": "Jamf Connect/2.45 CFNetwork/1568.100.1 Darwin/24.0.0",
    "authenticationRequirement": "multiFactorAuthentication",
    "status": {"errorCode": 50076, "failureReason": "Strong authentication is required.", "additionalDetails": "x" * 200},
    "location": {"city": "Redmond", "state": "Washington", "countryOrRegion": "US"},
}


def write_big_page(path: Path, target_bytes: int) -> int:
    template = json.dumps(RECORD)
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns", "value": [\n')
        written = 0
        block = []
        while written < target_bytes:
            block.append(template.replace("{n}", str(count % 50)))
            count += 1
            if len(block) == 1000:
                text = ",\n".join(block) + ",\n"
                fh.write(text)
                written += len(text)
                block = []
        block.append(template.replace("{n}", str(count % 50)))
        count += 1
        fh.write(",\n".join(block) + "\n]}\n")
    return count


def test_large_export_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "InteractiveSignIns_big.json"
    expected = write_big_page(path, 60 << 20)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        result = triage_files([path], JamfFilter.of([]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.rows_read == expected
    assert result.summary["password_ok_mfa_required"] == expected
    assert len(result.users) == 50
    assert peak - base < 4 << 20, f"peak grew by {(peak - base) >> 20} MiB for a {size >> 20} MiB file"
    assert size > 50 << 20


@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
def test_tiny_chunks_give_the_same_records(tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "pages.json"
    page = {"@odata.count": 1234567, "value": [RECORD, {**RECORD, "status": {"errorCode": 50126}}], "flag": True}
    path.write_text(json.dumps(page) + "\n" + json.dumps([page, RECORD]) + " " + json.dumps(RECORD))
    expected = [50076, 50126, 50076, 50126, 50076, 50076]
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    assert [s.error_code for s in iter_signins(path)] == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300) | st.text(alphabet='[]{}",: \n0123456789abcstuvalueorCd\\', max_size=200).map(str.encode))
def test_never_crashes_on_bad_input(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(b"[" + data)
    try:
        for _ in iter_signins(path):
            pass
    except InputError as exc:
        assert str(path) in exc.problems[0]
