"""profilegen diff: key-level, across shapes and encodings, secrets never shown."""

from __future__ import annotations

import datetime as dt
import plistlib
from pathlib import Path
from typing import Any

import pytest

from profilegen.variants.diff import diff_bytes

SECRET = "s3cr3t-Value~never-print"


@pytest.fixture
def styles(run, sample: Path, tmp_path: Path) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """The sample rendered as mcx, direct and bare plist."""
    out = {}
    for name, args in {"mcx": (), "direct": ("--payload-style", "direct"), "plist": ("--format", "plist")}.items():
        out[name] = tmp_path / name
        result = run("variants", sample, "--out", out[name], *args)
        assert result.exit_code == 0, result.output
    return out


def sign(data: bytes) -> bytes:
    """DER CMS SignedData with the content embedded, as a signed .mobileconfig is."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs7
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "profilegen test signer")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, hashes.SHA256()).sign(serialization.Encoding.DER, [])


def test_mcx_and_direct_of_the_same_settings_are_equal(run, styles: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    for name in ("com.contoso.jamfconnect.sales.login.mobileconfig", "com.contoso.jamfconnect.finance-pilot.menubar.mobileconfig"):
        mcx, direct = styles["mcx"] / name, styles["direct"] / name
        assert mcx.read_bytes() != direct.read_bytes()
        result = run("diff", mcx, direct)
        assert result.exit_code == 0, result.output
        assert result.stdout == ""


def test_binary_and_signed_read_as_the_same_profile(run, styles: dict[str, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    xml = styles["mcx"] / "com.contoso.jamfconnect.sales.login.mobileconfig"
    binary = tmp_path / "binary.mobileconfig"
    binary.write_bytes(plistlib.dumps(plistlib.loads(xml.read_bytes()), fmt=plistlib.FMT_BINARY))
    signed = tmp_path / "signed.mobileconfig"
    signed.write_bytes(sign((styles["direct"] / xml.name).read_bytes()))
    assert run("diff", xml, binary).exit_code == 0
    result = run("diff", binary, signed)
    assert result.exit_code == 0, result.output


def test_bare_plist_against_a_profile_shows_only_the_envelope(run, styles: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    bare = styles["plist"] / "com.contoso.jamfconnect.sales.login.plist"
    profile = styles["mcx"] / "com.contoso.jamfconnect.sales.login.mobileconfig"
    result = run("diff", bare, profile)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert '+ PayloadIdentifier = "com.contoso.jamfconnect.sales.login"' in lines
    assert all(line.startswith("+ Payload") for line in lines), lines


def test_different_variants_give_1_with_key_paths(run, styles: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    a = styles["mcx"] / "com.contoso.jamfconnect.sales.login.mobileconfig"
    b = styles["direct"] / "com.contoso.jamfconnect.finance-pilot.login.mobileconfig"
    result = run("diff", a, b)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "+ login.DenyLocal = true" in lines
    assert "~ login.LocalFallback: true -> false" in lines
    assert '~ login.OIDCAdmin: ["MacAdmin"] -> ["FinanceMacAdmin"]' in lines
    assert any(line.startswith("~ PayloadIdentifier: ") for line in lines)
    assert any(line.startswith("~ PayloadUUID: ") for line in lines)
    ignored = run("diff", a, b, "--ignore-payload-ids")
    assert ignored.exit_code == 1
    assert not any("PayloadIdentifier" in line or "PayloadUUID" in line for line in ignored.stdout.splitlines())
    assert "+ login.DenyLocal = true" in ignored.stdout.splitlines()


def test_only_payload_ids_differ(run, styles: dict[str, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = styles["mcx"] / "com.contoso.jamfconnect.sales.menubar.mobileconfig"
    data = plistlib.loads(a.read_bytes())
    data["PayloadIdentifier"] = "com.contoso.other"
    data["PayloadUUID"] = "11111111-2222-4333-8444-555555555555"
    b = tmp_path / "renamed.mobileconfig"
    b.write_bytes(plistlib.dumps(data))
    assert run("diff", a, b).exit_code == 1
    result = run("diff", a, b, "--ignore-payload-ids")
    assert result.exit_code == 0 and result.stdout == ""


def bare(tmp_path: Path, name: str, prefs: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_bytes(plistlib.dumps(prefs))
    return path


def test_secret_values_are_never_printed(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = bare(tmp_path, "a.login.plist", {"OIDCProvider": "Azure", "OIDCClientSecret": "old-" + SECRET, "MFARename": {"ClientSecret": "x"}})
    b = bare(tmp_path, "b.login.plist", {"OIDCProvider": "Azure", "OIDCClientSecret": SECRET, "ROPGClientSecret": SECRET,
                                         "IdP": {"ClientSecret": SECRET}, "List": [{"ClientSecret": SECRET}, {"x": 1}]})
    for args in ((a, b), (b, a)):
        result = run("diff", *args)
        assert result.exit_code == 1
        assert SECRET not in result.output
        assert "old-" not in result.output
    lines = run("diff", a, b).stdout.splitlines()
    assert "~ login.OIDCClientSecret: <hidden> -> <hidden>" in lines
    assert "+ login.ROPGClientSecret = <hidden>" in lines
    assert "+ login.IdP.ClientSecret = <hidden>" in lines
    assert '+ login.List = [{"ClientSecret": "<hidden>"}, {"x": 1}]' in lines


def test_plist_types_are_told_apart_and_nested_changes_have_paths(tmp_path: Path) -> None:
    a = plistlib.dumps({"Migrate": True, "Timer": 1, "SignIn": {"A": 1}, "MFARename": [{"a": 1}]})
    b = plistlib.dumps({"Migrate": 1, "Timer": 1.0, "SignIn": {"A": 1, "B": {"C": "x"}}, "MFARename": [{"a": 2}, {"b": 1}]})
    changes = [c.line() for c in diff_bytes(a, b, name_a="x.login.plist", name_b="y.login.plist")]
    assert changes == [
        "~ login.MFARename[0].a: 1 -> 2",
        "+ login.MFARename[1].b = 1",
        "~ login.Migrate: true -> 1",
        '+ login.SignIn.B.C = "x"',
        "~ login.Timer: 1 -> 1.0",
    ]


def test_unreadable_side_gives_2_naming_the_file_and_finding(run, styles: dict[str, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = styles["mcx"] / "com.contoso.jamfconnect.sales.login.mobileconfig"
    broken = tmp_path / "broken.mobileconfig"
    broken.write_bytes(b"<plist><dict><key>a</key>")
    result = run("diff", good, broken)
    assert result.exit_code == 2
    assert f"{broken}: unreadable: PG101 not well-formed XML" in result.stderr
    missing = tmp_path / "missing.mobileconfig"
    result = run("diff", missing, good)
    assert result.exit_code == 2 and f"{missing}: unreadable: PG106" in result.stderr
    assert "Traceback" not in result.output


def test_stdin_and_usage(run, styles: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    a = styles["mcx"] / "com.contoso.jamfconnect.sales.login.mobileconfig"
    b = styles["direct"] / a.name
    assert run("diff", "-", b, stdin=a.read_bytes()).exit_code == 0
    assert run("diff", a).exit_code == 2  # usage: B missing
    assert run("diff", "-", "-", stdin=b"").exit_code == 2


def test_credentials_in_urls_and_data_are_never_shown_verbatim() -> None:
    a = plistlib.dumps({"HelpURL": "https://help.contoso.com/x", "LicenseFile": b"ab"})
    b = plistlib.dumps({"HelpURL": "https://admin:HUNTER2@help.contoso.com/x", "LicenseFile": b"ac"})
    lines = [c.line() for c in diff_bytes(a, b, name_a="a.login.plist", name_b="b.login.plist")]
    text = "\n".join(lines)
    assert "HUNTER2" not in text and "https://<hidden>@help.contoso.com/x" in text
    data_line = next(line for line in lines if "LicenseFile" in line)
    old, new = data_line.split(" -> ")
    assert old.split(": ", 1)[1] != new  # the two data values are told apart (by digest)
