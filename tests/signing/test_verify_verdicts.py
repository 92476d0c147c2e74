"""signing.verify: the exact verdict for each kind of damage (issue 23). Signatures are made by
openssl cms, the independent implementation; verify must refuse what is no signed profile."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from profilegen.signing.verify import Verdict, summarize, verify_bytes
from tests.signing.conftest import PROFILE
from tests.signing.pki import PKI


def sign(openssl: str, pki: PKI, tmp: Path, *extra: str, md: str = "sha256") -> bytes:
    out = tmp / "signed.der"
    subprocess.run([openssl, "cms", "-sign", "-nodetach", "-binary", "-outform", "DER", "-in", str(PROFILE), "-out", str(out),
                    "-signer", str(pki["codesign"].cert_pem), "-inkey", str(pki["codesign"].key_pem),
                    "-certfile", str(pki.inter_pem), "-md", md, *extra], check=True, capture_output=True, timeout=60)
    return out.read_bytes()


@pytest.mark.parametrize("attrs", [True, False])
def test_intact_signature_is_ok(openssl: str, pki: PKI, tmp_path: Path, attrs: bool) -> None:
    verdict = verify_bytes(sign(openssl, pki, tmp_path, *([] if attrs else ["-noattr"])))
    assert (verdict.signed, verdict.broken, verdict.certificate, verdict.untrusted) == (True, [], [], [])
    assert verdict.intact and verdict.ok and verdict.trusted is None and verdict.problems == []
    assert verdict.content == PROFILE.read_bytes()
    assert verdict.signer is not None and "Test codesign" in verdict.signer["subject"]
    assert summarize([verdict, verdict]) is True


def test_signature_over_another_content_type_without_attributes_is_broken(openssl: str, pki: PKI, tmp_path: Path) -> None:
    # The planted bug: without signed attributes nothing else names the content type.
    verdict = verify_bytes(sign(openssl, pki, tmp_path, "-noattr", "-econtent_type", "1.2.3.4"))
    assert verdict.broken == ["the signed content type is 1.2.3.4, not id-data; this is no signed profile"]
    assert not verdict.intact and not verdict.ok and summarize([verdict]) is False


def test_signature_over_another_content_type_with_attributes_is_broken(openssl: str, pki: PKI, tmp_path: Path) -> None:
    verdict = verify_bytes(sign(openssl, pki, tmp_path, "-econtent_type", "1.2.3.4"))
    assert verdict.broken == ["the signed content type is 1.2.3.4, not id-data; this is no signed profile",
                              "the signed content-type attribute is not id-data"]


def test_md5_digest_is_refused(openssl: str, pki: PKI, tmp_path: Path) -> None:
    try:
        data = sign(openssl, pki, tmp_path, md="md5")
    except subprocess.CalledProcessError:
        pytest.skip("this openssl refuses to sign with md5")
    verdict = verify_bytes(data)
    assert verdict.broken[0] == "digest algorithm md5 is not accepted; re-sign with SHA-256"


def test_trust_verdicts(openssl: str, pki: PKI, tmp_path: Path) -> None:
    from profilegen.signing.trust import load_trust

    data = sign(openssl, pki, tmp_path)
    trusted = verify_bytes(data, trust=load_trust(pki.root_pem))
    assert trusted.trusted is True and trusted.ok and trusted.untrusted == []
    assert len(trusted.chain) == 3 and "Test codesign" in trusted.chain[0]
    other = tmp_path / "other-root.pem"  # a root that signed nothing here
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                    "/CN=Other Root", "-days", "2", "-keyout", str(tmp_path / "k.pem"), "-out", str(other)],
                   check=True, capture_output=True, timeout=60)
    untrusted = verify_bytes(data, trust=load_trust(other))
    assert untrusted.trusted is False and not untrusted.ok and untrusted.intact
    assert len(untrusted.untrusted) == 1 and untrusted.problems == untrusted.untrusted


def test_not_signed_and_garbage() -> None:
    assert Verdict(False).problems == ["not signed"] and not Verdict(False).intact and not Verdict(False).ok
    garbage = verify_bytes(b"\x30\x03\x02\x01\x01")
    assert garbage.signed and len(garbage.broken) == 1 and garbage.broken[0].startswith("not a readable signed profile: ")
    assert summarize([]) is True


def test_signing_time(openssl: str, pki: PKI, tmp_path: Path) -> None:
    import datetime as dt

    with_time = verify_bytes(sign(openssl, pki, tmp_path), at="signing-time")
    assert with_time.certificate == [] and with_time.checked_at is not None
    assert abs((dt.datetime.now(dt.timezone.utc) - with_time.checked_at).total_seconds()) < 600
    without = verify_bytes(sign(openssl, pki, tmp_path, "-noattr"), at="signing-time")
    assert without.certificate == ["--at signing-time: the signature carries no signing time; give --at now or a date"]
    assert without.intact and not without.ok
    later = dt.datetime(2200, 1, 1, tzinfo=dt.timezone.utc)
    expired = verify_bytes(sign(openssl, pki, tmp_path), at=later)
    assert expired.checked_at == later and expired.certificate and not expired.ok and expired.intact


@pytest.mark.parametrize("attrs", [True, False])
def test_tampered_content_and_signature(openssl: str, pki: PKI, tmp_path: Path, attrs: bool) -> None:
    data = sign(openssl, pki, tmp_path, *([] if attrs else ["-noattr"]))
    at = data.index(b"<string>Case</string>") + 9
    content = data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]
    signature = data[:-1] + bytes([data[-1] ^ 1])
    changed = verify_bytes(content)
    if attrs:
        assert changed.broken == ["content digest does not match: the profile was changed after it was signed"]
    else:
        assert changed.broken == ["the signature does not verify with the signer's key: the file was changed after it was signed"]
    assert verify_bytes(signature).broken == [
        "the signature does not verify with the signer's key: the file was changed after it was signed"]
    assert not changed.ok and not changed.intact


def test_an_ec_signature_verifies(openssl: str, tmp_path: Path) -> None:
    key, cert, out = tmp_path / "ec.key", tmp_path / "ec.pem", tmp_path / "ec.der"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                    "/CN=EC Signer", "-days", "2", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    subprocess.run([openssl, "cms", "-sign", "-nodetach", "-binary", "-outform", "DER", "-in", str(PROFILE), "-out", str(out),
                    "-signer", str(cert), "-inkey", str(key), "-md", "sha256"], check=True, capture_output=True, timeout=60)
    verdict = verify_bytes(out.read_bytes())
    assert verdict.broken == [] and verdict.intact
    assert verdict.chain == ["CN=EC Signer"]
