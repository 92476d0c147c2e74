"""Signed profiles made by strangers (issue 19, classes 3 and 8): every reader of a signature
(verify, validate in every format, diff, sign --resign, variants --check) reports what is wrong
with absurd ASN.1 values as a finding, never exit 70; --at times that no datetime holds in UTC are
a usage error.

The RSASSA-PSS parameters are outside what the signature covers, so anyone can change them in a
file signed by someone else; the files here are built with asn1crypto from one openssl signature."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import algos, cms, core

from profilegen.cli import app
from tests.conftest import SAMPLES
from tests.signing.conftest import PROFILE
from tests.signing.pki import PASSWORD, PKI
from tests.signing.test_verify import openssl_sign

REPORT_FORMATS = ["text", "json", "sarif", "junit", "github"]
SALT_OK = 222  # what openssl writes for RSA-2048 and SHA-256: the largest salt that fits (RFC 8017 §9.1.1)


def pss(der: bytes, *, salt: int = SALT_OK, trailer: int = 1, hash_oid: str = "sha256", mgf: str = "mgf1") -> bytes:
    """``der`` with its first SignerInfo's signature algorithm set to RSASSA-PSS with these parameters."""
    info = cms.ContentInfo.load(der)
    si = info["content"]["signer_infos"][0]
    si["signature_algorithm"] = algos.SignedDigestAlgorithm({
        "algorithm": "rsassa_pss",
        "parameters": algos.RSASSAPSSParams({
            "hash_algorithm": {"algorithm": hash_oid},
            "mask_gen_algorithm": {"algorithm": mgf, "parameters": algos.DigestAlgorithm({"algorithm": "sha256"})},
            "salt_length": salt,
            "trailer_field": trailer,
        }),
    })
    return bytes(info.dump(force=True))


def openssl_pss(openssl: str, pki: PKI, tmp: Path) -> bytes:
    import subprocess

    out = tmp / "pss.der"
    subprocess.run([openssl, "cms", "-sign", "-nodetach", "-binary", "-outform", "DER", "-in", str(PROFILE), "-out", str(out),
                    "-signer", str(pki["codesign"].cert_pem), "-inkey", str(pki["codesign"].key_pem),
                    "-certfile", str(pki.inter_pem), "-md", "sha256", "-keyopt", "rsa_padding_mode:pss"],
                   check=True, capture_output=True, timeout=60)
    return out.read_bytes()


# name -> (parameters, the problem verify reports)
HOSTILE: dict[str, tuple[dict[str, Any], str]] = {
    "salt-2^70": ({"salt": 2**70}, "RSASSA-PSS salt length (a 71-bit number) does not fit a 2048-bit key with sha256 (0 to 222)"),
    "salt-5000-digits": ({"salt": 10**5000}, "RSASSA-PSS salt length (a 16610-bit number) does not fit"),
    "salt-negative": ({"salt": -1}, "RSASSA-PSS salt length -1 does not fit a 2048-bit key with sha256 (0 to 222)"),
    "salt-one-too-many": ({"salt": SALT_OK + 1}, "RSASSA-PSS salt length 223 does not fit"),
    "trailer-2^70": ({"trailer": 2**70}, "RSASSA-PSS trailer field (a 71-bit number) is not 1"),
    "hash-unknown": ({"hash_oid": "1.2.3.4.5"}, "RSASSA-PSS hash 1.2.3.4.5 is not accepted"),
    "mgf-unknown": ({"mgf": "1.2.840.113549.1.1.99"}, "RSASSA-PSS mask generation 1.2.840.113549.1.1.99 is not MGF1"),
}


@pytest.fixture(scope="module")
def strangers(pki: PKI, openssl: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("strangers")
    signed = openssl_pss(openssl, pki, base)
    files = {"intact": base / "intact.mobileconfig"}
    files["intact"].write_bytes(pss(signed))  # rewritten with the same parameters: still verifies
    for name, (params, _) in HOSTILE.items():
        files[name] = base / f"{name}.mobileconfig"
        files[name].write_bytes(pss(signed, **params))
    return files


def no_crash(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_openssl_pss_signature_verifies(runner, strangers, pki, openssl_verify, tmp_path):  # type: ignore[no-untyped-def]
    assert openssl_verify(strangers["intact"], tmp_path / "out").returncode == 0  # the oracle agrees it is sound
    result = runner.invoke(app, ["verify", "--ca-file", str(pki.root_pem), str(strangers["intact"])])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", list(HOSTILE))
def test_verify_reports_absurd_pss_parameters(runner, strangers, pki, openssl_verify, tmp_path, name):  # type: ignore[no-untyped-def]
    path = strangers[name]
    assert openssl_verify(path, tmp_path / "out").returncode != 0  # the oracle refuses each of them too
    for args in (["verify"], ["verify", "--ca-file", str(pki.root_pem)], ["verify", "--format", "json"]):
        result = runner.invoke(app, [*args, str(path)])
        no_crash(result)
        assert result.exit_code == 1
        if "json" in args:
            problems = json.loads(result.stdout)["files"][0]["problems"]
            assert problems[0].startswith("the signature cannot be checked (" + HOSTILE[name][1]), problems
        else:
            assert f"{path}: - the signature cannot be checked ({HOSTILE[name][1]}" in result.stdout, result.stdout


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_validate_reports_them_as_pg111_in_every_format(runner, strangers, fmt):  # type: ignore[no-untyped-def]
    paths = [str(strangers[name]) for name in HOSTILE]
    result = runner.invoke(app, ["validate", "--format", fmt, *paths])
    no_crash(result)
    assert result.exit_code == 1
    assert result.stdout.count("RSASSA-PSS") >= len(HOSTILE), result.stdout
    if fmt == "json":
        for entry in json.loads(result.stdout)["files"]:
            pg111 = [f["message"] for f in entry["findings"] if f["code"] == "PG111"]
            name = Path(entry["path"]).stem
            assert pg111 and HOSTILE[name][1] in pg111[0], (name, pg111)


def test_diff_reads_them(runner, strangers):  # type: ignore[no-untyped-def]
    for name in HOSTILE:
        result = runner.invoke(app, ["diff", str(strangers[name]), str(PROFILE)])
        no_crash(result)
        assert result.exit_code == 0, result.output  # the same content inside


def test_sign_resign_signs_their_content_anew(runner, strangers, pki, tmp_path):  # type: ignore[no-untyped-def]
    for name in HOSTILE:
        out = tmp_path / name
        result = runner.invoke(app, ["sign", "--resign", "--p12", str(pki.p12), "--out", str(out), str(strangers[name])],
                               env={"PROFILEGEN_KEY_PASSWORD": PASSWORD})
        no_crash(result)
        assert result.exit_code == 0, result.output
        assert f"the old signature did not verify (the signature cannot be checked ({HOSTILE[name][1]}" in result.output
        assert runner.invoke(app, ["verify", str(out / f"{name}.mobileconfig")]).exit_code == 0


def test_variants_check_reports_them(runner, pki, tmp_path):  # type: ignore[no-untyped-def]
    source, out = tmp_path / "departments.yaml", tmp_path / "out"
    shutil.copy(SAMPLES / "departments.yaml", source)
    env = {"PROFILEGEN_KEY_PASSWORD": PASSWORD}
    assert runner.invoke(app, ["variants", str(source), "--out", str(out), "--p12", str(pki.p12)], env=env).exit_code == 0
    victim = next(p for p in sorted(out.iterdir()) if p.suffix == ".mobileconfig")
    victim.write_bytes(pss(victim.read_bytes(), salt=2**70))
    result = runner.invoke(app, ["variants", str(source), "--out", str(out), "--check", "--cert", str(pki["codesign"].cert_pem)])
    no_crash(result)
    assert result.exit_code == 1
    assert f"signature no longer verifies: the signature cannot be checked ({HOSTILE['salt-2^70'][1]})" in result.output


# --- class 8: times -------------------------------------------------------------------------

def with_signing_time(der: bytes, raw_time: bytes) -> bytes:
    """``der`` with the signing-time attribute's value replaced by a raw DER time (tag and all)."""
    info = cms.ContentInfo.load(der)
    for attr in info["content"]["signer_infos"][0]["signed_attrs"]:
        if attr["type"].native == "signing_time":
            attr["values"] = cms.SetOfTime([cms.Time.load(raw_time)])
    return bytes(info.dump())  # not force=True: asn1crypto would re-encode the time, and refuses one without a zone


def generalized(text: str) -> bytes:
    return bytes(core.GeneralizedTime.load(b"\x18" + bytes([len(text)]) + text.encode()).dump())


@pytest.mark.parametrize(("raw", "why"), [
    ("20261202120000", "the signing time 2026-12-02T12:00:00 names no time zone (RFC 5652 §11.3 asks for UTC, ending in Z)"),
    ("20261202120000.5", "the signing time 2026-12-02T12:00:00.500000 names no time zone"),
    ("00001202120000Z", "the signing time is outside the years 1 to 9999"),
])
def test_unusable_signing_time_with_at_signing_time(runner, pki, openssl, tmp_path, raw, why):  # type: ignore[no-untyped-def]
    path = tmp_path / "t.mobileconfig"
    path.write_bytes(with_signing_time(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=True), generalized(raw)))
    for extra in ([], ["--ca-file", str(pki.root_pem)]):
        result = runner.invoke(app, ["verify", "--at", "signing-time", *extra, str(path)])
        no_crash(result)
        assert result.exit_code == 1
        assert f"{path}: - --at signing-time: {why}" in result.stdout, result.stdout
    no_crash(runner.invoke(app, ["validate", str(path)]))


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59.999999-00:01"])
def test_at_outside_utc_range_is_a_usage_error(runner, pki, openssl, tmp_path, at):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.mobileconfig"
    path.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=True))
    for extra in ([], ["--ca-file", str(pki.root_pem)]):
        result = runner.invoke(app, ["verify", "--at", at, *extra, str(path)])
        assert result.exit_code == 2, result.output
        assert result.output == f"profilegen: --at: {at!r} falls outside the years 1 to 9999 in UTC; give a time within them\n"


@pytest.mark.parametrize(("at", "checked"), [
    ("9999-12-31T23:59:59Z", "9999-12-31 23:59 UTC"),
    ("0001-01-01T23:59:00+23:59", "0001-01-01 00:00 UTC"),
    ("9999-12-31T23:58:59-00:01", "9999-12-31 23:59 UTC"),
])
def test_at_the_edges_of_the_calendar_is_checked(runner, pki, openssl, tmp_path, at, checked):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.mobileconfig"
    path.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=True))
    result = runner.invoke(app, ["verify", "--at", at, "--ca-file", str(pki.root_pem), "--format", "json", str(path)])
    no_crash(result)
    assert result.exit_code == 1
    entry = json.loads(result.stdout)["files"][0]
    assert dt.datetime.fromisoformat(entry["checked_at"]).utcoffset() == dt.timedelta(0)
    assert any(f"(checked at {checked})" in p for p in entry["problems"]), entry["problems"]


def test_pss_without_parameters(runner, pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    info = cms.ContentInfo.load(openssl_pss(openssl, pki, tmp_path))
    info["content"]["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm({"algorithm": "rsassa_pss"})
    path = tmp_path / "bare.mobileconfig"
    path.write_bytes(bytes(info.dump(force=True)))
    result = runner.invoke(app, ["verify", str(path)])
    no_crash(result)
    assert f"{path}: - the signature cannot be checked (RSASSA-PSS without its parameters (RFC 4055 §3.1 requires them))" in result.stdout


def test_damaged_der_is_one_line(runner, pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    """asn1crypto's message goes on over several lines ("while parsing ..."); only its first is said."""
    path = tmp_path / "month13.mobileconfig"
    path.write_bytes(with_signing_time(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=True),
                                       generalized("20261302120000Z")))
    result = runner.invoke(app, ["verify", str(path)])
    no_crash(result)
    assert result.stdout.splitlines()[1] == f"{path}: - not a readable signed profile: damaged DER (month must be in 1..12)"
    found = json.loads(runner.invoke(app, ["validate", "--format", "json", str(path)]).stdout)["files"][0]["findings"]
    assert [f["message"] for f in found if f["code"] == "PG106"] == ["damaged DER (month must be in 1..12); re-export the signed profile"]


def _tlv(tag: int, body: bytes) -> bytes:
    size = len(body)
    length = bytes([size]) if size < 0x80 else bytes([0x80 | ((size.bit_length() + 7) // 8)]) + size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


@pytest.mark.parametrize("where", ["pss-hash", "pss-mgf-hash", "signer-digest"])
def test_huge_integer_as_hash_parameters_is_read_as_openssl_reads_it(runner, pki, openssl, openssl_verify, tmp_path, where):  # type: ignore[no-untyped-def]
    """SHA-2 parameters are NULL or absent (RFC 5754 §2); a 9,000-bit INTEGER there is outside the
    signature. Neither openssl nor profilegen reads them, so both call the signature intact (the
    decision: agree with the oracle rather than invent a refusal); what matters is that no reader
    parses the integer into a crash."""
    sha256 = algos.DigestAlgorithm.load(_tlv(0x30, bytes(core.ObjectIdentifier("2.16.840.1.101.3.4.2.1").dump()) + bytes(core.Integer(2**9000).dump())))
    info = cms.ContentInfo.load(openssl_pss(openssl, pki, tmp_path))
    si = info["content"]["signer_infos"][0]
    if where == "signer-digest":
        si["digest_algorithm"] = sha256
    elif where == "pss-hash":
        si["signature_algorithm"]["parameters"]["hash_algorithm"] = sha256
    else:
        si["signature_algorithm"]["parameters"]["mask_gen_algorithm"] = algos.MaskGenAlgorithm({"algorithm": "mgf1", "parameters": sha256})
    path = tmp_path / f"{where}.mobileconfig"
    path.write_bytes(bytes(info.dump()))  # not force=True: the integer stays as it is
    assert openssl_verify(path, tmp_path / "out", ca=pki.root_pem).returncode == 0
    for args in (["verify", "--ca-file", str(pki.root_pem)], ["validate", "--format", "sarif"], ["diff", str(PROFILE)]):
        result = runner.invoke(app, [*args, str(path)])
        no_crash(result)
        assert result.exit_code == 0, result.output
