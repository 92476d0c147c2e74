"""profilegen verify agrees with openssl cms -verify on profiles openssl signed: signer named by
issuer and serial or by subject key identifier, SHA-1 and SHA-256, with and without signed
attributes, intact and tampered (content byte, signature byte, certificate swapped)."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding

from profilegen.cli import app
from profilegen.signing.verify import verify_bytes
from profilegen.validate.pipeline import check_bytes
from tests.signing.conftest import PROFILE
from tests.signing.pki import PKI, impostor


def openssl_sign(openssl: str, pki: PKI, tmp: Path, *, keyid: bool, md: str, attrs: bool, leaf: str = "codesign") -> bytes:
    out = tmp / f"signed-{keyid}-{md}-{attrs}-{leaf}.der"
    args = [openssl, "cms", "-sign", "-nodetach", "-binary", "-outform", "DER", "-in", str(PROFILE), "-out", str(out),
            "-signer", str(pki[leaf].cert_pem), "-inkey", str(pki[leaf].key_pem), "-certfile", str(pki.inter_pem), "-md", md]
    args += (["-keyid"] if keyid else []) + ([] if attrs else ["-noattr"])
    subprocess.run(args, check=True, capture_output=True, timeout=60)
    return out.read_bytes()


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def replace_certs(der: bytes, certs: list[bytes]) -> bytes:
    info = cms.ContentInfo.load(der)
    info["content"]["certificates"] = cms.CertificateSet(
        [cms.CertificateChoices(name="certificate", value=asn1_x509.Certificate.load(c)) for c in certs])
    return bytes(info.dump(force=True))


def swap_signer(der: bytes, old: bytes, new: bytes) -> bytes:
    certs = [c.chosen.dump() for c in cms.ContentInfo.load(der)["content"]["certificates"]]
    return replace_certs(der, [new if c == old else c for c in certs])


TAMPER = ["intact", "content", "signature", "certificate", "reencoded"]


@pytest.mark.parametrize(("keyid", "md", "attrs"), list(itertools.product([False, True], ["sha1", "sha256"], [True, False])))
def test_verify_agrees_with_openssl(runner, pki, openssl, openssl_verify, tmp_path, keyid, md, attrs):  # type: ignore[no-untyped-def]
    signed = openssl_sign(openssl, pki, tmp_path, keyid=keyid, md=md, attrs=attrs)
    leaf_der = pki["codesign"].cert.public_bytes(Encoding.DER)
    variants = {
        "intact": signed,
        "content": flip(signed, signed.index(b"<string>Case</string>") + 9),
        "signature": flip(signed, len(signed) - 1),  # the signature is the last field of the last SignerInfo
        "certificate": swap_signer(signed, leaf_der, impostor(pki, "codesign").public_bytes(Encoding.DER)),
        "reencoded": swap_signer(signed, leaf_der, leaf_der),  # the swap machinery itself changes nothing
    }
    for name, data in variants.items():
        path = tmp_path / f"{name}.mobileconfig"
        path.write_bytes(data)
        theirs = openssl_verify(path, tmp_path / "out").returncode == 0
        ours = runner.invoke(app, ["verify", "--ca-file", str(pki.root_pem), str(path)])
        assert ours.exit_code in (0, 1), ours.output
        assert (ours.exit_code == 0) == theirs, f"{name}: openssl {'accepts' if theirs else 'refuses'}; profilegen: {ours.output}"
        assert theirs == (name in ("intact", "reencoded")), name
        if theirs:
            assert "Test codesign" in ours.output  # the signer, not the intermediate listed beside it


def test_json_report(runner, pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    good = tmp_path / "good.mobileconfig"
    good.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=True, md="sha256", attrs=True))
    bad = tmp_path / "bad.mobileconfig"
    bad.write_bytes(flip(good.read_bytes(), good.read_bytes().index(b"<string>Case</string>") + 9))
    result = runner.invoke(app, ["verify", "--format", "json", "--ca-file", str(pki.root_pem), str(good), str(bad), str(PROFILE)])
    assert result.exit_code == 1
    files = json.loads(result.stdout)["files"]
    assert [f["path"] for f in files] == [str(good), str(bad), str(PROFILE)]
    first = files[0]
    assert {"path", "signed", "intact", "trusted", "signer", "chain", "problems"} <= set(first)
    assert first["intact"] and first["trusted"] and first["problems"] == []
    assert set(first["signer"]) == {"subject", "issuer", "serial", "not_before", "not_after"}
    assert "Test codesign" in first["signer"]["subject"] and "Test Intermediate CA" in first["signer"]["issuer"]
    assert [s.split("CN=")[1] for s in first["chain"]] == ["Test codesign", "Test Intermediate CA", "Test Root CA"]
    assert files[1]["intact"] is False and "changed after it was signed" in files[1]["problems"][0]
    assert files[2]["signed"] is False and files[2]["problems"] == ["not signed"]


def test_trust_store_is_optional_but_said(runner, pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    signed = tmp_path / "s.mobileconfig"
    signed.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=True))
    result = runner.invoke(app, ["verify", str(signed)])
    assert result.exit_code == 0 and "intact, not checked against a trust store" in result.stdout
    other = runner.invoke(app, ["verify", "--ca-file", str(pki.other_root_pem), str(signed)])
    assert other.exit_code == 1 and "not trusted by" in other.stdout


@pytest.mark.parametrize(("leaf", "expect"), [
    ("expired", "expired on"), ("rsa1024", "RSA key of 1024 bits"), ("tls", "serverAuth"), ("foreign", "not trusted"),
])
def test_unfit_signers_exit_1(runner, pki, openssl, tmp_path, leaf, expect):  # type: ignore[no-untyped-def]
    signed = tmp_path / "s.mobileconfig"
    signed.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=True, leaf=leaf))
    result = runner.invoke(app, ["verify", "--ca-file", str(pki.root_pem), str(signed)])
    assert result.exit_code == 1 and expect in result.stdout, result.stdout


def test_at_signing_time_and_iso(runner, pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    signed = tmp_path / "s.mobileconfig"
    signed.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=True, leaf="expired"))
    during = pki["expired"].cert.not_valid_before_utc.isoformat()
    assert runner.invoke(app, ["verify", "--at", during, str(signed)]).exit_code == 0
    assert runner.invoke(app, ["verify", "--at", "now", str(signed)]).exit_code == 1
    # openssl put in today's signing time, after the certificate expired
    assert runner.invoke(app, ["verify", "--at", "signing-time", str(signed)]).exit_code == 1
    noattr = tmp_path / "n.mobileconfig"
    noattr.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=False))
    result = runner.invoke(app, ["verify", "--at", "signing-time", str(noattr)])
    assert result.exit_code == 1 and "no signing time" in result.stdout
    assert runner.invoke(app, ["verify", "--at", "yesterday", str(noattr)]).exit_code == 2


def test_usage_errors_exit_2(runner, tmp_path):  # type: ignore[no-untyped-def]
    for args in (["verify", str(tmp_path / "missing")], ["verify", "--ca-file", str(PROFILE), str(PROFILE)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output


def test_every_single_byte_flip_is_caught_or_harmless(pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    """Robustness: no flipped byte crashes verify, and none that changes the content passes."""
    signed = openssl_sign(openssl, pki, tmp_path, keyid=True, md="sha256", attrs=True)
    start = signed.index(PROFILE.read_bytes()[:20])
    content = range(start, start + len(PROFILE.read_bytes()))
    # Every 13th byte of the file and every byte of the SignerInfo at its end (~4 ms each).
    positions = sorted({*range(0, len(signed), 13), *range(len(signed) - 300, len(signed))})
    for at in positions:
        verdict: Any = verify_bytes(flip(signed, at))
        if at in content:
            assert not verdict.intact, at
        if at % 5 == 0:  # validate reads the same bytes without raising (sampled: it is slower)
            check_bytes(flip(signed, at), "flipped.mobileconfig")
