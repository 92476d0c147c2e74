"""Every command, run as the installed console script, must still do its job: fail on a known-bad
input with its documented exit code, and refuse a missing required argument.

This file is the smoke test that .ci/run also runs against the lowest dependency versions that
pyproject.toml allows (ci/constraints-lowest.txt). It exists because typer 0.12 paired with a
newer click made `profilegen validate FILE` print the version and exit 0 without validating, and
typer 0.16 passed None for a missing required argument (issue 12): a CI gate built on profilegen
must never pass silently on a dependency pairing that pip is allowed to choose.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CLIENT, TENANT

SCRIPT = shutil.which("profilegen", path=str(Path(sys.executable).parent))
BAD_LOGIN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>'
    "<key>OIDCProvider</key><string>Azure</string>"
    "<key>OIDCClientID</key><string>not-a-guid</string>"
    "<key>OIDCTenant</key><string>common</string>"
    "</dict></plist>\n"
)


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the profilegen console script is not installed beside this Python"
    return subprocess.run([SCRIPT, *args], input=stdin, capture_output=True, text=True, timeout=60)


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "com.jamf.connect.login.plist"
    path.write_text(BAD_LOGIN, encoding="utf-8")
    return path


def test_version_and_help():
    assert run("--version").stdout.strip().startswith("profilegen ")
    done = run("--help")
    assert done.returncode == 0 and "validate" in done.stdout


def test_validate_reports_a_bad_profile(bad: Path):
    done = run("validate", str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "PG403" in done.stdout  # the client ID that is not a GUID


def test_validate_strict_and_json(bad: Path):
    done = run("validate", "--format", "json", str(bad))
    assert done.returncode == 1 and '"PG403"' in done.stdout


def test_generate_refuses_a_bad_tenant(tmp_path: Path):
    done = run(
        "generate", "--tenant", "common", "--client-id", CLIENT, "--organization", "Contoso",
        "--identifier", "com.contoso.jamfconnect", "--out", str(tmp_path / "out"),
    )
    assert done.returncode == 2 and "--tenant" in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_generate_writes_a_good_profile(tmp_path: Path):
    out = tmp_path / "out"
    done = run(
        "generate", "--tenant", TENANT, "--client-id", CLIENT, "--organization", "Contoso",
        "--identifier", "com.contoso.jamfconnect", "--out", str(out),
    )
    assert done.returncode == 0, done.stderr
    assert run("validate", str(out)).returncode == 0


def test_diff_reports_a_difference(bad: Path, tmp_path: Path):
    other = tmp_path / "other.plist"
    other.write_text(BAD_LOGIN.replace("not-a-guid", "still-not-a-guid"), encoding="utf-8")
    done = run("diff", str(bad), str(other))
    assert done.returncode == 1, done.stdout + done.stderr


def test_variants_refuses_a_broken_file(tmp_path: Path):
    spec = tmp_path / "variants.yaml"
    spec.write_text("variants: [\n", encoding="utf-8")
    done = run("variants", str(spec), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and str(spec.name) in done.stderr


def test_signins_refuses_an_unreadable_export(tmp_path: Path):
    export = tmp_path / "signins.json"
    export.write_text("{ not json", encoding="utf-8")
    assert run("signins", str(export)).returncode == 2


def test_ropg_check_refuses_a_plain_http_url():
    done = run(
        "ropg-check", "--tenant", TENANT, "--ropg-client-id", CLIENT, "--username", "a@contoso.com",
        "--password-stdin", "--ropg-discovery-url", "http://example.com/x", stdin="pw\n",
    )
    # The refusal itself, not a usage error about unknown options (issue 23).
    assert (done.returncode, done.stderr) == (
        2, "profilegen: --ropg-discovery-url: http://example.com/x uses http://; Entra endpoints are https:// only\n")
    assert done.stdout == ""


def test_sign_then_verify(tmp_path: Path):
    """sign and verify (issue 11) with a throwaway self-signed identity; a flipped byte is caught."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Smoke Signer")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "k.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    out = tmp_path / "out"
    done = run("generate", "--tenant", TENANT, "--client-id", CLIENT, "--organization", "Contoso",
               "--identifier", "com.contoso.jamfconnect", "--component", "login", "--out", str(out),
               "--cert", str(tmp_path / "c.pem"), "--key", str(tmp_path / "k.pem"))
    assert done.returncode == 0, done.stderr
    (signed,) = out.iterdir()
    assert run("verify", "--ca-file", str(tmp_path / "c.pem"), str(signed)).returncode == 0
    data = signed.read_bytes()
    signed.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert run("verify", str(signed)).returncode == 1


def test_jamf_push_refuses_plain_http_and_pull_reports_no_connection(bad: Path, tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "PROFILEGEN_JAMF_CLIENT_ID": "c", "PROFILEGEN_JAMF_CLIENT_SECRET": "s3cret-value"}
    push = subprocess.run([SCRIPT or "profilegen", "jamf", "push", str(bad), "--url", "http://jamf.example.com"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert push.returncode == 2 and "https" in push.stderr, push.stderr
    pull = subprocess.run([SCRIPT or "profilegen", "jamf", "pull", "--out", str(tmp_path / "p"), "--url", "http://127.0.0.1:9",
                           "--allow-http-loopback", "--timeout", "5"], capture_output=True, text=True, timeout=60, env=env)
    assert pull.returncode == 3 and "Cannot reach 127.0.0.1:9" in pull.stderr, pull.stderr
    assert "s3cret-value" not in push.stderr + pull.stderr + push.stdout + pull.stdout


def test_rules_lists_the_codes():
    done = run("rules")
    assert done.returncode == 0 and "PG101" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("diff", "only-one-file.plist"),
        ("variants",),
        ("signins",),
        ("sign",),
        ("verify",),
        ("azure", "blueprint", "--tenant", TENANT),
        ("jamf", "push"),
        ("jamf", "pull"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_missing_required_argument_is_a_usage_error(args: tuple[str, ...]):
    done = run(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
