"""Certificates whose serial number is not positive (issue 19, class 11): RFC 5280 §4.1.2.2
forbids them and cryptography warns, with a source line, whenever it parses one. The user sees
one finding or one refusal instead, never the warning: once through a real process (what a
shell shows), elsewhere in-process with every warning turned into an error."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from asn1crypto import pem

from profilegen.cli import app
from tests.hardening.proc import run
from tests.signing.conftest import PROFILE
from tests.signing.pki import PKI, reissued_with_serial

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module", params=[-5, 0], ids=["negative", "zero"])
def odd(request: pytest.FixtureRequest, pki: PKI, openssl: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path, Path]:
    """(kind, signer certificate PEM, a profile openssl signed with it, a root bundle whose root has that serial)."""
    serial = request.param
    base = tmp_path_factory.mktemp(f"serial{serial}")
    leaf = base / "leaf.pem"
    leaf.write_bytes(pem.armor("CERTIFICATE", reissued_with_serial(pki["codesign"].cert, pki.inter_key, serial)))
    signed = base / "signed.mobileconfig"
    subprocess.run([openssl, "cms", "-sign", "-nodetach", "-binary", "-outform", "DER", "-in", str(PROFILE), "-out", str(signed),
                    "-signer", str(leaf), "-inkey", str(pki["codesign"].key_pem), "-certfile", str(pki.inter_pem), "-md", "sha256"],
                   check=True, capture_output=True, timeout=60)
    root = base / "root.pem"
    root.write_bytes(pem.armor("CERTIFICATE", reissued_with_serial(pki.root, pki.root_key, serial)))
    return ("negative" if serial < 0 else "zero"), leaf, signed, root


def problem(kind: str) -> str:
    return f"the signer certificate's serial number is {kind}; RFC 5280 §4.1.2.2 requires a positive one, have the CA reissue it"


def test_no_warning_reaches_a_real_terminal(odd):  # type: ignore[no-untyped-def]
    kind, _, signed, root = odd
    for args in (["verify", str(signed)], ["validate", "--ca-file", str(root), str(signed)]):
        done = run(args)
        assert done.returncode in (0, 1), done.stderr
        assert done.stderr == "", done.stderr  # no CryptographyDeprecationWarning, no source line
        assert problem(kind) in done.stdout


def test_verify_reports_the_serial(runner, pki, odd):  # type: ignore[no-untyped-def]
    kind, _, signed, _ = odd
    for extra in ([], ["--ca-file", str(pki.root_pem)]):
        result = runner.invoke(app, ["verify", *extra, str(signed)])
        assert result.exit_code == 1, result.output
        assert result.stdout.splitlines()[0].startswith(f"{signed}: intact, ")
        assert f"{signed}: - {problem(kind)}" in result.stdout.splitlines()


def test_validate_reports_it_as_pg112(runner, odd):  # type: ignore[no-untyped-def]
    kind, _, signed, root = odd
    result = runner.invoke(app, ["validate", "--format", "json", "--ca-file", str(root), str(signed)])
    assert result.exit_code in (0, 1), result.output  # cryptography's chain check refuses a negative serial, not zero
    found = {f["code"]: f["message"] for f in json.loads(result.stdout)["files"][0]["findings"]}
    assert found["PG112"] == problem(kind)
    assert ("PG113" in found) == (kind == "negative") and result.exit_code == (kind == "negative")


def test_sign_refuses_such_a_certificate(runner, pki, odd, tmp_path):  # type: ignore[no-untyped-def]
    kind, leaf, _, _ = odd
    result = runner.invoke(app, ["sign", "--cert", str(leaf), "--key", str(pki["codesign"].key_pem), "--out", str(tmp_path / "o"), str(PROFILE)])
    assert result.exit_code == 2, result.output
    assert result.output == (f"profilegen: {leaf}: the certificate's serial number is {kind}; "
                             "RFC 5280 §4.1.2.2 requires a positive one, have the CA reissue it\n")
    assert not (tmp_path / "o").exists()
